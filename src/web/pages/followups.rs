//! The station officer's follow-up pages: the caseload of follow-ups, recording one, open
//! cases, retention; and one placement's page.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{FormData, Layout, PageResult, PageUser, flash, outcome, render};
use crate::error::{AppError, FieldErrors};
use crate::service::escalation::{self, Escalations};
use crate::service::followups::{
    self as follow, FollowUpInput, METHODS, PROBLEMS, PlacementView, RetentionReport, label,
};
use crate::service::followups::{CaseRow, CaseView, FollowUpRow, FollowUpView};
use crate::service::policy::EscalationList;
use crate::service::workers::WorkerContact;
use crate::state::AppState;

#[derive(askama::Template)]
#[template(path = "followups.html")]
struct FollowUpsPage {
    layout: Layout,
    overdue: Vec<FollowUpRow>,
    due: Vec<FollowUpRow>,
    done: Vec<FollowUpRow>,
    open_cases: usize,
    /// the officer's station: rows of another station's (a receiving station's district)
    /// say who owns them
    own_station: Option<i64>,
    /// the officer is the station's head: the page links the head's list
    is_head: bool,
    pager: super::pager::Pager,
}

pub async fn caseload(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::extract::Query(pq): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    let overdue = follow::list(&state, &user, FollowUpView::Overdue).await?;
    let due = follow::list(&state, &user, FollowUpView::Due).await?;
    // the records already made, 30 a page
    let per_page = 30;
    let done = follow::done_page(&state, &user, super::pager::page_param(&pq), per_page).await?;
    let pager =
        super::pager::Pager::new("/station/followups", &[], done.page, done.total, per_page);
    let done = done.rows;
    let open_cases = follow::cases(&state, &user, CaseView::Open).await?.len();
    let is_head = escalation::is_head(&state, &user).await?;
    Ok(render(&FollowUpsPage {
        layout: Layout::new("跟踪服务", &session, Some(&user)).await,
        overdue,
        pager,
        due,
        done,
        open_cases,
        own_station: user.station_id,
        is_head,
    }))
}

#[derive(askama::Template)]
#[template(path = "followup_form.html")]
struct FollowUpForm {
    layout: Layout,
    f: FollowUpRow,
    /// the worker's name, phone (tap to call) and record
    contact: Option<WorkerContact>,
    methods: Vec<(&'static str, &'static str)>,
    problems: Vec<(&'static str, &'static str)>,
    form: FormData,
    errors: FieldErrors,
    /// what went wrong that no field shows (the placement ended meanwhile)
    alert: Option<String>,
}

pub async fn form_page(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let f = follow::follow_up(&state, &user, id).await?;
    let contact = crate::service::workers::contact(&state, &user, f.worker_id).await?;
    Ok(render(&FollowUpForm {
        layout: Layout::new("登记回访", &session, Some(&user)).await,
        f,
        contact,
        methods: METHODS.to_vec(),
        problems: PROBLEMS.to_vec(),
        form: FormData::default(),
        errors: FieldErrors::new(),
        alert: None,
    }))
}

