//! Personal data and access: throttled logins, tokens the owner can revoke, the worker's
//! rights over their data, hostile bodies.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, browser, id_number, spawn_app, worker_body};

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_with_retry_after() {
    let app = spawn_app().await;
    app.admin().await;
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        let r = app
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"login": "admin@test.local", "password": "Wrong-2026"}),
            )
            .await;
        last = r.status();
        if last == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1);
            break;
        }
        assert_eq!(last, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // even the right password waits now
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"login": "admin@test.local", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_by_their_owner_and_the_admin() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "工作站", "st@test.local").await;
    let second = app.token("st@test.local", PASSWORD).await;
    let list: Value = app
        .get("/api/v1/tokens", Some(&station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(
        !list.to_string().contains(&second),
        "the secret is never shown"
    );
    let id = list[0]["id"].as_i64().unwrap();
    // another user may not revoke it
    let (_, other) = app.station(&admin, "另一工作站", "st2@test.local").await;
    let r = app
        .api
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .api
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&station)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/workers", Some(&second)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // the admin revokes the other one
    let user_id: i64 = sqlx::query_scalar("select id from users where email = 'st@test.local'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let list: Value = app
        .get(&format!("/api/v1/tokens?user_id={user_id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["revoked_at"].is_null())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .api
        .delete(app.url(&format!("/api/v1/tokens/{first}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/workers", Some(&station)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_worker_downloads_corrects_and_deletes_their_data() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县工作站", "st@test.local").await;
    let id = id_number("19890909", 77);
    let r = app
        .post("/api/v1/workers", None, &worker_body(&id, "13512345678"))
        .await;
    let worker_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let me = app.token("13512345678", PASSWORD).await;
    // see and download
    let data: Value = app
        .get("/api/v1/me/data", Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(data["worker"]["id_number"], id);
    // correct
    let r = app
        .put(
            &format!("/api/v1/workers/{worker_id}"),
            Some(&me),
            &json!({"phone": "13587654321", "skills": "粤菜、面点"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = app
        .get(&format!("/api/v1/workers/{worker_id}"), Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["phone"], "13587654321");
    assert_eq!(v["skills"], json!(["粤菜", "面点"]));
    let r = app
        .put(
            &format!("/api/v1/workers/{worker_id}"),
            Some(&me),
            &json!({"phone": "123"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // another worker may not
    app.post(
        "/api/v1/workers",
        None,
        &worker_body(&id_number("19900101", 78), "13500000078"),
    )
    .await;
    let other = app.token("13500000078", PASSWORD).await;
    assert_eq!(
        app.put(
            &format!("/api/v1/workers/{worker_id}"),
            Some(&other),
            &json!({"phone": "13500000079"})
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // deletion: asked by the worker, confirmed by the station
    assert_eq!(
        app.post(
            &format!("/api/v1/workers/{worker_id}/anonymise"),
            Some(&station),
            &json!({})
        )
        .await
        .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post("/api/v1/me/deletion-request", Some(&me), &json!({}))
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    let list: Value = app
        .get("/api/v1/deletion-requests", Some(&station))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["worker_id"], worker_id);
    let r = app
        .post(
            &format!("/api/v1/workers/{worker_id}/anonymise"),
            Some(&station),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = app
        .get(&format!("/api/v1/workers/{worker_id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["name"], "已注销");
    assert!(!v.to_string().contains(&id));
    assert!(!v.to_string().contains("13587654321"));
    assert_eq!(
        v["household"]["poverty_alleviated"], true,
        "the statistics keep the household flags"
    );
    // the login is gone, and the registration still counts in the month's figures
    assert_eq!(
        app.get("/api/v1/me/data", Some(&me)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let report: Value = app
        .get("/api/v1/reports/monthly", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["registrations"]["total"]["month"], 2);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'anonymise_worker'")
            .await,
        1
    );
    // the admin reads the log, filtered
    let page = browser();
    app.browser_login(&page, "admin@test.local", PASSWORD).await;
    let html = page
        .get(app.url("/admin/audit?action=anonymise_worker"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("anonymise_worker"));
    // in Chinese, from the actions' labels
    assert!(html.contains("<td>注销人员信息</td>"));
    assert!(!html.contains("<td>查看人员档案</td>"));

    // and the database itself refuses to change or remove an audit row
    let before = app.count("select count(*) from audit_log").await;
    assert!(before > 0);
    for sql in ["update audit_log set detail = 'x'", "delete from audit_log"] {
        let r = sqlx::query(sql).execute(&app.db).await;
        assert!(r.is_err(), "{sql} went through");
    }
    assert_eq!(app.count("select count(*) from audit_log").await, before);
    assert_eq!(
        app.count("select count(*) from audit_log where detail = 'x'")
            .await,
        0
    );
}

#[tokio::test]
async fn hostile_bodies_get_4xx_never_500() {
    let app = spawn_app().await;
    for (body, ct, expect) in [
        (
            vec![0xff, 0xfe, b'{', b'}'],
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            b"[1,2,3]".to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            b"{\"name\": {\"nested\": true}}".to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            b"name=x".to_vec(),
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            b"\"just a string\"".to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = app
            .api
            .post(app.url("/api/v1/workers"))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expect);
    }
    let r = app
        .api
        .get(app.url("/api/v1/workers/not-a-number"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    let r = app
        .api
        .get(app.url("/api/v1/vacancies?page=-1&wage=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
