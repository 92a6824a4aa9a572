//! Pages from match to job: applying, recommending, inviting, and moving applications.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::{FormData, Layout, PageResult, PageUser, outcome, outcome_keeping, render};
use crate::auth::Role;
use crate::domain::today;
use crate::error::AppError;
use crate::service::applications::{
    self as apps, ApplicationInput, REFUSAL_REASONS, TransitionInput,
};
use crate::state::AppState;

/// A safe place to go back to (a local path only).
fn back_to(form: &FormData, default: &str) -> String {
    let b = form.get("back");
    if b.starts_with('/') && !b.starts_with("//") {
        b.to_owned()
    } else {
        default.to_owned()
    }
}

/// A worker applies from the vacancy page.
pub async fn apply(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(vacancy_id): Path<i64>,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let input = ApplicationInput {
        worker_id: user.worker_id,
        vacancy_id: Some(vacancy_id),
        ..Default::default()
    };
    let r = apps::apply(&state, &user, &input)
        .await
        .map(|_| "已投递，企业会尽快与你联系。".to_owned());
    outcome(&session, r, "/me").await
}

/// A station recommends a worker to a vacancy.
pub async fn recommend(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path((worker_id, vacancy_id)): Path<(i64, i64)>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let input = ApplicationInput {
        worker_id: Some(worker_id),
        vacancy_id: Some(vacancy_id),
        ..Default::default()
    };
    let r = apps::apply(&state, &user, &input)
        .await
        .map(|_| "已推荐，已通知企业联系人。".to_owned());
    outcome(
        &session,
        r,
        &format!("/station/workers/{worker_id}/matches"),
    )
    .await
}

/// An enterprise invites a matched candidate (who stays masked until they accept).
pub async fn invite(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path((vacancy_id, worker_id)): Path<(i64, i64)>,
) -> PageResult<Response> {
    user.require(&[Role::Employer, Role::Admin])?;
    let input = ApplicationInput {
        worker_id: Some(worker_id),
        vacancy_id: Some(vacancy_id),
        ..Default::default()
    };
    let r = apps::apply(&state, &user, &input)
        .await
        .map(|_| "已发出邀请，对方确认后可看到其姓名和电话。".to_owned());
    outcome(&session, r, &format!("/vacancies/{vacancy_id}/candidates")).await
}

/// Moves an application from a page form.
pub async fn transition(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = crate::error::FieldErrors::new();
    let input = TransitionInput {
        to: form.get("to").to_owned(),
        note: form.opt("note"),
        reason: form.opt("reason"),
        start_date: form.opt("start_date"),
        wage: form.wage("wage", &mut errors),
    };
    let back = back_to(&form, "/");
    // the enterprise's hire and refusal forms come back filled in after a refusal
    let kept_as = format!("transition-{}", input.to);
    let r = if errors.is_empty() {
        apps::transition(&state, &user, id, &input).await.map(|t| {
            format!(
                "申请状态已改为：{}",
                crate::domain::status::ApplicationStatus::label_of(&t.status)
            )
        })
    } else {
        Err(AppError::Validation(errors))
    };
    outcome_keeping(&session, r, &back, (&kept_as, id, &form)).await
}

pub use crate::service::applications::Applicant as ApplicantRow;

#[derive(askama::Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    layout: Layout,
    vacancy_id: i64,
    rows: Vec<ApplicantRow>,
    reasons: Vec<&'static str>,
    today: String,
    pager: super::pager::Pager,
}

/// The applications to one vacancy, with the actions the enterprise may take.
pub async fn of_vacancy(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    axum::extract::Query(pq): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    let per_page = 20;
    let (v, list) =
        apps::applicants(&state, &user, id, super::pager::page_param(&pq), per_page).await?;
    let base = format!("/employer/vacancies/{id}/applications");
    let pager = super::pager::Pager::new(&base, &[], list.page, list.total, per_page);
    let rows = list.rows;
    let today = today();
    Ok(render(&ApplicationsPage {
        layout: Layout::new(&format!("“{}”的应聘者", v.title), &session, Some(&user)).await,
        vacancy_id: id,
        rows,
        pager,
        reasons: REFUSAL_REASONS.to_vec(),
        today: crate::domain::values::fmt_date(today),
    }))
}
