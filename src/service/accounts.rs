//! Logins, labour stations and training providers, created by the admin (or the operator's
//! `laowu user add`).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role, password};
use crate::db::users::{self, NewUser};
pub use crate::db::users::{TokenInfo, UserRow};
use crate::db::{Db, employers, stations};
use crate::domain::Email;
use crate::domain::employer::text_field;
use crate::domain::region::{DOUMEN, MEITAN};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::state::AppState;

/// A login to create.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserInput {
    pub email: String,
    pub password: String,
    /// `admin`, `station`, `employer` or `trainer`
    pub role: String,
    pub display_name: Option<String>,
    pub employer_id: Option<i64>,
    pub station_id: Option<i64>,
    pub provider_id: Option<i64>,
}

/// Creates a staff login after checking the role and the organisation it belongs to.
pub async fn create_user(db: &Db, input: &UserInput) -> AppResult<i64> {
    let mut e = FieldErrors::new();
    let email = e.take("email", Email::parse(&input.email));
    e.take(
        "password",
        password::check_strength(&input.password, &input.email),
    );
    let role = match Role::parse(&input.role) {
        Some(Role::Worker) => {
            e.add("role", "务工人员请通过注册页面或工作站登记");
            None
        }
        Some(r) => Some(r),
        None => {
            e.add("role", "角色应为 admin、station、employer 或 trainer");
            None
        }
    };
    match role {
        Some(Role::Station) => match input.station_id {
            None => e.add("station_id", "工作站账号须指定所属工作站"),
            Some(id) if stations::get(db, id).await?.is_none() => {
                e.add("station_id", "没有这个工作站")
            }
            _ => {}
        },
        Some(Role::Employer) => match input.employer_id {
            None => e.add("employer_id", "企业账号须指定所属企业"),
            Some(id) if employers::get(db, id).await?.is_none() => {
                e.add("employer_id", "没有这个企业")
            }
            _ => {}
        },
        Some(Role::Trainer) => match input.provider_id {
            None => e.add("provider_id", "培训机构账号须指定所属机构"),
            Some(id) if !stations::provider_exists(db, id).await? => {
                e.add("provider_id", "没有这个培训机构")
            }
            _ => {}
        },
        _ => {}
    }
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Validation(e));
    };
    e.check()?;
    let display_name = input
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(email.as_str());
    let hash = password::hash(&input.password).await?;
    let id = users::insert(
        db,
        &NewUser {
            email: Some(email.as_str()),
            phone: None,
            password_hash: hash,
            role: Some(role),
            display_name,
            station_id: if role == Role::Station {
                input.station_id
            } else {
                None
            },
            employer_id: if role == Role::Employer {
                input.employer_id
            } else {
                None
            },
            provider_id: if role == Role::Trainer {
                input.provider_id
            } else {
                None
            },
            worker_id: None,
        },
    )
    .await?;
    tracing::info!(user.id = id, role = role.as_str(), "user created");
    Ok(id)
}

/// A labour station to create.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StationInput {
    pub name: String,
    /// `sending` (Meitan) or `receiving` (Doumen)
    pub side: String,
    pub email: String,
    /// County served (default: 520328 for sending, 440403 for receiving)
    pub county_code: Option<String>,
    /// The station's phone, carried by the hire message (a mobile or landline number)
    pub phone: Option<String>,
}

/// A station's phone: digits with an optional area-code dash, 7–20 characters.
fn station_phone(raw: &str) -> Result<String, String> {
    let p = raw.trim();
    if p.len() < 7
        || p.len() > 20
        || !p.chars().all(|c| c.is_ascii_digit() || c == '-')
        || !p.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err("电话号码格式不正确（如 13800001234 或 0756-5512345）".into());
    }
    Ok(p.to_owned())
}

