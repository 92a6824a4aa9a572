//! Reports, dashboards, exports, the ledger upload and the data-quality list.

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::{Layout, PageResult, PageUser, render};
use crate::auth::Role;
use crate::db::audit;
use crate::error::AppError;
use crate::quality::StoredFinding;
use crate::reports::{self, MonthlyReport, charts};
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
    user.require(&[Role::Admin])?;
    let r = reports::monthly(&state.db, q.month()?).await?;
    Ok(render(&MonthlyPage {
        layout: Layout::new(&format!("{} 月报", r.month), &session, Some(&user)).await,
        r,
    }))
}

fn attachment(bytes: Vec<u8>, name: &str, content_type: &'static str) -> Response {
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

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /reports/monthly.xlsx?month=YYYY-MM` (admin); an API token works too, and a visitor
/// who is not logged in is sent to the login page like on every other page.
pub async fn monthly_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> PageResult<Response> {
    user.require(&[Role::Admin])?;
    let month = q.month()?;
    let r = reports::monthly(&state.db, month).await?;
    let bytes = reports::xlsx::workbook(&r)?;
    audit::record(
        &state.db,
        &user,
        "export_report",
        "report",
        None,
        &format!("月报 {month}"),
    )
    .await?;
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
    user.require(&[Role::Admin, Role::Station])?;
    let station = if user.is(Role::Station) {
        Some(user.station_id.unwrap_or(-1))
    } else {
        None
    };
    let data = reports::dashboard_data(&state.db, station).await?;
    let charts = vec![
        charts::line(
            "每月上岗人次（近12个月）",
            &data.placements_by_month,
            None,
            "",
        ),
        charts::bars(
            "登记人数（按户籍乡镇）",
            &data.registrations_by_township,
            "人",
        ),
        charts::line(
            "稳岗曲线（回访确认在岗）",
            &data.retention_curve,
            Some(100.0),
            "%",
        ),
        charts::bars("培训漏斗（全部培训工程）", &data.training_funnel, "人"),
    ];
    let mut findings = crate::quality::findings(&state.db, station).await?;
    findings.truncate(100);
    Ok(render(&DashboardPage {
        layout: Layout::new("工作台", &session, Some(&user)).await,
        charts,
        findings,
        scope: if station.is_some() {
            "本工作站".into()
        } else {
            "全区".into()
        },
    }))
}

/// Exports a list as xlsx or csv, written to the audit log.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(file): Path<String>,
) -> PageResult<Response> {
    let (what, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    if !matches!(ext, "xlsx" | "csv") {
        return Err(AppError::NotFound.into());
    }
    let table = reports::export_table(&state.db, &user, what).await?;
    audit::record(
        &state.db,
        &user,
        "export",
        what,
        None,
        &format!("导出{}（{}行，{ext}）", table.title, table.rows.len()),
    )
    .await?;
    let name = format!("laowu-{what}.{ext}");
    Ok(if ext == "csv" {
        attachment(table.to_csv()?, &name, "text/csv; charset=utf-8")
    } else {
        attachment(table.to_xlsx()?, &name, XLSX)
    })
}

#[derive(askama::Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    summary: Option<String>,
    ignored: Vec<String>,
    report_link: Option<String>,
    lines: Vec<crate::import::ReportLine>,
    error: Option<String>,
}

pub async fn import_page(session: Session, PageUser(user): PageUser) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    Ok(render(&ImportPage {
        layout: Layout::new("导入台账", &session, Some(&user)).await,
        summary: None,
        ignored: Vec::new(),
        report_link: None,
        lines: Vec::new(),
        error: None,
    }))
}

/// Largest ledger upload accepted.
pub const MAX_UPLOAD: usize = 50 * 1024 * 1024;

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
    let layout = Layout::new("导入台账", &session, Some(&user)).await;
    let page = |summary, ignored, report_link, lines, error| ImportPage {
        layout,
        summary,
        ignored,
        report_link,
        lines,
        error,
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(render(&page(
            None,
            Vec::new(),
            None,
            Vec::new(),
            Some("请选择要上传的台账文件".into()),
        )));
    };
    let rows = match crate::import::table::read_blocking(name, bytes).await {
        Ok(r) => r,
        Err(e) => {
            let html = render(&page(
                None,
                Vec::new(),
                None,
                Vec::new(),
                Some(format!("{e:#}")),
            ));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let opts = crate::import::ImportOptions {
        station_id: user.station_id,
        by: user.display_name.clone(),
        created_by: Some(user.id),
    };
    let report = match crate::import::import(&state.db, rows, &opts, None).await {
        Ok(r) => r,
        Err(e) => {
            return Ok(render(&page(
                None,
                Vec::new(),
                None,
                Vec::new(),
                Some(format!("{e:#}")),
            )));
        }
    };
    state.search.nudge();
    audit::record(
        &state.db,
        &user,
        "import_ledger",
        "worker",
        None,
        &report.summary(),
    )
    .await?;
    let link = if report.lines.is_empty() {
        None
    } else {
        let dir = state.config.data_dir.join("imports");
        std::fs::create_dir_all(&dir).map_err(anyhow::Error::from)?;
        let id = format!(
            "{}-{}",
            user.station_id.unwrap_or(0),
            uuid::Uuid::new_v4().simple()
        );
        std::fs::write(dir.join(format!("{id}.csv")), report.to_csv()?)
            .map_err(anyhow::Error::from)?;
        Some(format!("/station/imports/{id}.csv"))
    };
    let mut lines = report.lines.clone();
    lines.truncate(200);
    Ok(render(&page(
        Some(report.summary()),
        report.ignored_columns.clone(),
        link,
        lines,
        None,
    )))
}

/// Downloads an import's report of rejected rows and warnings.
pub async fn import_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(file): Path<String>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let id = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(AppError::NotFound.into());
    }
    let owner: i64 = id
        .split('-')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)?;
    if user.is(Role::Station) && user.station_id.unwrap_or(0) != owner {
        return Err(AppError::Forbidden.into());
    }
    let bytes = std::fs::read(
        state
            .config
            .data_dir
            .join("imports")
            .join(format!("{id}.csv")),
    )
    .map_err(|_| AppError::NotFound)?;
    Ok(attachment(
        bytes,
        "rejected-rows.csv",
        "text/csv; charset=utf-8",
    ))
}
