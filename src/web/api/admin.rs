//! Admin-only creation of logins, stations and providers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::error::AppResult;
use crate::service::accounts::{self, ProviderInput, StationInput, UserInput};
use crate::service::escalation::{self, StationLogin};
use crate::state::AppState;
use crate::web::extract::ApiJson;

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Creates a staff login (admin, station, employer or trainer).
#[utoipa::path(post, path = "/users", tag = "admin", request_body = UserInput,
    responses((status = 201, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<UserInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    user.require(&[Role::Admin])?;
    let id = accounts::create_user(&state.db, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Whether a station login is its station's head.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct HeadInput {
    /// `true`: the login is the station's head (站长) and sees the head's escalation list
    pub head: Option<bool>,
}

/// Marks a station login head (站长) or not (admin only; audited). Any other login: 422.
#[utoipa::path(put, path = "/users/{id}/head", tag = "admin", request_body = HeadInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = StationLogin), (status = 403), (status = 404), (status = 422)))]
pub async fn set_head(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
    ApiJson(input): ApiJson<HeadInput>,
) -> AppResult<Json<StationLogin>> {
    Ok(Json(
        escalation::set_head(&state, &user, id, input.head).await?,
    ))
}

/// Creates a labour station.
#[utoipa::path(post, path = "/stations", tag = "admin", request_body = StationInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create_station(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<StationInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = accounts::create_station(&state.db, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Creates a training provider.
#[utoipa::path(post, path = "/providers", tag = "admin", request_body = ProviderInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create_provider(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ProviderInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = accounts::create_provider(&state.db, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
