//! Following placed workers until the job holds: follow-ups, cases, leaving, retention and the
//! travel subsidy list.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::placements::{self, FollowUpRecord};
pub use crate::db::placements::{
    CaseRow, CaseView, FollowUpRow, FollowUpView, PlacementRow, Scope,
};
use crate::db::workers::{self, DailyLimit};
use crate::domain::employer::text_field;
use crate::domain::status::{ContactMethod, Escalation, ProblemKind};
use crate::domain::today;
use crate::domain::values::{check_wage, fmt_date, parse_date};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::escalation;
use crate::service::policy::{self, PlacementAccess, WorkerTie};
use crate::state::AppState;

/// Contact methods: code and label (from [`ContactMethod`]).
pub const METHODS: [(&str, &str); 3] = {
    use ContactMethod as M;
    [
        pair(M::Visit.as_str(), M::Visit.label()),
        pair(M::Phone.as_str(), M::Phone.label()),
        pair(M::Wechat.as_str(), M::Wechat.label()),
    ]
};

/// Problems a follow-up can raise: code and label (from [`ProblemKind`]).
pub const PROBLEMS: [(&str, &str); 6] = {
    use ProblemKind as P;
    const fn p(k: P) -> (&'static str, &'static str) {
        (k.as_str(), k.label())
    }
    [
        p(P::WageArrears),
        p(P::Injury),
        p(P::Dispute),
        p(P::Schooling),
        p(P::Housing),
        p(P::Other),
    ]
};

const fn pair(code: &'static str, label: &'static str) -> (&'static str, &'static str) {
    (code, label)
}

/// Label of a code in one of the lists above (the code itself when unknown).
pub fn label(list: &[(&str, &'static str)], code: &str) -> String {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, l)| (*l).to_owned())
}

fn code_of(list: &[(&'static str, &'static str)], input: &str) -> Option<&'static str> {
    let input = input.trim();
    list.iter()
        .find(|(c, l)| *c == input || *l == input)
        .map(|(c, _)| *c)
}

/// Whether a user may see and act on a placement's follow-ups.
/// ([`policy::may_follow`]: the station that owns the follow-up, the worker's own station, a
/// receiving station in whose district the worker works, the admin.)
pub async fn may_follow(
    state: &AppState,
    actor: &CurrentUser,
    station_id: Option<i64>,
    worker_id: i64,
) -> AppResult<bool> {
    let owns = actor.station_id.is_some() && station_id == actor.station_id;
    if owns || !actor.is(Role::Station) {
        return Ok(policy::may_follow(actor.role, WorkerTie::None, owns));
    }
    let Some(w) = workers::get(&state.db, worker_id).await? else {
        return Ok(false);
    };
    let tie = crate::service::workers::tie(state, actor, &w).await?;
    Ok(policy::may_follow(actor.role, tie, owns))
}

/// A placement with its follow-ups and cases, for those who may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementView {
    #[serde(flatten)]
    pub placement: PlacementRow,
    pub follow_ups: Vec<FollowUpRow>,
    pub cases: Vec<CaseRow>,
}

