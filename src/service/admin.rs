//! What the bureau's pages read: every enterprise, every station, the audit log.

use crate::auth::{CurrentUser, Role};
use crate::db::{audit, employers, stations};
use crate::error::AppResult;
use crate::state::AppState;

pub use crate::db::audit::{AuditEntry, AuditFilter};
pub use crate::db::employers::EmployerRow;
pub use crate::db::stations::StationRow;

/// Every enterprise (pending first) and every station, for the admin.
pub async fn overview(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<(Vec<EmployerRow>, Vec<StationRow>)> {
    actor.require(&[Role::Admin])?;
    Ok((
        employers::list(&state.db, None).await?,
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
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = page.clamp(1, pages);
    let entries = audit::list(&state.db, filter, per_page, (page - 1) * per_page).await?;
    Ok((entries, total, page))
}
