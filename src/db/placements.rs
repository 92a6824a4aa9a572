//! Placements (上岗), their follow-ups (跟踪服务) and the cases (诉求) raised at them.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::{Db, record_change};
use crate::domain::now_timestamp;
use crate::domain::values::fmt_date;
use crate::error::is_unique_violation_of;

/// Days after the start at which a placement is followed up.
pub const FOLLOW_UP_DAYS: [i64; 4] = [7, 30, 90, 180];

/// A stored placement with names for the pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlacementRow {
    pub id: i64,
    /// `None` for a job found without the platform
    pub application_id: Option<i64>,
    pub worker_id: i64,
    pub worker_name: String,
    pub vacancy_id: Option<i64>,
    /// '' for a job found without the platform
    pub vacancy_title: String,
    pub employer_id: Option<i64>,
    /// the enterprise's name, or the name given for a job found without the platform
    pub employer_name: String,
    pub station_id: Option<i64>,
    pub town_code: String,
    pub start_date: String,
    pub wage: i64,
    /// `active` or `left`
    pub status: String,
    pub left_on: Option<String>,
    pub left_reason: Option<String>,
    /// 就业渠道: `organised` (through the platform or a trip) or `self`
    pub channel: String,
    /// the workplace's county (GB/T 2260), from the vacancy's town
    pub work_county: String,
    /// the worker's home county
    #[serde(skip)]
    pub home_county: String,
    /// 脱贫劳动力 or 监测对象 (household facts: never serialised, an enterprise reads placements)
    #[serde(skip)]
    pub poverty_or_monitored: bool,
}

const SELECT: &str = "select p.id, p.application_id, p.worker_id, w.name as worker_name, p.vacancy_id, \
    coalesce(v.title, '') as vacancy_title, p.employer_id, coalesce(e.name, p.employer_name, '') as employer_name, \
    p.station_id, p.town_code, \
    p.start_date, p.wage, p.status, p.left_on, p.left_reason, p.channel, w.hometown_code, \
    w.poverty_alleviated, w.monitored \
    from placements p join workers w on w.id = p.worker_id left join vacancies v on v.id = p.vacancy_id \
    left join employers e on e.id = p.employer_id";

impl PlacementRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            application_id: r.try_get("application_id")?,
            worker_id: r.try_get("worker_id")?,
            worker_name: r.try_get("worker_name")?,
            vacancy_id: r.try_get("vacancy_id")?,
            vacancy_title: r.try_get("vacancy_title")?,
            employer_id: r.try_get("employer_id")?,
            employer_name: r.try_get("employer_name")?,
            station_id: r.try_get("station_id")?,
            town_code: r.try_get("town_code")?,
            start_date: r.try_get("start_date")?,
            wage: r.try_get("wage")?,
            status: r.try_get("status")?,
            left_on: r.try_get("left_on")?,
            left_reason: r.try_get("left_reason")?,
            channel: r.try_get("channel")?,
            work_county: r
                .try_get::<String, _>("town_code")?
                .chars()
                .take(6)
                .collect(),
            home_county: r
                .try_get::<String, _>("hometown_code")?
                .chars()
                .take(6)
                .collect(),
            poverty_or_monitored: super::get_bool(r, "poverty_alleviated")?
                || super::get_bool(r, "monitored")?,
        })
    }

    /// Outside the worker's home province: with 脱贫/监测 status and 3+ months at work in the
    /// year, eligible for the once-a-year cross-province travel subsidy.
    pub fn outside_home_province(&self) -> bool {
        self.work_county.get(..2) != self.home_county.get(..2)
    }
}

/// A hire to record.
#[derive(Debug, Clone)]
pub struct NewHire {
    pub application_id: i64,
    pub worker_id: i64,
    pub vacancy_id: i64,
    pub employer_id: i64,
    /// The worker's station; `None`: the first receiving station follows the placement.
    pub station_id: Option<i64>,
    /// First day at work.
    pub start: time::Date,
    pub wage: i64,
}

/// What a hire came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HireOutcome {
    /// The placement's id.
    Hired(i64),
    /// No place left (or the vacancy is gone): another hire took the last one.
    Full,
    /// The worker is already placed: another hire of the same worker came first.
    WorkerPlaced,
}

