//! Event pages: the public list and fair page (linked from the job board), creating an event,
//! signing up on a phone, the running station's list, the check-in page for the door (one big
//! field for the 身份证 number, big feedback, no script), the printable manifest and its
//! workbook, and the enterprise's booth page.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::public::{Choice, town_choices};
use super::{FormData, Layout, PageResult, PageUser, flash, outcome, render};
use crate::auth::{CurrentUser, MaybeUser, Role};
use crate::domain::region::regions;
use crate::error::{AppError, FieldErrors};
use crate::service::applications::{self as apps, ApplicationInput};
use crate::service::events::{
    self as svc, BoothInput, BoothPage, CheckInInput, CheckInResult, EventDetail, EventInput,
    EventQuery, EventRow, Figures, Person, SignUpInput,
};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

#[derive(askama::Template)]
#[template(path = "events.html")]
struct ListPage {
    layout: Layout,
    items: Vec<EventRow>,
    kind: String,
    can_create: bool,
    pager: super::pager::Pager,
}

/// The public list of events.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    ApiQuery(q): ApiQuery<EventQuery>,
    axum::extract::Query(pq): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    let per_page = 20;
    let list = svc::list_page(&state, &q, super::pager::page_param(&pq), per_page).await?;
    let keep = [
        ("kind", q.kind.clone().unwrap_or_default()),
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = super::pager::Pager::new("/events", &keep, list.page, list.total, per_page);
    Ok(render(&ListPage {
        layout: Layout::new("招聘会与返岗专车", &session, user.as_ref()).await,
        items: list.rows,
        pager,
        kind: q.kind.clone().unwrap_or_default(),
        can_create: user.as_ref().is_some_and(svc::may_create),
    }))
}

#[derive(askama::Template)]
#[template(path = "event.html")]
struct EventPage {
    layout: Layout,
    d: EventDetail,
    worker: bool,
    station: bool,
    employer: bool,
    runs: bool,
    open: bool,
}

/// One event for everyone: a fair with each booth's vacancies, a trip with its seats.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let d = svc::detail(&state, id).await?;
    let runs = match &user {
        Some(u) => svc::runs(&state, u, &d.event).await?,
        None => false,
    };
    let role = |r: Role| user.as_ref().is_some_and(|u| u.is(r));
    let open = d.event.status == "open"
        && d.event.starts_utc > crate::domain::now_timestamp()
        && d.event.seats_left() > 0;
    Ok(render(&EventPage {
        layout: Layout::new(&d.event.title, &session, user.as_ref()).await,
        worker: role(Role::Worker),
        station: role(Role::Station) || role(Role::Admin),
        employer: role(Role::Employer),
        runs,
        open,
        d,
    }))
}

#[derive(askama::Template)]
#[template(path = "event_form.html")]
struct FormPage {
    layout: Layout,
    f: FormData,
    errors: FieldErrors,
    from_towns: Vec<Choice>,
    to_towns: Vec<Choice>,
}

fn sending_towns(selected: &str) -> Vec<Choice> {
    ["520328", "533323"]
        .iter()
        .flat_map(|c| regions().townships_of(c))
        .map(|r| Choice {
            value: r.code.clone(),
            label: format!("{} {}", r.county, r.name),
            selected: r.code == selected,
        })
        .collect()
}

