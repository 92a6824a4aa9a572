//! The figures and lists people take away: the monthly report (page, JSON, workbook), the
//! dashboard, exports of lists, and the data-quality findings. Each checks who asks and writes
//! every export to the audit log.

use crate::auth::{CurrentUser, Role};
use crate::db::audit;
use crate::error::{AppError, AppResult};
use crate::reports::{self, charts};
use crate::service::policy::{self, ExportScope, ReportScope};
use crate::state::AppState;

pub use crate::quality::StoredFinding;
pub use crate::reports::{Month, MonthlyReport};

/// The month's figures and the year to date: the admin's of everyone, a sending station's of
/// its own county ([`policy::report_scope`]).
pub async fn monthly(
    state: &AppState,
    actor: &CurrentUser,
    month: Month,
) -> AppResult<MonthlyReport> {
    let station = match actor.station_id {
        Some(id) if actor.is(Role::Station) => crate::db::stations::get(&state.db, id).await?,
        _ => None,
    };
    let scope = policy::report_scope(
        actor.role,
        station.as_ref().map(|s| s.side.as_str()),
        station.as_ref().and_then(|s| s.county_code.as_deref()),
    )
    .ok_or(AppError::Forbidden)?;
    let county = match &scope {
        ReportScope::Everyone => None,
        ReportScope::County(c) => Some(c.as_str()),
    };
    Ok(reports::monthly(&state.db, month, county).await?)
}

/// The monthly figures as a workbook (who reads the report, of the same people; audited).
pub async fn monthly_xlsx(
    state: &AppState,
    actor: &CurrentUser,
    month: Month,
) -> AppResult<Vec<u8>> {
    let r = monthly(state, actor, month).await?;
    let bytes = reports::xlsx::workbook(&r)?;
    audit::record(
        &state.db,
        actor.by(),
        "export_report",
        "report",
        None,
        &format!("月报 {month}"),
    )
    .await?;
    Ok(bytes)
}

/// What the dashboard shows: its charts (SVG) and the data-quality findings.
pub struct Dashboard {
    pub charts: Vec<String>,
    pub findings: Vec<StoredFinding>,
    /// 全区 or 本工作站
    pub scope: &'static str,
}

/// The dashboard: the admin sees everything, a station its own workers.
pub async fn dashboard(state: &AppState, actor: &CurrentUser) -> AppResult<Dashboard> {
    let station = match policy::export_scope(actor).ok_or(AppError::Forbidden)? {
        ExportScope::Everyone => None,
        ExportScope::Station(s) => Some(s),
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
    Ok(Dashboard {
        charts,
        findings,
        scope: if station.is_some() {
            "本工作站"
        } else {
            "全区"
        },
    })
}

/// A file to download.
pub struct Download {
    pub bytes: Vec<u8>,
    pub name: String,
    pub content_type: &'static str,
}

/// The content type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Exports a list (`workers`, `vacancies`, `placements`) as `xlsx` or `csv`: the admin
/// everything, a station its own caseload. Written to the audit log.
pub async fn export(
    state: &AppState,
    actor: &CurrentUser,
    what: &str,
    ext: &str,
) -> AppResult<Download> {
    if !matches!(ext, "xlsx" | "csv") {
        return Err(AppError::NotFound);
    }
    let station = match policy::export_scope(actor).ok_or(AppError::Forbidden)? {
        ExportScope::Everyone => None,
        ExportScope::Station(s) => Some(s),
    };
    let table = reports::export_table(&state.db, station, what)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &state.db,
        actor.by(),
        "export",
        what,
        None,
        &format!("导出{}（{}行，{ext}）", table.title, table.rows.len()),
    )
    .await?;
    let name = format!("laowu-{what}.{ext}");
    Ok(if ext == "csv" {
        Download {
            bytes: table.to_csv()?,
            name,
            content_type: "text/csv; charset=utf-8",
        }
    } else {
        Download {
            bytes: table.to_xlsx()?,
            name,
            content_type: XLSX,
        }
    })
}
