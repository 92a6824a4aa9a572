//! The ledger upload: who may import, whose workers an import may touch (decided per row by
//! [`crate::service::policy::import_row`] inside [`crate::import`]), the audit entries, and the
//! report of rejected rows that only the importing station (or the admin) can download.

use crate::auth::{CurrentUser, Role};
use crate::db::audit;
use crate::error::{AppError, AppResult};
use crate::import::{self, ImportOptions};
use crate::state::AppState;

pub use crate::import::{ImportReport, ReportLine};

/// What an upload produced: the report and, when it has lines, where to download them.
pub struct Imported {
    pub report: ImportReport,
    pub report_link: Option<String>,
}

/// A station (or the admin) imports a ledger file. Parse errors are field errors on `file`.
pub async fn upload(
    state: &AppState,
    actor: &CurrentUser,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<Imported> {
    actor.require(&[Role::Station, Role::Admin])?;
    if actor.is(Role::Station) && actor.station_id.is_none() {
        return Err(AppError::Forbidden);
    }
    let rows = import::table::read_blocking(file_name.to_owned(), bytes)
        .await
        .map_err(|e| AppError::invalid("file", format!("{e:#}")))?;
    let opts = ImportOptions {
        station_id: actor.station_id,
        by: actor.display_name.clone(),
        created_by: Some(actor.id),
    };
    let report = import::import(&state.db, rows, &opts, None)
        .await
        .map_err(|e| AppError::invalid("file", format!("{e:#}")))?;
    state.search.nudge();
    audit::record(
        &state.db,
        actor.by(),
        "import_ledger",
        "worker",
        None,
        &report.summary(),
    )
    .await?;
    let report_link = if report.lines.is_empty() {
        None
    } else {
        let dir = state.config.data_dir.join("imports");
        std::fs::create_dir_all(&dir).map_err(anyhow::Error::from)?;
        let id = format!(
            "{}-{}",
            actor.station_id.unwrap_or(0),
            uuid::Uuid::new_v4().simple()
        );
        std::fs::write(dir.join(format!("{id}.csv")), report.to_csv()?)
            .map_err(anyhow::Error::from)?;
        Some(format!("/station/imports/{id}.csv"))
    };
    Ok(Imported {
        report,
        report_link,
    })
}

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
