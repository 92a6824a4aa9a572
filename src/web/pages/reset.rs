//! Getting back in without JavaScript: a worker by phone (a 6-digit code by SMS), an
//! enterprise or an officer by an e-mail link. Every step answers the same whether or not
//! the phone or address is registered.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{FormData, Layout, PageResult, flash, render};
use crate::error::{AppError, FieldErrors};
use crate::service::reset as svc;
use crate::state::AppState;

#[derive(askama::Template)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    /// `phone`, `code`, `mail`, `mail_sent`, `link`, `link_dead`
    mode: &'static str,
    phone: String,
    token: String,
    message: Option<String>,
    errors: FieldErrors,
}

async fn page(
    session: &Session,
    mode: &'static str,
    phone: &str,
    token: &str,
    message: Option<String>,
    errors: FieldErrors,
) -> Response {
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&ResetPage {
            layout: Layout::with_form("找回密码", session, None).await,
            mode,
            phone: phone.to_owned(),
            token: token.to_owned(),
            message,
            errors,
        }),
    )
        .into_response()
}

/// What a refusal means on the page: field errors, or a one-line message.
fn split(e: AppError) -> Result<(Option<String>, FieldErrors), AppError> {
    match e {
        AppError::Validation(f) => Ok((None, f)),
        e @ AppError::TooManyRequests { .. } => Ok((Some(e.to_string()), FieldErrors::new())),
        e => Err(e),
    }
}

/// `GET /reset`: the phone number.
pub async fn start(session: Session) -> Response {
    page(&session, "phone", "", "", None, FieldErrors::new()).await
}

/// `POST /reset/code`: sends the code (when the phone is registered) and asks for it.
pub async fn send_code(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    session: Session,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let phone = form.get("phone").trim().to_owned();
    Ok(
        match svc::request_code(&state, &addr.to_string(), &phone).await {
            Ok(()) => {
                page(
                    &session,
                    "code",
                    &phone,
                    "",
                    Some("如果该手机号已在平台登记，验证码已通过短信发出（10分钟内有效）。".into()),
                    FieldErrors::new(),
                )
                .await
            }
            Err(e) => {
                let (message, errors) = split(e)?;
                page(&session, "phone", &phone, "", message, errors).await
            }
        },
    )
}

/// `POST /reset`: the code and the new password.
pub async fn with_code(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    session: Session,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let phone = form.get("phone").trim().to_owned();
    let ip = addr.to_string();
    match svc::reset_with_code(&state, &ip, &phone, form.get("code"), form.get("password")).await {
        Ok(()) => {
            crate::web::csrf::spend(&session, "/reset", "/login", "密码已重设，请用新密码登录。")
                .await;
            flash(&session, "密码已重设，请用新密码登录。").await;
            Ok(Redirect::to("/login").into_response())
        }
        Err(e) => {
            let (message, errors) = split(e)?;
            Ok(page(&session, "code", &phone, "", message, errors).await)
        }
    }
}

/// `GET /reset/mail`: the login e-mail address (enterprises, officers).
pub async fn mail(session: Session) -> Response {
    page(&session, "mail", "", "", None, FieldErrors::new()).await
}

/// `POST /reset/mail`: mails a link when the address has a login.
pub async fn send_link(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    session: Session,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    Ok(
        match svc::request_link(&state, &addr.to_string(), form.get("email")).await {
            Ok(()) => {
                page(
                    &session,
                    "mail_sent",
                    "",
                    "",
                    Some(
                        "如果该邮箱已注册，重设密码的链接已发出（30分钟内有效，只能用一次）。"
                            .into(),
                    ),
                    FieldErrors::new(),
                )
                .await
            }
            Err(e) => {
                let (message, errors) = split(e)?;
                page(&session, "mail", "", "", message, errors).await
            }
        },
    )
}

/// `GET /reset/mail/{token}`: the new password, if the link still works.
pub async fn link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> PageResult<Response> {
    let live = svc::link_live(&state, &token).await?;
    let mode = if live { "link" } else { "link_dead" };
    Ok(page(&session, mode, "", &token, None, FieldErrors::new()).await)
}

/// `POST /reset/mail/{token}`: sets the password and ends every session and token.
pub async fn with_link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    match svc::reset_with_link(&state, &token, form.get("password")).await {
        Ok(()) => {
            crate::web::csrf::spend(
                &session,
                &format!("/reset/mail/{token}"),
                "/login",
                "密码已重设，请用新密码登录。",
            )
            .await;
            flash(&session, "密码已重设，请用新密码登录。").await;
            Ok(Redirect::to("/login").into_response())
        }
        Err(e) => {
            let (message, errors) = split(e)?;
            Ok(page(&session, "link", "", &token, message, errors).await)
        }
    }
}
