//! Registering workers and deciding who may see which worker.

use crate::auth::{CurrentUser, Role, password};
use crate::db::users::NewUser;
use crate::db::workers::{self, Registration, WorkerRow};
use crate::db::{audit, stations};
use crate::domain::today;
use crate::domain::worker::WorkerInput;
use crate::error::{AppError, AppResult, FieldErrors};
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
                    "该身份证号码已经登记过，请用登记的手机号登录；忘记密码或没有设置过密码，请联系所在的劳务工作站",
                )
            } else {
                refused_self_registration()
            },
        );
    }
    let station_id = match (station_id, actor) {
        (Some(id), _) => Some(id),
        (None, None) => {
            stations::sending_station_for(&state.db, worker.hometown.county_code()).await?
        }
        (None, Some(_)) => None,
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
        AppError::Conflict { .. } if self_registration => refused_self_registration(),
        other => other,
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
            AppError::Conflict { .. } if self_registration => refused_self_registration(),
            AppError::Conflict { .. } => {
                AppError::conflict("phone", "该手机号（或邮箱）已经注册了账号，请直接登录")
            }
            other => other,
        })?;
    }
    tx.commit().await?;
    state.search.nudge();
    tracing::info!(worker.id = id, self_registration, "worker registered");
    Ok(id)
}

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

/// How much of a worker a user may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Full,
    /// An enterprise the worker applied to (or was recommended to): real name and phone,
    /// nothing else personal.
    Contact,
    Masked,
    None,
}

/// Decides access: the worker, the admin and the worker's own station see everything
/// (a station also sees workers no station has taken on yet); nobody else sees anything here.
pub fn access(actor: &CurrentUser, w: &WorkerRow) -> Access {
    match actor.role {
        Role::Admin => Access::Full,
        Role::Worker if actor.worker_id == Some(w.id) => Access::Full,
        Role::Station if w.station_id.is_none() || w.station_id == actor.station_id => Access::Full,
        _ => Access::None,
    }
}

/// Access including what an enterprise earns through applications.
pub async fn access_with_applications(
    state: &AppState,
    actor: &CurrentUser,
    w: &WorkerRow,
) -> AppResult<Access> {
    let basic = access(actor, w);
    if basic != Access::None || actor.role != Role::Employer {
        return Ok(basic);
    }
    let Some(employer) = actor.employer_id else {
        return Ok(Access::None);
    };
    if crate::db::applications::worker_revealed_to(&state.db, w.id, employer).await? {
        return Ok(Access::Contact);
    }
    let invited = crate::db::applications::of_worker(&state.db, w.id)
        .await?
        .iter()
        .any(|a| a.employer_id == employer);
    Ok(if invited {
        Access::Masked
    } else {
        Access::None
    })
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
    let access = access_with_applications(state, actor, &w).await?;
    match access {
        Access::None => Err(AppError::Forbidden),
        Access::Full | Access::Contact => {
            if actor.role != Role::Worker {
                let what = if access == Access::Full {
                    "查看完整信息"
                } else {
                    "企业查看应聘者姓名和电话"
                };
                audit::record(&state.db, actor, "view_worker", "worker", Some(id), what).await?;
            }
            Ok((w, access))
        }
        Access::Masked => Ok((w, access)),
    }
}
