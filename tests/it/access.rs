//! The role matrix (issue #6): every route of the platform, pages and API, against every kind
//! of visitor, with what each must get — and a scan of everything an enterprise or a training
//! provider receives for a worker's full 身份证 number or mobile number they have no right to.
//!
//! The table is in [`ROWS`]. Each row names a route as the router spells it, the concrete
//! path the walk requests (placeholders are filled from [`Fixture`]), the body it sends, and
//! one column per visitor in the order of [`ROLES`]: `x` may use the route, `.` may not —
//! an anonymous visitor is then sent to log in (401 from the API, a redirect to `/login` from
//! a page) and a logged-in one gets 403 — and `h` is sent to their own home page instead. "May use" means the access check lets the request
//! through: the answer is neither 401/403 nor a redirect to the login page nor a 5xx (a
//! request that changes state can meet a 409 when another role already made the change).
//! Within a row the denied visitors go first, so a state change never hides a wrong answer.

use std::collections::{BTreeSet, HashMap};

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::helpers::{
    PASSWORD, TestApp, browser, employer_body, id_number, pii_in, spawn_app, vacancy_body,
};

/// The visitors, in column order.
pub(crate) const ROLES: [&str; 9] = [
    "anonymous",
    "worker-self",
    "worker-other",
    "employer-own",
    "employer-other",
    "station-own",
    "station-other",
    "trainer",
    "admin",
];
/// Where each visitor lands after logging in (`h` in the table: sent there instead).
const HOMES: [&str; 9] = [
    "/login",
    "/me",
    "/me",
    "/employer",
    "/employer",
    "/station",
    "/station",
    "/trainer",
    "/admin",
];
const EMPLOYER_OWN: usize = 3;
const EMPLOYER_OTHER: usize = 4;
const TRAINER: usize = 7;

