//! What the bureau's pages read: every enterprise, every station, the audit log.

use crate::auth::{CurrentUser, Role};
use crate::db::{audit, employers, stations};
use crate::domain::status::EmployerStatus;
use crate::error::AppResult;
use crate::service::{Paged, page_window};
use crate::state::AppState;

pub use crate::db::audit::{AuditEntry, AuditFilter};
pub use crate::db::employers::EmployerRow;
pub use crate::db::stations::StationRow;

/// Page `asked` of the enterprises (of `status`, or all with those awaiting verification
/// first), and every station, for the admin.
pub async fn overview(
    state: &AppState,
    actor: &CurrentUser,
    status: Option<EmployerStatus>,
    asked: i64,
    per_page: i64,
) -> AppResult<(Paged<EmployerRow>, Vec<StationRow>)> {
    actor.require(&[Role::Admin])?;
    let status = status.map(EmployerStatus::as_str);
    let total = employers::count(&state.db, status).await?;
    let (page, offset) = page_window(asked, total, per_page);
    let rows = employers::list_page(&state.db, status, per_page, offset).await?;
    Ok((
        Paged { rows, total, page },
        stations::list(&state.db).await?,
    ))
}

/// The audit log, newest first (at most 500 entries), for the admin.
pub async fn audit_log(
    state: &AppState,
    actor: &CurrentUser,
    filter: &AuditFilter,
    page: i64,
    per_page: i64,
) -> AppResult<(Vec<AuditEntry>, i64, i64)> {
    actor.require(&[Role::Admin])?;
    let total = audit::count(&state.db, filter).await?;
    let (page, offset) = page_window(page, total, per_page);
    let entries = audit::list(&state.db, filter, per_page, offset).await?;
    Ok((entries, total, page))
}
