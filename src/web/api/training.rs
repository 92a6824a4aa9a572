//! Programmes, courses, enrolments, completion, certificates and training figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::worker::StringList;
use crate::error::{AppError, AppResult};
use crate::service::courses::{
    self, CertificateRow, CourseQuery, CourseRow, EnrollmentRow, ProgrammeRow,
};
use crate::service::training::{
    self as svc, CertificateInput, CompletionInput, CourseInput, TrainingReport,
};
use crate::state::AppState;
use crate::web::api::admin::Created;
use crate::web::extract::{ApiJson, ApiQuery};

/// The four programmes with their occupations.
#[utoipa::path(get, path = "/programmes", tag = "training", responses((status = 200, body = [ProgrammeRow])))]
pub async fn programmes(State(state): State<AppState>) -> AppResult<Json<Vec<ProgrammeRow>>> {
    Ok(Json(courses::programmes(&state).await?))
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
    let items = input.occupations.items();
    Ok(Json(
        courses::edit_programme(&state, &user, &code, &items).await?,
    ))
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
    let items = courses::open_courses(&state, &q).await?;
    Ok(Json(CourseList { items }))
}

/// One course.
#[utoipa::path(get, path = "/courses/{id}", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = CourseRow), (status = 404)))]
pub async fn course(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<CourseRow>> {
    Ok(Json(courses::course(&state, id).await?))
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
    let (_, items) = courses::roster(&state, &user, id).await?;
    Ok(Json(Roster { items }))
}

/// The trainer confirms a worker's own sign-up.
#[utoipa::path(post, path = "/enrollments/{id}/confirm", tag = "training", params(("id" = i64, Path)), responses((status = 200, body = EnrollmentRow), (status = 403), (status = 409)))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EnrollmentRow>> {
    svc::confirm(&state, &user, id).await?;
    Ok(Json(courses::enrollment(&state, &user, id).await?))
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
    Ok(Json(courses::enrollment(&state, &user, id).await?))
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
    Ok(Json(courses::enrollment(&state, &user, id).await?))
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
    let enrollment = courses::enrollment(&state, &user, id).await?;
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
    Ok(Json(courses::certificates_of(&state, &user, id).await?))
}

/// Enrolled, completed, certified and employed within 6 months, per programme and provider.
#[utoipa::path(get, path = "/training/figures", tag = "training", responses((status = 200, body = TrainingReport), (status = 403)))]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<TrainingReport>> {
    Ok(Json(svc::figures(&state, &user).await?))
}
