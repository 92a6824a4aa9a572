//! Enterprise registration and verification.

use crate::auth::{CurrentUser, Role};
use crate::db::audit;
use crate::db::employers;
pub use crate::db::employers::EmployerRow;
use crate::domain::employer::EmployerInput;
use crate::domain::status::EmployerStatus;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Registers an enterprise; it waits as `pending` until the admin verifies it.
pub async fn register(state: &AppState, input: &EmployerInput) -> AppResult<EmployerRow> {
    let new = input.parse().map_err(AppError::Validation)?;
    let id = employers::insert(&state.db, &new).await?;
    tracing::info!(employer.id = id, "employer registered");
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The admin verifies, rejects or suspends an enterprise. A rejected or suspended enterprise's
/// vacancies leave the board and search at once, its logins stop working, and no mail goes to it.
pub async fn set_status(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    status: EmployerStatus,
) -> AppResult<EmployerRow> {
    actor.require(&[Role::Admin])?;
    if status == EmployerStatus::Pending {
        return Err(AppError::invalid("status", "不能改回待审核"));
    }
    let current = employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = current.standing();
    if from == status {
        return Err(AppError::conflict(
            "status",
            format!("该企业已经是“{}”", status.label()),
        ));
    }
    if status == EmployerStatus::Suspended && from != EmployerStatus::Verified {
        return Err(AppError::conflict("status", "只有已审核的企业可以暂停"));
    }
    if !employers::set_status(&state.db, id, from, status, actor.id).await? {
        return Err(AppError::conflict(
            "status",
            "该企业刚被别人审核过，请刷新后再试",
        ));
    }
    state.search.nudge();
    audit::record(
        &state.db,
        actor.by(),
        "employer_status",
        "employer",
        Some(id),
        status.label(),
    )
    .await?;
    tracing::info!(
        employer.id = id,
        status = status.as_str(),
        "employer standing"
    );
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One enterprise's full record: its own logins and the admin.
pub async fn view(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<EmployerRow> {
    if !crate::service::policy::may_view_employer(actor, id) {
        return Err(AppError::Forbidden);
    }
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}
