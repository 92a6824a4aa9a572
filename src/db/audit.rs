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

/// Every action and subject written has a Chinese label for the audit page (checked in debug
/// builds, so that a test reaching a new action without a label fails at once).
fn debug_check_labels(action: &str, subject_type: &str) {
    use crate::domain::status::{AuditAction, AuditSubject};
    debug_assert!(
        AuditAction::parse(action).is_some(),
        "audit action `{action}` has no label in domain::status::AuditAction"
    );
    debug_assert!(
        AuditSubject::parse(subject_type).is_some(),
        "audit subject `{subject_type}` has no label in domain::status::AuditSubject"
    );
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
    debug_check_labels(action, subject_type);
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

/// Writes the staff listings' audit rows in groups: a handler hands its row to one background
/// task and waits for the commit that holds it; the task inserts everything that queued up
/// while the previous group was committing, in one statement (one transaction, one WAL flush
/// on PostgreSQL), and answers each handler only after that commit.
///
/// Why a crash loses none: a handler sends its response only after [`AuditWriter::record`]
/// returned `Ok`, which happens only after the commit holding its row returned; a crash before
/// that commit loses the row *and* the response (the client saw nothing, as if the request had
/// failed). When the insert fails, every handler of the group gets the error and answers 500,
/// as with a direct insert. No row waits on a timer: a lone request is written at once; under
/// load the groups grow by themselves (up to [`AuditWriter::MAX_GROUP`] rows), so the
/// per-request commit cost falls as load rises.
#[derive(Clone)]
pub struct AuditWriter {
    queue: tokio::sync::mpsc::Sender<Pending>,
}

struct Pending {
    at: String,
    user_id: i64,
    role: &'static str,
    action: &'static str,
    subject_type: &'static str,
    subject_id: Option<i64>,
    detail: String,
    ip: String,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

impl AuditWriter {
    /// Most rows in one insert.
    pub const MAX_GROUP: usize = 256;

    /// Starts the writer task on the current runtime.
    pub fn spawn(db: Db) -> Self {
        let (queue, mut rx) = tokio::sync::mpsc::channel::<Pending>(4 * Self::MAX_GROUP);
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(Self::MAX_GROUP);
            while rx.recv_many(&mut group, Self::MAX_GROUP).await > 0 {
                let result = insert_group(&db, &group).await.map_err(|e| e.to_string());
                if let Err(e) = &result {
                    tracing::error!(rows = group.len(), error = %e, "audit rows not written");
                }
                // the rows themselves are the record; a log line each (a write to stderr per
                // staff listing) cost more than the search under load, so only at debug
                for p in group.drain(..) {
                    tracing::debug!(user.id = p.user_id, action = p.action, subject_type = p.subject_type,
                        subject.id = ?p.subject_id, "audit");
                    p.done.send(result.clone()).ok();
                }
            }
        });
        Self { queue }
    }

    /// Writes one audit entry; returns once it is committed.
    pub async fn record(
        &self,
        actor: By<'_>,
        action: &'static str,
        subject_type: &'static str,
        subject_id: Option<i64>,
        detail: String,
    ) -> Result<(), sqlx::Error> {
        debug_check_labels(action, subject_type);
        let (done, committed) = tokio::sync::oneshot::channel();
        let pending = Pending {
            at: now_timestamp(),
            user_id: actor.user_id,
            role: actor.role.as_str(),
            action,
            subject_type,
            subject_id,
            detail,
            ip: actor.ip.to_owned(),
            done,
        };
        let gone = || sqlx::Error::Protocol("the audit writer has stopped".into());
        self.queue.send(pending).await.map_err(|_| gone())?;
        committed
            .await
            .map_err(|_| gone())?
            .map_err(sqlx::Error::Protocol)
    }
}

