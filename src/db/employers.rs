//! Enterprises: registration, verification, lookup.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::Db;
use super::DbError;
use crate::domain::employer::NewEmployer;
use crate::domain::now_timestamp;
use crate::domain::region::township_name;
use crate::domain::status::EmployerStatus;

/// A stored enterprise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmployerRow {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub town_code: String,
    pub town: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// `pending`, `verified`, `rejected` or `suspended`
    pub status: String,
    pub verified_at: Option<String>,
    pub created_at: String,
}

impl EmployerRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let town_code: String = r.try_get("town_code")?;
        Ok(Self {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            uscc: r.try_get("uscc")?,
            town: township_name(&town_code),
            town_code,
            address: r.try_get("address")?,
            contact_name: r.try_get("contact_name")?,
            contact_phone: r.try_get("contact_phone")?,
            contact_email: r.try_get("contact_email")?,
            status: r.try_get("status")?,
            verified_at: r.try_get("verified_at")?,
            created_at: r.try_get("created_at")?,
        })
    }

    pub fn is_verified(&self) -> bool {
        self.standing() == EmployerStatus::Verified
    }

    pub fn standing(&self) -> EmployerStatus {
        EmployerStatus::parse(&self.status).unwrap_or(EmployerStatus::Pending)
    }

    pub fn status_label(&self) -> &str {
        EmployerStatus::label_of(&self.status)
    }
}

const COLUMNS: &str = "id, name, uscc, town_code, address, contact_name, contact_phone, \
    contact_email, case when suspended_at is not null then 'suspended' else status end as status, \
    verified_at, created_at";

/// Registers an enterprise as pending; a USCC already registered is a 409.
pub async fn insert<'c, X>(db: X, e: &NewEmployer) -> Result<i64, DbError>
where
    X: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let now = now_timestamp();
    let result = sqlx::query(
        "insert into employers (name, uscc, town_code, address, contact_name, contact_phone, \
         contact_email, status, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8) returning id",
    )
    .bind(&e.name)
    .bind(e.uscc.as_str())
    .bind(e.town.as_str())
    .bind(&e.address)
    .bind(e.contact_name.as_str())
    .bind(e.contact_phone.as_str())
    .bind(e.contact_email.as_str())
    .bind(&now)
    .fetch_one(db)
    .await;
    Ok(result
        .map_err(|e| DbError::duplicate_or(e, "uscc", "该统一社会信用代码已经注册过"))?
        .try_get("id")?)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<EmployerRow>, sqlx::Error> {
    let row = sqlx::query(&format!("select {COLUMNS} from employers where id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(EmployerRow::from_row).transpose()
}

/// Sets an enterprise's standing — verified (also lifts a suspension), rejected, or
/// suspended — if it still is `from` (a guarded update: of two admins acting at once, one
/// wins; `false` for the other, and when there is no such enterprise). Its vacancies get
/// change rows (they enter or leave search), and while it is barred its unsent mail is dropped.
pub async fn set_status(
    db: &Db,
    id: i64,
    from: EmployerStatus,
    status: EmployerStatus,
    by: i64,
) -> Result<bool, sqlx::Error> {
    const STANDING: &str = "(case when suspended_at is not null then 'suspended' else status end)";
    let now = now_timestamp();
    let mut tx = db.begin().await?;
    let done = match status {
        EmployerStatus::Suspended => {
            sqlx::query(&format!(
                "update employers set suspended_at = $1, updated_at = $1 where id = $2 and {STANDING} = $3"
            ))
            .bind(&now)
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
        }
        _ => {
            sqlx::query(&format!(
                "update employers set status = $1, verified_at = $2, verified_by = $3, \
                 suspended_at = null, updated_at = $2 where id = $4 and {STANDING} = $5"
            ))
            .bind(status.as_str())
            .bind(&now)
            .bind(by)
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
        }
    };
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "insert into search_changes (entity, entity_id, created_at) \
         select 'vacancy', id, $1 from vacancies where employer_id = $2",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if status == EmployerStatus::Verified {
        // the HR login chosen at registration waits, switched off, for this moment (an
        // enterprise's login is never switched off otherwise)
        sqlx::query(
            "update users set active = $1 where employer_id = $2 and role = 'employer' and active = $3",
        )
        .bind(true)
        .bind(id)
        .bind(false)
        .execute(&mut *tx)
        .await?;
    }
    if status.is_barred() {
        sqlx::query(
            "update outbox set failed_at = $1, last_error = '企业已停用，不再发送' \
             where sent_at is null and failed_at is null \
             and recipient = (select contact_email from employers where id = $2)",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    super::users::changed();
    Ok(true)
}

/// All enterprises, pending first.
pub async fn list(db: &Db, status: Option<&str>) -> Result<Vec<EmployerRow>, sqlx::Error> {
    let rows = match status {
        Some(s) => {
            sqlx::query(&format!(
                "select {COLUMNS} from employers where status = $1 order by id desc limit 500"
            ))
            .bind(s)
            .fetch_all(db)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "select {COLUMNS} from employers order by case status when 'pending' then 0 else 1 end, id desc limit 500"
            ))
            .fetch_all(db)
            .await?
        }
    };
    rows.iter().map(EmployerRow::from_row).collect()
}

/// How many enterprises there are (of `status`, or all).
pub async fn count(db: &Db, status: Option<&str>) -> Result<i64, sqlx::Error> {
    sqlx::query("select count(*) from employers where ($1 = '' or status = $1)")
        .bind(status.unwrap_or(""))
        .fetch_one(db)
        .await?
        .try_get(0)
}

/// Enterprises (of `status`, or all with those awaiting verification first), newest first:
/// `limit` of them after skipping `offset`.
pub async fn list_page(
    db: &Db,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EmployerRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from employers where ($1 = '' or status = $1) \
         order by case status when 'pending' then 0 else 1 end, id desc limit {} offset {}",
        limit.max(0),
        offset.max(0)
    ))
    .bind(status.unwrap_or(""))
    .fetch_all(db)
    .await?;
    rows.iter().map(EmployerRow::from_row).collect()
}
