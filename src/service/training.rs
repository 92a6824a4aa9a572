//! Training: courses run by providers, enrolment within capacity, attendance, completion with a
//! certificate that counts in matching, certificates earned elsewhere, and the figures the
//! bureau judges providers by.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::certificates::{self, LEVELS, NewCertificate};
use crate::db::training::{self, Completion, CourseRow, NewCourse};
use crate::db::workers;
use crate::domain::employer::text_field;
use crate::domain::values::{fmt_date, parse_date};
use crate::domain::{Programme, today};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::state::AppState;

/// Normalises a level as typed (`四级`, `中级工`, `四级/中级工`, `4`) to the full label.
pub fn parse_level(input: &str) -> Result<&'static str, String> {
    let s = input.trim();
    LEVELS
        .iter()
        .copied()
        .find(|l| {
            let (grade, title) = l.split_once('/').unwrap_or((l, ""));
            s == *l || s == grade || s == title || s == &grade[..3] || s.starts_with(grade)
        })
        .or_else(|| match s {
            "5" => Some(LEVELS[0]),
            "4" => Some(LEVELS[1]),
            "3" => Some(LEVELS[2]),
            "2" => Some(LEVELS[3]),
            "1" => Some(LEVELS[4]),
            _ => None,
        })
        .ok_or_else(|| format!("等级应为：{}", LEVELS.join("、")))
}

/// A course to create.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CourseInput {
    /// cantonese-chef / guangdong-technician / nanyue-housekeeping / rural-craftsman
    pub programme: String,
    pub title: String,
    pub occupation: String,
    /// level aimed at, e.g. 四级/中级工 (default 五级/初级工)
    pub level: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub place: Option<String>,
    pub capacity: Option<i64>,
    /// free or subsidised training (default true)
    pub subsidised: Option<bool>,
    /// admin only: the provider running it
    pub provider_id: Option<i64>,
}

pub async fn create_course(
    state: &AppState,
    actor: &CurrentUser,
    input: &CourseInput,
) -> AppResult<i64> {
    let provider_id = match actor.role {
        Role::Trainer => actor.provider_id.ok_or(AppError::Forbidden)?,
        Role::Admin => input
            .provider_id
            .ok_or_else(|| AppError::invalid("provider_id", "请指定培训机构"))?,
        _ => return Err(AppError::Forbidden),
    };
    if !crate::db::stations::provider_exists(&state.db, provider_id).await? {
        return Err(AppError::invalid("provider_id", "没有这个培训机构"));
    }
    let mut e = FieldErrors::new();
    let programme = e.take("programme", Programme::parse(&input.programme));
    let title = e.take("title", text_field(&input.title, 2, 80, "培训班名称"));
    let occupation = e.take("occupation", text_field(&input.occupation, 2, 30, "工种"));
    let level = match input.level.as_deref().map(str::trim) {
        None | Some("") => Some(LEVELS[0]),
        Some(l) => e.take("level", parse_level(l)),
    };
    let start = e.take("start_date", parse_date(&input.start_date));
    let end = e.take("end_date", parse_date(&input.end_date));
    if let (Some(s), Some(en)) = (start, end) {
        if en < s {
            e.add("end_date", "结业日期不能早于开班日期");
        } else if (en - s).whole_days() > 366 {
            e.add("end_date", "培训班最长一年");
        }
    }
    let capacity = match input.capacity {
        Some(c) if (1..=500).contains(&c) => Some(c),
        Some(_) => {
            e.add("capacity", "人数应在1到500之间");
            None
        }
        None => {
            e.add("capacity", "请填写招生人数");
            None
        }
    };
    let place = e.take(
        "place",
        text_field(input.place.as_deref().unwrap_or(""), 0, 100, "培训地点"),
    );
    let (
        Some(programme),
        Some(title),
        Some(occupation),
        Some(level),
        Some(start),
        Some(end),
        Some(capacity),
        Some(place),
    ) = (
        programme, title, occupation, level, start, end, capacity, place,
    )
    else {
        return Err(AppError::Validation(e));
    };
    e.check()?;
    let id = training::insert_course(
        &state.db,
        &NewCourse {
            provider_id,
            programme: programme.code(),
            title: &title,
            occupation: &occupation,
            level,
            start_date: &fmt_date(start),
            end_date: &fmt_date(end),
            place: &place,
            capacity,
            subsidised: input.subsidised.unwrap_or(true),
            created_by: actor.id,
        },
    )
    .await?;
    tracing::info!(course.id = id, provider.id = provider_id, "course created");
    Ok(id)
}

