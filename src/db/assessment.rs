//! What the assessment reads: targets (with history), and the facts of one county's workers in
//! a period — who they are, their ledger workplace, their placements, course completions,
//! certificates by issue date and the 180-day follow-ups. The counting itself is in
//! `service::assessment`, so that a figure and the list of its people come from one place.

use sqlx::Row;

use super::{Db, get_bool};
use crate::domain::now_timestamp;

/// One current (or past) target.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TargetRow {
    pub county: String,
    pub indicator: String,
    pub value: i64,
    pub set_at: String,
    /// when a later set replaced it (history only)
    pub replaced_at: Option<String>,
}

/// Replaces a year's targets in one transaction; the old rows stay, marked replaced.
pub async fn set_targets(
    db: &Db,
    year: i32,
    by: Option<i64>,
    rows: &[(String, String, i64)],
) -> Result<(), sqlx::Error> {
    let now = now_timestamp();
    let mut tx = db.begin().await?;
    sqlx::query("update targets set replaced_at = $1 where year = $2 and replaced_at is null")
        .bind(&now)
        .bind(i64::from(year))
        .execute(&mut *tx)
        .await?;
    for (county, indicator, value) in rows {
        sqlx::query(
            "insert into targets (year, county, indicator, value, set_by, set_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(i64::from(year))
        .bind(county)
        .bind(indicator)
        .bind(*value)
        .bind(by)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// A year's targets: the current ones, or (`history`) every row ever set, newest first.
pub async fn targets(db: &Db, year: i32, history: bool) -> Result<Vec<TargetRow>, sqlx::Error> {
    let sql = if history {
        "select county, indicator, value, set_at, replaced_at from targets where year = $1 \
         order by id desc"
    } else {
        "select county, indicator, value, set_at, replaced_at from targets where year = $1 \
         and replaced_at is null order by county, id"
    };
    let rows = sqlx::query(sql).bind(i64::from(year)).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(TargetRow {
                county: r.try_get("county")?,
                indicator: r.try_get("indicator")?,
                value: r.try_get("value")?,
                set_at: r.try_get("set_at")?,
                replaced_at: r.try_get("replaced_at")?,
            })
        })
        .collect()
}

/// A worker of the county, as the assessment needs them.
#[derive(Debug, Clone)]
pub struct CountyWorker {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub township_code: String,
    pub poverty: bool,
    pub monitored: bool,
    pub station_id: Option<i64>,
    pub work_place: Option<String>,
    pub employment_note: Option<String>,
    pub work_channel: Option<String>,
    /// when the ledger last recorded the workplace (a UTC instant)
    pub ledger_at: Option<String>,
}

/// Every worker whose hometown is in `county` (anonymised ones too: the figures keep them).
pub async fn county_workers(db: &Db, county: &str) -> Result<Vec<CountyWorker>, sqlx::Error> {
    let rows = sqlx::query(
        "select id, name, id_number, township_code, poverty_alleviated, monitored, station_id, \
         work_place, employment_note, work_channel, ledger_at from workers \
         where substr(hometown_code, 1, 6) = $1 order by id",
    )
    .bind(county)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CountyWorker {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                id_number: r.try_get("id_number")?,
                township_code: r.try_get("township_code")?,
                poverty: get_bool(r, "poverty_alleviated")?,
                monitored: get_bool(r, "monitored")?,
                station_id: r.try_get("station_id")?,
                work_place: r.try_get("work_place")?,
                employment_note: r.try_get("employment_note")?,
                work_channel: r.try_get("work_channel")?,
                ledger_at: r.try_get("ledger_at")?,
            })
        })
        .collect()
}

/// A placement of a county worker that overlaps a period.
#[derive(Debug, Clone)]
pub struct PeriodPlacement {
    pub id: i64,
    pub worker_id: i64,
    pub town_code: String,
    pub start_date: String,
    pub left_on: Option<String>,
    /// the 180-day follow-up was done — on or after its due day, by the period's end — and
    /// found the worker still employed
    pub retained_180: bool,
    /// a 帮扶车间 (assistance workshop) job
    pub workshop: bool,
    /// hired through the platform (an enterprise on the platform); `false` for a job the
    /// worker found alone or through an organised group, recorded by a station
    pub on_platform: bool,
}

/// Placements of the county's workers that began by `to` and had not ended before `from`.
pub async fn placements_overlapping(
    db: &Db,
    county: &str,
    from: &str,
    to: &str,
) -> Result<Vec<PeriodPlacement>, sqlx::Error> {
    let rows = sqlx::query(
        "select p.id, p.worker_id, p.town_code, p.start_date, p.left_on, p.employer_id, \
         coalesce(v.assistance_workshop, false) as assistance_workshop, \
         (select count(*) from follow_ups f where f.placement_id = p.id and f.day_offset = 180 \
          and f.status = 'done' and f.still_employed = $4 and f.done_on <= $3 \
          and f.done_on >= f.due_on) as retained \
         from placements p join workers w on w.id = p.worker_id \
         left join vacancies v on v.id = p.vacancy_id \
         where substr(w.hometown_code, 1, 6) = $1 and p.start_date <= $3 \
         and (p.left_on is null or p.left_on >= $2) order by p.id",
    )
    .bind(county)
    .bind(from)
    .bind(to)
    .bind(true)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PeriodPlacement {
                id: r.try_get("id")?,
                worker_id: r.try_get("worker_id")?,
                town_code: r.try_get("town_code")?,
                start_date: r.try_get("start_date")?,
                left_on: r.try_get("left_on")?,
                retained_180: r.try_get::<i64, _>("retained")? > 0,
                workshop: get_bool(r, "assistance_workshop")?,
                on_platform: r.try_get::<Option<i64>, _>("employer_id")?.is_some(),
            })
        })
        .collect()
}

/// Workers of the county who completed a course in the period.
pub async fn completions(
    db: &Db,
    county: &str,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    ids(
        db,
        "select distinct e.worker_id from enrollments e join workers w on w.id = e.worker_id \
         where substr(w.hometown_code, 1, 6) = $1 and e.status = 'completed' \
         and e.completed_on >= $2 and e.completed_on <= $3",
        county,
        from,
        to,
    )
    .await
}

/// Workers of the county with a certificate issued in the period (by its issue date).
pub async fn certified(
    db: &Db,
    county: &str,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    ids(
        db,
        "select distinct c.worker_id from certificates c join workers w on w.id = c.worker_id \
         where substr(w.hometown_code, 1, 6) = $1 and c.issued_on >= $2 and c.issued_on <= $3",
        county,
        from,
        to,
    )
    .await
}

async fn ids(
    db: &Db,
    sql: &str,
    county: &str,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(sql)
        .bind(county)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await?;
    rows.iter().map(|r| r.try_get::<i64, _>(0)).collect()
}
