//! The bureau's pages: verify enterprises, create stations, providers and logins, read the
//! audit log.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{FormData, Layout, PageResult, PageUser, flash, render};
use crate::auth::{CurrentUser, Role};
use crate::domain::status::AuditAction;
use crate::domain::status::EmployerStatus;
use crate::error::{AppError, FieldErrors};
use crate::service::accounts::{self, ProviderInput, StationInput, UserInput};
use crate::service::admin::{self as admin_svc, AuditEntry, AuditFilter, EmployerRow, StationRow};
use crate::service::employers as employer_svc;
use crate::service::escalation::{self, StationLogin};
use crate::state::AppState;

#[derive(askama::Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    employers: Vec<EmployerRow>,
    pager: super::pager::Pager,
    /// the enterprises' status filter: code, label, chosen
    statuses: Vec<(&'static str, &'static str, bool)>,
    stations: Vec<StationRow>,
    logins: Vec<StationLogin>,
    errors: FieldErrors,
    f: FormData,
}

/// Enterprises a page of the admin's list holds.
const EMPLOYERS_PER_PAGE: i64 = 20;

/// Which enterprises the list shows, and which page of them.
#[derive(Debug, Default)]
struct ListAt {
    status: Option<EmployerStatus>,
    page: i64,
}

async fn page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    at: ListAt,
    errors: FieldErrors,
    f: FormData,
) -> PageResult<Response> {
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let (employers, stations) =
        admin_svc::overview(state, user, at.status, at.page, EMPLOYERS_PER_PAGE).await?;
    let chosen = at.status.map_or("", EmployerStatus::as_str);
    let pager = super::pager::Pager::new(
        "/admin",
        &[("status", chosen)],
        employers.page,
        employers.total,
        EMPLOYERS_PER_PAGE,
    );
    let statuses = EmployerStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label(), s.as_str() == chosen))
        .collect();
    let logins = escalation::station_logins(state, user).await?;
    let p = AdminPage {
        layout: Layout::new("管理", session, Some(user)).await,
        employers: employers.rows,
        pager,
        statuses,
        stations,
        logins,
        errors,
        f,
    };
    Ok((status, render(&p)).into_response())
}

pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    user.require(&[Role::Admin])?;
    // an unknown status shows every enterprise
    let at = ListAt {
        status: q
            .get("status")
            .and_then(|s| EmployerStatus::parse(s.trim())),
        page: super::pager::page_param(&q),
    };
    page(
        &state,
        &session,
        &user,
        at,
        FieldErrors::new(),
        FormData::default(),
    )
    .await
}

pub async fn verify(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let e = employer_svc::set_status(&state, &user, id, EmployerStatus::Verified).await?;
    flash(
        &session,
        &format!("已审核通过：{}。请为其创建企业账号。", e.name),
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

pub async fn reject(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let e = employer_svc::set_status(&state, &user, id, EmployerStatus::Rejected).await?;
    flash(&session, &format!("已退回：{}", e.name)).await;
    Ok(Redirect::to("/admin").into_response())
}

pub async fn suspend(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let r = employer_svc::set_status(&state, &user, id, EmployerStatus::Suspended)
        .await
        .map(|e| format!("已暂停：{}（岗位已下架，账号已停用）", e.name));
    super::outcome(&session, r, "/admin").await
}

/// Handles a create form: success flashes and goes back, field errors re-render the page.
async fn after_create(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    form: FormData,
    result: Result<i64, AppError>,
    what: &str,
) -> PageResult<Response> {
    match result {
        Ok(id) => {
            flash(session, &format!("已创建{what}（编号 {id}）。")).await;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            page(
                state,
                session,
                user,
                ListAt::default(),
                e.field_errors(),
                form,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_station(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let input = StationInput {
        name: form.get("name").to_owned(),
        side: form.get("side").to_owned(),
        email: form.get("email").to_owned(),
        county_code: form.opt("county_code"),
        phone: form.opt("phone"),
    };
    let result = accounts::create_station(&state.db, &user, &input).await;
    after_create(&state, &session, &user, form, result, "工作站").await
}

pub async fn create_provider(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let input = ProviderInput {
        name: form.get("provider_name").to_owned(),
        email: form.get("provider_email").to_owned(),
    };
    let result = accounts::create_provider(&state.db, &user, &input).await;
    after_create(&state, &session, &user, form, result, "培训机构").await
}

pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Admin])?;
    let mut errors = FieldErrors::new();
    let org = form.int("org_id", &mut errors);
    let role = form.get("role").to_owned();
    let input = UserInput {
        email: form.get("user_email").to_owned(),
        password: form.get("user_password").to_owned(),
        display_name: form.opt("display_name"),
        employer_id: if role == "employer" { org } else { None },
        station_id: if role == "station" { org } else { None },
        provider_id: if role == "trainer" { org } else { None },
        role,
    };
    let result = if errors.is_empty() {
        accounts::create_user(&state.db, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    after_create(&state, &session, &user, form, result, "账号").await
}

/// Marks a station login head (站长) or not: `head=1` or `head=0`.
pub async fn set_head(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let head = match form.get("head") {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    };
    let r = escalation::set_head(&state, &user, id, head)
        .await
        .map(|l| {
            let name = if l.display_name.is_empty() {
                l.email.unwrap_or_default()
            } else {
                l.display_name
            };
            if l.is_head {
                format!("已将{name}设为站长。")
            } else {
                format!("已取消{name}的站长标记。")
            }
        });
    super::outcome(&session, r, "/admin").await
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<AuditEntry>,
    f: FormData,
    pager: super::pager::Pager,
    actions: &'static [AuditAction],
}

pub async fn audit(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    user.require(&[Role::Admin])?;
    let text = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let num = |k: &str| text(k).and_then(|v| v.parse::<i64>().ok());
    let filter = AuditFilter {
        user_id: num("user_id"),
        action: text("action"),
        subject_type: text("subject_type"),
        subject_id: num("subject_id"),
    };
    let per_page = 50;
    let asked = crate::domain::values::page_of(q.get("page").map(String::as_str));
    let (entries, total, page) =
        admin_svc::audit_log(&state, &user, &filter, asked, per_page).await?;
    let keep: Vec<(&str, &str)> = ["user_id", "action", "subject_type", "subject_id"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str())))
        .collect();
    let pager = super::pager::Pager::new("/admin/audit", &keep, page, total, per_page);
    Ok(render(&AuditPage {
        layout: Layout::new("审计日志", &session, Some(&user)).await,
        entries,
        pager,
        actions: AuditAction::ALL,
        f: FormData(q),
    }))
}
