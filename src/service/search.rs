//! Searching and matching for the API and the pages: tantivy answers the words, the
//! database supplies the rows.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::certificates;
use crate::db::vacancies::{self, VacancyFilter, VacancyRow};
use crate::db::workers::{self, MaskedWorker, WorkerFilter, WorkerRow};
use crate::domain::values::fmt_date;
use crate::domain::{IdCardNumber, MobilePhone, Programme, today};
use crate::error::{AppError, AppResult};
use crate::search::matching::{self, Match, days};
use crate::search::query::{
    BoardQuery, CaseloadQuery, kept_board, kept_caseload, kept_towns, open_towns as open_towns_of,
    search_board, search_caseload,
};
use crate::search::sync::{vacancy_doc, worker_doc};
use crate::service::workers::{Access, access};
use crate::state::AppState;

/// Runs blocking index work off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> AppResult<T> {
    Ok(tokio::task::spawn_blocking(f)
        .await
        .map_err(anyhow::Error::from)??)
}

/// The job board: words through the index (best first), no words through the database
/// (newest first); the same filters either way.
pub async fn board(state: &AppState, f: &VacancyFilter) -> AppResult<(Vec<VacancyRow>, i64)> {
    let today_s = fmt_date(today());
    let q = f.q.as_deref().map(str::trim).unwrap_or("");
    if q.is_empty() || f.employer_id.is_some() {
        return Ok(vacancies::list(
            &state.db,
            &VacancyFilter {
                q: None,
                ..f.clone()
            },
            &today_s,
        )
        .await?);
    }
    let per_page = f.per_page.clamp(1, 100);
    let b = BoardQuery {
        q: q.to_owned(),
        town: f.town.clone(),
        programme: f
            .programme
            .as_deref()
            .and_then(|p| Programme::parse(p).ok())
            .map(|p| crate::search::schema::programme_index(Some(p))),
        wage_at_least: f.wage_at_least,
        lodging: f.lodging,
        today_days: days(today()),
        offset: ((f.page.max(1) - 1) * per_page) as usize,
        limit: per_page as usize,
    };
    // the searcher generation first: rows read later are at least as new as it
    let generation = state
        .search
        .index
        .vacancies
        .reader
        .searcher()
        .generation()
        .generation_id();
    let (ids, total) = match kept_board(&state.search.index, &b) {
        Some(answer) => answer,
        None => {
            let search = state.search.clone();
            blocking(move || search_board(&search.index, &b)).await?
        }
    };
    let ids: Vec<i64> = ids.into_iter().map(|i| i as i64).collect();
    let rows = board_rows(state, generation, &ids, &today_s).await?;
    // only verified enterprises' vacancies are public
    let rows: Vec<VacancyRow> = rows
        .into_iter()
        .filter(|v| crate::service::policy::vacancy_public(v.status == "open", v.employer_status))
        .collect();
    Ok((rows, total as i64))
}

/// The board's rows of `ids`, in order: those kept for this searcher generation
/// ([`crate::service::board_rows`]), the rest read from the database (and kept).
async fn board_rows(
    state: &AppState,
    generation: u64,
    ids: &[i64],
    today: &str,
) -> AppResult<Vec<VacancyRow>> {
    let (kept, missing) = state.board_rows.take(generation, today, ids);
    if missing.is_empty() {
        return Ok(kept.into_iter().flatten().collect());
    }
    let read = vacancies::by_ids(&state.db, &missing, today).await?;
    state.board_rows.keep(generation, today, &read);
    let mut read: std::collections::HashMap<i64, VacancyRow> =
        read.into_iter().map(|v| (v.id, v)).collect();
    Ok(ids
        .iter()
        .zip(kept)
        .filter_map(|(id, row)| row.or_else(|| read.remove(id)))
        .collect())
}

/// The towns the public board has vacancies in, with how many (its town filter), counted in
/// the index with the board's own filters.
pub async fn open_towns(state: &AppState) -> AppResult<Vec<(String, i64)>> {
    let today_days = days(today());
    let towns = match kept_towns(&state.search.index, today_days) {
        Some(towns) => towns,
        None => {
            let search = state.search.clone();
            blocking(move || open_towns_of(&search.index, today_days)).await?
        }
    };
    Ok(towns.into_iter().map(|(t, n)| (t, n as i64)).collect())
}

/// A station's or the admin's worker list: names, skills and wanted jobs through the index,
/// an exact phone or 身份证 number (and no words at all) through the database.
pub async fn caseload(state: &AppState, f: &WorkerFilter) -> AppResult<(Vec<WorkerRow>, i64)> {
    let q = f.q.as_deref().map(str::trim).unwrap_or("");
    let exact = MobilePhone::parse(q).is_ok() || IdCardNumber::parse(q, today()).is_ok();
    // (a receiving station's district caseload is known to the database only)
    if q.is_empty() || exact || f.district.is_some() {
        return Ok(workers::list(&state.db, f).await?);
    }
    let per_page = f.per_page.clamp(1, 100);
    let c = CaseloadQuery {
        q: q.to_owned(),
        station_id: f.station_id,
        township: f.township.clone(),
        status: f.status.clone(),
        household: f.household.clone(),
        offset: ((f.page.max(1) - 1) * per_page) as usize,
        limit: per_page as usize,
    };
    let (ids, total) = match kept_caseload(&state.search.index, &c) {
        Some(answer) => answer,
        None => {
            let search = state.search.clone();
            blocking(move || search_caseload(&search.index, &c)).await?
        }
    };
    let ids: Vec<i64> = ids.into_iter().map(|i| i as i64).collect();
    Ok((workers::by_ids(&state.db, &ids).await?, total as i64))
}

