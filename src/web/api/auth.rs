//! `POST /api/v1/auth/token`: a bearer token for a login and password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::service::accounts::{self, check_login};
use crate::state::AppState;
use crate::web::extract::ApiJson;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TokenRequest {
    /// E-mail or mobile number
    pub login: String,
    pub password: String,
    /// A name to recognise the token by in the token list
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub role: String,
    pub user_id: i64,
}

/// Exchanges a login and password for a bearer token.
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, description = "bad credentials")))]
pub async fn token(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    ApiJson(req): ApiJson<TokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    if req.login.trim().is_empty() || req.password.is_empty() {
        return Err(AppError::Unauthorized);
    }
    let user = check_login(&state, &req.login, &req.password, &addr.to_string()).await?;
    let name = req.name.unwrap_or_else(|| "api".into());
    let token = accounts::create_token(&state, user.id, name.trim()).await?;
    Ok((
        StatusCode::OK,
        Json(TokenResponse {
            token,
            role: user.role.as_str().to_owned(),
            user_id: user.id,
        }),
    ))
}
