//! The search path's shortcuts keep their promises (issue #13 point 5): every staff listing
//! is audited, concurrent ones too, before its answer leaves; a cached token stops working the
//! moment it is revoked on this node, and within the cache's lifetime when another node (here:
//! a write straight to the database) revokes it.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{id_number, spawn_app};

#[tokio::test]
async fn every_staff_listing_is_audited_even_many_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;
    for i in 0..3 {
        app.station_worker(
            &station,
            &id_number("19900315", i),
            &format!("1380013800{i}"),
            false,
        )
        .await;
    }
    app.wait_indexed().await;
    let audited = "select count(*) from audit_log where action = 'list_workers'";
    // one at a time: the row is there when the answer arrives
    let before = app.count(audited).await;
    for (k, path) in ["/api/v1/workers?q=粤菜", "/api/v1/workers"]
        .into_iter()
        .enumerate()
    {
        let r = app.get(path, Some(&station)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(app.count(audited).await, before + k as i64 + 1);
    }
    // sixty at once, by words (the index) and without (the database), station and admin
    let before = app.count(audited).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..60 {
        let token = if i % 3 == 0 {
            admin.clone()
        } else {
            station.clone()
        };
        let path = if i % 2 == 0 {
            "/api/v1/workers?q=厨师 粤菜"
        } else {
            "/api/v1/workers?page=1"
        };
        let request = app.api.get(app.url(path)).bearer_auth(token);
        set.spawn(async move { request.send().await.expect("request").status() });
    }
    let statuses = set.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(app.count(audited).await, before + 60);
    assert_eq!(
        app.count(
            "select count(*) from audit_log where action = 'list_workers' and role = 'station'"
        )
        .await,
        2 + 40
    );
}

#[tokio::test]
async fn a_used_token_stops_working_when_revoked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "st@test.local")
        .await;
    let second = app.token("st@test.local", crate::helpers::PASSWORD).await;
    // both in use (and so in the node's cache)
    for t in [&station, &second] {
        assert_eq!(
            app.get("/api/v1/workers", Some(t)).await.status(),
            StatusCode::OK
        );
    }
    // revoked through this node: refused at once
    let list: serde_json::Value = app
        .get("/api/v1/tokens", Some(&station))
        .await
        .json()
        .await
        .unwrap();
    let newest = list[0]["id"].as_i64().unwrap();
    let r = app
        .api
        .delete(app.url(&format!("/api/v1/tokens/{newest}")))
        .bearer_auth(&station)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/workers", Some(&second)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/workers", Some(&station)).await.status(),
        StatusCode::OK
    );
    // revoked by another node (straight in the database, so this node hears nothing): refused
    // within the cache's lifetime
    sqlx::query(
        "update api_tokens set revoked_at = '2026-01-01T00:00:00Z' where revoked_at is null",
    )
    .execute(&app.db)
    .await
    .unwrap();
    tokio::time::sleep(laowu::auth::TokenCache::TTL + std::time::Duration::from_millis(200)).await;
    assert_eq!(
        app.get("/api/v1/workers", Some(&station)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_suspended_enterprise_s_used_token_is_refused_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, hr) = app.verified_employer(&admin, 1).await;
    assert_eq!(
        app.get(&format!("/api/v1/employers/{id}"), Some(&hr))
            .await
            .status(),
        StatusCode::OK
    );
    let r = app
        .post(
            &format!("/api/v1/employers/{id}/suspend"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/employers/{id}"), Some(&hr))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

/// The board keeps the rows it showed for a moment (`service::board_rows`); an edit, a
/// closing or a hire that the index has applied shows at once, never the kept row.
#[tokio::test]
async fn the_board_shows_a_vacancy_as_it_is_once_the_index_has_the_change() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let mut body = crate::helpers::vacancy_body("茶叶加工");
    let r = app.post("/api/v1/vacancies", Some(&hr), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    app.wait_indexed().await;
    let board = |q: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/v1/vacancies?q={q}"), None).await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    for _ in 0..3 {
        let b = board("茶叶").await;
        assert_eq!(b["items"][0]["title"], "茶叶加工", "{b}");
        assert_eq!(b["items"][0]["wage_max"], 6200, "{b}");
    }
    // edited: the new wage, straight after the index applied it (well within the 2 s a
    // kept row could otherwise live)
    body["wage_max"] = json!(7000);
    body["title"] = json!("茶叶加工（长白班）");
    let r = app
        .put(&format!("/api/v1/vacancies/{id}"), Some(&hr), &body)
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    app.wait_indexed().await;
    let b = board("茶叶").await;
    assert_eq!(b["items"][0]["title"], "茶叶加工（长白班）", "{b}");
    assert_eq!(b["items"][0]["wage_max"], 7000, "{b}");
    let page = |app: &crate::helpers::TestApp| {
        let request = app.api.get(app.url("/vacancies?q=茶叶"));
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&app).await;
    assert!(html.contains("白蕉镇（1）"), "{html}");
    // closed: gone from the board and from its town filter
    let r = app
        .post(
            &format!("/api/v1/vacancies/{id}/close"),
            Some(&hr),
            &json!({}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    app.wait_indexed().await;
    assert_eq!(board("茶叶").await["total"], 0);
    let html = page(&app).await;
    assert!(!html.contains("白蕉镇（1）"), "{html}");
}