async fn form_page(
    session: &Session,
    user: &CurrentUser,
    f: FormData,
    errors: FieldErrors,
) -> PageResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        layout: Layout::new("新建招聘会或返岗专车", session, Some(user)).await,
        from_towns: sending_towns(f.get("from_town")),
        to_towns: town_choices(f.get("to_town")),
        f,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn new_page(session: Session, PageUser(user): PageUser) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let mut f = FormData::default();
    f.0.insert("kind".into(), "job_fair".into());
    form_page(&session, &user, f, FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let mut errors = FieldErrors::new();
    let input = EventInput {
        kind: form.get("kind").to_owned(),
        title: form.get("title").to_owned(),
        starts_at: form.get("starts_at").to_owned(),
        place: form.get("place").to_owned(),
        capacity: form.int("capacity", &mut errors),
        from_town: form.opt("from_town"),
        to_town: form.opt("to_town"),
        station_id: None,
    };
    let result = if errors.is_empty() {
        svc::create(&state, &user, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(id) => {
            flash(&session, "活动已创建。").await;
            Ok(Redirect::to(&format!("/events/{id}/manage")).into_response())
        }
        Err(AppError::Validation(e)) => form_page(&session, &user, form, e).await,
        Err(e) => Err(e.into()),
    }
}

/// A worker signs up on their phone; a station signs one of its workers up by 身份证 number.
pub async fn sign_up(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let input = if user.is(Role::Worker) {
        SignUpInput {
            worker_id: user.worker_id,
            id_number: None,
        }
    } else {
        SignUpInput {
            worker_id: form.int("worker_id", &mut errors),
            id_number: form.opt("id_number"),
        }
    };
    let r = if errors.is_empty() {
        svc::sign_up(&state, &user, id, &input)
            .await
            .map(|_| "报名成功！活动前一天会再提醒你。".to_owned())
    } else {
        Err(AppError::Validation(errors))
    };
    let back = if user.is(Role::Station) || user.is(Role::Admin) {
        format!("/events/{id}/manage")
    } else {
        format!("/events/{id}")
    };
    outcome(&session, r, &back).await
}

/// A worker applies at a fair for a vacancy at one of its booths.
pub async fn apply(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path((id, vacancy_id)): Path<(i64, i64)>,
) -> PageResult<Response> {
    user.require(&[Role::Worker])?;
    let input = ApplicationInput {
        worker_id: user.worker_id,
        vacancy_id: Some(vacancy_id),
        event_id: Some(id),
    };
    let r = apps::apply(&state, &user, &input)
        .await
        .map(|_| "已投递，企业会尽快与你联系。".to_owned());
    outcome(&session, r, &format!("/events/{id}")).await
}

#[derive(askama::Template)]
#[template(path = "event_manage.html")]
struct ManagePage {
    layout: Layout,
    e: EventRow,
    people: Vec<Person>,
    fig: Figures,
}

/// The running station's page: figures, everyone signed up or checked in, links to the door
/// and the manifest, signing up its own workers.
pub async fn manage(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (e, people, fig) = svc::roster(&state, &user, id).await?;
    Ok(render(&ManagePage {
        layout: Layout::new(&e.title, &session, Some(&user)).await,
        e,
        people,
        fig,
    }))
}

#[derive(askama::Template)]
#[template(path = "event_door.html")]
struct DoorPage {
    layout: Layout,
    e: EventRow,
    stage: String,
    employers: Vec<Choice>,
    ok: Option<CheckInResult>,
    bad: Option<String>,
    /// after a refusal, the arrival's placement fields as sent (the 身份证 field stays empty
    /// for the next scan)
    f: FormData,
}

impl DoorPage {
    fn stage_label(&self) -> &'static str {
        match self.stage.as_str() {
            "arrived" => "到达",
            "boarded" => "上车",
            _ => "签到",
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoorQuery {
    pub stage: Option<String>,
}

async fn door_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i64,
    stage: Option<String>,
) -> PageResult<DoorPage> {
    let e = svc::for_runner(state, user, id).await?;
    let stage = match stage.as_deref() {
        Some("arrived") if e.is_trip() => "arrived",
        _ if e.is_trip() => "boarded",
        _ => "attended",
    }
    .to_owned();
    let employers = if stage == "arrived" {
        svc::arrival_employers(state, user, id)
            .await?
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DoorPage {
        layout: Layout::new(&format!("签到：{}", e.title), session, Some(user)).await,
        e,
        stage,
        employers,
        ok: None,
        bad: None,
        f: FormData::default(),
    })
}

/// The check-in page for the door (or the coach): one big field.
pub async fn door(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<DoorQuery>,
) -> PageResult<Response> {
    Ok(render(
        &door_page(&state, &session, &user, id, q.stage).await?,
    ))
}

/// One check-in from the door: the page again with a big answer.
pub async fn door_check_in(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let input = CheckInInput {
        worker_id: form.int("worker_id", &mut errors),
        id_number: form.opt("id_number"),
        stage: form.opt("stage").filter(|s| s != "attended"),
        employer_id: form.int("employer_id", &mut errors),
        start_date: form.opt("start_date"),
        wage: form.wage("wage", &mut errors),
        vacancy_id: form.int("vacancy_id", &mut errors),
    };
    let result = if errors.is_empty() {
        svc::check_in(&state, &user, id, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    let stage = form.opt("stage");
    let (status, ok, bad, kept) = match result {
        Ok(r) => (StatusCode::OK, Some(r), None, FormData::default()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            (e.status(), None, Some(e.field_errors().summary()), form)
        }
        Err(e) => return Err(e.into()),
    };
    let mut page = door_page(&state, &session, &user, id, stage).await?;
    for c in &mut page.employers {
        c.selected = c.value == kept.get("employer_id");
    }
    page.ok = ok;
    page.bad = bad;
    page.f = kept;
    Ok((status, render(&page)).into_response())
}

#[derive(askama::Template)]
#[template(path = "event_manifest.html")]
struct ManifestPage {
    layout: Layout,
    e: EventRow,
    people: Vec<Person>,
}

/// The printable manifest (乘车名单) or attendance list.
pub async fn manifest(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (e, people, _) = svc::roster(&state, &user, id).await?;
    Ok(render(&ManifestPage {
        layout: Layout::new(&format!("名单：{}", e.title), &session, Some(&user)).await,
        e,
        people,
    }))
}

/// The manifest as a workbook.
pub async fn manifest_xlsx(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let bytes = svc::manifest_xlsx(&state, &user, id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"manifest-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "event_booth.html")]
struct BoothTemplate {
    layout: Layout,
    b: BoothPage,
}

/// The enterprise's page of a fair: take a booth with its vacancies, see who applied.
pub async fn booth(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let b = svc::booth_page(&state, &user, id).await?;
    Ok(render(&BoothTemplate {
        layout: Layout::new(&format!("展位：{}", b.event.title), &session, Some(&user)).await,
        b,
    }))
}

/// Takes the booth (or adds vacancies to it).
pub async fn take_booth(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let vacancy_ids = form
        .iter()
        .filter(|(k, _)| k == "vacancy_id")
        .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
        .collect();
    let input = BoothInput {
        vacancy_ids,
        employer_id: None,
    };
    let r = svc::take_booth(&state, &user, id, &input)
        .await
        .map(|_| "已报名参展，岗位会显示在招聘会页面上。".to_owned());
    if let Err(AppError::Validation(_) | AppError::Conflict { .. }) = &r {
        // the boxes ticked stay ticked
        super::kept::keep(&session, "booth", id, form.iter().map(|(k, v)| (k, v))).await;
    }
    outcome(&session, r, &format!("/events/{id}/booth")).await
}
