//! The worker's rights (PIPL): see and download their own data, correct it, and ask for
//! deletion — a station confirms, the record is anonymised, the statistics keep counting it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::applications::{self, ApplicationRow};
use crate::db::certificates::{self, CertificateRow};
use crate::db::placements::{self, PlacementRow};
use crate::db::workers::{self, WorkerView};
use crate::db::{audit, rights};
use crate::domain::text::split_list;
use crate::domain::values::{check_wage, fmt_date, parse_date};
use crate::domain::{Email, MobilePhone, now_timestamp, today};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::service::workers::direct_tie;
use crate::state::AppState;

/// Everything the platform holds about a worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyData {
    pub worker: WorkerView,
    pub certificates: Vec<CertificateRow>,
    pub applications: Vec<ApplicationRow>,
    pub placements: Vec<PlacementRow>,
    /// jobs the worker reported found (我已找到工作) and what their station decided
    pub found_reports: Vec<crate::db::found_reports::ReportRow>,
    pub exported_at: String,
}

pub async fn my_data(state: &AppState, actor: &CurrentUser) -> AppResult<MyData> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(MyData {
        worker: w.full_view(today()),
        certificates: certificates::of_worker(&state.db, id).await?,
        applications: applications::of_worker(&state.db, id).await?,
        placements: placements::of_worker(&state.db, id).await?,
        found_reports: crate::db::found_reports::of_worker(&state.db, id).await?,
        exported_at: now_timestamp(),
    })
}

/// A correction: the worker may change contact details and job wishes; stations and the
/// admin also the name-independent household flags. Name and 身份证 number are corrected by
/// registering anew through a station (they are the identity).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct Correction {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub skills: Option<String>,
    pub desired_jobs: Option<String>,
    pub expected_wage: Option<i64>,
    pub needs_lodging: Option<bool>,
    pub available_from: Option<String>,
}

/// What a worker changing their own phone hears when the new number cannot be theirs — the
/// same for every such refusal, so that it does not tell that the number is another worker's.
pub const PHONE_REFUSED_FOR_WORKER: &str =
    "这个手机号码不能使用，请换一个号码或联系所在的劳务工作站";

pub async fn correct(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    c: &Correction,
) -> AppResult<()> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_manage_worker(actor.role, direct_tie(actor, &w)) {
        return Err(AppError::Forbidden);
    }
    if w.status == "inactive" && w.id_number.starts_with("ANON") {
        return Err(AppError::NotFound);
    }
    let mut e = FieldErrors::new();
    let phone = match c.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => e
            .take("phone", MobilePhone::parse(p))
            .map(|p| p.as_str().to_owned()),
        None => Some(w.phone.clone()),
    };
    let self_service = policy::phone_change_is_self_service(actor.role, direct_tie(actor, &w));
    if let Some(p) = phone.as_deref()
        && p != w.phone
    {
        if self_service {
            // each try is counted before anything about the number is looked up
            take_phone_change(state, id).await?;
        }
        if workers::phone_taken(&state.db, p, Some(id)).await? {
            if self_service {
                e.add("phone", PHONE_REFUSED_FOR_WORKER);
            } else {
                e.add(
                    "phone",
                    "该手机号已是另一位务工人员的号码，一个手机号只能对应一位务工人员",
                );
            }
        }
    }
    let email = match c.email.as_deref().map(str::trim) {
        Some("") => None,
        Some(m) => e
            .take("email", Email::parse(m))
            .map(|m| m.as_str().to_owned()),
        None => w.email.clone(),
    };
    let skills = c
        .skills
        .as_deref()
        .map_or_else(|| w.skills.clone(), |s| split_list(s).join("、"));
    let jobs = c
        .desired_jobs
        .as_deref()
        .map_or_else(|| w.desired_jobs.clone(), |s| split_list(s).join("、"));
    for (field, v) in [("skills", &skills), ("desired_jobs", &jobs)] {
        if v.chars().count() > 400 {
            e.add(field, "内容太长");
        }
    }
    let wage = match c.expected_wage {
        Some(x) => e.take("expected_wage", check_wage(x)),
        None => w.expected_wage,
    };
    let available = match c.available_from.as_deref().map(str::trim) {
        Some("") => None,
        Some(d) => e.take("available_from", parse_date(d)).map(fmt_date),
        None => w.available_from.clone(),
    };
    e.check()?;
    rights::correct(
        &state.db,
        id,
        &rights::Corrected {
            phone: phone.unwrap_or_default(),
            email,
            skills,
            desired_jobs: jobs,
            expected_wage: wage,
            needs_lodging: c.needs_lodging.unwrap_or(w.needs_lodging),
            available_from: available,
        },
    )
    .await?;
    if actor.role != Role::Worker {
        audit::record(
            &state.db,
            actor.by(),
            "correct_worker",
            "worker",
            Some(id),
            "更正个人信息",
        )
        .await?;
    }
    state.search.nudge();
    Ok(())
}

