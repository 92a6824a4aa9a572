//! Jobs found without the platform on the pages: the worker's 我已找到工作 form on `/me`, the
//! station's list of reports to confirm or decline, the station recording a found job on a
//! worker's page — and the station asking an in-person reset code for a worker.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::public::Choice;
use super::{FormData, Layout, PageResult, PageUser, flash, render};
use crate::auth::Role;
use crate::error::{AppError, FieldErrors};
use crate::service::found::{self, FoundJobInput, FoundReportInput, FoundReportView};
use crate::state::AppState;

/// The workplace picker: the common places, then 其他 (typed below the picker).
pub fn workplace_choices() -> Vec<Choice> {
    let mut v: Vec<Choice> = crate::domain::workplace::COMMON_WORKPLACES
        .iter()
        .map(|(code, label)| Choice {
            value: (*code).to_owned(),
            label: (*label).to_owned(),
            selected: false,
        })
        .collect();
    v.push(Choice {
        value: "other".into(),
        label: "其他地方（在下面填写）".into(),
        selected: false,
    });
    v
}

/// The picker's value, or the place typed under it.
fn workplace_of(form: &FormData) -> String {
    match form.get("workplace_county").trim() {
        "" | "other" => form.get("workplace_other").trim().to_owned(),
        code => code.to_owned(),
    }
}

/// Flashes a refusal the user can fix (field messages), or passes anything else on.
async fn refused(session: &Session, e: AppError, what: &str) -> Result<(), AppError> {
    match e {
        e @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::Limited { .. }) => {
            flash(session, &format!("{what}：{}", e.field_errors().summary())).await;
            Ok(())
        }
        e @ AppError::TooManyRequests { .. } => {
            flash(session, &format!("{what}：{e}")).await;
            Ok(())
        }
        e => Err(e),
    }
}

/// `POST /me/found-job`: the worker reports a job found (我已找到工作).
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let mut errors = FieldErrors::new();
    let wage = form.wage("wage", &mut errors);
    let input = FoundReportInput {
        employer_name: form.get("employer_name").to_owned(),
        workplace_county: workplace_of(&form),
        start_date: form.get("start_date").to_owned(),
        wage,
        channel: form.get("channel").to_owned(),
    };
    let result = if errors.is_empty() {
        found::report(&state, &user, &input).await.map(|_| ())
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => flash(&session, "已告诉你的工作站，他们核实后会确认。").await,
        Err(e) => {
            let worker = user.worker_id.unwrap_or_default();
            super::kept::keep_on_refusal(&session, &e, "found-job", worker, &form).await;
            refused(&session, e, "未提交").await?
        }
    }
    Ok(Redirect::to("/me").into_response())
}

#[derive(askama::Template)]
#[template(path = "found_reports.html")]
struct ListPage {
    layout: Layout,
    pending: Vec<FoundReportView>,
    decided: Vec<FoundReportView>,
}

/// `GET /station/found-reports`: the station's workers' reports, pending first.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let all = found::list(&state, &user, None).await?;
    let (pending, decided) = all.into_iter().partition(FoundReportView::is_pending);
    Ok(render(&ListPage {
        layout: Layout::new("务工人员自报就业", &session, Some(&user)).await,
        pending,
        decided,
    }))
}

/// `POST /station/found-reports/{id}/confirm`: records the placement.
pub async fn confirm(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let wage = form.wage("wage", &mut errors);
    let result = if errors.is_empty() {
        found::confirm(&state, &user, id, wage).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(placement) => {
            flash(&session, "已确认，就业记录和回访计划已建立。").await;
            return Ok(Redirect::to(&format!("/placements/{placement}")).into_response());
        }
        Err(e) => refused(&session, e, "未确认").await?,
    }
    Ok(Redirect::to("/station/found-reports").into_response())
}

/// `POST /station/found-reports/{id}/decline`: with a reason the worker reads.
pub async fn decline(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<FormData>,
) -> PageResult<Response> {
    match found::decline(&state, &user, id, form.get("reason")).await {
        Ok(()) => {
            flash(
                &session,
                "已记录：不予确认，务工人员会在“我的信息”里看到原因。",
            )
            .await
        }
        Err(e) => refused(&session, e, "未保存").await?,
    }
    Ok(Redirect::to("/station/found-reports").into_response())
}

/// `POST /station/workers/{id}/found-job`: the station records a job its worker found.
pub async fn record(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let wage = form.wage("wage", &mut errors);
    let input = FoundJobInput {
        worker_id: Some(id),
        employer_name: form.get("employer_name").to_owned(),
        workplace_county: workplace_of(&form),
        start_date: form.get("start_date").to_owned(),
        wage,
        channel: form.get("channel").to_owned(),
    };
    let result = if errors.is_empty() {
        found::record_found_job(&state, &user, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(placement) => {
            flash(&session, "已登记就业，回访计划已建立。").await;
            return Ok(Redirect::to(&format!("/placements/{placement}")).into_response());
        }
        Err(e) => {
            super::kept::keep_on_refusal(&session, &e, "found-job", id, &form).await;
            refused(&session, e, "未登记").await?
        }
    }
    Ok(Redirect::to(&format!("/station/workers/{id}")).into_response())
}

/// `POST /station/workers/{id}/reset-code`: a code goes to the worker's login phone; the
/// officer never sees it (audited).
pub async fn reset_code(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    match crate::service::reset::request_code_for_worker(&state, &user, id).await {
        Ok(()) => {
            flash(
                &session,
                "验证码已发到该务工人员的登录手机（10分钟内有效）。请本人打开“忘记密码”页面，输入验证码并设置新密码。",
            )
            .await;
        }
        Err(e) => refused(&session, e, "未发送").await?,
    }
    Ok(Redirect::to(&format!("/station/workers/{id}")).into_response())
}
