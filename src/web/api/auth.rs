//! `POST /api/v1/auth/token`: a bearer token for a login and password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::password;
use crate::db::users;
use crate::error::{AppError, AppResult};
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

/// Checks a login and password and returns the user (constant work for unknown logins;
/// throttled per account and per address).
pub async fn check_login(
    state: &AppState,
    login: &str,
    pw: &str,
    ip: &str,
) -> AppResult<users::UserRow> {
    state.throttle.check(login, ip)?;
    let user = users::find_by_login(&state.db, login).await?;
    let hash = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
    let ok = password::verify(pw, hash).await;
    match user {
        Some(u) if ok && u.active => Ok(u),
        _ => Err(AppError::Unauthorized),
    }
}

/// Exchanges a login and password for a bearer token.
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, description = "bad credentials")))]
pub async fn token(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(addr): axum::extract::ConnectInfo<std::net::SocketAddr>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    if req.login.trim().is_empty() || req.password.is_empty() {
        return Err(AppError::Unauthorized);
    }
    let user = check_login(&state, &req.login, &req.password, &addr.ip().to_string()).await?;
    let name = req.name.unwrap_or_else(|| "api".into());
    let token = users::create_token(&state.db, user.id, name.trim()).await?;
    Ok((
        StatusCode::OK,
        Json(TokenResponse {
            token,
            role: user.role.as_str().to_owned(),
            user_id: user.id,
        }),
    ))
}