pub async fn placement(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<PlacementView> {
    let p = placements::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let worker = workers::get(&state.db, p.worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tie = crate::service::workers::tie(state, actor, &worker).await?;
    let owns = actor.station_id.is_some() && p.station_id == actor.station_id;
    let own_employer = actor.employer_id.is_some() && actor.employer_id == p.employer_id;
    match policy::placement_access(actor.role, tie, owns, own_employer) {
        PlacementAccess::None => Err(AppError::Forbidden),
        // the enterprise and the worker: the placement and its dates, no notes, no cases
        PlacementAccess::DatesOnly => Ok(PlacementView {
            follow_ups: placements::follow_ups_of(&state.db, id)
                .await?
                .into_iter()
                .map(FollowUpRow::dates_only)
                .collect(),
            cases: Vec::new(),
            // (a reason for leaving may be what an officer wrote at a follow-up)
            placement: PlacementRow {
                left_reason: None,
                ..p
            },
        }),
        PlacementAccess::Full => {
            // stations and the admin: each late visit and quiet case with its level
            let t = today();
            let mut follow_ups = placements::follow_ups_of(&state.db, id).await?;
            follow_ups
                .iter_mut()
                .for_each(|f| escalation::mark_follow_up(f, t));
            let mut cases = placements::cases_of_placement(&state.db, id).await?;
            cases.iter_mut().for_each(|c| escalation::mark_case(c, t));
            Ok(PlacementView {
                follow_ups,
                cases,
                placement: p,
            })
        }
    }
}

/// One follow-up, for those who may record it.
pub async fn follow_up(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<FollowUpRow> {
    let f = placements::follow_up(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_follow(state, actor, f.station_id, f.worker_id).await? {
        return Err(AppError::Forbidden);
    }
    Ok(f)
}

/// Follow-ups of one view: a station's own (and, for a receiving station, those of the
/// placements in its district), or (admin) everyone's.
pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    view: FollowUpView,
) -> AppResult<Vec<FollowUpRow>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let scope = escalation::scope_of(state, actor).await?;
    list_on(state, &scope, view, today()).await
}

/// Page `asked` of the recorded follow-ups (newest first), read page by page.
pub async fn done_page(
    state: &AppState,
    actor: &CurrentUser,
    asked: i64,
    per_page: i64,
) -> AppResult<crate::service::Paged<FollowUpRow>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let scope = escalation::scope_of(state, actor).await?;
    let t = fmt_date(today());
    let view = FollowUpView::Done;
    let total = placements::count_follow_ups(&state.db, &scope, view, &t, &t).await?;
    let (page, offset) = crate::service::page_window(asked, total, per_page);
    let rows =
        placements::follow_ups_page(&state.db, &scope, view, &t, &t, per_page, offset).await?;
    Ok(crate::service::Paged { rows, total, page })
}

pub use crate::domain::status::{BUREAU_AFTER_DAYS, HEAD_AFTER_DAYS};

/// The escalation of a pending follow-up due on `due` as of `today` (the clock is a
/// parameter): `head` from 7 days overdue, `bureau` from 14.
pub fn escalation(due: time::Date, today: time::Date) -> Option<&'static str> {
    Escalation::after((today - due).whole_days()).map(Escalation::as_str)
}

/// The list as of `t` (injectable for tests), each late row with its days overdue and
/// escalation.
pub async fn list_on(
    state: &AppState,
    scope: &Scope,
    view: FollowUpView,
    t: time::Date,
) -> AppResult<Vec<FollowUpRow>> {
    let second = if view == FollowUpView::Escalated {
        t - time::Duration::days(BUREAU_AFTER_DAYS)
    } else {
        t + time::Duration::days(7)
    };
    let mut rows =
        placements::follow_ups(&state.db, scope, view, &fmt_date(t), &fmt_date(second)).await?;
    for r in &mut rows {
        escalation::mark_follow_up(r, t);
    }
    Ok(rows)
}

#[cfg(test)]
mod escalation_tests {
    use super::*;

    #[test]
    fn seven_days_reach_the_head_and_fourteen_the_bureau() {
        let due = time::macros::date!(2026 - 11 - 01);
        let on = |d: i64| escalation(due, due + time::Duration::days(d));
        assert_eq!(on(-3), None);
        assert_eq!(on(0), None);
        assert_eq!(on(6), None);
        assert_eq!(on(7), Some("head"));
        assert_eq!(on(13), Some("head"));
        assert_eq!(on(14), Some("bureau"));
        assert_eq!(on(90), Some("bureau"));
    }
}

/// What a follow-up records.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FollowUpInput {
    /// visit / phone / wechat (上门 / 电话 / 微信)
    pub method: String,
    pub still_employed: Option<bool>,
    pub wage_paid_on_time: Option<bool>,
    pub monthly_wage: Option<i64>,
    /// wage_arrears / injury / dispute / schooling / housing / other (欠薪 …), or empty
    pub problem: Option<String>,
    pub note: Option<String>,
    /// Why the worker left, when no longer employed
    pub left_reason: Option<String>,
}

