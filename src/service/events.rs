//! Events (issue 17): job fairs (专场招聘会, 春风行动) and 点对点 return-to-work trips. A station
//! or the admin creates one; verified enterprises take a booth at a fair with their own open
//! vacancies; workers sign up (or their station signs them up), never beyond capacity and never
//! twice; at the door (or the coach, or on arrival in Doumen) the running station checks people
//! in; an arrival with an employer, start date and wage begins the placement and its
//! follow-ups; applications made at a fair carry its id; the figures count all of it.
//!
//! Who may do what is asked of `service/policy.rs` (`may_create_event`, `may_run_event`,
//! `may_sign_up`, `may_take_booth`, `may_view_event_figures`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::db::events::{self, NewEvent, SignUp};
pub use crate::db::events::{EventRow, Figures, PersonRow};
use crate::db::outbox::{self, NewMail};
use crate::db::placements::{self, HireOutcome, NewHire};
use crate::db::vacancies::VacancyRow;
use crate::db::{applications, audit, employers, stations, vacancies, workers};
use crate::domain::event::{EventKind, Stage, china_date, parse_china_time};
use crate::domain::region::{RegionCode, township_name};
use crate::domain::values::{check_wage, fmt_date, parse_date};
use crate::domain::{CST, IdCardNumber, fmt_instant, mask_id_number, today};
use crate::error::{AppError, AppResult, FieldErrors, WORKER_ALREADY_PLACED};
use crate::service::policy::{self, EventTie};
use crate::state::AppState;

/// A new event.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EventInput {
    /// `job_fair` or `trip`
    pub kind: String,
    pub title: String,
    /// China time, `YYYY-MM-DDTHH:MM`
    pub starts_at: String,
    /// where (or 线上 for an online fair); a trip: where it leaves from
    pub place: String,
    pub capacity: Option<i64>,
    /// a trip: the township it leaves from (Meitan or Fugong)
    pub from_town: Option<String>,
    /// a trip: the Doumen township it goes to
    pub to_town: Option<String>,
    /// the admin: the organising station (a station organises its own)
    pub station_id: Option<i64>,
}

fn trimmed(s: &str) -> String {
    s.trim().to_owned()
}

/// Creates an event (a station organises it; the admin may name the organising station).
pub async fn create(state: &AppState, actor: &CurrentUser, input: &EventInput) -> AppResult<i64> {
    if !policy::may_create_event(actor.role) {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let kind = e.take("kind", EventKind::parse(&input.kind));
    let title = trimmed(&input.title);
    match title.chars().count() {
        0 => e.add("title", "请填写活动名称"),
        n if n > 80 => e.add("title", "活动名称不超过80个字"),
        _ => {}
    }
    let starts = e.take("starts_at", parse_china_time(&input.starts_at));
    if let Some(t) = starts {
        let now = OffsetDateTime::now_utc();
        if t <= now {
            e.add("starts_at", "开始时间应晚于现在（北京时间）");
        } else if t > now + time::Duration::days(400) {
            e.add("starts_at", "开始时间不能晚于一年以后");
        }
    }
    let place = trimmed(&input.place);
    match place.chars().count() {
        0 => e.add("place", "请填写地点（线上招聘会填“线上”）"),
        n if n > 100 => e.add("place", "地点不超过100个字"),
        _ => {}
    }
    match input.capacity {
        None => e.add("capacity", "请填写名额（座位数）"),
        Some(c) if !(1..=10_000).contains(&c) => e.add("capacity", "名额应在1到10000之间"),
        Some(_) => {}
    }
    let (mut from_town, mut to_town) = (None, None);
    if kind == Some(EventKind::Trip) {
        match input.from_town.as_deref().map(str::trim) {
            None | Some("") => e.add("from_town", "请选择出发乡镇"),
            Some(s) => match RegionCode::parse_town(s) {
                Ok(c) if c.county_code() == "440403" => {
                    e.add("from_town", "出发地应为湄潭县或福贡县的乡镇")
                }
                Ok(c) => from_town = Some(c.as_str().to_owned()),
                Err(m) => e.add("from_town", m),
            },
        }
        match input.to_town.as_deref().map(str::trim) {
            None | Some("") => e.add("to_town", "请选择到达的斗门区镇街"),
            Some(s) => match RegionCode::parse_doumen_town(s) {
                Ok(c) => to_town = Some(c.as_str().to_owned()),
                Err(m) => e.add("to_town", m),
            },
        }
    }
    let station_id = match actor.role {
        Role::Station => Some(actor.station_id.ok_or(AppError::Forbidden)?),
        _ => match input.station_id {
            Some(s) if stations::get(&state.db, s).await?.is_none() => {
                e.add("station_id", "没有这个工作站");
                None
            }
            s => s,
        },
    };
    // a sending station organises trips from its own county's townships only
    if let (Some(id), Some(from)) = (station_id.filter(|_| actor.is(Role::Station)), &from_town) {
        let county = stations::get(&state.db, id)
            .await?
            .filter(|s| s.side == "sending")
            .and_then(|s| s.county_code);
        if let Some(c) = county
            && !from.starts_with(&c)
        {
            e.add("from_town", "只能组织从本县乡镇出发的专车");
        }
    }
    e.check()?;
    let (Some(kind), Some(starts), Some(capacity)) = (kind, starts, input.capacity) else {
        return Err(AppError::invalid("kind", "请选择活动类型"));
    };
    let starts_at = fmt_instant(starts);
    let id = events::insert(
        &state.db,
        &NewEvent {
            kind,
            title: &title,
            starts_at: &starts_at,
            place: &place,
            capacity,
            station_id,
            from_town: from_town.as_deref(),
            to_town: to_town.as_deref(),
            created_by: actor.id,
        },
    )
    .await?;
    audit::record(
        &state.db,
        actor.by(),
        "create_event",
        "event",
        Some(id),
        &title,
    )
    .await?;
    tracing::info!(event.id = id, kind = kind.as_str(), "event created");
    Ok(id)
}

/// Filters of the events list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EventQuery {
    /// `job_fair` or `trip`
    pub kind: Option<String>,
    /// first day (China date, `YYYY-MM-DD`)
    pub from: Option<String>,
    /// last day (China date, `YYYY-MM-DD`)
    pub to: Option<String>,
}