/// A vacancy suggested to a worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyMatch {
    pub vacancy_id: i64,
    pub title: String,
    pub employer_name: String,
    pub town: String,
    pub wage_min: i64,
    pub wage_max: i64,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// The score as a page shows it: a whole number, and at least 1 when something really matched
/// (an occupation, a skill or a wish named in the other's text), so that no "匹配度 0" stands
/// next to a matched skill.
pub fn shown_score(score: f32, reasons: &[String]) -> i64 {
    let whole = score.round().max(0.0) as i64;
    let matched = reasons.iter().any(|r| {
        r.starts_with("技能")
            || r.starts_with("意向")
            || r.starts_with("工种")
            || r.starts_with("相近工种")
    });
    if whole == 0 && matched { 1 } else { whole }
}

impl VacancyMatch {
    /// [`shown_score`].
    pub fn shown_score(&self) -> i64 {
        shown_score(self.score, &self.reasons)
    }
}

impl WorkerMatch {
    /// [`shown_score`].
    pub fn shown_score(&self) -> i64 {
        shown_score(self.score, &self.reasons)
    }
}

/// A worker suggested for a vacancy, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerMatch {
    pub worker_id: i64,
    pub score: f32,
    pub reasons: Vec<String>,
    pub worker: MaskedWorker,
}

/// Matching vacancies for a worker: the worker, their station, the admin.
pub async fn matches_for_worker(
    state: &AppState,
    actor: &CurrentUser,
    worker_id: i64,
    limit: usize,
) -> AppResult<Vec<VacancyMatch>> {
    let w = workers::get(&state.db, worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if access(actor, &w) != Access::Full {
        return Err(AppError::Forbidden);
    }
    let certs = certificates::of_worker(&state.db, worker_id).await?;
    let doc = worker_doc(&w, &certs);
    let search = state.search.clone();
    let matches: Vec<Match> = blocking(move || {
        matching::vacancies_for_worker(&search.index, &doc, today(), limit.clamp(1, 100))
    })
    .await?;
    let ids: Vec<i64> = matches.iter().map(|m| m.id as i64).collect();
    let rows = vacancies::by_ids(&state.db, &ids, &fmt_date(today())).await?;
    // a missing certificate comes with the next open course of that programme
    let mut matches = matches;
    for m in &mut matches {
        let Some(code) = rows
            .iter()
            .find(|v| v.id == m.id as i64)
            .and_then(|v| v.required_programme.clone())
        else {
            continue;
        };
        if m.reasons.iter().any(|r| r.starts_with("缺："))
            && let Some(c) = crate::service::training::next_open_course(state, &code).await?
        {
            m.reasons.push(format!(
                "可报名：{}（{}开班，{}）",
                c.title, c.start_date, c.provider_name
            ));
        }
    }
    Ok(matches
        .into_iter()
        .filter_map(|m| {
            let v = rows.iter().find(|v| v.id == m.id as i64)?;
            Some(VacancyMatch {
                vacancy_id: v.id,
                title: v.title.clone(),
                employer_name: v.employer_name.clone(),
                town: v.town.clone(),
                wage_min: v.wage_min,
                wage_max: v.wage_max,
                score: m.score,
                reasons: m.reasons,
            })
        })
        .collect())
}

/// How many of a vacancy's best-matching workers an enterprise may invite.
pub const CANDIDATES: usize = 100;

/// Whether a worker is among a vacancy's candidates (the best [`CANDIDATES`] matches): the
/// workers its enterprise may invite.
pub async fn is_candidate(state: &AppState, v: &VacancyRow, worker_id: i64) -> AppResult<bool> {
    let doc = vacancy_doc(v);
    let search = state.search.clone();
    let matches =
        blocking(move || matching::workers_for_vacancy(&search.index, &doc, today(), CANDIDATES))
            .await?;
    Ok(matches.iter().any(|m| m.id as i64 == worker_id))
}

/// Matching workers for a vacancy: its enterprise, stations, the admin. Always masked.
pub async fn matches_for_vacancy(
    state: &AppState,
    actor: &CurrentUser,
    vacancy_id: i64,
    limit: usize,
) -> AppResult<(VacancyRow, Vec<WorkerMatch>)> {
    let v = vacancies::get(&state.db, vacancy_id, &fmt_date(today()))
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = actor.is(Role::Station)
        || crate::service::policy::may_manage_vacancy(actor, v.employer_id, v.employer_status);
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let doc = vacancy_doc(&v);
    let search = state.search.clone();
    let matches = blocking(move || {
        matching::workers_for_vacancy(&search.index, &doc, today(), limit.clamp(1, 100))
    })
    .await?;
    let ids: Vec<i64> = matches.iter().map(|m| m.id as i64).collect();
    let rows = workers::by_ids(&state.db, &ids).await?;
    let today = today();
    let items = matches
        .into_iter()
        .filter_map(|m| {
            let w = rows.iter().find(|w| w.id == m.id as i64)?;
            Some(WorkerMatch {
                worker_id: w.id,
                score: m.score,
                reasons: m.reasons,
                worker: w.masked_view(today),
            })
        })
        .collect();
    Ok((v, items))
}

#[cfg(test)]
mod tests {
    use super::shown_score;

    #[test]
    fn scores_are_whole_and_a_matched_skill_is_never_zero() {
        assert_eq!(shown_score(67.46, &[]), 67);
        assert_eq!(shown_score(0.3, &["月薪 4800–6200".into()]), 0);
        assert_eq!(shown_score(0.3, &["技能：粤菜".into()]), 1);
        assert_eq!(shown_score(0.0, &["意向：厨师".into()]), 1);
        assert_eq!(shown_score(-2.0, &[]), 0);
    }
}
