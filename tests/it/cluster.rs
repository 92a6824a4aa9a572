//! Several nodes on one PostgreSQL database (issue #13, README "Running several nodes"): a
//! session begun on one node is valid on the others (sessions live in the database), and a
//! record written through one node is found by every node's own index.

use std::sync::Arc;

use reqwest::cookie::CookieStore;
use reqwest::header::{COOKIE, HeaderValue};
use reqwest::{Client, StatusCode};

use crate::helpers::{PASSWORD, TestApp, id_number, spawn_app, spawn_app_with};

/// A page fetched from `app` with exactly this `Cookie` header (no cookie store, no redirects).
async fn page(app: &TestApp, path: &str, cookie: &HeaderValue) -> (StatusCode, String) {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(app.url(path))
        .header(COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_login_on_one_node_is_valid_on_another_which_also_finds_its_records() {
    if !std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        println!("cluster: PostgreSQL only (several nodes share one PostgreSQL database)");
        return;
    }
    let a = spawn_app().await;
    let b = spawn_app_with(Some(a.database_url.clone()), |_| {}).await;
    let admin = a.admin().await;
    let (_, station) = a.station(&admin, "湄潭县劳务工作站", "st@test.local").await;

    // Log in through node A's login page with a browser that keeps cookies.
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let browser = Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    a.browser_login(&browser, "st@test.local", PASSWORD).await;
    // The jar keeps cookies per host and port: hand node A's session cookie to node B, as
    // a load balancer in front of both would.
    let cookie = jar
        .cookies(&a.url("/").parse().unwrap())
        .expect("node A set a session cookie");
    assert!(cookie.to_str().unwrap().contains("laowu_session="));

    let (status, html) = page(&b, "/station", &cookie).await;
    assert_eq!(status, StatusCode::OK, "node B knows node A's session");
    assert!(html.contains("务工人员名册"));
    // (without the cookie, node B sends the visitor to log in)
    let (status, _) = page(&b, "/station", &HeaderValue::from_static("x=1")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A worker registered through node A is found by node B's own index.
    let id = id_number("19900101", 13);
    let worker = a.station_worker(&station, &id, "13700000013", false).await;
    b.wait_indexed().await;
    let (status, html) = page(&b, "/station?q=粤菜", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("/station/workers/{worker}")),
        "node B's search lists the worker written through node A"
    );

    // Logging out through node B ends the session on node A too.
    let csrf = {
        let html = page(&b, "/station", &cookie).await.1;
        let marker = "name=\"_csrf\" value=\"";
        let start = html.find(marker).expect("a form with a csrf field") + marker.len();
        html[start..start + 48].to_owned()
    };
    let r = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(b.url("/logout"))
        .header(COOKIE, cookie.clone())
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = page(&a, "/station", &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "node A no longer accepts it");
}
