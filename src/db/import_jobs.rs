//! Ledger import jobs: a row per upload, claimed by a worker task of any node with a lease
//! (`claimed_until`, `owner`) that only the holder can renew, move on or finish. The progress
//! (`rows_done` and the counts) is written in the transaction of the batch it describes.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError};
use crate::domain::now_timestamp;

/// A job as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportJobRow {
    pub id: i64,
    pub station_id: Option<i64>,
    pub user_id: i64,
    pub user_role: String,
    pub user_ip: String,
    pub imported_by: String,
    pub file_name: String,
    pub stored_file: String,
    pub status: String,
    pub rows_total: Option<i64>,
    pub rows_done: i64,
    pub counts: Counts,
    pub ignored_columns: String,
    pub report_file: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// What an import did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub imported: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub warnings: i64,
}

/// A job to insert.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub station_id: Option<i64>,
    pub user_id: i64,
    pub user_role: &'a str,
    pub user_ip: &'a str,
    pub imported_by: &'a str,
    pub file_name: &'a str,
    pub stored_file: &'a str,
}

const COLUMNS: &str = "id, station_id, user_id, user_role, user_ip, imported_by, file_name, stored_file, \
    status, rows_total, rows_done, imported, updated, unchanged, rejected, warnings, ignored_columns, \
    report_file, error, attempts, created_at, started_at, finished_at";

fn from_row(r: &AnyRow) -> Result<ImportJobRow, sqlx::Error> {
    Ok(ImportJobRow {
        id: r.try_get("id")?,
        station_id: r.try_get("station_id")?,
        user_id: r.try_get("user_id")?,
        user_role: r.try_get("user_role")?,
        user_ip: r.try_get("user_ip")?,
        imported_by: r.try_get("imported_by")?,
        file_name: r.try_get("file_name")?,
        stored_file: r.try_get("stored_file")?,
        status: r.try_get("status")?,
        rows_total: r.try_get("rows_total")?,
        rows_done: r.try_get("rows_done")?,
        counts: Counts {
            imported: r.try_get("imported")?,
            updated: r.try_get("updated")?,
            unchanged: r.try_get("unchanged")?,
            rejected: r.try_get("rejected")?,
            warnings: r.try_get("warnings")?,
        },
        ignored_columns: r.try_get("ignored_columns")?,
        report_file: r.try_get("report_file")?,
        error: r.try_get("error")?,
        attempts: r.try_get("attempts")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// The message when a station already has a job queued or running.
pub const ONE_AT_A_TIME: &str = "本工作站已有一个台账导入任务在排队或进行中，请等它完成后再上传";

/// Queues a job. A second job of the same station while one is queued or running is refused
/// by the partial unique index `import_jobs_one_active` ([`DbError::Duplicate`] on `file`).
pub async fn insert(db: &Db, job: &NewJob<'_>) -> Result<i64, DbError> {
    let row = sqlx::query(
        "insert into import_jobs (station_id, user_id, user_role, user_ip, imported_by, file_name, stored_file, \
         status, created_at) values ($1, $2, $3, $4, $5, $6, $7, 'queued', $8) returning id",
    )
    .bind(job.station_id)
    .bind(job.user_id)
    .bind(job.user_role)
    .bind(job.user_ip)
    .bind(job.imported_by)
    .bind(job.file_name)
    .bind(job.stored_file)
    .bind(now_timestamp())
    .fetch_one(db)
    .await
    .map_err(|e| DbError::duplicate_or(e, "file", ONE_AT_A_TIME))?;
    Ok(row.try_get("id")?)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ImportJobRow>, sqlx::Error> {
    sqlx::query(&format!("select {COLUMNS} from import_jobs where id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The station's job that is queued or running, if any.
pub async fn active_of_station(db: &Db, station_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select id from import_jobs where station_id = $1 and status in ('queued', 'running') limit 1",
    )
    .bind(station_id)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// The oldest job waiting for a worker: queued, or running under a lease that ran out (its
/// node died or lost the database).
pub async fn next_claimable(db: &Db, now: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select id from import_jobs where status = 'queued' \
         or (status = 'running' and (claimed_until is null or claimed_until < $1)) order by id limit 1",
    )
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Takes a job for `owner` until `until` — a guarded update: `false` when another worker took
/// it first or holds an unexpired lease.
pub async fn claim(
    db: &Db,
    id: i64,
    owner: &str,
    now: &str,
    until: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update import_jobs set status = 'running', owner = $1, claimed_until = $2, \
         started_at = coalesce(started_at, $3), attempts = attempts + 1 \
         where id = $4 and (status = 'queued' or (status = 'running' and (claimed_until is null or claimed_until < $3)))",
    )
    .bind(owner)
    .bind(until)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Extends `owner`'s lease; `false` when the job is no longer theirs (or no longer running).
pub async fn renew(db: &Db, id: i64, owner: &str, until: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update import_jobs set claimed_until = $1 where id = $2 and owner = $3 and status = 'running'",
    )
    .bind(until)
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the size of the file once it is read (by the holder only).
pub async fn set_total(db: &Db, id: i64, owner: &str, total: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update import_jobs set rows_total = $1 where id = $2 and owner = $3 and status = 'running'",
    )
    .bind(total)
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes the progress after a batch, in the batch's own transaction, and renews the lease:
/// `false` (and the caller rolls the batch back) when the job is no longer `owner`'s.
pub async fn progress(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    owner: &str,
    rows_done: i64,
    c: &Counts,
    ignored_columns: &str,
    until: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update import_jobs set rows_done = $1, imported = $2, updated = $3, unchanged = $4, rejected = $5, \
         warnings = $6, ignored_columns = $7, claimed_until = $8 where id = $9 and owner = $10 and status = 'running'",
    )
    .bind(rows_done)
    .bind(c.imported)
    .bind(c.updated)
    .bind(c.unchanged)
    .bind(c.rejected)
    .bind(c.warnings)
    .bind(ignored_columns)
    .bind(until)
    .bind(id)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks `owner`'s job done (with its report file, if any) or failed (with the reason).
pub async fn finish(
    db: &Db,
    id: i64,
    owner: &str,
    outcome: Result<Option<&str>, &str>,
) -> Result<bool, sqlx::Error> {
    let (status, report, error) = match outcome {
        Ok(report) => ("done", report, None),
        Err(e) => ("failed", None, Some(e)),
    };
    let done = sqlx::query(
        "update import_jobs set status = $1, report_file = $2, error = $3, finished_at = $4, \
         claimed_until = null where id = $5 and owner = $6 and status = 'running'",
    )
    .bind(status)
    .bind(report)
    .bind(error)
    .bind(now_timestamp())
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
