//! Events (job fairs, 点对点 trips): the event, its booths and their vacancies, sign-ups,
//! check-ins, and the figures counted from them.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::Db;
use crate::domain::event::{EventKind, china_time};
use crate::domain::now_timestamp;
use crate::domain::region::township_name;

/// A stored event, its instant in China time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventRow {
    pub id: i64,
    /// `job_fair` or `trip`
    pub kind: String,
    pub title: String,
    /// China time, `YYYY-MM-DDTHH:MM`
    pub starts_at: String,
    pub place: String,
    pub capacity: i64,
    /// sign-ups so far
    pub taken: i64,
    /// the organising station
    pub station_id: Option<i64>,
    pub station_name: Option<String>,
    pub from_town: Option<String>,
    pub to_town: Option<String>,
    /// `open` or `cancelled`
    pub status: String,
    /// the stored instant (RFC 3339 UTC), for comparisons
    #[serde(skip)]
    pub starts_utc: String,
}

impl EventRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let starts_utc: String = r.try_get("starts_at")?;
        Ok(Self {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            title: r.try_get("title")?,
            starts_at: china_time(&starts_utc),
            starts_utc,
            place: r.try_get("place")?,
            capacity: r.try_get("capacity")?,
            taken: r.try_get("taken")?,
            station_id: r.try_get("station_id")?,
            station_name: r.try_get("station_name")?,
            from_town: r.try_get("from_town")?,
            to_town: r.try_get("to_town")?,
            status: r.try_get("status")?,
        })
    }

    pub fn is_trip(&self) -> bool {
        self.kind == EventKind::Trip.as_str()
    }

    pub fn kind_label(&self) -> &'static str {
        EventKind::label_of(&self.kind)
    }

    /// 北京时间 `YYYY-MM-DD HH:MM`.
    pub fn when(&self) -> String {
        self.starts_at.replacen('T', " ", 1)
    }

    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.taken).max(0)
    }

    /// `湄江街道 → 白蕉镇` for a trip, empty for a fair.
    pub fn route(&self) -> String {
        match (&self.from_town, &self.to_town) {
            (Some(f), Some(t)) => format!("{} → {}", township_name(f), township_name(t)),
            _ => String::new(),
        }
    }
}

const SELECT: &str = "select e.id, e.kind, e.title, e.starts_at, e.place, e.capacity, e.taken, e.station_id, \
    s.name as station_name, e.from_town, e.to_town, e.status from events e left join stations s on s.id = e.station_id";

/// An event to create.
pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub title: &'a str,
    /// RFC 3339 UTC
    pub starts_at: &'a str,
    pub place: &'a str,
    pub capacity: i64,
    pub station_id: Option<i64>,
    pub from_town: Option<&'a str>,
    pub to_town: Option<&'a str>,
    pub created_by: i64,
}

pub async fn insert(db: &Db, e: &NewEvent<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "insert into events (kind, title, starts_at, place, capacity, station_id, from_town, to_town, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
    )
    .bind(e.kind.as_str())
    .bind(e.title)
    .bind(e.starts_at)
    .bind(e.place)
    .bind(e.capacity)
    .bind(e.station_id)
    .bind(e.from_town)
    .bind(e.to_town)
    .bind(e.created_by)
    .bind(now_timestamp())
    .fetch_one(db)
    .await?
    .try_get("id")
}

