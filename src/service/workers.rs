//! Registering workers and deciding who may see which worker.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role, password};
use crate::db::users::NewUser;
use crate::db::workers::{self, Registration, WorkerFilter};
pub use crate::db::workers::{MaskedWorker, WorkerRow, WorkerView};
use crate::db::{applications, audit, stations, training};
use crate::domain::today;
use crate::domain::worker::WorkerInput;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
use crate::state::AppState;

/// Registers a worker: by the person (anonymous, consent and password required), by a
/// station officer (paper consent recorded with the officer's name), or by the admin.
pub async fn register(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: &WorkerInput,
) -> AppResult<i64> {
    let today = today();
    let mut errors = FieldErrors::new();
    let parsed = input.parse(today);
    if let Err(e) = &parsed {
        errors = e.clone();
    }
    let self_registration = actor.is_none();
    if let Some(a) = actor {
        a.require(&[Role::Station, Role::Admin])?;
    }
    if self_registration && !input.consent {
        errors.add("consent", "请阅读并同意《个人信息处理规则》后再注册");
    }
    let password = input.password.as_deref().unwrap_or("");
    if self_registration && password.is_empty() {
        errors.add("password", "请设置登录密码");
    }
    if !password.is_empty() {
        errors.take("password", password::check_strength(password, &input.phone));
    }
    let station_id = match actor {
        Some(a) if a.is(Role::Station) => a.station_id,
        Some(_) => match input.station_id {
            Some(id) if stations::get(&state.db, id).await?.is_none() => {
                errors.add("station_id", "没有这个工作站");
                None
            }
            other => other,
        },
        None => None,
    };
    let worker = match parsed {
        Ok(w) if errors.is_empty() => w,
        _ => return Err(AppError::Validation(errors)),
    };
    // Hashed before the duplicate check, so that a refused self-registration takes as long
    // whatever the reason.
    let password_hash = if password.is_empty() {
        None
    } else {
        Some(password::hash(password).await?)
    };
    if let Some((name, phone)) =
        workers::registered_contact(&state.db, worker.id_number.as_str()).await?
    {
        if !self_registration {
            return Err(AppError::conflict(
                "id_number",
                "该身份证号码已经登记过，请勿重复登记",
            ));
        }
        // Anyone may try a self-registration, so its answer must not tell whether a number
        // is on the register: only the person (name and phone as recorded) hears so.
        return Err(
            if name == worker.name.as_str() && phone == worker.phone.as_str() {
                AppError::conflict(
                    "id_number",
                    "该身份证号码已经登记过，请用登记的手机号登录；忘记密码可以用手机验证码重设（/reset），没有设置过密码请联系所在的劳务工作站",
                )
            } else {
                refused_self_registration()
            },
        );
    }
    // A phone belongs to one worker (it is their login and where their reset code goes). An
    // anonymous caller hears the one refusal, so the answer tells nothing about the phone.
    if workers::phone_taken(&state.db, worker.phone.as_str(), None).await? {
        tracing::info!(
            self_registration,
            "registration refused: phone already a worker's"
        );
        return Err(if self_registration {
            refused_self_registration()
        } else {
            AppError::invalid("phone", PHONE_TAKEN_FOR_STATION)
        });
    }
    // An e-mail another login already has: said at the e-mail field (an enterprise's
    // registration says as much), rather than the 身份证/phone refusal, which would send the
    // person to reset a password they never had and count against their address.
    if password_hash.is_some()
        && let Some(email) = worker.email.as_ref()
        && crate::db::users::find_by_login(&state.db, email.as_str())
            .await?
            .is_some()
    {
        return Err(AppError::conflict(
            "email",
            "这个邮箱已经是平台别的账号的登录邮箱：请换一个邮箱，或不填",
        ));
    }
    // Every worker belongs to a station: the registering one, else the sending station of
    // the home county. With no such station yet, the admin alone holds the record until one
    // is created (then it takes them over, see `accounts::create_station`).
    let station_id = match station_id {
        Some(id) => Some(id),
        None => stations::sending_station_for(&state.db, worker.hometown.county_code()).await?,
    };
    let consent_by = match actor {
        None => "本人（网上同意）".to_owned(),
        Some(a) => format!("{}代录（纸质同意书）：{}", a.role.label(), a.display_name),
    };
    let mut tx = state.db.begin().await?;
    let id = workers::insert(
        &mut tx,
        &worker,
        &Registration {
            station_id,
            consent_by: &consent_by,
            created_by: actor.map(|a| a.id),
        },
    )
    .await
    .map_err(|e| match e {
        // the same number registered a moment ago by someone else
        crate::db::DbError::Duplicate { .. } if self_registration => refused_self_registration(),
        other => AppError::from(other),
    })?;
    if let Some(password_hash) = password_hash {
        crate::db::users::insert(
            &mut *tx,
            &NewUser {
                email: worker.email.as_ref().map(|e| e.as_str()),
                phone: Some(worker.phone.as_str()),
                password_hash,
                role: Some(Role::Worker),
                display_name: worker.name.as_str(),
                worker_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| match e {
            crate::db::DbError::Duplicate { .. } if self_registration => {
                refused_self_registration()
            }
            crate::db::DbError::Duplicate { .. } => {
                AppError::conflict("phone", "该手机号（或邮箱）已经注册了账号，请直接登录")
            }
            other => other.into(),
        })?;
    }
    tx.commit().await?;
    state.search.nudge();
    tracing::info!(worker.id = id, self_registration, "worker registered");
    Ok(id)
}

pub use crate::service::policy::{Access, WorkerTie};

/// Anonymous self-registration from `ip`: throttled per address; an address whose attempts
/// keep being refused for numbers already on the register is stopped for a day, so that the
/// register cannot be probed number by number.
pub async fn register_self(state: &AppState, ip: &str, input: &WorkerInput) -> AppResult<i64> {
    state.throttle.check_registration(ip)?;
    let result = register(state, None, input).await;
    if let Err(e) = &result
        && e.field_errors() == refused_self_registration().field_errors()
    {
        state.throttle.note_refused_registration(ip);
    }
    result
}

/// What a station or the admin hears when registering a worker whose phone another worker
/// already has.
pub const PHONE_TAKEN_FOR_STATION: &str = "该手机号已是另一位务工人员的登记号码（一个手机号只能对应一位务工人员，用于登录和接收验证码）。请核实后填写本人的手机号；如是同一人，请在名单中查找并更新原记录";

/// The one answer to a self-registration refused for what is already on the register — a
/// 身份证 number registered under another name or phone, or a phone or e-mail that already
/// has a login — so that the answer cannot tell which (and so whether a person is on the
/// register) without knowing the person's name and phone.
pub fn refused_self_registration() -> AppError {
    AppError::invalid(
        "id_number",
        "无法用这些信息在网上注册：身份证号码或手机号码已被使用。如已登记，请用手机号登录，或联系所在的劳务工作站",
    )
}

/// The actor's tie to a worker as far as the record itself tells: the worker's own login, the
/// station whose caseload holds them. Enough for every decision that needs full access.
pub fn direct_tie(actor: &CurrentUser, w: &WorkerRow) -> WorkerTie {
    match actor.role {
        Role::Worker if actor.worker_id == Some(w.id) => WorkerTie::Itself,
        Role::Station if actor.station_id.is_some() && w.station_id == actor.station_id => {
            WorkerTie::OwnStation
        }
        _ => WorkerTie::None,
    }
}

/// What the actor sees of a worker by the record alone ([`direct_tie`]).
pub fn access(actor: &CurrentUser, w: &WorkerRow) -> Access {
    policy::worker_access(actor.role, direct_tie(actor, w))
}

/// The actor's whole tie to a worker, asking the database for applications, placements in a
/// receiving station's district and course places.
pub async fn tie(state: &AppState, actor: &CurrentUser, w: &WorkerRow) -> AppResult<WorkerTie> {
    let direct = direct_tie(actor, w);
    if direct != WorkerTie::None {
        return Ok(direct);
    }
    Ok(match actor.role {
        Role::Station => match actor.station_id {
            Some(s) => match district_of(state, s).await? {
                Some(district)
                    if workers::placed_in_district(&state.db, w.id, &district).await? =>
                {
                    WorkerTie::PlacedInDistrict
                }
                _ => WorkerTie::None,
            },
            None => WorkerTie::None,
        },
        Role::Employer => match actor.employer_id {
            Some(e) if applications::worker_revealed_to(&state.db, w.id, e).await? => {
                WorkerTie::Applicant
            }
            Some(e) if applications::worker_invited_by(&state.db, w.id, e).await? => {
                WorkerTie::Invitee
            }
            _ => WorkerTie::None,
        },
        Role::Trainer => match actor.provider_id {
            Some(p) if training::worker_on_course_of(&state.db, w.id, p).await? => {
                WorkerTie::Trainee
            }
            _ => WorkerTie::None,
        },
        Role::Admin | Role::Worker => WorkerTie::None,
    })
}

/// What the actor sees of a worker, all ties considered.
pub async fn access_of(state: &AppState, actor: &CurrentUser, w: &WorkerRow) -> AppResult<Access> {
    Ok(policy::worker_access(
        actor.role,
        tie(state, actor, w).await?,
    ))
}

/// Loads a worker for a user, writing every staff view of personal data to the audit log.
pub async fn view(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<(WorkerRow, Access)> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = access_of(state, actor, &w).await?;
    match access {
        Access::None => Err(AppError::Forbidden),
        Access::Full | Access::Contact => {
            if actor.role != Role::Worker {
                let what = if access == Access::Full {
                    "查看完整信息"
                } else {
                    "查看姓名和电话"
                };
                audit::record(
                    &state.db,
                    actor.by(),
                    "view_worker",
                    "worker",
                    Some(id),
                    what,
                )
                .await?;
            }
            Ok((w, access))
        }
        Access::Masked => Ok((w, access)),
    }
}

/// How a follow-up form or a placement page reaches the worker: the name, the phone (to tap
/// and call) and a link to the full record, as far as the actor may see them.
pub struct WorkerContact {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    /// the station's page of the worker's record, for the one who manages it
    pub record: Option<String>,
}

/// [`WorkerContact`] for staff and enterprises (the worker themselves needs none): seeing the
/// phone is a view of personal data and audited as one ([`view`]); `None` for a masked view.
pub async fn contact(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
) -> AppResult<Option<WorkerContact>> {
    if actor.is(Role::Worker) {
        return Ok(None);
    }
    let (w, access) = match view(state, actor, id).await {
        Ok(found) => found,
        Err(AppError::Forbidden) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(match access {
        Access::Full | Access::Contact => Some(WorkerContact {
            id,
            record: (access == Access::Full && (actor.is(Role::Station) || actor.is(Role::Admin)))
                .then(|| format!("/station/workers/{id}")),
            phone: Some(w.phone).filter(|p| !p.is_empty()),
            name: w.name,
        }),
        Access::Masked | Access::None => None,
    })
}

/// A worker's name for a page heading, to whoever may see more than a masked record (no
/// audit row: a name alone is no view of personal data); `务工人员` otherwise.
pub async fn name_of(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<String> {
    let w = workers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match access_of(state, actor, &w).await? {
        Access::Full | Access::Contact => w.name,
        Access::Masked | Access::None => "务工人员".to_owned(),
    })
}

/// One worker, by id, for a service that has already decided access (registration answers).
pub async fn get(state: &AppState, id: i64) -> AppResult<WorkerRow> {
    workers::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WorkerListQuery {
    /// Name, skill or wanted job; an exact phone or 身份证 number
    pub q: Option<String>,
    /// 9-digit township code
    pub township: Option<String>,
    /// `seeking`, `placed` or `inactive`
    pub status: Option<String>,
    pub poverty_alleviated: Option<String>,
    pub monitored: Option<String>,
    pub relocated: Option<String>,
    pub zero_employment: Option<String>,
    pub page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkerList {
    pub items: Vec<WorkerView>,
    pub total: i64,
    pub page: i64,
}

impl WorkerListQuery {
    /// The filter, before the actor's scope is applied.
    fn filter(&self, per_page: i64) -> AppResult<WorkerFilter> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s @ ("seeking" | "placed" | "inactive")) => Some(s.to_owned()),
            Some(_) => {
                return Err(AppError::invalid(
                    "status",
                    "状态应为 seeking、placed 或 inactive",
                ));
            }
        };
        let township = match self.township.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) if t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit()) => Some(t.to_owned()),
            Some(_) => return Err(AppError::invalid("township", "乡镇代码应为9位数字")),
        };
        let mut household = Vec::new();
        for (value, flag) in [
            (&self.poverty_alleviated, "poverty_alleviated"),
            (&self.monitored, "monitored"),
            (&self.relocated, "relocated"),
            (&self.zero_employment, "zero_employment"),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| crate::domain::values::parse_flag(v) == Ok(true))
            {
                household.push(flag);
            }
        }
        Ok(WorkerFilter {
            station_id: None,
            district: None,
            township,
            status,
            q: self.q.as_deref().map(|q| {
                // a phone or 身份证 number as typed (`138 0013 8000`) is looked up exactly
                let q: String = q.chars().take(200).collect();
                if let Ok(p) = crate::domain::MobilePhone::parse(&q) {
                    p.as_str().to_owned()
                } else if let Ok(n) = crate::domain::IdCardNumber::parse(&q, crate::domain::today())
                {
                    n.as_str().to_owned()
                } else {
                    q
                }
            }),
            household,
            page: crate::domain::values::page_of(self.page.as_deref()),
            per_page,
        })
    }
}

