//! The assessment (考评) pages: the table with a bar per indicator, the people behind a number,
//! the workbook, and the admin's targets form.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::{FormData, Layout, PageResult, PageUser, flash, render};
use crate::domain::assessment::{COUNTIES, Indicator};
use crate::error::AppError;
use crate::service::assessment::{
    self as svc, Assessment, AssessmentQuery, People, TargetInput, Targets,
};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

#[derive(askama::Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    layout: Layout,
    a: Assessment,
    chart: String,
    counties: Vec<(&'static str, &'static str)>,
}

/// `GET /reports/assessment?year=&county=&month=`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> PageResult<Response> {
    let a = svc::assessment(&state, &user, &q).await?;
    let chart = svc::chart(&a);
    Ok(render(&AssessmentPage {
        layout: Layout::new(
            &format!("{}{}年考评指标", a.county_name, a.year),
            &session,
            Some(&user),
        )
        .await,
        a,
        chart,
        counties: COUNTIES.to_vec(),
    }))
}

#[derive(askama::Template)]
#[template(path = "assessment_people.html")]
struct PeoplePage {
    layout: Layout,
    p: People,
    name: &'static str,
}

/// `GET /reports/assessment/people?year=&county=&indicator=`
pub async fn people(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> PageResult<Response> {
    let p = svc::people(&state, &user, &q).await?;
    let name = Indicator::parse(p.indicator).map_or("", Indicator::name);
    Ok(render(&PeoplePage {
        layout: Layout::new(name, &session, Some(&user)).await,
        p,
        name,
    }))
}

/// `GET /reports/assessment.xlsx?year=&county=`
pub async fn workbook(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> PageResult<Response> {
    let bytes = svc::workbook(&state, &user, &q).await?;
    let name = format!(
        "laowu-assessment-{}-{}.xlsx",
        q.year.unwrap_or(crate::domain::today().year()),
        q.county.as_deref().unwrap_or(COUNTIES[0].0)
    );
    Ok(super::reports::attachment(
        bytes,
        &name,
        crate::service::reports::XLSX,
    ))
}

#[derive(askama::Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    layout: Layout,
    year: i32,
    /// (county code, county name, indicator code, indicator name, current value)
    rows: Vec<(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        String,
    )>,
    history: Vec<svc::TargetRow>,
}

/// `?year=`
#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// `GET /admin/targets?year=`: the year's targets as a form, and the history.
pub async fn targets_page(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> PageResult<Response> {
    user.require(&[crate::auth::Role::Admin])?;
    let year = q.year.unwrap_or(crate::domain::today().year());
    let current = svc::targets(&state, &user, year, false).await?;
    let history = svc::targets(&state, &user, year, true).await?;
    let mut rows = Vec::new();
    for (county, county_name) in COUNTIES {
        for i in Indicator::ALL {
            let value = current
                .iter()
                .find(|t| t.county == county && t.indicator == i.code())
                .map(|t| t.value.to_string())
                .unwrap_or_default();
            rows.push((county, county_name, i.code(), i.name(), value));
        }
    }
    Ok(render(&TargetsPage {
        layout: Layout::new(&format!("{year}年考评目标"), &session, Some(&user)).await,
        year,
        rows,
        history,
    }))
}

/// `POST /admin/targets?year=`: fields named `COUNTY.INDICATOR`; an empty field sets no target.
pub async fn save_targets(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(q): ApiQuery<YearQuery>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let year = q.year.unwrap_or(crate::domain::today().year());
    let mut targets = Vec::new();
    for (county, _) in COUNTIES {
        for i in Indicator::ALL {
            let raw = form
                .get(&format!("{county}.{}", i.code()))
                .trim()
                .to_owned();
            if raw.is_empty() {
                continue;
            }
            let Ok(value) = raw.parse::<i64>() else {
                flash(&session, &format!("{}：请填写整数", i.name())).await;
                return Ok(Redirect::to(&format!("/admin/targets?year={year}")).into_response());
            };
            targets.push(TargetInput {
                county: county.to_owned(),
                indicator: i.code().to_owned(),
                value,
            });
        }
    }
    match svc::set_targets(&state, &user, year, &Targets { targets }).await {
        Ok(()) => flash(&session, "目标已保存（原目标保留在历史中）。").await,
        Err(AppError::Validation(e)) => flash(&session, &e.summary()).await,
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/admin/targets?year={year}")).into_response())
}
