//! The audit log: who saw or exported whose personal data, when and from where.
//! Append-only: nothing in the application updates or deletes these rows.

use sqlx::Row;

use super::Db;
use crate::auth::CurrentUser;
use crate::domain::now_timestamp;

/// Writes one audit entry.
pub async fn record(
    db: &Db,
    actor: &CurrentUser,
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
    .bind(actor.id)
    .bind(actor.role.as_str())
    .bind(action)
    .bind(subject_type)
    .bind(subject_id)
    .bind(detail)
    .bind(actor.ip.clone())
    .execute(db)
    .await?;
    tracing::info!(user.id = actor.id, action, subject_type, subject.id = ?subject_id, "audit");
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

/// The newest entries, optionally about one subject.
pub async fn list(
    db: &Db,
    subject: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = match subject {
        Some((t, id)) => {
            sqlx::query(&format!(
                "select * from audit_log where subject_type = $1 and subject_id = $2 order by id desc limit {limit}"
            ))
            .bind(t)
            .bind(id)
            .fetch_all(db)
            .await?
        }
        None => {
            sqlx::query(&format!("select * from audit_log order by id desc limit {limit}"))
                .fetch_all(db)
                .await?
        }
    };
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
