//! The audit log: who saw or exported whose personal data, when and from where.
//! Append-only: nothing in the application updates or deletes these rows.

use sqlx::Row;

use super::Db;
use crate::domain::{Role, now_timestamp};

/// Who did it: the user, their role and the address they came from.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub user_id: i64,
    pub role: Role,
    pub ip: &'a str,
}

/// Writes one audit entry.
pub async fn record(
    db: &Db,
    actor: By<'_>,
    action: &str,
    subject_type: &str,
    subject_id: Option<i64>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_log (at, user_id, role, action, subject_type, subject_id, detail, ip) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_timestamp())
    .bind(actor.user_id)
    .bind(actor.role.as_str())
    .bind(action)
    .bind(subject_type)
    .bind(subject_id)
    .bind(detail)
    .bind(actor.ip)
    .execute(db)
    .await?;
    tracing::info!(user.id = actor.user_id, action, subject_type, subject.id = ?subject_id, "audit");
    Ok(())
}

/// One audit entry as the admin reads it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub role: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub detail: String,
    pub ip: String,
}

/// What the admin filters the log by.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub action: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
}

/// The newest entries matching a filter.
pub async fn list(db: &Db, f: &AuditFilter, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    use super::{FilterArg, Filters};
    let mut filters = Filters::default();
    if let Some(u) = f.user_id {
        filters.push("user_id = ?", vec![FilterArg::Int(u)]);
    }
    if let Some(a) = &f.action {
        filters.push("action = ?", vec![FilterArg::Text(a.clone())]);
    }
    if let Some(t) = &f.subject_type {
        filters.push("subject_type = ?", vec![FilterArg::Text(t.clone())]);
    }
    if let Some(s) = f.subject_id {
        filters.push("subject_id = ?", vec![FilterArg::Int(s)]);
    }
    let sql = format!(
        "select * from audit_log{} order by id desc limit {limit}",
        filters.where_sql()
    );
    let rows = filters.bind(sqlx::query(&sql)).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                user_id: r.try_get("user_id")?,
                role: r.try_get("role")?,
                action: r.try_get("action")?,
                subject_type: r.try_get("subject_type")?,
                subject_id: r.try_get("subject_id")?,
                detail: r.try_get("detail")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect()
}
