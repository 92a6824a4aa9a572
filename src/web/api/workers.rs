//! `/api/v1/workers`: registration, the station's caseload, one worker.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, MaybeUser, Role};
use crate::db::workers::{self, WorkerFilter, WorkerView};
use crate::domain::today;
use crate::domain::worker::WorkerInput;
use crate::error::{AppError, AppResult};
use crate::service::workers::{self as svc, Access};
use crate::state::AppState;
use crate::web::extract::{ApiJson, ApiQuery, page_of};

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
    axum::extract::ConnectInfo(addr): axum::extract::ConnectInfo<std::net::SocketAddr>,
    MaybeUser(user): MaybeUser,
    ApiJson(input): ApiJson<WorkerInput>,
) -> AppResult<(StatusCode, Json<WorkerView>)> {
    if user.is_none() {
        state.throttle.check_registration(&addr.ip().to_string())?;
    }
    let id = svc::register(&state, user.as_ref(), &input).await?;
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(w.full_view(today()))))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct WorkerListQuery {
    /// Name, skill or wanted job; an exact phone or 身份证 number
    pub q: Option<String>,
    /// 9-digit township code
    pub township: Option<String>,
    /// `seeking`, `placed` or `inactive`
    pub status: Option<String>,
    pub poverty_alleviated: Option<String>,
    pub monitored: Option<String>,
    pub relocated: Option<String>,
    pub zero_employment: Option<String>,
    pub page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkerList {
    pub items: Vec<WorkerView>,
    pub total: i64,
    pub page: i64,
}

impl WorkerListQuery {
    /// The filter for a user: stations only see their own caseload.
    pub fn filter(&self, actor: &CurrentUser, per_page: i64) -> AppResult<WorkerFilter> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s @ ("seeking" | "placed" | "inactive")) => Some(s.to_owned()),
            Some(_) => {
                return Err(AppError::invalid(
                    "status",
                    "状态应为 seeking、placed 或 inactive",
                ));
            }
        };
        let township = match self.township.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) if t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit()) => Some(t.to_owned()),
            Some(_) => return Err(AppError::invalid("township", "乡镇代码应为9位数字")),
        };
        let mut household = Vec::new();
        for (value, flag) in [
            (&self.poverty_alleviated, "poverty_alleviated"),
            (&self.monitored, "monitored"),
            (&self.relocated, "relocated"),
            (&self.zero_employment, "zero_employment"),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| crate::domain::values::parse_flag(v) == Ok(true))
            {
                household.push(flag);
            }
        }
        Ok(WorkerFilter {
            station_id: if actor.is(Role::Station) {
                actor.station_id.or(Some(-1))
            } else {
                None
            },
            township,
            status,
            q: self.q.clone().map(|q| q.chars().take(200).collect()),
            household,
            page: page_of(self.page.as_deref()),
            per_page,
        })
    }
}

/// Lists workers: a station its own caseload, the admin everyone.
#[utoipa::path(get, path = "/workers", tag = "workers", params(WorkerListQuery),
    responses((status = 200, body = WorkerList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<WorkerListQuery>,
) -> AppResult<Json<WorkerList>> {
    user.require(&[Role::Station, Role::Admin])?;
    let filter = query.filter(&user, 20)?;
    let (rows, total) = crate::service::search::caseload(&state, &filter).await?;
    crate::db::audit::record(
        &state.db,
        &user,
        "list_workers",
        "worker",
        None,
        &format!("第{}页，{}条", filter.page, rows.len()),
    )
    .await?;
    let today = today();
    Ok(Json(WorkerList {
        items: rows.iter().map(|w| w.full_view(today)).collect(),
        total,
        page: filter.page,
    }))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
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
    let today = today();
    let value = match access {
        Access::Full => serde_json::to_value(w.full_view(today)),
        Access::Contact => serde_json::to_value(w.contact_view(today)),
        _ => serde_json::to_value(w.masked_view(today)),
    }
    .map_err(anyhow::Error::from)?;
    Ok(Json(value))
}
