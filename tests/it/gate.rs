//! The one gate, by object: the holes a review found where a path went around the rules, each
//! with its own test (a station's import, a declined invitation, a trainer's enrolment, the
//! unassigned and the district workers, follow-up content, barred enterprises, invitations).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, vacancy_body, worker_body};

async fn id_of(r: reqwest::Response) -> i64 {
    let status = r.status();
    let body = r.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn create_station(app: &TestApp, admin: &str, body: Value) -> (i64, String) {
    let email = body["email"].as_str().unwrap().to_owned();
    let id = id_of(app.post("/api/v1/stations", Some(admin), &body).await).await;
    let token = app
        .login_as(&email, laowu::auth::Role::Station, Some(id))
        .await;
    (id, token)
}

const HEADER: &str = "姓名,身份证号码,联系电话,乡镇,村,是否脱贫户,是否监测对象,是否易地搬迁,是否零就业家庭,劳动技能,就业意愿,期望月薪";

async fn worker_row(app: &TestApp, id: i64) -> (String, String, Option<i64>) {
    let r = sqlx::query("select name, phone, station_id from workers where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    use sqlx::Row;
    (
        r.try_get("name").unwrap(),
        r.try_get("phone").unwrap(),
        r.try_get("station_id").unwrap(),
    )
}

#[tokio::test]
async fn a_station_import_cannot_overwrite_another_stations_worker() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, a) = create_station(
        &app,
        &admin,
        json!({"name": "湄潭县劳务站A", "side": "sending", "email": "a@st.test"}),
    )
    .await;
    let (_, _b) = create_station(
        &app,
        &admin,
        json!({"name": "湄潭县劳务站B", "side": "sending", "email": "b@st.test"}),
    )
    .await;
    let theirs = id_number("19880808", 1);
    let w = app.station_worker(&a, &theirs, "13800001111", false).await;
    let fresh = id_number("19900101", 2);
    let csv = format!(
        "{HEADER}\n篡改者,{theirs},13999998888,湄江街道,,否,否,否,否,焊工,焊工,9000\n新来的,{fresh},13922223333,湄江街道,,否,否,否,否,普工,普工,5000\n"
    );
    let html = app.upload_ledger("b@st.test", &csv).await;
    assert!(html.contains("新增 1 行"), "{html}");
    assert!(html.contains("更新 0 行"), "{html}");
    assert!(html.contains("拒绝 1 行"), "{html}");
    // the reason is neutral: it does not say the number is registered, nor where
    assert!(html.contains("本工作站不能导入或修改此人的信息"), "{html}");
    assert!(
        !html.contains("已登记") && !html.contains("湄潭县劳务站A"),
        "{html}"
    );
    let (name, phone, station) = worker_row(&app, w).await;
    assert_eq!((name.as_str(), phone.as_str()), ("冉小梅", "13800001111"));
    assert!(station.is_some());
    // the owner's own import of the same row does update
    let html = app.upload_ledger("a@st.test", &csv).await;
    assert!(html.contains("更新 1 行"), "{html}");
    assert_eq!(worker_row(&app, w).await.0, "篡改者");
}