/// The hire, in the caller's transaction: one place taken from the vacancy (filled at zero),
/// the worker placed, the placement with its follow-ups due [`FOLLOW_UP_DAYS`] after the start,
/// and the change rows of the vacancy and the worker.
///
/// Every step that can lose a race is a guarded update whose `rows_affected` decides, so two
/// hires at once cannot both take the last place or both place one worker, on either backend
/// (on PostgreSQL the second update waits for the first transaction and re-checks its `where`;
/// SQLite runs one writer at a time). The partial unique index `placements_one_active` holds
/// the last line. On anything but `Hired` the caller must roll back.
pub async fn hire(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    h: &NewHire,
) -> Result<HireOutcome, sqlx::Error> {
    let now = now_timestamp();
    let place = sqlx::query(
        "update vacancies set filled = filled + 1, \
         status = case when filled + 1 >= headcount then 'filled' else status end, updated_at = $1 \
         where id = $2 and filled < headcount",
    )
    .bind(&now)
    .bind(h.vacancy_id)
    .execute(&mut **tx)
    .await?;
    if place.rows_affected() == 0 {
        return Ok(HireOutcome::Full);
    }
    let placed = sqlx::query(
        "update workers set status = 'placed', updated_at = $1 where id = $2 and status <> 'placed'",
    )
    .bind(&now)
    .bind(h.worker_id)
    .execute(&mut **tx)
    .await?;
    if placed.rows_affected() == 0 {
        return Ok(HireOutcome::WorkerPlaced);
    }
    let town_code: String = sqlx::query("select town_code from vacancies where id = $1")
        .bind(h.vacancy_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("town_code")?;
    let station_id = match h.station_id {
        Some(s) => Some(s),
        None => sqlx::query("select id from stations where side = 'receiving' order by id limit 1")
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get::<i64, _>("id"))
            .transpose()?,
    };
    let inserted = sqlx::query(
        "insert into placements (application_id, worker_id, vacancy_id, employer_id, station_id, town_code, \
         start_date, wage, status, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9) returning id",
    )
    .bind(h.application_id)
    .bind(h.worker_id)
    .bind(h.vacancy_id)
    .bind(h.employer_id)
    .bind(station_id)
    .bind(&town_code)
    .bind(fmt_date(h.start))
    .bind(h.wage)
    .bind(&now)
    .fetch_one(&mut **tx)
    .await;
    let placement_id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if is_unique_violation_of(&e, "placements_one_active", "placements.worker_id") => {
            return Ok(HireOutcome::WorkerPlaced);
        }
        Err(e) => return Err(e),
    };
    for days in FOLLOW_UP_DAYS {
        sqlx::query(
            "insert into follow_ups (placement_id, station_id, day_offset, due_on, status) values ($1, $2, $3, $4, 'pending')",
        )
        .bind(placement_id)
        .bind(station_id)
        .bind(days)
        .bind(fmt_date(h.start + time::Duration::days(days)))
        .execute(&mut **tx)
        .await?;
    }
    record_change(tx, "vacancy", h.vacancy_id).await?;
    record_change(tx, "worker", h.worker_id).await?;
    Ok(HireOutcome::Hired(placement_id))
}

/// Ends an active placement in the caller's transaction: left with a reason, later follow-ups
/// cancelled, the worker seeking work again (with the worker's change row). `false` when the
/// placement had already ended (another request came first): then nothing is written.
pub async fn end(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    placement_id: i64,
    worker_id: i64,
    reason: &str,
    today: &str,
) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query(
        "update placements set status = 'left', left_on = $1, left_reason = $2 where id = $3 and status = 'active'",
    )
    .bind(today)
    .bind(reason)
    .bind(placement_id)
    .execute(&mut **tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "update follow_ups set status = 'cancelled' where placement_id = $1 and status = 'pending'",
    )
    .bind(placement_id)
    .execute(&mut **tx)
    .await?;
    // the placement's end is an action on its open cases
    sqlx::query(
        "update cases set last_action_on = $1 where placement_id = $2 and resolved_on is null",
    )
    .bind(today)
    .bind(placement_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update workers set status = 'seeking', updated_at = $1 where id = $2 and status = 'placed'",
    )
    .bind(now_timestamp())
    .bind(worker_id)
    .execute(&mut **tx)
    .await?;
    record_change(tx, "worker", worker_id).await?;
    Ok(true)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<PlacementRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} where p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(PlacementRow::from_row).transpose()
}

