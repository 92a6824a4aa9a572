//! Logins and API tokens.

use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::{Db, DbError, get_bool, is_unique_violation};
use crate::domain::status::EmployerStatus;
use crate::domain::{Role, now_timestamp};
use time::OffsetDateTime;

/// A stored login.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub display_name: String,
    pub station_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub worker_id: Option<i64>,
    /// The login is on and, for an enterprise's login, the enterprise is neither rejected nor
    /// suspended ([`EmployerStatus::is_barred`]).
    pub active: bool,
    /// The enterprise's standing, for an enterprise's login.
    pub employer_status: Option<EmployerStatus>,
    /// Moved on by a new password: sessions that carry an older one are void.
    pub session_epoch: i64,
}

const COLUMNS: &str = "u.id, u.email, u.phone, u.password_hash, u.role, u.display_name, u.station_id, \
    u.employer_id, u.provider_id, u.worker_id, u.active, u.session_epoch, \
    (select case when e.suspended_at is not null then 'suspended' else e.status end \
     from employers e where e.id = u.employer_id) as employer_status";

impl UserRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let role: String = r.try_get("role")?;
        let employer_status = r
            .try_get::<Option<String>, _>("employer_status")?
            .and_then(|s| EmployerStatus::parse(&s));
        let barred = employer_status.is_some_and(EmployerStatus::is_barred);
        Ok(Self {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            password_hash: r.try_get("password_hash")?,
            role: Role::parse(&role).unwrap_or(Role::Worker),
            display_name: r.try_get("display_name")?,
            station_id: r.try_get("station_id")?,
            employer_id: r.try_get("employer_id")?,
            provider_id: r.try_get("provider_id")?,
            worker_id: r.try_get("worker_id")?,
            active: get_bool(r, "active")? && !barred,
            employer_status,
            session_epoch: r.try_get("session_epoch")?,
        })
    }
}

/// Switches a login off until the enterprise it belongs to is verified (an HR login chosen at
/// an enterprise's registration).
pub async fn wait_for_verification<'c, E>(executor: E, id: i64) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("update users set active = $1 where id = $2 and role = 'employer'")
        .bind(false)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(())
}

/// A login to create.
#[derive(Debug, Default)]
pub struct NewUser<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password_hash: String,
    pub role: Option<Role>,
    pub display_name: &'a str,
    pub station_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub worker_id: Option<i64>,
}