fn yes_no(form: &FormData, key: &str) -> Option<bool> {
    match form.get(key) {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

pub async fn record(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let input = FollowUpInput {
        method: form.get("method").to_owned(),
        still_employed: yes_no(&form, "still_employed"),
        wage_paid_on_time: yes_no(&form, "wage_paid_on_time"),
        monthly_wage: form.wage("monthly_wage", &mut errors),
        problem: form.opt("problem"),
        note: form.opt("note"),
        left_reason: form.opt("left_reason"),
    };
    let result = if errors.is_empty() {
        follow::complete(&state, &user, id, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(f) => {
            let mut msg = "回访已登记。".to_owned();
            if f.problem.is_some() {
                msg.push_str("已建立问题台账，请跟进处理。");
            }
            if f.still_employed == Some(false) {
                msg.push_str("该人员已离岗，重新进入求职名单。");
            }
            flash(&session, &msg).await;
            Ok(Redirect::to("/station/followups").into_response())
        }
        // sent again after it was recorded (a double tap, the back button): to the list,
        // where the recorded visit shows, with a word on why
        Err(AppError::Conflict { field, message }) if field == "id" => {
            flash(&session, &format!("{message}，这张表不用再提交。")).await;
            Ok(Redirect::to("/station/followups").into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let f = follow::follow_up(&state, &user, id).await?;
            let contact = crate::service::workers::contact(&state, &user, f.worker_id).await?;
            let alert = matches!(e, AppError::Conflict { .. }).then(|| e.to_string());
            let page = FollowUpForm {
                alert,
                layout: Layout::new("登记回访", &session, Some(&user)).await,
                f,
                contact,
                methods: METHODS.to_vec(),
                problems: PROBLEMS.to_vec(),
                form,
                errors: e.field_errors(),
            };
            Ok((e.status(), render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A case with its labels.
pub struct CaseItem {
    pub c: CaseRow,
    pub problem: String,
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct CasesPage {
    layout: Layout,
    open: Vec<CaseItem>,
    closed: Vec<CaseItem>,
    own_station: Option<i64>,
    pager: super::pager::Pager,
}

pub async fn cases(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::extract::Query(pq): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    let open = follow::cases(&state, &user, CaseView::Open).await?;
    let item = |c: CaseRow| CaseItem {
        problem: label(&PROBLEMS, &c.problem),
        c,
    };
    // the open cases all on one page; the resolved ones, newest first, 50 a page
    let per_page = 50;
    let closed =
        follow::resolved_page(&state, &user, super::pager::page_param(&pq), per_page).await?;
    let pager =
        super::pager::Pager::new("/station/cases", &[], closed.page, closed.total, per_page);
    let closed: Vec<CaseItem> = closed.rows.into_iter().map(item).collect();
    Ok(render(&CasesPage {
        layout: Layout::new("问题台账", &session, Some(&user)).await,
        open: open.into_iter().map(item).collect(),
        closed,
        own_station: user.station_id,
        pager,
    }))
}

pub async fn resolve(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let r = follow::resolve_case(&state, &user, id, form.get("resolution"))
        .await
        .map(|_| "已办结。".to_owned());
    outcome(&session, r, "/station/cases").await
}

#[derive(askama::Template)]
#[template(path = "escalations.html")]
struct EscalationsPage {
    layout: Layout,
    heading: &'static str,
    intro: &'static str,
    list: Escalations,
    cases: Vec<CaseItem>,
    own_station: Option<i64>,
}

async fn escalations_page(
    state: &AppState,
    session: &Session,
    user: &crate::auth::CurrentUser,
    level: EscalationList,
) -> PageResult<Response> {
    let mut list = escalation::list(state, user, level, crate::domain::today()).await?;
    let (heading, intro) = match level {
        EscalationList::Head => (
            "站长督办",
            "本站（输入地工作站含本辖区在岗人员）逾期7天以上的回访，和7天以上未处理的问题。逾期14天起同时报县局督办。",
        ),
        EscalationList::Bureau => (
            "县局督办",
            "各工作站逾期14天以上的回访，和14天以上未处理的问题。",
        ),
    };
    let cases = std::mem::take(&mut list.cases)
        .into_iter()
        .map(|c| CaseItem {
            problem: label(&PROBLEMS, &c.problem),
            c,
        })
        .collect();
    Ok(render(&EscalationsPage {
        layout: Layout::new(heading, session, Some(user)).await,
        heading,
        intro,
        list,
        cases,
        own_station: user.station_id,
    }))
}

/// The station head's list (a station login not marked head: 403).
pub async fn head(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    escalations_page(&state, &session, &user, EscalationList::Head).await
}

/// The county bureau's list of escalated follow-ups and cases (the admin).
pub async fn bureau(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[crate::auth::Role::Admin])?;
    escalations_page(&state, &session, &user, EscalationList::Bureau).await
}

#[derive(askama::Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    layout: Layout,
    groups: Vec<(&'static str, Vec<crate::service::followups::Retention>)>,
    r: RetentionReport,
}

pub async fn retention(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    let r = follow::retention(&state, &user).await?;
    Ok(render(&RetentionPage {
        layout: Layout::new("稳岗情况", &session, Some(&user)).await,
        groups: vec![
            ("按工作站", r.by_station.clone()),
            ("按用人单位", r.by_employer.clone()),
        ],
        r,
    }))
}

#[derive(askama::Template)]
#[template(path = "placement.html")]
struct PlacementPage {
    layout: Layout,
    p: PlacementView,
    can_follow: bool,
    /// the worker's name, phone (tap to call) and record
    contact: Option<WorkerContact>,
}

pub async fn placement(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let p = follow::placement(&state, &user, id).await?;
    let can_follow =
        follow::may_follow(&state, &user, p.placement.station_id, p.placement.worker_id).await?;
    let contact = crate::service::workers::contact(&state, &user, p.placement.worker_id).await?;
    Ok(render(&PlacementPage {
        layout: Layout::new("就业记录", &session, Some(&user)).await,
        contact,
        p,
        can_follow,
    }))
}

pub async fn leave(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let r = follow::leave(&state, &user, id, form.get("left_reason"))
        .await
        .map(|()| "已登记离岗，该人员重新进入求职名单。".to_owned());
    outcome(&session, r, &format!("/placements/{id}")).await
}