/// Placements of a worker, newest first.
pub async fn of_worker(db: &Db, worker_id: i64) -> Result<Vec<PlacementRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} where p.worker_id = $1 order by p.id desc"
    ))
    .bind(worker_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(PlacementRow::from_row).collect()
}

/// Every placement, or one station's, or one employer's (retention figures).
pub async fn list(
    db: &Db,
    station_id: Option<i64>,
    employer_id: Option<i64>,
) -> Result<Vec<PlacementRow>, sqlx::Error> {
    let (sql, arg) = match (station_id, employer_id) {
        (Some(s), _) => (
            format!("{SELECT} where p.station_id = $1 order by p.id"),
            Some(s),
        ),
        (None, Some(e)) => (
            format!("{SELECT} where p.employer_id = $1 order by p.id"),
            Some(e),
        ),
        _ => (format!("{SELECT} order by p.id"), None),
    };
    let mut q = sqlx::query(&sql);
    if let Some(a) = arg {
        q = q.bind(a);
    }
    let rows = q.fetch_all(db).await?;
    rows.iter().map(PlacementRow::from_row).collect()
}

/// A follow-up with what the caseload page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpRow {
    pub id: i64,
    pub placement_id: i64,
    pub station_id: Option<i64>,
    pub day_offset: i64,
    pub due_on: String,
    /// `pending`, `done` or `cancelled`
    pub status: String,
    pub done_on: Option<String>,
    pub method: Option<String>,
    pub still_employed: Option<bool>,
    pub wage_paid_on_time: Option<bool>,
    pub monthly_wage: Option<i64>,
    pub problem: Option<String>,
    pub note: String,
    pub worker_id: i64,
    pub worker_name: String,
    pub employer_name: String,
    pub vacancy_title: String,
    /// who recorded the follow-up, and for which station (shared history of both ends)
    pub done_by_name: Option<String>,
    pub done_by_station: Option<String>,
    /// the station that owns the follow-up
    pub station_name: Option<String>,
    /// a pending follow-up overdue 7 days: `head` (the station head's list); 14 days:
    /// `bureau` (escalated to the county bureau)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// days past the due day, for a pending follow-up that is late
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<i64>,
    /// what the lists show, e.g. `逾期10天·站长督办`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation_label: Option<String>,
}

impl FollowUpRow {
    /// The follow-up as the enterprise and the worker see it: when it is due and whether it
    /// took place; nothing of what the officer recorded.
    pub fn dates_only(self) -> Self {
        Self {
            method: None,
            still_employed: None,
            wage_paid_on_time: None,
            monthly_wage: None,
            problem: None,
            note: String::new(),
            done_by_name: None,
            done_by_station: None,
            escalation: None,
            overdue_days: None,
            escalation_label: None,
            ..self
        }
    }
}

const FOLLOW_SELECT: &str = "select f.id, f.placement_id, f.station_id, f.day_offset, f.due_on, f.status, \
    f.done_on, f.method, f.still_employed, f.wage_paid_on_time, f.monthly_wage, f.problem, f.note, \
    p.worker_id, w.name as worker_name, coalesce(e.name, p.employer_name, '') as employer_name, \
    coalesce(v.title, '') as vacancy_title, \
    (select u.display_name from users u where u.id = f.done_by) as done_by_name, \
    (select st.name from users u join stations st on st.id = u.station_id where u.id = f.done_by) as done_by_station, \
    (select os.name from stations os where os.id = f.station_id) as station_name \
    from follow_ups f join placements p on p.id = f.placement_id join workers w on w.id = p.worker_id \
    left join employers e on e.id = p.employer_id left join vacancies v on v.id = p.vacancy_id";

fn opt_bool(r: &AnyRow, col: &str) -> Result<Option<bool>, sqlx::Error> {
    let v: Option<i64> = match r.try_get::<Option<bool>, _>(col) {
        Ok(b) => return Ok(b),
        Err(_) => r.try_get(col)?,
    };
    Ok(v.map(|v| v != 0))
}

