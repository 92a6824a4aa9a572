//! Jobs found without the platform (issue 16): a station records one for its worker; it gets
//! the same follow-ups as a hire, the Doumen receiving station follows it up too, both
//! stations see one history with who recorded what, and it counts in retention and in the
//! assessment (transfer, retained) but not as placed through the platform.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{id_number, spawn_app};

#[tokio::test]
async fn a_self_found_job_is_followed_from_both_ends_and_counted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "斗门区劳务协作站", "side": "receiving", "email": "dm@test.local", "phone": "0756-5512345"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let dm_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let doumen = app
        .login_as(
            "dm-officer@test.local",
            laowu::auth::Role::Station,
            Some(dm_id),
        )
        .await;
    let worker = app
        .station_worker(&meitan, &id_number("19880808", 1), "13655556666", false)
        .await;
    let (_, hr) = app.verified_employer(&admin, 3).await;

    // bad input: every field named, in Chinese, nothing written
    let r = app
        .post(
            "/api/v1/placements",
            Some(&meitan),
            &json!({"worker_id": worker, "employer_name": "", "workplace_county": "441900x", "start_date": "明天", "wage": -5, "channel": "朋友介绍"}),
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
    assert_eq!(app.count("select count(*) from placements").await, 0);

    // the terms of a hire: a wage of 1 yuan, a start a year ago or beyond 180 days, a
    // county that is a province or no longer exists, a name of 61 characters are refused
    for (field, bad) in [
        ("wage", json!(1)),
        (
            "start_date",
            json!(fmt_date(today() - time::Duration::days(365))),
        ),
        (
            "start_date",
            json!(fmt_date(today() + time::Duration::days(181))),
        ),
        ("workplace_county", json!("440000")),
        ("workplace_county", json!("522128")),
        ("employer_name", json!("厂".repeat(61))),
    ] {
        let mut body = json!({"worker_id": worker, "employer_name": "  珠海市斗门区某电子厂  ", "workplace_county": "440403",
                              "start_date": fmt_date(today()), "wage": 5200, "channel": "self"});
        body[field] = bad;
        let r = app.post("/api/v1/placements", Some(&meitan), &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let v: Value = r.json().await.unwrap();
        assert!(v["errors"][field][0].is_string(), "{field}: {v}");
    }
    assert_eq!(app.count("select count(*) from placements").await, 0);

    // recorded 60 days late, then moved back to 200 days ago (as if recorded long ago)
    let start = today() - time::Duration::days(200);
    let body = json!({"worker_id": worker, "employer_name": "  珠海市斗门区某电子厂 ", "workplace_county": "440403",
                      "start_date": fmt_date(today() - time::Duration::days(60)), "wage": 5200, "channel": "self"});
    // an enterprise, the receiving station (not the worker's station) may not record it
    assert_eq!(
        app.post("/api/v1/placements", Some(&hr), &body)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post("/api/v1/placements", Some(&doumen), &body)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = app.post("/api/v1/placements", Some(&meitan), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let pid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    sqlx::query("update placements set start_date = $1 where id = $2")
        .bind(fmt_date(start))
        .bind(pid)
        .execute(&app.db)
        .await
        .unwrap();
    for d in [7, 30, 90, 180] {
        sqlx::query(
            "update follow_ups set due_on = $1 where placement_id = $2 and day_offset = $3",
        )
        .bind(fmt_date(start + time::Duration::days(d)))
        .bind(pid)
        .bind(d)
        .execute(&app.db)
        .await
        .unwrap();
    }
    // once: the worker is at work now
    let again = app
        .post("/api/v1/placements", Some(&meitan), &body)
        .await
        .status();
    assert!(
        again == StatusCode::CONFLICT || again == StatusCode::UNPROCESSABLE_ENTITY,
        "{again}"
    );

    let p: Value = app
        .get(&format!("/api/v1/placements/{pid}"), Some(&meitan))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["employer_name"], "珠海市斗门区某电子厂", "{p}");
    assert_eq!(p["channel"], "self");
    let due: Vec<&str> = p["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["due_on"].as_str().unwrap())
        .collect();
    let expect: Vec<String> = [7, 30, 90, 180]
        .iter()
        .map(|d| fmt_date(start + time::Duration::days(*d)))
        .collect();
    assert_eq!(due, expect);

    // the Doumen station sees it in its district and records the 180-day visit
    let p2 = app
        .get(&format!("/api/v1/placements/{pid}"), Some(&doumen))
        .await;
    assert_eq!(p2.status(), StatusCode::OK);
    let f180 = p["follow_ups"][3]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/followups/{f180}/complete"),
            Some(&doumen),
            &json!({"method": "上门", "still_employed": true, "wage_paid_on_time": true, "monthly_wage": 5400, "note": "在岗稳定"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // the Meitan station sees the visit, and who made it
    let p: Value = app
        .get(&format!("/api/v1/placements/{pid}"), Some(&meitan))
        .await
        .json()
        .await
        .unwrap();
    let f = &p["follow_ups"][3];
    assert_eq!(f["status"], "done");
    assert_eq!(f["note"], "在岗稳定");
    assert_eq!(f["done_by_station"], "斗门区劳务协作站", "{f}");

    // retention and the assessment count it; 'placed' (through the platform) does not
    let retention: Value = app
        .get("/api/v1/retention", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retention["total"]["placements"], 1, "{retention}");
    let year = start.year();
    let a: Value = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county=520328"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let actual = |code: &str| {
        a["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap()["actual"]
            .clone()
    };
    assert_eq!(actual("transfer_total"), 1, "{a}");
    assert_eq!(actual("placed"), 0, "{a}");
    if year == today().year() {
        assert_eq!(actual("retained_6m"), 1, "{a}");
    }
}

#[tokio::test]
async fn overdue_follow_ups_reach_the_head_at_7_days_and_the_bureau_at_14() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let (_, other) = app
        .station(&admin, "福贡县劳务工作站", "fg@test.local")
        .await;
    let w1 = app
        .station_worker(&meitan, &id_number("19880808", 1), "13655556666", false)
        .await;
    let w2 = app
        .station_worker(&meitan, &id_number("19880808", 2), "13655557777", false)
        .await;
    // one started 30 days ago: its 7-day visit is 23 days late; one started 17 days ago: its
    // 7-day visit is 10 days late (the head's list, not yet the bureau's)
    for (w, days) in [(w1, 30), (w2, 17)] {
        let r = app
            .post(
                "/api/v1/placements",
                Some(&meitan),
                &json!({"worker_id": w, "employer_name": "珠海某厂", "workplace_county": "440403",
                        "start_date": fmt_date(today() - time::Duration::days(days)), "wage": 5000, "channel": "organised"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let overdue: Value = app
        .get("/api/v1/followups?status=overdue", Some(&meitan))
        .await
        .json()
        .await
        .unwrap();
    let levels: Vec<&str> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["escalation"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, ["bureau", "head"], "{overdue}");
    for who in [&admin, &meitan] {
        let esc: Value = app
            .get("/api/v1/followups?status=escalated", Some(who))
            .await
            .json()
            .await
            .unwrap();
        let items = esc["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{esc}");
        assert_eq!(items[0]["worker_id"], w1);
        assert_eq!(items[0]["station_name"], "湄潭县劳务工作站");
        assert_eq!(items[0]["escalation"], "bureau");
    }
    let esc: Value = app
        .get("/api/v1/followups?status=escalated", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        esc["items"].as_array().unwrap().len(),
        0,
        "another station sees none of them"
    );
    let r = app.get("/api/v1/followups?status=late", Some(&admin)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_worker_reports_a_problem_and_it_opens_a_case_on_the_stations_list() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "湄潭县劳务工作站", "side": "sending", "email": "mt@test.local", "phone": "0851-24221234"}),
        )
        .await;
    let sid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let station = app
        .login_as(
            "mt-officer@test.local",
            laowu::auth::Role::Station,
            Some(sid),
        )
        .await;
    let worker = app
        .station_worker(&station, &id_number("19880808", 4), "13655558888", true)
        .await;
    let me = app.token("13655558888", crate::helpers::PASSWORD).await;
    // no job yet: a field error
    let r = app
        .post(
            "/api/v1/me/problems",
            Some(&me),
            &json!({"problem": "欠薪"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/api/v1/placements",
            Some(&station),
            &json!({"worker_id": worker, "employer_name": "珠海某厂", "workplace_county": "440403",
                    "start_date": fmt_date(today()), "wage": 5000, "channel": "self"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(
            "/api/v1/me/problems",
            Some(&me),
            &json!({"problem": "火星"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/api/v1/me/problems",
            Some(&me),
            &json!({"problem": "欠薪", "description": "上月工资没发"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let cases: Value = app
        .get("/api/v1/cases", Some(&station))
        .await
        .json()
        .await
        .unwrap();
    let text = cases.to_string();
    assert!(text.contains("上月工资没发"), "{text}");
    // the worker's SMS carries the station's phone
    let mut found = false;
    for _ in 0..100 {
        if let Ok(d) = std::fs::read_dir(app.data_dir.path().join("sms")) {
            for f in d.filter_map(Result::ok) {
                let t = std::fs::read_to_string(f.path()).unwrap_or_default();
                if t.contains("problem_reported") && t.contains("0851-24221234") {
                    found = true;
                }
            }
        }
        if found {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "the worker was told the station's phone");
    // a description over 500 characters is a field error (not cut silently)
    let r = app
        .post(
            "/api/v1/me/problems",
            Some(&me),
            &json!({"problem": "住宿", "description": "漏".repeat(501)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["description"][0]
            .as_str()
            .unwrap()
            .contains("500"),
        "{v}"
    );
    // five a day: four more, then 429 with a Chinese message
    for n in 0..4 {
        let r = app
            .post(
                "/api/v1/me/problems",
                Some(&me),
                &json!({"problem": "住宿", "description": format!("第{n}次")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = app
        .post(
            "/api/v1/me/problems",
            Some(&me),
            &json!({"problem": "工伤"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["problem"][0].as_str().unwrap().contains("5次"),
        "{v}"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from cases where worker_id = {worker}"
        ))
        .await,
        5
    );
}
