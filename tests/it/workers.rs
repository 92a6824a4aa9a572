//! Worker registration (self, station, admin), duplicates, lists, and who sees what.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{id_number, spawn_app, worker_body};

#[tokio::test]
async fn a_worker_registers_and_birth_date_and_sex_come_from_the_id() {
    let app = spawn_app().await;
    let id = id_number("19900315", 13); // 17th digit 3 → male
    let r = app
        .post("/api/v1/workers", None, &worker_body(&id, "13800138000"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["birth_date"], "1990-03-15");
    assert_eq!(v["sex"], "male");
    assert_eq!(v["skills"], json!(["粤菜", "炒锅"]));
    assert_eq!(v["household"]["poverty_alleviated"], true);
    assert!(v["consent_at"].as_str().unwrap().starts_with("20"));

    // The worker logs in with phone and password and reads their own record.
    let token = app.token("13800138000", crate::helpers::PASSWORD).await;
    let worker_id = v["id"].as_i64().unwrap();
    let r = app
        .get(&format!("/api/v1/workers/{worker_id}"), Some(&token))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["id_number"], id);
}

#[tokio::test]
async fn the_same_id_number_twice_is_a_409_and_one_record() {
    // (The person again, with the recorded name and phone: someone else hears only the
    // refusal of probes.rs.)
    let app = spawn_app().await;
    let id = id_number("19880808", 21);
    let r = app
        .post("/api/v1/workers", None, &worker_body(&id, "13800138001"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Typed in lower case with spaces: still the same person.
    let spaced = format!(" {} ", id.to_lowercase());
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&spaced, "138 0013 8001"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["id_number"][0]
            .as_str()
            .unwrap()
            .contains("已经登记")
    );
    assert_eq!(app.count("select count(*) from workers").await, 1);
    assert_eq!(app.count("select count(*) from users").await, 1);
}

#[tokio::test]
async fn bad_registrations_name_every_field_and_write_nothing() {
    let app = spawn_app().await;
    let mut body = worker_body("520328850314231", "12345");
    body["consent"] = json!(false);
    body["hometown_code"] = json!("999999999");
    body["password"] = json!("123");
    let r = app.post("/api/v1/workers", None, &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    for field in ["id_number", "phone", "hometown_code", "consent", "password"] {
        assert!(
            v["errors"].get(field).is_some(),
            "no error for {field}: {v}"
        );
    }
    assert!(
        v["errors"]["id_number"][0]
            .as_str()
            .unwrap()
            .contains("18位")
    );

    // Under 16: refused.
    let child = id_number("20150101", 5);
    let r = app
        .post("/api/v1/workers", None, &worker_body(&child, "13800138003"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("select count(*) from workers").await, 0);
    assert_eq!(app.count("select count(*) from users").await, 0);
}

#[tokio::test]
async fn a_station_registers_for_someone_and_sees_only_its_caseload() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (station_a, token_a) = app.station(&admin, "湄潭县工作站甲", "a@test.local").await;
    let (_, token_b) = app.station(&admin, "湄潭县工作站乙", "b@test.local").await;

    let mut body = worker_body(&id_number("19820202", 31), "13800138004");
    body.as_object_mut().unwrap().remove("password");
    body["consent"] = json!(false); // collected on paper
    let r = app.post("/api/v1/workers", Some(&token_a), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["station_id"], station_a);
    assert!(v["consent_by"].as_str().unwrap().contains("纸质"));
    let id = v["id"].as_i64().unwrap();

    app.wait_indexed().await;
    let list: Value = app
        .get("/api/v1/workers?q=冉小梅", Some(&token_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let list: Value = app
        .get("/api/v1/workers", Some(&token_b))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);

    assert_eq!(
        app.get(&format!("/api/v1/workers/{id}"), Some(&token_a))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/workers/{id}"), Some(&token_b))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The station's view was written to the audit log.
    let views = app
        .count(&format!(
            "select count(*) from audit_log where action = 'view_worker' and subject_id = {id}"
        ))
        .await;
    assert_eq!(views, 1);

    // Filters: township, household flag, status.
    let list: Value = app
        .get(
            "/api/v1/workers?township=520328004&poverty_alleviated=1&status=seeking",
            Some(&token_a),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let r = app
        .get("/api/v1/workers?status=flying", Some(&token_a))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn worker_lists_and_records_are_closed_to_the_public_and_employers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19900101", 41), "13800138005"),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        app.get("/api/v1/workers", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&format!("/api/v1/workers/{id}"), None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, employer) = app.verified_employer(&admin, 1).await;
    assert_eq!(
        app.get("/api/v1/workers", Some(&employer)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/workers/{id}"), Some(&employer))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/workers/{id}"), Some(&admin))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/workers/999999", Some(&admin))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/workers", Some("lw_not-a-token"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_self_registered_worker_joins_the_sending_station_of_their_county() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (station, _) = app
        .station(&admin, "湄潭县输出地工作站", "s@test.local")
        .await;
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19950505", 51), "13800138006"),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["station_id"], station);
}