/// A page of a caseload: each worker with what the actor sees of them.
pub struct CaseloadPage {
    pub rows: Vec<(WorkerRow, Access)>,
    pub total: i64,
    pub page: i64,
}

/// The caseload: a station's own workers (in full) and, for a receiving station, the workers
/// holding a job in its district (name and phone); everyone for the admin. Every list is
/// written to the audit log.
pub async fn caseload(
    state: &AppState,
    actor: &CurrentUser,
    query: &WorkerListQuery,
    per_page: i64,
) -> AppResult<CaseloadPage> {
    actor.require(&[Role::Station, Role::Admin])?;
    let mut filter = query.filter(per_page)?;
    if actor.is(Role::Station) {
        let station = actor.station_id.ok_or(AppError::Forbidden)?;
        filter.station_id = Some(station);
        // the district's placed workers are followed, not managed: no filtering them by
        // household situation and no looking them up by 身份证 number
        let by_number = filter.q.as_deref().is_some_and(|q| {
            crate::domain::IdCardNumber::parse(q.trim(), crate::domain::today()).is_ok()
        });
        if filter.household.is_empty() && !by_number {
            filter.district = district_of(state, station).await?;
        }
    }
    let (rows, total) = crate::service::search::caseload(state, &filter).await?;
    // every listing is audited; the row is committed (in a group, see AuditWriter) before
    // the list is returned
    state
        .audit
        .record(
            actor.by(),
            "list_workers",
            "worker",
            None,
            format!("名册第{}页，{}条", filter.page, rows.len()),
        )
        .await?;
    let rows = rows
        .into_iter()
        .map(|w| {
            let access = match access(actor, &w) {
                Access::Full => Access::Full,
                // only district placements reach a station's list without being its own
                _ => policy::worker_access(actor.role, WorkerTie::PlacedInDistrict),
            };
            (w, access)
        })
        .collect();
    Ok(CaseloadPage {
        rows,
        total,
        page: filter.page,
    })
}

