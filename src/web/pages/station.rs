//! The station officer's pages: the caseload, registering a worker on someone's behalf, and
//! one worker's full record (every view audited).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::account::{WorkerForm, worker_input};
use super::public::Choice;
use super::{FormData, Layout, PageResult, PageUser, flash, render};
use crate::auth::Role;
use crate::domain::region::{FUGONG, MEITAN, region_label, regions};
use crate::domain::today;
use crate::domain::values::{START_DAYS_AHEAD, START_DAYS_BACK, fmt_date};
use crate::error::{AppError, FieldErrors};
use crate::service::workers::{self as svc, Access, WorkerListQuery, WorkerRow};
use crate::state::AppState;
use crate::web::extract::ApiQuery;

/// One row of the caseload table.
pub struct CaseRow {
    pub id: i64,
    pub name: String,
    pub age: String,
    pub sex: &'static str,
    pub hometown: String,
    pub phone: String,
    pub skills: String,
    pub status: String,
    pub household: String,
}

impl CaseRow {
    /// A row as much as `access` allows: the household situation only in full.
    fn of(w: &WorkerRow, access: Access) -> Self {
        Self {
            id: w.id,
            name: w.name.clone(),
            age: w.age_on(today()).map(|a| a.to_string()).unwrap_or_default(),
            sex: if w.sex == "male" { "男" } else { "女" },
            hometown: region_label(&w.hometown_code),
            phone: w.phone.clone(),
            skills: w.skills.clone(),
            status: w.status_label().to_owned(),
            household: if access == Access::Full {
                w.household.labels().join("、")
            } else {
                "（在本区就业，由输出地工作站管理）".to_owned()
            },
        }
    }
}

#[derive(askama::Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    layout: Layout,
    rows: Vec<CaseRow>,
    pager: super::pager::Pager,
    q: String,
    townships: Vec<Choice>,
    status: String,
    flags: Vec<(String, String, bool)>,
    deletions: Vec<(i64, String, String)>,
    /// upcoming fairs and trips of the station's county
    events: Vec<crate::service::events::EventRow>,
}

pub async fn caseload(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    ApiQuery(query): ApiQuery<WorkerListQuery>,
) -> PageResult<Response> {
    let per_page = 50;
    let mut list = svc::caseload(&state, &user, &query, per_page).await?;
    if let Some(last) = super::pager::last_page(list.page, list.total, per_page) {
        let query = WorkerListQuery {
            page: Some(last.to_string()),
            ..query.clone()
        };
        list = svc::caseload(&state, &user, &query, per_page).await?;
    }
    // the pager's links carry the filters, but never a phone or 身份证 number
    let q_text = query.q.clone().unwrap_or_default();
    let exact = crate::domain::MobilePhone::parse(&q_text).is_ok()
        || crate::domain::IdCardNumber::parse(&q_text, today()).is_ok();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let keep = [
        ("q", if exact { String::new() } else { q_text.clone() }),
        ("township", opt(&query.township)),
        ("status", opt(&query.status)),
        ("poverty_alleviated", opt(&query.poverty_alleviated)),
        ("monitored", opt(&query.monitored)),
        ("relocated", opt(&query.relocated)),
        ("zero_employment", opt(&query.zero_employment)),
    ];
    let keep: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = super::pager::Pager::new("/station", &keep, list.page, list.total, per_page);
    let selected = query.township.clone().unwrap_or_default();
    let townships = [MEITAN, FUGONG]
        .iter()
        .flat_map(|c| regions().townships_of(c))
        .map(|t| Choice {
            value: t.code.clone(),
            label: format!("{} {}", t.county, t.name),
            selected: t.code == selected,
        })
        .collect();
    let flags = [
        ("poverty_alleviated", "脱贫户", &query.poverty_alleviated),
        ("monitored", "监测对象", &query.monitored),
        ("relocated", "易地搬迁", &query.relocated),
        ("zero_employment", "零就业", &query.zero_employment),
    ]
    .iter()
    .map(|(k, l, v)| {
        (
            (*k).to_owned(),
            (*l).to_owned(),
            v.as_deref().is_some_and(|v| !v.is_empty()),
        )
    })
    .collect();
    let events = crate::service::events::for_station_home(&state, &user).await?;
    Ok(render(&CaseloadPage {
        events,
        layout: Layout::new("务工人员名册", &session, Some(&user)).await,
        rows: list.rows.iter().map(|(w, a)| CaseRow::of(w, *a)).collect(),
        pager,
        q: query.q.clone().unwrap_or_default(),
        townships,
        status: query.status.clone().unwrap_or_default(),
        flags,
        deletions: crate::service::rights::deletion_requests(&state, &user).await?,
    }))
}

