//! CSRF protection for the pages: every state-changing form carries a per-session token in
//! a hidden `_csrf` field (or, for uploads, in the action's query string), checked here for
//! every non-API POST before any handler runs.
//!
//! The token lives in the session, and a session row is only written when something must
//! be kept: a logged-in user, a flash message, or a token for a form actually rendered
//! ([`token`] is called by the pages with forms; [`existing`] by every other page). So a
//! visitor reading the job board leaves no row behind. Login gives a new session id and a
//! new token ([`renew`]); the anonymous one stops working.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
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

/// How long a spent token still leads to the result of its form.
const SPENT_FOR: Duration = Duration::from_secs(30 * 60);
/// At most this many spent tokens are remembered (the oldest go first).
const SPENT_MAX: usize = 10_000;

/// Where a form that already succeeded went, and what to tell whoever sends it again.
struct Spent {
    /// the path the form posts to: the token leads to its result only from there
    form: String,
    landing: String,
    message: String,
    at: Instant,
}

/// Tokens of forms that succeeded and then were replaced (registration, login, a password
/// reset): the same form sent a second time (a double tap, the back button) lands on the
/// result instead of a 403. Kept in memory: a session stays on one node.
fn spent() -> &'static Mutex<HashMap<String, Spent>> {
    static SPENT: OnceLock<Mutex<HashMap<String, Spent>>> = OnceLock::new();
    SPENT.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Ends the current form's token after the form posted to `form` succeeded, remembering where
/// it led: the same form sent again is sent to `landing` with `message` (the token does
/// nothing anywhere else: a 403 as before). Gives the session a new token.
pub async fn spend(session: &Session, form: &str, landing: &str, message: &str) -> String {
    if let Ok(Some(old)) = session.get::<String>(SESSION_KEY).await
        && let Ok(mut map) = spent().lock()
    {
        let now = Instant::now();
        map.retain(|_, s| now.duration_since(s.at) < SPENT_FOR);
        if map.len() >= SPENT_MAX
            && let Some(oldest) = map.iter().min_by_key(|(_, s)| s.at).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(
            old,
            Spent {
                form: form.to_owned(),
                landing: landing.to_owned(),
                message: message.to_owned(),
                at: now,
            },
        );
    }
    renew(session).await
}

/// Where a spent token sent again to `path` leads, if it is one of that form.
fn spent_landing(token: &str, path: &str) -> Option<(String, String)> {
    let map = spent().lock().ok()?;
    map.get(token)
        .filter(|s| s.at.elapsed() < SPENT_FOR && s.form == path)
        .map(|s| (s.landing.clone(), s.message.clone()))
}

/// A form that creates something (a vacancy, a course, an event, a certificate…) carries a
/// one-time mark besides the session's token: `<input type="hidden" name="_once" value="{{
/// crate::web::csrf::once() }}">`, new at every rendering. The first submit that succeeds
/// (a redirect) ties the mark to where it led; the same rendered form sent again — a double
/// tap on a slow phone, the back button — lands there with a word instead of creating a
/// second copy. A submit that arrives while the first is still running waits for it. A
/// refused submit (the form comes back with its errors) frees the mark. A mark counts only
/// in the session that sent it, and the store keeps at most [`ONCE_PER_SESSION`] marks of a
/// session and [`SPENT_MAX`] in all, forgetting the oldest first.
pub fn once() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The hidden field's name.
const ONCE_FIELD: &str = "_once";
/// How long a waiting second submit waits for the first one.
const ONCE_WAIT: Duration = Duration::from_secs(20);

enum OnceState {
    /// the first submit is running
    Running(Instant),
    /// the first submit led to `landing`
    Done {
        form: String,
        landing: String,
        at: Instant,
    },
}

fn onces() -> &'static Mutex<HashMap<String, OnceState>> {
    static ONCES: OnceLock<Mutex<HashMap<String, OnceState>>> = OnceLock::new();
    ONCES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// What to do with a submit carrying the mark `mark` to `path`.
enum OnceStep {
    /// the first submit: run it (the mark is now taken)
    First,
    /// sent before and done: go where it led
    Landed(String),
    /// the first one still runs
    Wait,
    /// the mark cannot be used (another form's): run without it
    Ignore,
}

