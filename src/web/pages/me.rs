//! The worker's own profile, and the trainer's landing page.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::station::WorkerPage;
use super::{Layout, PageResult, PageUser, render};
use crate::auth::Role;
use crate::error::AppError;
use crate::service::workers as svc;
use crate::state::AppState;

pub async fn profile(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    if !user.is(Role::Worker) {
        return Ok(Redirect::to(user.role.home()).into_response());
    }
    let id = user.worker_id.ok_or(AppError::NotFound)?;
    let record = svc::record(&state, &user, id).await?;
    let layout = Layout::new("我的信息", &session, Some(&user)).await;
    let mut page = WorkerPage::of(layout, record, true);
    page.sms_on = crate::service::messages::enabled(&state, &user).await?;
    page.current_job = crate::service::found::current_job(&state, &user).await?;
    page.found_reports = crate::service::found::mine(&state, &user).await?;
    page.has_pending_report = page.found_reports.iter().any(|r| r.is_pending());
    page.deletion_asked = crate::service::rights::my_deletion_request(&state, &user).await?;
    page.found_form = super::take_form(&session, super::found::FOUND_FORM_ME).await;
    page.correct_form = super::take_form(&session, super::station::CORRECT_FORM).await;
    Ok(render(&page))
}

/// The worker turns text messages (all but the reset code) on or off.
pub async fn sms(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<super::FormData>,
) -> PageResult<Response> {
    let on = form.flag("sms_on");
    crate::service::messages::set_enabled(&state, &user, on).await?;
    super::flash(
        &session,
        if on {
            "已保存：录用、邀请、培训等消息会发短信给你。"
        } else {
            "已保存：只在重设密码时发验证码短信。"
        },
    )
    .await;
    Ok(Redirect::to("/me").into_response())
}

/// The worker's mail preferences: an address and the weekly list of new matches.
pub async fn preferences(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<super::FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let weekly = form.flag("weekly_matches");
    let email = form.opt("email");
    match svc::set_mail_preferences(&state, &user, email.as_deref(), weekly).await {
        Ok(()) => {}
        Err(AppError::Validation(e)) => {
            super::flash(&session, &format!("未保存：{}", e.summary())).await;
            return Ok(Redirect::to("/me").into_response());
        }
        Err(e) => return Err(e.into()),
    }
    super::flash(
        &session,
        if weekly {
            "已保存：每周一封岗位推荐邮件。"
        } else {
            "已保存。"
        },
    )
    .await;
    Ok(Redirect::to("/me").into_response())
}

/// Downloads everything the platform holds about the worker, as JSON.
pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    let data = crate::service::rights::my_data(&state, &user).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(anyhow::Error::from)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-data.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The worker corrects contact details and job wishes.
pub async fn correct(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<super::FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let id = user.worker_id.ok_or(AppError::NotFound)?;
    let mut errors = crate::error::FieldErrors::new();
    let wage = form.wage("expected_wage", &mut errors);
    let c = crate::service::rights::Correction {
        phone: form.opt("phone"),
        email: None,
        skills: Some(form.get("skills").to_owned()),
        desired_jobs: Some(form.get("desired_jobs").to_owned()),
        expected_wage: wage,
        needs_lodging: Some(form.flag("needs_lodging")),
        available_from: None,
    };
    let r = if errors.is_empty() {
        crate::service::rights::correct(&state, &user, id, &c).await
    } else {
        Err(AppError::Validation(errors))
    };
    match r {
        Ok(()) => super::flash(&session, "已保存修改。").await,
        Err(e @ (AppError::Validation(_) | AppError::Limited { .. })) => {
            let msg = e.field_errors().summary();
            super::flash(&session, &format!("未保存：{msg}")).await;
            super::keep_form(&session, super::station::CORRECT_FORM, &form).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/me").into_response())
}

/// The worker asks for deletion, once they ticked the box that says what it means.
pub async fn delete_request(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<super::FormData>,
) -> PageResult<Response> {
    match crate::service::rights::request_deletion(&state, &user, form.flag("confirm")).await {
        Ok(()) => {}
        Err(e @ AppError::Validation(_)) => {
            super::flash(&session, &e.field_errors().summary()).await;
            return Ok(Redirect::to("/me#delete").into_response());
        }
        Err(e) => return Err(e.into()),
    }
    super::flash(
        &session,
        "注销申请已提交，工作站核实后将删除你的个人信息。核实之前可以在本页撤回。",
    )
    .await;
    Ok(Redirect::to("/me").into_response())
}

/// The worker withdraws their deletion request.
pub async fn delete_cancel(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    let message = if crate::service::rights::cancel_deletion(&state, &user).await? {
        "已撤回注销申请，你的信息保持不变。"
    } else {
        "没有待处理的注销申请。"
    };
    super::flash(&session, message).await;
    Ok(Redirect::to("/me").into_response())
}

/// The worker reports a problem at their current job (/me → 反映问题).
pub async fn problem(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    axum::Form(form): axum::Form<super::FormData>,
) -> PageResult<Response> {
    let input = crate::service::followups::ProblemInput {
        problem: form.get("problem").to_owned(),
        description: form.get("description").to_owned(),
    };
    match crate::service::followups::report_problem(&state, &user, &input).await {
        Ok(_) => {
            super::flash(&session, "已转给你的工作站，他们会尽快联系你。").await;
        }
        Err(e @ (AppError::Validation(_) | AppError::Limited { .. })) => {
            let msg = e.field_errors().summary();
            super::flash(&session, &format!("未提交：{msg}")).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/me").into_response())
}
