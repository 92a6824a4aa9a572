//! The whole path: match, apply or recommend, hire, follow-ups on the right dates, a problem
//! opened and closed, a worker leaving; and the mail it sends, once.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_number, spawn_app, spawn_app_with, vacancy_body, worker_body};
use crate::smtp::SmtpSink;

struct World {
    admin: String,
    station: String,
    hr: String,
    worker_id: i64,
    vacancy_id: i64,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "station@mt.test")
        .await;
    let (_, hr) = app.verified_employer(&admin, 42).await;
    let mut v = vacancy_body("电子厂普工");
    v["headcount"] = json!(1);
    let vacancy_id = app
        .post("/api/v1/vacancies", Some(&hr), &v)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut w = worker_body(&id_number("19910101", 7), "13811112222");
    w.as_object_mut().unwrap().remove("password");
    w["desired_jobs"] = json!("普工、电子厂");
    let r = app.post("/api/v1/workers", Some(&station), &w).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let worker_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    World {
        admin,
        station,
        hr,
        worker_id,
        vacancy_id,
    }
}

/// Mail to `smtp`, with the station digests and weekly lists written as soon as there is
/// something to send (any hour, no quiet interval).
fn mail_at_once(smtp: &SmtpSink) -> impl FnOnce(&mut laowu::config::Config) + use<> {
    let url = smtp.url();
    move |c| {
        c.smtp_url = Some(url);
        c.digest_hour = 0;
        c.quiet_recheck = std::time::Duration::ZERO;
    }
}

async fn move_to(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/applications/{id}/transition"),
        Some(token),
        &body,
    )
    .await
}

