//! The SMS outbox (see [`crate::sms`]): rows written in the event's transaction, claimed with
//! a lease by one sender, marked sent after delivery; the same design as [`super::outbox`].

use sqlx::Row;

use super::Db;
use crate::domain::now_timestamp;

/// A text message to write.
#[derive(Debug, Clone)]
pub struct NewSms<'a> {
    /// `invitation`, `hire`, `course_confirmed`, `event_signup`, `event_reminder`,
    /// `reset_code`, `problem_reported`
    pub kind: &'a str,
    /// One message per key (e.g. `reminder:EVENT:WORKER`); `None` for event messages.
    pub dedupe_key: Option<String>,
    pub phone: &'a str,
    /// The template's parameters as a JSON object.
    pub params: String,
    /// The text as the worker reads it (without the sign name).
    pub body: String,
}

/// Writes a message in the caller's transaction; `false` when its key was already written.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    m: &NewSms<'_>,
) -> Result<bool, sqlx::Error> {
    let now = now_timestamp();
    let result = sqlx::query(
        "insert into sms_outbox (kind, dedupe_key, phone, params, body, created_at, next_attempt_at) \
         values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(m.kind)
    .bind(m.dedupe_key.clone())
    .bind(m.phone)
    .bind(&m.params)
    .bind(&m.body)
    .bind(&now)
    .execute(&mut **tx)
    .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if crate::error::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A message due for delivery.
#[derive(Debug, Clone)]
pub struct PendingSms {
    pub id: i64,
    pub kind: String,
    pub phone: String,
    pub params: String,
    pub body: String,
    pub attempts: i64,
    pub created_at: String,
}

/// Messages not yet sent whose next attempt is due and that nobody holds a claim on.
pub async fn due(db: &Db, now: &str, limit: i64) -> Result<Vec<PendingSms>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select id, kind, phone, params, body, attempts, created_at from sms_outbox \
         where sent_at is null and failed_at is null and next_attempt_at <= $1 \
         and (claimed_until is null or claimed_until < $1) order by id limit {limit}"
    ))
    .bind(now)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PendingSms {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                phone: r.try_get("phone")?,
                params: r.try_get("params")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Takes a message for delivery until `until`; `false` when another sender holds it.
pub async fn claim(
    db: &Db,
    id: i64,
    owner: &str,
    now: &str,
    until: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update sms_outbox set claimed_until = $1, claimed_by = $2 where id = $3 and sent_at is null \
         and failed_at is null and (claimed_until is null or claimed_until < $4)",
    )
    .bind(until)
    .bind(owner)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The retention sweep of the outbox: blanks the text of reset codes sent (or given up) before
/// `codes_before`, deletes messages sent or given up before `rows_before`. Returns both counts.
pub async fn sweep(
    db: &Db,
    codes_before: &str,
    rows_before: &str,
) -> Result<(u64, u64), sqlx::Error> {
    let codes = sqlx::query(
        "update sms_outbox set params = '{}', body = '（验证码已过期清除）' \
         where kind = 'reset_code' and created_at < $1 and params <> '{}' \
         and (sent_at is not null or failed_at is not null)",
    )
    .bind(codes_before)
    .execute(db)
    .await?
    .rows_affected();
    let rows = sqlx::query(
        "delete from sms_outbox where created_at < $1 and (sent_at is not null or failed_at is not null)",
    )
    .bind(rows_before)
    .execute(db)
    .await?
    .rows_affected();
    Ok((codes, rows))
}

pub async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sms_outbox set sent_at = $1, attempts = attempts + 1, last_error = null where id = $2",
    )
    .bind(now_timestamp())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records `owner`'s failed attempt and gives the lease back (try again at `next`, or give up).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    next: &str,
    give_up: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sms_outbox set attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = null, \
         claimed_by = null, failed_at = case when $3 = 1 then $2 else null end where id = $4 and claimed_by = $5",
    )
    .bind(error)
    .bind(next)
    .bind(i64::from(give_up))
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(())
}

/// A stored message, for tests and the admin.
#[derive(Debug, Clone)]
pub struct SmsRow {
    pub id: i64,
    pub kind: String,
    pub phone: String,
    pub body: String,
    pub attempts: i64,
    pub sent: bool,
    pub last_error: Option<String>,
}

/// The messages written to `phone`, oldest first.
pub async fn to_phone(db: &Db, phone: &str) -> Result<Vec<SmsRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select id, kind, phone, body, attempts, sent_at, last_error from sms_outbox where phone = $1 order by id",
    )
    .bind(phone)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SmsRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                phone: r.try_get("phone")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
                sent: r.try_get::<Option<String>, _>("sent_at")?.is_some(),
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

/// A worker's phone for a message: `None` when the worker turned messages off (unless
/// `always`, for the reset code) or has no phone.
pub async fn worker_phone(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker_id: i64,
    always: bool,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("select phone, sms_off from workers where id = $1")
        .bind(worker_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let phone: String = row.try_get("phone")?;
    let off = super::get_bool(&row, "sms_off")?;
    Ok((!phone.is_empty() && (always || !off)).then_some(phone))
}

/// A station's phone ('' when none was given).
pub async fn station_phone(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    station_id: Option<i64>,
) -> Result<String, sqlx::Error> {
    let Some(id) = station_id else {
        return Ok(String::new());
    };
    Ok(sqlx::query("select phone from stations where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get::<String, _>("phone"))
        .transpose()?
        .unwrap_or_default())
}

/// Whether a worker receives messages other than the reset code.
pub async fn sms_off(db: &Db, worker_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select sms_off from workers where id = $1")
        .bind(worker_id)
        .fetch_optional(db)
        .await?;
    row.map_or(Ok(false), |r| super::get_bool(&r, "sms_off"))
}

/// Turns a worker's messages (all but the reset code) off or on.
pub async fn set_sms_off(db: &Db, worker_id: i64, off: bool) -> Result<(), sqlx::Error> {
    sqlx::query("update workers set sms_off = $1 where id = $2")
        .bind(off)
        .bind(worker_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The dedupe keys already written that match any of the `like` patterns.
pub async fn keys_like(db: &Db, patterns: &[&str]) -> Result<Vec<String>, sqlx::Error> {
    let mut keys = Vec::new();
    for p in patterns {
        let rows = sqlx::query("select dedupe_key from sms_outbox where dedupe_key like $1")
            .bind(*p)
            .fetch_all(db)
            .await?;
        for r in rows {
            keys.push(r.try_get::<String, _>(0)?);
        }
    }
    Ok(keys)
}
