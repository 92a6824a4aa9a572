//! Login, logout, and the two public registrations (workers, enterprises).

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::next::safe_next;
use super::public::{Choice, town_choices};
use super::{FormData, Layout, PageResult, flash, render};
use crate::auth::{MaybeUser, SESSION_USER};
use crate::domain::employer::EmployerInput;
use crate::domain::region::{FUGONG, MEITAN, regions};
use crate::domain::worker::{EDUCATION_LEVELS, Household, StringList, WorkerInput};
use crate::error::{AppError, FieldErrors};
use crate::service;
use crate::service::accounts::check_login;
use crate::state::AppState;
use std::collections::HashMap;

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    login: String,
    error: Option<String>,
    /// where to go after logging in (a safe path on this site, or empty)
    next: String,
}

pub async fn login_page(
    session: Session,
    MaybeUser(user): MaybeUser,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> PageResult<Response> {
    let next = q.get("next").and_then(|n| safe_next(n)).unwrap_or("");
    if let Some(u) = user {
        let to = if next.is_empty() { u.role.home() } else { next };
        return Ok(Redirect::to(to).into_response());
    }
    Ok(render(&LoginPage {
        layout: Layout::with_form("登录", &session, None).await,
        login: String::new(),
        error: None,
        next: next.to_owned(),
    }))
}

pub async fn login(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    session: Session,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let login = form.get("login").trim().to_owned();
    match check_login(&state, &login, form.get("password"), &addr.to_string()).await {
        Ok(user) => {
            // A new session id and CSRF token on login (no fixation): the anonymous ones are void.
            session.cycle_id().await.ok();
            crate::web::csrf::spend(&session, "/login", user.role.home(), "您已登录。").await;
            session
                .insert(SESSION_USER, user.id)
                .await
                .map_err(anyhow::Error::from)?;
            session
                .insert(crate::auth::SESSION_EPOCH, user.session_epoch)
                .await
                .map_err(anyhow::Error::from)?;
            let to = safe_next(form.get("next")).unwrap_or(user.role.home());
            tracing::info!(user.id = user.id, back = to != user.role.home(), "login");
            Ok(Redirect::to(to).into_response())
        }
        Err(AppError::Unauthorized) => {
            let page = LoginPage {
                layout: Layout::with_form("登录", &session, None).await,
                login,
                error: Some("账号或密码不正确".into()),
                next: safe_next(form.get("next")).unwrap_or("").to_owned(),
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        Err(e @ AppError::Conflict { .. }) => {
            let page = LoginPage {
                layout: Layout::with_form("登录", &session, None).await,
                login,
                error: Some(e.to_string()),
                next: safe_next(form.get("next")).unwrap_or("").to_owned(),
            };
            Ok((e.status(), render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(session: Session) -> Response {
    crate::web::csrf::spend(&session, "/logout", "/", "您已退出登录。").await;
    session.flush().await.ok();
    Redirect::to("/").into_response()
}

/// The hometown picker in two steps, phone-sized: the townships of the sending counties, then
/// the villages of the chosen one (no 228-item list). Without JavaScript the form's 选村
/// button sends the township and the page comes back with its villages; with it,
/// `hometown.js` fills them at once.
pub struct HometownPicker {
    pub townships: Vec<Choice>,
    /// the chosen township itself (村不详) and its villages; empty before a township is chosen
    pub villages: Vec<Choice>,
}

impl HometownPicker {
    /// The picker for a submitted township and hometown code (the code's own township wins).
    pub fn new(township: &str, code: &str) -> Self {
        let r = regions();
        let chosen = match r.get(code.trim()) {
            Some(c) if c.level == crate::domain::region::Level::Village => c.parent_code.clone(),
            Some(c) if c.level == crate::domain::region::Level::Township => c.code.clone(),
            _ => township.trim().to_owned(),
        };
        let townships = [MEITAN, FUGONG]
            .iter()
            .flat_map(|county| r.townships_of(county))
            .map(|t| Choice {
                value: t.code.clone(),
                label: format!("{} {}", t.county, t.name),
                selected: t.code == chosen,
            })
            .collect::<Vec<_>>();
        let villages = match townships.iter().find(|t| t.selected) {
            Some(t) => {
                let name = r.get(&t.value).map_or("", |x| x.name.as_str());
                let mut v = vec![Choice {
                    value: t.value.clone(),
                    label: format!("{name}（村/社区不详）"),
                    selected: code.trim() == t.value,
                }];
                v.extend(r.villages_of(&t.value).into_iter().map(|x| Choice {
                    value: x.code.clone(),
                    label: x.short_name.clone(),
                    selected: x.code == code.trim(),
                }));
                v
            }
            None => Vec::new(),
        };
        Self {
            townships,
            villages,
        }
    }
}

/// Whether a worker form was sent by its 选村 button (the picker's second step), not to save.
pub fn is_hometown_step(f: &FormData) -> bool {
    f.get("step") == "hometown"
}

/// The worker form shared by self-registration and station entry.
pub struct WorkerForm {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub hometown: HometownPicker,
    pub household: Household,
    pub skills: String,
    pub desired_jobs: String,
    pub occupations: Vec<(String, Vec<Choice>)>,
    pub expected_wage: String,
    pub needs_lodging: bool,
    pub education: Vec<Choice>,
    pub available_from: String,
}

impl WorkerForm {
    pub fn blank() -> Self {
        Self::from_form(&FormData::default())
    }

    pub fn from_form(f: &FormData) -> Self {
        Self {
            name: f.get("name").to_owned(),
            id_number: f.get("id_number").to_owned(),
            phone: f.get("phone").to_owned(),
            email: f.get("email").to_owned(),
            hometown: HometownPicker::new(f.get("hometown_township"), f.get("hometown_code")),
            household: Household {
                poverty_alleviated: f.flag("poverty_alleviated"),
                monitored: f.flag("monitored"),
                relocated: f.flag("relocated"),
                zero_employment: f.flag("zero_employment"),
            },
            skills: f.get("skills").to_owned(),
            desired_jobs: f.get("desired_jobs").to_owned(),
            occupations: super::station::occupation_groups(f.get("occupation_code")),
            expected_wage: f.get("expected_wage").to_owned(),
            needs_lodging: f.flag("needs_lodging"),
            education: EDUCATION_LEVELS
                .iter()
                .map(|e| Choice {
                    value: (*e).to_owned(),
                    label: (*e).to_owned(),
                    selected: f.get("education") == *e,
                })
                .collect(),
            available_from: f.get("available_from").to_owned(),
        }
    }
}

/// Turns the submitted form into the shared input, noting fields that are not even numbers.
pub fn worker_input(f: &FormData, errors: &mut FieldErrors) -> WorkerInput {
    let expected_wage = match f.opt("expected_wage") {
        Some(w) => errors.take("expected_wage", crate::domain::values::parse_wage(&w)),
        None => None,
    };
    WorkerInput {
        name: f.get("name").to_owned(),
        id_number: f.get("id_number").to_owned(),
        phone: f.get("phone").to_owned(),
        // the township alone (村不详) when no village was chosen
        hometown_code: match f.get("hometown_code").trim() {
            "" => f.get("hometown_township").to_owned(),
            code => code.to_owned(),
        },
        skills: StringList::One(f.get("skills").to_owned()),
        desired_jobs: StringList::One(f.get("desired_jobs").to_owned()),
        occupation_code: f.opt("occupation_code"),
        expected_wage,
        needs_lodging: f.flag("needs_lodging"),
        household: Household {
            poverty_alleviated: f.flag("poverty_alleviated"),
            monitored: f.flag("monitored"),
            relocated: f.flag("relocated"),
            zero_employment: f.flag("zero_employment"),
        },
        email: f.opt("email"),
        education: f.opt("education"),
        labour_capacity: f.opt("labour_capacity"),
        available_from: f.opt("available_from"),
        consent: f.flag("consent"),
        password: f.opt("password"),
        station_id: None,
    }
}

/// A form sent back after an error comes back without its passwords (they are never put into
/// a page): when the person submits it again without typing them, say so rather than
/// "请设置登录密码", as if they had forgotten.
pub fn again_password(form: &FormData, errors: &mut FieldErrors) {
    if form.flag("_again") {
        for field in ["password", "password2"] {
            if form.get(field).is_empty() {
                errors.0.insert(
                    field.to_owned(),
                    vec!["上次提交有误，密码没有保留：请重新输入密码".to_owned()],
                );
            }
        }
    }
}

#[derive(askama::Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    form: WorkerForm,
    errors: FieldErrors,
    consent: bool,
}

impl RegisterPage {
    /// The number or phone is already in use (whoever it belongs to: the page says the same
    /// to everyone, so it tells a stranger nothing): offer login and password reset.
    fn taken(&self) -> bool {
        ["id_number", "phone"].iter().any(|f| {
            self.errors.first(f).is_some_and(|m| {
                m.contains("已经登记") || m.contains("已被使用") || m.contains("已经注册")
            })
        })
    }
}

pub async fn register_page(session: Session, MaybeUser(user): MaybeUser) -> PageResult<Response> {
    Ok(render(&RegisterPage {
        layout: Layout::with_form("务工人员实名注册", &session, user.as_ref()).await,
        form: WorkerForm::blank(),
        errors: FieldErrors::new(),
        consent: false,
    }))
}

pub async fn register(
    State(state): State<AppState>,
    crate::web::extract::ClientIp(addr): crate::web::extract::ClientIp,
    session: Session,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    if is_hometown_step(&form) {
        return Ok(render(&RegisterPage {
            layout: Layout::with_form("务工人员实名注册", &session, None).await,
            form: WorkerForm::from_form(&form),
            errors: FieldErrors::new(),
            consent: form.flag("consent"),
        }));
    }
    let mut errors = FieldErrors::new();
    let input = worker_input(&form, &mut errors);
    if form.get("password") != form.get("password2") {
        errors.add("password2", "两次输入的密码不一致");
    }
    let result = if errors.is_empty() {
        service::workers::register_self(&state, &addr.to_string(), &input).await
    } else {
        Err(AppError::Validation(errors.clone()))
    };
    match result {
        Ok(id) => {
            session.cycle_id().await.ok();
            crate::web::csrf::spend(
                &session,
                "/register",
                "/login",
                "您已注册成功，这张表不用再提交。请用手机号和密码登录。",
            )
            .await;
            if let Some(user_id) = crate::service::accounts::login_of_worker(&state, id).await? {
                session.insert(SESSION_USER, user_id).await.ok();
            }
            flash(&session, "注册成功！工作站会尽快与您联系。").await;
            tracing::info!(worker.id = id, "self-registration page");
            Ok(Redirect::to("/me").into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut all = e.field_errors();
            if let Err(more) = input.parse(crate::domain::today()) {
                for (k, v) in more.0 {
                    all.0.entry(k).or_insert(v);
                }
            }
            for (k, v) in errors.0 {
                all.0.entry(k).or_insert(v);
            }
            again_password(&form, &mut all);
            let status = e.status();
            let page = RegisterPage {
                layout: Layout::with_form("务工人员实名注册", &session, None).await,
                form: WorkerForm::from_form(&form),
                errors: all,
                consent: form.flag("consent"),
            };
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The session's last successful enterprise registration: (USCC as typed, the message shown).
const REGISTERED_USCC: &str = "registered_uscc";

/// The message of this session's registration of `uscc`, if it made one.
async fn registered_here(session: &Session, uscc: &str) -> Option<String> {
    let (done, message): (String, String) = session.get(REGISTERED_USCC).await.ok().flatten()?;
    (done == uscc.trim()).then_some(message)
}

#[derive(askama::Template)]
#[template(path = "employer_register.html")]
struct EmployerRegisterPage {
    layout: Layout,
    f: FormData,
    towns: Vec<Choice>,
    errors: FieldErrors,
}

pub async fn employer_register_page(
    session: Session,
    MaybeUser(user): MaybeUser,
) -> PageResult<Response> {
    Ok(render(&EmployerRegisterPage {
        layout: Layout::with_form("企业注册", &session, user.as_ref()).await,
        f: FormData::default(),
        towns: town_choices(""),
        errors: FieldErrors::new(),
    }))
}

pub async fn employer_register(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let input = EmployerInput {
        name: form.get("name").to_owned(),
        uscc: form.get("uscc").to_owned(),
        town_code: form.get("town_code").to_owned(),
        address: form.get("address").to_owned(),
        contact_name: form.get("contact_name").to_owned(),
        contact_phone: form.get("contact_phone").to_owned(),
        contact_email: form.get("contact_email").to_owned(),
    };
    let hr = service::employers::HrLogin {
        email: form.get("hr_email"),
        password: form.get("password"),
        password2: form.get("password2"),
    };
    match service::employers::register_with_login(&state, &input, &hr).await {
        Ok(e) => {
            let message = format!(
                "“{}”已提交注册，编号 {}。管理员审核通过后，即可用您设置的邮箱 {} 和密码登录。",
                e.name,
                e.id,
                hr.email.trim()
            );
            // the same form sent again (a double tap) meets its own USCC: lead it to this result
            session
                .insert(REGISTERED_USCC, (input.uscc.trim(), &message))
                .await
                .ok();
            flash(&session, &message).await;
            Ok(Redirect::to("/").into_response())
        }
        Err(AppError::Conflict { field, .. })
            if field == "uscc" && registered_here(&session, &input.uscc).await.is_some() =>
        {
            let message = registered_here(&session, &input.uscc)
                .await
                .unwrap_or_default();
            flash(&session, &format!("这张表已经提交过：{message}")).await;
            Ok(Redirect::to("/").into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = e.status();
            let mut errors = e.field_errors();
            again_password(&form, &mut errors);
            let page = EmployerRegisterPage {
                layout: Layout::with_form("企业注册", &session, user.as_ref()).await,
                towns: town_choices(form.get("town_code")),
                f: form,
                errors,
            };
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
