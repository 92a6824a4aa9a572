//! HTML pages (askama templates in `templates/`), Chinese first, phone-sized first, usable
//! without JavaScript. Each file serves one area of the site.

pub mod account;
pub mod admin;
pub mod assessment;
pub mod employer;
pub mod events;
pub mod followups;
pub mod found;
pub mod matches;
pub mod me;
pub mod next;
pub mod pager;
pub mod public;
pub mod reports;
pub mod reset;
pub mod station;
pub mod training;
pub mod work;

use std::collections::HashMap;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::csrf;

/// The logged-in user as the header shows them.
pub struct NavUser {
    pub name: String,
    pub role_label: &'static str,
    pub home: &'static str,
}

/// What every page's base layout needs.
pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub flash: Option<String>,
}

impl Layout {
    /// Builds the layout, taking the one-time flash message out of the session. A logged-in
    /// user gets a CSRF token (the header's logout form, and their pages' forms); an
    /// anonymous visitor only keeps one they already have, so that reading pages stores no
    /// session — pages with a form for anonymous visitors use [`Layout::with_form`].
    pub async fn new(title: &str, session: &Session, user: Option<&CurrentUser>) -> Self {
        let csrf = if user.is_some() {
            csrf::token(session).await
        } else {
            csrf::existing(session).await
        };
        Self::build(title, session, user, csrf).await
    }

    /// The layout of a page that renders a form: always with a CSRF token.
    pub async fn with_form(title: &str, session: &Session, user: Option<&CurrentUser>) -> Self {
        let csrf = csrf::token(session).await;
        Self::build(title, session, user, csrf).await
    }

    async fn build(
        title: &str,
        session: &Session,
        user: Option<&CurrentUser>,
        csrf: String,
    ) -> Self {
        let flash: Option<String> = session.remove("flash").await.ok().flatten();
        Self {
            title: title.to_owned(),
            user: user.map(|u| NavUser {
                name: if u.display_name.is_empty() {
                    u.login.clone()
                } else {
                    u.display_name.clone()
                },
                role_label: u.role.label(),
                home: u.role.home(),
            }),
            csrf,
            flash,
        }
    }
}

/// Turns a workflow error into a message on the next page, or a real error.
pub async fn outcome(
    session: &Session,
    result: Result<String, AppError>,
    back: &str,
) -> PageResult<Response> {
    match result {
        Ok(msg) => {
            flash(session, &msg).await;
            Ok(Redirect::to(back).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let msg = e.field_errors().summary();
            flash(session, &format!("未完成：{msg}")).await;
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Leaves a message for the next page the user sees.
pub async fn flash(session: &Session, message: &str) {
    session.insert("flash", message).await.ok();
}

/// An [`AppError`] shown as a page: not logged in goes to the login page, the rest get a
/// Chinese error page with the right status.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/login").into_response();
        }
        if let AppError::Internal(e) = &self.0 {
            tracing::error!(error = ?e, "page failed");
        }
        let message = match &self.0 {
            AppError::Validation(e) => {
                e.0.values()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；")
            }
            other => other.to_string(),
        };
        let retry = self.0.retry_after();
        let page = ErrorPage {
            layout: Layout {
                title: "出错了".into(),
                user: None,
                csrf: String::new(),
                flash: None,
            },
            status: status.as_u16(),
            message,
        };
        let mut response = (status, render(&page)).into_response();
        if let Some(secs) = retry
            && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        response
    }
}

/// Result alias for page handlers.
pub type PageResult<T = Response> = Result<T, PageError>;

/// Renders a template to an HTML response (500 if the template fails).
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

/// Form fields as submitted (every value a string; unchecked boxes absent).
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct FormData(pub HashMap<String, String>);

/// Keeps a refused form's values (not its hidden `_` fields) for the next page, which takes
/// them back with [`take_form`]: a form answered by a redirect still comes back as typed.
pub async fn keep_form(session: &Session, key: &str, form: &FormData) {
    let kept: HashMap<&str, &str> = form
        .0
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    session.insert(key, kept).await.ok();
}

/// The values [`keep_form`] kept under `key` (empty when none), gone from the session after.
pub async fn take_form(session: &Session, key: &str) -> FormData {
    FormData(
        session
            .remove::<HashMap<String, String>>(key)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
    )
}

impl FormData {
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", |s| s.as_str())
    }

    pub fn opt(&self, key: &str) -> Option<String> {
        let v = self.get(key).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), "on" | "1" | "true" | "yes" | "是")
    }

    /// A monthly wage field through the one wage parser (`5千`, `5,000`, `５０００`, `5000元`):
    /// blank → `None`; anything else it cannot read → a field error saying what to type.
    pub fn wage(&self, key: &str, errors: &mut crate::error::FieldErrors) -> Option<i64> {
        let v = self.get(key).trim();
        if v.is_empty() {
            return None;
        }
        errors.take(key, crate::domain::values::parse_wage(v))
    }

    /// A whole number field: blank → `None`; not a number → a field error.
    pub fn int(&self, key: &str, errors: &mut crate::error::FieldErrors) -> Option<i64> {
        let v = crate::domain::text::normalize_ascii(self.get(key));
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(key, "请填写整数");
                None
            }
        }
    }
}

/// The ledger upload, with its own (larger) body limit.
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route("/station/import", post(reports::import_upload))
        .layer(axum::extract::DefaultBodyLimit::max(reports::MAX_UPLOAD))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            reports::MAX_UPLOAD,
        ))
}

