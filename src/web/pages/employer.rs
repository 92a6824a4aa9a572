//! The HR clerk's pages: the enterprise's status, its vacancies, posting and editing.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::public::{Choice, programme_choices};
use super::{FormData, Layout, PageResult, PageUser, flash, render};
use crate::auth::{CurrentUser, Role};
use crate::domain::employer::{SHIFTS, VacancyInput};
use crate::domain::region::{DOUMEN, FUGONG, MEITAN, regions};
use crate::domain::today;
use crate::domain::values::fmt_date;
use crate::error::{AppError, FieldErrors};
use crate::service::employers::EmployerRow;
use crate::service::vacancies as svc;
use crate::service::vacancies::VacancyRow;
use crate::state::AppState;

#[derive(askama::Template)]
#[template(path = "employer.html")]
struct DashboardPage {
    layout: Layout,
    employer: EmployerRow,
    items: Vec<VacancyRow>,
    /// new (not yet handled) applications, one per item
    new_applications: Vec<i64>,
}

impl DashboardPage {
    /// The new applications of the `i`-th vacancy.
    fn fresh(&self, i: &usize) -> i64 {
        self.new_applications.get(*i).copied().unwrap_or(0)
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    if user.is(Role::Admin) {
        return Ok(Redirect::to("/admin").into_response());
    }
    let (employer, items) = crate::service::vacancies::dashboard(&state, &user).await?;
    let fresh = crate::service::vacancies::new_applications(&state, &user).await?;
    let new_applications = items
        .iter()
        .map(|v| fresh.get(&v.id).copied().unwrap_or(0))
        .collect();
    Ok(render(&DashboardPage {
        new_applications,
        layout: Layout::new("企业招聘", &session, Some(&user)).await,
        employer,
        items,
    }))
}

/// Options for the workplace: Doumen's towns, then Meitan's and Fugong's for 帮扶车间.
fn workplace_groups(selected: &str) -> Vec<(String, Vec<Choice>)> {
    [
        (DOUMEN, "斗门区"),
        (MEITAN, "湄潭县（帮扶车间）"),
        (FUGONG, "福贡县（帮扶车间）"),
    ]
    .iter()
    .map(|(county, label)| {
        let options = regions()
            .townships_of(county)
            .into_iter()
            .map(|t| Choice {
                value: t.code.clone(),
                label: t.name.clone(),
                selected: t.code == selected,
            })
            .collect();
        ((*label).to_owned(), options)
    })
    .collect()
}

#[derive(askama::Template)]
#[template(path = "vacancy_form.html")]
struct VacancyFormPage {
    layout: Layout,
    action: String,
    f: FormData,
    towns: Vec<(String, Vec<Choice>)>,
    occupations: Vec<(String, Vec<Choice>)>,
    programmes: Vec<Choice>,
    shifts: Vec<Choice>,
    errors: FieldErrors,
}

impl VacancyFormPage {
    async fn new(
        session: &Session,
        user: &CurrentUser,
        action: String,
        f: FormData,
        errors: FieldErrors,
    ) -> Self {
        let title = if action.ends_with("/new") {
            "发布岗位"
        } else {
            "编辑岗位"
        };
        Self {
            layout: Layout::new(title, session, Some(user)).await,
            action,
            towns: workplace_groups(f.get("town_code")),
            occupations: super::station::occupation_groups(f.get("occupation_code")),
            programmes: programme_choices(f.get("required_programme")),
            shifts: SHIFTS
                .iter()
                .map(|s| Choice {
                    value: (*s).to_owned(),
                    label: (*s).to_owned(),
                    selected: f.get("shift") == *s,
                })
                .collect(),
            f,
            errors,
        }
    }
}

fn vacancy_input(f: &FormData, errors: &mut FieldErrors) -> VacancyInput {
    VacancyInput {
        title: f.get("title").to_owned(),
        description: f.get("description").to_owned(),
        occupation: f.get("occupation").to_owned(),
        occupation_code: f.opt("occupation_code"),
        headcount: f.int("headcount", errors),
        wage_min: f.wage("wage_min", errors),
        wage_max: f.wage("wage_max", errors),
        town_code: f.get("town_code").to_owned(),
        lodging: f.flag("lodging"),
        meals: f.flag("meals"),
        shift: f.get("shift").to_owned(),
        min_age: f.int("min_age", errors),
        max_age: f.int("max_age", errors),
        required_programme: f.opt("required_programme"),
        expires_on: f.get("expires_on").to_owned(),
        assistance_workshop: f.flag("assistance_workshop"),
        internship: f.flag("internship"),
        employer_id: None,
    }
}

/// The form's fields filled from a stored vacancy.
fn form_of(v: &VacancyRow) -> FormData {
    let mut m = std::collections::HashMap::new();
    let flag = |b: bool| if b { "on".to_owned() } else { String::new() };
    for (k, val) in [
        ("title", v.title.clone()),
        ("description", v.description.clone()),
        ("occupation", v.occupation.clone()),
        (
            "occupation_code",
            v.occupation_code.clone().unwrap_or_default(),
        ),
        ("headcount", v.headcount.to_string()),
        ("wage_min", v.wage_min.to_string()),
        ("wage_max", v.wage_max.to_string()),
        ("town_code", v.town_code.clone()),
        ("lodging", flag(v.lodging)),
        ("meals", flag(v.meals)),
        ("shift", v.shift.clone()),
        ("min_age", v.min_age.to_string()),
        ("max_age", v.max_age.to_string()),
        (
            "required_programme",
            v.required_programme.clone().unwrap_or_default(),
        ),
        ("expires_on", v.expires_on.clone()),
        ("assistance_workshop", flag(v.assistance_workshop)),
        ("internship", flag(v.internship)),
    ] {
        m.insert(k.to_owned(), val);
    }
    FormData(m)
}

pub async fn new_page(session: Session, PageUser(user): PageUser) -> PageResult<Response> {
    user.require(&[Role::Employer])?;
    let mut defaults = std::collections::HashMap::new();
    defaults.insert("headcount".to_owned(), "1".to_owned());
    defaults.insert("min_age".to_owned(), "18".to_owned());
    defaults.insert("max_age".to_owned(), "50".to_owned());
    defaults.insert(
        "expires_on".to_owned(),
        fmt_date(today() + time::Duration::days(60)),
    );
    let page = VacancyFormPage::new(
        &session,
        &user,
        "/employer/vacancies/new".into(),
        FormData(defaults),
        FieldErrors::new(),
    )
    .await;
    Ok(render(&page))
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Employer])?;
    let mut errors = FieldErrors::new();
    let input = vacancy_input(&form, &mut errors);
    let result = if errors.is_empty() {
        svc::create(&state, &user, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(id) => {
            flash(&session, "岗位已发布。").await;
            Ok(Redirect::to(&format!("/vacancies/{id}")).into_response())
        }
        Err(AppError::Validation(e)) => {
            let page =
                VacancyFormPage::new(&session, &user, "/employer/vacancies/new".into(), form, e)
                    .await;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(AppError::Forbidden) => {
            Err(AppError::BadRequest("贵单位尚未通过审核，审核通过后才能发布岗位".into()).into())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let v = svc::managed(&state, &user, id).await?;
    let page = VacancyFormPage::new(
        &session,
        &user,
        format!("/employer/vacancies/{id}/edit"),
        form_of(&v),
        FieldErrors::new(),
    )
    .await;
    Ok(render(&page))
}

pub async fn update(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let input = vacancy_input(&form, &mut errors);
    let result = if errors.is_empty() {
        svc::update(&state, &user, id, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => {
            flash(&session, "岗位已更新。").await;
            Ok(Redirect::to(&format!("/vacancies/{id}")).into_response())
        }
        Err(AppError::Validation(e)) => {
            let page = VacancyFormPage::new(
                &session,
                &user,
                format!("/employer/vacancies/{id}/edit"),
                form,
                e,
            )
            .await;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn close(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    svc::set_open(&state, &user, id, false).await?;
    flash(&session, "岗位已关闭，不再对外显示。").await;
    Ok(Redirect::to(back(&user)).into_response())
}

pub async fn reopen(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    svc::set_open(&state, &user, id, true).await?;
    flash(&session, "岗位已重新开放。").await;
    Ok(Redirect::to(back(&user)).into_response())
}

fn back(user: &CurrentUser) -> &'static str {
    if user.is(Role::Admin) {
        "/admin"
    } else {
        "/employer"
    }
}
