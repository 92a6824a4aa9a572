//! Applications: a worker applies, a station recommends, an enterprise invites; every change
//! of state is kept with who, when and why; a hire makes a placement with its follow-ups.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::applications;
pub use crate::db::applications::{ApplicationRow, EventRow};
use crate::db::outbox::{self, NewMail};
use crate::db::placements::{self, HireOutcome, NewHire};
use crate::db::{audit, employers, stations, vacancies, workers};
use crate::domain::region::township_name;
use crate::domain::status::ApplicationStatus;
use crate::domain::today;
use crate::domain::values::{fmt_date, placement_start, placement_wage};
use crate::error::{AppError, AppResult, FieldErrors, WORKER_ALREADY_PLACED};
use crate::mail::templates::ApplicationMail;
use crate::service::policy::{self, ApplicationFacts, ApplyAs, WorkerTie};
use crate::state::AppState;

/// Reasons an application is turned down (拒绝原因).
pub const REFUSAL_REASONS: [&str; 5] =
    ["不符合要求", "岗位已满", "薪资未谈拢", "求职者放弃", "其他"];

/// A new application.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApplicationInput {
    pub worker_id: Option<i64>,
    pub vacancy_id: Option<i64>,
    /// the job fair the application is made at (the vacancy must be at one of its booths)
    pub event_id: Option<i64>,
}

