//! `/api/v1/employers`: registration and verification.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::auth::CurrentUser;
use crate::domain::employer::EmployerInput;
use crate::domain::status::EmployerStatus;
use crate::error::AppResult;
use crate::service::employers::{self as svc, EmployerRow};
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
    Ok(Json(
        svc::set_status(&state, &user, id, EmployerStatus::Verified).await?,
    ))
}

/// The admin rejects an enterprise: its vacancies leave the board, its logins stop, no mail.
#[utoipa::path(post, path = "/employers/{id}/reject", tag = "employers",
    params(("id" = i64, Path)), responses((status = 200, body = EmployerRow), (status = 403), (status = 404)))]
pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRow>> {
    Ok(Json(
        svc::set_status(&state, &user, id, EmployerStatus::Rejected).await?,
    ))
}

/// The admin suspends a verified enterprise (verifying it again lifts the suspension).
#[utoipa::path(post, path = "/employers/{id}/suspend", tag = "employers",
    params(("id" = i64, Path)), responses((status = 200, body = EmployerRow), (status = 403), (status = 404), (status = 409)))]
pub async fn suspend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRow>> {
    Ok(Json(
        svc::set_status(&state, &user, id, EmployerStatus::Suspended).await?,
    ))
}

/// One enterprise: its own users and the admin.
#[utoipa::path(get, path = "/employers/{id}", tag = "employers",
    params(("id" = i64, Path)), responses((status = 200, body = EmployerRow), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRow>> {
    Ok(Json(svc::view(&state, &user, id).await?))
}
