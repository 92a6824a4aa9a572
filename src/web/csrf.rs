//! CSRF protection for the pages: every state-changing form carries a per-session token in
//! a hidden `_csrf` field (or, for uploads, in the action's query string), checked here for
//! every non-API POST before any handler runs.
//!
//! The token lives in the session, and a session row is only written when something must
//! be kept: a logged-in user, a flash message, or a token for a form actually rendered
//! ([`token`] is called by the pages with forms; [`existing`] by every other page). So a
//! visitor reading the job board leaves no row behind. Login gives a new session id and a
//! new token ([`renew`]); the anonymous one stops working.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_sessions::Session;

const SESSION_KEY: &str = "csrf";
/// Largest form body read for the check (uploads carry the token in the query string).
const MAX_FORM: usize = 2 * 1024 * 1024;

/// The session's token, created on first use (which stores the session).
pub async fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(SESSION_KEY).await {
        return t;
    }
    renew(session).await
}

/// The session's token if it has one, else an empty string (stores nothing).
pub async fn existing(session: &Session) -> String {
    session
        .get::<String>(SESSION_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A fresh token in place of the old one (at login: a token seen before login is void).
pub async fn renew(session: &Session) -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let t = hex::encode(bytes);
    session.insert(SESSION_KEY, &t).await.ok();
    t
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::response::Html(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>请求已过期</title>\
             <p>页面已过期或来源不明，请返回上一页刷新后重新提交。</p><p><a href=\"/\">返回首页</a></p></html>",
        ),
    )
        .into_response()
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: refuses a page POST whose token does not match the session's.
pub async fn check(session: Session, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let expected: Option<String> = session.get(SESSION_KEY).await.ok().flatten();
    let Some(expected) = expected else {
        return forbidden();
    };
    let from_query = request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(t) = from_query {
        return if constant_eq(&t, &expected) {
            next.run(request).await
        } else {
            forbidden()
        };
    }
    let is_form = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return forbidden();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "提交的内容太大").into_response();
    };
    let ok = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .is_some_and(|(_, v)| constant_eq(&v, &expected));
    if !ok {
        return forbidden();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
