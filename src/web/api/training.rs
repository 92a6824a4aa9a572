//! Programmes, courses, enrolments, completion, certificates and training figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, MaybeUser, Role};
use crate::db::certificates::{self, CertificateRow};
use crate::db::training::{self, CourseRow, EnrollmentRow, ProgrammeRow};
use crate::domain::today;
use crate::domain::values::fmt_date;
use crate::domain::worker::StringList;
use crate::error::{AppError, AppResult};
use crate::service::training::{
    self as svc, CertificateInput, CompletionInput, CourseInput, TrainingReport,
};
use crate::service::workers::{Access, access};
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

/// The four programmes with their occupations.
#[utoipa::path(get, path = "/programmes", tag = "training", responses((status = 200, body = [ProgrammeRow])))]
pub async fn programmes(State(state): State<AppState>) -> AppResult<Json<Vec<ProgrammeRow>>> {
    Ok(Json(training::programmes(&state.db).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct OccupationsInput {
    /// a list, or one string `电工、焊工`
    pub occupations: StringList,
}

/// The admin edits a programme's occupations.
#[utoipa::path(put, path = "/programmes/{code}", tag = "training", request_body = OccupationsInput,
    params(("code" = String, Path)), responses((status = 200, body = [ProgrammeRow]), (status = 403), (status = 404), (status = 422)))]
pub async fn edit_programme(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<OccupationsInput>,
) -> AppResult<Json<Vec<ProgrammeRow>>> {
    user.require(&[Role::Admin])?;
    let items = input.occupations.items();
    if items.is_empty() || items.len() > 50 || items.iter().any(|o| o.chars().count() > 30) {
        return Err(AppError::invalid(
            "occupations",
            "请填写1到50个工种，每个不超过30字",
        ));
    }
    if !training::set_occupations(&state.db, &code, &items).await? {
        return Err(AppError::NotFound);
    }
    Ok(Json(training::programmes(&state.db).await?))
}

/// Creates a course (a trainer for their provider; the admin with `provider_id`).
#[utoipa::path(post, path = "/courses", tag = "training", request_body = CourseInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn create_course(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<CourseInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::create_course(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CourseQuery {
    pub programme: Option<String>,
    /// words in the occupation or title
    pub occupation: Option<String>,
    /// only courses starting on or after this date (`YYYY-MM-DD`)
    pub from: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseList {
    pub items: Vec<CourseRow>,
}

/// Open courses (not ended), soonest first.
#[utoipa::path(get, path = "/courses", tag = "training", params(CourseQuery), responses((status = 200, body = CourseList), (status = 422)))]
pub async fn courses(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CourseQuery>,
) -> AppResult<Json<CourseList>> {
    let programme = match q.programme.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            crate::domain::Programme::parse(p)
                .map_err(|m| AppError::invalid("programme", m))?
                .code(),
        ),
    };
    let occupation = q
        .occupation
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let from = match q.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            Some(crate::domain::values::parse_date(d).map_err(|m| AppError::invalid("from", m))?)
        }
    };
    let mut items =
        training::open_courses(&state.db, &fmt_date(today()), programme, occupation, None).await?;
    if let Some(f) = from {
        let f = fmt_date(f);
        items.retain(|c| c.start_date >= f);
    }
    Ok(Json(CourseList { items }))
}

/// One course.
#[utoipa::path(get, path = "/courses/{id}", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = CourseRow), (status = 404)))]
pub async fn course(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<CourseRow>> {
    Ok(Json(
        training::course(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EnrollInput {
    /// the worker (a worker signing up themselves may leave it out)
    pub worker_id: Option<i64>,
}

/// Enrols a worker: trainer, station, admin (enrolled), or the worker (pending confirmation).
#[utoipa::path(post, path = "/courses/{id}/enrollments", tag = "training", request_body = EnrollInput,
    params(("id" = i64, Path)), responses((status = 201, body = Created), (status = 403), (status = 409, description = "full, or already enrolled"), (status = 422)))]
pub async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<EnrollInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::enroll(&state, &user, id, input.worker_id).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Serialize, ToSchema)]
pub struct Roster {
    pub items: Vec<EnrollmentRow>,
}

/// The roster of a course (its trainer, the admin).
#[utoipa::path(get, path = "/courses/{id}/enrollments", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = Roster), (status = 403)))]
pub async fn roster(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Roster>> {
    svc::managed_course(&state, &user, id).await?;
    Ok(Json(Roster {
        items: training::roster(&state.db, id).await?,
    }))
}

/// The trainer confirms a worker's own sign-up.
#[utoipa::path(post, path = "/enrollments/{id}/confirm", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = EnrollmentRow), (status = 403), (status = 409)))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EnrollmentRow>> {
    svc::confirm(&state, &user, id).await?;
    Ok(Json(
        training::enrollment(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DropInput {
    pub reason: String,
}

/// Drops an enrolment with a reason.
#[utoipa::path(post, path = "/enrollments/{id}/drop", tag = "training", request_body = DropInput, params(("id" = i64, Path)), responses((status = 200, body = EnrollmentRow), (status = 403), (status = 409), (status = 422)))]
pub async fn drop_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DropInput>,
) -> AppResult<Json<EnrollmentRow>> {
    svc::drop_out(&state, &user, id, &input.reason).await?;
    Ok(Json(
        training::enrollment(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AttendanceInput {
    pub session_date: String,
    pub present: bool,
}

/// Records attendance at one session.
#[utoipa::path(post, path = "/enrollments/{id}/attendance", tag = "training", request_body = AttendanceInput, params(("id" = i64, Path)), responses((status = 200, body = EnrollmentRow), (status = 403), (status = 422)))]
pub async fn attendance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> AppResult<Json<EnrollmentRow>> {
    svc::attendance(&state, &user, id, &input.session_date, input.present).await?;
    Ok(Json(
        training::enrollment(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CompletionResult {
    pub enrollment: EnrollmentRow,
    pub certificate_id: Option<i64>,
}

/// Completes an enrolment (from the course's last day), with `certificate_no` and `level`.
#[utoipa::path(post, path = "/enrollments/{id}/complete", tag = "training", request_body = CompletionInput, params(("id" = i64, Path)), responses((status = 200, body = CompletionResult), (status = 403), (status = 409), (status = 422)))]
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CompletionInput>,
) -> AppResult<Json<CompletionResult>> {
    let certificate_id = svc::complete(&state, &user, id, &input).await?;
    let enrollment = training::enrollment(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(CompletionResult {
        enrollment,
        certificate_id,
    }))
}

/// A certificate earned elsewhere (station, admin).
#[utoipa::path(post, path = "/workers/{id}/certificates", tag = "training", request_body = CertificateInput, params(("id" = i64, Path)), responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn add_certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CertificateInput>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = svc::add_certificate(&state, &user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A worker's certificates (the worker, their station, the admin).
#[utoipa::path(get, path = "/workers/{id}/certificates", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = [CertificateRow]), (status = 403)))]
pub async fn certificates_of(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<CertificateRow>>> {
    let user = user.ok_or(AppError::Unauthorized)?;
    let w = crate::db::workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if access(&user, &w) != Access::Full {
        return Err(AppError::Forbidden);
    }
    Ok(Json(certificates::of_worker(&state.db, id).await?))
}

/// Enrolled, completed, certified and employed within 6 months, per programme and provider.
#[utoipa::path(get, path = "/training/figures", tag = "training", responses((status = 200, body = TrainingReport), (status = 403)))]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<TrainingReport>> {
    Ok(Json(svc::figures(&state, &user).await?))
}
