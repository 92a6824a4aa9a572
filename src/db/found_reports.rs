//! A worker's own reports of a job found without the platform (我已找到工作), waiting for their
//! station to confirm (a placement is recorded) or decline them. One pending report per worker
//! (a partial unique index); a decision is a guarded update from `pending`.

use sqlx::Row;

use super::Db;
use crate::domain::now_timestamp;

/// A report to write.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub worker_id: i64,
    pub station_id: Option<i64>,
    pub employer_name: &'a str,
    pub workplace_county: &'a str,
    pub start_date: &'a str,
    pub wage: Option<i64>,
    pub channel: &'a str,
}

/// A stored report, with the worker's name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub station_id: Option<i64>,
    pub employer_name: String,
    /// GB/T 2260 county code of the workplace
    pub workplace_county: String,
    pub start_date: String,
    pub wage: Option<i64>,
    /// `self` or `organised`
    pub channel: String,
    /// `pending`, `confirmed`, `declined`
    pub status: String,
    /// why the station declined it
    pub reason: Option<String>,
    pub placement_id: Option<i64>,
    pub decided_at: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "select r.id, r.worker_id, w.name as worker_name, r.station_id, r.employer_name, \
     r.workplace_county, r.start_date, r.wage, r.channel, r.status, r.reason, r.placement_id, \
     r.decided_at, r.created_at from found_reports r join workers w on w.id = r.worker_id";

fn from_row(r: &sqlx::any::AnyRow) -> Result<ReportRow, sqlx::Error> {
    Ok(ReportRow {
        id: r.try_get("id")?,
        worker_id: r.try_get("worker_id")?,
        worker_name: r.try_get("worker_name")?,
        station_id: r.try_get("station_id")?,
        employer_name: r.try_get("employer_name")?,
        workplace_county: r.try_get("workplace_county")?,
        start_date: r.try_get("start_date")?,
        wage: r.try_get("wage")?,
        channel: r.try_get("channel")?,
        status: r.try_get("status")?,
        reason: r.try_get("reason")?,
        placement_id: r.try_get("placement_id")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Writes a report; `None` when the worker already has one pending.
pub async fn insert(db: &Db, n: &NewReport<'_>) -> Result<Option<i64>, sqlx::Error> {
    let result = sqlx::query(
        "insert into found_reports (worker_id, station_id, employer_name, workplace_county, start_date, \
         wage, channel, status, created_at) values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) returning id",
    )
    .bind(n.worker_id)
    .bind(n.station_id)
    .bind(n.employer_name)
    .bind(n.workplace_county)
    .bind(n.start_date)
    .bind(n.wage)
    .bind(n.channel)
    .bind(now_timestamp())
    .fetch_one(db)
    .await;
    match result {
        Ok(row) => Ok(Some(row.try_get("id")?)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ReportRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} where r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A worker's reports, newest first (the last ten).
pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Vec<ReportRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where r.worker_id = $1 order by r.id desc limit 10"
    ))
    .bind(worker_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Reports of a station's caseload (its workers now, whoever they reported to), or of everyone
/// (`None`, the admin); optionally of one status; pending ones first, oldest first.
pub async fn list(
    db: &Db,
    station_id: Option<i64>,
    status: Option<&str>,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    let mut sql = format!("{SELECT} where 1 = 1");
    let mut n = 0;
    if station_id.is_some() {
        n += 1;
        sql.push_str(&format!(" and w.station_id = ${n}"));
    }
    if status.is_some() {
        n += 1;
        sql.push_str(&format!(" and r.status = ${n}"));
    }
    sql.push_str(" order by case when r.status = 'pending' then 0 else 1 end, r.id limit 500");
    let mut q = sqlx::query(&sql);
    if let Some(s) = station_id {
        q = q.bind(s);
    }
    if let Some(s) = status {
        q = q.bind(s);
    }
    let rows = q.fetch_all(db).await?;
    rows.iter().map(from_row).collect()
}

/// Decides a pending report in the caller's transaction; `false` when it was decided already.
pub async fn decide(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    status: &str,
    reason: Option<&str>,
    placement_id: Option<i64>,
    decided_by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update found_reports set status = $1, reason = $2, placement_id = $3, decided_by = $4, \
         decided_at = $5 where id = $6 and status = 'pending'",
    )
    .bind(status)
    .bind(reason)
    .bind(placement_id)
    .bind(decided_by)
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
