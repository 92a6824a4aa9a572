//! The job board's rows, kept a moment: the public board asks for the same twenty vacancies
//! thousands of times a minute, and reading them from the database was most of an answer's
//! cost. A kept row is used only while the vacancies' searcher that found it is still the
//! current one (every change of a vacancy, of its places or of its enterprise writes a change
//! row; applying it commits the index, which makes a new searcher and empties this), on the
//! same day (expiry is computed from the date), and for at most [`BoardRows::TTL`] — so a
//! change that reaches no change row (a row corrected in the database by hand) shows within two
//! seconds too. Only
//! the anonymous board uses it: staff lists and a worker's personal data are always read
//! from the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::vacancies::VacancyRow;

#[derive(Default)]
pub struct BoardRows {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    today: String,
    rows: HashMap<i64, (Instant, VacancyRow)>,
}

impl BoardRows {
    /// The longest a row is kept.
    pub const TTL: Duration = Duration::from_secs(2);
    /// Most rows kept (emptied when full).
    const MAX: usize = 20_000;

    /// The kept rows of `ids` (in order) and the ids that must be read, for searcher
    /// `generation` on `today`.
    pub fn take(
        &self,
        generation: u64,
        today: &str,
        ids: &[i64],
    ) -> (Vec<Option<VacancyRow>>, Vec<i64>) {
        let now = Instant::now();
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = inner.generation == generation && inner.today == today;
        let mut missing = Vec::new();
        let kept = ids
            .iter()
            .map(|id| {
                let row = fresh
                    .then(|| inner.rows.get(id))
                    .flatten()
                    .filter(|(at, _)| now.duration_since(*at) < Self::TTL)
                    .map(|(_, row)| row.clone());
                if row.is_none() {
                    missing.push(*id);
                }
                row
            })
            .collect();
        (kept, missing)
    }

    /// Keeps rows read from the database for searcher `generation` on `today`.
    pub fn keep(&self, generation: u64, today: &str, rows: &[VacancyRow]) {
        let now = Instant::now();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation || inner.today != today {
            inner.generation = generation;
            today.clone_into(&mut inner.today);
            inner.rows.clear();
        }
        if inner.rows.len() >= Self::MAX {
            // rows past their time are never used again: drop them first, then everything
            inner
                .rows
                .retain(|_, (at, _)| now.duration_since(*at) < Self::TTL);
            if inner.rows.len() >= Self::MAX {
                inner.rows.clear();
            }
        }
        for row in rows {
            inner.rows.insert(row.id, (now, row.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, title: &str) -> VacancyRow {
        VacancyRow {
            id,
            employer_id: 1,
            employer_name: "斗门食品厂".into(),
            title: title.to_owned(),
            description: String::new(),
            occupation: title.to_owned(),
            occupation_code: None,
            occupations: Vec::new(),
            headcount: 3,
            filled: 0,
            places_left: 3,
            wage_min: 4000,
            wage_max: 5000,
            town_code: "440403100000".into(),
            town: "井岸镇".into(),
            lodging: true,
            meals: true,
            shift: String::new(),
            min_age: 18,
            max_age: 50,
            required_programme: None,
            required_programme_name: None,
            expires_on: "2027-01-31".into(),
            assistance_workshop: false,
            internship: false,
            status: "open".into(),
            created_at: "2026-12-01 08:00:00".into(),
            employer_status: crate::domain::status::EmployerStatus::Verified,
        }
    }

    #[test]
    fn a_row_is_kept_for_its_generation_and_day_only() {
        let b = BoardRows::default();
        b.keep(3, "2026-12-06", &[row(1, "厨师"), row(2, "普工")]);
        let (kept, missing) = b.take(3, "2026-12-06", &[2, 1, 9]);
        assert_eq!(
            kept.iter()
                .map(|r| r.as_ref().map(|r| r.title.as_str()))
                .collect::<Vec<_>>(),
            vec![Some("普工"), Some("厨师"), None]
        );
        assert_eq!(missing, vec![9]);
        // a new searcher (the index applied a change) or a new day: read again
        assert_eq!(b.take(4, "2026-12-06", &[1]).1, vec![1]);
        assert_eq!(b.take(3, "2026-12-07", &[1]).1, vec![1]);
    }
}