#[tokio::test]
async fn from_recommendation_to_a_job_that_holds() {
    let smtp = SmtpSink::start().await;
    let url = smtp.url();
    let app = spawn_app_with(None, move |c| c.smtp_url = Some(url)).await;
    let w = world(&app).await;

    // Before anything, the enterprise may not see the worker.
    let worker_path = format!("/api/v1/workers/{}", w.worker_id);
    assert_eq!(
        app.get(&worker_path, Some(&w.hr)).await.status(),
        StatusCode::FORBIDDEN
    );

    // The station recommends; the enterprise's contact gets a mail.
    let body = json!({"worker_id": w.worker_id, "vacancy_id": w.vacancy_id});
    let r = app
        .post("/api/v1/applications", Some(&w.station), &body)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let app_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        app.post("/api/v1/applications", Some(&w.station), &body)
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let mail = smtp.wait_for(1).await;
    assert_eq!(mail[0].to, vec!["contact42@test.local"]);
    assert!(
        mail[0].subject().contains("工作站推荐人选：电子厂普工"),
        "{}",
        mail[0].subject()
    );
    assert!(mail[0].header("Message-ID").unwrap().contains("outbox-"));

    // Now the enterprise sees the real name and phone (and the view is audited), not the ID number.
    let r = app.get(&worker_path, Some(&w.hr)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["name"], "冉小梅");
    assert_eq!(v["phone"], "13811112222");
    assert!(v["id_number"].as_str().unwrap().contains("****"));
    assert!(v.get("household").is_none());
    let audited = app
        .count(&format!(
            "select count(*) from audit_log where role = 'employer' and subject_id = {}",
            w.worker_id
        ))
        .await;
    assert_eq!(audited, 1);

    // Interview, offer, hire 28 days ago.
    assert_eq!(
        move_to(&app, &w.hr, app_id, json!({"to": "interviewing"}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        move_to(
            &app,
            &w.hr,
            app_id,
            json!({"to": "offered", "note": "月薪5200"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let r = move_to(&app, &w.hr, app_id, json!({"to": "hired"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.json::<Value>().await.unwrap()["errors"].clone();
    assert!(errors.get("start_date").is_some() && errors.get("wage").is_some());
    let start = today() - time::Duration::days(28);
    let r = move_to(
        &app,
        &w.hr,
        app_id,
        json!({"to": "hired", "start_date": fmt_date(start), "wage": 5200}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let placement_id = r.json::<Value>().await.unwrap()["placement_id"]
        .as_i64()
        .unwrap();
    // a hired application is final
    assert_eq!(
        move_to(
            &app,
            &w.hr,
            app_id,
            json!({"to": "rejected", "reason": "其他"})
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );

    // The history keeps every step with who and when.
    let v: Value = app
        .get(&format!("/api/v1/applications/{app_id}"), Some(&w.admin))
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["applied", "interviewing", "offered", "hired"]);

    // The single place is gone: the vacancy is filled and leaves the board; the worker is placed.
    let v: Value = app
        .get(&format!("/api/v1/vacancies/{}", w.vacancy_id), Some(&w.hr))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "filled");
    assert_eq!(v["places_left"], 0);
    let worker: Value = app
        .get(&worker_path, Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(worker["status"], "placed");
    app.wait_indexed().await;
    let board: Value = app
        .get("/api/v1/vacancies?q=普工", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(board["total"], 0);

    // Follow-ups due 7, 30, 90 and 180 days after the start.
    let p: Value = app
        .get(
            &format!("/api/v1/placements/{placement_id}"),
            Some(&w.station),
        )
        .await
        .json()
        .await
        .unwrap();
    let due: Vec<String> = p["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["due_on"].as_str().unwrap().to_owned())
        .collect();
    let expect: Vec<String> = [7, 30, 90, 180]
        .iter()
        .map(|d| fmt_date(start + time::Duration::days(*d)))
        .collect();
    assert_eq!(due, expect);
    assert_eq!(
        app.get(&format!("/api/v1/placements/{placement_id}"), Some(&w.hr))
            .await
            .status(),
        StatusCode::OK
    );

    // The caseload: one overdue (day 7), one due this week (day 30, in two days).
    let overdue: Value = app
        .get("/api/v1/followups?status=overdue", Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    assert_eq!(overdue["items"][0]["day_offset"], 7);
    let this_week: Value = app
        .get("/api/v1/followups?status=due", Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(this_week["items"][0]["day_offset"], 30);
    assert_eq!(
        app.get("/api/v1/followups?status=due", Some(&w.hr))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Day 7: wages not paid — a case opens, and stays open until resolved.
    let f7 = overdue["items"][0]["id"].as_i64().unwrap();
    let bad = app
        .post(
            &format!("/api/v1/followups/{f7}/complete"),
            Some(&w.station),
            &json!({"method": "信鸽"}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &format!("/api/v1/followups/{f7}/complete"),
            Some(&w.station),
            &json!({"method": "电话", "still_employed": true, "wage_paid_on_time": false, "monthly_wage": 5200, "problem": "欠薪", "note": "首月工资推迟发放"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/followups/{f7}/complete"),
            Some(&w.station),
            &json!({"method": "phone", "still_employed": true}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let cases: Value = app
        .get("/api/v1/cases", Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cases["items"].as_array().unwrap().len(), 1);
    assert_eq!(cases["items"][0]["problem"], "wage_arrears");
    let case_id = cases["items"][0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/cases/{case_id}/resolve"),
            Some(&w.station),
            &json!({"resolution": "企业已补发工资"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cases: Value = app
        .get("/api/v1/cases", Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert!(cases["items"].as_array().unwrap().is_empty());

    // Day 30: the worker has left; the placement ends and they seek work again.
    let f30 = this_week["items"][0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/followups/{f30}/complete"),
            Some(&w.station),
            &json!({"method": "wechat", "still_employed": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &format!("/api/v1/followups/{f30}/complete"),
            Some(&w.station),
            &json!({"method": "wechat", "still_employed": false, "left_reason": "家中老人生病，返乡照顾"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = app
        .get(
            &format!("/api/v1/placements/{placement_id}"),
            Some(&w.admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "left");
    assert_eq!(p["left_reason"], "家中老人生病，返乡照顾");
    let statuses: Vec<&str> = p["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "done", "cancelled", "cancelled"]);
    let worker: Value = app
        .get(&worker_path, Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(worker["status"], "seeking");

    let retention: Value = app
        .get("/api/v1/retention", Some(&w.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retention["total"]["placements"], 1);
    assert_eq!(retention["total"]["active"], 0);
}

#[tokio::test]
async fn workers_apply_withdraw_and_refusals_need_a_reason() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // a self-registered worker applies to the vacancy
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19930303", 8), "13822223333"),
        )
        .await;
    let me = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let token = app.token("13822223333", crate::helpers::PASSWORD).await;
    // not for someone else
    let r = app
        .post(
            "/api/v1/applications",
            Some(&token),
            &json!({"worker_id": w.worker_id, "vacancy_id": w.vacancy_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            "/api/v1/applications",
            Some(&token),
            &json!({"worker_id": me, "vacancy_id": w.vacancy_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // the worker cannot hire themselves
    assert_eq!(
        move_to(&app, &token, id, json!({"to": "offered"}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // a refusal needs a reason from the list; 其他 needs a note
    let r = move_to(&app, &w.hr, id, json!({"to": "rejected"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = move_to(&app, &w.hr, id, json!({"to": "rejected", "reason": "其他"})).await;
    assert!(
        r.json::<Value>().await.unwrap()["errors"]
            .get("note")
            .is_some()
    );
    let r = move_to(
        &app,
        &w.hr,
        id,
        json!({"to": "rejected", "reason": "薪资未谈拢"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let events: Value = app
        .get(&format!("/api/v1/applications/{id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["events"][1]["reason"], "薪资未谈拢");

    // An enterprise invites (one of its candidates, so once the index has the worker): the
    // worker stays masked until they accept.
    app.wait_indexed().await;
    let r = app
        .post(
            "/api/v1/applications",
            Some(&w.hr),
            &json!({"worker_id": w.worker_id, "vacancy_id": w.vacancy_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let inv = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let v: Value = app
        .get(&format!("/api/v1/workers/{}", w.worker_id), Some(&w.hr))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["masked"], true);
    assert!(v["name"].as_str().unwrap().contains('*'));
    assert_eq!(
        move_to(&app, &w.hr, inv, json!({"to": "interviewing"}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // the station accepts on the worker's behalf
    assert_eq!(
        move_to(&app, &w.station, inv, json!({"to": "applied"}))
            .await
            .status(),
        StatusCode::OK
    );
    let v: Value = app
        .get(&format!("/api/v1/workers/{}", w.worker_id), Some(&w.hr))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["name"], "冉小梅");
}

#[tokio::test]
async fn mail_is_sent_once_even_after_a_restart_and_stations_get_a_digest() {
    let smtp = SmtpSink::start().await;
    let app = spawn_app_with(None, mail_at_once(&smtp)).await;
    let w = world(&app).await;
    let body = json!({"worker_id": w.worker_id, "vacancy_id": w.vacancy_id});
    let app_id = app
        .post("/api/v1/applications", Some(&w.station), &body)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let start = today() - time::Duration::days(10);
    let r = move_to(
        &app,
        &w.hr,
        app_id,
        json!({"to": "hired", "start_date": fmt_date(start), "wage": 5000}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The recommendation mail and the station's digest (day 7 overdue).
    let mails = smtp.wait_for(2).await;
    let digest = mails
        .iter()
        .find(|m| m.subject().contains("跟踪服务提醒"))
        .expect("a digest");
    assert_eq!(digest.to, vec!["station@mt.test"]);
    assert!(
        digest.subject().contains("已逾期1条"),
        "{}",
        digest.subject()
    );

    // A second node (or the same platform restarted) on the same database sends nothing again.
    let _second = spawn_app_with(Some(app.database_url.clone()), mail_at_once(&smtp)).await;
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(
        smtp.messages().len(),
        2,
        "{:?}",
        smtp.messages()
            .iter()
            .map(|m| m.subject())
            .collect::<Vec<_>>()
    );
    let sent = app
        .count("select count(*) from outbox where sent_at is not null")
        .await;
    assert_eq!(sent, 2);
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_files() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let body = json!({"worker_id": w.worker_id, "vacancy_id": w.vacancy_id});
    assert_eq!(
        app.post("/api/v1/applications", Some(&w.station), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    let dir = app.data_dir.path().join("mail");
    for _ in 0..100 {
        if dir.join("outbox-00000001.eml").exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let eml = std::fs::read_to_string(dir.join("outbox-00000001.eml")).expect("mail file");
    assert!(eml.contains("To: contact42@test.local"));
    assert!(eml.contains("Message-ID: <outbox-1."), "{eml}");
    assert!(eml.contains("@laowu.local>"), "{eml}");
}

#[tokio::test]
async fn the_whole_path_on_the_pages() {
    use crate::helpers::{PASSWORD, browser};
    let app = spawn_app().await;
    let w = world(&app).await;
    app.wait_indexed().await;

    // The station officer recommends the worker from the worker's matches page.
    let officer = browser();
    app.browser_login(&officer, "station@mt.test", PASSWORD)
        .await;
    let html = officer
        .get(app.url(&format!("/station/workers/{}/matches", w.worker_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("电子厂普工"), "{html}");
    assert!(html.contains("推荐给企业"));
    let csrf = app.csrf(&officer, "/station").await;
    let r = officer
        .post(app.url(&format!(
            "/station/workers/{}/recommend/{}",
            w.worker_id, w.vacancy_id
        )))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The HR clerk sees the applicant by name and hires on the page.
    let hr = browser();
    app.browser_login(&hr, "hr42@test.local", PASSWORD).await;
    let html = hr
        .get(app.url(&format!(
            "/employer/vacancies/{}/applications",
            w.vacancy_id
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("冉小梅"));
    assert!(html.contains("13811112222"));
    assert!(html.contains("工作站推荐"));
    let app_id: i64 = sqlx::query_scalar("select id from applications")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let csrf = app.csrf(&hr, "/employer").await;
    let back = format!("/employer/vacancies/{}/applications", w.vacancy_id);
    let start = fmt_date(today() - time::Duration::days(10));
    let r = hr
        .post(app.url(&format!("/applications/{app_id}/transition")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("to", "hired"),
            ("start_date", start.as_str()),
            ("wage", "5100"),
            ("back", back.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], back.as_str());

    // The follow-up caseload shows the day-7 visit as overdue; the officer records a problem.
    let html = officer
        .get(app.url("/station/followups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已逾期（1）"), "{html}");
    assert!(html.contains("冉小梅"));
    let f7: i64 = sqlx::query_scalar("select id from follow_ups where day_offset = 7")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let csrf = app
        .csrf(&officer, &format!("/station/followups/{f7}"))
        .await;
    let r = officer
        .post(app.url(&format!("/station/followups/{f7}")))
        .form(&[("_csrf", csrf.as_str()), ("method", "visit")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("是否仍在岗"));
    let r = officer
        .post(app.url(&format!("/station/followups/{f7}")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("method", "visit"),
            ("still_employed", "yes"),
            ("wage_paid_on_time", "yes"),
            ("problem", "housing"),
            ("note", "宿舍漏水"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = officer
        .get(app.url("/station/cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("住宿 · 冉小梅"), "{html}");
    let case_id: i64 = sqlx::query_scalar("select id from cases")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = officer
        .post(app.url(&format!("/station/cases/{case_id}/resolve")))
        .form(&[("_csrf", csrf.as_str()), ("resolution", "企业已维修宿舍")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = officer
        .get(app.url("/station/cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("没有未办结的问题"));
    let html = officer
        .get(app.url("/station/retention"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("稳岗情况"));

    // A self-registered worker applies from the vacancy page of another job and sees it on /me.
    let mut v = vacancy_body("食品包装工");
    v["headcount"] = json!(3);
    let other = app
        .post("/api/v1/vacancies", Some(&w.hr), &v)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post(
        "/api/v1/workers",
        None,
        &worker_body(&id_number("19940404", 9), "13833334444"),
    )
    .await;
    let me = browser();
    app.browser_login(&me, "13833334444", PASSWORD).await;
    let html = me
        .get(app.url(&format!("/vacancies/{other}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("投递这个岗位"));
    let csrf = app.csrf(&me, &format!("/vacancies/{other}")).await;
    let r = me
        .post(app.url(&format!("/vacancies/{other}/apply")))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = me
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("食品包装工"));
    assert!(html.contains("已投递"));
    // and opts in to the weekly list
    let r = me
        .post(app.url("/me/preferences"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "xiaomei@example.com"),
            ("weekly_matches", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let opted = app
        .count("select count(*) from workers where email = 'xiaomei@example.com'")
        .await;
    assert_eq!(opted, 1);
}

#[tokio::test]
async fn workers_who_opt_in_get_a_weekly_list_of_matches_once() {
    let smtp = SmtpSink::start().await;
    let app = spawn_app_with(None, mail_at_once(&smtp)).await;
    let w = world(&app).await;
    sqlx::query(
        "update workers set email = 'worker@example.com', weekly_matches = $1 where id = $2",
    )
    .bind(true)
    .bind(w.worker_id)
    .execute(&app.db)
    .await
    .unwrap();
    app.wait_indexed().await;
    let mails = smtp.wait_for(1).await;
    let weekly = mails
        .iter()
        .find(|m| m.to == vec!["worker@example.com"])
        .expect("a weekly mail");
    assert!(
        weekly.subject().contains("本周为你推荐"),
        "{}",
        weekly.subject()
    );
    assert!(weekly.data.contains("outbox-"));
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let to_worker = smtp
        .messages()
        .iter()
        .filter(|m| m.to == vec!["worker@example.com"])
        .count();
    assert_eq!(to_worker, 1);
}
