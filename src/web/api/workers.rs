//! `/api/v1/workers`: registration, the station's caseload, one worker.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::today;
use crate::domain::worker::WorkerInput;
use crate::error::AppResult;
use crate::service::workers::{self as svc, Access, WorkerListQuery, WorkerRow, WorkerView};
use crate::state::AppState;
use crate::web::extract::{ApiJson, ApiQuery};

/// Registers a worker. Anonymous callers register themselves (`consent: true` and a
/// `password` required; throttled per address); stations and the admin register on
/// someone's behalf. An anonymous caller hears 409 for a registered 身份证 number only when
/// the name and phone match the record too; otherwise the same 422 as any refused
/// self-registration.
#[utoipa::path(post, path = "/workers", tag = "workers", request_body = WorkerInput,
    responses((status = 201, body = WorkerView), (status = 409, description = "身份证 number already registered"),
              (status = 422, description = "field errors"), (status = 429, description = "too many self-registrations from this address")))]
pub async fn create(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    MaybeUser(user): MaybeUser,
    ApiJson(input): ApiJson<WorkerInput>,
) -> AppResult<(StatusCode, Json<WorkerView>)> {
    let id = match &user {
        None => svc::register_self(&state, &addr.to_string(), &input).await?,
        Some(u) => svc::register(&state, Some(u), &input).await?,
    };
    let w = svc::get(&state, id).await?;
    Ok((StatusCode::CREATED, Json(w.full_view(today()))))
}

#[derive(Serialize, ToSchema)]
pub struct WorkerList {
    #[schema(value_type = Vec<serde_json::Value>)]
    pub items: Vec<WorkerItem>,
    pub total: i64,
    pub page: i64,
}

/// One worker of a list, as much as the caller may see (serialized straight to the answer).
#[derive(Serialize)]
#[serde(untagged)]
pub enum WorkerItem {
    Full(Box<WorkerView>),
    Masked(Box<crate::service::workers::MaskedWorker>),
}

/// Lists workers: a station its own caseload, the admin everyone.
#[utoipa::path(get, path = "/workers", tag = "workers", params(WorkerListQuery),
    responses((status = 200, body = WorkerList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<WorkerListQuery>,
) -> AppResult<Json<WorkerList>> {
    let page = svc::caseload(&state, &user, &query, 20).await?;
    let today = today();
    let items = page
        .rows
        .iter()
        .map(|(w, access)| match access {
            Access::Full => WorkerItem::Full(Box::new(w.full_view(today))),
            Access::Contact => WorkerItem::Masked(Box::new(w.contact_view(today))),
            _ => WorkerItem::Masked(Box::new(w.masked_view(today))),
        })
        .collect();
    Ok(Json(WorkerList {
        items,
        total: page.total,
        page: page.page,
    }))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct LimitQuery {
    /// How many (1–100, default 20)
    pub limit: Option<String>,
}

impl LimitQuery {
    pub fn limit(&self) -> usize {
        self.limit
            .as_deref()
            .and_then(|l| l.trim().parse::<usize>().ok())
            .unwrap_or(20)
            .clamp(1, 100)
    }
}

#[derive(Serialize, ToSchema)]
pub struct VacancyMatches {
    pub items: Vec<crate::service::search::VacancyMatch>,
}

/// Vacancies matching a worker, best first, with reasons (为你推荐).
#[utoipa::path(get, path = "/workers/{id}/matches", tag = "matching",
    params(("id" = i64, Path), LimitQuery), responses((status = 200, body = VacancyMatches), (status = 403), (status = 404)))]
pub async fn matches(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<LimitQuery>,
) -> AppResult<Json<VacancyMatches>> {
    let items = crate::service::search::matches_for_worker(&state, &user, id, q.limit()).await?;
    Ok(Json(VacancyMatches { items }))
}

/// One worker: in full for the worker, the station and the admin.
#[utoipa::path(get, path = "/workers/{id}", tag = "workers",
    params(("id" = i64, Path)), responses((status = 200, body = WorkerView), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let (w, access) = svc::view(&state, &user, id).await?;
    Ok(Json(view_of(&w, access, today())?))
}

/// A worker as much as `access` allows: the full record, name and phone, or masked.
fn view_of(w: &WorkerRow, access: Access, today: time::Date) -> AppResult<serde_json::Value> {
    Ok(match access {
        Access::Full => serde_json::to_value(w.full_view(today)),
        Access::Contact => serde_json::to_value(w.contact_view(today)),
        _ => serde_json::to_value(w.masked_view(today)),
    }
    .map_err(anyhow::Error::from)?)
}

/// The occupation chosen for a worker; an empty code clears it (matching then infers it again
/// from their words).
#[derive(Deserialize, ToSchema)]
pub struct OccupationChoice {
    /// A code of `GET /api/v1/occupations`, or empty
    pub occupation_code: String,
}

/// Corrects a worker's occupation (the worker, their own station, the admin).
#[utoipa::path(put, path = "/workers/{id}/occupation", tag = "matching",
    request_body = OccupationChoice, params(("id" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn set_occupation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OccupationChoice>,
) -> AppResult<StatusCode> {
    svc::set_occupation(&state, &user, id, &input.occupation_code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One occupation of the taxonomy, with the words people use for it.
#[derive(Serialize, ToSchema)]
pub struct OccupationEntry {
    pub code: String,
    pub name: String,
    pub family: String,
    pub words: Vec<String>,
}

/// The occupation taxonomy (工种表) matching is built on: codes from the 职业分类大典 2022
/// (local `L-` codes where it has none), families, and everyday words.
#[utoipa::path(get, path = "/occupations", tag = "matching",
    responses((status = 200, body = [OccupationEntry])))]
pub async fn occupations() -> Json<Vec<OccupationEntry>> {
    Json(
        crate::domain::occupation::taxonomy()
            .all()
            .iter()
            .map(|o| OccupationEntry {
                code: o.code.clone(),
                name: o.name.clone(),
                family: o.family.clone(),
                words: o.words.clone(),
            })
            .collect(),
    )
}