/// At most this many marks of one session are remembered (its oldest go first), so one
/// session cannot fill the store for everyone.
const ONCE_PER_SESSION: usize = 50;

impl OnceState {
    fn since(&self) -> Instant {
        match self {
            OnceState::Running(t) | OnceState::Done { at: t, .. } => *t,
        }
    }
}

/// The store's key of `mark` sent with the session token `token`: a mark counts only within
/// the session whose form carried it.
fn once_key(token: &str, mark: &str) -> String {
    format!("{token} {mark}")
}

fn once_step(token: &str, mark: &str, path: &str) -> OnceStep {
    let Ok(mut map) = onces().lock() else {
        return OnceStep::Ignore;
    };
    let key = once_key(token, mark);
    let now = Instant::now();
    match map.get(&key) {
        Some(OnceState::Done { form, landing, at }) if now.duration_since(*at) < SPENT_FOR => {
            if form == path {
                OnceStep::Landed(landing.clone())
            } else {
                OnceStep::Ignore
            }
        }
        Some(OnceState::Running(since)) if now.duration_since(*since) < ONCE_WAIT * 2 => {
            OnceStep::Wait
        }
        _ => {
            map.retain(|_, s| match s {
                OnceState::Running(t) => now.duration_since(*t) < ONCE_WAIT * 2,
                OnceState::Done { at, .. } => now.duration_since(*at) < SPENT_FOR,
            });
            // a full store (or a full session) forgets its oldest mark rather than refusing
            // the new one: protection for everyone else must not end because one visitor
            // sent thousands of marks
            let prefix = once_key(token, "");
            let oldest_of = |map: &HashMap<String, OnceState>, mine: bool| {
                map.iter()
                    .filter(|(k, _)| !mine || k.starts_with(&prefix))
                    .min_by_key(|(_, s)| s.since())
                    .map(|(k, _)| k.clone())
            };
            if map.keys().filter(|k| k.starts_with(&prefix)).count() >= ONCE_PER_SESSION
                && let Some(k) = oldest_of(&map, true)
            {
                map.remove(&k);
            }
            if map.len() >= SPENT_MAX
                && let Some(k) = oldest_of(&map, false)
            {
                map.remove(&k);
            }
            map.insert(key, OnceState::Running(now));
            OnceStep::First
        }
    }
}

/// The first submit ended: a redirect ties the mark to its target, anything else frees it.
fn once_ended(token: &str, mark: &str, path: &str, response: &Response) {
    let landing = (response.status() == StatusCode::SEE_OTHER)
        .then(|| response.headers().get(axum::http::header::LOCATION))
        .flatten()
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    if let Ok(mut map) = onces().lock() {
        match landing {
            Some(landing) => {
                map.insert(
                    once_key(token, mark),
                    OnceState::Done {
                        form: path.to_owned(),
                        landing,
                        at: Instant::now(),
                    },
                );
            }
            None => {
                map.remove(&once_key(token, mark));
            }
        }
    }
}

