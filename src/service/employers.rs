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
    if !employers::set_status(&state.db, id, status, actor.id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(employer.id = id, status, "employer verification");
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}