impl FollowUpRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            placement_id: r.try_get("placement_id")?,
            station_id: r.try_get("station_id")?,
            day_offset: r.try_get("day_offset")?,
            due_on: r.try_get("due_on")?,
            status: r.try_get("status")?,
            done_on: r.try_get("done_on")?,
            method: r.try_get("method")?,
            still_employed: opt_bool(r, "still_employed")?,
            wage_paid_on_time: opt_bool(r, "wage_paid_on_time")?,
            monthly_wage: r.try_get("monthly_wage")?,
            problem: r.try_get("problem")?,
            note: r.try_get("note")?,
            worker_id: r.try_get("worker_id")?,
            worker_name: r.try_get("worker_name")?,
            employer_name: r.try_get("employer_name")?,
            vacancy_title: r.try_get("vacancy_title")?,
            done_by_name: r.try_get("done_by_name")?,
            done_by_station: r.try_get("done_by_station")?,
            station_name: r.try_get("station_name")?,
            escalation: None,
            overdue_days: None,
            escalation_label: None,
        })
    }
}

pub async fn follow_up(db: &Db, id: i64) -> Result<Option<FollowUpRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{FOLLOW_SELECT} where f.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(FollowUpRow::from_row).transpose()
}

pub async fn follow_ups_of(db: &Db, placement_id: i64) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{FOLLOW_SELECT} where f.placement_id = $1 order by f.day_offset"
    ))
    .bind(placement_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(FollowUpRow::from_row).collect()
}

/// Which follow-ups a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpView {
    /// pending, due from today to a week ahead
    Due,
    /// pending, due before today (oldest first)
    Overdue,
    Done,
    /// pending, due on or before the given day (today − 14 days): the bureau's list
    Escalated,
}

/// Whose follow-ups and cases a list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// every station's (the admin, the bureau's digest)
    All,
    /// a station's own and, for a receiving station (`district`: its county code), those of
    /// the active placements whose workplace is in its district, whoever owns them
    Station { id: i64, district: Option<String> },
}

impl Scope {
    /// The condition on `owner` (the station column), from bind number `n` on; its
    /// arguments are bound by [`bind_scope`].
    fn condition(&self, owner: &str, n: usize) -> String {
        match self {
            Scope::All => String::new(),
            Scope::Station { district: None, .. } => format!(" and {owner} = ${n}"),
            Scope::Station {
                district: Some(_), ..
            } => format!(
                " and ({owner} = ${n} or (p.status = 'active' and p.town_code like ${}))",
                n + 1
            ),
        }
    }
}

/// Binds a scope's arguments (the station id as a number, the district pattern as text).
fn bind_scope<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    scope: &Scope,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    if let Scope::Station { id, district } = scope {
        q = q.bind(*id);
        if let Some(d) = district {
            q = q.bind(format!("{d}%"));
        }
    }
    q
}

/// The condition and order of a follow-up view (`$1` today, `$2` the second day).
fn follow_up_view(view: FollowUpView) -> (&'static str, &'static str) {
    match view {
        FollowUpView::Due => (
            "f.status = 'pending' and f.due_on >= $1 and f.due_on <= $2",
            "f.due_on, f.id",
        ),
        FollowUpView::Overdue => (
            "f.status = 'pending' and f.due_on < $1 and $2 = $2",
            "f.due_on, f.id",
        ),
        FollowUpView::Done => (
            "f.status = 'done' and $1 = $1 and $2 = $2",
            "f.done_on desc, f.id desc",
        ),
        FollowUpView::Escalated => (
            "f.status = 'pending' and f.due_on <= $2 and $1 = $1",
            "f.due_on, f.id",
        ),
    }
}

/// Follow-ups of one view within a scope (at most 500).
pub async fn follow_ups(
    db: &Db,
    scope: &Scope,
    view: FollowUpView,
    today: &str,
    week_ahead: &str,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    follow_ups_page(db, scope, view, today, week_ahead, 500, 0).await
}

