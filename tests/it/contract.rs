//! The API as a contract (issue #19): the document's examples are requests the server takes,
//! and what axum itself refuses still answers in the one error schema.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use laowu::auth::Role;

async fn document(app: &TestApp) -> Value {
    let r = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn example(doc: &Value, schema: &str) -> Value {
    let e = doc["components"]["schemas"][schema]["examples"][0].clone();
    assert!(e.is_object(), "{schema} has no example");
    e
}

/// An integrator copies the examples: a worker registers, an enterprise registers and (once
/// verified) posts the vacancy, the worker applies and the enterprise invites to interview.
#[tokio::test]
async fn every_example_of_the_document_is_taken_by_the_server() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let admin = app.admin().await;

    let worker = example(&doc, "WorkerInput");
    let r = app.post("/api/v1/workers", None, &worker).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let worker_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        app.count("select count(*) from workers where name = '冉小梅'")
            .await,
        1
    );

    let employer = example(&doc, "EmployerInput");
    let r = app.post("/api/v1/employers", None, &employer).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let employer_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/employers/{employer_id}/verify"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let hr = app
        .login_as("hr@yuexianglou.test", Role::Employer, Some(employer_id))
        .await;

    let vacancy = example(&doc, "VacancyInput");
    let r = app.post("/api/v1/vacancies", Some(&hr), &vacancy).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let vacancy_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let me = app
        .token(
            worker["phone"].as_str().unwrap(),
            worker["password"].as_str().unwrap(),
        )
        .await;
    let r = app
        .post(
            "/api/v1/applications",
            Some(&me),
            &json!({"worker_id": worker_id, "vacancy_id": vacancy_id}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let application = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let transition = example(&doc, "TransitionInput");
    let r = app
        .post(
            &format!("/api/v1/applications/{application}/transition"),
            Some(&hr),
            &transition,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = app
        .get(&format!("/api/v1/applications/{application}"), Some(&me))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "interviewing");
}

/// An id beyond i64, or not a number, is 400 in the error schema (was axum's plain text); a
/// method the route lacks is 405 in it too, with its `Allow` header.
#[tokio::test]
async fn what_the_router_refuses_answers_in_the_error_schema() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for path in [
        "/api/v1/workers/99999999999999999999",
        "/api/v1/vacancies/abc",
        "/api/v1/targets/x",
    ] {
        let r = app.get(path, Some(&admin)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let v: Value = r.json().await.unwrap();
        assert!(
            v["error"].as_str().unwrap().starts_with("请求无法解析"),
            "{v}"
        );
        assert!(v["errors"].is_object());
    }
    let r = app
        .api
        .delete(app.url("/api/v1/vacancies"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().get("allow").is_some());
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].is_string());
    // an address under the API that is no route
    let r = app.get("/api/v1/no-such-thing", Some(&admin)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "找不到该记录");
}

/// A whole number written as `12.0` is the number 12 (JSON Schema's integer; generated
/// clients write it so); `12.5` is still refused, naming the field.
#[tokio::test]
async fn a_whole_number_written_with_a_point_is_taken() {
    let app = spawn_app().await;
    let mut body = worker_body(&id_number("19900307", 1), "13985210002");
    body["expected_wage"] = json!(5500.0);
    let r = app.post("/api/v1/workers", None, &body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let mut body = worker_body(&id_number("19900307", 2), "13985210003");
    body["expected_wage"] = json!(5500.5);
    let r = app.post("/api/v1/workers", None, &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["expected_wage"].is_array(), "{v}");
}

/// What the schemas declare: required fields, enumerations, patterns, and the error schema
/// on every 4xx of every operation.
#[tokio::test]
async fn the_document_says_what_the_server_enforces() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let s = &doc["components"]["schemas"];
    let required = s["WorkerInput"]["required"].to_string();
    for f in ["name", "id_number", "phone", "hometown_code"] {
        assert!(required.contains(f), "{f}: {required}");
    }
    assert!(s["WorkerInput"]["properties"]["id_number"]["pattern"].is_string());
    assert!(s["EmployerInput"]["properties"]["uscc"]["pattern"].is_string());
    assert_eq!(
        s["UserInput"]["properties"]["role"]["enum"],
        json!(["admin", "station", "employer", "trainer"])
    );
    assert_eq!(
        s["StationInput"]["properties"]["side"]["enum"],
        json!(["sending", "receiving"])
    );
    let mut fours = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    fours += 1;
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/Error",
                        "{method} {path} {status}"
                    );
                }
            }
            for s in ["400", "401"] {
                assert!(op["responses"].get(s).is_some(), "{method} {path} {s}");
            }
        }
    }
    assert!(fours > 200, "{fours}");
}
