//! Enterprise registration and verification.

use crate::auth::{CurrentUser, Role};
use crate::db::employers::{self, EmployerRow};
use crate::domain::employer::EmployerInput;
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

/// The admin verifies (or rejects) an enterprise.
pub async fn set_status(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    verified: bool,
) -> AppResult<EmployerRow> {
    actor.require(&[Role::Admin])?;
    let status = if verified { "verified" } else { "rejected" };
    let current = employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.status == status {
        return Err(AppError::conflict(
            "status",
            if verified {
                "该企业已经通过审核"
            } else {
                "该企业已经被驳回"
            },
        ));
    }
    if !employers::set_status(&state.db, id, &current.status, status, actor.id).await? {
        return Err(AppError::conflict(
            "status",
            "该企业刚被别人审核过，请刷新后再试",
        ));
    }
    tracing::info!(employer.id = id, status, "employer verification");
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}