/// Follow-ups of one view within a scope: `limit` of them after skipping `offset`.
pub async fn follow_ups_page(
    db: &Db,
    scope: &Scope,
    view: FollowUpView,
    today: &str,
    week_ahead: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    let (cond, order) = follow_up_view(view);
    let scope_cond = scope.condition("f.station_id", 3);
    let sql = format!(
        "{FOLLOW_SELECT} where {cond}{scope_cond} order by {order} limit {} offset {}",
        limit.max(0),
        offset.max(0)
    );
    let q = sqlx::query(&sql).bind(today).bind(week_ahead);
    let rows = bind_scope(q, scope).fetch_all(db).await?;
    rows.iter().map(FollowUpRow::from_row).collect()
}

/// How many follow-ups one view holds within a scope.
pub async fn count_follow_ups(
    db: &Db,
    scope: &Scope,
    view: FollowUpView,
    today: &str,
    week_ahead: &str,
) -> Result<i64, sqlx::Error> {
    let (cond, _) = follow_up_view(view);
    let scope_cond = scope.condition("f.station_id", 3);
    // the scope's condition may name the placement (`p.`): the same joins as the list
    let sql = format!(
        "select count(*) from follow_ups f join placements p on p.id = f.placement_id where {cond}{scope_cond}"
    );
    let q = sqlx::query(&sql).bind(today).bind(week_ahead);
    bind_scope(q, scope).fetch_one(db).await?.try_get(0)
}

/// What a follow-up records.
#[derive(Debug, Clone)]
pub struct FollowUpRecord<'a> {
    pub done_on: &'a str,
    pub method: &'a str,
    pub still_employed: bool,
    pub wage_paid_on_time: Option<bool>,
    pub monthly_wage: Option<i64>,
    pub problem: Option<&'a str>,
    pub note: &'a str,
    pub by: i64,
}

/// Records a pending follow-up as done, in the caller's transaction, and opens a case when it
/// raised a problem. `false` when it was no longer pending (recorded by someone else first):
/// then nothing is written.
pub async fn complete_follow_up(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    f: &FollowUpRow,
    r: &FollowUpRecord<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update follow_ups set status = 'done', done_on = $1, method = $2, still_employed = $3, \
         wage_paid_on_time = $4, monthly_wage = $5, problem = $6, note = $7, done_by = $8 where id = $9 and status = 'pending'",
    )
    .bind(r.done_on)
    .bind(r.method)
    .bind(r.still_employed)
    .bind(r.wage_paid_on_time)
    .bind(r.monthly_wage)
    .bind(r.problem)
    .bind(r.note)
    .bind(r.by)
    .bind(f.id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    // a follow-up is an action on the placement's open cases
    sqlx::query(
        "update cases set last_action_on = $1 where placement_id = $2 and resolved_on is null",
    )
    .bind(r.done_on)
    .bind(f.placement_id)
    .execute(&mut **tx)
    .await?;
    if let Some(p) = r.problem {
        sqlx::query(
            "insert into cases (follow_up_id, placement_id, worker_id, station_id, problem, description, opened_on, last_action_on) \
             values ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(f.id)
        .bind(f.placement_id)
        .bind(f.worker_id)
        .bind(f.station_id)
        .bind(p)
        .bind(r.note)
        .bind(r.done_on)
        .execute(&mut **tx)
        .await?;
    }
    Ok(true)
}

/// A problem raised at a follow-up (or reported by the worker).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseRow {
    pub id: i64,
    pub follow_up_id: Option<i64>,
    pub placement_id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub station_id: Option<i64>,
    /// the station that owns the case
    pub station_name: Option<String>,
    pub problem: String,
    pub description: String,
    pub opened_on: String,
    /// the day of the last action: opened, a follow-up recorded on its placement, the
    /// placement ended
    pub last_action_on: String,
    pub resolved_on: Option<String>,
    pub resolution: Option<String>,
    /// an open case without action for 7 days: `head`; 14 days: `bureau`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// days since the last action, for an open case
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_days: Option<i64>,
    /// what the lists show, e.g. `14天未处理·县局督办`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation_label: Option<String>,
}