pub async fn get(db: &Db, id: i64) -> Result<Option<EventRow>, sqlx::Error> {
    sqlx::query(&format!("{SELECT} where e.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(EventRow::from_row)
        .transpose()
}

/// The open events of `kind` (any when `None`) starting in `[from, to)` (RFC 3339 UTC bounds,
/// either open).
fn list_filters(kind: Option<&str>, from: Option<&str>, to: Option<&str>) -> super::Filters {
    let mut f = super::Filters::default();
    f.push("e.status = 'open'", vec![]);
    if let Some(k) = kind {
        f.push("e.kind = ?", vec![super::FilterArg::Text(k.to_owned())]);
    }
    if let Some(from) = from {
        f.push(
            "e.starts_at >= ?",
            vec![super::FilterArg::Text(from.to_owned())],
        );
    }
    if let Some(to) = to {
        f.push(
            "e.starts_at < ?",
            vec![super::FilterArg::Text(to.to_owned())],
        );
    }
    f
}

/// Open events, oldest first, of `kind` (any when `None`) starting in `[from, to)` (RFC 3339
/// UTC bounds, either open).
pub async fn list(
    db: &Db,
    kind: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let f = list_filters(kind, from, to);
    let sql = format!(
        "{SELECT}{} order by e.starts_at, e.id limit 500",
        f.where_sql()
    );
    let rows = f.bind(sqlx::query(&sql)).fetch_all(db).await?;
    rows.iter().map(EventRow::from_row).collect()
}

/// How many open events [`list`] would give with these filters (without its limit).
pub async fn count(
    db: &Db,
    kind: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let f = list_filters(kind, from, to);
    let sql = format!("select count(*) from events e{}", f.where_sql());
    f.bind(sqlx::query(&sql)).fetch_one(db).await?.try_get(0)
}

/// A page of the open events of these filters: those starting after `now` first (soonest
/// first), then those that began (latest first); `limit` of them after skipping `offset`.
pub async fn list_page(
    db: &Db,
    kind: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    now: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let f = list_filters(kind, from, to);
    let n = f.next();
    let sql = format!(
        "{SELECT}{} order by case when e.starts_at > ${n} then 0 else 1 end, \
         case when e.starts_at > ${n} then e.starts_at else '' end, \
         case when e.starts_at > ${n} then e.id else 0 end, \
         e.starts_at desc, e.id desc limit {} offset {}",
        f.where_sql(),
        limit.max(0),
        offset.max(0)
    );
    let rows = f.bind(sqlx::query(&sql)).bind(now).fetch_all(db).await?;
    rows.iter().map(EventRow::from_row).collect()
}

/// The booth of an enterprise at an event, made if it has none yet; its id.
pub async fn booth(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event_id: i64,
    employer_id: i64,
    by: i64,
) -> Result<i64, sqlx::Error> {
    let found = sqlx::query("select id from event_booths where event_id = $1 and employer_id = $2")
        .bind(event_id)
        .bind(employer_id)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(r) = found {
        return r.try_get("id");
    }
    sqlx::query(
        "insert into event_booths (event_id, employer_id, created_by, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(event_id)
    .bind(employer_id)
    .bind(by)
    .bind(now_timestamp())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")
}

/// Brings a vacancy to a booth; `false` when it was there already.
pub async fn add_booth_vacancy(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    booth_id: i64,
    vacancy_id: i64,
) -> Result<bool, sqlx::Error> {
    let there = sqlx::query(
        "select count(*) from event_booth_vacancies where booth_id = $1 and vacancy_id = $2",
    )
    .bind(booth_id)
    .bind(vacancy_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get::<i64, _>(0)?;
    if there > 0 {
        return Ok(false);
    }
    sqlx::query("insert into event_booth_vacancies (booth_id, vacancy_id) values ($1, $2)")
        .bind(booth_id)
        .bind(vacancy_id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// A booth with the ids of its vacancies.
#[derive(Debug, Clone)]
pub struct BoothRow {
    pub id: i64,
    pub employer_id: i64,
    pub employer_name: String,
    pub vacancy_ids: Vec<i64>,
}

pub async fn booths(db: &Db, event_id: i64) -> Result<Vec<BoothRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select b.id, b.employer_id, m.name as employer_name, bv.vacancy_id \
         from event_booths b join employers m on m.id = b.employer_id \
         left join event_booth_vacancies bv on bv.booth_id = b.id \
         where b.event_id = $1 order by b.id, bv.vacancy_id",
    )
    .bind(event_id)
    .fetch_all(db)
    .await?;
    let mut out: Vec<BoothRow> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let vacancy: Option<i64> = r.try_get("vacancy_id")?;
        if out.last().is_none_or(|b| b.id != id) {
            out.push(BoothRow {
                id,
                employer_id: r.try_get("employer_id")?,
                employer_name: r.try_get("employer_name")?,
                vacancy_ids: Vec::new(),
            });
        }
        if let (Some(v), Some(b)) = (vacancy, out.last_mut()) {
            b.vacancy_ids.push(v);
        }
    }
    Ok(out)
}

pub async fn has_booth(db: &Db, event_id: i64, employer_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query("select count(*) from event_booths where event_id = $1 and employer_id = $2")
            .bind(event_id)
            .bind(employer_id)
            .fetch_one(db)
            .await?
            .try_get(0)?;
    Ok(n > 0)
}

/// Whether a vacancy is on a booth of the event.
pub async fn vacancy_at(db: &Db, event_id: i64, vacancy_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(
        "select count(*) from event_booth_vacancies bv join event_booths b on b.id = bv.booth_id \
         where b.event_id = $1 and bv.vacancy_id = $2",
    )
    .bind(event_id)
    .bind(vacancy_id)
    .fetch_one(db)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}

/// What a sign-up came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUp {
    /// the sign-up's id
    Done(i64),
    /// no seat left, or the event has begun or was cancelled
    Closed,
    /// the worker is already signed up
    Twice,
}

/// Signs a worker up in the caller's transaction. The seat is taken by a guarded update
/// (`taken < capacity`, open, not begun) whose affected row count decides, so of many sign-ups
/// for the last seat exactly one wins on both backends (PostgreSQL makes the others wait for the
/// row and re-check the condition; SQLite runs one writer at a time). On anything but `Done` the
/// caller must roll back (the seat of a second sign-up is then given back).
pub async fn sign_up(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event_id: i64,
    worker_id: i64,
    source: &str,
    station_id: Option<i64>,
    by: i64,
) -> Result<SignUp, sqlx::Error> {
    let now = now_timestamp();
    let seat = sqlx::query(
        "update events set taken = taken + 1 where id = $1 and taken < capacity and status = 'open' and starts_at > $2",
    )
    .bind(event_id)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    if seat.rows_affected() == 0 {
        return Ok(SignUp::Closed);
    }
    let inserted = sqlx::query(
        "insert into event_signups (event_id, worker_id, source, station_id, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(event_id)
    .bind(worker_id)
    .bind(source)
    .bind(station_id)
    .bind(by)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(r) => Ok(SignUp::Done(r.try_get("id")?)),
        Err(e) if super::is_unique_violation(&e) => Ok(SignUp::Twice),
        Err(e) => Err(e),
    }
}

pub async fn is_signed_up(db: &Db, event_id: i64, worker_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query("select count(*) from event_signups where event_id = $1 and worker_id = $2")
            .bind(event_id)
            .bind(worker_id)
            .fetch_one(db)
            .await?
            .try_get(0)?;
    Ok(n > 0)
}

/// The worker with this (validated) 身份证 number, if registered.
pub async fn worker_by_id_number(db: &Db, number: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("select id from workers where id_number = $1")
        .bind(number)
        .fetch_optional(db)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

/// Records a check-in in the caller's transaction; `None` when the worker was already
/// checked in at this stage.
pub async fn check_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event_id: i64,
    worker_id: i64,
    stage: &str,
    walk_in: bool,
    by: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let inserted = sqlx::query(
        "insert into event_checkins (event_id, worker_id, stage, walk_in, by_user, at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(event_id)
    .bind(worker_id)
    .bind(stage)
    .bind(walk_in)
    .bind(by)
    .bind(now_timestamp())
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(r) => Ok(Some(r.try_get("id")?)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Links the placement an arrival began to its check-in.
pub async fn set_checkin_placement(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    checkin_id: i64,
    placement_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("update event_checkins set placement_id = $1 where id = $2")
        .bind(placement_id)
        .bind(checkin_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One person on an event's list: signed up, or walked in.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub worker_id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub township_code: String,
    pub signed_up: bool,
    pub attended: bool,
    pub boarded: bool,
    pub arrived: bool,
    /// the employer of the worker's active placement, if any
    pub employer_name: Option<String>,
}

/// Everyone signed up or checked in, by sign-up order (walk-ins last).
pub async fn people(db: &Db, event_id: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    let rows = sqlx::query(
        "select w.id, w.name, w.id_number, w.phone, w.township_code, \
         (select count(*) from event_signups s where s.event_id = $1 and s.worker_id = w.id) as signed, \
         (select count(*) from event_checkins c where c.event_id = $1 and c.worker_id = w.id and c.stage = 'attended') as attended, \
         (select count(*) from event_checkins c where c.event_id = $1 and c.worker_id = w.id and c.stage = 'boarded') as boarded, \
         (select count(*) from event_checkins c where c.event_id = $1 and c.worker_id = w.id and c.stage = 'arrived') as arrived, \
         (select m.name from placements p join employers m on m.id = p.employer_id \
            where p.worker_id = w.id and p.status = 'active' order by p.id desc limit 1) as employer_name, \
         coalesce((select min(s.id) from event_signups s where s.event_id = $1 and s.worker_id = w.id), 1000000000000) as ord \
         from workers w where w.id in (select worker_id from event_signups where event_id = $1 \
            union select worker_id from event_checkins where event_id = $1) \
         order by ord, w.id",
    )
    .bind(event_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PersonRow {
                worker_id: r.try_get("id")?,
                name: r.try_get("name")?,
                id_number: r.try_get("id_number")?,
                phone: r.try_get("phone")?,
                township_code: r.try_get("township_code")?,
                signed_up: r.try_get::<i64, _>("signed")? > 0,
                attended: r.try_get::<i64, _>("attended")? > 0,
                boarded: r.try_get::<i64, _>("boarded")? > 0,
                arrived: r.try_get::<i64, _>("arrived")? > 0,
                employer_name: r.try_get("employer_name")?,
            })
        })
        .collect()
}

/// The figures of an event.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Figures {
    /// enterprises with a booth
    pub booths: i64,
    /// vacancies brought to the booths
    pub vacancies: i64,
    /// their places (headcount)
    pub places: i64,
    pub signups: i64,
    /// people who came (fair: checked in, walk-ins included; trip: boarded or arrived)
    pub attended: i64,
    /// of them, without a sign-up (fair)
    pub walk_ins: i64,
    /// trip: boarded and arrived
    pub boarded: i64,
    pub arrived: i64,
    /// applications made at the fair
    pub applications: i64,
    /// hired within 30 days: applications made at the fair with a placement starting by the
    /// event's date + 30 days, and placements begun at a trip's arrival
    pub hired: i64,
}

async fn scalar(db: &Db, sql: &str, event_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(sql)
        .bind(event_id)
        .fetch_one(db)
        .await?
        .try_get::<Option<i64>, _>(0)
        .map(Option::unwrap_or_default)
}

/// Counts an event's figures; `hired_by`: the last start date (`YYYY-MM-DD`) a hire counts.
pub async fn figures(db: &Db, event_id: i64, hired_by: &str) -> Result<Figures, sqlx::Error> {
    let walk_ins: i64 = sqlx::query(
        "select count(distinct worker_id) from event_checkins where event_id = $1 and walk_in = $2",
    )
    .bind(event_id)
    .bind(true)
    .fetch_one(db)
    .await?
    .try_get(0)?;
    let hired: i64 = sqlx::query(
        "select count(*) from (select p.worker_id from placements p join applications a on a.id = p.application_id \
           where a.event_id = $1 and p.start_date <= $2 \
         union select c.worker_id from event_checkins c where c.event_id = $1 and c.placement_id is not null) h",
    )
    .bind(event_id)
    .bind(hired_by)
    .fetch_one(db)
    .await?
    .try_get(0)?;
    Ok(Figures {
        booths: scalar(db, "select count(*) from event_booths where event_id = $1", event_id).await?,
        vacancies: scalar(
            db,
            "select count(*) from event_booth_vacancies bv join event_booths b on b.id = bv.booth_id where b.event_id = $1",
            event_id,
        )
        .await?,
        places: scalar(
            db,
            "select cast(sum(v.headcount) as bigint) from event_booth_vacancies bv join event_booths b on b.id = bv.booth_id \
             join vacancies v on v.id = bv.vacancy_id where b.event_id = $1",
            event_id,
        )
        .await?,
        signups: scalar(db, "select count(*) from event_signups where event_id = $1", event_id).await?,
        attended: scalar(
            db,
            "select count(distinct worker_id) from event_checkins where event_id = $1",
            event_id,
        )
        .await?,
        walk_ins,
        boarded: scalar(
            db,
            "select count(*) from event_checkins where event_id = $1 and stage = 'boarded'",
            event_id,
        )
        .await?,
        arrived: scalar(
            db,
            "select count(*) from event_checkins where event_id = $1 and stage = 'arrived'",
            event_id,
        )
        .await?,
        applications: scalar(db, "select count(*) from applications where event_id = $1", event_id).await?,
        hired,
    })
}

/// An application made at a fair to one of an enterprise's vacancies.
#[derive(Debug, Clone)]
pub struct FairApplication {
    pub application_id: i64,
    pub worker_id: i64,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub status: String,
}

pub async fn applications_to(
    db: &Db,
    event_id: i64,
    employer_id: i64,
) -> Result<Vec<FairApplication>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.id, a.worker_id, a.vacancy_id, v.title, a.status from applications a \
         join vacancies v on v.id = a.vacancy_id where a.event_id = $1 and v.employer_id = $2 order by a.id",
    )
    .bind(event_id)
    .bind(employer_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FairApplication {
                application_id: r.try_get("id")?,
                worker_id: r.try_get("worker_id")?,
                vacancy_id: r.try_get("vacancy_id")?,
                vacancy_title: r.try_get("title")?,
                status: r.try_get("status")?,
            })
        })
        .collect()
}

