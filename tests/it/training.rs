//! Training: programmes, courses within capacity, completion with certificates that count in
//! matching, and the figures the bureau judges providers by.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, worker_body};

fn date(days: i64) -> String {
    fmt_date(today() + time::Duration::days(days))
}

struct Setup {
    admin: String,
    trainer: String,
    station: String,
    provider: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let admin = app.admin().await;
    let (provider, trainer) = app.trainer(&admin, "teacher@test.local").await;
    let (_, station) = app.station(&admin, "湄潭县工作站", "st@test.local").await;
    Setup {
        admin,
        trainer,
        station,
        provider,
    }
}

async fn course(app: &TestApp, token: &str, end_in_days: i64, capacity: i64) -> i64 {
    let body = json!({
        "programme": "cantonese-chef", "title": "粤菜师傅（中式烹调师）培训班", "occupation": "中式烹调师",
        "level": "四级", "start_date": date(1), "end_date": date(end_in_days.max(1)),
        "place": "斗门区井岸镇", "capacity": capacity,
    });
    let r = app.post("/api/v1/courses", Some(token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn worker(app: &TestApp, station: &str, n: u32) -> i64 {
    let id = id_number("19900101", 200 + n);
    app.station_worker(station, &id, &format!("1370000{n:04}"), false)
        .await
}

#[tokio::test]
async fn the_four_programmes_with_editable_occupations() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let v: Value = app
        .get("/api/v1/programmes", None)
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "cantonese-chef",
            "guangdong-technician",
            "nanyue-housekeeping",
            "rural-craftsman"
        ]
    );
    assert_eq!(v[0]["name"], "粤菜师傅");
    assert!(
        v[2]["occupations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "育婴员")
    );
    let r = app
        .put(
            "/api/v1/programmes/rural-craftsman",
            Some(&s.trainer),
            &json!({"occupations": "竹编"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .put(
            "/api/v1/programmes/rural-craftsman",
            Some(&s.admin),
            &json!({"occupations": "竹编、木工、石匠"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = app
        .get("/api/v1/programmes", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v[3]["occupations"], json!(["竹编", "木工", "石匠"]));
}

#[tokio::test]
async fn enrolment_respects_capacity_duplicates_roles_and_dates() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = course(&app, &s.trainer, 10, 2).await;
    let (w1, w2, w3) = (
        worker(&app, &s.station, 1).await,
        worker(&app, &s.station, 2).await,
        worker(&app, &s.station, 3).await,
    );
    let path = format!("/api/v1/courses/{c}/enrollments");
    assert_eq!(
        app.post(&path, Some(&s.station), &json!({"worker_id": w1}))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(&path, Some(&s.trainer), &json!({"worker_id": w1}))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    // a station enrols its own worker
    assert_eq!(
        app.post(&path, Some(&s.station), &json!({"worker_id": w2}))
            .await
            .status(),
        StatusCode::CREATED
    );
    let r = app
        .post(&path, Some(&s.station), &json!({"worker_id": w3}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.json::<Value>().await.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("名额已满")
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from enrollments where course_id = {c}"
        ))
        .await,
        2
    );
    // an employer may not enrol anyone; another provider's trainer may not either
    let (_, hr) = app.verified_employer(&s.admin, 70).await;
    assert_eq!(
        app.post(&path, Some(&hr), &json!({"worker_id": w3}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // dropping frees the seat
    let roster: Value = app.get(&path, Some(&s.trainer)).await.json().await.unwrap();
    let first = roster["items"][0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/enrollments/{first}/drop"),
            Some(&s.trainer),
            &json!({"reason": "外出务工"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.post(&path, Some(&s.station), &json!({"worker_id": w3}))
            .await
            .status(),
        StatusCode::CREATED
    );

    // a worker signs up: pending until the trainer confirms
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19950505", 9), "13600009999"),
        )
        .await;
    let me = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let token = app.token("13600009999", PASSWORD).await;
    let c2 = course(&app, &s.trainer, 15, 5).await;
    let r = app
        .post(
            &format!("/api/v1/courses/{c2}/enrollments"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let e = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let roster: Value = app
        .get(
            &format!("/api/v1/courses/{c2}/enrollments"),
            Some(&s.trainer),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roster["items"][0]["status"], "pending");
    assert_eq!(roster["items"][0]["worker_id"], me);
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/confirm"),
            Some(&s.trainer),
            &json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "enrolled");

    // after the course's last day, no more enrolment
    let old = course(&app, &s.trainer, -1, 5).await;
    app.course_runs(old, -21, -1).await;
    let r = app
        .post(
            &format!("/api/v1/courses/{old}/enrollments"),
            Some(&s.trainer),
            &json!({"worker_id": w1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // attendance only on course days, not in the future
    app.course_runs(c2, -5, 15).await;
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/attendance"),
            Some(&s.trainer),
            &json!({"session_date": date(-5), "present": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["sessions_present"], 1);
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/attendance"),
            Some(&s.trainer),
            &json!({"session_date": date(-60), "present": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let _ = s.provider;
}

#[tokio::test]
async fn a_certificate_from_a_course_ranks_its_holder_first_and_the_figures_add_up() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    // a kitchen job asking for 粤菜师傅
    let (_, hr) = app.verified_employer(&s.admin, 71).await;
    let job = json!({
        "title": "粤菜厨师", "occupation": "中式烹调师", "description": "粤菜炒锅", "headcount": 3,
        "wage_min": 6000, "wage_max": 8000, "town_code": "440403107", "lodging": true,
        "required_programme": "cantonese-chef", "expires_on": date(60),
    });
    let vacancy = app
        .post("/api/v1/vacancies", Some(&hr), &job)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // two otherwise equal cooks
    let (a, b) = (
        worker(&app, &s.station, 11).await,
        worker(&app, &s.station, 12).await,
    );
    // the course ends in 3 days: completion is refused before then
    let soon = course(&app, &s.trainer, 3, 10).await;
    let r = app
        .post(
            &format!("/api/v1/courses/{soon}/enrollments"),
            Some(&s.station),
            &json!({"worker_id": b}),
        )
        .await;
    let early = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/enrollments/{early}/complete"),
            Some(&s.trainer),
            &json!({"certificate_no": "X1", "level": "四级"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // a course ending today: completion with a certificate for A, without for one more
    let c = course(&app, &s.trainer, 0, 10).await;
    let e = app
        .post(
            &format!("/api/v1/courses/{c}/enrollments"),
            Some(&s.station),
            &json!({"worker_id": a}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other = worker(&app, &s.station, 13).await;
    let e2 = app
        .post(
            &format!("/api/v1/courses/{c}/enrollments"),
            Some(&s.station),
            &json!({"worker_id": other}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.course_runs(c, -20, 0).await;
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/complete"),
            Some(&s.station),
            &json!({"certificate_no": "S2026-0001", "level": "四级"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/complete"),
            Some(&s.trainer),
            &json!({"certificate_no": "S2026-0001", "level": "四级"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.json::<Value>().await.unwrap()["certificate_id"].is_i64());
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e2}/complete"),
            Some(&s.trainer),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let certs: Value = app
        .get(
            &format!("/api/v1/workers/{a}/certificates"),
            Some(&s.station),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(certs[0]["level"], "四级/中级工");
    assert_eq!(certs[0]["programme"], "cantonese-chef");

    // matching: the certified cook first, visibly; the other is told what is missing and where to get it
    app.wait_indexed().await;
    let v: Value = app
        .get(
            &format!("/api/v1/vacancies/{vacancy}/matches"),
            Some(&s.admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["worker_id"], a, "{v}");
    let pos_b = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["worker_id"] == b)
        .unwrap();
    assert!(
        v["items"][0]["score"].as_f64().unwrap()
            > v["items"][pos_b]["score"].as_f64().unwrap() + 10.0
    );
    assert!(
        v["items"][0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "证书：粤菜师傅 中式烹调师 四级")
    );
    let m: Value = app
        .get(&format!("/api/v1/workers/{b}/matches"), Some(&s.station))
        .await
        .json()
        .await
        .unwrap();
    let reasons = m["items"][0]["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r == "缺：粤菜师傅证书"), "{m}");
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("可报名：粤菜师傅")),
        "{m}"
    );

    // A is hired: the figures count enrolled, completed, certified and employed within 6 months
    let app_id = app
        .post(
            "/api/v1/applications",
            Some(&s.station),
            &json!({"worker_id": a, "vacancy_id": vacancy}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&hr),
            &json!({"to": "hired", "start_date": date(0), "wage": 6500}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let f: Value = app
        .get("/api/v1/training/figures", Some(&s.admin))
        .await
        .json()
        .await
        .unwrap();
    let chef = &f["by_programme"][0];
    assert_eq!(chef["name"], "粤菜师傅");
    assert_eq!(
        (
            chef["enrolled"].as_i64(),
            chef["completed"].as_i64(),
            chef["certified"].as_i64(),
            chef["employed_within_6m"].as_i64()
        ),
        (Some(3), Some(2), Some(1), Some(1))
    );
    assert_eq!(f["by_provider"][0]["name"], "斗门区职业技能培训中心");
    assert_eq!(f["by_provider"][0]["employed_within_6m"], 1);
}

#[tokio::test]
async fn a_station_enters_a_certificate_earned_elsewhere() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let w = worker(&app, &s.station, 21).await;
    let path = format!("/api/v1/workers/{w}/certificates");
    let r = app.post(&path, Some(&s.station), &json!({"programme": "nanyue-housekeeping", "occupation": "育婴员", "level": "五级", "certificate_no": "GD-001"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json::<Value>().await.unwrap()["errors"]
            .get("issuer")
            .is_some()
    );
    let body = json!({"programme": "nanyue-housekeeping", "occupation": "育婴员", "level": "五级", "certificate_no": "GD-001", "issuer": "广州市人社局", "issued_on": "2025-06-01"});
    assert_eq!(
        app.post(&path, Some(&s.trainer), &body).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&path, Some(&s.station), &body).await.status(),
        StatusCode::CREATED
    );
    let certs: Value = app.get(&path, Some(&s.station)).await.json().await.unwrap();
    assert_eq!(certs[0]["issuer"], "广州市人社局");
    // and the profile page shows it
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let html = officer
        .get(app.url(&format!("/station/workers/{w}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("南粤家政 育婴员 五级"));
}

#[tokio::test]
async fn a_trainer_runs_a_course_on_the_pages() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (w1, w2) = (
        worker(&app, &s.station, 31).await,
        worker(&app, &s.station, 32).await,
    );
    let t = browser();
    app.browser_login(&t, "teacher@test.local", PASSWORD).await;
    let csrf = app.csrf(&t, "/trainer").await;
    // sign-up closes the day before the start: the course starts tomorrow, people sign up,
    // then it runs (its dates moved) and ends today
    let start = date(1);
    let end = date(1);
    let r = t
        .post(app.url("/trainer/courses"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("programme", "nanyue-housekeeping"),
            ("title", "南粤家政育婴员培训班"),
            ("occupation", "育婴员"),
            ("level", "五级/初级工"),
            ("start_date", start.as_str()),
            ("end_date", end.as_str()),
            ("place", "白藤街道"),
            ("capacity", "20"),
            ("subsidised", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let course_path = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = course_path.rsplit('/').next().unwrap().parse().unwrap();
    for w in [w1, w2] {
        app.post(
            &format!("/api/v1/courses/{id}/enrollments"),
            Some(&s.station),
            &json!({"worker_id": w}),
        )
        .await;
    }
    app.course_runs(id, -20, 0).await;
    let html = t
        .get(app.url(&course_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("结业与发证"));
    assert!(html.contains("冉小梅"));
    // attendance for the whole class, then bulk completion with certificates
    let e: Vec<i64> = sqlx::query_scalar("select id from enrollments order by id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let present = e[0].to_string();
    let yesterday = date(-1);
    let r = t
        .post(app.url(&format!("/trainer/courses/{id}/attendance")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("session_date", yesterday.as_str()),
            ("present", present.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("select count(*) from attendance").await, 2);
    let (c1, c2) = (format!("complete_{}", e[0]), format!("complete_{}", e[1]));
    let (n1, l1) = (format!("cert_{}", e[0]), format!("level_{}", e[0]));
    let (n2, l2) = (format!("cert_{}", e[1]), format!("level_{}", e[1]));
    let r = t
        .post(app.url(&format!("/trainer/courses/{id}/complete")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("issued_on", date(0).as_str()),
            (c1.as_str(), "on"),
            (n1.as_str(), "NY-2026-01"),
            (l1.as_str(), "五级/初级工"),
            (c2.as_str(), "on"),
            (n2.as_str(), "NY-2026-02"),
            (l2.as_str(), "四级/中级工"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // the second was absent from the one session taken: completion needs 80 % of them
    assert_eq!(
        app.count("select count(*) from enrollments where status = 'completed'")
            .await,
        1
    );
    assert_eq!(app.count("select count(*) from certificates").await, 1);
    let html = t
        .get(app.url(&course_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("出勤不足"), "{html}");
    assert!(html.contains("结业条件：出勤不少于本班已点名课次的80%"));
    // the row refused comes back as sent: ticked, its number and its level
    assert!(html.contains(r#"value="NY-2026-02""#), "{html}");
    assert!(
        html.contains(r#"<option value="四级/中级工" selected>"#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"name="{c2}" checked"#)), "{html}");
    let html = t
        .get(app.url("/training"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("培训成效"));
    // the public course list
    let html = app
        .api
        .get(app.url("/courses?programme=nanyue-housekeeping"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("南粤家政育婴员培训班"));
}