#[derive(Clone, Copy)]
pub(crate) enum Body {
    None,
    Json(&'static str),
    Form(&'static str),
    /// A (header-only) ledger file, as the import page uploads it.
    Upload,
}

pub(crate) struct Row {
    pub(crate) method: &'static str,
    pub(crate) route: &'static str,
    pub(crate) path: &'static str,
    pub(crate) body: Body,
    pub(crate) allow: &'static str,
}

const fn r(
    method: &'static str,
    route: &'static str,
    path: &'static str,
    body: Body,
    allow: &'static str,
) -> Row {
    Row {
        method,
        route,
        path,
        body,
        allow,
    }
}

use Body::{Form, Json, None as NoBody, Upload};

/// Reads go first, then changes in an order where each finds what it needs; the rows that
/// end a record (leave, close, anonymise) and those that change who is logged in come last.
#[rustfmt::skip]
pub(crate) const ROWS: &[Row] = &[
    // a = anonymous, w/W = worker self/other, e/E = enterprise own/other, s/S = station own/other, t = trainer, A = admin
    //                                                                                                        "awWeEsStA"
    r("GET", "/healthz", "/healthz", NoBody,                                                                  "xxxxxxxxx"),
    r("GET", "/static/app.css", "/static/app.css", NoBody,                                                    "xxxxxxxxx"),
    r("GET", "/static/{file}", "/static/hometown.js", NoBody,                                                 "xxxxxxxxx"),
    r("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", NoBody,                                          "xxxxxxxxx"),
    r("GET", "/api/v1/check/id-card/{number}", "/api/v1/check/id-card/{idnum}", NoBody,                       "xxxxxxxxx"),
    r("POST", "/api/v1/check/id-card", "/api/v1/check/id-card", Json(r#"{"number":"{idnum}"}"#),            "xxxxxxxxx"),
    r("GET", "/api/v1/check/uscc/{code}", "/api/v1/check/uscc/{uscc}", NoBody,                                "xxxxxxxxx"),
    r("GET", "/api/v1/workers", "/api/v1/workers", NoBody,                                                    ".....xx.x"),
    r("GET", "/api/v1/workers/{id}", "/api/v1/workers/{worker}", NoBody,                                      ".x.x.x.xx"),
    r("GET", "/api/v1/workers/{id}/matches", "/api/v1/workers/{worker}/matches", NoBody,                      ".x...x..x"),
    r("GET", "/api/v1/workers/{id}/certificates", "/api/v1/workers/{worker}/certificates", NoBody,            ".x...x..x"),
    r("GET", "/api/v1/tokens", "/api/v1/tokens", NoBody,                                                      ".xxxxxxxx"),
    r("GET", "/api/v1/me/data", "/api/v1/me/data", NoBody,                                                    ".xx......"),
    r("GET", "/api/v1/deletion-requests", "/api/v1/deletion-requests", NoBody,                                ".....xx.x"),
    r("GET", "/api/v1/employers/{id}", "/api/v1/employers/{employer}", NoBody,                                "...x....x"),
    r("GET", "/api/v1/vacancies", "/api/v1/vacancies", NoBody,                                                "xxxxxxxxx"),
    r("GET", "/api/v1/vacancies/{id}", "/api/v1/vacancies/{vacancy}", NoBody,                                 "xxxxxxxxx"),
    r("GET", "/api/v1/vacancies/{id}/matches", "/api/v1/vacancies/{vacancy}/matches", NoBody,                 "...x.xx.x"),
    r("GET", "/api/v1/vacancies/{id}/applications", "/api/v1/vacancies/{vacancy}/applications", NoBody,       "...x.xx.x"),
    r("GET", "/api/v1/applications/{id}", "/api/v1/applications/{application}", NoBody,                       ".x.x.x..x"),
    r("GET", "/api/v1/placements/{id}", "/api/v1/placements/{placement}", NoBody,                             ".x.x.x..x"),
    r("GET", "/api/v1/followups", "/api/v1/followups", NoBody,                                                ".....xx.x"),
    r("GET", "/api/v1/cases", "/api/v1/cases", NoBody,                                                        ".....xx.x"),
    r("GET", "/api/v1/me/found-reports", "/api/v1/me/found-reports", NoBody,                                  ".xx......"),
    r("GET", "/api/v1/found-reports", "/api/v1/found-reports", NoBody,                                        ".....xx.x"),
    r("GET", "/api/v1/retention", "/api/v1/retention", NoBody,                                                ".....xx.x"),
    // station 1's login is its head; station 2's is not
    r("GET", "/api/v1/escalations", "/api/v1/escalations?level=head", NoBody,                                 ".....x..x"),
    r("GET", "/api/v1/programmes", "/api/v1/programmes", NoBody,                                              "xxxxxxxxx"),
    r("GET", "/api/v1/occupations", "/api/v1/occupations", NoBody,                                            "xxxxxxxxx"),
    r("GET", "/api/v1/courses", "/api/v1/courses", NoBody,                                                    "xxxxxxxxx"),
    r("GET", "/api/v1/courses/{id}", "/api/v1/courses/{course}", NoBody,                                      "xxxxxxxxx"),
    r("GET", "/api/v1/courses/{id}/enrollments", "/api/v1/courses/{course}/enrollments", NoBody,              ".......xx"),
    r("GET", "/api/v1/training/figures", "/api/v1/training/figures", NoBody,                                  ".....xxxx"),
    r("GET", "/api/v1/reports/monthly", "/api/v1/reports/monthly", NoBody,                                    ".....xx.x"),
    r("GET", "/api/v1/imports/{id}", "/api/v1/imports/{job}", NoBody,                                         ".....x..x"),
    r("GET", "/", "/", NoBody,                                                                                "xxxxxxxxx"),
    r("GET", "/vacancies", "/vacancies", NoBody,                                                              "xxxxxxxxx"),
    r("GET", "/vacancies/{id}", "/vacancies/{vacancy}", NoBody,                                               "xxxxxxxxx"),
    r("GET", "/login", "/login", NoBody,                                                                      "xxxxxxxxx"),
    r("GET", "/reset", "/reset", NoBody,                                                                      "xxxxxxxxx"),
    r("POST", "/reset/code", "/reset/code", Form("phone=13800009999"),                                       "xxxxxxxxx"),
    r("POST", "/reset", "/reset", Form("phone=13800009999&code=000000&password=Doumen-2027x"),               "xxxxxxxxx"),
    r("GET", "/reset/mail", "/reset/mail", NoBody,                                                            "xxxxxxxxx"),
    r("POST", "/reset/mail", "/reset/mail", Form("email=nobody@test.local"),                                 "xxxxxxxxx"),
    r("GET", "/reset/mail/{token}", "/reset/mail/not-a-token", NoBody,                                       "xxxxxxxxx"),
    r("POST", "/reset/mail/{token}", "/reset/mail/not-a-token", Form("password=Doumen-2027x"),               "xxxxxxxxx"),
    r("GET", "/register", "/register", NoBody,                                                                "xxxxxxxxx"),
    r("GET", "/employers/register", "/employers/register", NoBody,                                            "xxxxxxxxx"),
    r("GET", "/me", "/me", NoBody,                                                                            ".xxhhhhhh"),
    r("GET", "/me/data.json", "/me/data.json", NoBody,                                                        ".xx......"),
    r("GET", "/matches", "/matches", NoBody,                                                                  ".xx......"),
    r("GET", "/vacancies/{id}/candidates", "/vacancies/{vacancy}/candidates", NoBody,                         "...x.xx.x"),
    r("GET", "/station/workers/{id}/matches", "/station/workers/{worker}/matches", NoBody,                    ".....x..x"),
    r("GET", "/employer/vacancies/{id}/applications", "/employer/vacancies/{vacancy}/applications", NoBody,    "...x....x"),
    r("GET", "/station/followups", "/station/followups", NoBody,                                              ".....xx.x"),
    r("GET", "/station/followups/{id}", "/station/followups/{followup}", NoBody,                              ".....x..x"),
    r("GET", "/station/cases", "/station/cases", NoBody,                                                      ".....xx.x"),
    r("GET", "/station/found-reports", "/station/found-reports", NoBody,                                      ".....xx.x"),
    r("GET", "/station/retention", "/station/retention", NoBody,                                              ".....xx.x"),
    r("GET", "/station/head", "/station/head", NoBody,                                                        ".....x..x"),
    r("GET", "/admin/escalations", "/admin/escalations", NoBody,                                              "........x"),
    r("GET", "/placements/{id}", "/placements/{placement}", NoBody,                                           ".x.x.x..x"),
    r("GET", "/reports/monthly", "/reports/monthly", NoBody,                                                  ".....xx.x"),
    r("GET", "/reports/monthly.xlsx", "/reports/monthly.xlsx", NoBody,                                        ".....xx.x"),
    r("GET", "/api/v1/targets/{year}", "/api/v1/targets/2026", NoBody,                                        ".....xx.x"),
    r("GET", "/api/v1/reports/assessment", "/api/v1/reports/assessment?county=520328", NoBody,                ".....xx.x"),
    r("GET", "/api/v1/reports/assessment/people", "/api/v1/reports/assessment/people?county=520328&indicator=placed", NoBody, ".....xx.x"),
    r("GET", "/reports/assessment", "/reports/assessment?county=520328", NoBody,                              ".....xx.x"),
    r("GET", "/reports/assessment/people", "/reports/assessment/people?county=520328&indicator=placed", NoBody, ".....xx.x"),
    r("GET", "/reports/assessment.xlsx", "/reports/assessment.xlsx?county=520328", NoBody,                    ".....xx.x"),
    r("GET", "/admin/targets", "/admin/targets", NoBody,                                                      "........x"),
    r("GET", "/dashboard", "/dashboard", NoBody,                                                              ".....xx.x"),
    r("GET", "/exports/{file}", "/exports/workers.csv", NoBody,                                               ".....xx.x"),
    r("GET", "/station/import", "/station/import", NoBody,                                                    ".....xx.x"),
    r("GET", "/station/imports/{file}", "/station/imports/{import}", NoBody,                                  ".....x..x"),
    r("GET", "/station/imports/jobs/{id}", "/station/imports/jobs/{job}", NoBody,                             ".....x..x"),
    r("GET", "/trainer", "/trainer", NoBody,                                                                  ".......x."),
    r("GET", "/trainer/courses/{id}", "/trainer/courses/{course}", NoBody,                                    ".......xx"),
    r("GET", "/courses", "/courses", NoBody,                                                                  "xxxxxxxxx"),
    r("GET", "/training", "/training", NoBody,                                                                ".....xxxx"),
    r("GET", "/employer", "/employer", NoBody,                                                                "...xx...h"),
    r("GET", "/employer/vacancies/new", "/employer/vacancies/new", NoBody,                                    "...xx...."),
    r("GET", "/employer/vacancies/{id}/edit", "/employer/vacancies/{vacancy}/edit", NoBody,                   "...x....x"),
    r("GET", "/admin", "/admin", NoBody,                                                                      "........x"),
    r("GET", "/admin/audit", "/admin/audit", NoBody,                                                          "........x"),
    r("GET", "/station", "/station", NoBody,                                                                  ".....xx.x"),
    r("POST", "/station", "/station", Form("q=罗&status=seeking"),                                           ".....xx.x"),
    r("GET", "/station/workers/new", "/station/workers/new", NoBody,                                          ".....xx.x"),
    r("GET", "/station/workers/{id}", "/station/workers/{worker}", NoBody,                                    ".....x..x"),
    // events: job fairs and 点对点 trips (station 1 organises both; enterprise 1 has a booth)
    r("GET", "/api/v1/events", "/api/v1/events", NoBody,                                                      "xxxxxxxxx"),
    r("GET", "/api/v1/events/{id}", "/api/v1/events/{fair}", NoBody,                                          "xxxxxxxxx"),
    r("GET", "/api/v1/events/{id}/figures", "/api/v1/events/{fair}/figures", NoBody,                          "...x.xx.x"),
    r("GET", "/events", "/events", NoBody,                                                                    "xxxxxxxxx"),
    r("GET", "/events/{id}", "/events/{fair}", NoBody,                                                        "xxxxxxxxx"),
    r("GET", "/events/new", "/events/new", NoBody,                                                            ".....xx.x"),
    r("GET", "/events/{id}/manage", "/events/{fair}/manage", NoBody,                                          ".....x..x"),
    r("GET", "/events/{id}/door", "/events/{trip}/door", NoBody,                                              ".....x..x"),
    r("GET", "/events/{id}/manifest", "/events/{trip}/manifest", NoBody,                                      ".....x..x"),
    r("GET", "/events/{id}/manifest.xlsx", "/events/{trip}/manifest.xlsx", NoBody,                            ".....x..x"),
    r("GET", "/events/{id}/booth", "/events/{fair}/booth", NoBody,                                            "...xx...."),
    r("POST", "/api/v1/events", "/api/v1/events",
        Json(r#"{"kind":"job_fair","title":"招聘会{seq}","starts_at":"{in30}T09:00","place":"湄潭县","capacity":50}"#),
                                                                                                              ".....xx.x"),
    r("POST", "/events/new", "/events/new",
        Form("kind=job_fair&title=招聘会{seq}&starts_at={in30}T10:00&place=湄潭县&capacity=80"),                ".....xx.x"),
    r("POST", "/api/v1/events/{id}/booths", "/api/v1/events/{fair}/booths",
        Json(r#"{"vacancy_ids":[{vacancy3}],"employer_id":{employer}}"#),                                     "...xx...x"),
    r("POST", "/events/{id}/booth", "/events/{fair}/booth", Form("vacancy_id={vacancy3}"),                 "...xx...x"),
    r("POST", "/api/v1/events/{id}/signups", "/api/v1/events/{fair}/signups", Json(r#"{"worker_id":{worker}}"#), ".x...x..x"),
    r("POST", "/events/{id}/signup", "/events/{fair}/signup", Form("worker_id={worker}"),                   ".xx..x..x"),
    r("POST", "/events/{id}/apply/{vid}", "/events/{fair}/apply/{vacancy3}", Form(""),                     ".xx......"),
    r("POST", "/api/v1/events/{id}/checkins", "/api/v1/events/{fair}/checkins", Json(r#"{"worker_id":{worker}}"#), ".....x..x"),
    r("POST", "/events/{id}/door", "/events/{trip}/door", Form("worker_id={worker}&stage=boarded"),         ".....x..x"),
    // follow-up work on the placement, before it ends
    r("POST", "/api/v1/followups/{id}/complete", "/api/v1/followups/{followup}/complete",
        Json(r#"{"method":"电话","still_employed":true,"wage_paid_on_time":true,"monthly_wage":5200}"#),     ".....x..x"),
    r("POST", "/station/followups/{id}", "/station/followups/{followup2}",
        Form("method=电话&still_employed=yes&monthly_wage=5200"),                                            ".....x..x"),
    r("POST", "/api/v1/cases/{id}/resolve", "/api/v1/cases/{case}/resolve",
        Json(r#"{"resolution":"已与企业协调，工资补发"}"#),                                                   ".....x..x"),
    r("POST", "/station/cases/{id}/resolve", "/station/cases/{case2}/resolve",
        Form("resolution=已协调解决"),                                                                         ".....x..x"),
    r("POST", "/api/v1/placements/{id}/leave", "/api/v1/placements/{placement}/leave",
        Json(r#"{"left_reason":"家中有事，返乡"}"#),                                                         ".....x..x"),
    r("POST", "/placements/{id}/leave", "/placements/{placement}/leave",
        Form("left_reason=家中有事"),                                                                          ".....x..x"),
    // applications (the worker is seeking again)
    r("POST", "/api/v1/applications", "/api/v1/applications",
        Json(r#"{"worker_id":{worker},"vacancy_id":{vacancy2}}"#),                                            ".x.x.x..x"),
    r("POST", "/vacancies/{id}/apply", "/vacancies/{vacancy3}/apply", Form(""),                             ".xx......"),
    r("POST", "/station/workers/{wid}/recommend/{vid}", "/station/workers/{worker}/recommend/{vacancy}",
        Form(""),                                                                                             ".....x..x"),
    r("POST", "/vacancies/{vid}/invite/{wid}", "/vacancies/{vacancy}/invite/{worker}", Form(""),            "...x....x"),
    r("POST", "/api/v1/applications/{id}/transition", "/api/v1/applications/{application2}/transition",
        Json(r#"{"to":"interviewing"}"#),                                                                     "...x.x..x"),
    r("POST", "/applications/{id}/transition", "/applications/{application2}/transition",
        Form("to=offered&note=月薪5200"),                                                                      "...x.x..x"),
    // training
    r("POST", "/api/v1/courses", "/api/v1/courses",
        Json(r#"{"programme":"guangdong-technician","title":"电工培训班{seq}","occupation":"电工","level":"四级","start_date":"{today}","end_date":"{in30}","place":"斗门区白蕉镇","capacity":20}"#),
                                                                                                              ".......xx"),
    r("POST", "/trainer/courses", "/trainer/courses",
        Form("programme=guangdong-technician&title=焊工培训班{seq}&occupation=焊工&level=四级&start_date={today}&end_date={in30}&place=斗门区&capacity=20"),
                                                                                                              ".......x."),
    r("POST", "/api/v1/courses/{id}/enrollments", "/api/v1/courses/{course}/enrollments",
        Json(r#"{"worker_id":{worker}}"#),                                                                    ".x...x.xx"),
    r("POST", "/courses/{id}/signup", "/courses/{course2}/signup", Form("worker_id={worker}"),              ".xx..x.xx"),
    r("POST", "/api/v1/enrollments/{id}/confirm", "/api/v1/enrollments/{enrollment}/confirm", Json("{}"),   ".......xx"),
    r("POST", "/api/v1/enrollments/{id}/attendance", "/api/v1/enrollments/{enrollment}/attendance",
        Json(r#"{"session_date":"{today}","present":true}"#),                                                 ".......xx"),
    r("POST", "/trainer/courses/{id}/attendance", "/trainer/courses/{course}/attendance",
        Form("session_date={today}&present={enrollment}"),                                                    ".......xx"),
    r("POST", "/api/v1/enrollments/{id}/complete", "/api/v1/enrollments/{enrollment}/complete",
        Json(r#"{"certificate_no":"GD{seq}","level":"四级"}"#),                                               ".......xx"),
    r("POST", "/trainer/courses/{id}/complete", "/trainer/courses/{course}/complete",
        Form("issued_on={today}"),                                                                            ".......xx"),
    r("POST", "/api/v1/enrollments/{id}/drop", "/api/v1/enrollments/{enrollment2}/drop",
        Json(r#"{"reason":"个人原因"}"#),                                                                     ".......xx"),
    r("POST", "/trainer/enrollments/{id}/{action}", "/trainer/enrollments/{enrollment3}/confirm", Form(""), ".......xx"),
    r("POST", "/api/v1/workers/{id}/certificates", "/api/v1/workers/{worker}/certificates",
        Json(r#"{"programme":"cantonese-chef","occupation":"中式烹调师","level":"四级","certificate_no":"ZS{seq}","issued_on":"{today}","issuer":"珠海市人力资源和社会保障局"}"#),
                                                                                                              ".....x..x"),
    r("POST", "/station/workers/{id}/certificates", "/station/workers/{worker}/certificates",
        Form("programme=cantonese-chef&occupation=中式烹调师&level=四级&certificate_no=ZP{seq}&issued_on={today}&issuer=珠海市人社局"),
                                                                                                              ".....x..x"),
    r("PUT", "/api/v1/programmes/{code}", "/api/v1/programmes/rural-craftsman",
        Json(r#"{"occupations":"竹编、木工、石匠"}"#),                                                        "........x"),
    r("POST", "/admin/programmes/{code}", "/admin/programmes/rural-craftsman", Form("occupations=竹编、木工"), "........x"),
    // workers and enterprises
    r("POST", "/api/v1/workers", "/api/v1/workers",
        Json(r#"{"name":"杨小勇","id_number":"{idnum}","phone":"{phone}","hometown_code":"520328004","skills":["电工"],"desired_jobs":"电工","consent":true,"password":"Doumen-2026"}"#),
                                                                                                              "x....xx.x"),
    r("POST", "/station/workers/new", "/station/workers/new",
        Form("name=杨小勇&id_number={idnum}&phone={phone}&hometown_code=520328004&skills=电工&desired_jobs=电工&paper_consent=on"),
                                                                                                              ".....xx.x"),
    r("POST", "/station/import", "/station/import", Upload,                                                   ".....xx.x"),
    r("POST", "/api/v1/imports", "/api/v1/imports", Upload,                                                   ".....xx.x"),
    r("PUT", "/api/v1/workers/{id}", "/api/v1/workers/{worker}", Json(r#"{"desired_jobs":"厨师、帮厨"}"#),    ".x...x..x"),
    r("PUT", "/api/v1/workers/{id}/occupation", "/api/v1/workers/{worker}/occupation", Json(r#"{"occupation_code":"4-03-02-01"}"#), ".x...x..x"),
    r("POST", "/workers/{id}/occupation", "/workers/{worker}/occupation", Form("occupation_code=4-03-02-01"), ".x...x..x"),
    r("POST", "/me/correct", "/me/correct", Form("skills=粤菜&desired_jobs=厨师&expected_wage=5600"),          ".xx......"),
    r("POST", "/me/preferences", "/me/preferences", Form("weekly_matches=on"),                                ".xx......"),
    r("POST", "/me/problem", "/me/problem", Form("problem=欠薪"),                                              ".xx......"),
    r("POST", "/api/v1/me/problems", "/api/v1/me/problems", Json(r#"{"problem":"欠薪"}"#),                   ".xx......"),
    r("POST", "/me/sms", "/me/sms", Form("sms_on=on"),                                                        ".xx......"),
    r("PUT", "/api/v1/me/sms", "/api/v1/me/sms", Json(r#"{"enabled":true}"#),                                ".xx......"),
    r("POST", "/api/v1/workers/{id}/reset-code", "/api/v1/workers/{worker}/reset-code", Json("{}"),         ".....x..x"),
    r("POST", "/api/v1/placements", "/api/v1/placements",
        Json(r#"{"worker_id":{worker},"employer_name":"珠海某厂","workplace_county":"440403","start_date":"{today}","wage":5000,"channel":"self"}"#),
                                                                                                              ".....x..x"),
    r("POST", "/api/v1/me/found-reports", "/api/v1/me/found-reports",
        Json(r#"{"employer_name":"珠海某厂","workplace_county":"440403","start_date":"{today}","channel":"self"}"#), ".xx......"),
    r("POST", "/me/found-job", "/me/found-job",
        Form("employer_name=珠海某厂&workplace_county=440403&start_date={today}&channel=self"),                ".xx......"),
    r("POST", "/api/v1/found-reports/{id}/confirm", "/api/v1/found-reports/{found}/confirm", Json("{}"),   ".....x..x"),
    r("POST", "/station/found-reports/{id}/confirm", "/station/found-reports/{found}/confirm", Form(""),   ".....x..x"),
    r("POST", "/api/v1/found-reports/{id}/decline", "/api/v1/found-reports/{found}/decline",
        Json(r#"{"reason":"核实不符"}"#),                                                                      ".....x..x"),
    r("POST", "/station/found-reports/{id}/decline", "/station/found-reports/{found}/decline",
        Form("reason=核实不符"),                                                                               ".....x..x"),
    r("POST", "/station/workers/{id}/found-job", "/station/workers/{worker}/found-job",
        Form("employer_name=珠海某厂&workplace_county=440403&start_date={today}&wage=5000&channel=self"),      ".....x..x"),
    r("POST", "/station/workers/{id}/reset-code", "/station/workers/{worker}/reset-code", Form(""),         ".....x..x"),
    r("POST", "/api/v1/auth/reset-code", "/api/v1/auth/reset-code", Json(r#"{"phone":"{phone}"}"#),         "xxxxxxxxx"),
    r("POST", "/api/v1/auth/reset", "/api/v1/auth/reset",
        Json(r#"{"phone":"{phone}","code":"000000","password":"Meitan-2027"}"#),                              "xxxxxxxxx"),
    r("POST", "/api/v1/auth/reset-link", "/api/v1/auth/reset-link", Json(r#"{"email":"nobody@test.local"}"#), "xxxxxxxxx"),
    r("POST", "/api/v1/auth/reset-link/use", "/api/v1/auth/reset-link/use",
        Json(r#"{"token":"0000","password":"Meitan-2027"}"#),                                                  "xxxxxxxxx"),
    r("POST", "/api/v1/employers", "/api/v1/employers",
        Json(r#"{"name":"珠海斗门新企业{seq}有限公司","uscc":"{uscc}","town_code":"440403105","address":"井岸镇1号","contact_name":"陈经理","contact_phone":"13900001111","contact_email":"new{seq}@test.local"}"#),
                                                                                                              "xxxxxxxxx"),
    r("POST", "/employers/register", "/employers/register",
        Form("name=珠海斗门新工厂{seq}有限公司&uscc={uscc}&town_code=440403105&address=白蕉镇2号&contact_name=黄经理&contact_phone=13900001111&contact_email=reg{seq}@test.local&hr_email=hr{seq}@reg.test.local&password=Doumen-2026x&password2=Doumen-2026x"),
                                                                                                              "xxxxxxxxx"),
    r("POST", "/api/v1/employers/{id}/verify", "/api/v1/employers/{pending}/verify", Json("{}"),           "........x"),
    r("POST", "/admin/employers/{id}/verify", "/admin/employers/{pending2}/verify", Form(""),               "........x"),
    r("POST", "/admin/employers/{id}/reject", "/admin/employers/{pending3}/reject", Form("reason=材料不全"),  "........x"),
    r("POST", "/api/v1/employers/{id}/suspend", "/api/v1/employers/{pending}/suspend", Json("{}"),         "........x"),
    r("POST", "/api/v1/employers/{id}/reject", "/api/v1/employers/{pending}/reject", Json("{}"),           "........x"),
    r("POST", "/admin/employers/{id}/suspend", "/admin/employers/{pending2}/suspend", Form(""),             "........x"),
    // vacancies
    r("POST", "/api/v1/vacancies", "/api/v1/vacancies",
        Json(r#"{"title":"注塑工{seq}","description":"长白班","occupation":"普工","headcount":3,"wage_min":4500,"wage_max":5500,"town_code":"440403106","lodging":true,"expires_on":"{in30}"}"#),
                                                                                                              "...xx...x"),
    r("POST", "/employer/vacancies/new", "/employer/vacancies/new",
        Form("title=包装工{seq}&description=长白班&occupation=普工&headcount=2&wage_min=4300&wage_max=5000&town_code=440403106&expires_on={in30}"),
                                                                                                              "...xx...."),
    r("PUT", "/api/v1/vacancies/{id}", "/api/v1/vacancies/{vacancy}",
        Json(r#"{"title":"电子厂普工","description":"包吃住","occupation":"普工","headcount":6,"wage_min":4800,"wage_max":6500,"town_code":"440403106","lodging":true,"expires_on":"{in30}"}"#),
                                                                                                              "...x....x"),
    r("POST", "/employer/vacancies/{id}/edit", "/employer/vacancies/{vacancy}/edit",
        Form("title=电子厂普工&description=包吃住&occupation=普工&headcount=6&wage_min=4800&wage_max=6600&town_code=440403106&lodging=on&expires_on={in30}"),
                                                                                                              "...x....x"),
    r("POST", "/api/v1/vacancies/{id}/close", "/api/v1/vacancies/{vacancy4}/close", Json("{}"),             "...x....x"),
    r("POST", "/api/v1/vacancies/{id}/reopen", "/api/v1/vacancies/{vacancy4}/reopen", Json("{}"),           "...x....x"),
    r("POST", "/employer/vacancies/{id}/close", "/employer/vacancies/{vacancy4}/close", Form(""),          "...x....x"),
    r("POST", "/employer/vacancies/{id}/reopen", "/employer/vacancies/{vacancy4}/reopen", Form(""),        "...x....x"),
    // accounts
    r("POST", "/api/v1/users", "/api/v1/users",
        Json(r#"{"email":"u{seq}@test.local","password":"Doumen-2026","role":"station","station_id":{station}}"#), "........x"),
    r("PUT", "/api/v1/users/{id}/head", "/api/v1/users/{s1user}/head", Json(r#"{"head":true}"#),           "........x"),
    r("POST", "/admin/users/{id}/head", "/admin/users/{s1user}/head", Form("head=1"),                       "........x"),
    r("POST", "/admin/users", "/admin/users",
        Form("role=station&org_id={station}&user_email=p{seq}@test.local&user_password=Doumen-2026&display_name=新同事"),
                                                                                                              "........x"),
    r("PUT", "/api/v1/targets/{year}", "/api/v1/targets/2026", Json(r#"{"targets":[]}"#),                     "........x"),
    r("POST", "/admin/targets", "/admin/targets", Form(""),                                                   "........x"),
    r("POST", "/api/v1/stations", "/api/v1/stations",
        Json(r#"{"name":"白蕉镇工作站{seq}","side":"receiving","email":"bj{seq}@test.local"}"#),             "........x"),
    r("POST", "/admin/stations", "/admin/stations",
        Form("name=井岸镇工作站{seq}&side=receiving&email=ja{seq}@test.local"),                              "........x"),
    r("POST", "/api/v1/providers", "/api/v1/providers",
        Json(r#"{"name":"斗门区家政培训学校{seq}","email":"jz{seq}@test.local"}"#),                          "........x"),
    r("POST", "/admin/providers", "/admin/providers",
        Form("provider_name=斗门区厨师学校{seq}&provider_email=cs{seq}@test.local"),                         "........x"),
    r("DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/{token}", NoBody,                                    ".x......x"),
    // the worker's rights, ending in anonymisation
    r("POST", "/api/v1/me/deletion-request", "/api/v1/me/deletion-request", Json("{}"),                    ".xx......"),
    r("POST", "/me/delete-request", "/me/delete-request", Form(""),                                          ".xx......"),
    r("POST", "/me/delete-request/cancel", "/me/delete-request/cancel", Form(""),                            ".xx......"),
    r("POST", "/api/v1/workers/{id}/anonymise", "/api/v1/workers/{leaver}/anonymise", Json("{}"),           ".....x..x"),
    r("POST", "/station/workers/{id}/anonymise", "/station/workers/{leaver}/anonymise", Form(""),           ".....x..x"),
    // these change who is logged in
    r("POST", "/api/v1/auth/token", "/api/v1/auth/token",
        Json(r#"{"login":"hr1@test.local","password":"Doumen-2026"}"#),                                       "xxxxxxxxx"),
    r("POST", "/register", "/register",
        Form("name=杨小芳&id_number={idnum}&phone={phone}&hometown_code=520328004&password=Doumen-2026&password2=Doumen-2026&consent=on"),
                                                                                                              "xxxxxxxxx"),
    r("POST", "/login", "/login", Form("login=hr1@test.local&password=Doumen-2026"),                        "xxxxxxxxx"),
    r("POST", "/logout", "/logout", Form(""),                                                                 "xxxxxxxxx"),
];

/// One logged-in (or anonymous) visitor: an API token and a browser session.
pub(crate) struct Visitor {
    pub(crate) token: Option<String>,
    pub(crate) browser: Client,
    pub(crate) csrf: String,
    /// Worker numbers this visitor may legitimately receive in full.
    may_see: BTreeSet<String>,
}

pub(crate) struct Fixture {
    pub(crate) vars: HashMap<&'static str, String>,
    pub(crate) visitors: Vec<Visitor>,
}

fn days(n: i64) -> String {
    fmt_date(today() + time::Duration::days(n))
}

async fn created(r: reqwest::Response, what: &str) -> i64 {
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{what}: {status} {v}");
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: no id in {v}"))
}

/// A worker with a login, registered by `station`: (id, 身份证 number, phone).
async fn worker(app: &TestApp, station: &str, n: u32) -> (i64, String, String) {
    let idn = id_number("19920315", 600 + n);
    let phone = format!("1380000{n:04}");
    (
        app.station_worker(station, &idn, &phone, true).await,
        idn,
        phone,
    )
}

async fn visitor(app: &TestApp, login: Option<&str>, token: Option<String>) -> Visitor {
    let browser = browser();
    if let Some(l) = login {
        app.browser_login(&browser, l, PASSWORD).await;
    }
    let csrf = app
        .csrf(&browser, if login.is_some() { "/" } else { "/login" })
        .await;
    Visitor {
        token,
        browser,
        csrf,
        may_see: BTreeSet::new(),
    }
}

impl Fixture {
    /// Two stations, two enterprises, two logged-in workers, a trainer: worker A (station 1)
    /// applied to enterprise 1, was hired, followed up (a problem opened a case), enrolled on
    /// the trainer's course; worker C (station 1) was recommended to enterprise 1 and enrolled.
    pub(crate) async fn build(app: &TestApp) -> Self {
        let admin = app.admin().await;
        let (s1, s1_token) = app
            .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
            .await;
        let (_, s2_token) = app
            .station(&admin, "福贡县驻斗门工作站", "s2@test.local")
            .await;
        // station 1's login is its head (站长): the head's list is its, not station 2's
        let s1_user: i64 = sqlx::query("select id from users where email = 's1@test.local'")
            .fetch_one(&app.db)
            .await
            .unwrap()
            .get(0);
        let r = app
            .put(
                &format!("/api/v1/users/{s1_user}/head"),
                Some(&admin),
                &json!({"head": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (e1, e1_token) = app.verified_employer(&admin, 1).await;
        let (_, e2_token) = app.verified_employer(&admin, 2).await;
        let mut pending = Vec::new();
        for n in 3..6 {
            let r = app.post("/api/v1/employers", None, &employer_body(n)).await;
            pending.push(created(r, "pending employer").await);
        }
        let (_, trainer_token) = app.trainer(&admin, "teacher@test.local").await;

        let (a, a_id, a_phone) = worker(app, &s1_token, 1).await;
        let (_, _, b_phone) = worker(app, &s2_token, 2).await;
        let (c, c_id, c_phone) = worker(app, &s1_token, 3).await;
        let a_token = app.token(&a_phone, PASSWORD).await;
        let b_token = app.token(&b_phone, PASSWORD).await;
        // worker C asked to be deleted: the anonymise rows act on C
        let c_token = app.token(&c_phone, PASSWORD).await;
        let r = app
            .post("/api/v1/me/deletion-request", Some(&c_token), &json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        // a second token of worker A's, for the revoke row
        app.token(&a_phone, PASSWORD).await;
        let tokens: Value = app
            .get("/api/v1/tokens", Some(&a_token))
            .await
            .json()
            .await
            .unwrap();
        let token_id = tokens
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .max()
            .unwrap();

        // worker A told the station of a job found alone (before the hire below): pending
        let found_report = created(
            app.post(
                "/api/v1/me/found-reports",
                Some(&a_token),
                &json!({"employer_name": "斗门某食品厂", "workplace_county": "440403",
                        "start_date": days(-3), "channel": "self"}),
            )
            .await,
            "found-job report",
        )
        .await;

        let mut vacancies = Vec::new();
        for title in ["电子厂普工", "食品厂包装工", "酒店厨师", "物流分拣员"] {
            let r = app
                .post("/api/v1/vacancies", Some(&e1_token), &vacancy_body(title))
                .await;
            vacancies.push(created(r, "vacancy").await);
        }
        // a job fair and a trip organised by station 1; enterprise 1 has a booth at the fair
        let body = json!({"kind": "job_fair", "title": "春风行动专场招聘会", "starts_at": format!("{}T09:00", days(20)),
            "place": "湄潭县人民广场", "capacity": 100});
        let fair = created(
            app.post("/api/v1/events", Some(&s1_token), &body).await,
            "fair",
        )
        .await;
        let body = json!({"kind": "trip", "title": "点对点返岗专车", "starts_at": format!("{}T07:00", days(20)),
            "place": "湄潭县客运站", "capacity": 45, "from_town": "520328004", "to_town": "440403106"});
        let trip = created(
            app.post("/api/v1/events", Some(&s1_token), &body).await,
            "trip",
        )
        .await;
        let r = app
            .post(
                &format!("/api/v1/events/{fair}/booths"),
                Some(&e1_token),
                &json!({"vacancy_ids": [vacancies[2]]}),
            )
            .await;
        created(r, "booth").await;
        let r = app
            .post(
                &format!("/api/v1/events/{trip}/signups"),
                Some(&s1_token),
                &json!({"worker_id": a}),
            )
            .await;
        created(r, "trip sign-up").await;
        let body = json!({"worker_id": a, "vacancy_id": vacancies[0]});
        let application = created(
            app.post("/api/v1/applications", Some(&a_token), &body)
                .await,
            "application",
        )
        .await;
        let body = json!({"worker_id": c, "vacancy_id": vacancies[1]});
        let application2 = created(
            app.post("/api/v1/applications", Some(&s1_token), &body)
                .await,
            "recommendation",
        )
        .await;
        let path = format!("/api/v1/applications/{application}/transition");
        let r = app
            .post(&path, Some(&e1_token), &json!({"to": "interviewing"}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let hire = json!({"to": "hired", "start_date": days(-28), "wage": 5200});
        let r = app.post(&path, Some(&e1_token), &hire).await;
        assert_eq!(r.status(), StatusCode::OK);
        let placement = r.json::<Value>().await.unwrap()["placement_id"]
            .as_i64()
            .unwrap();
        let p: Value = app
            .get(&format!("/api/v1/placements/{placement}"), Some(&s1_token))
            .await
            .json()
            .await
            .unwrap();
        let follow_ups: Vec<i64> = p["follow_ups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        for f in [follow_ups[0], follow_ups[3]] {
            let r = app
                .post(
                    &format!("/api/v1/followups/{f}/complete"),
                    Some(&s1_token),
                    &json!({"method": "电话", "still_employed": true, "problem": "欠薪", "note": "首月工资推迟"}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
        let cases: Value = app
            .get("/api/v1/cases", Some(&s1_token))
            .await
            .json()
            .await
            .unwrap();
        let case_ids: Vec<i64> = cases["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(case_ids.len(), 2, "{cases}");

        let mut courses = Vec::new();
        for title in ["粤菜师傅（中式烹调师）培训班", "南粤家政（育婴员）培训班"]
        {
            let body = json!({
                "programme": "cantonese-chef", "title": title, "occupation": "中式烹调师",
                "level": "四级", "start_date": days(1), "end_date": days(15),
                "place": "斗门区井岸镇", "capacity": 20,
            });
            let r = app
                .post("/api/v1/courses", Some(&trainer_token), &body)
                .await;
            courses.push(created(r, "course").await);
        }
        let mut enrollments = Vec::new();
        for (w, token) in [(a, &s1_token), (c, &s1_token)] {
            let path = format!("/api/v1/courses/{}/enrollments", courses[0]);
            let r = app.post(&path, Some(token), &json!({"worker_id": w})).await;
            enrollments.push(created(r, "enrolment").await);
        }
        let path = format!("/api/v1/courses/{}/enrollments", courses[1]);
        let r = app.post(&path, Some(&a_token), &json!({})).await;
        enrollments.push(created(r, "self enrolment").await);
        // sign-up closes the day before the start: the courses now run (attendance, completion)
        for c in &courses {
            app.course_runs(*c, -5, 15).await;
        }

        let import = format!("{s1}-fixture");
        let dir = app.data_dir.path().join("imports");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{import}.csv")), "行号,问题\n").unwrap();
        // an import job of station 1 (a header-only file: it fails at once, and stays)
        let part = reqwest::multipart::Part::bytes("姓名,身份证号码,手机号码\n".as_bytes())
            .file_name("台账.csv");
        let r = app
            .api
            .post(app.url("/api/v1/imports"))
            .bearer_auth(&s1_token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let job = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

        let mut vars = HashMap::new();
        for (k, v) in [
            ("worker", a),
            ("leaver", c),
            ("employer", e1),
            ("station", s1),
            ("s1user", s1_user),
            ("pending", pending[0]),
            ("pending2", pending[1]),
            ("pending3", pending[2]),
            ("vacancy", vacancies[0]),
            ("vacancy2", vacancies[1]),
            ("vacancy3", vacancies[2]),
            ("vacancy4", vacancies[3]),
            ("application", application),
            ("application2", application2),
            ("placement", placement),
            ("followup", follow_ups[1]),
            ("followup2", follow_ups[2]),
            ("case", case_ids[0]),
            ("case2", case_ids[1]),
            ("course", courses[0]),
            ("course2", courses[1]),
            ("enrollment", enrollments[0]),
            ("enrollment2", enrollments[1]),
            ("enrollment3", enrollments[2]),
            ("token", token_id),
            ("job", job),
            ("fair", fair),
            ("trip", trip),
            ("found", found_report),
        ] {
            vars.insert(k, v.to_string());
        }
        vars.insert("import", format!("{import}.csv"));
        vars.insert("today", days(0));
        vars.insert("in30", days(30));

        let mut visitors = vec![
            visitor(app, None, None).await,
            visitor(app, Some(&a_phone), Some(a_token)).await,
            visitor(app, Some(&b_phone), Some(b_token)).await,
            visitor(app, Some("hr1@test.local"), Some(e1_token)).await,
            visitor(app, Some("hr2@test.local"), Some(e2_token)).await,
            visitor(app, Some("s1@test.local"), Some(s1_token)).await,
            visitor(app, Some("s2@test.local"), Some(s2_token)).await,
            visitor(app, Some("teacher@test.local"), Some(trainer_token)).await,
            visitor(app, Some("admin@test.local"), Some(admin)).await,
        ];
        // A applied to enterprise 1 and C was recommended to it; both enrolled with the trainer.
        // Every enterprise may see its own contact number.
        let known = [a_id, a_phone, c_id, c_phone];
        for i in [EMPLOYER_OWN, TRAINER] {
            visitors[i].may_see.extend(known.iter().cloned());
        }
        for i in [EMPLOYER_OWN, EMPLOYER_OTHER] {
            visitors[i].may_see.insert("13900001111".into());
        }
        Self { vars, visitors }
    }

    pub(crate) fn fill(&self, template: &str, seq: u32) -> String {
        let mut s = template.to_owned();
        for (k, v) in &self.vars {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s.replace("{idnum}", &id_number("19960808", seq))
            .replace("{phone}", &format!("1370000{seq:04}"))
            .replace(
                "{uscc}",
                &laowu::domain::uscc::with_check_char(&format!("91440403MA4T{:05}", 500 + seq)),
            )
            .replace("{seq}", &seq.to_string())
    }

    async fn send(&self, app: &TestApp, row: &Row, who: usize, seq: u32) -> reqwest::Response {
        let v = &self.visitors[who];
        let url = app.url(&self.fill(row.path, seq));
        let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
        let api = row.route.starts_with("/api/");
        let client = if api { &app.api } else { &v.browser };
        let mut req = client.request(method, &url);
        if api && let Some(t) = &v.token {
            req = req.bearer_auth(t);
        }
        req = match row.body {
            Body::None => req,
            Body::Json(t) => req
                .header("content-type", "application/json")
                .body(self.fill(t, seq)),
            Body::Form(t) => {
                let filled = self.fill(t, seq);
                let mut pairs: Vec<(String, String)> = filled
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (k.to_owned(), v.to_owned())
                    })
                    .collect();
                pairs.push(("_csrf".into(), v.csrf.clone()));
                req.form(&pairs)
            }
            Body::Upload => {
                let part = reqwest::multipart::Part::bytes("姓名,身份证号码,手机号码\n".as_bytes())
                    .file_name("台账.csv");
                req.query(&[("_csrf", &v.csrf)])
                    .multipart(reqwest::multipart::Form::new().part("file", part))
            }
        };
        req.send().await.expect("request")
    }
}

fn body_text(body: Body) -> &'static str {
    match body {
        Body::Json(t) | Body::Form(t) => t,
        Body::None | Body::Upload => "",
    }
}

/// What a visitor got, against what the table says.
fn verdict(row: &Row, who: usize, status: StatusCode, location: &str) -> Result<(), String> {
    let api = row.route.starts_with("/api/");
    let to_login = status == StatusCode::SEE_OTHER && location.starts_with("/login");
    let cell = row.allow.as_bytes()[who];
    let allowed = cell == b'x';
    let ok = if cell == b'h' {
        status == StatusCode::SEE_OTHER && location == HOMES[who]
    } else if allowed {
        !matches!(status.as_u16(), 401 | 403) && !status.is_server_error() && !to_login
    } else if who == 0 {
        if api {
            status == StatusCode::UNAUTHORIZED
        } else {
            to_login
        }
    } else {
        status == StatusCode::FORBIDDEN
    };
    if ok {
        return Ok(());
    }
    let expected = match (allowed, who, api) {
        _ if cell == b'h' => "redirect to their own home page",
        (true, ..) => "allowed",
        (false, 0, true) => "401",
        (false, 0, false) => "redirect to /login",
        _ => "403",
    };
    Err(format!(
        "{} {} as {}: expected {expected}, got {status}{}",
        row.method,
        row.path,
        ROLES[who],
        if location.is_empty() {
            String::new()
        } else {
            format!(" → {location}")
        }
    ))
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says_and_masks_for_employers_and_trainers() {
    let app = spawn_app().await;
    let mut fx = Fixture::build(&app).await;
    let mut wrong = Vec::new();
    let mut leaks = Vec::new();
    let mut seq = 0;
    for row in ROWS {
        assert_eq!(row.allow.len(), ROLES.len(), "{} {}", row.method, row.route);
        let allowed = |i: &usize| row.allow.as_bytes()[*i] == b'x';
        let order: Vec<usize> = (0..ROLES.len())
            .filter(|i| !allowed(i))
            .chain((0..ROLES.len()).filter(allowed))
            .collect();
        for who in order {
            seq += 1;
            let resp = fx.send(&app, row, who, seq).await;
            let status = resp.status();
            let location = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let bytes = resp.bytes().await.unwrap_or_default();
            if let Err(e) = verdict(row, who, status, &location) {
                wrong.push(e);
            }
            // (the OpenAPI document's examples carry fictitious numbers, the same for everyone)
            if [EMPLOYER_OWN, EMPLOYER_OTHER, TRAINER].contains(&who)
                && row.path != "/api/v1/openapi.json"
            {
                let v = &fx.visitors[who];
                let text = String::from_utf8_lossy(&bytes).replace(&v.csrf, "");
                // a number the request itself carried (a check, a registration) is no leak
                let sent = fx.fill(row.path, seq) + &fx.fill(body_text(row.body), seq);
                for found in pii_in(&text) {
                    if !v.may_see.contains(&found) && !sent.contains(&found) {
                        leaks.push(format!(
                            "{} {} as {}: {found}",
                            row.method, row.path, ROLES[who]
                        ));
                    }
                }
            }
            // a login (a page registration logs in too) gives the browser a new CSRF token
            if matches!(row.path, "/register" | "/login") {
                fx.visitors[who].csrf = current_csrf(&app, &fx.visitors[who].browser).await;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        leaks.is_empty(),
        "personal numbers reached an enterprise or trainer:\n{}",
        leaks.join("\n")
    );
}

/// The browser's CSRF token: from the logout form of a logged-in user, else the login page.
async fn current_csrf(app: &TestApp, browser: &reqwest::Client) -> String {
    let home = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let path = if home.contains("name=\"_csrf\"") {
        "/"
    } else {
        "/login"
    };
    app.csrf(browser, path).await
}

/// Every `.route(...)` of a router source file, as (METHOD, path with `prefix`).
fn routes_in(source: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let text: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = BTreeSet::new();
    for chunk in text.split(".route(").skip(1) {
        // the call's own text: up to the parenthesis that closes `.route(`
        let mut depth = 1;
        let end = chunk
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(chunk.len(), |(i, _)| i);
        let call = &chunk[..end];
        let Some(path) = call.split('"').nth(1) else {
            continue;
        };
        for method in ["get", "post", "put", "delete", "patch"] {
            let needle = format!("{method}(");
            let found = call.match_indices(&needle).any(|(i, _)| {
                i == 0
                    || !call.as_bytes()[i - 1].is_ascii_alphanumeric()
                        && call.as_bytes()[i - 1] != b'_'
            });
            if found {
                out.insert((method.to_uppercase(), format!("{prefix}{path}")));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_table_lists_every_route_there_is() {
    let app = spawn_app().await;
    let mut actual = routes_in(include_str!("../../src/web/mod.rs"), "");
    actual.extend(routes_in(include_str!("../../src/web/pages/mod.rs"), ""));
    actual.extend(routes_in(
        include_str!("../../src/web/api/mod.rs"),
        "/api/v1",
    ));
    let doc: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                actual.insert((method.to_uppercase(), format!("/api/v1{path}")));
            }
        }
    }
    assert!(actual.len() > 100, "found only {} routes", actual.len());
    let table: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_owned(), r.route.to_owned()))
        .collect();
    assert_eq!(
        table.len(),
        ROWS.len(),
        "a route appears twice in the table"
    );
    let missing: Vec<_> = actual.difference(&table).collect();
    let stale: Vec<_> = table.difference(&actual).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row in the role matrix: {missing:?}\nrows for routes that do not exist: {stale:?}"
    );
}

#[tokio::test]
async fn a_station_sees_only_the_applications_of_its_own_workers() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    let path = format!("/api/v1/vacancies/{}/applications", fx.vars["vacancy"]);
    let ids = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].to_string())
            .collect()
    };
    let own = app.get(&path, fx.visitors[5].token.as_deref()).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(
        ids(own.json().await.unwrap()),
        [fx.vars["application"].clone()]
    );
    let other = app.get(&path, fx.visitors[6].token.as_deref()).await;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(ids(other.json().await.unwrap()).is_empty());
    let enterprise = app
        .get(&path, fx.visitors[EMPLOYER_OWN].token.as_deref())
        .await;
    assert_eq!(ids(enterprise.json().await.unwrap()).len(), 1);
}