/// Tags an application with the fair it was made at, in the caller's transaction.
pub async fn tag_application(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: i64,
    event_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("update applications set event_id = $1 where id = $2")
        .bind(event_id)
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The worker's open application to an enterprise (latest first): `(id, vacancy_id, status)`
/// of one not ended (applied, interviewing, offered) or already hired.
pub async fn application_with(
    db: &Db,
    worker_id: i64,
    employer_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query(
        "select a.id, a.status from applications a join vacancies v on v.id = a.vacancy_id \
         where a.worker_id = $1 and v.employer_id = $2 and a.status in ('applied', 'interviewing', 'offered', 'hired') \
         order by case a.status when 'hired' then 0 when 'offered' then 1 when 'interviewing' then 2 else 3 end, a.id desc limit 1",
    )
    .bind(worker_id)
    .bind(employer_id)
    .fetch_optional(db)
    .await?
    .map(|r| Ok((r.try_get("id")?, r.try_get("status")?)))
    .transpose()
}

/// The active placement of a worker: `(id, employer_id)` (`None` for a job found without the
/// platform).
pub async fn active_placement(
    db: &Db,
    worker_id: i64,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query("select id, employer_id from placements where worker_id = $1 and status = 'active' order by id desc limit 1")
        .bind(worker_id)
        .fetch_optional(db)
        .await?
        .map(|r| Ok((r.try_get("id")?, r.try_get("employer_id")?)))
        .transpose()
}

/// One reminder to write: a worker signed up for an event starting in the window.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub event_id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub email: Option<String>,
    pub phone: String,
}

