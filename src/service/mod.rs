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
