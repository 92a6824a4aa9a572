//! Matching pages: 为你推荐 for a worker (and their station), candidates for a vacancy.

use std::borrow::Borrow;
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::{Layout, PageResult, PageUser, render};
use crate::auth::Role;
use crate::domain::status::ApplicationStatus;
use crate::error::AppError;
use crate::service::search::{VacancyMatch, WorkerMatch, matches_for_vacancy, matches_for_worker};
use crate::state::AppState;

#[derive(askama::Template)]
#[template(path = "matches.html")]
struct MatchesPage {
    layout: Layout,
    intro: String,
    /// a station recommending this worker
    recommend_for: Option<i64>,
    /// an enterprise inviting to this vacancy
    invite_for: Option<i64>,
    /// a worker who may apply
    can_apply: bool,
    vacancy_items: Vec<VacancyMatch>,
    worker_items: Vec<WorkerMatch>,
    /// the state of an application a candidate already has for this vacancy, by worker
    applied: HashMap<i64, &'static str>,
}

impl MatchesPage {
    /// 已邀请 / 已投递 / … for a candidate who already has an application here.
    fn state_of(&self, worker_id: impl Borrow<i64>) -> Option<&'static str> {
        self.applied.get(worker_id.borrow()).copied()
    }
}

/// What a candidate's application says on the candidates page.
fn applied_label(status: &str) -> &'static str {
    match ApplicationStatus::parse(status) {
        Some(ApplicationStatus::Invited) => "已邀请",
        Some(s) => s.label(),
        None => "已投递",
    }
}

/// The logged-in worker's recommended jobs.
pub async fn for_me(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let id = user.worker_id.ok_or(AppError::NotFound)?;
    let items = matches_for_worker(&state, &user, id, 20).await?;
    Ok(render(&MatchesPage {
        layout: Layout::new("为你推荐", &session, Some(&user)).await,
        intro: "根据你的技能、求职意向、证书、期望月薪和住宿需要推荐，越靠前越合适。".into(),
        recommend_for: None,
        invite_for: None,
        can_apply: true,
        vacancy_items: items,
        worker_items: Vec::new(),
        applied: HashMap::new(),
    }))
}

/// A station officer's (or the admin's) view of the jobs that fit one worker.
pub async fn for_worker(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let items = matches_for_worker(&state, &user, id, 20).await?;
    let name = crate::service::workers::name_of(&state, &user, id).await?;
    Ok(render(&MatchesPage {
        layout: Layout::new(&format!("适合{name}的岗位"), &session, Some(&user)).await,
        intro: format!("为{name}推荐的岗位，越靠前越合适。"),
        recommend_for: Some(id),
        invite_for: None,
        can_apply: false,
        vacancy_items: items,
        worker_items: Vec::new(),
        applied: HashMap::new(),
    }))
}

/// Candidates for a vacancy: its enterprise, stations, the admin; masked.
pub async fn candidates(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (v, items) = matches_for_vacancy(&state, &user, id, 30).await?;
    let applied = crate::service::applications::of_vacancy(&state, &user, id)
        .await?
        .into_iter()
        .map(|a| (a.worker_id, applied_label(&a.status)))
        .collect();
    Ok(render(&MatchesPage {
        layout: Layout::new(&format!("“{}”的合适人选", v.title), &session, Some(&user)).await,
        intro:
            "只列出正在求职、可以到岗、年龄符合的人员；姓名和联系方式在对方投递或工作站推荐后可见。"
                .into(),
        recommend_for: None,
        invite_for: (user.is(Role::Employer) || user.is(Role::Admin)).then_some(v.id),
        can_apply: false,
        vacancy_items: Vec::new(),
        worker_items: items,
        applied,
    }))
}
