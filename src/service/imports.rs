//! The ledger import's report of rejected rows, which only the importing station (or the
//! admin) can download. The upload itself is a job: [`crate::service::import_jobs`]; whose
//! workers an import may touch is decided per row by [`crate::service::policy::import_row`]
//! inside [`crate::import`].

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::import::{ImportReport, ReportLine};

/// The report file of an import: the station that made it, or the admin.
pub async fn report_file(state: &AppState, actor: &CurrentUser, file: &str) -> AppResult<Vec<u8>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let id = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(AppError::NotFound);
    }
    let owner: i64 = id
        .split('-')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)?;
    if actor.is(Role::Station) && actor.station_id.unwrap_or(0) != owner {
        return Err(AppError::Forbidden);
    }
    let path = state
        .config
        .data_dir
        .join("imports")
        .join(format!("{id}.csv"));
    tokio::fs::read(path).await.map_err(|_| AppError::NotFound)
}