/// Changes of their own phone a worker may try in a day (each try tells whether a number can
/// be theirs, so none may be tried without limit).
pub const PHONE_CHANGES_PER_DAY: i64 = 5;

/// Counts one try of a worker changing their own phone (committed whatever the answer);
/// `Limited` (429) once the day's tries are used up.
async fn take_phone_change(state: &AppState, worker_id: i64) -> AppResult<()> {
    let now = time::OffsetDateTime::now_utc().to_offset(crate::domain::CST);
    let mut tx = state.db.begin().await?;
    let taken = workers::take_daily_slot(
        &mut tx,
        worker_id,
        workers::DailyLimit::Phone,
        &fmt_date(now.date()),
        PHONE_CHANGES_PER_DAY,
    )
    .await?;
    tx.commit().await?;
    if taken {
        return Ok(());
    }
    tracing::warn!(worker.id = worker_id, "phone changes throttled");
    let midnight = now
        .date()
        .next_day()
        .map_or(now, |d| d.midnight().assume_offset(crate::domain::CST));
    Err(AppError::Limited {
        field: "phone".into(),
        message: format!(
            "今天已修改{PHONE_CHANGES_PER_DAY}次手机号码，请明天再试；急需更改请联系所在的劳务工作站"
        ),
        retry_after_secs: u64::try_from((midnight - now).whole_seconds())
            .unwrap_or(0)
            .max(1),
    })
}

/// The worker asks for deletion, having confirmed it (the page's box; an API call is its own
/// confirmation); their station sees the request.
pub async fn request_deletion(
    state: &AppState,
    actor: &CurrentUser,
    confirmed: bool,
) -> AppResult<()> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    if !confirmed {
        return Err(AppError::invalid(
            "confirm",
            "未提交注销申请：请先勾选“我确认要注销”，再点申请注销。",
        ));
    }
    rights::request_deletion(&state.db, id).await?;
    Ok(())
}

/// The worker's own open deletion request: when they asked (for /me), if they did.
pub async fn my_deletion_request(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<Option<String>> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    let at = rights::deletion_requested_at(&state.db, id).await?;
    // China time, as a person reads it (`2026-12-06 21:20`)
    Ok(at.map(|at| {
        time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
            .map(|t| {
                let t = t.to_offset(crate::domain::CST);
                format!(
                    "{} {:02}:{:02}",
                    crate::domain::values::fmt_date(t.date()),
                    t.hour(),
                    t.minute()
                )
            })
            .unwrap_or(at)
    }))
}

/// The worker withdraws their deletion request before the station acted on it; `false` when
/// there was none open.
pub async fn cancel_deletion(state: &AppState, actor: &CurrentUser) -> AppResult<bool> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    let done = rights::cancel_deletion(&state.db, id).await?;
    if done {
        tracing::info!(worker.id = id, "deletion request withdrawn");
    }
    Ok(done)
}

/// Workers who asked for deletion, for a station (or the admin).
pub async fn deletion_requests(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<Vec<(i64, String, String)>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let station = match actor.role {
        Role::Station => Some(actor.station_id.ok_or(AppError::Forbidden)?),
        _ => None,
    };
    Ok(rights::deletion_requests(&state.db, station).await?)
}

/// A station confirms a deletion: the person's identity and contact details are removed; the
/// township, household flags, sex, birth year and the records of applications and placements
/// stay, so that the figures keep counting.
pub async fn anonymise(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<()> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(actor.role, Role::Station | Role::Admin)
        || !policy::may_manage_worker(actor.role, direct_tie(actor, &w))
    {
        return Err(AppError::Forbidden);
    }
    if !rights::deletion_requested(&state.db, id).await? {
        return Err(AppError::conflict("id", "本人没有申请注销"));
    }
    let birth_year = w.birth_date.get(..4).unwrap_or("1900").to_owned();
    let who = rights::Identity {
        name: w.name.clone(),
        phone: w.phone.clone(),
        id_number: w.id_number.clone(),
        email: w.email.clone(),
    };
    let erased = rights::anonymise(&state.db, id, &who, &birth_year).await?;
    crate::service::retention::erase_person(state, &erased, &[&w.id_number, &w.phone]).await;
    audit::record(
        &state.db,
        actor.by(),
        "anonymise_worker",
        "worker",
        Some(id),
        "按本人申请注销，个人信息已匿名化",
    )
    .await?;
    state.search.nudge();
    Ok(())
}
