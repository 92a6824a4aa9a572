//! Applications, placements, follow-ups, cases and retention.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::domain::today;
use crate::error::{AppError, AppResult};
use crate::service::applications::{
    self as apps, ApplicationInput, TransitionInput, TransitionResult,
};
use crate::service::applications::{ApplicationRow, EventRow};
use crate::service::escalation::{self, Escalations};
use crate::service::followups::{self as follow, FollowUpInput, PlacementView, RetentionReport};
use crate::service::followups::{CaseRow, CaseView, FollowUpRow, FollowUpView};
use crate::service::policy::EscalationList;
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

/// A worker applies, a station recommends, the admin registers, an enterprise invites.
#[utoipa::path(post, path = "/applications", tag = "applications", request_body = ApplicationInput,
    responses((status = 201, body = Created), (status = 403), (status = 409, description = "already applied"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = apps::apply(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// An application with its history.
#[derive(Serialize, ToSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: ApplicationRow,
    pub events: Vec<EventRow>,
}

/// One application: the worker, the enterprise, stations, the admin.
#[utoipa::path(get, path = "/applications/{id}", tag = "applications",
    params(("id" = i64, Path)), responses((status = 200, body = ApplicationView), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationView>> {
    let (a, events) = apps::with_events(&state, &user, id).await?;
    Ok(Json(ApplicationView {
        application: a,
        events,
    }))
}

/// Moves an application: interviewing, offered, hired (with `start_date` and `wage`: returns
/// `placement_id`), rejected (with a `reason`), withdrawn.
#[utoipa::path(post, path = "/applications/{id}/transition", tag = "applications", request_body = TransitionInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = TransitionResult), (status = 403), (status = 409), (status = 422)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> AppResult<Json<TransitionResult>> {
    Ok(Json(apps::transition(&state, &user, id, &input).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationList {
    pub items: Vec<ApplicationRow>,
}

/// Applications to a vacancy: its enterprise and the admin all of them, a station those of
/// its own workers and those it made.
#[utoipa::path(get, path = "/vacancies/{id}/applications", tag = "applications",
    params(("id" = i64, Path)), responses((status = 200, body = ApplicationList), (status = 403)))]
pub async fn of_vacancy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationList>> {
    let items = apps::of_vacancy(&state, &user, id).await?;
    Ok(Json(ApplicationList { items }))
}

/// A placement with its follow-ups (and due dates) and cases.
#[utoipa::path(get, path = "/placements/{id}", tag = "follow-up",
    params(("id" = i64, Path)), responses((status = 200, body = PlacementView), (status = 403), (status = 404)))]
pub async fn placement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<PlacementView>> {
    Ok(Json(follow::placement(&state, &user, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LeaveInput {
    pub left_reason: String,
}

/// Records that a placed worker left (outside a follow-up); the worker seeks work again.
#[utoipa::path(post, path = "/placements/{id}/leave", tag = "follow-up", request_body = LeaveInput,
    params(("id" = i64, Path)), responses((status = 200, body = PlacementView), (status = 403), (status = 409), (status = 422)))]
pub async fn leave(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<LeaveInput>,
) -> AppResult<Json<PlacementView>> {
    follow::leave(&state, &user, id, &input.left_reason).await?;
    Ok(Json(follow::placement(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FollowUpQuery {
    /// `due` (this week), `overdue` (oldest first), `done`, or `escalated` (overdue 14 days and
    /// more); default `due`. A receiving station's lists include its district's placements
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpList {
    pub items: Vec<FollowUpRow>,
}

/// A station's follow-ups (the admin: all).
#[utoipa::path(get, path = "/followups", tag = "follow-up", params(FollowUpQuery),
    responses((status = 200, body = FollowUpList), (status = 403), (status = 422)))]
pub async fn followups(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FollowUpQuery>,
) -> AppResult<Json<FollowUpList>> {
    let view = match q.status.as_deref().map(str::trim) {
        None | Some("" | "due") => FollowUpView::Due,
        Some("overdue") => FollowUpView::Overdue,
        Some("done") => FollowUpView::Done,
        Some("escalated") => FollowUpView::Escalated,
        Some(_) => {
            return Err(AppError::invalid(
                "status",
                "应为 due、overdue、done 或 escalated",
            ));
        }
    };
    Ok(Json(FollowUpList {
        items: follow::list(&state, &user, view).await?,
    }))
}

/// Records a follow-up; a `problem` opens a case, `still_employed: false` ends the placement.
#[utoipa::path(post, path = "/followups/{id}/complete", tag = "follow-up", request_body = FollowUpInput,
    params(("id" = i64, Path)), responses((status = 200, body = FollowUpRow), (status = 403), (status = 409), (status = 422)))]
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> AppResult<Json<FollowUpRow>> {
    Ok(Json(follow::complete(&state, &user, id, &input).await?))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CaseQuery {
    /// `open` (default), `all`, or `escalated` (open, without action for 14 days or more)
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseRow>,
}

/// Cases (problems raised at follow-ups or reported by the worker) of a station — a
/// receiving station's include those of the placements in its district — each open one with
/// its days without action and escalation; the admin sees all.
#[utoipa::path(get, path = "/cases", tag = "follow-up", params(CaseQuery),
    responses((status = 200, body = CaseList), (status = 403), (status = 422)))]
pub async fn cases(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> AppResult<Json<CaseList>> {
    let items = match q.status.as_deref().map(str::trim) {
        None | Some("" | "open") => follow::cases(&state, &user, CaseView::Open).await?,
        Some("all") => follow::cases(&state, &user, CaseView::All).await?,
        Some("escalated") => {
            escalation::list(&state, &user, EscalationList::Bureau, today())
                .await?
                .cases
        }
        Some(_) => {
            return Err(AppError::invalid("status", "应为 open、all 或 escalated"));
        }
    };
    Ok(Json(CaseList { items }))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EscalationQuery {
    /// `head` (default: overdue or without action 7 days and more, the station head's list) or
    /// `bureau` (14 days and more, the county bureau's list)
    pub level: Option<String>,
}

/// The escalation list: follow-ups overdue and open cases without action — `level=head` for
/// a station head (their station's, with a receiving station's district) and the admin;
/// `level=bureau` for the admin (every station's) and a station (its own). A station login
/// not marked head asking for `head` gets 403.
#[utoipa::path(get, path = "/escalations", tag = "follow-up", params(EscalationQuery),
    responses((status = 200, body = Escalations), (status = 403), (status = 422)))]
pub async fn escalations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<EscalationQuery>,
) -> AppResult<Json<Escalations>> {
    let level = match q.level.as_deref().map(str::trim) {
        None | Some("" | "head") => EscalationList::Head,
        Some("bureau" | "escalated") => EscalationList::Bureau,
        Some(_) => return Err(AppError::invalid("level", "应为 head 或 bureau")),
    };
    Ok(Json(escalation::list(&state, &user, level, today()).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResolveInput {
    pub resolution: String,
}

/// Records how a case was resolved.
#[utoipa::path(post, path = "/cases/{id}/resolve", tag = "follow-up", request_body = ResolveInput,
    params(("id" = i64, Path)), responses((status = 200, body = CaseRow), (status = 403), (status = 409), (status = 422)))]
pub async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResolveInput>,
) -> AppResult<Json<CaseRow>> {
    Ok(Json(
        follow::resolve_case(&state, &user, id, &input.resolution).await?,
    ))
}

/// 稳岗: share still employed at 3 and 6 months per station and per employer, and the workers
/// eligible for this year's cross-province travel subsidy.
#[utoipa::path(get, path = "/retention", tag = "follow-up", responses((status = 200, body = RetentionReport), (status = 403)))]
pub async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<RetentionReport>> {
    Ok(Json(follow::retention(&state, &user).await?))
}

/// A job found without the platform (alone or through an organised group): a placement with
/// the same follow-ups as a hire.
#[utoipa::path(post, path = "/placements", tag = "follow-up", request_body = follow::FoundJobInput,
    responses((status = 201, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn record_found(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<follow::FoundJobInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = follow::record_found_job(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The worker reports a problem at their current job: a case on their station's list (five
/// a day; a description of at most 500 characters).
#[utoipa::path(post, path = "/me/problems", tag = "follow-up", request_body = follow::ProblemInput,
    responses((status = 201, body = Created), (status = 403),
              (status = 422, description = "字段错误 / field errors"),
              (status = 429, description = "今天已反映5次 / five reports today already")))]
pub async fn report_problem(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<follow::ProblemInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = follow::report_problem(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