/// The district a station follows workers in ([`stations::district_of`]), remembered: a
/// station's side and county are never changed once written.
async fn district_of(state: &AppState, station: i64) -> AppResult<Option<String>> {
    let known = state
        .districts
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&station)
        .cloned();
    if let Some(d) = known {
        return Ok(d);
    }
    let d = stations::district_of(&state.db, station).await?;
    state
        .districts
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(station, d.clone());
    Ok(d)
}

/// A worker's record with everything around it, as the record page shows it.
pub struct WorkerRecord {
    pub row: WorkerRow,
    pub access: Access,
    pub applications: Vec<crate::db::applications::ApplicationRow>,
    pub placements: Vec<crate::db::placements::PlacementRow>,
    pub weekly_matches: bool,
    pub certificates: Vec<crate::db::certificates::CertificateRow>,
    /// each enrolment with its course's title
    pub enrollments: Vec<(crate::db::training::EnrollmentRow, String)>,
}

/// Loads a worker's record page for the worker, a station or the admin (audited by [`view`]).
pub async fn record(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<WorkerRecord> {
    let (row, access) = view(state, actor, id).await?;
    if !matches!(access, Access::Full | Access::Contact) || actor.is(Role::Employer) {
        return Err(AppError::Forbidden);
    }
    let db = &state.db;
    let mut enrollments = Vec::new();
    for e in training::enrollments_of_worker(db, id).await? {
        let title = training::course(db, e.course_id)
            .await?
            .map(|c| c.title)
            .unwrap_or_default();
        enrollments.push((e, title));
    }
    Ok(WorkerRecord {
        applications: applications::of_worker(db, id).await?,
        placements: crate::db::placements::of_worker(db, id).await?,
        weekly_matches: workers::weekly_matches(db, id).await?,
        certificates: crate::db::certificates::of_worker(db, id).await?,
        enrollments,
        row,
        access,
    })
}

/// The worker's mail preferences: an address (optional) and the weekly list of matches,
/// which needs one.
pub async fn set_mail_preferences(
    state: &AppState,
    actor: &CurrentUser,
    email: Option<&str>,
    weekly: bool,
) -> AppResult<()> {
    actor.require(&[Role::Worker])?;
    let id = actor.worker_id.ok_or(AppError::NotFound)?;
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(
            crate::domain::Email::parse(e)
                .map_err(|m| AppError::invalid("email", m))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    if weekly && email.is_none() {
        return Err(AppError::invalid("email", "接收每周推荐需要填写电子邮箱"));
    }
    workers::set_mail_preferences(&state.db, id, email.as_deref(), weekly).await?;
    Ok(())
}

/// Sets (or, with an empty code, clears) the occupation chosen for a worker — the correction
/// of what matching inferred from their words. The worker, their own station and the admin
/// may; the change is audited and reaches the index through the change feed.
pub async fn set_occupation(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    code: &str,
) -> AppResult<()> {
    let w = get(state, id).await?;
    let t = tie(state, actor, &w).await?;
    if !policy::may_manage_worker(actor.role, t) {
        return Err(AppError::Forbidden);
    }
    let code = match code.trim() {
        "" => None,
        c => Some(
            crate::domain::occupation::OccupationCode::parse(c)
                .map_err(|m| AppError::invalid("occupation_code", m))?,
        ),
    };
    workers::set_occupation(&state.db, id, code.as_ref().map(|c| c.as_str())).await?;
    audit::record(
        &state.db,
        actor.by(),
        "set_occupation",
        "worker",
        Some(id),
        code.as_ref().map_or("", |c| c.as_str()),
    )
    .await?;
    Ok(())
}
