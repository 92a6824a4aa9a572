//! Enterprises: registration, verification, lookup.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::Db;
use crate::domain::employer::NewEmployer;
use crate::domain::now_timestamp;
use crate::domain::region::township_name;
use crate::error::{AppError, is_unique_violation};

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
    /// `pending`, `verified` or `rejected`
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
        self.status == "verified"
    }

    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "verified" => "已审核",
            "rejected" => "未通过",
            _ => "待审核",
        }
    }
}

const COLUMNS: &str = "id, name, uscc, town_code, address, contact_name, contact_phone, \
    contact_email, status, verified_at, created_at";

/// Registers an enterprise as pending; a USCC already registered is a 409.
pub async fn insert(db: &Db, e: &NewEmployer) -> Result<i64, AppError> {
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
    match result {
        Ok(row) => Ok(row.try_get("id")?),
        Err(e) if is_unique_violation(&e) => {
            Err(AppError::conflict("uscc", "该统一社会信用代码已经注册过"))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn get(db: &Db, id: i64) -> Result<Option<EmployerRow>, sqlx::Error> {
    let row = sqlx::query(&format!("select {COLUMNS} from employers where id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(EmployerRow::from_row).transpose()
}

/// Sets the verification status (`verified` or `rejected`) of an enterprise whose status is
/// `from`; `false` when it was not (someone else changed it first).
pub async fn set_status(
    db: &Db,
    id: i64,
    from: &str,
    status: &str,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let now = now_timestamp();
    let done = sqlx::query(
        "update employers set status = $1, verified_at = $2, verified_by = $3, updated_at = $2 \
         where id = $4 and status = $5",
    )
    .bind(status)
    .bind(&now)
    .bind(by)
    .bind(id)
    .bind(from)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
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