/// One insert of many audit rows (a single statement: one transaction).
async fn insert_group(db: &Db, group: &[Pending]) -> Result<(), sqlx::Error> {
    let mut sql = String::from(
        "insert into audit_log (at, user_id, role, action, subject_type, subject_id, detail, ip) values ",
    );
    for i in 0..group.len() {
        let b = i * 8;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${},${},${},${},${},${},${},${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8
        ));
    }
    let mut q = sqlx::query(&sql);
    for p in group {
        q = q
            .bind(&p.at)
            .bind(p.user_id)
            .bind(p.role)
            .bind(p.action)
            .bind(p.subject_type)
            .bind(p.subject_id)
            .bind(&p.detail)
            .bind(&p.ip);
    }
    q.execute(db).await?;
    Ok(())
}

/// One audit entry as the admin reads it: with the account's and the subject's names.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    /// the account's name (or its e-mail / phone), empty for a deleted account
    pub user_name: String,
    pub role: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    /// the worker's, enterprise's or event's name, empty when there is none
    pub subject_name: String,
    pub detail: String,
    pub ip: String,
}

impl AuditEntry {
    /// The action in Chinese.
    pub fn action_label(&self) -> &str {
        crate::domain::status::AuditAction::label_of(&self.action)
    }

    /// The role in Chinese.
    pub fn role_label(&self) -> &str {
        match Role::parse(&self.role) {
            Some(r) => r.label(),
            None => &self.role,
        }
    }

    /// What the entry is about, in Chinese.
    pub fn subject_label(&self) -> &str {
        crate::domain::status::AuditSubject::label_of(&self.subject_type)
    }
}

/// What the admin filters the log by.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub action: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
}

impl AuditFilter {
    fn filters(&self) -> super::Filters {
        use super::{FilterArg, Filters};
        let mut filters = Filters::default();
        if let Some(u) = self.user_id {
            filters.push("a.user_id = ?", vec![FilterArg::Int(u)]);
        }
        if let Some(a) = &self.action {
            filters.push("a.action = ?", vec![FilterArg::Text(a.clone())]);
        }
        if let Some(t) = &self.subject_type {
            filters.push("a.subject_type = ?", vec![FilterArg::Text(t.clone())]);
        }
        if let Some(s) = self.subject_id {
            filters.push("a.subject_id = ?", vec![FilterArg::Int(s)]);
        }
        filters
    }
}

/// How many entries match a filter.
pub async fn count(db: &Db, f: &AuditFilter) -> Result<i64, sqlx::Error> {
    let filters = f.filters();
    let sql = format!("select count(*) from audit_log a{}", filters.where_sql());
    let row = filters.bind(sqlx::query(&sql)).fetch_one(db).await?;
    row.try_get(0)
}

/// The newest entries matching a filter, `limit` of them after skipping `offset`.
pub async fn list(
    db: &Db,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let filters = f.filters();
    let sql = format!(
        "select a.*, coalesce(nullif(u.display_name, ''), u.email, u.phone, '') as user_name, \
         coalesce(case a.subject_type when 'worker' then w.name when 'employer' then e.name \
           when 'event' then ev.title end, '') as subject_name \
         from audit_log a left join users u on u.id = a.user_id \
         left join workers w on a.subject_type = 'worker' and w.id = a.subject_id \
         left join employers e on a.subject_type = 'employer' and e.id = a.subject_id \
         left join events ev on a.subject_type = 'event' and ev.id = a.subject_id{} \
         order by a.id desc limit {} offset {}",
        filters.where_sql(),
        limit.max(0),
        offset.max(0)
    );
    let rows = filters.bind(sqlx::query(&sql)).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                user_id: r.try_get("user_id")?,
                user_name: r.try_get("user_name")?,
                role: r.try_get("role")?,
                action: r.try_get("action")?,
                subject_type: r.try_get("subject_type")?,
                subject_id: r.try_get("subject_id")?,
                subject_name: r.try_get("subject_name")?,
                detail: r.try_get("detail")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect()
}