/// Creates an application: the worker's own (`self`), a station's recommendation, the
/// admin's, or an enterprise's invitation (which waits for the worker's consent).
pub async fn apply(
    state: &AppState,
    actor: &CurrentUser,
    input: &ApplicationInput,
) -> AppResult<i64> {
    let mut e = FieldErrors::new();
    if input.worker_id.is_none() {
        e.add("worker_id", "请指定务工人员");
    }
    if input.vacancy_id.is_none() {
        e.add("vacancy_id", "请指定岗位");
    }
    let (Some(worker_id), Some(vacancy_id)) = (input.worker_id, input.vacancy_id) else {
        return Err(AppError::Validation(e));
    };
    if let Some(event_id) = input.event_id {
        crate::service::events::check_fair_application(state, event_id, vacancy_id).await?;
    }
    let today_s = fmt_date(today());
    let vacancy = vacancies::get(&state.db, vacancy_id, &today_s)
        .await?
        .ok_or_else(|| AppError::invalid("vacancy_id", "没有这个岗位"))?;
    let own_vacancy = actor.employer_id == Some(vacancy.employer_id);
    // Whether the worker is among the vacancy's candidates (asked for enterprises only: the
    // policy lets an enterprise invite candidates and nobody else).
    let mut candidate = false;
    if actor.is(Role::Employer) {
        // An enterprise invites only its candidates: one neutral answer for everyone else,
        // so that an invitation cannot probe who is registered or seeking work.
        let refuse = || {
            AppError::invalid(
                "worker_id",
                "无法邀请该务工人员（只能邀请本岗位的推荐人选）",
            )
        };
        if !own_vacancy {
            return Err(AppError::Forbidden);
        }
        if !crate::service::policy::employer_may(
            vacancy.employer_status,
            crate::service::policy::EmployerAct::Recruit,
        ) {
            return Err(AppError::Forbidden);
        }
        let matched = crate::service::search::is_candidate(state, &vacancy, worker_id).await?;
        let worker = workers::get(&state.db, worker_id).await?;
        candidate = matched && worker.as_ref().is_some_and(|w| w.status == "seeking");
        let asked = policy::may_apply(
            actor.role,
            WorkerTie::None,
            own_vacancy,
            vacancy.employer_status,
            candidate,
        );
        if asked.is_none() {
            return Err(refuse());
        }
    }
    let worker = workers::get(&state.db, worker_id)
        .await?
        .ok_or_else(|| AppError::invalid("worker_id", "没有这个务工人员"))?;
    let tie = crate::service::workers::direct_tie(actor, &worker);
    let Some(how) = policy::may_apply(
        actor.role,
        tie,
        own_vacancy,
        vacancy.employer_status,
        candidate,
    ) else {
        return Err(AppError::Forbidden);
    };
    let (source, status, station_id) = match how {
        ApplyAs::Worker => ("self", "applied", None),
        ApplyAs::Station => ("station", "applied", actor.station_id),
        ApplyAs::Admin => ("admin", "applied", None),
        ApplyAs::Invitation => ("employer", "invited", None),
    };
    if !policy::vacancy_public(vacancy.status == "open", vacancy.employer_status)
        || vacancy.places_left < 1
    {
        let why = if vacancy.employer_status.is_barred() {
            "已下架"
        } else {
            vacancy.status_label()
        };
        return Err(AppError::invalid(
            "vacancy_id",
            format!("该岗位{why}，不能再投递"),
        ));
    }
    if worker.status != "seeking" {
        return Err(AppError::invalid(
            "worker_id",
            format!("该务工人员目前{}，不在求职", worker.status_label()),
        ));
    }
    let employer = employers::get(&state.db, vacancy.employer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let station_name = match station_id {
        Some(s) => stations::get(&state.db, s).await?.map(|s| s.name),
        None => None,
    };
    let mut tx = state.db.begin().await?;
    let id = applications::insert(
        &mut tx, worker_id, vacancy_id, source, status, station_id, actor.id,
    )
    .await?
    .ok_or_else(|| AppError::conflict("vacancy_id", "已经投递（或推荐）过这个岗位"))?;
    if status == "invited" {
        crate::service::messages::invitation(&mut tx, worker_id, &employer.name, &vacancy.title)
            .await?;
    }
    if let Some(event_id) = input.event_id {
        crate::db::events::tag_application(&mut tx, id, event_id).await?;
    }
    if status == "applied" {
        notify_employer(
            state,
            &mut tx,
            &employer,
            &vacancy.title,
            &worker,
            source,
            station_name,
        )
        .await?;
    }
    tx.commit().await?;
    state.mail.nudge();
    state.sms.nudge();
    tracing::info!(application.id = id, source, "application created");
    Ok(id)
}

/// Writes the mail to the enterprise's contact in the caller's transaction.
async fn notify_employer(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    employer: &employers::EmployerRow,
    vacancy_title: &str,
    worker: &workers::WorkerRow,
    source: &str,
    station_name: Option<String>,
) -> AppResult<()> {
    let summary = format!(
        "{}，{}岁，{}；技能：{}；意向：{}",
        if worker.sex == "male" { "男" } else { "女" },
        worker.age_on(today()).unwrap_or(0),
        township_name(&worker.township_code),
        worker.skills,
        worker.desired_jobs
    );
    let mail = ApplicationMail {
        employer_name: employer.name.clone(),
        vacancy_title: vacancy_title.to_owned(),
        worker_name: worker.name.clone(),
        worker_phone: worker.phone.clone(),
        worker_summary: summary,
        source_label: match source {
            "station" => "工作站推荐",
            "self" => "本人投递",
            "employer" => "接受了贵单位的邀请",
            _ => "管理员登记",
        }
        .to_owned(),
        station_name,
        link: format!("{}/employer", state.config.base_url),
    }
    .render()?;
    outbox::enqueue(
        tx,
        &NewMail {
            kind: "application",
            dedupe_key: None,
            recipient: &employer.contact_email,
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
        },
    )
    .await?;
    Ok(())
}

/// A change of state asked for.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TransitionInput {
    /// interviewing / offered / hired / rejected / withdrawn (applied: accept an invitation)
    pub to: String,
    pub note: Option<String>,
    /// Refusal reason (rejected, withdrawn): 不符合要求, 岗位已满, 薪资未谈拢, 求职者放弃, 其他
    pub reason: Option<String>,
    /// hired: first day at work, `YYYY-MM-DD`
    pub start_date: Option<String>,
    /// hired: monthly wage in yuan
    pub wage: Option<i64>,
}

/// What a transition produced.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResult {
    pub id: i64,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement_id: Option<i64>,
}

/// The facts about an application that decide who may see and move it.
async fn facts(
    state: &AppState,
    actor: &CurrentUser,
    app: &ApplicationRow,
    worker: &workers::WorkerRow,
) -> AppResult<ApplicationFacts> {
    let tie = match actor.role {
        // a receiving station's district tie is only asked for when it matters
        Role::Station => crate::service::workers::tie(state, actor, worker).await?,
        _ => crate::service::workers::direct_tie(actor, worker),
    };
    Ok(ApplicationFacts {
        tie,
        own_vacancy: actor.employer_id == Some(app.employer_id),
        recommended_by_actor: app.station_id.is_some() && app.station_id == actor.station_id,
        status: ApplicationStatus::parse(&app.status).unwrap_or(ApplicationStatus::Withdrawn),
    })
}

