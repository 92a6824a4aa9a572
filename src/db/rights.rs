//! The writes behind a worker's rights: a correction, a deletion request, and the
//! anonymisation a station confirms. Each writes the worker's change row.

use sqlx::Row;

use super::{Db, record_change};
use crate::domain::now_timestamp;

/// What a correction leaves in the record.
pub struct Corrected {
    pub phone: String,
    pub email: Option<String>,
    pub skills: String,
    pub desired_jobs: String,
    pub expected_wage: Option<i64>,
    pub needs_lodging: bool,
    pub available_from: Option<String>,
}

pub async fn correct(db: &Db, id: i64, c: &Corrected) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "update workers set phone = $1, email = $2, skills = $3, desired_jobs = $4, expected_wage = $5, \
         needs_lodging = $6, available_from = $7, updated_at = $8 where id = $9",
    )
    .bind(&c.phone)
    .bind(c.email.clone())
    .bind(&c.skills)
    .bind(&c.desired_jobs)
    .bind(c.expected_wage)
    .bind(c.needs_lodging)
    .bind(c.available_from.clone())
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await
}

pub async fn request_deletion(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update workers set deletion_requested_at = $1 where id = $2 and deletion_requested_at is null",
    )
    .bind(now_timestamp())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// When the worker asked for deletion, if the request is still open.
