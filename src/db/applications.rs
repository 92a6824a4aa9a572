//! Applications (worker × vacancy) and their append-only history.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::Db;
use crate::domain::now_timestamp;

/// A stored application with the names the pages show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationRow {
    pub id: i64,
    pub worker_id: i64,
    pub vacancy_id: i64,
    pub employer_id: i64,
    pub vacancy_title: String,
    pub source: String,
    pub status: String,
    pub station_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// The worker put themselves forward at some time (or a station did): their own
    /// application, a recommendation, or an invitation they accepted.
    #[serde(skip)]
    pub revealed: bool,
}

const SELECT: &str = "select a.id, a.worker_id, a.vacancy_id, v.employer_id, v.title as vacancy_title, \
    a.source, a.status, a.station_id, a.created_at, a.updated_at, \
    (select count(*) from application_events e where e.application_id = a.id and e.to_status = 'applied') as applied_events \
    from applications a join vacancies v on v.id = a.vacancy_id";

impl ApplicationRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            worker_id: r.try_get("worker_id")?,
            vacancy_id: r.try_get("vacancy_id")?,
            employer_id: r.try_get("employer_id")?,
            vacancy_title: r.try_get("vacancy_title")?,
            source: r.try_get("source")?,
            status: r.try_get("status")?,
            station_id: r.try_get("station_id")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            revealed: r.try_get::<i64, _>("applied_events")? > 0,
        })
    }

    pub fn status_label(&self) -> &str {
        status_label(&self.status)
    }

    pub fn source_label(&self) -> &'static str {
        match self.source.as_str() {
            "self" => "本人投递",
            "station" => "工作站推荐",
            "employer" => "企业邀请",
            _ => "管理员登记",
        }
    }

    /// Whether the worker has put themselves forward (or a station did): the enterprise may
    /// then see their name and phone.
    pub fn reveals_contact(&self) -> bool {
        self.revealed
    }
}

/// Chinese label of an application state.
pub fn status_label(status: &str) -> &str {
    crate::domain::status::ApplicationStatus::label_of(status)
}

/// Inserts an application and its first event in the caller's transaction; `None` when the
/// worker already has an application for this vacancy.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker_id: i64,
    vacancy_id: i64,
    source: &str,
    status: &str,
    station_id: Option<i64>,
    by: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_timestamp();
    let result = sqlx::query(
        "insert into applications (worker_id, vacancy_id, source, status, station_id, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(worker_id)
    .bind(vacancy_id)
    .bind(source)
    .bind(status)
    .bind(station_id)
    .bind(by)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match result {
        Ok(row) => row.try_get("id")?,
        Err(e) if crate::error::is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    add_event(tx, id, None, status, "", "", by).await?;
    Ok(Some(id))
}

/// Records a change of state (and the new state on the application).
pub async fn transition(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    from: &str,
    to: &str,
    reason: &str,
    note: &str,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update applications set status = $1, updated_at = $2 where id = $3 and status = $4",
    )
    .bind(to)
    .bind(now_timestamp())
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    add_event(tx, id, Some(from), to, reason, note, by).await?;
    Ok(true)
}

async fn add_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    from: Option<&str>,
    to: &str,
    reason: &str,
    note: &str,
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into application_events (application_id, from_status, to_status, reason, note, by_user, at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(note)
    .bind(by)
    .bind(now_timestamp())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} where a.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(ApplicationRow::from_row).transpose()
}

/// Applications of a vacancy, newest first.
pub async fn of_vacancy(db: &Db, vacancy_id: i64) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where a.vacancy_id = $1 order by a.id desc"
    ))
    .bind(vacancy_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(ApplicationRow::from_row).collect()
}

/// Applications to a vacancy, newest first: `limit` of them after skipping `offset`.
pub async fn of_vacancy_page(
    db: &Db,
    vacancy_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where a.vacancy_id = $1 order by a.id desc limit {} offset {}",
        limit.max(0),
        offset.max(0)
    ))
    .bind(vacancy_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(ApplicationRow::from_row).collect()
}

/// How many applications a vacancy has.
pub async fn count_of_vacancy(db: &Db, vacancy_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("select count(*) from applications where vacancy_id = $1")
        .bind(vacancy_id)
        .fetch_one(db)
        .await?
        .try_get(0)
}

/// Applications to a vacancy that a station may see: of its own (or unassigned) workers, or
/// made by it — `service::applications::station_follows` as SQL.
pub async fn of_vacancy_for_station(
    db: &Db,
    vacancy_id: i64,
    station_id: i64,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} join workers w on w.id = a.worker_id where a.vacancy_id = $1 \
         and (a.station_id = $2 or w.station_id = $2) order by a.id desc"
    ))
    .bind(vacancy_id)
    .bind(station_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(ApplicationRow::from_row).collect()
}

/// Applications of a worker, newest first.
/// For each of an enterprise's vacancies, its new applications: applied (or an invitation
/// accepted) and not yet handled — no interview, offer, hire or refusal yet.
pub async fn new_counts_of_employer(
    db: &Db,
    employer_id: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.vacancy_id, count(*) from applications a join vacancies v on v.id = a.vacancy_id \
         where v.employer_id = $1 and a.status = 'applied' group by a.vacancy_id",
    )
    .bind(employer_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)))
        .collect()
}

pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where a.worker_id = $1 order by a.id desc"
    ))
    .bind(worker_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(ApplicationRow::from_row).collect()
}

/// Whether the worker has applied to (or been recommended to) one of this enterprise's
/// vacancies: then the enterprise may see the worker's name and phone.
pub async fn worker_revealed_to(
    db: &Db,
    worker_id: i64,
    employer_id: i64,
) -> Result<bool, sqlx::Error> {
    // Revealed: an application that was ever `applied` (the worker's own, a station's
    // recommendation, or an invitation the worker accepted). An invitation declined or never
    // answered went invited → withdrawn and never passed through `applied`.
    let row = sqlx::query(
        "select count(*) from applications a join vacancies v on v.id = a.vacancy_id \
         where a.worker_id = $1 and v.employer_id = $2 \
         and exists (select 1 from application_events e where e.application_id = a.id and e.to_status = 'applied')",
    )
    .bind(worker_id)
    .bind(employer_id)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Whether an enterprise invited a worker (whatever the answer).
pub async fn worker_invited_by(
    db: &Db,
    worker_id: i64,
    employer_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) from applications a join vacancies v on v.id = a.vacancy_id \
         where a.worker_id = $1 and v.employer_id = $2",
    )
    .bind(worker_id)
    .bind(employer_id)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// One change of state, as the history shows it (named apart from the job fairs' `EventRow`
/// in the OpenAPI document).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ApplicationEventRow)]
pub struct EventRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: String,
    pub note: String,
    pub by_user: Option<i64>,
    pub at: String,
}

pub async fn events(db: &Db, application_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select from_status, to_status, reason, note, by_user, at from application_events \
         where application_id = $1 order by id",
    )
    .bind(application_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EventRow {
                from_status: r.try_get("from_status")?,
                to_status: r.try_get("to_status")?,
                reason: r.try_get("reason")?,
                note: r.try_get("note")?,
                by_user: r.try_get("by_user")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}
