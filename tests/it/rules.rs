//! Rules a person expects (issue #15 point 4): course sign-up until the day before the start,
//! an enterprise's own HR login chosen at registration, new applications on the enterprise's
//! home page, and a station's own county's monthly report.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, browser, id_number, spawn_app, vacancy_body, worker_body};

fn date(days: i64) -> String {
    fmt_date(today() + time::Duration::days(days))
}

#[tokio::test]
async fn a_course_takes_sign_ups_until_the_day_before_it_starts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, trainer) = app.trainer(&admin, "teacher@rules.test").await;
    let (_, station) = app.station(&admin, "湄潭县工作站", "st@rules.test").await;
    let worker = app
        .station_worker(&station, &id_number("19900101", 41), "13700004141", true)
        .await;
    let mut ids = Vec::new();
    for (title, start) in [("明天开班", 1), ("今天开班", 0)] {
        let body = json!({
            "programme": "cantonese-chef", "title": title, "occupation": "中式烹调师",
            "level": "四级", "start_date": date(start), "end_date": date(10),
            "place": "斗门区井岸镇", "capacity": 5,
        });
        let r = app.post("/api/v1/courses", Some(&trainer), &body).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let enrol = |c: i64| format!("/api/v1/courses/{c}/enrollments");
    // tomorrow's course: today is the last day to sign up
    let r = app
        .post(
            &enrol(ids[0]),
            Some(&station),
            &json!({"worker_id": worker}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // today's course has started: closed for the worker and the station, with the rule said
    let token = app.token("13700004141", PASSWORD).await;
    for t in [&station, &token] {
        let r = app
            .post(&enrol(ids[1]), Some(t), &json!({"worker_id": worker}))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await.unwrap();
        assert!(
            v["errors"]["course_id"][0]
                .as_str()
                .unwrap()
                .contains("报名已截止"),
            "{v}"
        );
    }
    // the trainer may still take someone in (插班)
    let r = app
        .post(
            &enrol(ids[1]),
            Some(&trainer),
            &json!({"worker_id": worker}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // the page says the rule, and offers no sign-up on the started course
    let me = browser();
    app.browser_login(&me, "13700004141", PASSWORD).await;
    let html = me
        .get(app.url("/courses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("报名截止 {}（开班前一天）", date(0))),
        "{html}"
    );
    assert!(html.contains("已开班，报名已截止"));
    assert!(html.contains("结业须出勤不少于已点名课次的80%"));
    assert!(!html.contains(&format!("/courses/{}/signup", ids[1])));
}

#[tokio::test]
async fn an_enterprise_chooses_its_hr_login_which_works_once_verified() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let client = browser();
    let csrf = app.csrf(&client, "/employers/register").await;
    let uscc = laowu::domain::uscc::with_check_char("91440403MA4T55555");
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("name", "珠海斗门自选账号有限公司"),
        ("uscc", uscc.as_str()),
        ("town_code", "440403100"),
        ("address", "井岸镇1号"),
        ("contact_name", "黄小姐"),
        ("contact_phone", "13900002233"),
        ("contact_email", "contact@own.test"),
        ("hr_email", "hr@own.test"),
        ("password", "Own-login-2026"),
        ("password2", "Own-login-2027"),
    ];
    // passwords that differ: nothing written, the choices kept, the passwords to type again
    let r = client
        .post(app.url("/employers/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("两次输入的密码不一致"), "{html}");
    assert!(
        html.contains("<option value=\"440403100\" selected>"),
        "{html}"
    );
    assert!(html.contains("value=\"hr@own.test\""));
    assert_eq!(app.count("select count(*) from employers").await, 0);
    assert_eq!(
        app.count("select count(*) from users where email = 'hr@own.test'")
            .await,
        0
    );
    form.pop();
    form.push(("password2", "Own-login-2026"));
    let r = client
        .post(app.url("/employers/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // sent twice: the result again, not a second registration or a bare error
    let r = client
        .post(app.url("/employers/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("这张表已经提交过"), "{html}");
    let employer: i64 = sqlx::query_scalar("select id from employers where uscc = $1")
        .bind(&uscc)
        .fetch_one(&app.db)
        .await
        .unwrap();
    // before verification: refused, saying why
    let hr = browser();
    let csrf = app.csrf(&hr, "/login").await;
    let r = hr
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "hr@own.test"),
            ("password", "Own-login-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("还在审核中"));
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"login": "hr@own.test", "password": "Own-login-2026"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // a wrong password hears nothing about the enterprise
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"login": "hr@own.test", "password": "wrong-2026x"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // verified: the same login works
    let r = app
        .post(
            &format!("/api/v1/employers/{employer}/verify"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.browser_login(&hr, "hr@own.test", "Own-login-2026")
        .await;
    let html = hr
        .get(app.url("/employer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("珠海斗门自选账号有限公司"), "{html}");
}

#[tokio::test]
async fn the_enterprise_home_page_counts_new_applications_per_vacancy() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县工作站", "st@new.test").await;
    let (_, hr) = app.verified_employer(&admin, 51).await;
    let mut vacancies = Vec::new();
    for title in ["电子厂普工", "仓库分拣员"] {
        let r = app
            .post("/api/v1/vacancies", Some(&hr), &vacancy_body(title))
            .await;
        vacancies.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    for n in 0..2 {
        let w = app
            .station_worker(
                &station,
                &id_number("19930303", 50 + n),
                &format!("1370000515{n}"),
                false,
            )
            .await;
        let r = app
            .post(
                "/api/v1/applications",
                Some(&station),
                &json!({"worker_id": w, "vacancy_id": vacancies[0]}),
            )
            .await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    let client = browser();
    app.browser_login(&client, "hr51@test.local", PASSWORD)
        .await;
    let html = client
        .get(app.url("/employer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("新投递 2 份"), "{html}");
    assert!(html.contains("没有待处理的新投递"));
}

#[tokio::test]
async fn a_station_reads_its_own_countys_monthly_report() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app.station(&admin, "湄潭县工作站", "mt@month.test").await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "福贡县工作站", "side": "sending", "email": "fg@month.test", "county_code": "533323"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let fugong_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let fugong = app
        .login_as("fg@month.test", laowu::auth::Role::Station, Some(fugong_id))
        .await;
    app.station_worker(&meitan, &id_number("19900101", 61), "13700006161", false)
        .await;
    let mut body = worker_body(
        &laowu::domain::id_card::with_check_char("53332319900101062"),
        "13700006262",
    );
    body["hometown_code"] = json!("533323101");
    body.as_object_mut().unwrap().remove("password");
    let r = app.post("/api/v1/workers", Some(&fugong), &body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );

    let month = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        async move {
            let r = app.get("/api/v1/reports/monthly", Some(&token)).await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let all = month(&admin).await;
    assert_eq!(all["registrations"]["total"]["month"], 2);
    assert_eq!(all["scope"], "全平台");
    let mt = month(&meitan).await;
    assert_eq!(mt["registrations"]["total"]["month"], 1);
    assert_eq!(mt["scope"], "湄潭县");
    assert_eq!(mt["counties"].as_array().unwrap().len(), 1);
    let fg = month(&fugong).await;
    assert_eq!(fg["registrations"]["total"]["month"], 1);
    assert_eq!(fg["counties"][0]["name"], "福贡县");
    // the page says whose figures they are
    let client = browser();
    app.browser_login(&client, "mt@month.test", PASSWORD).await;
    let html = client
        .get(app.url("/reports/monthly"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("月报 · 湄潭县"), "{html}");
    // an enterprise still may not
    let (_, hr) = app.verified_employer(&admin, 61).await;
    let r = app.get("/api/v1/reports/monthly", Some(&hr)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
