//! Programmes, courses, enrolments and attendance.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::certificates::{self, NewCertificate};
use super::{Db, get_bool};
use crate::domain::now_timestamp;
use crate::domain::text::split_list;

/// A programme with its occupations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeRow {
    pub code: String,
    pub name: String,
    pub occupations: Vec<String>,
}

pub async fn programmes(db: &Db) -> Result<Vec<ProgrammeRow>, sqlx::Error> {
    let rows = sqlx::query("select code, name, occupations from programmes order by case code \
        when 'cantonese-chef' then 1 when 'guangdong-technician' then 2 when 'nanyue-housekeeping' then 3 else 4 end")
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ProgrammeRow {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                occupations: split_list(&r.try_get::<String, _>("occupations")?),
            })
        })
        .collect()
}

pub async fn set_occupations(
    db: &Db,
    code: &str,
    occupations: &[String],
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("update programmes set occupations = $1, updated_at = $2 where code = $3")
            .bind(occupations.join("、"))
            .bind(now_timestamp())
            .bind(code)
            .execute(db)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// A course with its provider's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourseRow {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub programme: String,
    pub programme_name: String,
    pub title: String,
    pub occupation: String,
    pub level: String,
    pub start_date: String,
    pub end_date: String,
    pub place: String,
    pub capacity: i64,
    pub seats_taken: i64,
    pub seats_left: i64,
    pub subsidised: bool,
    pub status: String,
}

const COURSE_SELECT: &str = "select c.id, c.provider_id, p.name as provider_name, c.programme, c.title, \
    c.occupation, c.level, c.start_date, c.end_date, c.place, c.capacity, c.seats_taken, c.subsidised, c.status \
    from courses c join providers p on p.id = c.provider_id";

impl CourseRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let programme: String = r.try_get("programme")?;
        let capacity: i64 = r.try_get("capacity")?;
        let seats_taken: i64 = r.try_get("seats_taken")?;
        Ok(Self {
            id: r.try_get("id")?,
            provider_id: r.try_get("provider_id")?,
            provider_name: r.try_get("provider_name")?,
            programme_name: crate::domain::Programme::label_of(&programme),
            programme,
            title: r.try_get("title")?,
            occupation: r.try_get("occupation")?,
            level: r.try_get("level")?,
            start_date: r.try_get("start_date")?,
            end_date: r.try_get("end_date")?,
            place: r.try_get("place")?,
            capacity,
            seats_taken,
            seats_left: (capacity - seats_taken).max(0),
            subsidised: get_bool(r, "subsidised")?,
            status: r.try_get("status")?,
        })
    }
}

impl CourseRow {
    /// Whether a worker or a station can still sign up (until the day before the start).
    pub fn sign_up_open(&self) -> bool {
        crate::domain::course::sign_up_open(&self.start_date, crate::domain::today())
    }

    /// `报名截止 2026-12-09（开班前一天）`
    pub fn sign_up_rule(&self) -> String {
        crate::domain::course::sign_up_rule(&self.start_date)
    }
}

/// A course to create.
pub struct NewCourse<'a> {
    pub provider_id: i64,
    pub programme: &'a str,
    pub title: &'a str,
    pub occupation: &'a str,
    pub level: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub place: &'a str,
    pub capacity: i64,
    pub subsidised: bool,
    pub created_by: i64,
}

pub async fn insert_course(db: &Db, c: &NewCourse<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "insert into courses (provider_id, programme, title, occupation, level, start_date, end_date, place, \
         capacity, subsidised, created_by, created_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) returning id",
    )
    .bind(c.provider_id)
    .bind(c.programme)
    .bind(c.title)
    .bind(c.occupation)
    .bind(c.level)
    .bind(c.start_date)
    .bind(c.end_date)
    .bind(c.place)
    .bind(c.capacity)
    .bind(c.subsidised)
    .bind(c.created_by)
    .bind(now_timestamp())
    .fetch_one(db)
    .await?
    .try_get("id")
}

