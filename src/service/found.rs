//! Jobs found without the platform (issue 16, point 5): a station records one for its worker
//! (`POST /api/v1/placements`, or the form on the worker's station page), or the worker tells
//! the platform on `/me` (我已找到工作) and their station confirms the report — which records
//! the same placement, with the same follow-ups — or declines it with a reason. The terms are
//! those of a hire ([`crate::domain::values::placement_start`], `placement_wage`). Also the
//! worker's view of their current job on `/me` (with the next follow-up's day).

use anyhow::Context;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::found_reports::{self, NewReport, ReportRow};
use crate::db::{placements, workers};
use crate::domain::employer::text_field;
use crate::domain::status::{FoundReportStatus, WorkerStatus};
use crate::domain::today;
use crate::domain::values::{fmt_date, placement_start, placement_wage};
use crate::domain::workplace::county_field;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::state::AppState;

/// A job found without the platform (`POST /api/v1/placements`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FoundJobInput {
    pub worker_id: Option<i64>,
    /// the employer's name as the worker gives it (2–60 characters, trimmed)
    pub employer_name: String,
    /// the workplace county: a GB/T 2260 county code (6 digits, e.g. 440403) or its name
    /// (e.g. 浙江省宁波市鄞州区)
    pub workplace_county: String,
    /// first day at work, `YYYY-MM-DD`, from 90 days ago to 180 days ahead
    pub start_date: String,
    /// monthly wage in yuan (500–200000)
    pub wage: Option<i64>,
    /// `self` (found alone) or `organised` (through an organised group)
    pub channel: String,
}

/// The job's terms, checked.
struct Terms {
    employer: String,
    county: String,
    start: time::Date,
    wage: Option<i64>,
    channel: &'static str,
}

fn channel_of(raw: &str) -> Option<&'static str> {
    match raw.trim() {
        "self" | "自主就业" => Some("self"),
        "organised" | "organized" | "有组织劳务输出" => Some("organised"),
        _ => None,
    }
}

/// Checks the terms every way of recording a found job shares; `wage_required`: a placement
/// needs a wage, a worker's report may leave it out.
fn terms(e: &mut FieldErrors, input: &FoundJobInput, wage_required: bool) -> Option<Terms> {
    let employer = e.take(
        "employer_name",
        text_field(&input.employer_name, 2, 60, "用工单位名称"),
    );
    let county = e.take("workplace_county", county_field(&input.workplace_county));
    let start = e.take(
        "start_date",
        placement_start(Some(&input.start_date), today()),
    );
    let wage = if input.wage.is_some() || wage_required {
        e.take("wage", placement_wage(input.wage)).map(Some)
    } else {
        Some(None)
    };
    let channel = channel_of(&input.channel);
    if channel.is_none() {
        e.add(
            "channel",
            "就业渠道应为 self（自主就业）或 organised（有组织输出）",
        );
    }
    Some(Terms {
        employer: employer?,
        county: county?,
        start: start?,
        wage: wage?,
        channel: channel?,
    })
}

/// Records a job a worker found without the platform: the same follow-ups as a hire, counted
/// in retention and in the assessment (its workplace county from `workplace_county`).
pub async fn record_found_job(
    state: &AppState,
    actor: &CurrentUser,
    input: &FoundJobInput,
) -> AppResult<i64> {
    actor.require(&[Role::Station, Role::Admin])?;
    let mut e = FieldErrors::new();
    let worker = match input.worker_id {
        None => {
            e.add("worker_id", "请指定务工人员");
            None
        }
        Some(id) => {
            let w = workers::get(&state.db, id).await?;
            if w.is_none() {
                e.add("worker_id", "没有这个务工人员");
            }
            w
        }
    };
    if let Some(w) = &worker {
        let tie = crate::service::workers::tie(state, actor, w).await?;
        if !policy::may_record_found_job(actor.role, tie) {
            return Err(AppError::Forbidden);
        }
    }
    let t = terms(&mut e, input, true);
    if let Some(w) = &worker
        && w.status == WorkerStatus::Placed.as_str()
    {
        e.add("worker_id", "该务工人员已有在岗记录，请先登记离岗");
    }
    e.check()?;
    let (Some(worker), Some(t)) = (worker, t) else {
        return Err(AppError::invalid("worker_id", "请检查填写的内容"));
    };
    let mut tx = state.db.begin().await?;
    let id = write(&mut tx, actor, &worker, &t).await?;
    tx.commit().await.context("committing a found job")?;
    state.search.nudge();
    crate::db::audit::record(
        &state.db,
        actor.by(),
        "record_found_job",
        "placement",
        Some(id),
        t.channel,
    )
    .await?;
    tracing::info!(
        placement.id = id,
        worker.id = worker.id,
        channel = t.channel,
        "job found without the platform recorded"
    );
    Ok(id)
}