/// The UTC instant at which a China date begins.
fn day_start(d: time::Date) -> String {
    fmt_instant(time::PrimitiveDateTime::new(d, time::Time::MIDNIGHT).assume_offset(CST))
}

/// The bounds of an event query (RFC 3339 UTC instants): its kind, from and to.
type Bounds = (Option<&'static str>, Option<String>, Option<String>);

/// Reads an event query's kind and days; a bad one is a field error.
fn bounds(q: &EventQuery) -> AppResult<Bounds> {
    let mut e = FieldErrors::new();
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => e.take("kind", EventKind::parse(k)).map(EventKind::as_str),
    };
    let date =
        |field: &str, v: &Option<String>, e: &mut FieldErrors| match v.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => e.take(field, parse_date(s)),
        };
    let from = date("from", &q.from, &mut e).map(day_start);
    let to = date("to", &q.to, &mut e).map(|d| day_start(d + time::Duration::days(1)));
    e.check()?;
    Ok((kind, from, to))
}

/// Open events, upcoming first (soonest first), then those that began (latest first).
pub async fn list(state: &AppState, q: &EventQuery) -> AppResult<Vec<EventRow>> {
    let (kind, from, to) = bounds(q)?;
    let all = events::list(&state.db, kind, from.as_deref(), to.as_deref()).await?;
    let now = fmt_instant(OffsetDateTime::now_utc());
    let (upcoming, mut past): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|ev| ev.starts_utc > now);
    past.reverse();
    Ok(upcoming.into_iter().chain(past).collect())
}

/// Page `asked` of [`list`]'s events, read page by page.
pub async fn list_page(
    state: &AppState,
    q: &EventQuery,
    asked: i64,
    per_page: i64,
) -> AppResult<crate::service::Paged<EventRow>> {
    let (kind, from, to) = bounds(q)?;
    let (from, to) = (from.as_deref(), to.as_deref());
    let total = events::count(&state.db, kind, from, to).await?;
    let (page, offset) = crate::service::page_window(asked, total, per_page);
    let now = fmt_instant(OffsetDateTime::now_utc());
    let rows = events::list_page(&state.db, kind, from, to, &now, per_page, offset).await?;
    Ok(crate::service::Paged { rows, total, page })
}

/// Upcoming job fairs (for the job board).
pub async fn upcoming_fairs(state: &AppState, n: usize) -> AppResult<Vec<EventRow>> {
    let now = fmt_instant(OffsetDateTime::now_utc());
    let mut items = events::list(
        &state.db,
        Some(EventKind::JobFair.as_str()),
        Some(&now),
        None,
    )
    .await?;
    items.truncate(n);
    Ok(items)
}

/// A booth as the public fair page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoothView {
    pub employer_id: i64,
    pub employer_name: String,
    /// its vacancies that are still on the board
    pub vacancies: Vec<VacancyRow>,
}

/// An event with its booths, for everyone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub event: EventRow,
    pub booths: Vec<BoothView>,
}

