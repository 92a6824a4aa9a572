//! Jobs a worker found without the platform, as the worker reports them (我已找到工作) and as
//! their station confirms or declines the report.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::found::{self, CurrentJob, FoundReportInput, FoundReportView};
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

/// The worker tells their station they found a job: a pending report (one at a time) that the
/// station confirms or declines.
#[utoipa::path(post, path = "/me/found-reports", tag = "follow-up", request_body = FoundReportInput,
    responses((status = 201, body = Created, description = "已提交，等待工作站确认 / reported, waiting for the station"),
              (status = 403), (status = 409, description = "已有一份待确认的报告 / a report is already pending"),
              (status = 422, description = "字段错误 / field errors")))]
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<FoundReportInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = found::report(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The worker's own reports and current job.
#[derive(Serialize, ToSchema)]
pub struct MyFoundReports {
    pub items: Vec<FoundReportView>,
    /// the job the worker holds now, with the day of the next follow-up
    pub current_job: Option<CurrentJob>,
}

/// The worker's reports (newest first) and the job they hold now.
#[utoipa::path(get, path = "/me/found-reports", tag = "follow-up",
    responses((status = 200, body = MyFoundReports, description = "本人的报告 / the worker's own reports"), (status = 403)))]
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<MyFoundReports>> {
    Ok(Json(MyFoundReports {
        items: found::mine(&state, &user).await?,
        current_job: found::current_job(&state, &user).await?,
    }))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FoundReportQuery {
    /// `pending`, `confirmed` or `declined`; default all (pending first)
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FoundReportList {
    pub items: Vec<FoundReportView>,
}

/// The reports of a station's workers (the admin: everyone's); the listing is audited.
#[utoipa::path(get, path = "/found-reports", tag = "follow-up", params(FoundReportQuery),
    responses((status = 200, body = FoundReportList, description = "本站务工人员的报告 / the station's workers' reports"), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FoundReportQuery>,
) -> AppResult<Json<FoundReportList>> {
    Ok(Json(FoundReportList {
        items: found::list(&state, &user, q.status.as_deref()).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ConfirmInput {
    /// the monthly wage, when the report gave none or the station knows better
    pub wage: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Confirmed {
    /// the placement recorded
    pub placement_id: i64,
}

/// The worker's station (or the admin) confirms a report: the self-found placement is
/// recorded, with its follow-ups.
#[utoipa::path(post, path = "/found-reports/{id}/confirm", tag = "follow-up", request_body = ConfirmInput,
    params(("id" = i64, Path)),
    responses((status = 201, body = Confirmed, description = "已确认并登记就业 / confirmed, placement recorded"), (status = 403), (status = 404),
              (status = 409, description = "已处理，或该务工人员已在岗 / already decided, or the worker is at work"),
              (status = 422, description = "字段错误 / field errors")))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ConfirmInput>,
) -> AppResult<(StatusCode, Json<Confirmed>)> {
    let placement_id = found::confirm(&state, &user, id, input.wage).await?;
    Ok((StatusCode::CREATED, Json(Confirmed { placement_id })))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DeclineInput {
    /// why (2–200 characters); the worker reads it on `/me`
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Declined {
    pub ok: bool,
}

/// The worker's station (or the admin) declines a report, with a reason.
#[utoipa::path(post, path = "/found-reports/{id}/decline", tag = "follow-up", request_body = DeclineInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = Declined, description = "已不予确认 / declined"), (status = 403), (status = 404),
              (status = 409, description = "已处理 / already decided"), (status = 422, description = "字段错误 / field errors")))]
pub async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DeclineInput>,
) -> AppResult<Json<Declined>> {
    found::decline(&state, &user, id, &input.reason).await?;
    Ok(Json(Declined { ok: true }))
}
