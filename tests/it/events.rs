//! Events (issue 17): job fairs and 点对点 trips through the API and the pages — creating,
//! booths, sign-ups (capacity, twice, in the past, many at once for the last seats), check-ins
//! (walk-ins at a fair, refusals on a trip, an arrival that begins a placement), applications
//! made at a fair, figures, the manifest, and the messages to the worker.

use std::sync::Arc;

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::helpers::{
    PASSWORD, TestApp, browser, id_number, spawn_app, spawn_app_with, vacancy_body, worker_body,
};

fn in_days(n: i64) -> String {
    fmt_date(today() + time::Duration::days(n))
}

struct World {
    admin: String,
    station: String,
    station_id: i64,
    e1: i64,
    hr1: String,
    hr2: String,
    v1: i64,
    v2: i64,
    other_vacancy: i64,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let (station_id, station) = app
        .station(&admin, "湄潭县劳务工作站", "mt@events.test")
        .await;
    let (e1, hr1) = app.verified_employer(&admin, 71).await;
    let (_, hr2) = app.verified_employer(&admin, 72).await;
    let mut ids = Vec::new();
    for (hr, title) in [
        (&hr1, "电子厂普工"),
        (&hr1, "酒店厨师"),
        (&hr2, "物流分拣员"),
    ] {
        let r = app
            .post("/api/v1/vacancies", Some(hr), &vacancy_body(title))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    World {
        admin,
        station,
        station_id,
        e1,
        hr1,
        hr2,
        v1: ids[0],
        v2: ids[1],
        other_vacancy: ids[2],
    }
}

async fn created(r: reqwest::Response) -> i64 {
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn fair(app: &TestApp, token: &str, capacity: i64) -> i64 {
    let body = json!({"kind": "job_fair", "title": "2027年春风行动斗门企业专场招聘会",
        "starts_at": format!("{}T09:30", in_days(10)), "place": "湄潭县湄江街道人民广场", "capacity": capacity});
    created(app.post("/api/v1/events", Some(token), &body).await).await
}

async fn trip(app: &TestApp, token: &str, capacity: i64) -> i64 {
    let body = json!({"kind": "trip", "title": "湄潭—斗门点对点返岗专车",
        "starts_at": format!("{}T07:00", in_days(5)), "place": "湄潭县客运站", "capacity": capacity,
        "from_town": "520328004", "to_town": "440403106"});
    created(app.post("/api/v1/events", Some(token), &body).await).await
}

/// A worker of the station with a login and an e-mail address: (id, 身份证 number, token).
async fn worker(app: &TestApp, w: &World, n: u32) -> (i64, String, String) {
    let idn = id_number("19900101", 300 + n);
    let phone = format!("1391111{n:04}");
    let mut body = worker_body(&idn, &phone);
    body["email"] = json!(format!("w{n}@events.test"));
    let r = app.post("/api/v1/workers", Some(&w.station), &body).await;
    let id = created(r).await;
    let token = app.token(&phone, PASSWORD).await;
    (id, idn, token)
}

async fn figures(app: &TestApp, token: &str, event: i64) -> Value {
    let r = app
        .get(&format!("/api/v1/events/{event}/figures"), Some(token))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn bad_event_input_gets_chinese_field_errors_and_writes_nothing() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let body = json!({"kind": "party", "title": "", "starts_at": "2020-01-01T09:00", "place": "", "capacity": 0});
    let r = app.post("/api/v1/events", Some(&w.station), &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    for field in ["kind", "title", "starts_at", "place", "capacity"] {
        assert!(v["errors"][field][0].is_string(), "{field}: {v}");
    }
    assert!(
        v["errors"]["starts_at"][0]
            .as_str()
            .unwrap()
            .contains("晚于现在")
    );
    // a trip needs its route: from Meitan/Fugong to a Doumen township
    let body = json!({"kind": "trip", "title": "返岗专车", "starts_at": format!("{}T07:00", in_days(3)),
        "place": "客运站", "capacity": 40, "from_town": "440403106", "to_town": "520328004"});
    let r = app.post("/api/v1/events", Some(&w.station), &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["from_town"][0].is_string(), "{v}");
    assert!(v["errors"]["to_town"][0].is_string(), "{v}");
    assert_eq!(app.count("select count(*) from events").await, 0);
    // enterprises, trainers and workers do not create events
    let r = app
        .post("/api/v1/events", Some(&w.hr1), &json!({"kind": "job_fair"}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_fair_runs_end_to_end_through_the_api() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fair = fair(&app, &w.station, 50).await;
    // China time in, China time out; stored in UTC
    let list: Value = app
        .get("/api/v1/events?kind=job_fair", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], json!(fair));
    assert_eq!(
        list["items"][0]["starts_at"],
        json!(format!("{}T09:30", in_days(10)))
    );
    let stored: String = sqlx::query_scalar("select starts_at from events")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.ends_with("T01:30:00Z"), "{stored}");

    // booths: own open vacancies only; another's is refused and nothing is written
    let path = format!("/api/v1/events/{fair}/booths");
    let r = app
        .post(
            &path,
            Some(&w.hr1),
            &json!({"vacancy_ids": [w.v1, w.other_vacancy]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["vacancy_ids"][0]
            .as_str()
            .unwrap()
            .contains("不是本企业")
    );
    assert_eq!(app.count("select count(*) from event_booths").await, 0);
    let r = app
        .post(&path, Some(&w.hr1), &json!({"vacancy_ids": [w.v1]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // a pending enterprise cannot take one
    let r = app
        .post(
            "/api/v1/employers",
            None,
            &crate::helpers::employer_body(73),
        )
        .await;
    let pending = created(r).await;
    let pending_hr = app
        .login_as(
            "hr73@events.test",
            laowu::auth::Role::Employer,
            Some(pending),
        )
        .await;
    let r = app
        .post(&path, Some(&pending_hr), &json!({"vacancy_ids": [w.v1]}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // sign-ups: the worker, the worker's station; never twice
    let (a, _, a_token) = worker(&app, &w, 1).await;
    let (b, b_idn, _) = worker(&app, &w, 2).await;
    let (_, c_idn, _) = worker(&app, &w, 3).await;
    let signups = format!("/api/v1/events/{fair}/signups");
    let r = app.post(&signups, Some(&a_token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(&signups, Some(&a_token), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .post(&signups, Some(&a_token), &json!({"worker_id": b}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(&signups, Some(&w.station), &json!({"id_number": b_idn}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        app.count(&format!("select taken from events where id = {fair}"))
            .await,
        2
    );
    // the sign-up message went to the worker's mailbox through the outbox
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'event_signup' and recipient = 'w1@events.test'")
            .await,
        1
    );

    // check-ins at the door: by id or 身份证 number; walk-ins allowed and counted apart
    let checkins = format!("/api/v1/events/{fair}/checkins");
    let r = app
        .post(&checkins, Some(&w.station), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["walk_in"], json!(false));
    let r = app
        .post(&checkins, Some(&w.station), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .post(&checkins, Some(&w.station), &json!({"id_number": c_idn}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["walk_in"], json!(true));
    let r = app
        .post(
            &checkins,
            Some(&w.station),
            &json!({"id_number": "52032819900101"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(&checkins, Some(&w.hr1), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // an application at the fair carries its id; a vacancy not at the fair is refused
    let r = app
        .post(
            "/api/v1/applications",
            Some(&a_token),
            &json!({"worker_id": a, "vacancy_id": w.v2, "event_id": fair}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/api/v1/applications",
            Some(&a_token),
            &json!({"worker_id": a, "vacancy_id": w.v1, "event_id": fair}),
        )
        .await;
    let application = created(r).await;
    assert_eq!(
        app.count(&format!(
            "select count(*) from applications where id = {application} and event_id = {fair}"
        ))
        .await,
        1
    );
    let r = app
        .post(
            &format!("/api/v1/applications/{application}/transition"),
            Some(&w.hr1),
            &json!({"to": "hired", "start_date": in_days(12), "wage": 5200}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let f = figures(&app, &w.station, fair).await;
    assert_eq!(f["booths"], json!(1), "{f}");
    assert_eq!(f["vacancies"], json!(1), "{f}");
    assert_eq!(f["places"], json!(5), "{f}");
    assert_eq!(f["signups"], json!(2), "{f}");
    assert_eq!(f["attended"], json!(2), "{f}");
    assert_eq!(f["walk_ins"], json!(1), "{f}");
    assert_eq!(f["applications"], json!(1), "{f}");
    assert_eq!(f["hired"], json!(1), "{f}");
    // the enterprise with a booth reads them; another enterprise and workers do not
    assert_eq!(figures(&app, &w.hr1, fair).await["hired"], json!(1));
    for t in [&w.hr2, &a_token] {
        let r = app
            .get(&format!("/api/v1/events/{fair}/figures"), Some(t))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let _ = w.e1;
    let _ = w.admin;

    // the public fair page shows each booth's vacancies; the board links the fair
    let page = app
        .api
        .get(app.url(&format!("/events/{fair}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("珠海斗门测试企业71有限公司"), "{page}");
    assert!(page.contains("电子厂普工"));
    assert!(
        !page.contains("酒店厨师"),
        "a vacancy not brought to the fair"
    );
    let board = app
        .api
        .get(app.url("/vacancies"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board.contains(&format!("/events/{fair}")), "{board}");
}

#[tokio::test]
async fn capacity_holds_and_an_event_that_began_takes_no_sign_ups() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let trip = trip(&app, &w.station, 1).await;
    let (a, _, _) = worker(&app, &w, 4).await;
    let (b, _, _) = worker(&app, &w, 5).await;
    let path = format!("/api/v1/events/{trip}/signups");
    let r = app
        .post(&path, Some(&w.station), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(&path, Some(&w.station), &json!({"worker_id": b}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("名额已满"), "{v}");
    assert_eq!(app.count("select count(*) from event_signups").await, 1);
    // the trip left yesterday
    sqlx::query("update events set capacity = 10, starts_at = '2020-01-01T00:00:00Z'")
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .post(&path, Some(&w.station), &json!({"worker_id": b}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("select count(*) from event_signups").await, 1);
    assert_eq!(app.count("select taken from events").await, 1);
}

#[tokio::test]
async fn a_trip_checks_in_only_its_passengers_and_an_arrival_begins_the_placement() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let trip = trip(&app, &w.station, 40).await;
    let (a, a_idn, _) = worker(&app, &w, 6).await;
    let (b, _, _) = worker(&app, &w, 7).await;
    // A has an offer from enterprise 1 (recommended by the station, offered)
    let r = app
        .post(
            "/api/v1/applications",
            Some(&w.station),
            &json!({"worker_id": a, "vacancy_id": w.v1}),
        )
        .await;
    let application = created(r).await;
    let r = app
        .post(
            &format!("/api/v1/applications/{application}/transition"),
            Some(&w.hr1),
            &json!({"to": "offered"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/events/{trip}/signups"),
            Some(&w.station),
            &json!({"worker_id": a}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let checkins = format!("/api/v1/events/{trip}/checkins");
    // not signed up: refused; a trip needs the stage
    let r = app
        .post(
            &checkins,
            Some(&w.station),
            &json!({"worker_id": b, "stage": "boarded"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(&checkins, Some(&w.station), &json!({"worker_id": a}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["stage"][0].is_string(), "{v}");
    assert_eq!(app.count("select count(*) from event_checkins").await, 0);
    let r = app
        .post(
            &checkins,
            Some(&w.station),
            &json!({"id_number": a_idn, "stage": "boarded"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // an arrival with an enterprise but no start date or wage: field errors, nothing written
    let r = app
        .post(
            &checkins,
            Some(&w.station),
            &json!({"worker_id": a, "stage": "arrived", "employer_id": w.e1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["start_date"][0].is_string() && v["errors"]["wage"][0].is_string());
    assert_eq!(app.count("select count(*) from event_checkins").await, 1);
    let r = app
        .post(
            &checkins,
            Some(&w.station),
            &json!({"worker_id": a, "stage": "arrived", "employer_id": w.e1, "start_date": in_days(0), "wage": 5600}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let placement = v["placement_id"].as_i64().expect("a placement");
    assert_eq!(
        app.count(&format!(
            "select count(*) from follow_ups where placement_id = {placement}"
        ))
        .await,
        4
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from applications where id = {application} and status = 'hired'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from workers where id = {a} and status = 'placed'"
        ))
        .await,
        1
    );
    let f = figures(&app, &w.station, trip).await;
    assert_eq!(
        (
            f["signups"].clone(),
            f["boarded"].clone(),
            f["arrived"].clone(),
            f["hired"].clone()
        ),
        (json!(1), json!(1), json!(1), json!(1)),
        "{f}"
    );

    // C found the job without applying on the platform: the arrival needs the vacancy taken
    let (c, _, _) = worker(&app, &w, 11).await;
    let r = app
        .post(
            &format!("/api/v1/events/{trip}/signups"),
            Some(&w.station),
            &json!({"worker_id": c}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let arrive = |vacancy: Option<i64>| {
        json!({"worker_id": c, "stage": "arrived", "employer_id": w.e1, "start_date": in_days(0),
            "wage": 5000, "vacancy_id": vacancy})
    };
    let r = app.post(&checkins, Some(&w.station), &arrive(None)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["vacancy_id"][0].is_string(), "{v}");
    let r = app
        .post(&checkins, Some(&w.station), &arrive(Some(w.other_vacancy)))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another enterprise's vacancy"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from event_checkins where worker_id = {c}"
        ))
        .await,
        0
    );
    // a closed vacancy takes nobody, at an arrival as anywhere else
    let close = app
        .post(
            &format!("/api/v1/vacancies/{}/close", w.v2),
            Some(&w.hr1),
            &json!({}),
        )
        .await;
    assert_eq!(close.status(), StatusCode::OK);
    let r = app
        .post(&checkins, Some(&w.station), &arrive(Some(w.v2)))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "closed vacancy"
    );
    let reopen = app
        .post(
            &format!("/api/v1/vacancies/{}/reopen", w.v2),
            Some(&w.hr1),
            &json!({}),
        )
        .await;
    assert_eq!(reopen.status(), StatusCode::OK);
    // a worker id with somebody else's 身份证 number: refused, not silently resolved
    let mut mixed = arrive(Some(w.v2));
    mixed["id_number"] = json!(id_number("19900101", 999));
    let r = app.post(&checkins, Some(&w.station), &mixed).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "mismatched number"
    );
    let r = app
        .post(&checkins, Some(&w.station), &arrive(Some(w.v2)))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.json::<Value>().await.unwrap()["placement_id"].is_i64());
    assert_eq!(
        app.count(&format!(
            "select count(*) from applications where worker_id = {c} and status = 'hired' and event_id = {trip}"
        ))
        .await,
        1
    );

    // the month's report counts the arrival and the hire it began
    let month = &in_days(0)[..7];
    let report: Value = app
        .get(
            &format!("/api/v1/reports/monthly?month={month}"),
            Some(&w.admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["events"]["trip_arrived"]["month"],
        json!(2),
        "{report}"
    );
    assert_eq!(report["events"]["hired"]["month"], json!(2), "{report}");

    // and the assessment's `placed` counts the people a trip brought to work
    let year = &in_days(0)[..4];
    let a: Value = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county=520328"),
            Some(&w.admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let placed = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == json!("placed"))
        .unwrap_or_else(|| panic!("{a}"));
    assert_eq!(placed["actual"], json!(2), "{a}");
    // a placement begun at an arrival is organised (就业渠道：组织化)
    assert_eq!(
        app.count("select count(*) from placements where channel = 'organised'")
            .await,
        2
    );

    // the manifest: workbook and printable page, 身份证 masked, for the running station
    let r = browser()
        .get(app.url(&format!("/events/{trip}/manifest.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous: to the login page"
    );
    let officer = browser();
    app.browser_login(&officer, "mt@events.test", PASSWORD)
        .await;
    let r = officer
        .get(app.url(&format!("/events/{trip}/manifest.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx (zip) file");
    let page = officer
        .get(app.url(&format!("/events/{trip}/manifest")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("乘车名单"), "{page}");
    assert!(page.contains(&laowu::domain::mask_id_number(&a_idn)));
    assert!(
        !page.contains(&a_idn),
        "the full 身份证 number is never on the manifest"
    );
    assert!(
        page.contains("珠海斗门测试企业71有限公司"),
        "the employer column"
    );
}

#[tokio::test]
async fn pages_a_worker_signs_up_on_the_phone_and_the_door_gives_big_answers() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let fair = fair(&app, &w.station, 30).await;
    let (_, a_idn, _) = worker(&app, &w, 8).await;
    let (_, c_idn, _) = worker(&app, &w, 9).await;

    // the worker on their phone
    let phone = browser();
    app.browser_login(&phone, "13911110008", PASSWORD).await;
    let page = phone
        .get(app.url(&format!("/events/{fair}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("我要报名"), "{page}");
    let csrf = app.csrf(&phone, &format!("/events/{fair}")).await;
    let r = phone
        .post(app.url(&format!("/events/{fair}/signup")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = phone
        .get(app.url(&format!("/events/{fair}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("报名成功"), "{page}");
    assert_eq!(app.count("select count(*) from event_signups").await, 1);

    // the station creates an event on its page
    let officer = browser();
    app.browser_login(&officer, "mt@events.test", PASSWORD)
        .await;
    let csrf = app.csrf(&officer, "/events/new").await;
    let r = officer
        .post(app.url("/events/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "trip"),
            ("title", ""),
            ("starts_at", &format!("{}T07:00", in_days(4))),
            ("place", "湄潭县客运站"),
            ("capacity", "45"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请填写活动名称") && html.contains("请选择出发乡镇"),
        "{html}"
    );
    let r = officer
        .post(app.url("/events/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "trip"),
            ("title", "返岗专车第一班"),
            ("starts_at", &format!("{}T07:00", in_days(4))),
            ("place", "湄潭县客运站"),
            ("capacity", "45"),
            ("from_town", "520328004"),
            ("to_town", "440403106"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/manage")
    );

    // the station's home page lists its county's coming events
    let home = officer
        .get(app.url("/station"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("返岗专车第一班") && home.contains("2027年春风行动"),
        "{home}"
    );

    // the door: one field, big answers
    let door = format!("/events/{fair}/door");
    let page = officer
        .get(app.url(&door))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="id_number""#) && page.contains("autofocus"));
    let csrf = app.csrf(&officer, &door).await;
    let post = |n: &str| {
        officer
            .post(app.url(&door))
            .form(&[("_csrf", csrf.as_str()), ("id_number", n)])
            .send()
    };
    let r = post(&a_idn).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("verdict ok") && html.contains("签到成功"),
        "{html}"
    );
    let r = post(&a_idn).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("已经签到过了"));
    let r = post(&c_idn).await.unwrap();
    assert!(r.text().await.unwrap().contains("未报名"));
    let r = post("123").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("verdict bad"));
    let manage = officer
        .get(app.url(&format!("/events/{fair}/manage")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        manage.contains("到场<b>2</b>") && manage.contains("其中未报名<b>1</b>"),
        "{manage}"
    );

    // the enterprise takes a booth on its page and sees the fair's applicants
    let hr = browser();
    app.browser_login(&hr, "hr71@test.local", PASSWORD).await;
    let booth = format!("/events/{fair}/booth");
    let csrf = app.csrf(&hr, &booth).await;
    let v1 = w.v1.to_string();
    let r = hr
        .post(app.url(&booth))
        .form(&[("_csrf", csrf.as_str()), ("vacancy_id", v1.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("select count(*) from event_booth_vacancies")
            .await,
        1
    );
    // the worker applies at the fair from its page
    let csrf = app.csrf(&phone, &format!("/events/{fair}")).await;
    let r = phone
        .post(app.url(&format!("/events/{fair}/apply/{}", w.v1)))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "select count(*) from applications where event_id = {fair}"
        ))
        .await,
        1
    );
    let page = hr
        .get(app.url(&booth))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("冉小梅") && page.contains("13911110008"),
        "{page}"
    );
    let _ = w.hr2;
}

#[tokio::test]
async fn signed_up_workers_are_reminded_the_day_before() {
    let app = spawn_app_with(None, |c| c.digest_hour = 0).await;
    let w = world(&app).await;
    let body = json!({"kind": "job_fair", "title": "明天的招聘会",
        "starts_at": format!("{}T10:00", in_days(1)), "place": "湄潭县", "capacity": 10});
    let fair = created(app.post("/api/v1/events", Some(&w.station), &body).await).await;
    let (a, _, _) = worker(&app, &w, 10).await;
    let r = app
        .post(
            &format!("/api/v1/events/{fair}/booths"),
            Some(&w.hr1),
            &json!({"vacancy_ids": [w.v1]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let hour = || {
        time::OffsetDateTime::now_utc()
            .to_offset(laowu::domain::CST)
            .hour()
    };
    let hour_before = hour();
    let r = app
        .post(
            &format!("/api/v1/events/{fair}/signups"),
            Some(&w.station),
            &json!({"worker_id": a}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    for _ in 0..100 {
        if app
            .count("select count(*) from outbox where kind = 'event_reminder'")
            .await
            > 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'event_reminder' and recipient = 'w10@events.test'")
            .await,
        1,
        "one reminder, written once"
    );
    let text: String =
        sqlx::query_scalar("select body_text from outbox where kind = 'event_reminder'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(text.contains("明天") && text.contains("10:00"), "{text}");
    // the enterprise with a booth gets the masked list of sign-ups from 18:00 China time
    let lists = "select count(*) from outbox where kind = 'event_booth_list' and recipient = 'contact71@test.local'";
    if hour_before >= 18 && hour() >= 18 {
        for _ in 0..50 {
            if app.count(lists).await > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(app.count(lists).await, 1);
        let text: String =
            sqlx::query_scalar("select body_text from outbox where kind = 'event_booth_list'")
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert!(
            text.contains("冉**") && !text.contains("冉小梅") && !text.contains("13911110010"),
            "{text}"
        );
    } else if hour() < 18 {
        assert_eq!(app.count(lists).await, 0, "not before the evening");
    }
}

/// Sends every request at once: one task each, all released by one barrier.
async fn fire(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                r.send().await.expect("request").status()
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn of_many_sign_ups_at_once_for_the_last_seats_exactly_that_many_win() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut workers = Vec::new();
    for n in 0..12u32 {
        let idn = id_number("19880808", 500 + n);
        workers.push(
            app.station_worker(&w.station, &idn, &format!("1392222{n:04}"), false)
                .await,
        );
    }
    let _ = w.station_id;
    for round in 0..5 {
        // capacity 3 with 2 seats taken: one last seat for twelve at once
        let trip = trip(&app, &w.station, 3).await;
        let path = format!("/api/v1/events/{trip}/signups");
        for wid in &workers[..2] {
            let r = app
                .post(&path, Some(&w.station), &json!({"worker_id": wid}))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        let requests = workers[2..]
            .iter()
            .chain(workers[2..4].iter())
            .map(|wid| {
                app.api
                    .post(app.url(&path))
                    .bearer_auth(&w.station)
                    .json(&json!({"worker_id": wid}))
            })
            .collect();
        let statuses = fire(requests).await;
        let won = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
            "round {round}: {statuses:?}"
        );
        assert_eq!(won, 1, "round {round}: {statuses:?}");
        assert_eq!(
            app.count(&format!(
                "select count(*) from event_signups where event_id = {trip}"
            ))
            .await,
            3
        );
        assert_eq!(
            app.count(&format!("select taken from events where id = {trip}"))
                .await,
            3
        );
    }
    // one worker twelve times at once into a roomy fair: one sign-up
    let fair = fair(&app, &w.station, 100).await;
    let path = format!("/api/v1/events/{fair}/signups");
    let requests = (0..12)
        .map(|_| {
            app.api
                .post(app.url(&path))
                .bearer_auth(&w.station)
                .json(&json!({"worker_id": workers[0]}))
        })
        .collect();
    let statuses = fire(requests).await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        app.count(&format!("select taken from events where id = {fair}"))
            .await,
        1
    );
}

#[tokio::test]
async fn a_station_runs_trips_from_its_own_county_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "福贡县劳务工作站", "side": "sending", "email": "fg@events.test", "county_code": "533323"}),
        )
        .await;
    let fugong = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let token = app
        .login_as("fg@events.test", laowu::auth::Role::Station, Some(fugong))
        .await;
    let body = |from: &str| {
        json!({"kind": "trip", "title": "返岗专车", "starts_at": format!("{}T07:00", in_days(5)),
            "place": "县客运站", "capacity": 40, "from_town": from, "to_town": "440403106"})
    };
    let r = app
        .post("/api/v1/events", Some(&token), &body("520328004"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["from_town"][0].is_string(), "{v}");
    assert_eq!(app.count("select count(*) from events").await, 0);
    let r = app
        .post("/api/v1/events", Some(&token), &body("533323101"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}