/// Sign-ups of open events starting in `[from, to)` (RFC 3339 UTC).
pub async fn reminders(db: &Db, from: &str, to: &str) -> Result<Vec<Reminder>, sqlx::Error> {
    let rows = sqlx::query(
        "select s.event_id, w.id, w.name, w.email, w.phone from event_signups s \
         join events e on e.id = s.event_id join workers w on w.id = s.worker_id \
         where e.status = 'open' and e.starts_at >= $1 and e.starts_at < $2 order by s.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Reminder {
                event_id: r.try_get("event_id")?,
                worker_id: r.try_get("id")?,
                worker_name: r.try_get("name")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
            })
        })
        .collect()
}

/// Events a worker signed up for, soonest first.
pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where e.id in (select event_id from event_signups where worker_id = $1) order by e.starts_at"
    ))
    .bind(worker_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(EventRow::from_row).collect()
}

async fn pair(
    db: &Db,
    sql: &str,
    month: [&str; 2],
    year_from: &str,
) -> Result<crate::reports::Pair, sqlx::Error> {
    let c = |a: &str, b: &str| {
        let (a, b) = (a.to_owned(), b.to_owned());
        async move {
            sqlx::query(sql)
                .bind(a)
                .bind(b)
                .fetch_one(db)
                .await?
                .try_get::<i64, _>(0)
        }
    };
    Ok(crate::reports::Pair {
        month: c(month[0], month[1]).await?,
        ytd: c(year_from, month[1]).await?,
    })
}