pub async fn course(db: &Db, id: i64) -> Result<Option<CourseRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{COURSE_SELECT} where c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(CourseRow::from_row).transpose()
}

/// Which open courses a list holds (open, not ended by `today`).
#[derive(Debug, Clone, Default)]
pub struct CourseFilter<'a> {
    pub today: &'a str,
    pub programme: Option<&'a str>,
    /// words in the occupation or the title
    pub occupation: Option<&'a str>,
    pub provider_id: Option<i64>,
    /// only courses starting on or after this day
    pub from: Option<&'a str>,
}

impl CourseFilter<'_> {
    fn filters(&self) -> super::Filters {
        use super::FilterArg::{Int, Text};
        let mut f = super::Filters::default();
        f.push("c.status = 'open'", vec![]);
        f.push("c.end_date >= ?", vec![Text(self.today.to_owned())]);
        if let Some(p) = self.programme {
            f.push("c.programme = ?", vec![Text(p.to_owned())]);
        }
        if let Some(o) = self.occupation {
            let like = format!("%{}%", o.replace(['%', '_'], ""));
            f.push(
                "(c.occupation like ? or c.title like ?)",
                vec![Text(like.clone()), Text(like)],
            );
        }
        if let Some(p) = self.provider_id {
            f.push("c.provider_id = ?", vec![Int(p)]);
        }
        if let Some(d) = self.from {
            f.push("c.start_date >= ?", vec![Text(d.to_owned())]);
        }
        f
    }
}

/// Open courses of a filter, soonest first: `limit` of them after skipping `offset`.
pub async fn open_courses(
    db: &Db,
    filter: &CourseFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<CourseRow>, sqlx::Error> {
    let f = filter.filters();
    let sql = format!(
        "{COURSE_SELECT}{} order by c.start_date, c.id limit {} offset {}",
        f.where_sql(),
        limit.max(0),
        offset.max(0)
    );
    let rows = f.bind(sqlx::query(&sql)).fetch_all(db).await?;
    rows.iter().map(CourseRow::from_row).collect()
}

/// How many open courses a filter holds.
pub async fn count_open_courses(db: &Db, filter: &CourseFilter<'_>) -> Result<i64, sqlx::Error> {
    let f = filter.filters();
    let sql = format!("select count(*) from courses c{}", f.where_sql());
    f.bind(sqlx::query(&sql)).fetch_one(db).await?.try_get(0)
}

/// A provider's courses (all states), newest first: `limit` of them after skipping `offset`.
pub async fn courses_of_provider(
    db: &Db,
    provider_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<CourseRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{COURSE_SELECT} where c.provider_id = $1 order by c.start_date desc, c.id desc limit {} offset {}",
        limit.max(0),
        offset.max(0)
    ))
    .bind(provider_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(CourseRow::from_row).collect()
}

/// How many courses a provider has (all states).
pub async fn count_of_provider(db: &Db, provider_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("select count(*) from courses where provider_id = $1")
        .bind(provider_id)
        .fetch_one(db)
        .await?
        .try_get(0)
}

/// An enrolment with the worker's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnrollmentRow {
    pub id: i64,
    pub course_id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    /// pending / enrolled / completed / dropped
    pub status: String,
    pub source: String,
    pub drop_reason: Option<String>,
    pub completed_on: Option<String>,
    pub certificate_id: Option<i64>,
    pub sessions_present: i64,
}

const ENROLL_SELECT: &str = "select e.id, e.course_id, e.worker_id, w.name as worker_name, e.status, e.source, \
    e.drop_reason, e.completed_on, e.certificate_id, \
    (select count(*) from attendance a where a.enrollment_id = e.id and a.present = $2) as sessions_present \
    from enrollments e join workers w on w.id = e.worker_id";