const CASE_SELECT: &str = "select c.id, c.follow_up_id, c.placement_id, c.worker_id, w.name as worker_name, \
    c.station_id, (select os.name from stations os where os.id = c.station_id) as station_name, \
    c.problem, c.description, c.opened_on, coalesce(c.last_action_on, c.opened_on) as last_action_on, \
    c.resolved_on, c.resolution \
    from cases c join workers w on w.id = c.worker_id join placements p on p.id = c.placement_id";

impl CaseRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: r.try_get("id")?,
            follow_up_id: r.try_get("follow_up_id")?,
            placement_id: r.try_get("placement_id")?,
            worker_id: r.try_get("worker_id")?,
            worker_name: r.try_get("worker_name")?,
            station_id: r.try_get("station_id")?,
            station_name: r.try_get("station_name")?,
            problem: r.try_get("problem")?,
            description: r.try_get("description")?,
            opened_on: r.try_get("opened_on")?,
            last_action_on: r.try_get("last_action_on")?,
            resolved_on: r.try_get("resolved_on")?,
            resolution: r.try_get("resolution")?,
            escalation: None,
            idle_days: None,
            escalation_label: None,
        })
    }
}

pub async fn case(db: &Db, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{CASE_SELECT} where c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(CaseRow::from_row).transpose()
}

/// Which cases a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseView {
    Open,
    All,
    /// resolved, newest first
    Resolved,
    /// open, without action since the given day (inclusive): the head's and the bureau's lists
    QuietSince(String),
}

/// The condition (`$1` its argument) and order of a case view.
fn case_view(view: &CaseView) -> (&'static str, String, &'static str) {
    let oldest = "c.opened_on, c.id";
    match view {
        CaseView::Open => ("c.resolved_on is null and $1 = $1", String::new(), oldest),
        CaseView::All => ("$1 = $1", String::new(), oldest),
        CaseView::Resolved => (
            "c.resolved_on is not null and $1 = $1",
            String::new(),
            "c.opened_on desc, c.id desc",
        ),
        CaseView::QuietSince(day) => (
            "c.resolved_on is null and coalesce(c.last_action_on, c.opened_on) <= $1",
            day.clone(),
            oldest,
        ),
    }
}

/// Cases of one view within a scope, oldest first (resolved ones newest first), at most 500.
pub async fn cases(db: &Db, scope: &Scope, view: &CaseView) -> Result<Vec<CaseRow>, sqlx::Error> {
    cases_page(db, scope, view, 500, 0).await
}

/// Cases of one view within a scope: `limit` of them after skipping `offset`.
pub async fn cases_page(
    db: &Db,
    scope: &Scope,
    view: &CaseView,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let (cond, arg, order) = case_view(view);
    let scope_cond = scope.condition("c.station_id", 2);
    let sql = format!(
        "{CASE_SELECT} where {cond}{scope_cond} order by {order} limit {} offset {}",
        limit.max(0),
        offset.max(0)
    );
    let q = sqlx::query(&sql).bind(arg);
    let rows = bind_scope(q, scope).fetch_all(db).await?;
    rows.iter().map(CaseRow::from_row).collect()
}

/// How many cases one view holds within a scope.
pub async fn count_cases(db: &Db, scope: &Scope, view: &CaseView) -> Result<i64, sqlx::Error> {
    let (cond, arg, _) = case_view(view);
    let scope_cond = scope.condition("c.station_id", 2);
    let sql = format!(
        "select count(*) from cases c join placements p on p.id = c.placement_id where {cond}{scope_cond}"
    );
    let q = sqlx::query(&sql).bind(arg);
    bind_scope(q, scope).fetch_one(db).await?.try_get(0)
}

pub async fn cases_of_placement(db: &Db, placement_id: i64) -> Result<Vec<CaseRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{CASE_SELECT} where c.placement_id = $1 order by c.id"
    ))
    .bind(placement_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(CaseRow::from_row).collect()
}

/// Marks a case resolved.
pub async fn resolve_case(
    db: &Db,
    id: i64,
    resolution: &str,
    today: &str,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update cases set resolved_on = $1, resolution = $2, resolved_by = $3, last_action_on = $1 \
         where id = $4 and resolved_on is null",
    )
    .bind(today)
    .bind(resolution)
    .bind(by)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether a worker started a job between two dates (inclusive).