/// The monthly report's event figures. `instants`: the month's first and next month's first
/// instant and the year's first (UTC); `dates`: the month's first and last day and the year's
/// first day.
pub async fn monthly(
    db: &Db,
    instants: [&str; 3],
    dates: [&str; 3],
) -> Result<crate::reports::EventFigures, sqlx::Error> {
    let [mi_from, mi_to, yi_from] = instants;
    let [m_from, m_to, y_from] = dates;
    let held = |kind: &str| {
        format!(
            "select count(*) from events where kind = '{kind}' and status = 'open' and starts_at >= $1 and starts_at < $2"
        )
    };
    Ok(crate::reports::EventFigures {
        fairs: pair(db, &held("job_fair"), [mi_from, mi_to], yi_from).await?,
        fair_attended: pair(
            db,
            "select count(*) from event_checkins c join events e on e.id = c.event_id \
             where e.kind = 'job_fair' and e.starts_at >= $1 and e.starts_at < $2",
            [mi_from, mi_to],
            yi_from,
        )
        .await?,
        fair_applications: pair(
            db,
            "select count(*) from applications a join events e on e.id = a.event_id \
             where e.kind = 'job_fair' and e.starts_at >= $1 and e.starts_at < $2",
            [mi_from, mi_to],
            yi_from,
        )
        .await?,
        trips: pair(db, &held("trip"), [mi_from, mi_to], yi_from).await?,
        trip_arrived: pair(
            db,
            "select count(*) from event_checkins where stage = 'arrived' and at >= $1 and at < $2",
            [mi_from, mi_to],
            yi_from,
        )
        .await?,
        hired: pair(
            db,
            "select count(*) from placements p where p.start_date >= $1 and p.start_date <= $2 and \
             (exists (select 1 from applications a where a.id = p.application_id and a.event_id is not null) \
              or exists (select 1 from event_checkins c where c.placement_id = p.id))",
            [m_from, m_to],
            y_from,
        )
        .await?,
    })
}