/// All page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/vacancies", get(public::board))
        .route("/vacancies/{id}", get(public::vacancy))
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/register",
            get(account::register_page).post(account::register),
        )
        .route(
            "/employers/register",
            get(account::employer_register_page).post(account::employer_register),
        )
        .route("/me", get(me::profile))
        .route("/matches", get(matches::for_me))
        .route("/vacancies/{id}/candidates", get(matches::candidates))
        .route("/station/workers/{id}/matches", get(matches::for_worker))
        .route("/vacancies/{id}/apply", post(work::apply))
        .route(
            "/station/workers/{wid}/recommend/{vid}",
            post(work::recommend),
        )
        .route("/vacancies/{vid}/invite/{wid}", post(work::invite))
        .route("/applications/{id}/transition", post(work::transition))
        .route(
            "/employer/vacancies/{id}/applications",
            get(work::of_vacancy),
        )
        .route("/station/followups", get(followups::caseload))
        .route(
            "/station/followups/{id}",
            get(followups::form_page).post(followups::record),
        )
        .route("/station/cases", get(followups::cases))
        .route("/station/head", get(followups::head))
        .route("/admin/escalations", get(followups::bureau))
        .route("/station/cases/{id}/resolve", post(followups::resolve))
        .route("/station/retention", get(followups::retention))
        .route("/placements/{id}", get(followups::placement))
        .route("/placements/{id}/leave", post(followups::leave))
        .route("/reset", get(reset::start).post(reset::with_code))
        .route("/reset/code", post(reset::send_code))
        .route("/reset/mail", get(reset::mail).post(reset::send_link))
        .route(
            "/reset/mail/{token}",
            get(reset::link).post(reset::with_link),
        )
        .route("/me/preferences", post(me::preferences))
        .route("/me/sms", post(me::sms))
        .route("/me/problem", post(me::problem))
        .route("/me/found-job", post(found::report))
        .route("/station/found-reports", get(found::list))
        .route("/station/found-reports/{id}/confirm", post(found::confirm))
        .route("/station/found-reports/{id}/decline", post(found::decline))
        .route("/station/workers/{id}/found-job", post(found::record))
        .route("/station/workers/{id}/reset-code", post(found::reset_code))
        .route("/me/data.json", get(me::download))
        .route("/me/correct", post(me::correct))
        .route("/me/delete-request", post(me::delete_request))
        .route("/me/delete-request/cancel", post(me::delete_cancel))
        .route("/station/workers/{id}/anonymise", post(station::anonymise))
        .route("/workers/{id}/occupation", post(station::set_occupation))
        .route("/reports/monthly", get(reports::monthly))
        .route("/reports/assessment", get(assessment::page))
        .route("/reports/assessment/people", get(assessment::people))
        .route("/reports/assessment.xlsx", get(assessment::workbook))
        .route(
            "/admin/targets",
            get(assessment::targets_page).post(assessment::save_targets),
        )
        .route("/reports/monthly.xlsx", get(reports::monthly_xlsx))
        .route("/dashboard", get(reports::dashboard))
        .route("/exports/{file}", get(reports::export))
        .route("/station/import", get(reports::import_page))
        .route("/station/imports/{file}", get(reports::import_report))
        .route("/station/imports/jobs/{id}", get(reports::import_job))
        .route("/trainer", get(training::trainer_home))
        .route("/trainer/courses", post(training::create_course))
        .route("/trainer/courses/{id}", get(training::roster))
        .route(
            "/trainer/courses/{id}/attendance",
            post(training::attendance),
        )
        .route(
            "/trainer/courses/{id}/complete",
            post(training::complete_all),
        )
        .route(
            "/trainer/enrollments/{id}/{action}",
            post(training::enrollment_action),
        )
        .route("/courses", get(training::courses))
        .route("/courses/{id}/signup", post(training::sign_up))
        .route("/training", get(training::figures))
        .route("/admin/programmes/{code}", post(training::edit_programme))
        .route(
            "/station/workers/{id}/certificates",
            post(training::add_certificate),
        )
        .route("/employer", get(employer::dashboard))
        .route(
            "/employer/vacancies/new",
            get(employer::new_page).post(employer::create),
        )
        .route(
            "/employer/vacancies/{id}/edit",
            get(employer::edit_page).post(employer::update),
        )
        .route("/employer/vacancies/{id}/close", post(employer::close))
        .route("/employer/vacancies/{id}/reopen", post(employer::reopen))
        .route("/admin", get(admin::dashboard))
        .route("/admin/employers/{id}/verify", post(admin::verify))
        .route("/admin/employers/{id}/reject", post(admin::reject))
        .route("/admin/employers/{id}/suspend", post(admin::suspend))
        .route("/admin/stations", post(admin::create_station))
        .route("/admin/providers", post(admin::create_provider))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{id}/head", post(admin::set_head))
        .route("/admin/audit", get(admin::audit))
        .route("/station", get(station::caseload).post(station::search))
        .route(
            "/station/workers/new",
            get(station::new_page).post(station::create),
        )
        .route("/station/workers/{id}", get(station::worker))
        .route("/events", get(events::list))
        .route("/events/new", get(events::new_page).post(events::create))
        .route("/events/{id}", get(events::show))
        .route("/events/{id}/signup", post(events::sign_up))
        .route("/events/{id}/apply/{vid}", post(events::apply))
        .route("/events/{id}/manage", get(events::manage))
        .route(
            "/events/{id}/door",
            get(events::door).post(events::door_check_in),
        )
        .route("/events/{id}/manifest", get(events::manifest))
        .route("/events/{id}/manifest.xlsx", get(events::manifest_xlsx))
        .route(
            "/events/{id}/booth",
            get(events::booth).post(events::take_booth),
        )
}

/// The logged-in user of a page; without one, the visitor is sent to the login page.
pub struct PageUser(pub CurrentUser);

impl axum::extract::FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, PageError> {
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(PageUser)
            .map_err(PageError)
    }
}
