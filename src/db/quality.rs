//! Stored data-quality findings (the rules are in [`crate::quality`]) and the facts about a
//! worker that the database-wide rules look at.

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use super::{Db, get_bool};
use crate::domain::now_timestamp;
use crate::quality::Finding;

/// What the database-wide rules need to know of a worker.
pub struct WorkerFacts {
    pub phone: String,
    pub township_code: String,
    pub relocated: bool,
    pub household_no: Option<String>,
}

pub async fn worker_facts(db: &Db, worker_id: i64) -> Result<Option<WorkerFacts>, sqlx::Error> {
    let row = sqlx::query(
        "select phone, township_code, relocated, household_no from workers where id = $1",
    )
    .bind(worker_id)
    .fetch_optional(db)
    .await?;
    row.map(|w| {
        Ok(WorkerFacts {
            phone: w.try_get("phone")?,
            township_code: w.try_get("township_code")?,
            relocated: get_bool(&w, "relocated")?,
            household_no: w.try_get("household_no")?,
        })
    })
    .transpose()
}

/// The townships of the other workers registered with the same phone.
pub async fn phone_townships(
    db: &Db,
    phone: &str,
    worker_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("select township_code from workers where phone = $1 and id <> $2")
        .bind(phone)
        .bind(worker_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect()
}

/// Status and ledger employment note of everyone in the worker's household (same 户编号;
/// else the worker alone).
pub async fn household_members(
    db: &Db,
    worker_id: i64,
    household_no: Option<String>,
) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
    let rows = match household_no.filter(|h| !h.trim().is_empty()) {
        Some(h) => {
            sqlx::query("select status, employment_note from workers where household_no = $1")
                .bind(h)
                .fetch_all(db)
                .await?
        }
        None => {
            sqlx::query("select status, employment_note from workers where id = $1")
                .bind(worker_id)
                .fetch_all(db)
                .await?
        }
    };
    rows.iter()
        .map(|r| Ok((r.try_get("status")?, r.try_get("employment_note")?)))
        .collect()
}

/// Removes a worker's stored findings, in the caller's transaction.
pub async fn clear(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from quality_findings where worker_id = $1")
        .bind(worker_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores findings of a worker, in the caller's transaction.
pub async fn store(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker_id: i64,
    findings: &[Finding],
) -> Result<(), sqlx::Error> {
    for f in findings {
        sqlx::query("insert into quality_findings (worker_id, rule, level, message, created_at) values ($1, $2, $3, $4, $5)")
            .bind(worker_id)
            .bind(f.rule)
            .bind(f.level.as_str())
            .bind(&f.message)
            .bind(now_timestamp())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A stored finding with the worker's name, for the station's page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredFinding {
    pub worker_id: i64,
    pub worker_name: String,
    pub rule: String,
    pub level: String,
    pub message: String,
}

/// Findings of a station's workers (or all), alarms first.
pub async fn findings(db: &Db, station_id: Option<i64>) -> Result<Vec<StoredFinding>, sqlx::Error> {
    let sql = format!(
        "select q.worker_id, w.name, q.rule, q.level, q.message from quality_findings q join workers w on w.id = q.worker_id {} \
         order by case q.level when 'alarm' then 0 when 'error' then 1 else 2 end, q.worker_id limit 1000",
        if station_id.is_some() {
            "where w.station_id = $1"
        } else {
            ""
        }
    );
    let mut q = sqlx::query(&sql);
    if let Some(s) = station_id {
        q = q.bind(s);
    }
    q.fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            Ok(StoredFinding {
                worker_id: r.try_get(0)?,
                worker_name: r.try_get(1)?,
                rule: r.try_get(2)?,
                level: r.try_get(3)?,
                message: r.try_get(4)?,
            })
        })
        .collect()
}
