//! The public job board: home page, vacancy list with filters, one vacancy.

use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::{Layout, PageResult, render};
use crate::auth::{MaybeUser, Role};
use crate::domain::Programme;
use crate::domain::region::{DOUMEN, regions};
use crate::service::vacancies::{VacancyListQuery, VacancyRow};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

/// A select option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Doumen's townships as options.
pub fn town_choices(selected: &str) -> Vec<Choice> {
    regions()
        .townships_of(DOUMEN)
        .into_iter()
        .map(|r| Choice {
            value: r.code.clone(),
            label: r.name.clone(),
            selected: r.code == selected,
        })
        .collect()
}

/// The four programmes as options.
pub fn programme_choices(selected: &str) -> Vec<Choice> {
    Programme::ALL
        .iter()
        .map(|p| Choice {
            value: p.code().to_owned(),
            label: p.name().to_owned(),
            selected: p.code() == selected,
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    latest: Vec<VacancyRow>,
    total: i64,
    towns: Vec<Choice>,
}

pub async fn home(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
) -> PageResult<Response> {
    let (latest, total) = crate::service::vacancies::latest(&state, 8).await?;
    Ok(render(&HomePage {
        layout: Layout::new("首页", &session, user.as_ref()).await,
        latest,
        total,
        towns: town_choices(""),
    }))
}

#[derive(askama::Template)]
#[template(path = "board.html")]
struct BoardPage {
    layout: Layout,
    items: Vec<VacancyRow>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    wage: String,
    lodging: bool,
    towns: Vec<Choice>,
    programmes: Vec<Choice>,
    error: Option<String>,
    /// upcoming job fairs, linked above the list
    fairs: Vec<crate::service::events::EventRow>,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// A link to another page of the same search.
fn page_link(query: &VacancyListQuery, page: i64) -> String {
    let pairs = [
        ("q", query.q.clone()),
        ("town", query.town.clone()),
        ("programme", query.programme.clone()),
        ("wage", query.wage.clone()),
        ("lodging", query.lodging.clone()),
        ("page", Some(page.to_string())),
    ];
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            s.append_pair(k, &v);
        }
    }
    format!("/vacancies?{}", s.finish())
}

pub async fn board(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    ApiQuery(query): ApiQuery<VacancyListQuery>,
) -> PageResult<Response> {
    let per_page = 20;
    let (items, total, page, error) = match query.filter(per_page) {
        Ok(filter) => {
            let (items, total) = crate::service::search::board(&state, &filter).await?;
            (items, total, filter.page, None)
        }
        Err(e) => (
            Vec::new(),
            0,
            1,
            Some(
                e.0.values()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
        ),
    };
    let pages = ((total + per_page - 1) / per_page).max(1);
    let fairs = crate::service::events::upcoming_fairs(&state, 3).await?;
    Ok(render(&BoardPage {
        fairs,
        layout: Layout::new("找工作", &session, user.as_ref()).await,
        prev_link: (page > 1).then(|| page_link(&query, page - 1)),
        next_link: (page < pages).then(|| page_link(&query, page + 1)),
        items,
        total,
        page,
        pages,
        q: query.q.clone().unwrap_or_default(),
        wage: query.wage.clone().unwrap_or_default(),
        lodging: query.lodging.as_deref().is_some_and(|v| !v.is_empty()),
        towns: town_choices(query.town.as_deref().unwrap_or("")),
        programmes: programme_choices(query.programme.as_deref().unwrap_or("")),
        error,
    }))
}

#[derive(askama::Template)]
#[template(path = "vacancy.html")]
struct VacancyPage {
    layout: Layout,
    v: VacancyRow,
    can_manage: bool,
    can_apply: bool,
    logged_in: bool,
}

pub async fn vacancy(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (v, can_manage) = crate::service::vacancies::view(&state, user.as_ref(), id).await?;
    let can_apply = user.as_ref().is_some_and(|u| u.is(Role::Worker)) && v.status == "open";
    Ok(render(&VacancyPage {
        layout: Layout::new(&v.title, &session, user.as_ref()).await,
        logged_in: user.is_some(),
        v,
        can_manage,
        can_apply,
    }))
}
