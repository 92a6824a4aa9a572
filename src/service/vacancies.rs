//! Posting and managing vacancies.

use crate::auth::{CurrentUser, Role};
use crate::db::employers;
use crate::db::vacancies::{self, VacancyRow};
use crate::domain::employer::VacancyInput;
use crate::domain::today;
use crate::domain::values::fmt_date;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Which enterprise a user posts for: the employer's own (it must be verified), or the one
/// the admin names.
async fn employer_for(
    state: &AppState,
    actor: &CurrentUser,
    requested: Option<i64>,
) -> AppResult<i64> {
    let employer_id = match actor.role {
        Role::Employer => actor.employer_id.ok_or(AppError::Forbidden)?,
        Role::Admin => requested.ok_or_else(|| AppError::invalid("employer_id", "请指定企业"))?,
        _ => return Err(AppError::Forbidden),
    };
    let employer = employers::get(&state.db, employer_id)
        .await?
        .ok_or_else(|| AppError::invalid("employer_id", "没有这个企业"))?;
    if !employer.is_verified() {
        return Err(if actor.role == Role::Employer {
            AppError::Forbidden
        } else {
            AppError::invalid("employer_id", "该企业尚未通过审核")
        });
    }
    Ok(employer_id)
}

/// Posts a vacancy.
pub async fn create(state: &AppState, actor: &CurrentUser, input: &VacancyInput) -> AppResult<i64> {
    let employer_id = employer_for(state, actor, input.employer_id).await?;
    let v = input.parse(today()).map_err(AppError::Validation)?;
    let id = vacancies::insert(&state.db, employer_id, &v).await?;
    state.search.nudge();
    tracing::info!(vacancy.id = id, employer.id = employer_id, "vacancy posted");
    Ok(id)
}

/// Loads a vacancy the user may manage (its employer, or the admin).
pub async fn managed(state: &AppState, actor: &CurrentUser, id: i64) -> AppResult<VacancyRow> {
    let v = vacancies::get(&state.db, id, &fmt_date(today()))
        .await?
        .ok_or(AppError::NotFound)?;
    match actor.role {
        Role::Admin => Ok(v),
        Role::Employer if actor.employer_id == Some(v.employer_id) => Ok(v),
        _ => Err(AppError::Forbidden),
    }
}

/// Edits a vacancy; the headcount cannot drop below the places already filled.
pub async fn update(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    input: &VacancyInput,
) -> AppResult<()> {
    let current = managed(state, actor, id).await?;
    let v = input.parse(today()).map_err(AppError::Validation)?;
    if v.headcount < current.filled {
        return Err(AppError::invalid(
            "headcount",
            format!("已录用{}人，招聘人数不能少于此数", current.filled),
        ));
    }
    vacancies::update(&state.db, id, &v).await?;
    state.search.nudge();
    Ok(())
}

/// Closes or reopens a vacancy.
pub async fn set_open(state: &AppState, actor: &CurrentUser, id: i64, open: bool) -> AppResult<()> {
    let current = managed(state, actor, id).await?;
    if open && current.places_left == 0 {
        return Err(AppError::invalid(
            "headcount",
            "岗位已招满，请先增加招聘人数",
        ));
    }
    if !vacancies::set_open(&state.db, id, open).await? {
        return Err(AppError::conflict(
            "status",
            if open {
                "岗位已经开放（或刚被招满），请刷新后再试"
            } else {
                "岗位已经关闭"
            },
        ));
    }
    state.search.nudge();
    Ok(())
}