impl EnrollmentRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            course_id: r.try_get("course_id")?,
            worker_id: r.try_get("worker_id")?,
            worker_name: r.try_get("worker_name")?,
            status: r.try_get("status")?,
            source: r.try_get("source")?,
            drop_reason: r.try_get("drop_reason")?,
            completed_on: r.try_get("completed_on")?,
            certificate_id: r.try_get("certificate_id")?,
            sessions_present: r.try_get("sessions_present")?,
        })
    }

    pub fn status_label(&self) -> &str {
        crate::domain::status::EnrollmentStatus::label_of(&self.status)
    }
}

async fn enrollments_where(
    db: &Db,
    cond: &str,
    arg: i64,
) -> Result<Vec<EnrollmentRow>, sqlx::Error> {
    // $2 is the "present" value, bound as a boolean so that it compares on both backends
    let sql = format!("{ENROLL_SELECT} where {cond} order by e.id");
    let rows = sqlx::query(&sql).bind(arg).bind(true).fetch_all(db).await?;
    rows.iter().map(EnrollmentRow::from_row).collect()
}

pub async fn enrollment(db: &Db, id: i64) -> Result<Option<EnrollmentRow>, sqlx::Error> {
    Ok(enrollments_where(db, "e.id = $1", id)
        .await?
        .into_iter()
        .next())
}

pub async fn roster(db: &Db, course_id: i64) -> Result<Vec<EnrollmentRow>, sqlx::Error> {
    enrollments_where(db, "e.course_id = $1", course_id).await
}

pub async fn enrollments_of_worker(
    db: &Db,
    worker_id: i64,
) -> Result<Vec<EnrollmentRow>, sqlx::Error> {
    enrollments_where(db, "e.worker_id = $1", worker_id).await
}

