//! Training pages: open courses for workers and stations, the trainer's courses, roster,
//! attendance and bulk completion, certificates, figures, programme occupations.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::public::{Choice, programme_choices};
use super::{FormData, Layout, PageResult, PageUser, flash, outcome, render};
use crate::auth::{MaybeUser, Role};
use crate::domain::today;
use crate::domain::values::fmt_date;
use crate::error::{AppError, FieldErrors};
use crate::service::courses::{self, CourseQuery, CourseRow, EnrollmentRow, LEVELS, ProgrammeRow};
use crate::service::training::{self as svc, CertificateInput, CompletionInput, CourseInput};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

#[derive(askama::Template)]
#[template(path = "courses.html")]
struct CoursesPage {
    layout: Layout,
    from: String,
    courses: Vec<CourseRow>,
    programmes: Vec<Choice>,
    occupation: String,
    can_sign_up: bool,
    pager: super::pager::Pager,
    attendance_percent: i64,
}

pub async fn courses(
    State(state): State<AppState>,
    session: Session,
    MaybeUser(user): MaybeUser,
    ApiQuery(q): ApiQuery<CourseQuery>,
    axum::extract::Query(pq): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult<Response> {
    let list = courses::open_courses(&state, &q, false).await?;
    let keep = [
        ("programme", q.programme.clone().unwrap_or_default()),
        ("occupation", q.occupation.clone().unwrap_or_default()),
        ("from", q.from.clone().unwrap_or_default()),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (list, pager) =
        super::pager::paged(list, "/courses", &keep, super::pager::page_param(&pq), 20);
    let programme = q
        .programme
        .as_deref()
        .and_then(|p| crate::domain::Programme::parse(p).ok())
        .map(|p| p.code());
    let occupation = q.occupation.clone().unwrap_or_default();
    let from = q.from.clone().unwrap_or_default();
    Ok(render(&CoursesPage {
        from,
        layout: Layout::new("技能培训", &session, user.as_ref()).await,
        courses: list,
        pager,
        programmes: programme_choices(programme.unwrap_or("")),
        occupation,
        can_sign_up: user.as_ref().is_some_and(|u| u.is(Role::Worker)),
        attendance_percent: crate::domain::course::ATTENDANCE_PERCENT,
    }))
}

/// A worker signs up (pending the trainer's confirmation); a station enrols one of its workers.
pub async fn sign_up(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let worker_id = if user.is(Role::Worker) {
        user.worker_id
    } else {
        form.int("worker_id", &mut errors)
    };
    let r = svc::enroll(&state, &user, id, worker_id).await.map(|_| {
        if user.is(Role::Worker) {
            "已报名，等待培训机构确认。".to_owned()
        } else {
            "已报名。".to_owned()
        }
    });
    let back = if user.is(Role::Worker) {
        "/me".to_owned()
    } else {
        "/courses".to_owned()
    };
    outcome(&session, r, &back).await
}

#[derive(askama::Template)]
#[template(path = "trainer.html")]
struct TrainerPage {
    layout: Layout,
    courses: Vec<CourseRow>,
    programmes: Vec<Choice>,
    levels: Vec<&'static str>,
    f: FormData,
    errors: FieldErrors,
}

async fn trainer_page(
    state: &AppState,
    session: &Session,
    user: &crate::auth::CurrentUser,
    f: FormData,
    errors: FieldErrors,
) -> PageResult<Response> {
    let courses = courses::my_courses(state, user).await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TrainerPage {
        layout: Layout::new("培训班管理", session, Some(user)).await,
        courses,
        programmes: programme_choices(f.get("programme")),
        levels: LEVELS.to_vec(),
        f,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn trainer_home(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    user.require(&[Role::Trainer])?;
    trainer_page(
        &state,
        &session,
        &user,
        FormData::default(),
        FieldErrors::new(),
    )
    .await
}

pub async fn create_course(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Trainer])?;
    let mut errors = FieldErrors::new();
    let input = CourseInput {
        programme: form.get("programme").to_owned(),
        title: form.get("title").to_owned(),
        occupation: form.get("occupation").to_owned(),
        level: form.opt("level"),
        start_date: form.get("start_date").to_owned(),
        end_date: form.get("end_date").to_owned(),
        place: form.opt("place"),
        capacity: form.int("capacity", &mut errors),
        subsidised: Some(form.flag("subsidised")),
        provider_id: None,
    };
    let result = if errors.is_empty() {
        svc::create_course(&state, &user, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(id) => {
            flash(&session, "培训班已创建。").await;
            Ok(Redirect::to(&format!("/trainer/courses/{id}")).into_response())
        }
        Err(AppError::Validation(e)) => trainer_page(&state, &session, &user, form, e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "roster.html")]
struct RosterPage {
    layout: Layout,
    c: CourseRow,
    roster: Vec<EnrollmentRow>,
    levels: Vec<&'static str>,
    today: String,
    ended: bool,
    sessions: i64,
    sessions_needed: i64,
    attendance_percent: i64,
}

pub async fn roster(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let (c, roster) = courses::roster(&state, &user, id).await?;
    let sessions = svc::session_days(&state, &user, id).await?;
    let today = fmt_date(today());
    Ok(render(&RosterPage {
        sessions,
        sessions_needed: crate::domain::course::sessions_needed(sessions),
        attendance_percent: crate::domain::course::ATTENDANCE_PERCENT,
        layout: Layout::new(&c.title, &session, Some(&user)).await,
        ended: today >= c.end_date,
        c,
        roster,
        levels: LEVELS.to_vec(),
        today,
    }))
}

/// One action on one enrolment: confirm, drop.
pub async fn enrollment_action(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let en = courses::enrollment(&state, &user, id).await?;
    let back = format!("/trainer/courses/{}", en.course_id);
    let r = match action.as_str() {
        "confirm" => svc::confirm(&state, &user, id)
            .await
            .map(|_| "已确认报名。".to_owned()),
        "drop" => svc::drop_out(&state, &user, id, form.get("reason"))
            .await
            .map(|_| "已登记退学。".to_owned()),
        _ => return Err(AppError::NotFound.into()),
    };
    outcome(&session, r, &back).await
}

/// Attendance of a whole session: ticked boxes are present, the rest absent.
pub async fn attendance(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (_, roster) = courses::roster(&state, &user, id).await?;
    let date = form
        .iter()
        .find(|(k, _)| k == "session_date")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let present: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "present")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut result = Ok(0);
    for en in roster.iter().filter(|e| e.status == "enrolled") {
        if let Err(e) = svc::attendance(&state, &user, en.id, &date, present.contains(&en.id)).await
        {
            result = Err(e);
            break;
        }
        result = result.map(|n| n + 1);
    }
    outcome(
        &session,
        result.map(|n| format!("已登记 {date} 考勤（{n}人）。")),
        &format!("/trainer/courses/{id}"),
    )
    .await
}

/// Completes the whole roster at once: a certificate number per row (blank: completed without).
pub async fn complete_all(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (_, roster) = courses::roster(&state, &user, id).await?;
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let issued_on = get("issued_on");
    let mut n = 0;
    let mut failures = Vec::new();
    for en in roster.iter().filter(|e| e.status == "enrolled") {
        if get(&format!("complete_{}", en.id)).is_none() {
            continue;
        }
        let input = CompletionInput {
            certificate_no: get(&format!("cert_{}", en.id)),
            level: get(&format!("level_{}", en.id)),
            occupation: None,
            issued_on: issued_on.clone(),
            issuer: None,
        };
        match svc::complete(&state, &user, en.id, &input).await {
            Ok(_) => n += 1,
            Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
                let msg = e.field_errors().summary();
                failures.push(format!("{}：{msg}", en.worker_name));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let msg = if failures.is_empty() {
        format!("已登记结业 {n} 人。")
    } else {
        format!("已登记结业 {n} 人；未完成：{}", failures.join("；"))
    };
    flash(&session, &msg).await;
    Ok(Redirect::to(&format!("/trainer/courses/{id}")).into_response())
}

/// A station enters a certificate earned elsewhere.
pub async fn add_certificate(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(worker_id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let input = CertificateInput {
        programme: form.opt("programme"),
        occupation: form.get("occupation").to_owned(),
        level: form.get("level").to_owned(),
        certificate_no: form.get("certificate_no").to_owned(),
        issued_on: form.opt("issued_on"),
        issuer: form.get("issuer").to_owned(),
    };
    let r = svc::add_certificate(&state, &user, worker_id, &input)
        .await
        .map(|_| "证书已登记，匹配时会计入。".to_owned());
    if r.is_err() {
        // refused: the form comes back as typed on the worker's page
        super::keep_form(&session, &super::station::cert_form_of(worker_id), &form).await;
    }
    outcome(&session, r, &format!("/station/workers/{worker_id}")).await
}

#[derive(askama::Template)]
#[template(path = "training_figures.html")]
struct FiguresPage {
    layout: Layout,
    groups: Vec<(&'static str, Vec<crate::service::training::TrainingFigures>)>,
    programmes: Vec<ProgrammeRow>,
    is_admin: bool,
}

pub async fn figures(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
) -> PageResult<Response> {
    let r = svc::figures(&state, &user).await?;
    Ok(render(&FiguresPage {
        layout: Layout::new("培训成效", &session, Some(&user)).await,
        groups: vec![
            ("按培训工程", r.by_programme),
            ("按培训机构", r.by_provider),
        ],
        programmes: courses::programmes(&state).await?,
        is_admin: user.is(Role::Admin),
    }))
}

/// The admin edits a programme's occupations.
pub async fn edit_programme(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(code): Path<String>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    let items = crate::domain::text::split_list(form.get("occupations"));
    let r = courses::edit_programme(&state, &user, &code, &items)
        .await
        .map(|_| "已保存工种。".to_owned());
    outcome(&session, r, "/training").await
}
