//! `/api/v1/employers`: registration and verification.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::auth::CurrentUser;
use crate::db::employers::EmployerRow;
use crate::domain::employer::EmployerInput;
use crate::error::AppResult;
use crate::service::employers as svc;
use crate::state::AppState;
use crate::web::extract::ApiJson;

/// Registers an enterprise; it stays `pending` until the admin verifies it.
#[utoipa::path(post, path = "/employers", tag = "employers", request_body = EmployerInput,
    responses((status = 201, body = EmployerRow), (status = 409, description = "USCC already registered"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<EmployerInput>,
) -> AppResult<(StatusCode, Json<EmployerRow>)> {
    let e = svc::register(&state, &input).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// The admin verifies an enterprise, which may then post vacancies.
#[utoipa::path(post, path = "/employers/{id}/verify", tag = "employers",
    params(("id" = i64, Path)), responses((status = 200, body = EmployerRow), (status = 403), (status = 404), (status = 409, description = "already verified")))]
pub async fn verify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRow>> {
    Ok(Json(svc::set_status(&state, &user, id, true).await?))
}

/// One enterprise: its own users and the admin.
#[utoipa::path(get, path = "/employers/{id}", tag = "employers",
    params(("id" = i64, Path)), responses((status = 200, body = EmployerRow), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRow>> {
    use crate::auth::Role;
    let allowed = user.is(Role::Admin) || (user.is(Role::Employer) && user.employer_id == Some(id));
    if !allowed {
        return Err(crate::error::AppError::Forbidden);
    }
    let e = crate::db::employers::get(&state.db, id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(Json(e))
}
