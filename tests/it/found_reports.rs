//! 我已找到工作 (issue 16): a worker tells the platform they found a job; their station confirms
//! the report (a placement with follow-ups) or declines it with a reason; the worker sees the
//! state, then the job and the next follow-up's day on `/me`. And the station's pages for what
//! the API already did: recording a found job, asking an in-person reset code.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app};

fn day(offset: i64) -> String {
    fmt_date(today() + time::Duration::days(offset))
}

/// A page's text after following one redirect by hand.
async fn follow(app: &TestApp, b: &Client, r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a redirect");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    b.get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn post_form(
    app: &TestApp,
    b: &Client,
    page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(b, page).await;
    let mut fields = vec![("_csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    b.post(app.url(path)).form(&fields).send().await.unwrap()
}

struct World {
    admin: String,
    station: String,
    other_station: String,
    worker: i64,
    worker_token: String,
    other_worker_token: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let (_, other_station) = app
        .station(&admin, "福贡县劳务工作站", "fg@test.local")
        .await;
    let worker = app
        .station_worker(&station, &id_number("19880808", 71), "13655557171", true)
        .await;
    app.station_worker(
        &other_station,
        &id_number("19880808", 72),
        "13655557272",
        true,
    )
    .await;
    World {
        admin,
        station,
        other_station,
        worker,
        worker_token: app.token("13655557171", PASSWORD).await,
        other_worker_token: app.token("13655557272", PASSWORD).await,
    }
}

#[tokio::test]
async fn a_worker_reports_a_job_and_the_station_confirms_it_into_a_followed_placement() {
    let app = spawn_app().await;
    let w = world(&app).await;

    // bad input: each field named, nothing written
    let r = app
        .post(
            "/api/v1/me/found-reports",
            Some(&w.worker_token),
            &json!({"employer_name": " ", "workplace_county": "火星", "start_date": day(-365), "wage": 1, "channel": "朋友"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    for f in [
        "employer_name",
        "workplace_county",
        "start_date",
        "wage",
        "channel",
    ] {
        assert!(v["errors"][f][0].is_string(), "{f}: {v}");
    }
    assert_eq!(app.count("select count(*) from found_reports").await, 0);

    // on the page: the form, a place typed under the picker, no wage
    let me = browser();
    app.browser_login(&me, "13655557171", PASSWORD).await;
    let html = me
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("我已找到工作") && html.contains("广东省珠海市斗门区"),
        "{html}"
    );
    let start = day(-10);
    let r = post_form(
        &app,
        &me,
        "/me",
        "/me/found-job",
        &[
            ("employer_name", "  宁波某服装厂 "),
            ("workplace_county", "other"),
            ("workplace_other", "浙江宁波鄞州区"),
            ("start_date", &start),
            ("wage", ""),
            ("channel", "organised"),
        ],
    )
    .await;
    let html = follow(&app, &me, r).await;
    assert!(html.contains("已告诉你的工作站"), "{html}");
    assert!(html.contains("等待工作站确认"), "{html}");
    assert!(
        !html.contains("action=\"/me/found-job\""),
        "one report at a time"
    );
    let r = app
        .post(
            "/api/v1/me/found-reports",
            Some(&w.worker_token),
            &json!({"employer_name": "另一家厂", "workplace_county": "440403", "start_date": day(0), "channel": "self"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a second pending report");

    // the station's list (API and page); another station sees none of it
    let list: Value = app
        .get("/api/v1/found-reports?status=pending", Some(&w.station))
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    let report = items[0]["id"].as_i64().unwrap();
    assert_eq!(items[0]["employer_name"], "宁波某服装厂");
    assert_eq!(items[0]["workplace_county"], "330212");
    assert_eq!(items[0]["wage"], Value::Null);
    let other: Value = app
        .get("/api/v1/found-reports", Some(&w.other_station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        app.get("/api/v1/found-reports?status=odd", Some(&w.station))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // nobody but the worker's station (or the admin) decides it — not the worker, not
    // another worker, not another station
    let confirm = format!("/api/v1/found-reports/{report}/confirm");
    for token in [&w.worker_token, &w.other_worker_token, &w.other_station] {
        assert_eq!(
            app.post(&confirm, Some(token), &json!({"wage": 5000}))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(
                &format!("/api/v1/found-reports/{report}/decline"),
                Some(token),
                &json!({"reason": "不对"})
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
    }
    // the report gave no wage: confirming needs one, and the same wage rule as a hire
    let r = app.post(&confirm, Some(&w.station), &json!({})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(&confirm, Some(&w.station), &json!({"wage": 1}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("select count(*) from placements").await, 0);

    // the station confirms on its page
    let officer = browser();
    app.browser_login(&officer, "mt@test.local", PASSWORD).await;
    let html = officer
        .get(app.url("/station/found-reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("宁波某服装厂") && html.contains("浙江省宁波市鄞州区"),
        "{html}"
    );
    let r = post_form(
        &app,
        &officer,
        "/station/found-reports",
        &format!("/station/found-reports/{report}/confirm"),
        &[("wage", "4800")],
    )
    .await;
    let html = follow(&app, &officer, r).await;
    assert!(html.contains("已确认"), "{html}");
    let p = app
        .count(&format!(
            "select count(*) from placements where worker_id = {} and channel = 'organised' and employer_name = '宁波某服装厂' \
             and town_code = '330212' and wage = 4800 and start_date = '{start}' and status = 'active'",
            w.worker
        ))
        .await;
    assert_eq!(p, 1);
    assert_eq!(
        app.count("select count(*) from follow_ups").await,
        4,
        "the same follow-ups as a hire"
    );
    assert_eq!(
        app.count("select count(*) from found_reports where status = 'confirmed' and placement_id is not null")
            .await,
        1
    );
    // once
    assert_eq!(
        app.post(&confirm, Some(&w.admin), &json!({"wage": 5000}))
            .await
            .status(),
        StatusCode::CONFLICT
    );

    // /me: the job, the next follow-up's day, the report confirmed
    let html = me
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("我的工作") && html.contains("宁波某服装厂"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<dd>{start}</dd>")),
        "start date shown"
    );
    let next = fmt_date(today() - time::Duration::days(10) + time::Duration::days(7));
    assert!(
        html.contains(&format!("<dd>{next}（")),
        "next follow-up {next}: {html}"
    );
    assert!(html.contains("反映问题"));
    let mine: Value = app
        .get("/api/v1/me/found-reports", Some(&w.worker_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "confirmed", "{mine}");
    assert_eq!(
        mine["current_job"]["next_follow_up"],
        next.as_str(),
        "{mine}"
    );
    // at work: no new report
    let r = app
        .post(
            "/api/v1/me/found-reports",
            Some(&w.worker_token),
            &json!({"employer_name": "另一家厂", "workplace_county": "440403", "start_date": day(0), "channel": "self"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // the listing was audited
    assert!(
        app.count("select count(*) from audit_log where action = 'list_found_reports'")
            .await
            >= 2
    );
}

#[tokio::test]
async fn a_declined_report_tells_the_worker_why() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let r = app
        .post(
            "/api/v1/me/found-reports",
            Some(&w.worker_token),
            &json!({"employer_name": "斗门某酒店", "workplace_county": "440403", "start_date": day(3), "wage": 4200, "channel": "self"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let report = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let decline = format!("/api/v1/found-reports/{report}/decline");
    let r = app
        .post(&decline, Some(&w.station), &json!({"reason": " "}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["errors"]["reason"][0].is_string());
    let r = app
        .post(
            &decline,
            Some(&w.station),
            &json!({"reason": "电话核实，该酒店未录用"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.post(&decline, Some(&w.admin), &json!({"reason": "再次"}))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(app.count("select count(*) from placements").await, 0);
    let me = browser();
    app.browser_login(&me, "13655557171", PASSWORD).await;
    let html = me
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("工作站未确认") && html.contains("电话核实，该酒店未录用"),
        "{html}"
    );
    assert!(
        html.contains("action=\"/me/found-job\""),
        "may report again"
    );
}

#[tokio::test]
async fn the_station_records_a_found_job_and_asks_a_reset_code_on_the_workers_page() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let officer = browser();
    app.browser_login(&officer, "mt@test.local", PASSWORD).await;
    let page = format!("/station/workers/{}", w.worker);
    let html = officer
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("登记自主就业") && html.contains("给本人发重设密码验证码"),
        "{html}"
    );

    // the form's rules are the API's: a wage of 1 yuan is named
    let r = post_form(
        &app,
        &officer,
        &page,
        &format!("{page}/found-job"),
        &[
            ("employer_name", "珠海某厂"),
            ("workplace_county", "440403"),
            ("start_date", &day(0)),
            ("wage", "1"),
            ("channel", "self"),
        ],
    )
    .await;
    let html = follow(&app, &officer, r).await;
    assert!(
        html.contains("未登记") && html.contains("月薪应在500到200000元之间"),
        "{html}"
    );
    assert_eq!(app.count("select count(*) from placements").await, 0);
    let r = post_form(
        &app,
        &officer,
        &page,
        &format!("{page}/found-job"),
        &[
            ("employer_name", "珠海某厂"),
            ("workplace_county", "441900"),
            ("start_date", &day(-2)),
            ("wage", "5100"),
            ("channel", "self"),
        ],
    )
    .await;
    let html = follow(&app, &officer, r).await;
    assert!(html.contains("已登记就业"), "{html}");
    assert_eq!(
        app.count(
            "select count(*) from placements where town_code = '441900' and channel = 'self'"
        )
        .await,
        1
    );
    // another station cannot use either form
    let other = browser();
    app.browser_login(&other, "fg@test.local", PASSWORD).await;
    for path in [format!("{page}/found-job"), format!("{page}/reset-code")] {
        let r = post_form(&app, &other, "/station", &path, &[("employer_name", "x")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }

    // the reset code goes to the worker's phone; the officer's page never shows it
    let r = post_form(&app, &officer, &page, &format!("{page}/reset-code"), &[]).await;
    let html = follow(&app, &officer, r).await;
    assert!(html.contains("验证码已发到该务工人员的登录手机"), "{html}");
    use sqlx::Row;
    let params: String = sqlx::query(
        "select params from sms_outbox where kind = 'reset_code' and phone = '13655557171'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
    .get(0);
    let code = serde_json::from_str::<Value>(&params).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!html.contains(&code));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'reset_code_for_worker'")
            .await,
        1
    );
    // a second within the minute: told, not sent
    let r = post_form(&app, &officer, &page, &format!("{page}/reset-code"), &[]).await;
    let html = follow(&app, &officer, r).await;
    assert!(html.contains("未发送"), "{html}");
    assert_eq!(
        app.count("select count(*) from sms_outbox where kind = 'reset_code'")
            .await,
        1
    );
}