/// Records a follow-up: a problem opens a case; a worker who left ends the placement and
/// goes back to seeking work.
pub async fn complete(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    input: &FollowUpInput,
) -> AppResult<FollowUpRow> {
    let f = placements::follow_up(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_follow(state, actor, f.station_id, f.worker_id).await? {
        return Err(AppError::Forbidden);
    }
    if f.status != "pending" {
        return Err(AppError::conflict("id", "这次回访已经登记过了"));
    }
    let mut e = FieldErrors::new();
    let method = code_of(&METHODS, &input.method);
    if method.is_none() {
        e.add("method", "请选择回访方式：上门、电话或微信");
    }
    let still = input.still_employed;
    if still.is_none() {
        e.add("still_employed", "请填写是否仍在岗");
    }
    let wage = match input.monthly_wage {
        Some(w) => e.take("monthly_wage", check_wage(w)),
        None => None,
    };
    let problem = match input.problem.as_deref().map(str::trim) {
        None | Some("" | "none" | "无") => None,
        Some(p) => match code_of(&PROBLEMS, p) {
            Some(c) => Some(c),
            None => {
                e.add(
                    "problem",
                    "问题应为：欠薪、工伤、劳动纠纷、子女入学、住宿或其他",
                );
                None
            }
        },
    };
    let note = e
        .take(
            "note",
            text_field(input.note.as_deref().unwrap_or(""), 0, 1000, "备注"),
        )
        .unwrap_or_default();
    let left_reason = input
        .left_reason
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    if still == Some(false) && left_reason.is_empty() && note.is_empty() {
        e.add("left_reason", "已离岗的，请填写离岗原因");
    }
    if problem == Some("other") && note.is_empty() {
        e.add("note", "问题选“其他”时请说明");
    }
    let (Some(method), Some(still)) = (method, still) else {
        return Err(AppError::Validation(e));
    };
    e.check()?;
    let today_s = fmt_date(today());
    let mut tx = state.db.begin().await?;
    let record = FollowUpRecord {
        done_on: &today_s,
        method,
        still_employed: still,
        wage_paid_on_time: input.wage_paid_on_time,
        monthly_wage: wage,
        problem,
        note: &note,
        by: actor.id,
    };
    if !placements::complete_follow_up(&mut tx, &f, &record).await? {
        return Err(AppError::conflict("id", "这次回访已经登记过了"));
    }
    if !still {
        let reason = if left_reason.is_empty() {
            note.clone()
        } else {
            left_reason
        };
        // already ended (a leaving recorded at the same time) is fine: the visit stands
        placements::end(&mut tx, f.placement_id, f.worker_id, &reason, &today_s).await?;
    }
    tx.commit().await?;
    state.search.nudge();
    tracing::info!(follow_up.id = id, still, problem = ?problem, "follow-up recorded");
    placements::follow_up(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records that a worker left outside a scheduled follow-up.
pub async fn leave(
    state: &AppState,
    actor: &CurrentUser,
    placement_id: i64,
    reason: &str,
) -> AppResult<()> {
    let p = placements::get(&state.db, placement_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_follow(state, actor, p.station_id, p.worker_id).await? {
        return Err(AppError::Forbidden);
    }
    if p.status != "active" {
        return Err(AppError::conflict("status", "该就业记录已经结束"));
    }
    let reason =
        text_field(reason, 1, 500, "离岗原因").map_err(|m| AppError::invalid("left_reason", m))?;
    let mut tx = state.db.begin().await?;
    if !placements::end(
        &mut tx,
        placement_id,
        p.worker_id,
        &reason,
        &fmt_date(today()),
    )
    .await?
    {
        return Err(AppError::conflict("status", "该就业记录已经结束"));
    }
    tx.commit().await?;
    state.search.nudge();
    Ok(())
}

/// Cases of a station (with, for a receiving station, those of the placements in its
/// district), or all for the admin; each open one with its days without action and level.
pub async fn cases(
    state: &AppState,
    actor: &CurrentUser,
    view: CaseView,
) -> AppResult<Vec<CaseRow>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let scope = escalation::scope_of(state, actor).await?;
    let t = today();
    let mut rows = placements::cases(&state.db, &scope, &view).await?;
    for c in &mut rows {
        escalation::mark_case(c, t);
    }
    Ok(rows)
}

/// Page `asked` of the resolved cases (newest first), read page by page; in the scope of
/// [`cases`].
pub async fn resolved_page(
    state: &AppState,
    actor: &CurrentUser,
    asked: i64,
    per_page: i64,
) -> AppResult<crate::service::Paged<CaseRow>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let scope = escalation::scope_of(state, actor).await?;
    let view = CaseView::Resolved;
    let total = placements::count_cases(&state.db, &scope, &view).await?;
    let (page, offset) = crate::service::page_window(asked, total, per_page);
    let rows = placements::cases_page(&state.db, &scope, &view, per_page, offset).await?;
    Ok(crate::service::Paged { rows, total, page })
}

/// Records how a case was resolved.
pub async fn resolve_case(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    resolution: &str,
) -> AppResult<CaseRow> {
    let c = placements::case(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_follow(state, actor, c.station_id, c.worker_id).await? {
        return Err(AppError::Forbidden);
    }
    let resolution = text_field(resolution, 2, 1000, "处理结果")
        .map_err(|m| AppError::invalid("resolution", m))?;
    if !placements::resolve_case(&state.db, id, &resolution, &fmt_date(today()), actor.id).await? {
        return Err(AppError::conflict("id", "这个问题已经办结"));
    }
    placements::case(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Retention of a group of placements.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct Retention {
    pub name: String,
    pub placements: i64,
    pub active: i64,
    /// placements 3 months old or more
    pub due_3m: i64,
    /// of those, confirmed still employed by the 90-day follow-up
    pub held_3m: i64,
    pub due_6m: i64,
    pub held_6m: i64,
}

impl Retention {
    pub fn rate_3m(&self) -> String {
        rate(self.held_3m, self.due_3m)
    }

    pub fn rate_6m(&self) -> String {
        rate(self.held_6m, self.due_6m)
    }
}

fn rate(n: i64, d: i64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / d as f64)
    }
}

/// One worker eligible for the cross-province travel subsidy this year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubsidyRow {
    pub worker_id: i64,
    pub worker_name: String,
    pub employer_name: String,
    pub start_date: String,
    pub confirmed_on: String,
    pub months_confirmed: i64,
}

/// Retention per station and per employer, and the travel subsidy list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionReport {
    pub total: Retention,
    pub by_station: Vec<Retention>,
    pub by_employer: Vec<Retention>,
    pub travel_subsidy: Vec<SubsidyRow>,
}

pub async fn retention(state: &AppState, actor: &CurrentUser) -> AppResult<RetentionReport> {
    actor.require(&[Role::Station, Role::Admin])?;
    let station = if actor.is(Role::Station) {
        Some(actor.station_id.unwrap_or(-1))
    } else {
        None
    };
    let all = placements::list(&state.db, station, None).await?;
    let station_names: std::collections::HashMap<i64, String> =
        crate::db::stations::list(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
    let today = today();
    let year = today.year();
    let mut total = Retention {
        name: "合计".into(),
        ..Default::default()
    };
    let mut by_station: Vec<Retention> = Vec::new();
    let mut by_employer: Vec<Retention> = Vec::new();
    let mut subsidy: Vec<SubsidyRow> = Vec::new();
    for p in &all {
        let follow = placements::follow_ups_of(&state.db, p.id).await?;
        let held = |days: i64| {
            follow.iter().any(|f| {
                f.day_offset == days && f.status == "done" && f.still_employed == Some(true)
            })
        };
        let start = parse_date(&p.start_date).unwrap_or(today);
        let age = (today - start).whole_days();
        let add = |r: &mut Retention| {
            r.placements += 1;
            r.active += i64::from(p.status == "active");
            if age >= 90 {
                r.due_3m += 1;
                r.held_3m += i64::from(held(90));
            }
            if age >= 180 {
                r.due_6m += 1;
                r.held_6m += i64::from(held(180));
            }
        };
        add(&mut total);
        let sname = p
            .station_id
            .and_then(|s| station_names.get(&s).cloned())
            .unwrap_or_else(|| "未分配工作站".into());
        match by_station.iter_mut().find(|r| r.name == sname) {
            Some(r) => add(r),
            None => {
                let mut r = Retention {
                    name: sname,
                    ..Default::default()
                };
                add(&mut r);
                by_station.push(r);
            }
        }
        match by_employer.iter_mut().find(|r| r.name == p.employer_name) {
            Some(r) => add(r),
            None => {
                let mut r = Retention {
                    name: p.employer_name.clone(),
                    ..Default::default()
                };
                add(&mut r);
                by_employer.push(r);
            }
        }
        // the subsidy rule: 脱贫劳动力 or 监测对象, working outside the home province, and
        // confirmed at work for 3+ months this year
        if p.outside_home_province() && p.poverty_or_monitored {
            let confirmed = follow
                .iter()
                .filter(|f| f.day_offset >= 90 && f.still_employed == Some(true))
                .filter_map(|f| f.done_on.clone().map(|d| (f.day_offset, d)))
                .max();
            if let Some((days, on)) = confirmed {
                let this_year = parse_date(&on).is_ok_and(|d| d.year() == year);
                if this_year && !subsidy.iter().any(|s| s.worker_id == p.worker_id) {
                    subsidy.push(SubsidyRow {
                        worker_id: p.worker_id,
                        worker_name: p.worker_name.clone(),
                        employer_name: p.employer_name.clone(),
                        start_date: p.start_date.clone(),
                        confirmed_on: on,
                        months_confirmed: days / 30,
                    });
                }
            }
        }
    }
    Ok(RetentionReport {
        total,
        by_station,
        by_employer,
        travel_subsidy: subsidy,
    })
}

pub use crate::service::found::{FoundJobInput, record_found_job};

/// Problems a worker may report in a day (each opens a case and sends an SMS).
pub const PROBLEMS_PER_DAY: i64 = 5;
/// The longest description of a reported problem, in characters.
pub const PROBLEM_TEXT_MAX: usize = 500;

/// A problem the worker reports from `/me`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProblemInput {
    /// 欠薪, 工伤, 劳动纠纷, 住宿, 子女入学, 其他 (or its code)
    pub problem: String,
    pub description: String,
}

/// The worker reports a problem at their current job: a case opens at once on their
/// station's list, and the worker gets an SMS with the station's phone.
pub async fn report_problem(
    state: &AppState,
    actor: &CurrentUser,
    input: &ProblemInput,
) -> AppResult<i64> {
    actor.require(&[Role::Worker])?;
    let worker_id = actor.worker_id.ok_or(AppError::Forbidden)?;
    let mut e = FieldErrors::new();
    let problem = code_of(&PROBLEMS, input.problem.trim());
    if problem.is_none() {
        e.add(
            "problem",
            "请选择问题：欠薪、工伤、劳动纠纷、住宿、子女入学或其他",
        );
    }
    let description = input.description.trim().replace('\r', "");
    if description.chars().count() > PROBLEM_TEXT_MAX {
        e.add(
            "description",
            format!("说明最多{PROBLEM_TEXT_MAX}个字，请简要说明"),
        );
    }
    if problem == Some("other") && description.is_empty() {
        e.add("description", "选“其他”时请简单说明");
    }
    let placement = placements::of_worker(&state.db, worker_id)
        .await?
        .into_iter()
        .rev()
        .find(|p| p.status == "active");
    if placement.is_none() {
        e.add("problem", "你目前没有在岗记录，请直接联系工作站");
    }
    e.check()?;
    let (Some(problem), Some(p)) = (problem, placement) else {
        return Err(AppError::invalid("problem", "请选择问题"));
    };
    let today_s = fmt_date(today());
    let mut tx = state.db.begin().await?;
    // the day's count and the case are one step: the slot is taken in the case's transaction
    if !workers::take_daily_slot(
        &mut tx,
        worker_id,
        DailyLimit::Problem,
        &today_s,
        PROBLEMS_PER_DAY,
    )
    .await?
    {
        tracing::info!(worker.id = worker_id, "problem reports throttled");
        return Err(AppError::Limited {
            field: "problem".into(),
            message: format!(
                "今天已反映{PROBLEMS_PER_DAY}次问题，工作站会逐一联系你；急事请直接打工作站电话"
            ),
            retry_after_secs: 3600,
        });
    }
    let id = placements::open_case(
        &mut tx,
        p.id,
        worker_id,
        p.station_id,
        problem,
        &description,
        &today_s,
    )
    .await?;
    crate::service::messages::problem_reported(
        &mut tx,
        worker_id,
        p.station_id,
        &label(&PROBLEMS, problem),
    )
    .await?;
    tx.commit().await?;
    state.sms.nudge();
    tracing::info!(
        case.id = id,
        placement.id = p.id,
        "worker reported a problem"
    );
    Ok(id)
}