/// One application, for the worker, the enterprise, a station that follows it, the admin.
pub async fn view(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<ApplicationRow> {
    let app = applications::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let worker = workers::get(&state.db, app.worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if policy::may_view_application(actor.role, &facts(state, actor, &app, &worker).await?) {
        Ok(app)
    } else {
        Err(AppError::Forbidden)
    }
}

/// One application with its history.
pub async fn with_events(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<(ApplicationRow, Vec<EventRow>)> {
    let app = view(state, actor, id).await?;
    Ok((app, applications::events(&state.db, id).await?))
}

/// Moves an application along, checking who may do what.
pub async fn transition(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    input: &TransitionInput,
) -> AppResult<TransitionResult> {
    let app = applications::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let worker = workers::get(&state.db, app.worker_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = input.to.trim();
    let Some(to_status) = ApplicationStatus::parse(to).filter(|s| *s != ApplicationStatus::Invited)
    else {
        return Err(AppError::invalid(
            "to",
            "状态应为 interviewing、offered、hired、rejected 或 withdrawn",
        ));
    };
    let to = to_status.as_str();
    let f = facts(state, actor, &app, &worker).await?;
    if !policy::may_view_application(actor.role, &f)
        || !policy::may_move_application(actor.role, &f, to_status)
    {
        return Err(AppError::Forbidden);
    }
    if !f.status.can_move_to(to_status) {
        return Err(AppError::conflict(
            "to",
            format!(
                "申请目前“{}”，不能改为“{}”",
                f.status.label(),
                to_status.label()
            ),
        ));
    }
    // Nothing moves forward with an enterprise that is rejected or suspended: no invitation
    // accepted (which would mail it the worker's name and phone), no interview, no hire.
    if !matches!(
        to_status,
        ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
    ) {
        let standing = employers::get(&state.db, app.employer_id)
            .await?
            .map(|e| e.standing())
            .ok_or(AppError::NotFound)?;
        if !policy::employer_may(standing, policy::EmployerAct::Recruit) {
            return Err(AppError::invalid(
                "to",
                "该企业已停用或未通过审核，申请不能再继续",
            ));
        }
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .chars()
        .take(1000)
        .collect::<String>();
    let mut reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let mut e = FieldErrors::new();
    match to {
        "rejected" => {
            if !REFUSAL_REASONS.contains(&reason.as_str()) {
                e.add(
                    "reason",
                    format!("请选择原因：{}", REFUSAL_REASONS.join("、")),
                );
            } else if reason == "其他" && note.is_empty() {
                e.add("note", "原因选“其他”时请说明");
            }
        }
        "withdrawn" => {
            if reason.is_empty() {
                reason = "求职者放弃".into();
            } else if !REFUSAL_REASONS.contains(&reason.as_str()) {
                e.add(
                    "reason",
                    format!("请选择原因：{}", REFUSAL_REASONS.join("、")),
                );
            }
        }
        _ => {}
    }
    let hire = if to == "hired" {
        // the same terms as a job found without the platform (domain::values)
        let start = e.take(
            "start_date",
            placement_start(input.start_date.as_deref(), today()),
        );
        let wage = e.take("wage", placement_wage(input.wage));
        match (start, wage) {
            (Some(s), Some(w)) => Some((s, w)),
            _ => None,
        }
    } else {
        None
    };
    e.check()?;
    let hire_employer = if hire.is_some() {
        employers::get(&state.db, app.employer_id).await?
    } else {
        None
    };

    let mut tx = state.db.begin().await?;
    if !applications::transition(&mut tx, id, &app.status, to, &reason, &note, actor.id).await? {
        return Err(AppError::conflict(
            "to",
            "申请状态刚被别人修改，请刷新后再试",
        ));
    }
    let mut placement_id = None;
    if let Some((start, wage)) = hire {
        placement_id = Some(hire_in_tx(&mut tx, &app, &worker, start, wage).await?);
        if let Some(employer) = &hire_employer {
            crate::service::messages::hire(
                &mut tx,
                worker.id,
                worker.station_id,
                &employer.name,
                &fmt_date(start),
                &employer.address,
            )
            .await?;
        }
    }
    if to == "applied" {
        // an invitation accepted: the enterprise hears of it now
        let employer = employers::get(&state.db, app.employer_id)
            .await?
            .ok_or(AppError::NotFound)?;
        notify_employer(
            state,
            &mut tx,
            &employer,
            &app.vacancy_title,
            &worker,
            "employer",
            None,
        )
        .await?;
    }
    tx.commit().await?;
    state.search.nudge();
    state.mail.nudge();
    state.sms.nudge();
    tracing::info!(application.id = id, from = %app.status, to, "application moved");
    Ok(TransitionResult {
        id,
        status: to.to_owned(),
        placement_id,
    })
}

/// The hire (see [`placements::hire`]): a lost race is answered here — 422 when another hire
/// took the last place, 409 when the worker was placed by another hire first.
async fn hire_in_tx(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    app: &ApplicationRow,
    worker: &workers::WorkerRow,
    start: time::Date,
    wage: i64,
) -> AppResult<i64> {
    let outcome = placements::hire(
        tx,
        &NewHire {
            application_id: app.id,
            worker_id: app.worker_id,
            vacancy_id: app.vacancy_id,
            employer_id: app.employer_id,
            station_id: worker.station_id,
            start,
            wage,
        },
    )
    .await?;
    match outcome {
        HireOutcome::Hired(placement_id) => {
            tracing::info!(
                placement.id = placement_id,
                worker.id = app.worker_id,
                "hired"
            );
            Ok(placement_id)
        }
        HireOutcome::Full => Err(AppError::invalid("to", "岗位已招满，不能再录用")),
        HireOutcome::WorkerPlaced => Err(AppError::conflict("to", WORKER_ALREADY_PLACED)),
    }
}

/// The logged-in worker's own application for a vacancy, if they have one (anyone else:
/// none).
pub async fn mine_for_vacancy(
    state: &AppState,
    actor: &CurrentUser,
    vacancy_id: i64,
) -> AppResult<Option<ApplicationRow>> {
    let Some(worker) = actor.worker_id.filter(|_| actor.is(Role::Worker)) else {
        return Ok(None);
    };
    Ok(applications::of_worker(&state.db, worker)
        .await?
        .into_iter()
        .find(|a| a.vacancy_id == vacancy_id))
}

/// Applications to a vacancy: its enterprise and the admin all of them, a station those of
/// its own workers and those it made.
pub async fn of_vacancy(
    state: &AppState,
    actor: &CurrentUser,
    vacancy_id: i64,
) -> AppResult<Vec<ApplicationRow>> {
    match (actor.role, actor.station_id) {
        (Role::Station, Some(station)) => {
            Ok(applications::of_vacancy_for_station(&state.db, vacancy_id, station).await?)
        }
        _ => {
            crate::service::vacancies::managed(state, actor, vacancy_id).await?;
            Ok(applications::of_vacancy(&state.db, vacancy_id).await?)
        }
    }
}

/// One application as the enterprise's list shows it: the worker by name and phone only once
/// they put themselves forward (audited), masked otherwise.
pub struct Applicant {
    pub app: ApplicationRow,
    pub worker: crate::db::workers::MaskedWorker,
    pub events: Vec<EventRow>,
}

/// Page `asked` of the applicants of a vacancy (newest first), for its enterprise and the
/// admin; only the page's applicants are read (and their viewing audited).
pub async fn applicants(
    state: &AppState,
    actor: &CurrentUser,
    vacancy_id: i64,
    asked: i64,
    per_page: i64,
) -> AppResult<(
    crate::db::vacancies::VacancyRow,
    crate::service::Paged<Applicant>,
)> {
    let v = crate::service::vacancies::managed(state, actor, vacancy_id).await?;
    let today = today();
    let total = applications::count_of_vacancy(&state.db, vacancy_id).await?;
    let (page, offset) = crate::service::page_window(asked, total, per_page);
    let mut rows = Vec::new();
    for app in applications::of_vacancy_page(&state.db, vacancy_id, per_page, offset).await? {
        let Some(w) = workers::get(&state.db, app.worker_id).await? else {
            continue;
        };
        let worker = if app.reveals_contact() {
            w.contact_view(today)
        } else {
            w.masked_view(today)
        };
        if !worker.masked {
            audit::record(
                &state.db,
                actor.by(),
                "view_worker",
                "worker",
                Some(w.id),
                "企业查看应聘者姓名和电话",
            )
            .await?;
        }
        let events = applications::events(&state.db, app.id).await?;
        rows.push(Applicant {
            app,
            worker,
            events,
        });
    }
    Ok((v, crate::service::Paged { rows, total, page }))
}
