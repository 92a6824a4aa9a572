//! The platform's workflows, shared by the JSON API, the pages and the command line: each
//! takes the acting user, checks the role, validates, and writes in one transaction.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod assessment;
pub mod board_rows;
pub mod courses;
pub mod employers;
pub mod escalation;
pub mod events;
pub mod followups;
pub mod found;
pub mod import_jobs;
pub mod imports;
pub mod messages;
pub mod notify;
pub mod policy;
pub mod reports;
pub mod reset;
pub mod retention;
pub mod rights;
pub mod search;
pub mod training;
pub mod vacancies;
pub mod workers;

/// Whether the database answers (`/healthz`).
pub async fn health(state: &crate::state::AppState) -> Result<(), sqlx::Error> {
    crate::db::ping(&state.db).await
}

/// One page of a list read page by page in SQL: its rows, how many rows the whole list has,
/// and which page this is (a page past the end is the last page).
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: i64,
}

/// The page to read when `asked` is asked of `total` rows at `per_page` (clamped to the
/// pages there are), and how many rows come before it.
pub fn page_window(asked: i64, total: i64, per_page: i64) -> (i64, i64) {
    let page = asked.clamp(1, page_count(total, per_page));
    (page, (page - 1).saturating_mul(per_page.max(1)))
}

/// How many pages `total` rows fill at `per_page` (at least one).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    let per_page = per_page.max(1);
    ((total.max(0) + per_page - 1) / per_page).max(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_past_the_end_is_the_last_and_before_the_start_the_first() {
        assert_eq!(super::page_window(999, 69, 30), (3, 60));
        assert_eq!(super::page_window(-1, 69, 30), (1, 0));
        assert_eq!(super::page_window(2, 0, 30), (1, 0));
        assert_eq!(super::page_window(2, 31, 30), (2, 30));
    }
}