/// Inserts a login; an e-mail or phone already used is a 409.
pub async fn insert<'c, E>(executor: E, u: &NewUser<'_>) -> Result<i64, DbError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let role = u.role.unwrap_or(Role::Worker);
    let result = sqlx::query(
        "insert into users (email, phone, password_hash, role, display_name, station_id, \
         employer_id, provider_id, worker_id, active, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10) returning id",
    )
    .bind(u.email)
    .bind(u.phone)
    .bind(&u.password_hash)
    .bind(role.as_str())
    .bind(u.display_name)
    .bind(u.station_id)
    .bind(u.employer_id)
    .bind(u.provider_id)
    .bind(u.worker_id)
    .bind(now_timestamp())
    .fetch_one(executor)
    .await;
    match result {
        Ok(row) => Ok(row.try_get("id")?),
        Err(e) if is_unique_violation(&e) => {
            let field = if u.email.is_some() { "email" } else { "phone" };
            Err(DbError::Duplicate {
                field,
                message: "该账号（邮箱或手机号）已被使用",
            })
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn get(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!("select {COLUMNS} from users u where u.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

/// The login of a worker, if they have one.
pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from users u where u.worker_id = $1 limit 1"
    ))
    .bind(worker_id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

/// Finds a login by e-mail (case-insensitive) or mobile number.
pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let login = login.trim();
    let phone = crate::domain::MobilePhone::parse(login)
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let row = sqlx::query(&format!(
        "select {COLUMNS} from users u where u.email = $1 or (u.phone = $2 and u.phone <> '') limit 1"
    ))
    .bind(login.to_lowercase())
    .bind(phone)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    super::count(db, "select count(*) from users").await
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Bumped after every committed write that can change what a token stands for (a token
/// revoked, a login switched off or anonymised, an enterprise's standing); a cached token →
/// user answer read under an older generation is not used ([`crate::auth::TokenCache`]).
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The current generation of logins and tokens (read it *before* reading a user).
pub fn generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::SeqCst)
}

/// Marks logins and tokens changed; call after the commit of such a change.
pub fn changed() {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// The stored form of a bearer token (its SHA-256, hex).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a bearer token; only its SHA-256 is stored.
pub async fn create_token(db: &Db, user_id: i64, name: &str) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("lw_{}", hex::encode(bytes));
    sqlx::query(
        "insert into api_tokens (user_id, token_hash, name, created_at) values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(hash_token(&token))
    .bind(name)
    .bind(now_timestamp())
    .execute(db)
    .await?;
    Ok(token)
}

/// The active user behind a bearer token, if the token is live.
///
/// The token's last use is written at most once a minute and never fails the request: on
/// SQLite a long import holds the one write lock batch after batch, and a reader of its own
/// job's progress must not wait for it (nor fail with "database is locked").
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<UserRow>, sqlx::Error> {
    user_for_token_hash(db, &hash_token(token)).await
}

/// [`user_for_token`] by the token's hash ([`hash_token`]).
pub async fn user_for_token_hash(db: &Db, hash: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "select {COLUMNS}, t.last_used_at as token_last_used_at from users u \
         join api_tokens t on t.user_id = u.id \
         where t.token_hash = $1 and t.revoked_at is null"
    ))
    .bind(hash)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user = UserRow::from_row(&row)?;
    let last: Option<String> = row.try_get("token_last_used_at")?;
    let now = OffsetDateTime::now_utc();
    let stale_before = crate::domain::fmt_instant(now - time::Duration::minutes(1));
    if last.is_none_or(|l| l < stale_before) {
        let touched = sqlx::query("update api_tokens set last_used_at = $1 where token_hash = $2")
            .bind(crate::domain::fmt_instant(now))
            .bind(hash)
            .execute(db)
            .await;
        if let Err(e) = touched {
            tracing::warn!(user_id = user.id, error = %e, "token last use not recorded");
        }
    }
    Ok(Some(user))
}

/// A user's tokens, newest first (never the secrets).
pub async fn tokens_of(db: &Db, user_id: i64) -> Result<Vec<TokenInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "select id, name, created_at, last_used_at, revoked_at from api_tokens where user_id = $1 order by id desc",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// The owner of a token.
pub async fn token_owner(db: &Db, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("select user_id from api_tokens where id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()
}

/// Revokes a token (it stops working at once).
pub async fn revoke_token(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null")
        .bind(now_timestamp())
        .bind(id)
        .execute(db)
        .await?;
    changed();
    Ok(())
}

/// A new password in the caller's transaction: every session (the epoch moves on) and every
/// API token of the user ends.
pub async fn set_password_and_revoke(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update users set password_hash = $1, session_epoch = session_epoch + 1 where id = $2",
    )
    .bind(password_hash)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null")
        .bind(now_timestamp())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The active login whose mobile number is `phone`.
pub async fn by_phone(db: &Db, phone: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from users u where u.phone = $1 and u.phone <> '' limit 1"
    ))
    .bind(phone)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

/// Whether a login is its station's head (站长).
pub async fn is_head(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select is_head from users where id = $1 and role = 'station'")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    row.map_or(Ok(false), |r| get_bool(&r, "is_head"))
}

/// Marks a station login head or not; `false` when there is no such station login.
pub async fn set_head(db: &Db, user_id: i64, head: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update users set is_head = $1 where id = $2 and role = 'station'")
        .bind(head)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A station's login as the admin's page lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StationLogin {
    pub id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub station_id: Option<i64>,
    pub station_name: Option<String>,
    pub is_head: bool,
    pub active: bool,
}

/// Every station login, by station.
pub async fn station_logins(db: &Db) -> Result<Vec<StationLogin>, sqlx::Error> {
    let rows = sqlx::query(
        "select u.id, u.display_name, u.email, u.station_id, s.name as station_name, u.is_head, u.active \
         from users u left join stations s on s.id = u.station_id where u.role = 'station' \
         order by u.station_id, u.id limit 1000",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StationLogin {
                id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                email: r.try_get("email")?,
                station_id: r.try_get("station_id")?,
                station_name: r.try_get("station_name")?,
                is_head: get_bool(r, "is_head")?,
                active: get_bool(r, "active")?,
            })
        })
        .collect()
}

/// The active admin logins with an e-mail address (the bureau's daily digest): (id, address).
pub async fn bureau_recipients(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "select id, email from users where role = 'admin' and active = true and email is not null \
         and email <> '' order by id",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("email")?)))
        .collect()
}
