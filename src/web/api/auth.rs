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

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResetCodeRequest {
    /// The login's mobile number
    pub phone: String,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub message: String,
}

fn accepted(message: &str) -> (StatusCode, Json<Accepted>) {
    (
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: message.to_owned(),
        }),
    )
}

/// Asks a 6-digit reset code by SMS: 202 whatever the phone (valid 10 minutes; one per 60 s,
/// 5 an hour and 10 a day per phone, 20 an hour per client address, else 429).
#[utoipa::path(post, path = "/auth/reset-code", tag = "auth", request_body = ResetCodeRequest,
    responses((status = 202, body = Accepted), (status = 422), (status = 429)))]
pub async fn reset_code(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    ApiJson(req): ApiJson<ResetCodeRequest>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    crate::service::reset::request_code(&state, &addr.to_string(), &req.phone).await?;
    Ok(accepted(
        "如果该手机号已注册，验证码短信将在1分钟内送达，10分钟内有效",
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResetRequest {
    pub phone: String,
    pub code: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// A new password with the code: 5 wrong codes end it; every session and token of the user
/// is revoked.
#[utoipa::path(post, path = "/auth/reset", tag = "auth", request_body = ResetRequest,
    responses((status = 200, body = Done), (status = 422)))]
pub async fn reset(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    ApiJson(req): ApiJson<ResetRequest>,
) -> AppResult<Json<Done>> {
    crate::service::reset::reset_with_code(
        &state,
        &addr.to_string(),
        &req.phone,
        &req.code,
        &req.password,
    )
    .await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResetLinkRequest {
    /// The login's e-mail address (enterprises, officers)
    pub email: String,
}

/// Mails a one-time reset link (30 minutes): 202 whatever the address (20 requests an hour
/// per client address, else 429).
#[utoipa::path(post, path = "/auth/reset-link", tag = "auth", request_body = ResetLinkRequest,
    responses((status = 202, body = Accepted), (status = 422), (status = 429)))]
pub async fn reset_link(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    ApiJson(req): ApiJson<ResetLinkRequest>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    crate::service::reset::request_link(&state, &addr.to_string(), &req.email).await?;
    Ok(accepted(
        "如果该邮箱已注册，重设密码的链接已发出，30分钟内有效",
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResetByLinkRequest {
    pub token: String,
    pub password: String,
}

/// A new password with the mailed link's token (one use).
#[utoipa::path(post, path = "/auth/reset-link/use", tag = "auth", request_body = ResetByLinkRequest,
    responses((status = 200, body = Done), (status = 422)))]
pub async fn reset_by_link(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ResetByLinkRequest>,
) -> AppResult<Json<Done>> {
    crate::service::reset::reset_with_link(&state, &req.token, &req.password).await?;
    Ok(Json(Done { ok: true }))
}

/// A station sends a reset code to one of its workers' phone, in person (the officer never
/// sees the code or a password).
#[utoipa::path(post, path = "/workers/{id}/reset-code", tag = "auth",
    responses((status = 202, body = Accepted), (status = 403), (status = 404), (status = 429)))]
pub async fn worker_reset_code(
    State(state): State<AppState>,
    user: crate::auth::CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    crate::service::reset::request_code_for_worker(&state, &user, id).await?;
    Ok(accepted("验证码已发到该务工人员的手机，请让本人查看"))
}
