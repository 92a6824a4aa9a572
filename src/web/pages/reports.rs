//! Reports, dashboards, exports, the ledger upload and the data-quality list.

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{Layout, PageResult, PageUser, render};
use crate::auth::Role;
use crate::error::AppError;
use crate::service::import_jobs::{self, ImportJob, LineView};
use crate::service::imports;
use crate::service::reports::{self as svc, MonthlyReport, StoredFinding, XLSX};
use crate::state::AppState;
use crate::web::api::reports::MonthQuery;
use crate::web::extract::ApiQuery;

#[derive(askama::Template)]
#[template(path = "monthly.html")]
struct MonthlyPage {
    layout: Layout,
    r: MonthlyReport,
}

pub async fn monthly(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> PageResult<Response> {
    let r = svc::monthly(&state, &user, q.month()?).await?;
    Ok(render(&MonthlyPage {
        layout: Layout::new(&format!("{} 月报", r.month), &session, Some(&user)).await,
        r,
    }))
}

pub(super) fn attachment(bytes: Vec<u8>, name: &str, content_type: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /reports/monthly.xlsx?month=YYYY-MM` (admin); an API token works too, and a visitor
/// who is not logged in is sent to the login page like on every other page.
pub async fn monthly_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> PageResult<Response> {
    let month = q.month()?;
    let bytes = svc::monthly_xlsx(&state, &user, month).await?;
    Ok(attachment(
        bytes,
        &format!("laowu-monthly-{month}.xlsx"),
        XLSX,
    ))
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    charts: Vec<String>,
    findings: Vec<StoredFinding>,
    scope: String,
}

/// The dashboard: the admin sees everything, a station its own workers.
pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    let d = svc::dashboard(&state, &user).await?;
    Ok(render(&DashboardPage {
        layout: Layout::new("工作台", &session, Some(&user)).await,
        charts: d.charts,
        findings: d.findings,
        scope: d.scope.to_owned(),
    }))
}

/// Exports a list as xlsx or csv, written to the audit log.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(file): Path<String>,
) -> PageResult<Response> {
    let (what, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let d = svc::export(&state, &user, what, ext).await?;
    Ok(attachment(d.bytes, &d.name, d.content_type))
}

#[derive(askama::Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    error: Option<String>,
    /// The station's job still queued or running.
    active_job: Option<i64>,
}

pub async fn import_page(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let active_job = import_jobs::active(&state, &user).await?;
    Ok(render(&ImportPage {
        layout: Layout::new("导入台账", &session, Some(&user)).await,
        error: None,
        active_job,
    }))
}

/// Largest ledger upload accepted.
pub const MAX_UPLOAD: usize = 50 * 1024 * 1024;

/// Stores the upload as an import job and sends the browser to the job's page at once; a
/// second upload while the station's job runs is 409 with the page saying so.
pub async fn import_upload(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    mut multipart: Multipart,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("ledger.xlsx").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    let (status, error) = match import_jobs::upload(&state, &user, &name, bytes).await {
        Ok(id) => return Ok(Redirect::to(&format!("/station/imports/jobs/{id}")).into_response()),
        Err(e @ AppError::Conflict { .. }) => (StatusCode::CONFLICT, e.to_string()),
        Err(AppError::Validation(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e.summary()),
        Err(e) => return Err(e.into()),
    };
    let active_job = import_jobs::active(&state, &user).await?;
    let page = ImportPage {
        layout: Layout::new("导入台账", &session, Some(&user)).await,
        error: Some(error),
        active_job,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(askama::Template)]
#[template(path = "import_job.html")]
struct ImportJobPage {
    layout: Layout,
    job: ImportJob,
    lines: Vec<LineView>,
}

/// An import job: its progress while it runs (the page refreshes itself every 2 s, no script
/// needed), then the summary, the ignored columns and the first lines of the report.
pub async fn import_job(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let job = import_jobs::get(&state, &user, id).await?;
    let lines = import_jobs::first_lines(&state, &job).await;
    Ok(render(&ImportJobPage {
        layout: Layout::new("台账导入任务", &session, Some(&user)).await,
        job,
        lines,
    }))
}

/// Downloads an import's report of rejected rows and warnings.
pub async fn import_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(file): Path<String>,
) -> PageResult<Response> {
    let bytes = imports::report_file(&state, &user, &file).await?;
    Ok(attachment(
        bytes,
        "rejected-rows.csv",
        "text/csv; charset=utf-8",
    ))
}
