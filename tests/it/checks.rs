//! The public check endpoints, health and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = spawn_app().await;
    let r = app.get("/healthz", None).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn id_card_check_reports_birth_sex_and_region() {
    let app = spawn_app().await;
    let v: Value = app
        .get("/api/v1/check/id-card/11010519491231002x", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["normalized"], "11010519491231002X");
    assert_eq!(v["birth_date"], "1949-12-31");
    assert_eq!(v["sex"], "female");
    assert_eq!(v["region"]["code"], "110105");

    // Meitan's pre-1997 code, for someone born in 1985.
    let old = laowu::domain::id_card::with_check_char("52212819850601003");
    let v: Value = app
        .get(&format!("/api/v1/check/id-card/{old}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["sex"], "male");
    assert!(v["region"]["name"].as_str().unwrap().contains("湄潭"));

    // The same code for someone born after it was abolished.
    let late = laowu::domain::id_card::with_check_char("52212820010601003");
    let v: Value = app
        .get(&format!("/api/v1/check/id-card/{late}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("撤销"));

    let v: Value = app
        .get("/api/v1/check/id-card/520328850314231", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("18位"));

    let v: Value = app
        .get("/api/v1/check/id-card/110105194912310021", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("校验位"));
}

#[tokio::test]
async fn uscc_check_validates_the_check_character() {
    let app = spawn_app().await;
    let v: Value = app
        .get("/api/v1/check/uscc/914403001922038216", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["normalized"], "914403001922038216");
    let v: Value = app
        .get("/api/v1/check/uscc/914403001922038217", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("校验"));
}

#[tokio::test]
async fn openapi_document_lists_the_contract_routes() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with('3'));
    for path in [
        "/workers",
        "/workers/{id}",
        "/employers",
        "/employers/{id}/verify",
        "/users",
        "/stations",
        "/vacancies",
        "/check/id-card/{number}",
        "/check/uscc/{code}",
        "/auth/token",
    ] {
        assert!(v["paths"].get(path).is_some(), "missing {path}");
    }
}

#[tokio::test]
async fn malformed_and_mistyped_json_get_clear_errors() {
    let app = spawn_app().await;
    let r = app
        .api
        .post(app.url("/api/v1/employers"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = app
        .post(
            "/api/v1/workers",
            None,
            &serde_json::json!({"name": "王五", "expected_wage": "很多"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"].get("expected_wage").is_some(), "{v}");

    let r = app
        .api
        .post(app.url("/api/v1/employers"))
        .header("content-type", "application/json")
        .body(vec![b'{'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