pub async fn create_station(db: &Db, actor: &CurrentUser, input: &StationInput) -> AppResult<i64> {
    actor.require(&[Role::Admin])?;
    let mut e = FieldErrors::new();
    let name = e.take("name", text_field(&input.name, 2, 60, "工作站名称"));
    let side = match input.side.trim() {
        "sending" | "输出地" => Some("sending"),
        "receiving" | "输入地" => Some("receiving"),
        _ => {
            e.add("side", "应为 sending（输出地）或 receiving（输入地）");
            None
        }
    };
    let email = e.take("email", Email::parse(&input.email));
    let county = match input.county_code.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => {
            if crate::domain::gb2260::periods(c).is_empty() {
                e.add("county_code", "不是有效的县级行政区划代码");
            }
            Some(c.to_owned())
        }
        _ => side.map(|s| if s == "sending" { MEITAN } else { DOUMEN }.to_owned()),
    };
    let phone = match input.phone.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => e.take("phone", station_phone(p)),
        _ => Some(String::new()),
    };
    match (name, side, email, phone) {
        (Some(name), Some(side), Some(email), Some(phone)) if e.is_empty() => {
            let mut tx = db.begin().await?;
            let id =
                stations::insert(&mut *tx, &name, side, email.as_str(), county.as_deref()).await?;
            stations::set_phone(&mut *tx, id, &phone).await?;
            if let (Some(county), "sending") = (county.as_deref(), side) {
                // the county's workers who registered before it had a station
                let n = crate::db::workers::assign_unassigned(&mut tx, id, county).await?;
                tracing::info!(
                    station.id = id,
                    workers = n,
                    "station took over its county's unassigned workers"
                );
            }
            tx.commit().await?;
            Ok(id)
        }
        _ => Err(AppError::Validation(e)),
    }
}

/// A training provider to create.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProviderInput {
    pub name: String,
    pub email: String,
}

pub async fn create_provider(
    db: &Db,
    actor: &CurrentUser,
    input: &ProviderInput,
) -> AppResult<i64> {
    actor.require(&[Role::Admin])?;
    let mut e = FieldErrors::new();
    let name = e.take("name", text_field(&input.name, 2, 100, "机构名称"));
    let email = e.take("email", Email::parse(&input.email));
    match (name, email) {
        (Some(name), Some(email)) => {
            Ok(stations::insert_provider(db, &name, email.as_str()).await?)
        }
        _ => Err(AppError::Validation(e)),
    }
}

/// Checks a login and password and returns the user (constant work for unknown logins;
/// throttled per account and per address).
pub async fn check_login(state: &AppState, login: &str, pw: &str, ip: &str) -> AppResult<UserRow> {
    state.throttle.check(login, ip)?;
    let user = users::find_by_login(&state.db, login).await?;
    let hash = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
    let ok = password::verify(pw, hash).await;
    match user {
        Some(u) if ok && u.active => Ok(u),
        Some(u)
            if ok
                && u.role == Role::Employer
                && u.employer_status == Some(crate::domain::status::EmployerStatus::Pending) =>
        {
            // the right password for an HR login chosen at registration: say why it waits
            Err(AppError::conflict(
                "login",
                "贵单位的注册还在审核中：管理员审核通过后，才能用这个账号登录（审核结果会发到联系邮箱）",
            ))
        }
        _ => Err(AppError::Unauthorized),
    }
}

/// A new API token for a user who just proved their password.
pub async fn create_token(state: &AppState, user_id: i64, name: &str) -> AppResult<String> {
    Ok(users::create_token(&state.db, user_id, name).await?)
}

/// The login of a worker who just registered themselves (to log them in).
pub async fn login_of_worker(state: &AppState, worker_id: i64) -> AppResult<Option<i64>> {
    Ok(users::of_worker(&state.db, worker_id).await?.map(|u| u.id))
}

/// API tokens: the caller's own, or (the admin) another user's.
pub async fn tokens(
    state: &AppState,
    actor: &CurrentUser,
    user_id: Option<i64>,
) -> AppResult<Vec<TokenInfo>> {
    let owner = match user_id {
        Some(other) if other != actor.id => {
            actor.require(&[Role::Admin])?;
            other
        }
        _ => actor.id,
    };
    Ok(users::tokens_of(&state.db, owner).await?)
}

/// Revokes a token: its owner or the admin.
pub async fn revoke_token(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<()> {
    let owner = users::token_owner(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner != actor.id && !actor.is(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    users::revoke_token(&state.db, id).await?;
    Ok(())
}
