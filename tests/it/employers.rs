//! Enterprises register, wait for verification, post, edit, close and reopen vacancies;
//! the public board shows only what is open.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{employer_body, spawn_app, vacancy_body};

#[tokio::test]
async fn an_unverified_employer_cannot_post_until_the_admin_verifies_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app.post("/api/v1/employers", None, &employer_body(7)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "pending");
    let id = v["id"].as_i64().unwrap();

    // The same USCC again is a conflict.
    let r = app.post("/api/v1/employers", None, &employer_body(7)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    let hr = app
        .login_as("hr7@test.local", laowu::auth::Role::Employer, Some(id))
        .await;
    let r = app
        .post("/api/v1/vacancies", Some(&hr), &vacancy_body("电子厂普工"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Only the admin verifies.
    let r = app
        .post(
            &format!("/api/v1/employers/{id}/verify"),
            Some(&hr),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &format!("/api/v1/employers/{id}/verify"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "verified");

    let r = app
        .post("/api/v1/vacancies", Some(&hr), &vacancy_body("电子厂普工"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let list: Value = app
        .get("/api/v1/vacancies", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "电子厂普工");
    assert_eq!(
        list["items"][0]["employer_name"],
        "珠海斗门测试企业7有限公司"
    );
}

#[tokio::test]
async fn bad_employer_and_vacancy_input_names_the_fields() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut body = employer_body(8);
    body["uscc"] = json!("914403001922038217");
    body["town_code"] = json!("520328004"); // not in Doumen
    body["contact_phone"] = json!("0756-123");
    let r = app.post("/api/v1/employers", None, &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    for f in ["uscc", "town_code", "contact_phone"] {
        assert!(v["errors"].get(f).is_some(), "{f}: {v}");
    }

    let (_, hr) = app.verified_employer(&admin, 9).await;
    let mut vb = vacancy_body("厨师");
    vb["wage_min"] = json!(9000);
    vb["wage_max"] = json!(5000);
    vb["expires_on"] = json!("2020-01-01");
    vb["required_programme"] = json!("wizardry");
    vb["headcount"] = json!(0);
    let r = app.post("/api/v1/vacancies", Some(&hr), &vb).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    for f in ["wage_max", "expires_on", "required_programme", "headcount"] {
        assert!(v["errors"].get(f).is_some(), "{f}: {v}");
    }
    assert_eq!(app.count("select count(*) from vacancies").await, 0);
}

#[tokio::test]
async fn the_board_filters_and_hides_closed_and_expired_vacancies() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (employer_id, hr) = app.verified_employer(&admin, 10).await;
    let mut chef = vacancy_body("粤菜厨师");
    chef["required_programme"] = json!("cantonese-chef");
    chef["town_code"] = json!("440403107");
    chef["wage_min"] = json!(6000);
    chef["wage_max"] = json!(8000);
    let chef_id = app
        .post("/api/v1/vacancies", Some(&hr), &chef)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post("/api/v1/vacancies", Some(&hr), &vacancy_body("电子厂普工"))
        .await;
    // The admin posts for an enterprise with employer_id.
    let mut guard = vacancy_body("保安");
    guard["employer_id"] = json!(employer_id);
    guard["lodging"] = json!(false);
    assert_eq!(
        app.post("/api/v1/vacancies", Some(&admin), &guard)
            .await
            .status(),
        StatusCode::CREATED
    );

    let total = |v: Value| v["total"].as_i64().unwrap();
    let get = |q: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/vacancies{q}"), None)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    app.wait_indexed().await;
    assert_eq!(total(get("").await), 3);
    assert_eq!(total(get("?town=440403107").await), 1);
    assert_eq!(total(get("?programme=cantonese-chef").await), 1);
    assert_eq!(total(get("?wage=7000").await), 1);
    assert_eq!(total(get("?lodging=1").await), 2);
    assert_eq!(total(get("?q=厨师").await), 1);
    assert_eq!(
        app.get("/api/v1/vacancies?programme=magic", None)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get("/api/v1/vacancies?page=abc", None).await.status(),
        StatusCode::OK
    );

    // Close hides it, reopen shows it again; another employer may not touch it.
    let (_, other) = app.verified_employer(&admin, 11).await;
    let r = app
        .post(
            &format!("/api/v1/vacancies/{chef_id}/close"),
            Some(&other),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &format!("/api/v1/vacancies/{chef_id}/close"),
            Some(&hr),
            &json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "closed");
    assert_eq!(total(get("").await), 2);
    assert_eq!(
        app.get(&format!("/api/v1/vacancies/{chef_id}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.post(
        &format!("/api/v1/vacancies/{chef_id}/reopen"),
        Some(&hr),
        &json!({}),
    )
    .await;
    assert_eq!(total(get("").await), 3);

    // Edit: the new title shows.
    let mut edited = chef.clone();
    edited["title"] = json!("粤菜主厨");
    let r = app
        .put(&format!("/api/v1/vacancies/{chef_id}"), Some(&hr), &edited)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["title"], "粤菜主厨");

    // An expired vacancy stops showing.
    sqlx::query("update vacancies set expires_on = '2020-01-01' where id = $1")
        .bind(chef_id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(total(get("").await), 2);
    // Every write left a change row for the search index.
    assert!(
        app.count("select count(*) from search_changes where entity = 'vacancy'")
            .await
            >= 6
    );
}