pub async fn placed_between(
    db: &Db,
    worker_id: i64,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "select count(*) from placements where worker_id = $1 and start_date >= $2 and start_date <= $3",
    )
    .bind(worker_id)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Sets the day a follow-up was recorded (the demo data spreads them over their own days).
pub async fn set_done_on_for_demo(db: &Db, id: i64, done_on: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update follow_ups set done_on = $1 where id = $2 and status = 'done'")
        .bind(done_on)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves a placement's first day (and its follow-ups' due days) back for the demo data, whose
/// hires lie further back than a hire may be recorded today.
pub async fn backdate_for_demo(db: &Db, id: i64, start: time::Date) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("update placements set start_date = $1 where id = $2")
        .bind(fmt_date(start))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let rows = sqlx::query("select id, day_offset from follow_ups where placement_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    for r in rows {
        let (f, offset): (i64, i64) = (r.try_get("id")?, r.try_get("day_offset")?);
        sqlx::query("update follow_ups set due_on = $1 where id = $2")
            .bind(fmt_date(start + time::Duration::days(offset)))
            .bind(f)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// A job found without the platform, to record.
#[derive(Debug, Clone)]
pub struct NewFoundJob<'a> {
    pub worker_id: i64,
    pub employer_name: &'a str,
    /// GB/T 2260 county code of the workplace (stored in `town_code`)
    pub workplace_county: &'a str,
    pub station_id: Option<i64>,
    pub start: time::Date,
    pub wage: i64,
    /// `self` or `organised`
    pub channel: &'a str,
    pub recorded_by: i64,
}

/// Records a job found without the platform, in the caller's transaction: the worker placed,
/// the placement (no application, vacancy or enterprise row) with the same follow-ups as a
/// hire. `None` when the worker is already in an active placement.
pub async fn record_found(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    j: &NewFoundJob<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_timestamp();
    sqlx::query("update workers set status = 'placed', updated_at = $1 where id = $2")
        .bind(&now)
        .bind(j.worker_id)
        .execute(&mut **tx)
        .await?;
    let inserted = sqlx::query(
        "insert into placements (application_id, worker_id, vacancy_id, employer_id, employer_name, station_id, \
         town_code, start_date, wage, status, created_at, channel, recorded_by) \
         values (null, $1, null, null, $2, $3, $4, $5, $6, 'active', $7, $8, $9) returning id",
    )
    .bind(j.worker_id)
    .bind(j.employer_name)
    .bind(j.station_id)
    .bind(j.workplace_county)
    .bind(fmt_date(j.start))
    .bind(j.wage)
    .bind(&now)
    .bind(j.channel)
    .bind(j.recorded_by)
    .fetch_one(&mut **tx)
    .await;
    let placement_id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if is_unique_violation_of(&e, "placements_one_active", "placements.worker_id") => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    for days in FOLLOW_UP_DAYS {
        sqlx::query(
            "insert into follow_ups (placement_id, station_id, day_offset, due_on, status) values ($1, $2, $3, $4, 'pending')",
        )
        .bind(placement_id)
        .bind(j.station_id)
        .bind(days)
        .bind(fmt_date(j.start + time::Duration::days(days)))
        .execute(&mut **tx)
        .await?;
    }
    record_change(tx, "worker", j.worker_id).await?;
    Ok(Some(placement_id))
}

/// The earliest pending follow-up's due day of a placement.
pub async fn next_pending_follow_up(
    db: &Db,
    placement_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query(
        "select due_on from follow_ups where placement_id = $1 and status = 'pending' \
         order by due_on, id limit 1",
    )
    .bind(placement_id)
    .fetch_optional(db)
    .await?
    .map(|r| r.try_get::<String, _>("due_on"))
    .transpose()
}

/// Opens a case the worker reported themselves (no follow-up), in the caller's transaction.
pub async fn open_case(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    placement_id: i64,
    worker_id: i64,
    station_id: Option<i64>,
    problem: &str,
    description: &str,
    today: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "insert into cases (follow_up_id, placement_id, worker_id, station_id, problem, description, opened_on, last_action_on) \
         values (null, $1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(placement_id)
    .bind(worker_id)
    .bind(station_id)
    .bind(problem)
    .bind(description)
    .bind(today)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")
}
