//! Enterprise registration and verification.

use crate::auth::{CurrentUser, Role};
use crate::db::audit;
use crate::db::employers;
pub use crate::db::employers::EmployerRow;
use crate::db::users::{self, NewUser};
use crate::domain::Email;
use crate::domain::employer::EmployerInput;
use crate::domain::status::EmployerStatus;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::state::AppState;

/// Registers an enterprise; it waits as `pending` until the admin verifies it.
pub async fn register(state: &AppState, input: &EmployerInput) -> AppResult<EmployerRow> {
    let new = input.parse().map_err(AppError::Validation)?;
    let id = employers::insert(&state.db, &new).await?;
    tracing::info!(employer.id = id, "employer registered");
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The HR login an enterprise chooses when it registers on the page.
pub struct HrLogin<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub password2: &'a str,
}

/// Registers an enterprise together with its own HR login (e-mail and password), in one
/// transaction: both or neither. The login is switched off until the admin verifies the
/// enterprise; logging in before that is refused with a message saying so.
pub async fn register_with_login(
    state: &AppState,
    input: &EmployerInput,
    hr: &HrLogin<'_>,
) -> AppResult<EmployerRow> {
    let mut e = FieldErrors::new();
    let new = match input.parse() {
        Ok(n) => Some(n),
        Err(v) => {
            e.0.extend(v.0);
            None
        }
    };
    let email = e.take("hr_email", Email::parse(hr.email));
    e.take(
        "password",
        crate::auth::password::check_strength(hr.password, hr.email),
    );
    if hr.password != hr.password2 {
        e.add("password2", "两次输入的密码不一致");
    }
    let (Some(new), Some(email)) = (new, email) else {
        return Err(AppError::Validation(e));
    };
    e.check()?;
    let hash = crate::auth::password::hash(hr.password).await?;
    let mut tx = state.db.begin().await?;
    let id = employers::insert(&mut *tx, &new).await?;
    let user = users::insert(
        &mut *tx,
        &NewUser {
            email: Some(email.as_str()),
            phone: None,
            password_hash: hash,
            role: Some(Role::Employer),
            display_name: new.contact_name.as_str(),
            employer_id: Some(id),
            ..NewUser::default()
        },
    )
    .await
    .map_err(|err| match err {
        crate::db::DbError::Duplicate { .. } => {
            AppError::conflict("hr_email", "这个邮箱已经是平台的登录账号，请换一个")
        }
        other => other.into(),
    })?;
    users::wait_for_verification(&mut *tx, user).await?;
    tx.commit().await?;
    tracing::info!(
        employer.id = id,
        user.id = user,
        "employer registered with its HR login"
    );
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The admin verifies, rejects or suspends an enterprise. A rejected or suspended enterprise's
/// vacancies leave the board and search at once, its logins stop working, and no mail goes to it.
pub async fn set_status(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    status: EmployerStatus,
) -> AppResult<EmployerRow> {
    actor.require(&[Role::Admin])?;
    if status == EmployerStatus::Pending {
        return Err(AppError::invalid("status", "不能改回待审核"));
    }
    let current = employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = current.standing();
    if from == status {
        return Err(AppError::conflict(
            "status",
            format!("该企业已经是“{}”", status.label()),
        ));
    }
    if status == EmployerStatus::Suspended && from != EmployerStatus::Verified {
        return Err(AppError::conflict("status", "只有已审核的企业可以暂停"));
    }
    if !employers::set_status(&state.db, id, from, status, actor.id).await? {
        return Err(AppError::conflict(
            "status",
            "该企业刚被别人审核过，请刷新后再试",
        ));
    }
    state.search.nudge();
    audit::record(
        &state.db,
        actor.by(),
        "employer_status",
        "employer",
        Some(id),
        status.label(),
    )
    .await?;
    tracing::info!(
        employer.id = id,
        status = status.as_str(),
        "employer standing"
    );
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One enterprise's full record: its own logins and the admin.
pub async fn view(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<EmployerRow> {
    if !crate::service::policy::may_view_employer(actor, id) {
        return Err(AppError::Forbidden);
    }
    employers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}