#[derive(askama::Template)]
#[template(path = "station_new_worker.html")]
struct NewWorkerPage {
    layout: Layout,
    form: WorkerForm,
    errors: FieldErrors,
    paper_consent: bool,
}

/// The session's last worker registered on paper: (身份证 number as typed, worker id), so that
/// the same form sent twice lands on that worker's page instead of a 409.
const REGISTERED_WORKER: &str = "registered_worker";

pub async fn new_page(session: Session, PageUser(user): PageUser) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    Ok(render(&NewWorkerPage {
        layout: Layout::new("代为登记务工人员", &session, Some(&user)).await,
        form: WorkerForm::blank(),
        errors: FieldErrors::new(),
        paper_consent: false,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    if super::account::is_hometown_step(&form) {
        return Ok(render(&NewWorkerPage {
            layout: Layout::new("代为登记务工人员", &session, Some(&user)).await,
            form: WorkerForm::from_form(&form),
            errors: FieldErrors::new(),
            paper_consent: form.flag("paper_consent"),
        }));
    }
    let mut errors = FieldErrors::new();
    let mut input = worker_input(&form, &mut errors);
    input.consent = true;
    if !form.flag("paper_consent") {
        errors.add("paper_consent", "请确认已收取本人签字的个人信息处理同意书");
    }
    let result = if errors.is_empty() {
        svc::register(&state, Some(&user), &input).await
    } else {
        Err(AppError::Validation(errors.clone()))
    };
    match result {
        Ok(id) => {
            session
                .insert(REGISTERED_WORKER, (form.get("id_number").trim(), id))
                .await
                .ok();
            flash(&session, "登记成功。").await;
            Ok(Redirect::to(&format!("/station/workers/{id}")).into_response())
        }
        Err(AppError::Conflict { field, .. })
            if field == "id_number"
                && session
                    .get::<(String, i64)>(REGISTERED_WORKER)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|(n, _)| n == form.get("id_number").trim()) =>
        {
            let id = session
                .get::<(String, i64)>(REGISTERED_WORKER)
                .await
                .ok()
                .flatten()
                .map_or(0, |(_, id)| id);
            flash(&session, "这张表已经提交过：该务工人员已登记。").await;
            Ok(Redirect::to(&format!("/station/workers/{id}")).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut all = e.field_errors();
            if let Err(more) = input.parse(today()) {
                for (k, v) in more.0 {
                    all.0.entry(k).or_insert(v);
                }
            }
            for (k, v) in errors.0 {
                all.0.entry(k).or_insert(v);
            }
            let page = NewWorkerPage {
                layout: Layout::new("代为登记务工人员", &session, Some(&user)).await,
                form: WorkerForm::from_form(&form),
                errors: all,
                paper_consent: form.flag("paper_consent"),
            };
            Ok((e.status(), render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "worker.html")]
pub struct WorkerPage {
    pub layout: Layout,
    pub w: svc::WorkerView,
    pub household: String,
    pub status: String,
    pub is_self: bool,
    /// the station may change the record (its own worker); a receiving station only follows
    pub manage: bool,
    pub applications: Vec<crate::service::applications::ApplicationRow>,
    pub placements: Vec<crate::service::followups::PlacementRow>,
    pub weekly_matches: bool,
    /// the worker receives text messages besides the reset code
    pub sms_on: bool,
    pub certificates: Vec<crate::service::courses::CertificateRow>,
    pub enrollments: Vec<(crate::service::courses::EnrollmentRow, String)>,
    pub programmes: Vec<super::public::Choice>,
    pub levels: Vec<&'static str>,
    /// the occupation picker of the correction form
    pub occupation_choices: Vec<(String, Vec<Choice>)>,
    /// the worker's current job with the next follow-up's day (on `/me`)
    pub current_job: Option<crate::service::found::CurrentJob>,
    /// the worker's own found-job reports (on `/me`)
    pub found_reports: Vec<crate::service::found::FoundReportView>,
    pub has_pending_report: bool,
    /// the found-job form: the workplace picker, today, the start-date window
    pub workplaces: Vec<Choice>,
    pub today: String,
    pub start_min: String,
    pub start_max: String,
    /// the worker's own open deletion request: when they asked (on /me only)
    pub deletion_asked: Option<String>,
    /// the found-job form as typed, when it was refused (empty otherwise)
    pub found_form: super::FormData,
    /// the worker's correction form as typed, when it was refused (on /me)
    pub correct_form: super::FormData,
    /// the station's certificate form as typed, when it was refused
    pub cert_form: super::FormData,
}

/// Where the worker's refused correction form waits for `/me`.
pub const CORRECT_FORM: &str = "correct_form";

/// Where a station's refused certificate form waits for the worker's page.
pub fn cert_form_of(worker_id: i64) -> String {
    format!("cert_form:{worker_id}")
}

impl WorkerPage {
    /// The page of a worker's record: in full for the worker, their station and the admin;
    /// without 身份证 number and household for a station that only follows a placement.
    pub fn of(layout: Layout, r: svc::WorkerRecord, is_self: bool) -> Self {
        let today = today();
        let full = r.access == Access::Full;
        let mut w = r.row.full_view(today);
        let labels: Vec<String> = r.certificates.iter().map(|c| c.label()).collect();
        w.occupations = r.row.occupations(&labels);
        if !full {
            // a station that only follows a placement: no 身份证 digits, no birth date (the
            // masked number plus the date would give the number back), no household
            w.id_number = "（仅输出地工作站可见）".to_owned();
            w.birth_date = String::new();
            w.household = Default::default();
        }
        Self {
            layout,
            household: if full {
                r.row.household.labels().join("、")
            } else {
                "（仅输出地工作站可见）".to_owned()
            },
            status: r.row.status_label().to_owned(),
            w,
            is_self,
            manage: full,
            applications: r.applications,
            placements: r.placements,
            weekly_matches: r.weekly_matches,
            sms_on: true,
            deletion_asked: None,
            certificates: r.certificates,
            enrollments: r.enrollments,
            programmes: super::public::programme_choices(""),
            levels: crate::service::courses::LEVELS.to_vec(),
            occupation_choices: occupation_groups(r.row.occupation_code.as_deref().unwrap_or("")),
            current_job: None,
            found_reports: Vec::new(),
            has_pending_report: false,
            workplaces: super::found::workplace_choices(),
            today: fmt_date(today),
            start_min: fmt_date(today - time::Duration::days(START_DAYS_BACK)),
            start_max: fmt_date(today + time::Duration::days(START_DAYS_AHEAD)),
            found_form: super::FormData::default(),
            correct_form: super::FormData::default(),
            cert_form: super::FormData::default(),
        }
    }
}

pub async fn worker(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    user.require(&[Role::Station, Role::Admin])?;
    let record = svc::record(&state, &user, id).await?;
    let layout = Layout::new(&record.row.name, &session, Some(&user)).await;
    let mut page = WorkerPage::of(layout, record, false);
    page.found_form = super::take_form(&session, &super::found::found_form_of(id)).await;
    page.cert_form = super::take_form(&session, &cert_form_of(id)).await;
    Ok(render(&page))
}

/// A station confirms a worker's deletion request: the record is anonymised.
pub async fn anonymise(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    match crate::service::rights::anonymise(&state, &user, id).await {
        Ok(()) => {
            flash(
                &session,
                "已按本人申请注销，个人信息已删除（统计数据保留）。",
            )
            .await
        }
        Err(e @ AppError::Conflict { .. }) => flash(&session, &e.to_string()).await,
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/station").into_response())
}

/// The caseload searched through the page's POST form, so that a phone or 身份证 number typed
/// into the search box never appears in a URL (`GET /station?q=` still answers, for links).
pub async fn search(
    state: State<AppState>,
    session: Session,
    user: PageUser,
    Form(query): Form<WorkerListQuery>,
) -> PageResult<Response> {
    caseload(state, session, user, ApiQuery(query)).await
}

/// Corrects the occupation matching inferred for a worker (the worker on `/me`, their
/// station on the worker's page); an empty choice goes back to inferring.
pub async fn set_occupation(
    State(state): State<AppState>,
    session: Session,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult<Response> {
    match svc::set_occupation(&state, &user, id, form.get("occupation_code")).await {
        Ok(()) => flash(&session, "工种已更正，推荐岗位随之更新。").await,
        Err(AppError::Validation(e)) => {
            let message = e.first("occupation_code").unwrap_or("工种无效").to_owned();
            flash(&session, &message).await
        }
        Err(e) => return Err(e.into()),
    }
    let back = if user.is(Role::Worker) {
        "/me".to_owned()
    } else {
        format!("/station/workers/{id}")
    };
    Ok(Redirect::to(&back).into_response())
}

/// Occupation choices grouped by family, for a `<select>` that works without JavaScript.
pub fn occupation_groups(selected: &str) -> Vec<(String, Vec<Choice>)> {
    let t = crate::domain::occupation::taxonomy();
    t.families()
        .iter()
        .map(|family| {
            let options = t
                .all()
                .iter()
                .filter(|o| &o.family == family)
                .map(|o| Choice {
                    value: o.code.clone(),
                    label: o.label(),
                    selected: o.code == selected,
                })
                .collect();
            (family.clone(), options)
        })
        .collect()
}