pub async fn deletion_requested_at(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("select deletion_requested_at from workers where id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .map_or(Ok(None), |r| r.try_get(0))
}

/// Withdraws an open deletion request; `false` when there was none.
pub async fn cancel_deletion(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update workers set deletion_requested_at = null where id = $1 and deletion_requested_at is not null",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn deletion_requested(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let at: Option<String> = sqlx::query("select deletion_requested_at from workers where id = $1")
        .bind(id)
        .fetch_one(db)
        .await?
        .try_get(0)?;
    Ok(at.is_some())
}

/// Open deletion requests: `(worker id, name, asked at)`, of one station's workers or all.
pub async fn deletion_requests(
    db: &Db,
    station: Option<i64>,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let rows = match station {
        Some(s) => sqlx::query(
            "select id, name, deletion_requested_at from workers where deletion_requested_at is not null \
             and anonymised_at is null and station_id = $1 order by deletion_requested_at",
        )
        .bind(s)
        .fetch_all(db)
        .await?,
        None => sqlx::query(
            "select id, name, deletion_requested_at from workers where deletion_requested_at is not null \
             and anonymised_at is null order by deletion_requested_at",
        )
        .fetch_all(db)
        .await?,
    };
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// What identifies a person in free text: their name, phone, 身份证 number and e-mail.
pub struct Identity {
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub email: Option<String>,
}

impl Identity {
    /// The values worth looking for (a one-character name would match too much).
    fn needles(&self) -> Vec<&str> {
        let mut v = vec![self.phone.as_str(), self.id_number.as_str()];
        if self.name.chars().count() >= 2 {
            v.push(self.name.as_str());
        }
        v.extend(self.email.as_deref());
        v.retain(|n| !n.is_empty());
        v
    }
}

/// What stays stored in place of a person's details.
pub const ERASED: &str = "（已注销）";

/// Removes a person's identity and contact details from every copy the database holds,
/// keeping what the figures need (township, household flags, sex, birth year, the records of
/// applications and placements): the worker row, the login's display name, the mail in the
/// outbox that named them (returned: the ids whose `.eml` copies the caller deletes), what
/// officers and enterprises wrote about them (follow-up notes, case descriptions and
/// resolutions, application notes), their data-quality findings. Their login is switched off
/// and its tokens revoked.
pub async fn anonymise(
    db: &Db,
    id: i64,
    who: &Identity,
    birth_year: &str,
) -> Result<Erased, sqlx::Error> {
    let now = now_timestamp();
    let mut tx = db.begin().await?;
    let mut mail_ids = Vec::new();
    // text messages to the person's phones (the record's and the login's), their reset codes,
    // links and limits: deleted, not kept (nothing in the figures needs them)
    let mut phones: Vec<String> =
        sqlx::query_scalar::<_, Option<String>>("select phone from users where worker_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .flatten()
            .collect();
    phones.push(who.phone.clone());
    phones.retain(|p| !p.is_empty());
    phones.dedup();
    let mut sms_ids = Vec::new();
    for phone in &phones {
        sms_ids.extend(
            sqlx::query_scalar::<_, i64>("select id from sms_outbox where phone = $1")
                .bind(phone)
                .fetch_all(&mut *tx)
                .await?,
        );
        for sql in [
            "delete from sms_outbox where phone = $1",
            "delete from reset_codes where phone = $1",
            "delete from reset_limits where phone = $1 or phone = 'station:' || $1",
        ] {
            sqlx::query(sql).bind(phone).execute(&mut *tx).await?;
        }
    }
    for sql in [
        "delete from reset_codes where user_id in (select id from users where worker_id = $1)",
        "delete from reset_links where user_id in (select id from users where worker_id = $1)",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    for needle in who.needles() {
        let like = format!("%{needle}%");
        let rows = sqlx::query(
            "select id from outbox where recipient = $1 or subject like $2 or body_text like $2 or body_html like $2",
        )
        .bind(needle)
        .bind(&like)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            let mid: i64 = r.try_get(0)?;
            if !mail_ids.contains(&mid) {
                mail_ids.push(mid);
            }
        }
        sqlx::query(
            "update outbox set subject = replace(subject, $1, $2), body_text = replace(body_text, $1, $2), \
             body_html = replace(body_html, $1, $2), \
             recipient = case when recipient = $1 then $2 else recipient end \
             where recipient = $1 or subject like $3 or body_text like $3 or body_html like $3",
        )
        .bind(needle)
        .bind(ERASED)
        .bind(&like)
        .execute(&mut *tx)
        .await?;
    }
    // unsent mail about a person who asked to be forgotten is not sent
    for mid in &mail_ids {
        sqlx::query(
            "update outbox set failed_at = $1, last_error = '本人已注销' where id = $2 and sent_at is null and failed_at is null",
        )
        .bind(&now)
        .bind(mid)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "update follow_ups set note = '' where placement_id in (select id from placements where worker_id = $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update cases set description = $1, resolution = case when resolution is null then null else $1 end \
         where worker_id = $2",
    )
    .bind(ERASED)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // a station's reason for declining a found-job report may name the person
    sqlx::query("update found_reports set reason = $1 where worker_id = $2 and reason is not null")
        .bind(ERASED)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update application_events set note = '' where application_id in (select id from applications where worker_id = $1)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update users set display_name = $1 where worker_id = $2")
        .bind(ERASED)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update workers set name = '已注销', id_number = $1, phone = '', email = null, skills = '', desired_jobs = '', \
         birth_date = $2, household_no = null, work_place = null, employment_note = null, status = 'inactive', \
         weekly_matches = $3, anonymised_at = $4, updated_at = $4 where id = $5",
    )
    .bind(format!("ANON{id:014}"))
    .bind(format!("{birth_year}-01-01"))
    .bind(false)
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update users set active = $1, email = null, phone = null where worker_id = $2")
        .bind(false)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update api_tokens set revoked_at = $1 where user_id in (select id from users where worker_id = $2) \
         and revoked_at is null",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from quality_findings where worker_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await?;
    super::users::changed();
    Ok(Erased { mail_ids, sms_ids })
}

/// The outbox rows an anonymisation erased, whose copies on disk the caller deletes.
#[derive(Debug, Default)]
pub struct Erased {
    /// mail that named the person (`DATA_DIR/mail/outbox-ID.eml`)
    pub mail_ids: Vec<i64>,
    /// text messages to their phones (`DATA_DIR/sms/sms-ID.json`)
    pub sms_ids: Vec<i64>,
}