/// Writes the placement in the caller's transaction (409 when the worker is at work).
async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &CurrentUser,
    worker: &workers::WorkerRow,
    t: &Terms,
) -> AppResult<i64> {
    let wage = t
        .wage
        .ok_or_else(|| AppError::invalid("wage", "请填写月薪"))?;
    placements::record_found(
        tx,
        &placements::NewFoundJob {
            worker_id: worker.id,
            employer_name: &t.employer,
            workplace_county: &t.county,
            station_id: worker.station_id.or(actor.station_id),
            start: t.start,
            wage,
            channel: t.channel,
            recorded_by: actor.id,
        },
    )
    .await
    .context("recording a found job")?
    .ok_or_else(|| AppError::conflict("worker_id", "该务工人员已有在岗记录，请先登记离岗"))
}

/// A worker's report of a job found (`/me` → 我已找到工作).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FoundReportInput {
    /// the employer's name (2–60 characters)
    pub employer_name: String,
    /// the workplace county: a code from the picker (e.g. 440403) or a place name
    pub workplace_county: String,
    /// first day at work, `YYYY-MM-DD`
    pub start_date: String,
    /// monthly wage in yuan, if the worker wants to say
    pub wage: Option<i64>,
    /// `self` or `organised`
    pub channel: String,
}

/// A report as its reader sees it.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct FoundReportView {
    #[serde(flatten)]
    pub row: ReportRow,
    /// the workplace county's name
    pub workplace: String,
    /// the state in Chinese
    pub status_label: String,
}

impl FoundReportView {
    fn of(row: ReportRow) -> Self {
        Self {
            workplace: crate::domain::workplace::county_label(&row.workplace_county),
            status_label: FoundReportStatus::label_of(&row.status).to_owned(),
            row,
        }
    }

    pub fn is_pending(&self) -> bool {
        self.row.status == FoundReportStatus::Pending.as_str()
    }

    pub fn channel_label(&self) -> &'static str {
        if self.row.channel == "self" {
            "自主就业"
        } else {
            "有组织输出"
        }
    }
}

/// The worker tells the platform they found a job: a pending report on their station's list.
pub async fn report(
    state: &AppState,
    actor: &CurrentUser,
    input: &FoundReportInput,
) -> AppResult<i64> {
    let worker_id = actor.worker_id.ok_or(AppError::Forbidden)?;
    let worker = workers::get(&state.db, worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tie = crate::service::workers::direct_tie(actor, &worker);
    if !policy::may_report_found_job(actor.role, tie) {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let t = terms(
        &mut e,
        &FoundJobInput {
            worker_id: Some(worker_id),
            employer_name: input.employer_name.clone(),
            workplace_county: input.workplace_county.clone(),
            start_date: input.start_date.clone(),
            wage: input.wage,
            channel: input.channel.clone(),
        },
        false,
    );
    if worker.status == WorkerStatus::Placed.as_str() {
        e.add(
            "employer_name",
            "你已有在岗记录；换了工作请先联系工作站登记离岗",
        );
    }
    e.check()?;
    let Some(t) = t else {
        return Err(AppError::invalid("employer_name", "请检查填写的内容"));
    };
    let id = found_reports::insert(
        &state.db,
        &NewReport {
            worker_id,
            station_id: worker.station_id,
            employer_name: &t.employer,
            workplace_county: &t.county,
            start_date: &fmt_date(t.start),
            wage: t.wage,
            channel: t.channel,
        },
    )
    .await
    .context("writing a found-job report")?
    .ok_or_else(|| {
        AppError::conflict(
            "employer_name",
            "你已经报告过一份工作，工作站确认之前不能再报告",
        )
    })?;
    tracing::info!(
        report.id = id,
        worker.id = worker_id,
        "worker reported a found job"
    );
    Ok(id)
}

/// The worker's own reports, newest first.
pub async fn mine(state: &AppState, actor: &CurrentUser) -> AppResult<Vec<FoundReportView>> {
    actor.require(&[Role::Worker])?;
    let worker_id = actor.worker_id.ok_or(AppError::Forbidden)?;
    Ok(found_reports::of_worker(&state.db, worker_id)
        .await?
        .into_iter()
        .map(FoundReportView::of)
        .collect())
}

/// The reports on a station's list (its own workers'), or everyone's for the admin; the
/// listing (worker names) is audited.
pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    status: Option<&str>,
) -> AppResult<Vec<FoundReportView>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            FoundReportStatus::parse(s)
                .ok_or_else(|| {
                    AppError::invalid("status", "状态应为 pending、confirmed 或 declined")
                })?
                .as_str(),
        ),
    };
    let station = if actor.is(Role::Admin) {
        None
    } else {
        Some(actor.station_id.ok_or(AppError::Forbidden)?)
    };
    let rows = found_reports::list(&state.db, station, status).await?;
    crate::db::audit::record(
        &state.db,
        actor.by(),
        "list_found_reports",
        "found_report",
        None,
        &format!("{} 条", rows.len()),
    )
    .await?;
    Ok(rows.into_iter().map(FoundReportView::of).collect())
}

