//! Escalation (issue 16): a follow-up overdue 7 days, or an open case without action for 7
//! days, reaches the station head's list; at 14 days the county bureau's list and its daily
//! digest. Time is moved the way the other tests move it: placements start in the past, and a
//! case's days are set back in the database (the service takes the day as a parameter).

use laowu::auth::Role;
use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, spawn_app_with};
use crate::smtp::SmtpSink;

fn ago(days: i64) -> String {
    fmt_date(today() - time::Duration::days(days))
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query("select id from users where email = $1")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get(0)
}

async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// A job found without the platform for `worker`, in `county`, started `days` ago.
async fn placed(app: &TestApp, station: &str, worker: i64, county: &str, days: i64) -> i64 {
    let r = app
        .post(
            "/api/v1/placements",
            Some(station),
            &json!({"worker_id": worker, "employer_name": "珠海某电子厂", "workplace_county": county,
                    "start_date": ago(days), "wage": 5000, "channel": "organised"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A receiving station (斗门) through the API and its login.
async fn doumen(app: &TestApp, admin: &str) -> (i64, String) {
    let r = app
        .post(
            "/api/v1/stations",
            Some(admin),
            &json!({"name": "斗门区劳务协作站", "side": "receiving", "email": "dm@test.local"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (
        id,
        app.login_as("dm@test.local", Role::Station, Some(id)).await,
    )
}

#[tokio::test]
async fn follow_ups_and_cases_climb_at_7_and_14_days_and_the_head_sees_what_others_do_not() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (sid, officer) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let head = app
        .login_as("mt-head@test.local", Role::Station, Some(sid))
        .await;
    let (_, other) = app
        .station(&admin, "福贡县劳务工作站", "fg@test.local")
        .await;
    let head_id = user_id(&app, "mt-head@test.local").await;
    let officer_id = user_id(&app, "mt@test.local").await;

    // nobody but the admin marks a head, not even the login itself
    for who in [&officer, &head, &other] {
        let r = app
            .put(
                &format!("/api/v1/users/{head_id}/head"),
                Some(who),
                &json!({"head": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let r = app
        .put(
            &format!(
                "/api/v1/users/{}/head",
                user_id(&app, "admin@test.local").await
            ),
            Some(&admin),
            &json!({"head": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["head"][0].as_str().unwrap().contains("工作站"),
        "{v}"
    );
    let r = app
        .put(
            &format!("/api/v1/users/{head_id}/head"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .put(
            &format!("/api/v1/users/{head_id}/head"),
            Some(&admin),
            &json!({"head": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["is_head"], true);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'set_head'")
            .await,
        1
    );

    // four workers whose 7-day visit is 6, 7, 13 and 14 days late, each with an open case
    // whose last action was as many days ago
    let lates = [6i64, 7, 13, 14];
    let mut workers = Vec::new();
    for (n, late) in lates.iter().enumerate() {
        let phone = format!("1365555{:04}", n);
        let w = app
            .station_worker(
                &officer,
                &id_number("19880808", 10 + n as u32),
                &phone,
                true,
            )
            .await;
        placed(&app, &officer, w, "440403", 7 + late).await;
        let me = app.token(&phone, PASSWORD).await;
        let r = app
            .post(
                "/api/v1/me/problems",
                Some(&me),
                &json!({"problem": "欠薪", "description": format!("第{n}号：上月工资没发")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        sqlx::query("update cases set opened_on = $1, last_action_on = $1 where worker_id = $2")
            .bind(ago(*late))
            .bind(w)
            .execute(&app.db)
            .await
            .unwrap();
        workers.push(w);
    }

    // the caseload: every late row with its days and level
    let overdue = json_of(&app, "/api/v1/followups?status=overdue", &officer).await;
    let rows: Vec<(i64, String, String)> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["overdue_days"].as_i64().unwrap(),
                f["escalation"].as_str().unwrap_or("").to_owned(),
                f["escalation_label"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (14, "bureau".into(), "逾期14天·县局督办".into()),
            (13, "head".into(), "逾期13天·站长督办".into()),
            (7, "head".into(), "逾期7天·站长督办".into()),
            (6, String::new(), String::new()),
        ],
        "{overdue}"
    );
    let cases = json_of(&app, "/api/v1/cases", &officer).await;
    let levels: Vec<(i64, String)> = cases["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["idle_days"].as_i64().unwrap(),
                c["escalation_label"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            (14, "14天未处理·县局督办".into()),
            (13, "13天未处理·站长督办".into()),
            (7, "7天未处理·站长督办".into()),
            (6, String::new()),
        ],
        "{cases}"
    );

    // the head's list: 7 days and more; a non-head of the same station is refused
    let list = json_of(&app, "/api/v1/escalations?level=head", &head).await;
    assert_eq!(list["follow_ups"].as_array().unwrap().len(), 3, "{list}");
    assert_eq!(list["cases"].as_array().unwrap().len(), 3, "{list}");
    let r = app
        .get("/api/v1/escalations?level=head", Some(&officer))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // the other station's head sees none of it
    let fg_head = app
        .login_as(
            "fg-head@test.local",
            Role::Station,
            Some(
                sqlx::query("select station_id from users where email = 'fg@test.local'")
                    .fetch_one(&app.db)
                    .await
                    .unwrap()
                    .get(0),
            ),
        )
        .await;
    let fg_head_id = user_id(&app, "fg-head@test.local").await;
    app.put(
        &format!("/api/v1/users/{fg_head_id}/head"),
        Some(&admin),
        &json!({"head": true}),
    )
    .await;
    let list = json_of(&app, "/api/v1/escalations?level=head", &fg_head).await;
    assert_eq!(list["follow_ups"], json!([]), "{list}");
    assert_eq!(list["cases"], json!([]), "{list}");
    assert!(
        !list.to_string().contains("工资"),
        "no case text of another station"
    );
    let r = app.get("/api/v1/escalations?level=all", Some(&admin)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // the bureau: 14 days and more, every station's, with the owner
    let list = json_of(&app, "/api/v1/escalations?level=bureau", &admin).await;
    assert_eq!(list["follow_ups"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["follow_ups"][0]["worker_id"], workers[3]);
    assert_eq!(list["follow_ups"][0]["station_name"], "湄潭县劳务工作站");
    let escalated = json_of(&app, "/api/v1/cases?status=escalated", &admin).await;
    let items = escalated["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{escalated}");
    assert_eq!(items[0]["worker_id"], workers[3]);
    assert_eq!(items[0]["escalation"], "bureau");
    assert_eq!(
        json_of(&app, "/api/v1/cases?status=escalated", &other).await["items"],
        json!([])
    );

    // the pages: the caseload shows the levels in words with a mark; the head's page is the
    // head's (a non-head gets the Chinese 403 page)
    let b = browser();
    app.browser_login(&b, "mt@test.local", PASSWORD).await;
    let html = b
        .get(app.url("/station/followups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("▲▲ 逾期14天·县局督办"), "{html}");
    assert!(html.contains("▲ 逾期7天·站长督办"));
    assert!(html.contains("逾期6天"));
    assert!(!html.contains("/station/head"), "no link for a non-head");
    let r = b.get(app.url("/station/head")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("出错了"));
    let hb = browser();
    app.browser_login(&hb, "mt-head@test.local", PASSWORD).await;
    let html = hb
        .get(app.url("/station/followups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("href=\"/station/head\""));
    let html = hb
        .get(app.url("/station/head"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("站长督办") && html.contains("第3号：上月工资没发"),
        "{html}"
    );
    assert!(
        !html.contains("第0号"),
        "a 6-day case is not on the head's list"
    );
    let r = hb.get(app.url("/admin/escalations")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // an action (the late visit recorded) takes the case off the bureau's list
    let f = list["follow_ups"][0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/followups/{f}/complete"),
            Some(&head),
            &json!({"method": "电话", "still_employed": true, "note": "已与企业沟通工资"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list = json_of(&app, "/api/v1/escalations?level=bureau", &admin).await;
    assert_eq!(list["follow_ups"], json!([]), "{list}");
    assert_eq!(list["cases"], json!([]), "{list}");

    // the admin's pages: the head flag on the admin page, and taken away again
    let ab = browser();
    app.browser_login(&ab, "admin@test.local", PASSWORD).await;
    let html = ab
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("★ 站长") && html.contains("设为站长"),
        "{html}"
    );
    let csrf = app.csrf(&ab, "/admin").await;
    let r = ab
        .post(app.url(&format!("/admin/users/{head_id}/head")))
        .form(&[("head", "0"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/escalations?level=head", Some(&head))
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "no longer head: at once"
    );
    // an officer cannot make themselves head through the page either
    let csrf = app.csrf(&b, "/station/followups").await;
    let r = b
        .post(app.url(&format!("/admin/users/{officer_id}/head")))
        .form(&[("head", "1"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("select count(*) from users where is_head = true and email like 'mt%'")
            .await,
        0
    );
}

#[tokio::test]
async fn the_receiving_station_sees_and_records_the_meitan_workers_in_its_district() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let (dm_id, dm) = doumen(&app, &admin).await;
    let dm_head = app
        .login_as("dm-head@test.local", Role::Station, Some(dm_id))
        .await;
    let dm_head_id = user_id(&app, "dm-head@test.local").await;
    app.put(
        &format!("/api/v1/users/{dm_head_id}/head"),
        Some(&admin),
        &json!({"head": true}),
    )
    .await;
    // one worker in Doumen, 16 days late; one in Xiangzhou (香洲区, next door), as late: not Doumen's
    let w1 = app
        .station_worker(&meitan, &id_number("19900101", 1), "13655550001", false)
        .await;
    let w2 = app
        .station_worker(&meitan, &id_number("19900101", 2), "13655550002", false)
        .await;
    let p1 = placed(&app, &meitan, w1, "440403", 7 + 16).await;
    placed(&app, &meitan, w2, "440402", 7 + 16).await;

    let mine = json_of(&app, "/api/v1/followups?status=overdue", &meitan).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "{mine}");
    for path in [
        "/api/v1/followups?status=overdue",
        "/api/v1/followups?status=escalated",
    ] {
        let theirs = json_of(&app, path, &dm).await;
        let items = theirs["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{path}: {theirs}");
        assert_eq!(items[0]["worker_id"], w1);
        assert_eq!(items[0]["station_name"], "湄潭县劳务工作站", "who owns it");
        assert_eq!(items[0]["escalation"], "bureau");
        assert_eq!(items[0]["escalation_label"], "逾期16天·县局督办");
    }
    let list = json_of(&app, "/api/v1/escalations?level=head", &dm_head).await;
    assert_eq!(list["follow_ups"].as_array().unwrap().len(), 1, "{list}");
    // the Doumen page says who owns the row
    let b = browser();
    app.browser_login(&b, "dm@test.local", PASSWORD).await;
    let html = b
        .get(app.url("/station/followups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("负责：湄潭县劳务工作站"), "{html}");
    assert!(html.contains("逾期16天·县局督办"));

    // Doumen records the late visit, with a problem: both see it, and who recorded it
    let f = json_of(&app, "/api/v1/followups?status=overdue", &dm).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/v1/followups/{f}/complete"),
            Some(&dm),
            &json!({"method": "上门", "still_employed": true, "problem": "住宿", "note": "宿舍漏水"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let mine = json_of(&app, "/api/v1/followups?status=overdue", &meitan).await;
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        1,
        "only Xiangzhou left"
    );
    // the placement's page, for the Meitan officer: who recorded the visit, for which station
    let mb = browser();
    app.browser_login(&mb, "mt@test.local", PASSWORD).await;
    let html = mb
        .get(app.url(&format!("/placements/{p1}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("（斗门区劳务协作站）") && html.contains("宿舍漏水"),
        "{html}"
    );
    let done = json_of(&app, "/api/v1/followups?status=done", &meitan).await;
    assert_eq!(
        done["items"][0]["done_by_station"], "斗门区劳务协作站",
        "{done}"
    );
    for who in [&meitan, &dm] {
        let cases = json_of(&app, "/api/v1/cases", who).await;
        let items = cases["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{cases}");
        assert_eq!(items[0]["description"], "宿舍漏水");
        assert_eq!(items[0]["station_name"], "湄潭县劳务工作站");
    }
    // a sending station that is not the owner sees none of it
    let (_, fugong) = app
        .station(&admin, "福贡县劳务工作站", "fg@test.local")
        .await;
    let theirs = json_of(&app, "/api/v1/cases", &fugong).await;
    assert_eq!(theirs["items"], json!([]));
    let theirs = json_of(&app, "/api/v1/followups?status=done", &fugong).await;
    assert_eq!(theirs["items"], json!([]));
}

/// Mail to `smtp`, digests written as soon as there is something to send.
fn mail_at_once(smtp: &SmtpSink) -> impl FnOnce(&mut laowu::config::Config) + use<> {
    let url = smtp.url();
    move |c| {
        c.smtp_url = Some(url);
        c.digest_hour = 0;
        c.quiet_recheck = std::time::Duration::ZERO;
    }
}

#[tokio::test]
async fn both_stations_and_the_bureau_get_their_daily_digest_once() {
    let smtp = SmtpSink::start().await;
    let app = spawn_app_with(None, mail_at_once(&smtp)).await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    doumen(&app, &admin).await;
    let w = app
        .station_worker(&meitan, &id_number("19900101", 3), "13655550003", false)
        .await;
    // 3 days late: both stations' digests, nothing for the bureau yet
    let p = placed(&app, &meitan, w, "440403", 7 + 3).await;
    let mails = smtp.wait_for(2).await;
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["dm@test.local", "mt@test.local"]);
    assert!(mails.iter().all(|m| m.subject().contains("已逾期1条")));
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        smtp.messages().len(),
        2,
        "nothing escalated: no bureau digest"
    );
    let body: String =
        sqlx::query("select body_text from outbox where recipient = 'dm@test.local'")
            .fetch_one(&app.db)
            .await
            .unwrap()
            .get(0);
    assert!(body.contains("负责：湄潭县劳务工作站"), "{body}");

    // the visit slips to 15 days late: the bureau's digest, once
    sqlx::query("update follow_ups set due_on = $1 where placement_id = $2 and day_offset = 7")
        .bind(ago(15))
        .bind(p)
        .execute(&app.db)
        .await
        .unwrap();
    let mails = smtp.wait_for(3).await;
    let bureau = mails
        .iter()
        .find(|m| m.subject().contains("县局督办"))
        .expect("the bureau's digest");
    assert_eq!(bureau.to, ["admin@test.local"]);
    assert!(
        bureau.subject().contains("逾期回访1条"),
        "{}",
        bureau.subject()
    );
    let body: String = sqlx::query("select body_text from outbox where kind = 'bureau_digest'")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get(0);
    assert!(
        body.contains("逾期15天·县局督办") && body.contains("负责：湄潭县劳务工作站"),
        "{body}"
    );

    // a second node on the same database writes none of them again
    let _second = spawn_app_with(Some(app.database_url.clone()), mail_at_once(&smtp)).await;
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(
        smtp.messages().len(),
        3,
        "{:?}",
        smtp.messages()
            .iter()
            .map(|m| m.subject())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'bureau_digest'")
            .await,
        1
    );
}
