//! `/api/v1/targets` and `/api/v1/reports/assessment`: the district's assessment (考评).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::assessment::{self as svc, Assessment, AssessmentQuery, People, Targets};
use crate::state::AppState;
use crate::web::extract::{ApiJson, ApiQuery};

/// `?history=true`: every set ever entered for the year, newest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub history: Option<bool>,
}

/// A year's targets.
#[derive(Serialize, ToSchema)]
pub struct TargetList {
    pub year: i32,
    pub targets: Vec<svc::TargetRow>,
}

/// Replaces a year's targets (the admin); the previous set is kept as history.
#[utoipa::path(put, path = "/targets/{year}", tag = "reports", request_body = Targets,
    params(("year" = i32, Path)),
    responses((status = 200, body = TargetList), (status = 403), (status = 422)))]
pub async fn put_targets(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
    ApiJson(input): ApiJson<Targets>,
) -> AppResult<Json<TargetList>> {
    svc::set_targets(&state, &user, year, &input).await?;
    let targets = svc::targets(&state, &user, year, false).await?;
    Ok(Json(TargetList { year, targets }))
}

/// A year's targets (the admin, stations).
#[utoipa::path(get, path = "/targets/{year}", tag = "reports",
    params(("year" = i32, Path), HistoryQuery),
    responses((status = 200, body = TargetList), (status = 403), (status = 422)))]
pub async fn get_targets(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> AppResult<Json<TargetList>> {
    let targets = svc::targets(&state, &user, year, q.history.unwrap_or(false)).await?;
    Ok(Json(TargetList { year, targets }))
}

/// The headline indicators of a county and year: target, actual (as of the month's end, or
/// today) and completion rate (the admin; a station for its own county).
#[utoipa::path(get, path = "/reports/assessment", tag = "reports", params(AssessmentQuery),
    responses((status = 200, body = Assessment), (status = 403), (status = 422)))]
pub async fn assessment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> AppResult<Json<Assessment>> {
    Ok(Json(svc::assessment(&state, &user, &q).await?))
}

/// The people one indicator counts (`total` equals the indicator's `actual`); the admin sees
/// full 身份证 numbers, audited.
#[utoipa::path(get, path = "/reports/assessment/people", tag = "reports", params(AssessmentQuery),
    responses((status = 200, body = People), (status = 403), (status = 422)))]
pub async fn people(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> AppResult<Json<People>> {
    Ok(Json(svc::people(&state, &user, &q).await?))
}