/// Takes a seat and adds the enrolment in the caller's transaction. `Ok(None)`: the course is
/// full; `Err` unique violation when the worker is already enrolled (mapped by the caller).
pub async fn enroll(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    course_id: i64,
    worker_id: i64,
    status: &str,
    source: &str,
    by: i64,
) -> Result<Option<i64>, sqlx::Error> {
    // a guarded update: atomic on both backends, so capacity is never exceeded
    let seat = sqlx::query(
        "update courses set seats_taken = seats_taken + 1 where id = $1 and seats_taken < capacity",
    )
    .bind(course_id)
    .execute(&mut **tx)
    .await?;
    if seat.rows_affected() == 0 {
        return Ok(None);
    }
    let id: i64 = sqlx::query(
        "insert into enrollments (course_id, worker_id, status, source, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(course_id)
    .bind(worker_id)
    .bind(status)
    .bind(source)
    .bind(by)
    .bind(now_timestamp())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    Ok(Some(id))
}

/// Confirms a worker's own sign-up; `false` when it was no longer pending.
pub async fn confirm(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    enrollment_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update enrollments set status = 'enrolled' where id = $1 and status = 'pending'",
    )
    .bind(enrollment_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Drops a pending or enrolled enrolment and gives its seat back, in the caller's transaction.
/// `false` when it had already been dropped or completed (another request came first): then
/// no seat is given back, so two drops at once free one seat.
pub async fn drop_enrollment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    enrollment_id: i64,
    course_id: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let dropped = sqlx::query(
        "update enrollments set status = 'dropped', drop_reason = $1 \
         where id = $2 and status in ('pending', 'enrolled')",
    )
    .bind(reason)
    .bind(enrollment_id)
    .execute(&mut **tx)
    .await?;
    if dropped.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "update courses set seats_taken = seats_taken - 1 where id = $1 and seats_taken > 0",
    )
    .bind(course_id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// What a completion came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Completed, with the certificate's id when one was issued.
    Completed(Option<i64>),
    /// The enrolment was no longer `enrolled` (completed or dropped by someone else first).
    NotEnrolled,
}

/// Completes an enrolment in the caller's transaction, with its certificate (and the worker's
/// change row, through [`certificates::insert`]) when one is given. The guarded update of the
/// enrolment comes first and decides: two completions at once make one certificate.
pub async fn complete(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    enrollment_id: i64,
    completed_on: &str,
    certificate: Option<&NewCertificate>,
) -> Result<Completion, sqlx::Error> {
    let done = sqlx::query(
        "update enrollments set status = 'completed', completed_on = $1 where id = $2 and status = 'enrolled'",
    )
    .bind(completed_on)
    .bind(enrollment_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(Completion::NotEnrolled);
    }
    let Some(c) = certificate else {
        return Ok(Completion::Completed(None));
    };
    let id = certificates::insert(tx, c).await?;
    sqlx::query("update certificates set enrollment_id = $1 where id = $2")
        .bind(enrollment_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update enrollments set certificate_id = $1 where id = $2")
        .bind(id)
        .bind(enrollment_id)
        .execute(&mut **tx)
        .await?;
    Ok(Completion::Completed(Some(id)))
}

/// Records presence at one session (replacing an earlier record of the same day).
/// The days a course has taken attendance on (any enrolment).
pub async fn session_days(db: &Db, course_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "select count(distinct a.session_date) from attendance a \
         join enrollments e on e.id = a.enrollment_id where e.course_id = $1",
    )
    .bind(course_id)
    .fetch_one(db)
    .await?
    .try_get::<i64, _>(0)
}

pub async fn mark_attendance(
    db: &Db,
    enrollment_id: i64,
    date: &str,
    present: bool,
    by: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("delete from attendance where enrollment_id = $1 and session_date = $2")
        .bind(enrollment_id)
        .bind(date)
        .execute(&mut *tx)
        .await?;
    sqlx::query("insert into attendance (enrollment_id, session_date, present, recorded_by) values ($1, $2, $3, $4)")
        .bind(enrollment_id)
        .bind(date)
        .bind(present)
        .bind(by)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Whether a worker is (or was) on a course of a provider.
pub async fn worker_on_course_of(
    db: &Db,
    worker_id: i64,
    provider_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) from enrollments e join courses c on c.id = e.course_id \
         where e.worker_id = $1 and c.provider_id = $2",
    )
    .bind(worker_id)
    .bind(provider_id)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// How a worker came to a provider: signed up themselves for one of its courses, or was put on
/// one by their station — `(self, station)`.
pub async fn sign_up_sources(
    db: &Db,
    worker_id: i64,
    provider_id: i64,
) -> Result<(bool, bool), sqlx::Error> {
    let row = sqlx::query(
        "select coalesce(sum(case when e.source = 'self' then 1 else 0 end), 0) as own, \
         coalesce(sum(case when e.source = 'station' then 1 else 0 end), 0) as station \
         from enrollments e join courses c on c.id = e.course_id \
         where e.worker_id = $1 and c.provider_id = $2",
    )
    .bind(worker_id)
    .bind(provider_id)
    .fetch_one(db)
    .await?;
    Ok((
        row.try_get::<i64, _>("own")? > 0,
        row.try_get::<i64, _>("station")? > 0,
    ))
}

/// One enrolment as the training figures count it.
pub struct FigureRow {
    pub programme: String,
    pub provider: String,
    pub provider_id: i64,
    pub status: String,
    pub completed_on: Option<String>,
    pub certified: bool,
    pub worker_id: i64,
}

/// Every enrolment with its course's programme and provider.
pub async fn figure_rows(db: &Db) -> Result<Vec<FigureRow>, sqlx::Error> {
    sqlx::query(
        "select c.programme, p.name as provider, e.status, e.completed_on, e.certificate_id, e.worker_id, c.provider_id \
         from enrollments e join courses c on c.id = e.course_id join providers p on p.id = c.provider_id",
    )
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| {
        Ok(FigureRow {
            programme: r.try_get("programme")?,
            provider: r.try_get("provider")?,
            provider_id: r.try_get("provider_id")?,
            status: r.try_get("status")?,
            completed_on: r.try_get("completed_on")?,
            certified: r.try_get::<Option<i64>, _>("certificate_id")?.is_some(),
            worker_id: r.try_get("worker_id")?,
        })
    })
    .collect()
}
