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
use crate::service::{Paged, page_window};
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

/// The first day of a course query. `strict`: a bad date is an error (the API); otherwise it
/// is ignored (the page's filters).
fn from_day(q: &CourseQuery, strict: bool) -> AppResult<Option<String>> {
    match q.from.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => match parse_date(d) {
            Ok(d) => Ok(Some(fmt_date(d))),
            Err(m) if strict => Err(AppError::invalid("from", m)),
            Err(_) => Ok(None),
        },
    }
}

/// The filter of a course query starting on `from` (see [`from_day`]); `strict` as there.
fn course_filter<'a>(
    q: &'a CourseQuery,
    today: &'a str,
    from: &'a Option<String>,
    strict: bool,
) -> AppResult<training::CourseFilter<'a>> {
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
    Ok(training::CourseFilter {
        today,
        programme,
        occupation,
        provider_id: None,
        from: from.as_deref(),
    })
}

/// Open courses (not ended), soonest first, at most 200 (the API). A bad programme or date is
/// an error.
pub async fn open_courses(state: &AppState, q: &CourseQuery) -> AppResult<Vec<CourseRow>> {
    let today = fmt_date(today());
    let from = from_day(q, true)?;
    let filter = course_filter(q, &today, &from, true)?;
    Ok(training::open_courses(&state.db, &filter, 200, 0).await?)
}

/// Page `asked` of the open courses (the page's list, whose bad filters are ignored).
pub async fn open_courses_page(
    state: &AppState,
    q: &CourseQuery,
    asked: i64,
    per_page: i64,
) -> AppResult<Paged<CourseRow>> {
    let today = fmt_date(today());
    let from = from_day(q, false)?;
    let filter = course_filter(q, &today, &from, false)?;
    let total = training::count_open_courses(&state.db, &filter).await?;
    let (page, offset) = page_window(asked, total, per_page);
    let rows = training::open_courses(&state.db, &filter, per_page, offset).await?;
    Ok(Paged { rows, total, page })
}

/// One course (public).
pub async fn course(state: &AppState, id: i64) -> AppResult<CourseRow> {
    training::course(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The courses of the trainer's provider.
pub async fn my_courses(
    state: &AppState,
    actor: &CurrentUser,
    asked: i64,
    per_page: i64,
) -> AppResult<Paged<CourseRow>> {
    let Some(provider) = actor.provider_id.filter(|_| actor.is(Role::Trainer)) else {
        return Ok(Paged {
            rows: Vec::new(),
            total: 0,
            page: 1,
        });
    };
    let total = training::count_of_provider(&state.db, provider).await?;
    let (page, offset) = page_window(asked, total, per_page);
    let rows = training::courses_of_provider(&state.db, provider, per_page, offset).await?;
    Ok(Paged { rows, total, page })
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
