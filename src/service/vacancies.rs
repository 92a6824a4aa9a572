//! Posting and managing vacancies.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{CurrentUser, Role};
use crate::db::employers;
use crate::db::vacancies;
pub use crate::db::vacancies::{VacancyFilter, VacancyRow};
use crate::domain::employer::VacancyInput;
use crate::domain::values::{fmt_date, page_of, parse_wage};
use crate::domain::{Programme, today};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::policy;
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
    if crate::service::policy::may_manage_vacancy(actor, v.employer_id, v.employer_status) {
        Ok(v)
    } else {
        Err(AppError::Forbidden)
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

#[derive(Debug, Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct VacancyListQuery {
    /// Words to look for in title, occupation, description and enterprise
    pub q: Option<String>,
    /// Township code (9 digits)
    pub town: Option<String>,
    /// Programme code
    pub programme: Option<String>,
    /// Lowest acceptable monthly wage (yuan)
    pub wage: Option<String>,
    /// `1`/`true`: lodging provided
    pub lodging: Option<String>,
    pub page: Option<String>,
}

impl VacancyListQuery {
    /// Validates the query into a filter (errors name the parameter).
    pub fn filter(&self, per_page: i64) -> Result<VacancyFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let town = match self.town.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => e
                .take("town", crate::domain::RegionCode::parse_town(t))
                .map(|c| c.as_str().to_owned()),
        };
        let programme = match self.programme.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => e
                .take("programme", Programme::parse(p))
                .map(|p| p.code().to_owned()),
        };
        let wage_at_least = match self.wage.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(w) => e.take("wage", parse_wage(w)),
        };
        let lodging = self
            .lodging
            .as_deref()
            .is_some_and(|v| crate::domain::values::parse_flag(v) == Ok(true));
        if !e.is_empty() {
            return Err(e);
        }
        Ok(VacancyFilter {
            q: self.q.clone().map(|q| q.chars().take(200).collect()),
            town,
            programme,
            wage_at_least,
            lodging,
            employer_id: None,
            page: page_of(self.page.as_deref()),
            per_page,
        })
    }
}

/// One vacancy: anyone while it is public (open, its enterprise verified); its enterprise and
/// the admin always. Also says whether the actor manages it.
pub async fn view(
    state: &AppState,
    actor: Option<&CurrentUser>,
    id: i64,
) -> AppResult<(VacancyRow, bool)> {
    let v = vacancies::get(&state.db, id, &fmt_date(today()))
        .await?
        .ok_or(AppError::NotFound)?;
    let manages = actor.is_some_and(|a| {
        a.is(Role::Admin) || (a.is(Role::Employer) && a.employer_id == Some(v.employer_id))
    });
    if !manages && !policy::vacancy_public(v.status == "open", v.employer_status) {
        return Err(AppError::NotFound);
    }
    Ok((v, manages))
}

/// The newest public vacancies and how many there are (the home page).
pub async fn latest(state: &AppState, n: i64) -> AppResult<(Vec<VacancyRow>, i64)> {
    let filter = VacancyFilter {
        page: 1,
        per_page: n,
        ..Default::default()
    };
    Ok(vacancies::list(&state.db, &filter, &fmt_date(today())).await?)
}

/// The enterprise's own record and all its vacancies (its dashboard).
pub async fn dashboard(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<(employers::EmployerRow, Vec<VacancyRow>)> {
    actor.require(&[Role::Employer])?;
    let employer_id = actor.employer_id.ok_or(AppError::Forbidden)?;
    let employer = employers::get(&state.db, employer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = VacancyFilter {
        employer_id: Some(employer_id),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let (items, _) = vacancies::list(&state.db, &filter, &fmt_date(today())).await?;
    Ok((employer, items))
}

/// The enterprise's new (not yet handled) applications per vacancy, for its home page.
pub async fn new_applications(
    state: &AppState,
    actor: &CurrentUser,
) -> AppResult<std::collections::HashMap<i64, i64>> {
    actor.require(&[Role::Employer])?;
    let employer_id = actor.employer_id.ok_or(AppError::Forbidden)?;
    Ok(
        crate::db::applications::new_counts_of_employer(&state.db, employer_id)
            .await?
            .into_iter()
            .collect(),
    )
}
