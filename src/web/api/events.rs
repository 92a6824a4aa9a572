//! Events: job fairs and 点对点 trips — create, list, booths, sign-ups, check-ins, figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::events::{
    self as svc, BoothInput, CheckInInput, CheckInResult, EventDetail, EventInput, EventQuery,
    EventRow, Figures, SignUpInput,
};
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

/// Creates a job fair or a trip (a station organises it; the admin may name the station).
#[utoipa::path(post, path = "/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<EventInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::create(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventRow>,
}

/// Open events, upcoming first (China time).
#[utoipa::path(get, path = "/events", tag = "events", params(EventQuery),
    responses((status = 200, body = EventList), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> AppResult<Json<EventList>> {
    Ok(Json(EventList {
        items: svc::list(&state, &q).await?,
    }))
}

/// One event with its booths and their open vacancies.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EventDetail), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<EventDetail>> {
    Ok(Json(svc::detail(&state, id).await?))
}

/// A verified enterprise takes a booth with its own open vacancies (the admin with
/// `employer_id`).
#[utoipa::path(post, path = "/events/{id}/booths", tag = "events", request_body = BoothInput,
    params(("id" = i64, Path)), responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub async fn booth(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<BoothInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::take_booth(&state, &user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Signs a worker up: the worker, their station, the admin.
#[utoipa::path(post, path = "/events/{id}/signups", tag = "events", request_body = SignUpInput,
    params(("id" = i64, Path)), responses((status = 201, body = Created), (status = 403), (status = 404),
    (status = 409, description = "full, or signed up already"), (status = 422)))]
pub async fn sign_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SignUpInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::sign_up(&state, &user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Checks a person in (by `worker_id` or `id_number`); a trip takes `stage`, and an arrival
/// with `employer_id`, `start_date` and `wage` begins the placement.
#[utoipa::path(post, path = "/events/{id}/checkins", tag = "events", request_body = CheckInInput,
    params(("id" = i64, Path)), responses((status = 201, body = CheckInResult), (status = 403), (status = 404),
    (status = 409, description = "checked in already"), (status = 422)))]
pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CheckInInput>,
) -> AppResult<(StatusCode, Json<CheckInResult>)> {
    let r = svc::check_in(&state, &user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The event's figures.
#[utoipa::path(get, path = "/events/{id}/figures", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = Figures), (status = 403), (status = 404)))]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Figures>> {
    Ok(Json(svc::figures(&state, &user, id).await?))
}
