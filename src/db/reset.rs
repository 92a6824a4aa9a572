//! Password-reset codes (by phone) and links (by e-mail). Codes and link tokens are stored
//! hashed; a code lives 10 minutes and 5 wrong tries, a link 30 minutes and one use.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::Db;

/// The stored form of a code or link token (bound to the phone for codes).
pub fn hash(scope: &str, secret: &str) -> String {
    hex::encode(Sha256::digest(format!("{scope}:{secret}").as_bytes()))
}

/// Where a phone stands against the code limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// a code may be sent now (and the slot is taken, in the caller's transaction)
    Taken,
    /// within a minute of the last code
    Minute,
    /// the hour's codes are used up
    Hour,
    /// the day's codes are used up
    Day,
}

/// The limits a phone's codes keep.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a> {
    pub now: &'a str,
    pub minute_ago: &'a str,
    pub hour_ago: &'a str,
    pub day_ago: &'a str,
    pub per_hour: i64,
    pub per_day: i64,
}

/// Takes a code slot for `phone` in the caller's transaction: one guarded update of the
/// phone's `reset_limits` row, so that requests arriving together are decided one after the
/// other by the database (PostgreSQL re-checks the guard on the locked row; SQLite has one
/// writer) — never by counts read before any of them wrote.
pub async fn take_slot(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    phone: &str,
    l: &Limits<'_>,
) -> Result<Slot, sqlx::Error> {
    sqlx::query(
        "insert into reset_limits (phone, last_at, hour_start, hour_count, day_start, day_count) \
         values ($1, '', '', 0, '', 0) on conflict (phone) do nothing",
    )
    .bind(phone)
    .execute(&mut **tx)
    .await?;
    let done = sqlx::query(
        "update reset_limits set last_at = $2, \
         hour_count = case when hour_start > $4 then hour_count + 1 else 1 end, \
         hour_start = case when hour_start > $4 then hour_start else $2 end, \
         day_count = case when day_start > $5 then day_count + 1 else 1 end, \
         day_start = case when day_start > $5 then day_start else $2 end \
         where phone = $1 and last_at <= $3 \
         and (hour_start <= $4 or hour_count < $6) and (day_start <= $5 or day_count < $7)",
    )
    .bind(phone)
    .bind(l.now)
    .bind(l.minute_ago)
    .bind(l.hour_ago)
    .bind(l.day_ago)
    .bind(l.per_hour)
    .bind(l.per_day)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Slot::Taken);
    }
    let row = sqlx::query(
        "select last_at, hour_start, hour_count, day_start, day_count from reset_limits where phone = $1",
    )
    .bind(phone)
    .fetch_one(&mut **tx)
    .await?;
    let last: String = row.try_get("last_at")?;
    let hour_start: String = row.try_get("hour_start")?;
    let day_start: String = row.try_get("day_start")?;
    Ok(if last.as_str() > l.minute_ago {
        Slot::Minute
    } else if day_start.as_str() > l.day_ago && row.try_get::<i64, _>("day_count")? >= l.per_day {
        Slot::Day
    } else if hour_start.as_str() > l.hour_ago {
        Slot::Hour
    } else {
        Slot::Minute
    })
}

/// Ends every outstanding code and link of a user whose password was just set, in the
/// caller's transaction: using one of them ends the others.
pub async fn end_outstanding(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("update reset_links set used_at = $1 where user_id = $2 and used_at is null")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update reset_codes set ended_at = $1 where user_id = $2 and ended_at is null")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A new code for `phone` in the caller's transaction; the phone's earlier codes end.
pub async fn insert_code(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    phone: &str,
    user_id: Option<i64>,
    code_hash: &str,
    now: &str,
    expires_at: &str,
    by_station: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update reset_codes set ended_at = $1 where phone = $2 and ended_at is null")
        .bind(now)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "insert into reset_codes (phone, user_id, code_hash, created_at, expires_at, by_station) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(phone)
    .bind(user_id)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .bind(by_station)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The live code of a phone.
#[derive(Debug, Clone)]
pub struct LiveCode {
    pub id: i64,
    pub user_id: Option<i64>,
    pub code_hash: String,
    pub tries: i64,
}

/// The phone's code that is neither ended nor expired at `now`.
pub async fn live_code(db: &Db, phone: &str, now: &str) -> Result<Option<LiveCode>, sqlx::Error> {
    let row = sqlx::query(
        "select id, user_id, code_hash, tries from reset_codes where phone = $1 and ended_at is null \
         and expires_at > $2 order by id desc limit 1",
    )
    .bind(phone)
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(LiveCode {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            code_hash: r.try_get("code_hash")?,
            tries: r.try_get("tries")?,
        })
    })
    .transpose()
}

/// Counts a wrong try; the code ends at `max` tries. Returns the tries now counted.
pub async fn wrong_try(db: &Db, id: i64, max: i64, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update reset_codes set tries = tries + 1, \
         ended_at = case when tries + 1 >= $1 then $2 else ended_at end where id = $3 and ended_at is null",
    )
    .bind(max)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses a code in the caller's transaction; `false` when it was used or ended meanwhile.
pub async fn use_code(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("update reset_codes set ended_at = $1 where id = $2 and ended_at is null")
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A new e-mail reset link's token (hashed) for a user, in the caller's transaction.
pub async fn insert_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    token_hash: &str,
    now: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into reset_links (user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many links were made for a user since `since`.
pub async fn links_since(db: &Db, user_id: i64, since: &str) -> Result<i64, sqlx::Error> {
    let row =
        sqlx::query("select count(*) from reset_links where user_id = $1 and created_at >= $2")
            .bind(user_id)
            .bind(since)
            .fetch_one(db)
            .await?;
    row.try_get::<i64, _>(0)
}

/// Uses a link in the caller's transaction: its user when it was live and unused.
pub async fn use_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token_hash: &str,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "update reset_links set used_at = $1 where token_hash = $2 and used_at is null and expires_at > $1 \
         returning user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get::<i64, _>("user_id")).transpose()
}

/// The login a live link belongs to (nothing when it is used, expired or unknown).
pub async fn link_owner(db: &Db, token_hash: &str, now: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select user_id from reset_links where token_hash = $1 and used_at is null and expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Whether a link is live (for showing the form).
pub async fn link_live(db: &Db, token_hash: &str, now: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) from reset_links where token_hash = $1 and used_at is null and expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}