/// A course the user runs (its provider's trainer, or the admin).
pub async fn managed_course(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<CourseRow> {
    let c = training::course(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if policy::may_manage_course(actor, c.provider_id) {
        Ok(c)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Enrols a worker: the trainer (confirmed at once), a station for its own worker, the admin,
/// or the worker themselves (pending the trainer's confirmation). Never beyond capacity,
/// never twice in one course, never after the course's last day.
pub async fn enroll(
    state: &AppState,
    actor: &CurrentUser,
    course_id: i64,
    worker_id: Option<i64>,
) -> AppResult<i64> {
    let course = training::course(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let worker_id = worker_id
        .or(if actor.is(Role::Worker) {
            actor.worker_id
        } else {
            None
        })
        .ok_or_else(|| AppError::invalid("worker_id", "请指定务工人员"))?;
    let worker = workers::get(&state.db, worker_id)
        .await?
        .ok_or_else(|| AppError::invalid("worker_id", "没有这个务工人员"))?;
    let own_course = actor.is(Role::Trainer) && actor.provider_id == Some(course.provider_id);
    // A trainer takes only workers who came by themselves or through their station.
    let came = if own_course {
        match training::sign_up_sources(&state.db, worker_id, course.provider_id).await? {
            (true, _) => policy::EnrolTie::SignedUp,
            (false, true) => policy::EnrolTie::SentByStation,
            _ => policy::EnrolTie::None,
        }
    } else {
        policy::EnrolTie::None
    };
    let tie = crate::service::workers::direct_tie(actor, &worker);
    if !policy::may_enrol(actor.role, tie, own_course, came) {
        return Err(AppError::Forbidden);
    }
    let (status, source) = match actor.role {
        Role::Trainer => ("enrolled", "trainer"),
        Role::Station => ("enrolled", "station"),
        Role::Worker => ("pending", "self"),
        _ => ("enrolled", "admin"),
    };
    if course.status != "open" {
        return Err(AppError::invalid("course_id", "该培训班已取消"));
    }
    if course.end_date < fmt_date(today()) {
        return Err(AppError::invalid(
            "course_id",
            "该培训班已经结束，不能再报名",
        ));
    }
    // a worker or a station signs up until the day before the start; the trainer (and the
    // admin) may still take someone in once it runs (插班)
    if matches!(actor.role, Role::Worker | Role::Station) && !course.sign_up_open() {
        return Err(AppError::invalid(
            "course_id",
            format!(
                "报名已截止：培训班 {} 开班，{}",
                course.start_date,
                course.sign_up_rule()
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    let result = training::enroll(&mut tx, course_id, worker_id, status, source, actor.id).await;
    let id = match result {
        Ok(Some(id)) => id,
        Ok(None) => return Err(AppError::conflict("course_id", "该培训班名额已满")),
        Err(e) if crate::error::is_unique_violation(&e) => {
            return Err(AppError::conflict(
                "worker_id",
                "该务工人员已经报名这个培训班",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if status == "enrolled" {
        crate::service::messages::course_confirmed(&mut tx, worker_id, &course).await?;
    }
    tx.commit().await?;
    state.sms.nudge();
    tracing::info!(
        enrollment.id = id,
        course.id = course_id,
        status,
        "enrolled"
    );
    Ok(id)
}

/// The trainer confirms a worker's own sign-up.
pub async fn confirm(state: &AppState, actor: &CurrentUser, enrollment_id: i64) -> AppResult<()> {
    let en = training::enrollment(&state.db, enrollment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    managed_course(state, actor, en.course_id).await?;
    if en.status != "pending" {
        return Err(AppError::conflict("status", "只有待确认的报名可以确认"));
    }
    let course = training::course(&state.db, en.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if !training::confirm(&mut tx, enrollment_id).await? {
        return Err(AppError::conflict("status", "只有待确认的报名可以确认"));
    }
    crate::service::messages::course_confirmed(&mut tx, en.worker_id, &course).await?;
    tx.commit().await?;
    state.sms.nudge();
    Ok(())
}

/// Drops an enrolment with a reason; the seat is freed.
pub async fn drop_out(
    state: &AppState,
    actor: &CurrentUser,
    enrollment_id: i64,
    reason: &str,
) -> AppResult<()> {
    let en = training::enrollment(&state.db, enrollment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    managed_course(state, actor, en.course_id).await?;
    if !matches!(en.status.as_str(), "pending" | "enrolled") {
        return Err(AppError::conflict("status", "已结业或已退学，不能再退学"));
    }
    let reason =
        text_field(reason, 2, 200, "退学原因").map_err(|m| AppError::invalid("reason", m))?;
    let mut tx = state.db.begin().await?;
    if !training::drop_enrollment(&mut tx, enrollment_id, en.course_id, &reason).await? {
        return Err(AppError::conflict("status", "已结业或已退学，不能再退学"));
    }
    tx.commit().await?;
    Ok(())
}

/// The days a course has taken attendance on, for its roster page (who manages the course).
pub async fn session_days(state: &AppState, actor: &CurrentUser, course_id: i64) -> AppResult<i64> {
    managed_course(state, actor, course_id).await?;
    Ok(training::session_days(&state.db, course_id).await?)
}

/// Records attendance at a session for one enrolment.
pub async fn attendance(
    state: &AppState,
    actor: &CurrentUser,
    enrollment_id: i64,
    date: &str,
    present: bool,
) -> AppResult<()> {
    let en = training::enrollment(&state.db, enrollment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = managed_course(state, actor, en.course_id).await?;
    let day = parse_date(date).map_err(|m| AppError::invalid("session_date", m))?;
    let d = fmt_date(day);
    if d < course.start_date || d > course.end_date {
        return Err(AppError::invalid(
            "session_date",
            "上课日期应在开班和结业日期之间",
        ));
    }
    if day > today() {
        return Err(AppError::invalid("session_date", "不能登记以后的考勤"));
    }
    if en.status != "enrolled" {
        return Err(AppError::conflict("status", "只有在读学员可以登记考勤"));
    }
    training::mark_attendance(&state.db, enrollment_id, &d, present, actor.id).await?;
    Ok(())
}

/// What completion records.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CompletionInput {
    /// 证书编号; without it the worker completed without a certificate
    pub certificate_no: Option<String>,
    /// 五级/初级工 … 一级/高级技师 (default: the course's level)
    pub level: Option<String>,
    /// default: the course's occupation
    pub occupation: Option<String>,
    /// `YYYY-MM-DD`, default today
    pub issued_on: Option<String>,
    /// default: the provider
    pub issuer: Option<String>,
}

/// Completes an enrolment from the course's last day on; with a certificate number it also
/// records the certificate, which counts in matching at once.
pub async fn complete(
    state: &AppState,
    actor: &CurrentUser,
    enrollment_id: i64,
    input: &CompletionInput,
) -> AppResult<Option<i64>> {
    let en = training::enrollment(&state.db, enrollment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = managed_course(state, actor, en.course_id).await?;
    if en.status != "enrolled" {
        return Err(AppError::conflict(
            "status",
            format!("该报名{}，不能结业", en.status_label()),
        ));
    }
    let today_s = fmt_date(today());
    if today_s < course.end_date {
        return Err(AppError::invalid(
            "course",
            format!("培训班 {} 结业，结业后才能登记", course.end_date),
        ));
    }
    let sessions = training::session_days(&state.db, course.id).await?;
    if let Some(why) = crate::domain::course::attendance_shortfall(en.sessions_present, sessions) {
        return Err(AppError::conflict("attendance", why));
    }
    let mut e = FieldErrors::new();
    let number = input
        .certificate_no
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if let Some(n) = &number
        && (n.chars().count() > 40 || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        e.add(
            "certificate_no",
            "证书编号只能是字母、数字和短横线，最多40位",
        );
    }
    let level = match input.level.as_deref().map(str::trim) {
        None | Some("") => Some(course.level.clone()),
        Some(l) => e.take("level", parse_level(l)).map(str::to_owned),
    };
    let issued_on = match input.issued_on.as_deref().map(str::trim) {
        None | Some("") => Some(today_s.clone()),
        Some(d) => e.take("issued_on", parse_date(d)).map(fmt_date),
    };
    if issued_on.as_deref().is_some_and(|d| d > today_s.as_str()) {
        e.add("issued_on", "发证日期不能晚于今天");
    }
    let occupation = input
        .occupation
        .clone()
        .filter(|o| !o.trim().is_empty())
        .unwrap_or_else(|| course.occupation.clone());
    e.check()?;
    let certificate = number.map(|no| NewCertificate {
        worker_id: en.worker_id,
        programme: Programme::parse(&course.programme).ok(),
        occupation,
        level: level.unwrap_or_default(),
        certificate_no: no,
        issued_on,
        issuer: input
            .issuer
            .clone()
            .filter(|i| !i.trim().is_empty())
            .unwrap_or_else(|| course.provider_name.clone()),
        created_by: Some(actor.id),
    });
    let mut tx = state.db.begin().await?;
    let certificate_id =
        match training::complete(&mut tx, enrollment_id, &today_s, certificate.as_ref()).await? {
            Completion::Completed(id) => id,
            Completion::NotEnrolled => {
                return Err(AppError::conflict(
                    "status",
                    "该报名已经结业或已退学，不能结业",
                ));
            }
        };
    tx.commit().await?;
    state.search.nudge();
    Ok(certificate_id)
}

/// A certificate earned elsewhere, entered by a station or the admin.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CertificateInput {
    /// programme code, or empty for a certificate outside the four programmes
    pub programme: Option<String>,
    pub occupation: String,
    pub level: String,
    pub certificate_no: String,
    pub issued_on: Option<String>,
    /// 发证机构 (required)
    pub issuer: String,
}

pub async fn add_certificate(
    state: &AppState,
    actor: &CurrentUser,
    worker_id: i64,
    input: &CertificateInput,
) -> AppResult<i64> {
    let w = workers::get(&state.db, worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_enter_certificate(actor.role, crate::service::workers::direct_tie(actor, &w)) {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let programme = match input.programme.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => e.take("programme", Programme::parse(p)),
    };
    let occupation = e.take("occupation", text_field(&input.occupation, 2, 30, "工种"));
    let level = e.take("level", parse_level(&input.level));
    let no = input.certificate_no.trim().to_owned();
    if no.is_empty() || no.chars().count() > 40 {
        e.add("certificate_no", "请填写证书编号（最多40位）");
    }
    let issuer = e.take("issuer", text_field(&input.issuer, 2, 80, "发证机构"));
    let issued_on = match input.issued_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => e.take("issued_on", parse_date(d)).map(fmt_date),
    };
    let (Some(occupation), Some(level), Some(issuer)) = (occupation, level, issuer) else {
        return Err(AppError::Validation(e));
    };
    e.check()?;
    let mut tx = state.db.begin().await?;
    let id = certificates::insert(
        &mut tx,
        &NewCertificate {
            worker_id,
            programme,
            occupation,
            level: level.to_owned(),
            certificate_no: no,
            issued_on,
            issuer,
            created_by: Some(actor.id),
        },
    )
    .await?;
    tx.commit().await?;
    state.search.nudge();
    Ok(id)
}

/// Training figures of one programme or provider.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct TrainingFigures {
    pub name: String,
    pub enrolled: i64,
    pub completed: i64,
    pub certified: i64,
    /// placed within 6 months (183 days) after completing
    pub employed_within_6m: i64,
}

/// Figures per programme and per provider.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrainingReport {
    pub by_programme: Vec<TrainingFigures>,
    pub by_provider: Vec<TrainingFigures>,
}

pub async fn figures(state: &AppState, actor: &CurrentUser) -> AppResult<TrainingReport> {
    actor.require(&[Role::Admin, Role::Station, Role::Trainer])?;
    let rows = training::figure_rows(&state.db).await?;
    let mut by_programme: Vec<TrainingFigures> = Programme::ALL
        .iter()
        .map(|p| TrainingFigures {
            name: p.name().into(),
            ..Default::default()
        })
        .collect();
    let mut by_provider: Vec<TrainingFigures> = Vec::new();
    for r in rows {
        if actor.is(Role::Trainer) && Some(r.provider_id) != actor.provider_id {
            continue;
        }
        let training::FigureRow {
            programme,
            provider,
            status,
            completed_on,
            certified,
            worker_id,
            ..
        } = r;
        let employed = match completed_on.as_deref().and_then(|d| parse_date(d).ok()) {
            Some(done) => {
                let until =
                    fmt_date(done + time::Duration::days(crate::reports::EMPLOYED_AFTER_DAYS));
                crate::db::placements::placed_between(&state.db, worker_id, &fmt_date(done), &until)
                    .await?
            }
            None => false,
        };
        let add = |f: &mut TrainingFigures| {
            f.enrolled += i64::from(status != "pending");
            f.completed += i64::from(status == "completed");
            f.certified += i64::from(certified);
            f.employed_within_6m += i64::from(employed);
        };
        if let Some(f) = by_programme
            .iter_mut()
            .find(|f| f.name == Programme::label_of(&programme))
        {
            add(f);
        }
        match by_provider.iter_mut().find(|f| f.name == provider) {
            Some(f) => add(f),
            None => {
                let mut f = TrainingFigures {
                    name: provider,
                    ..Default::default()
                };
                add(&mut f);
                by_provider.push(f);
            }
        }
    }
    Ok(TrainingReport {
        by_programme,
        by_provider,
    })
}

/// The next open course of a programme with seats left (for 缺：…证书 reasons).
pub async fn next_open_course(state: &AppState, programme: &str) -> AppResult<Option<CourseRow>> {
    let today = fmt_date(today());
    let filter = training::CourseFilter {
        today: &today,
        programme: Some(programme),
        ..Default::default()
    };
    let courses = training::open_courses(&state.db, &filter, 200, 0).await?;
    Ok(courses
        .into_iter()
        .find(|c| c.seats_left > 0 && c.sign_up_open()))
}
