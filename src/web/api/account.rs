//! The caller's own account: API tokens (list, revoke) and, for workers, their rights over
//! their data (download, correct, ask for deletion); stations confirm deletions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::accounts::{self, TokenInfo};
use crate::service::rights::{self, Correction, MyData};
use crate::state::AppState;
use crate::web::extract::{ApiJson, ApiQuery};

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TokenQuery {
    /// admin: another user's tokens
    pub user_id: Option<i64>,
}

/// The caller's API tokens (the admin: any user's).
#[utoipa::path(get, path = "/tokens", tag = "auth", params(TokenQuery), responses((status = 200, body = [TokenInfo]), (status = 403)))]
pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> AppResult<Json<Vec<TokenInfo>>> {
    Ok(Json(accounts::tokens(&state, &user, q.user_id).await?))
}

/// Revokes a token: its owner or the admin.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "auth", params(("id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    accounts::revoke_token(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything the platform holds about the calling worker.
#[utoipa::path(get, path = "/me/data", tag = "rights", responses((status = 200, body = MyData), (status = 403)))]
pub async fn my_data(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<MyData>> {
    Ok(Json(rights::my_data(&state, &user).await?))
}

/// Corrects a worker's contact details and job wishes (the worker, their station, the admin).
/// A worker may try five changes of their own phone a day (then 429).
#[utoipa::path(put, path = "/workers/{id}", tag = "rights", request_body = Correction, params(("id" = i64, Path)),
    responses((status = 200), (status = 403), (status = 422)))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<Correction>,
) -> AppResult<StatusCode> {
    rights::correct(&state, &user, id, &c).await?;
    Ok(StatusCode::OK)
}

/// The calling worker asks for the deletion of their record.
#[utoipa::path(post, path = "/me/deletion-request", tag = "rights", responses((status = 202), (status = 403)))]
pub async fn request_deletion(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<StatusCode> {
    rights::request_deletion(&state, &user, true).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Serialize, ToSchema)]
pub struct DeletionRequest {
    pub worker_id: i64,
    pub name: String,
    pub requested_at: String,
}

/// Deletion requests waiting for a station.
#[utoipa::path(get, path = "/deletion-requests", tag = "rights", responses((status = 200, body = [DeletionRequest]), (status = 403)))]
pub async fn deletion_requests(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<DeletionRequest>>> {
    let list = rights::deletion_requests(&state, &user).await?;
    Ok(Json(
        list.into_iter()
            .map(|(worker_id, name, requested_at)| DeletionRequest {
                worker_id,
                name,
                requested_at,
            })
            .collect(),
    ))
}

/// A station confirms a deletion: the record is anonymised.
#[utoipa::path(post, path = "/workers/{id}/anonymise", tag = "rights", params(("id" = i64, Path)), responses((status = 200), (status = 403), (status = 409)))]
pub async fn anonymise(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    rights::anonymise(&state, &user, id).await?;
    Ok(StatusCode::OK)
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct SmsSetting {
    /// `false`: only the password-reset code is sent
    pub enabled: Option<bool>,
}

/// The worker turns text messages (all but the reset code) on or off.
#[utoipa::path(put, path = "/me/sms", tag = "rights", request_body = SmsSetting,
    responses((status = 200), (status = 403), (status = 422)))]
pub async fn sms_setting(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    crate::web::extract::ApiJson(input): crate::web::extract::ApiJson<SmsSetting>,
) -> crate::error::AppResult<axum::Json<serde_json::Value>> {
    let Some(on) = input.enabled else {
        return Err(crate::error::AppError::invalid(
            "enabled",
            "请说明是否接收短信（true 或 false）",
        ));
    };
    crate::service::messages::set_enabled(&state, &user, on).await?;
    Ok(axum::Json(serde_json::json!({"enabled": on})))
}
