//! The worker's rights (PIPL): see and download their own data, correct it, and ask for
//! deletion — a station confirms, the record is anonymised, the statistics keep counting it.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::applications::{self, ApplicationRow};
use crate::db::certificates::{self, CertificateRow};
use crate::db::placements::{self, PlacementRow};
use crate::db::workers::{self, WorkerView};
use crate::db::{audit, record_change};
use crate::domain::text::split_list;
use crate::domain::values::{check_wage, fmt_date, parse_date};
use crate::domain::{Email, MobilePhone, now_timestamp, today};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::workers::{Access, access};
use crate::state::AppState;

/// Everything the platform holds about a worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyData {
    pub worker: WorkerView,
    pub certificates: Vec<CertificateRow>,
    pub applications: Vec<ApplicationRow>,
    pub placements: Vec<PlacementRow>,
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

pub async fn correct(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    c: &Correction,
) -> AppResult<()> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if access(actor, &w) != Access::Full {
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
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "update workers set phone = $1, email = $2, skills = $3, desired_jobs = $4, expected_wage = $5, \
         needs_lodging = $6, available_from = $7, updated_at = $8 where id = $9",
    )
    .bind(phone)
    .bind(email)
    .bind(skills)
    .bind(jobs)
    .bind(wage)
    .bind(c.needs_lodging.unwrap_or(w.needs_lodging))
    .bind(available)
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await?;
    if actor.role != Role::Worker {
        audit::record(
            &state.db,
            actor,
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

/// The worker asks for deletion; their station sees the request.
pub async fn request_deletion(state: &AppState, actor: &CurrentUser) -> AppResult<()> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    sqlx::query("update workers set deletion_requested_at = $1 where id = $2 and deletion_requested_at is null")
        .bind(now_timestamp())
        .bind(id)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Workers who asked for deletion, for a station (or the admin).
pub async fn deletion_requests(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<Vec<(i64, String, String)>> {
    actor.require(&[Role::Station, Role::Admin])?;
    let rows = match actor.role {
        Role::Station => sqlx::query(
            "select id, name, deletion_requested_at from workers where deletion_requested_at is not null and anonymised_at is null \
             and (station_id = $1 or station_id is null) order by deletion_requested_at",
        )
        .bind(actor.station_id.unwrap_or(-1))
        .fetch_all(&state.db)
        .await?,
        _ => sqlx::query(
            "select id, name, deletion_requested_at from workers where deletion_requested_at is not null and anonymised_at is null \
             order by deletion_requested_at",
        )
        .fetch_all(&state.db)
        .await?,
    };
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// A station confirms a deletion: the person's identity and contact details are removed; the
/// township, household flags, sex, birth year and the records of applications and placements
/// stay, so that the figures keep counting.
pub async fn anonymise(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<()> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(actor.role, Role::Station | Role::Admin) || access(actor, &w) != Access::Full {
        return Err(AppError::Forbidden);
    }
    let requested: Option<String> =
        sqlx::query("select deletion_requested_at from workers where id = $1")
            .bind(id)
            .fetch_one(&state.db)
            .await?
            .try_get(0)?;
    if requested.is_none() {
        return Err(AppError::conflict("id", "本人没有申请注销"));
    }
    let birth_year = w.birth_date.get(..4).unwrap_or("1900").to_owned();
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "update workers set name = '已注销', id_number = $1, phone = '', email = null, skills = '', desired_jobs = '', \
         birth_date = $2, household_no = null, work_place = null, employment_note = null, status = 'inactive', \
         weekly_matches = $3, anonymised_at = $4, updated_at = $4 where id = $5",
    )
    .bind(format!("ANON{id:014}"))
    .bind(format!("{birth_year}-01-01"))
    .bind(false)
    .bind(now_timestamp())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update users set active = $1, email = null, phone = null where worker_id = $2")
        .bind(false)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update api_tokens set revoked_at = $1 where user_id in (select id from users where worker_id = $2) and revoked_at is null")
        .bind(now_timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from quality_findings where worker_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_change(&mut tx, "worker", id).await?;
    tx.commit().await?;
    audit::record(
        &state.db,
        actor,
        "anonymise_worker",
        "worker",
        Some(id),
        "按本人申请注销，个人信息已匿名化",
    )
    .await?;
    state.search.nudge();
    Ok(())
}
