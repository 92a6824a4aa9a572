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

/// The board's town filter: Doumen's townships, then every other town that has vacancies
/// (with the county, so that `白云镇` of two counties are told apart); each with its count.
fn board_towns(open: &[(String, i64)], selected: &str) -> Vec<Choice> {
    let count = |code: &str| open.iter().find(|(c, _)| c == code).map(|(_, n)| *n);
    let mut out: Vec<Choice> = regions()
        .townships_of(DOUMEN)
        .into_iter()
        .map(|r| Choice {
            value: r.code.clone(),
            label: match count(&r.code) {
                Some(n) => format!("{}（{n}）", r.name),
                None => r.name.clone(),
            },
            selected: r.code == selected,
        })
        .collect();
    for (code, n) in open {
        if out.iter().any(|c| &c.value == code) {
            continue;
        }
        let Some(r) = regions().get(code) else {
            continue;
        };
        out.push(Choice {
            value: code.clone(),
            label: format!("{} {}（{n}）", r.county, r.name),
            selected: code == selected,
        });
    }
    out
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
    // the same town filter as the board's: every town with vacancies (a workshop near home
    // in Meitan too), with its count
    let open = crate::service::search::open_towns(&state).await?;
    Ok(render(&HomePage {
        layout: Layout::new("首页", &session, user.as_ref()).await,
        latest,
        total,
        towns: board_towns(&open, ""),
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
    pager: super::pager::Pager,
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
    // a page past the end shows the last page
    let (items, page) = match (
        super::pager::last_page(page, total, per_page),
        query.filter(per_page),
    ) {
        (Some(last), Ok(mut filter)) => {
            filter.page = last;
            (
                crate::service::search::board(&state, &filter).await?.0,
                last,
            )
        }
        _ => (items, page),
    };
    let pages = super::pager::page_count(total, per_page);
    let open = crate::service::search::open_towns(&state).await?;
    let fairs = crate::service::events::upcoming_fairs(&state, 3).await?;
    Ok(render(&BoardPage {
        fairs,
        layout: Layout::new("找工作", &session, user.as_ref()).await,
        pager: {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let keep = [
                ("q", opt(&query.q)),
                ("town", opt(&query.town)),
                ("programme", opt(&query.programme)),
                ("wage", opt(&query.wage)),
                ("lodging", opt(&query.lodging)),
            ];
            let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
            super::pager::Pager::new("/vacancies", &keep, page, total, per_page)
        },
        items,
        total,
        page,
        pages,
        q: query.q.clone().unwrap_or_default(),
        wage: query.wage.clone().unwrap_or_default(),
        lodging: query.lodging.as_deref().is_some_and(|v| !v.is_empty()),
        towns: board_towns(&open, query.town.as_deref().unwrap_or("")),
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
    /// the logged-in worker's own application here: (its label, invited by the enterprise)
    mine: Option<(String, bool)>,
}

pub async fn vacancy(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (v, can_manage) = crate::service::vacancies::view(&state, user.as_ref(), id).await?;
    let mine = match &user {
        Some(u) => crate::service::applications::mine_for_vacancy(&state, u, id).await?,
        None => None,
    };
    let can_apply =
        user.as_ref().is_some_and(|u| u.is(Role::Worker)) && v.status == "open" && mine.is_none();
    let mine = mine.map(|a| {
        let invited = a.status == "invited";
        (a.status_label().to_owned(), invited)
    });
    Ok(render(&VacancyPage {
        mine,
        layout: Layout::new(&v.title, &session, user.as_ref()).await,
        logged_in: user.is_some(),
        v,
        can_manage,
        can_apply,
    }))
}