#[tokio::test]
async fn unassigned_workers_belong_to_their_countys_sending_station_or_the_admin() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (meitan, a) = create_station(
        &app,
        &admin,
        json!({"name": "湄潭县劳务站", "side": "sending", "email": "a@st.test"}),
    )
    .await;
    // a Fugong worker registers while Fugong has no station: only the admin holds the record
    let mut body = worker_body(&id_number_fugong("19920202", 3), "13600006666");
    body["hometown_code"] = json!("533323101");
    let r = app.post("/api/v1/workers", None, &body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let fugong_worker = app
        .count("select max(id) from workers where township_code like '533323%'")
        .await;
    assert_eq!(worker_row(&app, fugong_worker).await.2, None);
    // a Meitan worker registering themselves belongs to the Meitan station at once
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19930303", 4), "13600007777"),
        )
        .await;
    let meitan_worker = id_of(r).await;
    assert_eq!(worker_row(&app, meitan_worker).await.2, Some(meitan));
    // the Meitan station neither sees nor lists nor imports the Fugong worker
    let r = app
        .get(&format!("/api/v1/workers/{fugong_worker}"), Some(&a))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let list: Value = app
        .get("/api/v1/workers", Some(&a))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![meitan_worker]);
    let export = browser();
    app.browser_login(&export, "a@st.test", PASSWORD).await;
    let csv = export
        .get(app.url("/exports/workers.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("13600006666"), "{csv}");
    // once Fugong has a station, it takes the worker over
    let (fugong, f) = create_station(
        &app,
        &admin,
        json!({"name": "福贡县劳务站", "side": "sending", "email": "f@st.test", "county_code": "533323"}),
    )
    .await;
    assert_eq!(worker_row(&app, fugong_worker).await.2, Some(fugong));
    let r = app
        .get(&format!("/api/v1/workers/{fugong_worker}"), Some(&f))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// A valid 身份证 number of a Fugong (533323) person.
fn id_number_fugong(yyyymmdd: &str, seq: u32) -> String {
    laowu::domain::id_card::with_check_char(&format!("533323{yyyymmdd}{:03}", seq % 1000))
}

/// An enterprise with a vacancy for cooks, and a worker who wants to be one (self-registered,
/// with a login, indexed).
struct Kitchen {
    admin: String,
    hr: String,
    employer_id: i64,
    vacancy_id: i64,
    worker_id: i64,
    worker: String,
}

async fn kitchen(app: &TestApp, admin: &str) -> Kitchen {
    let admin = admin.to_owned();
    let (employer_id, hr) = app.verified_employer(&admin, 7).await;
    let mut v = vacancy_body("粤菜厨师");
    v["occupation"] = json!("厨师");
    let vacancy_id = id_of(app.post("/api/v1/vacancies", Some(&hr), &v).await).await;
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19900505", 5), "13712345678"),
        )
        .await;
    let worker_id = id_of(r).await;
    let worker = app.token("13712345678", PASSWORD).await;
    app.wait_indexed().await;
    Kitchen {
        admin,
        hr,
        employer_id,
        vacancy_id,
        worker_id,
        worker,
    }
}

#[tokio::test]
async fn a_declined_invitation_reveals_nothing() {
    let app = spawn_app().await;
    let k = kitchen(&app, &app.admin().await).await;
    let r = app
        .post(
            "/api/v1/applications",
            Some(&k.hr),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await;
    let app_id = id_of(r).await;
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&k.worker),
            &json!({"to": "withdrawn"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = app
        .get(&format!("/api/v1/workers/{}", k.worker_id), Some(&k.hr))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !body.contains("13712345678") && !body.contains("冉小梅"),
        "{body}"
    );
    let hr = browser();
    app.browser_login(&hr, "hr7@test.local", PASSWORD).await;
    let page = hr
        .get(app.url(&format!(
            "/employer/vacancies/{}/applications",
            k.vacancy_id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已撤回"), "{page}");
    assert!(
        !page.contains("13712345678") && !page.contains("冉小梅"),
        "{page}"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'view_worker'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_accepted_invitation_reveals_the_worker() {
    let app = spawn_app().await;
    let k = kitchen(&app, &app.admin().await).await;
    let app_id = id_of(
        app.post(
            "/api/v1/applications",
            Some(&k.hr),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await,
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&k.worker),
            &json!({"to": "applied"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // and withdrawing afterwards does not take back what the enterprise was shown
    app.post(
        &format!("/api/v1/applications/{app_id}/transition"),
        Some(&k.worker),
        &json!({"to": "withdrawn"}),
    )
    .await;
    let body = app
        .get(&format!("/api/v1/workers/{}", k.worker_id), Some(&k.hr))
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("13712345678"), "{body}");
}

#[tokio::test]
async fn an_employer_invites_only_its_candidates_with_one_neutral_answer() {
    let app = spawn_app().await;
    let k = kitchen(&app, &app.admin().await).await;
    // a welder matches nothing about a cook's job; an id that does not exist; a worker placed
    let mut welder = worker_body(&id_number("19850505", 9), "13755556666");
    welder["skills"] = json!(["电焊"]);
    welder["desired_jobs"] = json!("焊工");
    let welder = id_of(app.post("/api/v1/workers", None, &welder).await).await;
    app.wait_indexed().await;
    let mut answers = Vec::new();
    for worker_id in [welder, 999_999] {
        let r = app
            .post(
                "/api/v1/applications",
                Some(&k.hr),
                &json!({"worker_id": worker_id, "vacancy_id": k.vacancy_id}),
            )
            .await;
        answers.push((r.status(), r.text().await.unwrap()));
    }
    assert_eq!(
        answers[0].0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{answers:?}"
    );
    assert_eq!(answers[0], answers[1], "the answers tell the cases apart");
    assert_eq!(app.count("select count(*) from applications").await, 0);
    // the cook is a candidate and can be invited
    let r = app
        .post(
            "/api/v1/applications",
            Some(&k.hr),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_trainer_enrols_only_workers_who_came_by_themselves_or_through_their_station() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务站", "st@mt.test").await;
    let (_, trainer) = app.trainer(&admin, "t@px.test").await;
    let course = |title: &str| {
        let start =
            laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(5));
        let end =
            laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(20));
        json!({"programme": "cantonese-chef", "title": title, "occupation": "中式烹调师",
               "start_date": start, "end_date": end, "capacity": 10})
    };
    let c1 = id_of(
        app.post("/api/v1/courses", Some(&trainer), &course("粤菜师傅一期"))
            .await,
    )
    .await;
    let c2 = id_of(
        app.post("/api/v1/courses", Some(&trainer), &course("粤菜师傅二期"))
            .await,
    )
    .await;
    let stranger = app
        .station_worker(&station, &id_number("19870707", 11), "13700001111", false)
        .await;
    let sent = app
        .station_worker(&station, &id_number("19870707", 12), "13700002222", false)
        .await;
    // a worker nobody sent: refused, and not on the roster
    let r = app
        .post(
            &format!("/api/v1/courses/{c1}/enrollments"),
            Some(&trainer),
            &json!({"worker_id": stranger}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let roster: Value = app
        .get(&format!("/api/v1/courses/{c1}/enrollments"), Some(&trainer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roster["items"], json!([]), "{roster}");
    // the station sends one; the trainer may then place them on another class too
    let r = app
        .post(
            &format!("/api/v1/courses/{c1}/enrollments"),
            Some(&station),
            &json!({"worker_id": sent}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(
            &format!("/api/v1/courses/{c2}/enrollments"),
            Some(&trainer),
            &json!({"worker_id": sent}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // the trainer sees the name of a worker on its course, not of the other
    let r = app
        .get(&format!("/api/v1/workers/{sent}"), Some(&trainer))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("13700002222") && !body.contains(&id_number("19870707", 12)),
        "{body}"
    );
    let r = app
        .get(&format!("/api/v1/workers/{stranger}"), Some(&trainer))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count(&format!(
            "select count(*) from enrollments where worker_id = {stranger}"
        ))
        .await,
        0
    );
}

/// Hires the kitchen's worker; returns the placement id.
async fn hire(app: &TestApp, k: &Kitchen) -> i64 {
    let app_id = id_of(
        app.post(
            "/api/v1/applications",
            Some(&k.worker),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await,
    )
    .await;
    let start = laowu::domain::values::fmt_date(laowu::domain::today());
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&k.hr),
            &json!({"to": "hired", "start_date": start, "wage": 6000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["placement_id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_employer_never_reads_follow_up_notes_or_cases() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务站", "st@mt.test").await;
    let k = kitchen(&app, &admin).await;
    let placement = hire(&app, &k).await;
    let follow: i64 = app
        .count(&format!(
            "select min(id) from follow_ups where placement_id = {placement}"
        ))
        .await;
    let r = app
        .post(
            &format!("/api/v1/followups/{follow}/complete"),
            Some(&station),
            &json!({"method": "phone", "still_employed": true, "wage_paid_on_time": false,
                    "problem": "wage_arrears", "note": "老板拖欠两个月工资"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // a worker who left: what the officer wrote stays with the stations
    let next = app
        .count(&format!(
            "select min(id) from follow_ups where placement_id = {placement} and status = 'pending'"
        ))
        .await;
    let r = app
        .post(
            &format!("/api/v1/followups/{next}/complete"),
            Some(&station),
            &json!({"method": "visit", "still_employed": false, "note": "被工头打伤后离开，已报警"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // the station reads it all
    let full = app
        .get(&format!("/api/v1/placements/{placement}"), Some(&station))
        .await
        .text()
        .await
        .unwrap();
    assert!(full.contains("老板拖欠两个月工资"), "{full}");
    // the enterprise: the placement and its dates, nothing the officer wrote
    let r = app
        .get(&format!("/api/v1/placements/{placement}"), Some(&k.hr))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let text = body.to_string();
    assert!(
        !text.contains("老板拖欠") && !text.contains("wage_arrears") && !text.contains("工头"),
        "{text}"
    );
    assert_eq!(body["cases"], json!([]));
    assert_eq!(body["follow_ups"].as_array().unwrap().len(), 4);
    assert!(body["follow_ups"][0]["due_on"].is_string());
    let _ = k.admin;
}

#[tokio::test]
async fn a_receiving_station_follows_the_workers_placed_in_its_district_and_nothing_else() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, _sending) = app.station(&admin, "湄潭县劳务站", "st@mt.test").await;
    let (_, doumen) = create_station(
        &app,
        &admin,
        json!({"name": "斗门区劳务协作站", "side": "receiving", "email": "dm@st.test"}),
    )
    .await;
    let k = kitchen(&app, &admin).await;
    // before the hire: nothing
    let r = app
        .get(&format!("/api/v1/workers/{}", k.worker_id), Some(&doumen))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // nor a worker whom no station holds yet (a Fugong worker before Fugong has a station)
    let mut body = worker_body(&id_number_fugong("19920202", 3), "13600006666");
    body["hometown_code"] = json!("533323101");
    let unassigned = id_of(app.post("/api/v1/workers", None, &body).await).await;
    let r = app
        .get(&format!("/api/v1/workers/{unassigned}"), Some(&doumen))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    hire(&app, &k).await;
    // after: name and phone to follow them up, never the 身份证 number or household
    let r = app
        .get(&format!("/api/v1/workers/{}", k.worker_id), Some(&doumen))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("13712345678"), "{body}");
    assert!(!body.contains(&id_number("19900505", 5)), "{body}");
    assert!(!body.contains("poverty_alleviated"), "{body}");
    let list = app
        .get("/api/v1/workers", Some(&doumen))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("13712345678") && !list.contains(&id_number("19900505", 5)),
        "{list}"
    );
    // and it may not change the record
    let r = app
        .put(
            &format!("/api/v1/workers/{}", k.worker_id),
            Some(&doumen),
            &json!({"phone": "13700000000"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // the record page: no 身份证 digits and no birth date (together they give the number back)
    let dm = browser();
    app.browser_login(&dm, "dm@st.test", PASSWORD).await;
    let page = dm
        .get(app.url(&format!("/station/workers/{}", k.worker_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let number = id_number("19900505", 5);
    assert!(page.contains("13712345678"), "{page}");
    assert!(
        !page.contains(&number[..6])
            && !page.contains(&number[14..])
            && !page.contains("1990-05-05"),
        "{page}"
    );
    // no filtering the followed workers by household, no look-up by number
    for q in [
        "/api/v1/workers?poverty_alleviated=true".to_owned(),
        format!("/api/v1/workers?q={number}"),
    ] {
        let list: Value = app.get(&q, Some(&doumen)).await.json().await.unwrap();
        assert_eq!(list["total"], 0, "{q}: {list}");
    }
    // no application history
    let application = app
        .count(&format!(
            "select max(id) from applications where worker_id = {}",
            k.worker_id
        ))
        .await;
    let r = app
        .get(
            &format!("/api/v1/applications/{application}"),
            Some(&doumen),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // but it records the follow-ups of the worker it follows
    let follow = app
        .count(&format!(
            "select min(f.id) from follow_ups f join placements p on p.id = f.placement_id where p.worker_id = {}",
            k.worker_id
        ))
        .await;
    let r = app
        .post(
            &format!("/api/v1/followups/{follow}/complete"),
            Some(&doumen),
            &json!({"method": "visit", "still_employed": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn a_rejected_or_suspended_enterprise_disappears_from_board_search_logins_and_mail() {
    let app = spawn_app().await;
    let k = kitchen(&app, &app.admin().await).await;
    let (_, station) = app.station(&k.admin, "湄潭县劳务站", "st@mt.test").await;
    let listed = |body: &Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"].as_i64() == Some(k.vacancy_id))
    };
    let board: Value = app
        .get("/api/v1/vacancies?q=厨师", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed(&board));
    // an invitation made while the enterprise was in good standing
    let invitation = id_of(
        app.post(
            "/api/v1/applications",
            Some(&k.hr),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await,
    )
    .await;
    for action in ["suspend", "reject"] {
        if action == "reject" {
            let r = app
                .post(
                    &format!("/api/v1/employers/{}/verify", k.employer_id),
                    Some(&k.admin),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
        let r = app
            .post(
                &format!("/api/v1/employers/{}/{action}", k.employer_id),
                Some(&k.admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{action}");
        app.wait_indexed().await;
        for q in ["/api/v1/vacancies", "/api/v1/vacancies?q=厨师"] {
            let board: Value = app.get(q, None).await.json().await.unwrap();
            assert!(!listed(&board), "{action} {q}: {board}");
        }
        let r = app
            .get(&format!("/api/v1/vacancies/{}", k.vacancy_id), None)
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{action}");
        let matches: Value = app
            .get(
                &format!("/api/v1/workers/{}/matches", k.worker_id),
                Some(&k.worker),
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(
            !matches["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["vacancy_id"].as_i64() == Some(k.vacancy_id)),
            "{action}: {matches}"
        );
        // its logins stop working, token and password alike
        let r = app
            .get(
                &format!("/api/v1/vacancies/{}/matches", k.vacancy_id),
                Some(&k.hr),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{action}");
        let r = app
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"login": "hr7@test.local", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{action}");
        // nobody can put a worker forward to it, so no mail goes out
        let before = app.count("select count(*) from outbox").await;
        let r = app
            .post(
                "/api/v1/applications",
                Some(&k.worker),
                &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        // accepting the old invitation now would mail it the worker's name and phone
        let r = app
            .post(
                &format!("/api/v1/applications/{invitation}/transition"),
                Some(&k.worker),
                &json!({"to": "applied"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        assert_eq!(app.count("select count(*) from outbox").await, before);
    }
    let _ = station;
}

#[tokio::test]
async fn probing_the_register_by_self_registration_stops_an_address_for_a_day() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务站", "st@mt.test").await;
    let known = id_number("19880808", 31);
    app.station_worker(&station, &known, "13800008888", false)
        .await;
    // someone tries the registered number with phones of their own: the same refusal each
    // time, and after three the address may not self-register for a day
    let mut answers = Vec::new();
    for i in 0..4 {
        let mut body = worker_body(&known, &format!("1366666{:04}", i));
        body["name"] = json!("某某");
        let r = app.post("/api/v1/workers", None, &body).await;
        answers.push(r.status());
    }
    assert_eq!(
        answers,
        [
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19990909", 32), "13666669999"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // stations are not affected
    let r = app
        .post(
            "/api/v1/workers",
            Some(&station),
            &worker_body(&id_number("19990909", 33), "13666668888"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}
