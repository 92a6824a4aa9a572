//! The mail outbox: rows written in the same transaction as the event they announce, delivered
//! at least once by the sender: claimed with a lease before sending (renewed while the send is
//! in flight, by the holder only), marked sent after. A crash between delivery and marking
//! sends the row again, with the same Message-ID (see [`crate::mail`]).

use sqlx::Row;

use super::Db;
use crate::domain::now_timestamp;

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub kind: &'a str,
    /// One message per key (e.g. `digest:3:2026-11-30`); `None` for event mail.
    pub dedupe_key: Option<String>,
    pub recipient: &'a str,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

/// Writes a message in the caller's transaction. Returns `false` when a message with the same
/// key was already written.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    m: &NewMail<'_>,
) -> Result<bool, sqlx::Error> {
    let now = now_timestamp();
    let result = sqlx::query(
        "insert into outbox (kind, dedupe_key, recipient, subject, body_text, body_html, created_at, next_attempt_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(m.kind)
    .bind(m.dedupe_key.clone())
    .bind(m.recipient)
    .bind(&m.subject)
    .bind(&m.body_text)
    .bind(&m.body_html)
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
pub struct Pending {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
    /// When the row was written: with the id, it makes the message's stable Message-ID.
    pub created_at: String,
}

/// Messages not yet sent whose next attempt is due and that nobody holds a claim on.
pub async fn due(db: &Db, now: &str, limit: i64) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select id, recipient, subject, body_text, body_html, attempts, created_at from outbox \
         where sent_at is null and failed_at is null and next_attempt_at <= $1 \
         and (claimed_until is null or claimed_until < $1) order by id limit {limit}"
    ))
    .bind(now)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Pending {
                id: r.try_get("id")?,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body_text: r.try_get("body_text")?,
                body_html: r.try_get("body_html")?,
                attempts: r.try_get("attempts")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Takes a message for delivery until `until`, for the sender `owner`; `false` when another
/// sender holds an unexpired lease on it (or it was sent).
pub async fn claim(
    db: &Db,
    id: i64,
    owner: &str,
    now: &str,
    until: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update outbox set claimed_until = $1, claimed_by = $2 where id = $3 and sent_at is null \
         and (claimed_until is null or claimed_until < $4)",
    )
    .bind(until)
    .bind(owner)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Extends `owner`'s lease on a message to `until` while its delivery is in flight; `false`
/// (and nothing changed) when the row is leased by another sender, no longer leased, or sent.
pub async fn renew(db: &Db, id: i64, owner: &str, until: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update outbox set claimed_until = $1 where id = $2 and claimed_by = $3 \
         and claimed_until is not null and sent_at is null",
    )
    .bind(until)
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set sent_at = $1, attempts = attempts + 1, last_error = null where id = $2",
    )
    .bind(now_timestamp())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records `owner`'s failed attempt and gives the lease back: try again at `next`, or give up
/// (`failed`). Nothing changes when another sender holds the row by now (its lease ran out and
/// it was claimed again), so one sender's failure never releases another's claim.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    next: &str,
    give_up: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update outbox set attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = null, \
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

/// The dedupe keys already written that match any of the `like` patterns.
pub async fn keys_like(db: &Db, patterns: &[&str]) -> Result<Vec<String>, sqlx::Error> {
    let mut keys = Vec::new();
    for p in patterns {
        let rows = sqlx::query("select dedupe_key from outbox where dedupe_key like $1")
            .bind(*p)
            .fetch_all(db)
            .await?;
        for r in rows {
            keys.push(r.try_get::<String, _>(0)?);
        }
    }
    Ok(keys)
}