async fn event(state: &AppState, id: i64) -> AppResult<EventRow> {
    events::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// One event and its booths with their open vacancies.
pub async fn detail(state: &AppState, id: i64) -> AppResult<EventDetail> {
    let event = event(state, id).await?;
    let today_s = fmt_date(today());
    let mut booths = Vec::new();
    for b in events::booths(&state.db, id).await? {
        let vacancies = vacancies::by_ids(&state.db, &b.vacancy_ids, &today_s)
            .await?
            .into_iter()
            .filter(|v| policy::vacancy_public(v.status == "open", v.employer_status))
            .collect::<Vec<_>>();
        if vacancies.is_empty() {
            continue;
        }
        booths.push(BoothView {
            employer_id: b.employer_id,
            employer_name: b.employer_name,
            vacancies,
        });
    }
    Ok(EventDetail { event, booths })
}

/// The actor's relation to an event.
async fn tie(state: &AppState, actor: &CurrentUser, ev: &EventRow) -> AppResult<EventTie> {
    let Some(s) = actor.station_id.filter(|_| actor.is(Role::Station)) else {
        return Ok(EventTie::None);
    };
    if ev.station_id == Some(s) {
        return Ok(EventTie::Organiser);
    }
    if ev.is_trip()
        && stations::get(&state.db, s)
            .await?
            .is_some_and(|st| st.side == "receiving")
    {
        return Ok(EventTie::Receiving);
    }
    Ok(EventTie::None)
}

/// Whether the actor runs this event (for pages: which links to show).
pub async fn runs(state: &AppState, actor: &CurrentUser, ev: &EventRow) -> AppResult<bool> {
    Ok(policy::may_run_event(
        actor.role,
        tie(state, actor, ev).await?,
    ))
}

/// The event, for someone who runs it.
async fn run(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<EventRow> {
    let ev = event(state, id).await?;
    if runs(state, actor, &ev).await? {
        Ok(ev)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A booth to take.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BoothInput {
    /// the enterprise's own open vacancies
    pub vacancy_ids: Vec<i64>,
    /// the admin: which enterprise
    pub employer_id: Option<i64>,
}

/// An enterprise takes a booth at a fair (or adds vacancies to its booth); its id.
pub async fn take_booth(
    state: &AppState,
    actor: &CurrentUser,
    event_id: i64,
    input: &BoothInput,
) -> AppResult<i64> {
    let ev = event(state, event_id).await?;
    let employer_id = match actor.role {
        Role::Employer => actor.employer_id.ok_or(AppError::Forbidden)?,
        Role::Admin => input
            .employer_id
            .ok_or_else(|| AppError::invalid("employer_id", "请指定企业"))?,
        _ => return Err(AppError::Forbidden),
    };
    let employer = employers::get(&state.db, employer_id)
        .await?
        .ok_or_else(|| AppError::invalid("employer_id", "没有这个企业"))?;
    let own = actor.employer_id == Some(employer_id);
    if !policy::may_take_booth(actor.role, own, employer.standing()) {
        return Err(AppError::Forbidden);
    }
    if ev.is_trip() {
        return Err(AppError::invalid("event_id", "点对点专车没有展位"));
    }
    if ev.status != "open" || ev.starts_utc < fmt_instant(OffsetDateTime::now_utc()) {
        return Err(AppError::invalid(
            "event_id",
            "招聘会已开始或已取消，不能再报名参展",
        ));
    }
    let mut e = FieldErrors::new();
    if input.vacancy_ids.is_empty() {
        e.add("vacancy_ids", "请选择至少一个本企业在招的岗位");
    }
    if input.vacancy_ids.len() > 50 {
        e.add("vacancy_ids", "一次最多带50个岗位");
    }
    let today_s = fmt_date(today());
    for id in &input.vacancy_ids {
        match vacancies::get(&state.db, *id, &today_s).await? {
            None => e.add("vacancy_ids", format!("没有编号为{id}的岗位")),
            Some(v) if v.employer_id != employer_id => {
                e.add("vacancy_ids", format!("岗位{id}不是本企业的岗位"))
            }
            Some(v) if v.status != "open" || v.places_left < 1 => e.add(
                "vacancy_ids",
                format!("岗位“{}”{}，不能带到招聘会", v.title, v.status_label()),
            ),
            Some(_) => {}
        }
    }
    e.check()?;
    let mut tx = state.db.begin().await?;
    let booth = events::booth(&mut tx, event_id, employer_id, actor.id).await?;
    for id in &input.vacancy_ids {
        events::add_booth_vacancy(&mut tx, booth, *id).await?;
    }
    tx.commit().await?;
    tracing::info!(event.id = event_id, booth.id = booth, "booth taken");
    Ok(booth)
}

/// A sign-up asked for: a worker by id, or (a station at its desk) by 身份证 number.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignUpInput {
    /// the worker (a worker signing up themselves may leave it out)
    pub worker_id: Option<i64>,
    /// or the worker's 身份证 number
    pub id_number: Option<String>,
}

/// Finds the worker a request names, by id or by 身份证 number.
async fn named_worker(
    state: &AppState,
    actor: &CurrentUser,
    worker_id: Option<i64>,
    id_number: Option<&str>,
) -> AppResult<workers::WorkerRow> {
    let id = match (
        worker_id,
        id_number.map(str::trim).filter(|s| !s.is_empty()),
    ) {
        (Some(id), Some(n)) => {
            // both given: they must name the same person (a careless scan must not check in
            // someone else)
            let same = workers::get(&state.db, id)
                .await?
                .is_some_and(|w| w.id_number.eq_ignore_ascii_case(n));
            if !same {
                return Err(AppError::invalid(
                    "id_number",
                    "身份证号码与所选务工人员不一致",
                ));
            }
            id
        }
        (Some(id), None) => id,
        (None, Some(n)) => {
            let number = IdCardNumber::parse(n, today())
                .map_err(|e| AppError::invalid("id_number", e.to_string()))?;
            events::worker_by_id_number(&state.db, number.as_str())
                .await?
                .ok_or_else(|| {
                    AppError::invalid("id_number", "该身份证号码尚未在平台登记，请先为其登记")
                })?
        }
        (None, None) => match actor.worker_id.filter(|_| actor.is(Role::Worker)) {
            Some(id) => id,
            None => {
                return Err(AppError::invalid(
                    "worker_id",
                    "请填写务工人员编号或身份证号码",
                ));
            }
        },
    };
    workers::get(&state.db, id)
        .await?
        .ok_or_else(|| AppError::invalid("worker_id", "没有这个务工人员"))
}

/// Signs a worker up: the worker, their station, the admin. Never beyond capacity (409), never
/// twice (409), never once the event has begun (422).
pub async fn sign_up(
    state: &AppState,
    actor: &CurrentUser,
    event_id: i64,
    input: &SignUpInput,
) -> AppResult<i64> {
    let ev = event(state, event_id).await?;
    let worker = named_worker(state, actor, input.worker_id, input.id_number.as_deref()).await?;
    let wtie = crate::service::workers::direct_tie(actor, &worker);
    if !policy::may_sign_up(actor.role, wtie) {
        return Err(AppError::Forbidden);
    }
    let begun = || ev.status != "open" || ev.starts_utc <= fmt_instant(OffsetDateTime::now_utc());
    if begun() {
        return Err(AppError::invalid(
            "event_id",
            format!("该{}已经开始、结束或取消，不能再报名", ev.kind_label()),
        ));
    }
    let (source, station_id) = match actor.role {
        Role::Worker => ("self", None),
        Role::Station => ("station", actor.station_id),
        _ => ("admin", None),
    };
    let mut tx = state.db.begin().await?;
    let id =
        match events::sign_up(&mut tx, event_id, worker.id, source, station_id, actor.id).await? {
            SignUp::Done(id) => id,
            SignUp::Twice => {
                return Err(AppError::conflict("worker_id", "该务工人员已经报名了"));
            }
            SignUp::Closed if begun() => {
                return Err(AppError::invalid("event_id", "活动已经开始，不能再报名"));
            }
            SignUp::Closed => {
                return Err(AppError::conflict(
                    "event_id",
                    format!("名额已满（共{}个）", ev.capacity),
                ));
            }
        };
    tell_worker(state, &mut tx, &worker, &ev, Notice::SignedUp).await?;
    tx.commit().await?;
    state.mail.nudge();
    state.sms.nudge();
    tracing::info!(event.id = event_id, signup.id = id, source, "signed up");
    Ok(id)
}

/// What a worker is told about an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// right after signing up
    SignedUp,
    /// the day before
    Reminder,
}

impl Notice {
    fn kind(self) -> &'static str {
        match self {
            Notice::SignedUp => "event_signup",
            Notice::Reminder => "event_reminder",
        }
    }
}

/// The message itself (subject, text): one place, so that the SMS outbox can take the same
/// text when it comes (its template kinds are `event_signup` and `event_reminder`).
pub fn message(notice: Notice, ev: &EventRow, worker_name: &str) -> (String, String) {
    let what = ev.kind_label();
    let route = ev.route();
    let route = if route.is_empty() {
        String::new()
    } else {
        format!("（{route}）")
    };
    match notice {
        Notice::SignedUp => (
            format!("【劳务协作】报名成功：{}", ev.title),
            format!(
                "{worker_name}，你已报名{what}“{}”{route}，时间：{}（北京时间），地点：{}。请带好身份证准时到场。",
                ev.title,
                ev.when(),
                ev.place
            ),
        ),
        Notice::Reminder => (
            format!("【劳务协作】明天：{}", ev.title),
            format!(
                "{worker_name}，提醒你：{what}“{}”{route}明天 {}（北京时间）在{}开始。请带好身份证准时到场。",
                ev.title,
                ev.when(),
                ev.place
            ),
        ),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the worker's message in the caller's transaction: by SMS to the worker's phone
/// (unless they turned messages off) and by mail to a worker who gave an address, each once
/// per key `KIND:EVENT:WORKER`.
async fn tell_worker(
    _state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    worker: &workers::WorkerRow,
    ev: &EventRow,
    notice: Notice,
) -> AppResult<bool> {
    let key = format!("{}:{}:{}", notice.kind(), ev.id, worker.id);
    let mut wrote = crate::service::messages::event_notice(
        tx,
        worker.id,
        notice.kind(),
        key.clone(),
        &ev.title,
        &ev.when(),
        &ev.place,
    )
    .await?;
    let Some(email) = worker.email.as_deref().filter(|e| !e.is_empty()) else {
        return Ok(wrote);
    };
    let (subject, text) = message(notice, ev, &worker.name);
    wrote |= outbox::enqueue(
        tx,
        &NewMail {
            kind: notice.kind(),
            dedupe_key: Some(key),
            recipient: email,
            subject,
            body_html: format!("<p>{}</p>", html_escape(&text)),
            body_text: text,
        },
    )
    .await?;
    Ok(wrote)
}

/// Writes the reminders of events that start tomorrow (China date) not written yet; whether
/// any was written. Called by the mail scheduler.
pub async fn write_reminders(state: &AppState) -> anyhow::Result<bool> {
    let tomorrow = today() + time::Duration::days(1);
    let due = events::reminders(
        &state.db,
        &day_start(tomorrow),
        &day_start(tomorrow + time::Duration::days(1)),
    )
    .await?;
    if due.is_empty() {
        return write_booth_lists(state).await;
    }
    let mut patterns: Vec<String> = due
        .iter()
        .map(|r| format!("event_reminder:{}:%", r.event_id))
        .collect();
    patterns.dedup();
    let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
    let mut existing = outbox::keys_like(&state.db, &refs).await?;
    // written when the SMS is (the mail only goes to those with an address)
    existing.extend(crate::db::sms::keys_like(&state.db, &refs).await?);
    let mut wrote = false;
    for r in due {
        let key = format!("event_reminder:{}:{}", r.event_id, r.worker_id);
        if existing.contains(&key) {
            continue;
        }
        let (Some(ev), Some(w)) = (
            events::get(&state.db, r.event_id).await?,
            workers::get(&state.db, r.worker_id).await?,
        ) else {
            continue;
        };
        let mut tx = state.db.begin().await?;
        wrote |= tell_worker(state, &mut tx, &w, &ev, Notice::Reminder)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
    }
    wrote |= write_booth_lists(state).await?;
    Ok(wrote)
}

/// From 18:00 China time, the hour the list is complete enough to print.
const BOOTH_LIST_HOUR: u8 = 18;

/// The list an enterprise with a booth gets the evening before a fair: how many signed up and
/// who, masked (张*, sex, age, township, skills, wanted jobs) — they have not applied to it.
pub fn booth_list_message(
    ev: &EventRow,
    employer_name: &str,
    people: &[workers::MaskedWorker],
) -> (String, String) {
    let mut text = format!(
        "{employer_name}：明天 {}（北京时间）“{}”在{}举行，已有{}人报名：\n",
        ev.when(),
        ev.title,
        ev.place,
        people.len()
    );
    for (n, p) in people.iter().enumerate() {
        text.push_str(&format!(
            "{}. {}，{}，{}岁，{}；技能：{}；意向：{}\n",
            n + 1,
            p.name,
            if p.sex == "male" { "男" } else { "女" },
            p.age.unwrap_or(0),
            p.hometown_township,
            p.skills.join("、"),
            p.desired_jobs.join("、")
        ));
    }
    text.push_str("姓名和电话在求职者现场投递后可见。");
    (
        format!("【劳务协作】明天的招聘会：{}人报名", people.len()),
        text,
    )
}

/// Writes, once per booth (key `event_booth_list:EVENT:EMPLOYER`), the evening-before list of
/// sign-ups to each enterprise with a booth at a fair that starts tomorrow — once somebody has
/// signed up (a list of nobody is not sent, so that it cannot stand in for the real one).
async fn write_booth_lists(state: &AppState) -> anyhow::Result<bool> {
    if OffsetDateTime::now_utc().to_offset(CST).hour() < BOOTH_LIST_HOUR {
        return Ok(false);
    }
    let tomorrow = today() + time::Duration::days(1);
    let fairs = events::list(
        &state.db,
        Some(EventKind::JobFair.as_str()),
        Some(&day_start(tomorrow)),
        Some(&day_start(tomorrow + time::Duration::days(1))),
    )
    .await?;
    let mut wrote = false;
    for ev in fairs {
        let booths = events::booths(&state.db, ev.id).await?;
        if booths.is_empty() {
            continue;
        }
        let existing =
            outbox::keys_like(&state.db, &[&format!("event_booth_list:{}:%", ev.id)]).await?;
        let ids: Vec<i64> = events::people(&state.db, ev.id)
            .await?
            .into_iter()
            .filter(|p| p.signed_up)
            .map(|p| p.worker_id)
            .collect();
        if ids.is_empty() {
            // nobody signed up yet: nothing to tell, and the list is sent at the first sign-up
            continue;
        }
        let people: Vec<workers::MaskedWorker> = workers::by_ids(&state.db, &ids)
            .await?
            .iter()
            .map(|w| w.masked_view(today()))
            .collect();
        for b in booths {
            let key = format!("event_booth_list:{}:{}", ev.id, b.employer_id);
            if existing.contains(&key) {
                continue;
            }
            let Some(employer) = employers::get(&state.db, b.employer_id).await? else {
                continue;
            };
            if !policy::employer_may(employer.standing(), policy::EmployerAct::Recruit) {
                continue;
            }
            let (subject, text) = booth_list_message(&ev, &employer.name, &people);
            let mut tx = state.db.begin().await?;
            wrote |= outbox::enqueue(
                &mut tx,
                &NewMail {
                    kind: "event_booth_list",
                    dedupe_key: Some(key),
                    recipient: &employer.contact_email,
                    subject,
                    body_html: format!("<pre>{}</pre>", html_escape(&text)),
                    body_text: text,
                },
            )
            .await?;
            tx.commit().await?;
        }
    }
    Ok(wrote)
}

/// A check-in asked for.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CheckInInput {
    pub worker_id: Option<i64>,
    /// or the 身份证 number (typed or scanned at the door)
    pub id_number: Option<String>,
    /// a trip: `boarded` or `arrived`
    pub stage: Option<String>,
    /// an arrival: the enterprise the worker arrives at; with `start_date` and `wage` it
    /// begins the placement (if the hire was not yet recorded)
    pub employer_id: Option<i64>,
    pub start_date: Option<String>,
    pub wage: Option<i64>,
    /// an arrival without an application to that enterprise: the vacancy taken
    pub vacancy_id: Option<i64>,
}

/// What a check-in came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInResult {
    pub id: i64,
    pub worker_id: i64,
    /// the worker's name as the door shows it (张*梅)
    pub name: String,
    pub stage: String,
    /// a fair: came without signing up
    pub walk_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement_id: Option<i64>,
}

/// Checks a person in at a fair (walk-ins allowed, counted apart), on a trip's coach or on
/// arrival (signed-up people only); an arrival with employer, start date and wage begins the
/// placement with its follow-ups (or links the one already recorded with that enterprise).
pub async fn check_in(
    state: &AppState,
    actor: &CurrentUser,
    event_id: i64,
    input: &CheckInInput,
) -> AppResult<CheckInResult> {
    let ev = run(state, actor, event_id).await?;
    let kind = EventKind::parse(&ev.kind).unwrap_or(EventKind::JobFair);
    let stage = Stage::for_event(kind, input.stage.as_deref())
        .map_err(|m| AppError::invalid("stage", m))?;
    let worker = named_worker(state, actor, input.worker_id, input.id_number.as_deref()).await?;
    let signed = events::is_signed_up(&state.db, event_id, worker.id).await?;
    if kind == EventKind::Trip && !signed {
        return Err(AppError::invalid(
            "worker_id",
            "该务工人员没有报名本次专车，不能签到",
        ));
    }
    // the hire an arrival records
    let mut e = FieldErrors::new();
    let hire = match (stage, input.employer_id) {
        (Stage::Arrived, Some(employer_id)) => {
            let start = match input.start_date.as_deref().map(str::trim) {
                None | Some("") => {
                    e.add("start_date", "请填写上岗日期");
                    None
                }
                Some(s) => e.take("start_date", parse_date(s)),
            };
            if let Some(s) = start
                && !(-30..=60).contains(&(s - today()).whole_days())
            {
                e.add("start_date", "上岗日期应在到达前后（30天前到60天后之间）");
            }
            let wage = match input.wage {
                None => {
                    e.add("wage", "请填写月薪");
                    None
                }
                Some(w) if w <= 0 => {
                    e.add("wage", "月薪应大于0");
                    None
                }
                Some(w) => e.take("wage", check_wage(w)),
            };
            if employers::get(&state.db, employer_id).await?.is_none() {
                e.add("employer_id", "没有这个企业");
            }
            match (start, wage) {
                (Some(s), Some(w)) => Some((employer_id, s, w)),
                _ => None,
            }
        }
        (_, Some(_)) => {
            e.add("employer_id", "只有到达时才能登记上岗企业");
            None
        }
        (_, None) if input.start_date.is_some() || input.wage.is_some() => {
            e.add("employer_id", "登记上岗请选择用人单位");
            None
        }
        _ => None,
    };
    e.check()?;
    // how the hire is made: the enterprise's application to take (or make), or the placement
    // already recorded with it
    enum Hire {
        Existing(i64),
        Application(i64, String, i64),
        /// the vacancy to apply and be hired for
        New(i64),
    }
    let plan = match hire {
        None => None,
        Some((employer_id, start, wage)) => {
            let p = match events::active_placement(&state.db, worker.id).await? {
                Some((pid, Some(emp))) if emp == employer_id => Hire::Existing(pid),
                Some(_) => return Err(AppError::conflict("worker_id", WORKER_ALREADY_PLACED)),
                None => match events::application_with(&state.db, worker.id, employer_id).await? {
                    Some((app, status)) if status != "hired" => {
                        let v = applications::get(&state.db, app)
                            .await?
                            .ok_or(AppError::NotFound)?
                            .vacancy_id;
                        let open = vacancies::get(&state.db, v, &fmt_date(today()))
                            .await?
                            .is_some_and(|v| v.status == "open");
                        if !open {
                            return Err(AppError::invalid(
                                "vacancy_id",
                                "该岗位已关闭或已过期，不能在此录用",
                            ));
                        }
                        Hire::Application(app, status, v)
                    }
                    _ => {
                        let Some(vid) = input.vacancy_id else {
                            return Err(AppError::invalid(
                                "vacancy_id",
                                "该务工人员在该企业没有申请或录用记录，请同时选择所上岗位（vacancy_id）",
                            ));
                        };
                        let v = vacancies::get(&state.db, vid, &fmt_date(today()))
                            .await?
                            .filter(|v| v.employer_id == employer_id)
                            .ok_or_else(|| {
                                AppError::invalid("vacancy_id", "没有该企业的这个岗位")
                            })?;
                        if v.status != "open" {
                            return Err(AppError::invalid(
                                "vacancy_id",
                                "该岗位已关闭或已过期，不能在此录用",
                            ));
                        }
                        Hire::New(v.id)
                    }
                },
            };
            Some((p, employer_id, start, wage))
        }
    };
    let mut tx = state.db.begin().await?;
    let Some(checkin) = events::check_in(
        &mut tx,
        event_id,
        worker.id,
        stage.as_str(),
        !signed,
        actor.id,
    )
    .await?
    else {
        return Err(AppError::conflict(
            "worker_id",
            format!(
                "{}已经{}过了",
                crate::domain::mask_name(&worker.name),
                stage.label()
            ),
        ));
    };
    let mut placement_id = None;
    if let Some((plan, employer_id, start, wage)) = plan {
        let (app_id, vacancy_id) = match plan {
            Hire::Existing(pid) => {
                events::set_checkin_placement(&mut tx, checkin, pid).await?;
                placement_id = Some(pid);
                (None, 0)
            }
            Hire::Application(app, status, v) => {
                if !applications::transition(
                    &mut tx,
                    app,
                    &status,
                    "hired",
                    "",
                    "点对点专车到岗",
                    actor.id,
                )
                .await?
                {
                    return Err(AppError::conflict(
                        "worker_id",
                        "申请状态刚被别人修改，请再试一次",
                    ));
                }
                (Some(app), v)
            }
            Hire::New(vacancy_id) => {
                let (source, station) = match actor.role {
                    Role::Station => ("station", actor.station_id),
                    _ => ("admin", None),
                };
                let app = applications::insert(
                    &mut tx, worker.id, vacancy_id, source, "applied", station, actor.id,
                )
                .await?
                .ok_or_else(|| AppError::conflict("vacancy_id", "已经申请过这个岗位"))?;
                events::tag_application(&mut tx, app, event_id).await?;
                applications::transition(
                    &mut tx,
                    app,
                    "applied",
                    "hired",
                    "",
                    "点对点专车到岗",
                    actor.id,
                )
                .await?;
                (Some(app), vacancy_id)
            }
        };
        if let Some(app) = app_id {
            let outcome = placements::hire(
                &mut tx,
                &NewHire {
                    application_id: app,
                    worker_id: worker.id,
                    vacancy_id,
                    employer_id,
                    station_id: worker.station_id,
                    start,
                    wage,
                },
            )
            .await?;
            let pid = match outcome {
                HireOutcome::Hired(pid) => pid,
                HireOutcome::Full => {
                    return Err(AppError::invalid("vacancy_id", "岗位已招满，不能再录用"));
                }
                HireOutcome::WorkerPlaced => {
                    return Err(AppError::conflict("worker_id", WORKER_ALREADY_PLACED));
                }
            };
            events::set_checkin_placement(&mut tx, checkin, pid).await?;
            placement_id = Some(pid);
        }
    }
    tx.commit().await?;
    if placement_id.is_some() {
        state.search.nudge();
    }
    audit::record(
        &state.db,
        actor.by(),
        "event_checkin",
        "worker",
        Some(worker.id),
        &format!("活动{event_id}：{}", stage.label()),
    )
    .await?;
    tracing::info!(
        event.id = event_id,
        checkin.id = checkin,
        stage = stage.as_str(),
        "checked in"
    );
    Ok(CheckInResult {
        id: checkin,
        worker_id: worker.id,
        name: crate::domain::mask_name(&worker.name),
        stage: stage.as_str().to_owned(),
        walk_in: !signed,
        placement_id,
    })
}

/// An event's figures: stations, the admin, an enterprise with a booth.
pub async fn figures(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<Figures> {
    let ev = event(state, id).await?;
    let has_booth = match actor.employer_id.filter(|_| actor.is(Role::Employer)) {
        Some(e) => events::has_booth(&state.db, id, e).await?,
        None => false,
    };
    if !policy::may_view_event_figures(actor.role, has_booth) {
        return Err(AppError::Forbidden);
    }
    figures_of(state, &ev).await
}

async fn figures_of(state: &AppState, ev: &EventRow) -> AppResult<Figures> {
    let day = china_date(&ev.starts_utc).unwrap_or_else(today);
    Ok(events::figures(&state.db, ev.id, &fmt_date(day + time::Duration::days(30))).await?)
}

/// One person on the running station's list (身份证 masked).
#[derive(Debug, Clone)]
pub struct Person {
    pub worker_id: i64,
    pub name: String,
    pub id_masked: String,
    pub phone: String,
    pub township: String,
    pub signed_up: bool,
    pub attended: bool,
    pub boarded: bool,
    pub arrived: bool,
    pub employer_name: String,
}

impl From<PersonRow> for Person {
    fn from(p: PersonRow) -> Self {
        Self {
            worker_id: p.worker_id,
            name: p.name,
            id_masked: mask_id_number(&p.id_number),
            phone: p.phone,
            township: township_name(&p.township_code),
            signed_up: p.signed_up,
            attended: p.attended,
            boarded: p.boarded,
            arrived: p.arrived,
            employer_name: p.employer_name.unwrap_or_default(),
        }
    }
}

/// The running station's view: the event, its people, its figures (audited: names and phones).
pub async fn roster(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<(EventRow, Vec<Person>, Figures)> {
    let ev = run(state, actor, id).await?;
    let people = events::people(&state.db, id)
        .await?
        .into_iter()
        .map(Person::from)
        .collect();
    audit::record(
        &state.db,
        actor.by(),
        "view_event_people",
        "event",
        Some(id),
        "活动名单",
    )
    .await?;
    let figures = figures_of(state, &ev).await?;
    Ok((ev, people, figures))
}

/// The trip's manifest as a workbook (name, masked 身份证, phone, township, employer, boarded,
/// arrived).
pub async fn manifest_xlsx(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<Vec<u8>> {
    let (ev, people, _) = roster(state, actor, id).await?;
    let rows: Vec<crate::reports::manifest::Line> = people
        .iter()
        .map(|p| crate::reports::manifest::Line {
            name: p.name.clone(),
            id_masked: p.id_masked.clone(),
            phone: p.phone.clone(),
            township: p.township.clone(),
            employer: p.employer_name.clone(),
            signed_up: p.signed_up,
            boarded: p.boarded || p.attended,
            arrived: p.arrived,
        })
        .collect();
    let heading = format!("{}　{}　{}", ev.title, ev.when(), ev.route());
    Ok(crate::reports::manifest::workbook(
        &heading,
        ev.is_trip(),
        &rows,
    )?)
}

/// What an enterprise sees of a fair it takes part in.
pub struct BoothPage {
    pub event: EventRow,
    /// its vacancies already at the booth
    pub at_booth: Vec<i64>,
    /// its vacancies that could be brought (open, places left)
    pub open_vacancies: Vec<VacancyRow>,
    /// applications made at the fair to its vacancies, the worker by name and phone
    pub applications: Vec<BoothApplicant>,
    pub figures: Option<Figures>,
}

/// An applicant at the fair, as the enterprise sees them (they applied: name and phone).
pub struct BoothApplicant {
    pub application_id: i64,
    pub name: String,
    pub phone: String,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub status: String,
}

impl BoothApplicant {
    pub fn status_label(&self) -> &str {
        applications::status_label(&self.status)
    }
}

/// The enterprise's page of a fair: take a booth, who came and applied.
pub async fn booth_page(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<BoothPage> {
    actor.require(&[Role::Employer])?;
    let event = event(state, id).await?;
    if event.is_trip() {
        return Err(AppError::NotFound);
    }
    let (employer, own) = crate::service::vacancies::dashboard(state, actor).await?;
    if !policy::employer_may(employer.standing(), policy::EmployerAct::LogIn) {
        return Err(AppError::Forbidden);
    }
    let at_booth = events::booths(&state.db, id)
        .await?
        .into_iter()
        .find(|b| b.employer_id == employer.id)
        .map(|b| b.vacancy_ids)
        .unwrap_or_default();
    let open_vacancies = own
        .into_iter()
        .filter(|v| v.status == "open" && v.places_left > 0)
        .collect();
    let mut list = Vec::new();
    for a in events::applications_to(&state.db, id, employer.id).await? {
        let Some(w) = workers::get(&state.db, a.worker_id).await? else {
            continue;
        };
        let app = applications::get(&state.db, a.application_id).await?;
        let view = if app.as_ref().is_some_and(|x| x.reveals_contact()) {
            w.contact_view(today())
        } else {
            w.masked_view(today())
        };
        if !view.masked {
            audit::record(
                &state.db,
                actor.by(),
                "view_worker",
                "worker",
                Some(w.id),
                "企业查看招聘会应聘者姓名和电话",
            )
            .await?;
        }
        list.push(BoothApplicant {
            application_id: a.application_id,
            name: view.name.clone(),
            phone: view.phone.clone(),
            vacancy_id: a.vacancy_id,
            vacancy_title: a.vacancy_title,
            status: a.status,
        });
    }
    let figures = if at_booth.is_empty() {
        None
    } else {
        Some(figures_of(state, &event).await?)
    };
    Ok(BoothPage {
        event,
        at_booth,
        open_vacancies,
        applications: list,
        figures,
    })
}

/// Checks that an application said to be made at a fair can be: the event is a fair and the
/// vacancy is at one of its booths.
pub async fn check_fair_application(
    state: &AppState,
    event_id: i64,
    vacancy_id: i64,
) -> AppResult<()> {
    let ev = events::get(&state.db, event_id)
        .await?
        .ok_or_else(|| AppError::invalid("event_id", "没有这个招聘会"))?;
    if ev.is_trip() {
        return Err(AppError::invalid("event_id", "点对点专车不是招聘会"));
    }
    if !events::vacancy_at(&state.db, event_id, vacancy_id).await? {
        return Err(AppError::invalid("event_id", "该岗位不在这次招聘会上"));
    }
    Ok(())
}

/// Events a worker signed up for (the worker's own page).
pub async fn mine(state: &AppState, actor: &CurrentUser) -> AppResult<Vec<EventRow>> {
    match actor.worker_id.filter(|_| actor.is(Role::Worker)) {
        Some(w) => Ok(events::of_worker(&state.db, w).await?),
        None => Ok(Vec::new()),
    }
}

/// Whether the actor may create events (for pages).
pub fn may_create(actor: &CurrentUser) -> bool {
    policy::may_create_event(actor.role)
}

/// Verified enterprises, for the arrival form at the door: `(id, name)`.
pub async fn arrival_employers(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<Vec<(i64, String)>> {
    run(state, actor, id).await?;
    Ok(employers::list(&state.db, Some("verified"))
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect())
}

/// The event, for someone who runs it (the door page).
pub async fn for_runner(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<EventRow> {
    run(state, actor, id).await
}

/// Upcoming events a station's home page lists: those it organises, those of stations of its
/// county, and (a receiving station) every trip coming to Doumen; everything for the admin.
pub async fn for_station_home(state: &AppState, actor: &CurrentUser) -> AppResult<Vec<EventRow>> {
    let now = fmt_instant(OffsetDateTime::now_utc());
    let upcoming = events::list(&state.db, None, Some(&now), None).await?;
    let Some(me) = actor.station_id.filter(|_| actor.is(Role::Station)) else {
        return Ok(if actor.is(Role::Admin) {
            upcoming
        } else {
            Vec::new()
        });
    };
    let all = stations::list(&state.db).await?;
    let mine = all.iter().find(|s| s.id == me);
    let county = mine.and_then(|s| s.county_code.clone());
    let receiving = mine.is_some_and(|s| s.side == "receiving");
    Ok(upcoming
        .into_iter()
        .filter(|e| {
            e.station_id == Some(me)
                || (receiving && e.is_trip())
                || (county.is_some()
                    && all
                        .iter()
                        .any(|s| Some(s.id) == e.station_id && s.county_code == county))
                || e.from_town
                    .as_deref()
                    .is_some_and(|t| county.as_deref().is_some_and(|c| t.starts_with(c)))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fair() -> EventRow {
        EventRow {
            id: 7,
            kind: "job_fair".into(),
            title: "春风行动专场招聘会".into(),
            starts_at: "2027-02-20T09:30".into(),
            place: "湄潭县人民广场".into(),
            capacity: 100,
            taken: 1,
            station_id: Some(1),
            station_name: None,
            from_town: None,
            to_town: None,
            status: "open".into(),
            starts_utc: "2027-02-20T01:30:00Z".into(),
        }
    }

    #[test]
    fn the_messages_say_what_when_and_where_in_china_time() {
        let (subject, text) = message(Notice::SignedUp, &fair(), "冉小梅");
        assert!(subject.contains("报名成功"));
        assert!(text.contains("2027-02-20 09:30") && text.contains("湄潭县人民广场"));
        let (_, text) = message(Notice::Reminder, &fair(), "冉小梅");
        assert!(text.contains("明天"));
    }

    #[test]
    fn the_booth_list_names_nobody() {
        let w = workers::MaskedWorker {
            id: 1,
            name: "冉*梅".into(),
            id_number: "5203**********1234".into(),
            phone: "139****0001".into(),
            sex: "female".into(),
            age: Some(30),
            hometown_township: "湄江街道".into(),
            skills: vec!["粤菜".into()],
            desired_jobs: vec!["厨师".into()],
            expected_wage: None,
            needs_lodging: false,
            status: "seeking".into(),
            occupations: Vec::new(),
            masked: true,
        };
        let (subject, text) = booth_list_message(&fair(), "斗门某厂", &[w]);
        assert!(subject.contains("1人报名"));
        assert!(text.contains("冉*梅，女，30岁，湄江街道；技能：粤菜；意向：厨师"));
        assert!(!text.contains("5203") && !text.contains("139"));
    }
}
