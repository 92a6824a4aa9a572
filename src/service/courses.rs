//! Programmes and courses as people look them up, a course's roster, one enrolment, and a
//! worker's certificates — the read side of training, shared by the API and the pages (the
//! writes are in [`super::training`]).

use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::db::{certificates, training};
use crate::domain::today;
use crate::domain::values::{fmt_date, parse_date};
use crate::error::{AppError, AppResult};
use crate::service::policy;
use crate::service::training::managed_course;
use crate::service::workers::{self as workers_svc};
use crate::state::AppState;

pub use crate::db::certificates::{CertificateRow, LEVELS};
pub use crate::db::training::{CourseRow, EnrollmentRow, ProgrammeRow};

/// The four programmes with their occupations.
pub async fn programmes(state: &AppState) -> AppResult<Vec<ProgrammeRow>> {
    Ok(training::programmes(&state.db).await?)
}

/// The admin sets a programme's occupations (1 to 50, each at most 30 characters).
pub async fn edit_programme(
    state: &AppState,
    actor: &CurrentUser,
    code: &str,
    occupations: &[String],
) -> AppResult<Vec<ProgrammeRow>> {
    actor.require(&[Role::Admin])?;
    if occupations.is_empty()
        || occupations.len() > 50
        || occupations.iter().any(|o| o.chars().count() > 30)
    {
        return Err(AppError::invalid(
            "occupations",
            "请填写1到50个工种，每个不超过30字",
        ));
    }
    if !training::set_occupations(&state.db, code, occupations).await? {
        return Err(AppError::NotFound);
    }
    programmes(state).await
}

/// What a course search asks for.
#[derive(Debug, Clone, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CourseQuery {
    pub programme: Option<String>,
    /// words in the occupation or title
    pub occupation: Option<String>,
    /// only courses starting on or after this date (`YYYY-MM-DD`)
    pub from: Option<String>,
}

/// Open courses (not ended), soonest first. `strict`: a bad programme or date is an error (the
/// API); otherwise it is ignored (the page's filters).
pub async fn open_courses(
    state: &AppState,
    q: &CourseQuery,
    strict: bool,
) -> AppResult<Vec<CourseRow>> {
    let programme = match q.programme.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => match crate::domain::Programme::parse(p) {
            Ok(p) => Some(p.code()),
            Err(m) if strict => return Err(AppError::invalid("programme", m)),
            Err(_) => None,
        },
    };
    let occupation = q
        .occupation
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let from = match q.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match parse_date(d) {
            Ok(d) => Some(fmt_date(d)),
            Err(m) if strict => return Err(AppError::invalid("from", m)),
            Err(_) => None,
        },
    };
    let mut items =
        training::open_courses(&state.db, &fmt_date(today()), programme, occupation, None).await?;
    if let Some(f) = from {
        items.retain(|c| c.start_date >= f);
    }
    Ok(items)
}

/// One course (public).
pub async fn course(state: &AppState, id: i64) -> AppResult<CourseRow> {
    training::course(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The courses of the trainer's provider.
pub async fn my_courses(state: &AppState, actor: &CurrentUser) -> AppResult<Vec<CourseRow>> {
    match (actor.role, actor.provider_id) {
        (Role::Trainer, Some(p)) => Ok(training::courses_of_provider(&state.db, p).await?),
        _ => Ok(Vec::new()),
    }
}

/// A course's roster, for those who run it.
pub async fn roster(
    state: &AppState,
    actor: &CurrentUser,
    course_id: i64,
) -> AppResult<(CourseRow, Vec<EnrollmentRow>)> {
    let c = managed_course(state, actor, course_id).await?;
    Ok((c, training::roster(&state.db, course_id).await?))
}

/// One enrolment, for those who run its course.
pub async fn enrollment(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<EnrollmentRow> {
    let en = training::enrollment(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    managed_course(state, actor, en.course_id).await?;
    Ok(en)
}

/// A worker's certificates: the worker, their station, the admin.
pub async fn certificates_of(
    state: &AppState,
    actor: &CurrentUser,
    worker_id: i64,
) -> AppResult<Vec<CertificateRow>> {
    let w = workers_svc::get(state, worker_id).await?;
    if !policy::may_manage_worker(actor.role, workers_svc::direct_tie(actor, &w)) {
        return Err(AppError::Forbidden);
    }
    Ok(certificates::of_worker(&state.db, worker_id).await?)
}