/// Runs a submit whose token is right, minding its one-time mark if it has one.
async fn run_once(
    session: &Session,
    token: &str,
    request: Request,
    next: Next,
    mark: Option<String>,
) -> Response {
    let Some(mark) = mark.filter(|m| !m.is_empty() && m.len() <= 64) else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    loop {
        match once_step(token, &mark, &path) {
            OnceStep::First => {
                let response = next.run(request).await;
                once_ended(token, &mark, &path, &response);
                return response;
            }
            OnceStep::Landed(landing) => {
                session
                    .insert("flash", "这张表已经提交过了，不用再提交。")
                    .await
                    .ok();
                tracing::info!(landing = %landing, "form sent again, led to its result");
                return Redirect::to(&landing).into_response();
            }
            OnceStep::Wait if started.elapsed() < ONCE_WAIT => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            OnceStep::Wait | OnceStep::Ignore => return next.run(request).await,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "expired.html")]
struct ExpiredPage {
    layout: crate::web::pages::Layout,
    back: String,
}

/// The path of a same-site `Referer` (the page the form was on), else the home page.
fn back_link(headers: &axum::http::HeaderMap) -> String {
    let referer = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let path = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))
        .and_then(|rest| rest.strip_prefix(host))
        .filter(|_| !host.is_empty())
        .unwrap_or("");
    if path.starts_with('/') && !path.starts_with("//") && !path.contains(['"', '<', '>', '\\']) {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The refusal: a page in the site's layout with a real link back to the form's page.
fn forbidden(headers: &axum::http::HeaderMap) -> Response {
    let page = ExpiredPage {
        layout: crate::web::pages::Layout {
            title: "页面已过期".into(),
            user: None,
            csrf: String::new(),
            flash: None,
            kept: Default::default(),
        },
        back: back_link(headers),
    };
    (StatusCode::FORBIDDEN, crate::web::pages::render(&page)).into_response()
}

/// A second submit of a form that already succeeded: to its result, with a word on why.
async fn to_result(
    session: &Session,
    token: &str,
    path: &str,
    headers: &axum::http::HeaderMap,
) -> Response {
    match spent_landing(token, path) {
        Some((landing, message)) => {
            session.insert("flash", &message).await.ok();
            tracing::info!(landing = %landing, "form sent again after success");
            Redirect::to(&landing).into_response()
        }
        None => forbidden(headers),
    }
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
    let from_query = request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(t) = from_query {
        return match expected {
            Some(e) if constant_eq(&t, &e) => next.run(request).await,
            _ => to_result(&session, &t, request.uri().path(), request.headers()).await,
        };
    }
    let is_form = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return forbidden(request.headers());
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "提交的内容太大").into_response();
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match expected {
        Some(e) if constant_eq(&sent, &e) => {
            let mark = form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == ONCE_FIELD)
                .map(|(_, v)| v.into_owned());
            run_once(
                &session,
                &sent,
                Request::from_parts(parts, Body::from(bytes)),
                next,
                mark,
            )
            .await
        }
        _ if sent.is_empty() => forbidden(&parts.headers),
        _ => to_result(&session, &sent, parts.uri.path(), &parts.headers).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// the store is one for the process: these tests take turns
    static TURN: Mutex<()> = Mutex::new(());

    fn done(token: &str, mark: &str, path: &str, landing: &str) {
        let response = Redirect::to(landing).into_response();
        once_ended(token, mark, path, &response);
    }

    #[test]
    fn one_visitor_sending_thousands_of_marks_leaves_others_protected() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let victim = "victim-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        assert!(matches!(
            once_step(victim, "v1", "/employer/vacancies/new"),
            OnceStep::First
        ));
        done(victim, "v1", "/employer/vacancies/new", "/vacancies/7");
        // a flood: one session, then many sessions, each mark "landing" somewhere
        for i in 0..(SPENT_MAX + 500) {
            let token = format!("flood-{}", i / 40);
            let mark = format!("m{i}");
            assert!(matches!(
                once_step(&token, &mark, "/logout"),
                OnceStep::First
            ));
            done(&token, &mark, "/logout", "/");
        }
        let map = onces().lock().unwrap();
        assert!(map.len() <= SPENT_MAX, "{} marks kept", map.len());
        let one = map.keys().filter(|k| k.starts_with("flood-0 ")).count();
        assert!(one <= ONCE_PER_SESSION, "one session keeps {one} marks");
        drop(map);
        // a new form of someone else is still protected against a double tap
        let other = "other-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        assert!(matches!(
            once_step(other, "o1", "/trainer/courses"),
            OnceStep::First
        ));
        done(other, "o1", "/trainer/courses", "/courses/3");
        assert!(matches!(
            once_step(other, "o1", "/trainer/courses"),
            OnceStep::Landed(l) if l == "/courses/3"
        ));
    }

    #[test]
    fn a_mark_from_one_session_means_nothing_in_another() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let a = "session-a-cccccccccccccccccccccccccccccccccccccccc";
        let b = "session-b-dddddddddddddddddddddddddddddddddddddddd";
        assert!(matches!(
            once_step(a, "shared", "/events/new"),
            OnceStep::First
        ));
        done(a, "shared", "/events/new", "/events/9");
        // another session sending the same mark is a first submit of its own, not led to
        // the first session's result
        assert!(matches!(
            once_step(b, "shared", "/events/new"),
            OnceStep::First
        ));
        assert!(matches!(
            once_step(a, "shared", "/events/new"),
            OnceStep::Landed(l) if l == "/events/9"
        ));
    }
}
