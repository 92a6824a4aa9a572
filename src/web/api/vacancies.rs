//! `/api/v1/vacancies`: the public job board and the employer's postings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::employer::VacancyInput;
use crate::error::{AppError, AppResult};
use crate::service::vacancies::{self as svc, VacancyListQuery, VacancyRow};
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

#[derive(Serialize, ToSchema)]
pub struct VacancyList {
    pub items: Vec<VacancyRow>,
    pub total: i64,
    pub page: i64,
}

/// Open vacancies (not expired, places left), newest first.
#[utoipa::path(get, path = "/vacancies", tag = "vacancies", params(VacancyListQuery),
    responses((status = 200, body = VacancyList), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<VacancyListQuery>,
) -> AppResult<Json<VacancyList>> {
    let filter = query.filter(20).map_err(AppError::Validation)?;
    let (items, total) = crate::service::search::board(&state, &filter).await?;
    Ok(Json(VacancyList {
        items,
        total,
        page: filter.page,
    }))
}

/// Posts a vacancy: the HR user of a verified enterprise, or the admin with `employer_id`.
#[utoipa::path(post, path = "/vacancies", tag = "vacancies", request_body = VacancyInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<VacancyInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::create(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One vacancy: anyone while it is open; its enterprise and the admin always.
#[utoipa::path(get, path = "/vacancies/{id}", tag = "vacancies",
    params(("id" = i64, Path)), responses((status = 200, body = VacancyRow), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> AppResult<Json<VacancyRow>> {
    let (v, _) = svc::view(&state, user.as_ref(), id).await?;
    Ok(Json(v))
}

#[derive(Serialize, ToSchema)]
pub struct WorkerMatches {
    pub items: Vec<crate::service::search::WorkerMatch>,
}

/// Workers matching a vacancy, best first, masked, with reasons.
#[utoipa::path(get, path = "/vacancies/{id}/matches", tag = "matching",
    params(("id" = i64, Path), crate::web::api::workers::LimitQuery),
    responses((status = 200, body = WorkerMatches), (status = 403), (status = 404)))]
pub async fn matches(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<crate::web::api::workers::LimitQuery>,
) -> AppResult<Json<WorkerMatches>> {
    let (_, items) =
        crate::service::search::matches_for_vacancy(&state, &user, id, q.limit()).await?;
    Ok(Json(WorkerMatches { items }))
}

/// Edits a vacancy (its enterprise or the admin).
#[utoipa::path(put, path = "/vacancies/{id}", tag = "vacancies", request_body = VacancyInput,
    params(("id" = i64, Path)), responses((status = 200, body = VacancyRow), (status = 403), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VacancyInput>,
) -> AppResult<Json<VacancyRow>> {
    svc::update(&state, &user, id, &input).await?;
    Ok(Json(svc::managed(&state, &user, id).await?))
}

/// Closes a vacancy.
#[utoipa::path(post, path = "/vacancies/{id}/close", tag = "vacancies",
    params(("id" = i64, Path)), responses((status = 200, body = VacancyRow), (status = 403), (status = 409, description = "already closed")))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<VacancyRow>> {
    svc::set_open(&state, &user, id, false).await?;
    Ok(Json(svc::managed(&state, &user, id).await?))
}

/// Reopens a closed vacancy.
#[utoipa::path(post, path = "/vacancies/{id}/reopen", tag = "vacancies",
    params(("id" = i64, Path)), responses((status = 200, body = VacancyRow), (status = 403), (status = 409, description = "already open"), (status = 422)))]
pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<VacancyRow>> {
    svc::set_open(&state, &user, id, true).await?;
    Ok(Json(svc::managed(&state, &user, id).await?))
}