/// Loads a report and checks that the actor may decide it.
async fn decidable(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<(ReportRow, workers::WorkerRow)> {
    actor.require(&[Role::Station, Role::Admin])?;
    let report = found_reports::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let worker = workers::get(&state.db, report.worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tie = crate::service::workers::direct_tie(actor, &worker);
    if !policy::may_decide_found_report(actor.role, tie) {
        return Err(AppError::Forbidden);
    }
    if report.status != FoundReportStatus::Pending.as_str() {
        return Err(AppError::conflict(
            "status",
            format!(
                "这份报告已处理（{}）",
                FoundReportStatus::label_of(&report.status)
            ),
        ));
    }
    Ok((report, worker))
}

/// The station confirms a worker's report: the self-found placement is recorded with its
/// follow-ups (the wage as reported, or `wage` when the station gives one), in one
/// transaction with the decision.
pub async fn confirm(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    wage: Option<i64>,
) -> AppResult<i64> {
    let (report, worker) = decidable(state, actor, id).await?;
    let mut e = FieldErrors::new();
    let t = terms(
        &mut e,
        &FoundJobInput {
            worker_id: Some(worker.id),
            employer_name: report.employer_name.clone(),
            workplace_county: report.workplace_county.clone(),
            start_date: report.start_date.clone(),
            wage: wage.or(report.wage),
            channel: report.channel.clone(),
        },
        true,
    );
    if worker.status == WorkerStatus::Placed.as_str() {
        e.add("worker_id", "该务工人员已有在岗记录，请先登记离岗");
    }
    e.check()?;
    let Some(t) = t else {
        return Err(AppError::invalid("wage", "请检查填写的内容"));
    };
    let mut tx = state.db.begin().await?;
    let placement = write(&mut tx, actor, &worker, &t).await?;
    if !found_reports::decide(
        &mut tx,
        id,
        FoundReportStatus::Confirmed.as_str(),
        None,
        Some(placement),
        actor.id,
    )
    .await
    .context("confirming a found-job report")?
    {
        return Err(AppError::conflict("status", "这份报告刚被别人处理，请刷新"));
    }
    tx.commit().await.context("committing a confirmed report")?;
    state.search.nudge();
    crate::db::audit::record(
        &state.db,
        actor.by(),
        "confirm_found_report",
        "placement",
        Some(placement),
        &format!("报告 {id}"),
    )
    .await?;
    tracing::info!(
        report.id = id,
        placement.id = placement,
        "found-job report confirmed"
    );
    Ok(placement)
}

/// The station declines a worker's report, with a reason the worker reads on `/me`.
pub async fn decline(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    reason: &str,
) -> AppResult<()> {
    decidable(state, actor, id).await?;
    let reason =
        text_field(reason, 2, 200, "不予确认的原因").map_err(|m| AppError::invalid("reason", m))?;
    let mut tx = state.db.begin().await?;
    if !found_reports::decide(
        &mut tx,
        id,
        FoundReportStatus::Declined.as_str(),
        Some(&reason),
        None,
        actor.id,
    )
    .await
    .context("declining a found-job report")?
    {
        return Err(AppError::conflict("status", "这份报告刚被别人处理，请刷新"));
    }
    tx.commit().await.context("committing a declined report")?;
    crate::db::audit::record(
        &state.db,
        actor.by(),
        "decline_found_report",
        "found_report",
        Some(id),
        "",
    )
    .await?;
    tracing::info!(report.id = id, "found-job report declined");
    Ok(())
}

/// The worker's current job, as `/me` shows it.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct CurrentJob {
    pub placement_id: i64,
    pub employer_name: String,
    /// '' for a job found without the platform
    pub job: String,
    /// the workplace county's name
    pub workplace: String,
    pub start_date: String,
    /// the day of the earliest follow-up still to come (China calendar day, `YYYY-MM-DD`)
    pub next_follow_up: Option<String>,
}

/// The worker's active placement, with the day of the next follow-up.
pub async fn current_job(state: &AppState, actor: &CurrentUser) -> AppResult<Option<CurrentJob>> {
    actor.require(&[Role::Worker])?;
    let worker_id = actor.worker_id.ok_or(AppError::Forbidden)?;
    let Some(p) = placements::of_worker(&state.db, worker_id)
        .await?
        .into_iter()
        .find(|p| p.status == crate::domain::status::PlacementStatus::Active.as_str())
    else {
        return Ok(None);
    };
    let next = placements::next_pending_follow_up(&state.db, p.id).await?;
    Ok(Some(CurrentJob {
        placement_id: p.id,
        workplace: crate::domain::workplace::county_label(if p.work_county.is_empty() {
            &p.town_code
        } else {
            &p.work_county
        }),
        employer_name: p.employer_name,
        job: p.vacancy_title,
        start_date: p.start_date,
        next_follow_up: next,
    }))
}
