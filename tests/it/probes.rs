//! Issue #12, points 5–7: logins and registrations cannot be used to probe who is registered,
//! sessions are only stored when needed and expire, the API takes JSON only, and no personal
//! number reaches a URL or the logs.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, browser, id_number, log_file, pii_in, spawn_app, spawn_app_with, worker_body,
};

/// The session table of the store (tower-sessions-sqlx-store's migration): `tower_sessions`
/// on SQLite, `tower_sessions.session` on PostgreSQL.
fn sessions_table(app: &TestApp) -> &'static str {
    if app.database_url.starts_with("postgres") {
        "tower_sessions.session"
    } else {
        "tower_sessions"
    }
}

async fn sessions(app: &TestApp) -> i64 {
    app.count(&format!("select count(*) from {}", sessions_table(app)))
        .await
}

/// The same phone as people type it.
const SPELLINGS: [&str; 12] = [
    "13800138000",
    " 13800138000 ",
    "138 0013 8000",
    "138-0013-8000",
    "+86 138 0013 8000",
    "+8613800138000",
    "0086 13800138000",
    "008613800138000",
    "8613800138000",
    "１３８００１３８０００",
    "１３８　００１３　８０００",
    "+86-138-0013-8000",
];

async fn token_attempt(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/token",
        None,
        &json!({"login": login, "password": password}),
    )
    .await
}

#[tokio::test]
async fn twelve_spellings_of_one_phone_share_one_login_throttle() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19900101", 1), "13800138000"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Every spelling is the same account: the right password works in any of them.
    assert_eq!(
        token_attempt(&app, SPELLINGS[9], PASSWORD).await.status(),
        StatusCode::OK
    );
    // Nine wrong passwords, each in another spelling, fill the account's bucket of ten.
    for spelling in &SPELLINGS[..9] {
        let r = token_attempt(&app, spelling, "Wrong-2026").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{spelling:?}");
    }
    // The right password in spellings not tried yet is throttled like the plain one.
    for spelling in [SPELLINGS[10], SPELLINGS[11], SPELLINGS[0]] {
        let r = token_attempt(&app, spelling, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{spelling:?}");
        assert!(r.headers().get("retry-after").is_some());
    }
    // Another account is not affected.
    assert_eq!(
        token_attempt(&app, "13900000000", "Wrong-2026")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_duplicate_self_registration_reads_like_any_other_refusal() {
    let app = spawn_app().await;
    let registered = id_number("19880808", 31);
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&registered, "13800138031"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The person themselves (name and phone as recorded, typed any way) is told to log in.
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&registered.to_lowercase(), "+86 138 0013 8031"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.json::<Value>().await.unwrap()["errors"]["id_number"][0]
            .as_str()
            .unwrap()
            .contains("登录")
    );

    async fn refusal(app: &TestApp, body: &Value) -> (StatusCode, Value) {
        let r = app.post("/api/v1/workers", None, body).await;
        (r.status(), r.json().await.unwrap())
    }
    // Someone who knows only the number: another phone …
    let by_number = refusal(&app, &worker_body(&registered, "13800138032")).await;
    // … or the right phone under another name …
    let mut other_name = worker_body(&registered, "13800138031");
    other_name["name"] = json!("杨小芳");
    let by_name = refusal(&app, &other_name).await;
    // … hears exactly what a new number with a phone that already has a login hears.
    let by_phone = refusal(
        &app,
        &worker_body(&id_number("19900505", 33), "13800138031"),
    )
    .await;
    assert_eq!(by_number.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(by_number, by_phone);
    assert_eq!(by_name, by_phone);
    assert!(
        by_number.1["errors"]["id_number"][0]
            .as_str()
            .unwrap()
            .contains("联系所在的劳务工作站"),
        "{}",
        by_number.1
    );

    // A station still hears plainly that the number is registered.
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    let mut body = worker_body(&registered, "13800138034");
    body.as_object_mut().unwrap().remove("password");
    let r = app.post("/api/v1/workers", Some(&station), &body).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.json::<Value>().await.unwrap()["errors"]["id_number"][0]
            .as_str()
            .unwrap()
            .contains("已经登记")
    );
    assert_eq!(app.count("select count(*) from workers").await, 1);
}

/// A phone belongs to one worker: a phone another worker already has (even one registered by
/// a station without a login) is refused — to an anonymous caller with the one refusal every
/// other duplicate gets, byte for byte; to a station with a clear message naming the phone.
#[tokio::test]
async fn a_phone_already_a_workers_is_refused_and_says_nothing_more() {
    // behind a trusted proxy, so that the page below comes from an address of its own (three
    // refusals stop an address for the day)
    let app = spawn_app_with(None, |c| {
        c.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
    })
    .await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    // a worker on paper (no login) and one with a login
    app.station_worker(&station, &id_number("19880808", 51), "13800138051", false)
        .await;
    app.post(
        "/api/v1/workers",
        None,
        &worker_body(&id_number("19880808", 52), "13800138052"),
    )
    .await;
    let mut answers = Vec::new();
    for (id, phone) in [
        (id_number("19900505", 53), "13800138051"), // the paper worker's phone
        (id_number("19900505", 54), "138 0013 8052"), // the login's phone, spaced
        (id_number("19880808", 51), "13800138055"), // a registered number, another phone
    ] {
        let r = app
            .post("/api/v1/workers", None, &worker_body(&id, phone))
            .await;
        answers.push((r.status(), r.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
    assert_eq!(app.count("select count(*) from workers").await, 2);
    assert_eq!(
        app.count("select count(*) from users where phone = '13800138051'")
            .await,
        0,
        "no login took the paper worker's phone"
    );
    // the page: the same refusal, with the ways back in
    let b = browser();
    let csrf = app.csrf(&b, "/register").await;
    let r = b
        .post(app.url("/register"))
        .header("x-forwarded-for", "10.0.0.9")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "冉小梅"),
            ("id_number", &id_number("19900505", 56)),
            ("phone", "13800138051"),
            ("hometown_code", "520328004"),
            ("password", PASSWORD),
            ("password2", PASSWORD),
            ("consent", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("无法用这些信息在网上注册"), "{html}");
    assert!(html.contains("href=\"/reset\"") && html.contains("href=\"/login\""));
    // a station hears it plainly, on the phone field
    let mut body = worker_body(&id_number("19900505", 57), "13800138052");
    body.as_object_mut().unwrap().remove("password");
    let r = app.post("/api/v1/workers", Some(&station), &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["phone"][0]
            .as_str()
            .unwrap()
            .contains("另一位务工人员"),
        "{v}"
    );
    assert_eq!(app.count("select count(*) from workers").await, 2);
}

#[tokio::test]
async fn anonymous_registration_is_throttled_per_address() {
    let app = spawn_app().await;
    for _ in 0..20 {
        let r = app.post("/api/v1/workers", None, &json!({})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19900101", 41), "13800138041"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("稍后再试"), "{v}");
    assert_eq!(app.count("select count(*) from workers").await, 0);

    // The registration page shares the address's bucket.
    let client = browser();
    let csrf = app.csrf(&client, "/register").await;
    let r = client
        .post(app.url("/register"))
        .form(&[("_csrf", csrf.as_str()), ("name", "杨小芳")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());

    // A station registering people is not an anonymous caller.
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    app.station_worker(&station, &id_number("19900101", 42), "13800138042", false)
        .await;
}

#[tokio::test]
async fn reading_public_pages_stores_no_session() {
    let app = spawn_app().await;
    let with_cookies = browser();
    for i in 0..100 {
        for path in ["/", "/vacancies"] {
            let client = if i % 2 == 0 { &app.api } else { &with_cookies };
            let r = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers().get("set-cookie").is_none(), "{path}");
        }
    }
    assert_eq!(sessions(&app).await, 0);
    // A form that needs a CSRF token keeps one session for it.
    app.csrf(&with_cookies, "/login").await;
    app.csrf(&with_cookies, "/login").await;
    assert_eq!(sessions(&app).await, 1);
}

#[tokio::test]
async fn expired_sessions_are_deleted_by_the_cleanup() {
    use tower_sessions::session_store::ExpiredDeletion;

    let app = spawn_app().await;
    app.admin().await;
    let (old, fresh) = (browser(), browser());
    app.browser_login(&old, "admin@test.local", PASSWORD).await;
    app.browser_login(&fresh, "admin@test.local", PASSWORD)
        .await;
    assert_eq!(sessions(&app).await, 2);
    let table = sessions_table(&app);
    let expire_one = format!(
        "update {table} set expiry_date = '2000-01-01 00:00:00+00:00' \
         where id = (select min(id) from {table})"
    );
    sqlx::query(&expire_one).execute(&app.db).await.unwrap();

    let store = laowu::startup::SessionBackend::connect(&app.database_url)
        .await
        .unwrap();
    store.delete_expired().await.unwrap();
    assert_eq!(sessions(&app).await, 1);

    // And a running server does it by itself: it starts by deleting expired rows.
    sqlx::query(&format!(
        "update {table} set expiry_date = '2000-01-01 00:00:00+00:00'"
    ))
    .execute(&app.db)
    .await
    .unwrap();
    let _second = spawn_app_with(Some(app.database_url.clone()), |_| {}).await;
    for _ in 0..100 {
        if sessions(&app).await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not delete expired sessions");
}

#[tokio::test]
async fn login_gives_a_new_csrf_token_and_the_old_one_is_refused() {
    let app = spawn_app().await;
    app.admin().await;
    let client = browser();
    let before = app.csrf(&client, "/login").await;
    app.browser_login(&client, "admin@test.local", PASSWORD)
        .await;
    let after = app.csrf(&client, "/admin").await;
    assert_ne!(before, after);
    let r = client
        .post(app.url("/logout"))
        .form(&[("_csrf", before.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "still logged in");
    let r = client
        .post(app.url("/logout"))
        .form(&[("_csrf", after.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn api_writes_need_a_json_content_type() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let body = worker_body(&id_number("19900101", 51), "13800138051");
    let text = body.to_string();
    for ct in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut r = app
            .api
            .post(app.url("/api/v1/workers"))
            .bearer_auth(&admin)
            .body(text.clone());
        if let Some(ct) = ct {
            r = r.header("content-type", ct);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].as_str().unwrap().contains("JSON"), "{v}");
    }
    // The token endpoint too: a page elsewhere cannot post a login form to it.
    let r = app
        .api
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "text/plain")
        .body(json!({"login": "admin@test.local", "password": PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A logged-in browser posting a form to the API with its session cookie: refused.
    let officer = browser();
    app.browser_login(&officer, "admin@test.local", PASSWORD)
        .await;
    let r = officer
        .post(app.url("/api/v1/stations"))
        .form(&[
            ("name", "假站"),
            ("side", "sending"),
            ("email", "x@test.local"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count("select count(*) from stations").await, 0);
    assert_eq!(app.count("select count(*) from workers").await, 0);

    // JSON (with a charset) goes through.
    let r = app
        .api
        .post(app.url("/api/v1/workers"))
        .bearer_auth(&admin)
        .header("content-type", "application/json; charset=utf-8")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn id_card_numbers_are_checked_from_the_body() {
    let app = spawn_app().await;
    let number = id_number("19850314", 61);
    let r = app
        .post("/api/v1/check/id-card", None, &json!({"number": number}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let posted: Value = r.json().await.unwrap();
    assert_eq!(posted["valid"], true);
    assert_eq!(posted["birth_date"], "1985-03-14");
    // The old route answers the same, and the document marks it deprecated.
    let got: Value = app
        .get(&format!("/api/v1/check/id-card/{number}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, posted);
    let doc: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["paths"]["/check/id-card/{number}"]["get"]["deprecated"],
        true
    );
    assert!(doc["paths"]["/check/id-card"]["post"].is_object());
    let r = app
        .post("/api/v1/check/id-card", None, &json!({"number": "1234"}))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["valid"], false);
}

#[tokio::test]
async fn the_station_searches_by_number_without_it_in_the_url() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    let number = id_number("19900101", 71);
    app.station_worker(&station, &number, "13800138071", false)
        .await;
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let page = officer
        .get(app.url("/station"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<form class="filters" method="post" action="/station""#));
    let csrf = app.csrf(&officer, "/station").await;
    for q in [number.as_str(), "13800138071"] {
        let r = officer
            .post(app.url("/station"))
            .form(&[("_csrf", csrf.as_str()), ("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("共 1 人"), "{q}");
        assert!(html.contains("冉小梅"));
    }
}

/// Maps full-width digits to ASCII so that `１３８…` in a log counts as a number too.
fn narrow_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[tokio::test]
async fn the_logs_carry_no_personal_numbers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    let number = id_number("19870707", 81);
    // registration, a duplicate, a station registration
    app.post(
        "/api/v1/workers",
        None,
        &worker_body(&number, "13800138081"),
    )
    .await;
    app.post(
        "/api/v1/workers",
        None,
        &worker_body(&number, "13800138082"),
    )
    .await;
    app.station_worker(&station, &id_number("19870707", 82), "13800138083", false)
        .await;
    // the login throttle, in several spellings and through the page
    for spelling in SPELLINGS {
        token_attempt(&app, spelling, "Wrong-2026").await;
    }
    for _ in 0..11 {
        token_attempt(&app, "13800138081", "Wrong-2026").await;
    }
    let client = browser();
    let csrf = app.csrf(&client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("login", "13800138081"),
            ("password", PASSWORD),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // id-card checks, both ways
    app.get(&format!("/api/v1/check/id-card/{number}"), None)
        .await;
    app.post("/api/v1/check/id-card", None, &json!({"number": number}))
        .await;
    // the station's search, by post and by the old link
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let csrf = app.csrf(&officer, "/station").await;
    officer
        .post(app.url("/station"))
        .form(&[("_csrf", csrf.as_str()), ("q", "13800138083")])
        .send()
        .await
        .unwrap();
    officer
        .get(app.url(&format!("/station?q={number}")))
        .send()
        .await
        .unwrap();
    app.get(&format!("/api/v1/workers?q={number}"), Some(&station))
        .await;

    let logs = std::fs::read_to_string(log_file()).expect("the log file");
    // The capture works: this test's requests are in it.
    assert!(logs.contains("login throttled"), "no throttle line logged");
    let found = pii_in(&narrow_digits(&logs));
    assert!(
        found.is_empty(),
        "personal numbers in the logs: {found:?}\n{}",
        logs.lines()
            .filter(|l| found.iter().any(|f| narrow_digits(l).contains(f.as_str())))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Requests are logged by their route template.
    assert!(
        logs.contains("route=/api/v1/check/id-card/{number}"),
        "no request span logged"
    );
}

/// A worker changing their own phone cannot learn whose a number is: a number another worker
/// has is refused with the one neutral answer, and the tries are limited to five a day (then
/// 429, page and API alike); the worker's station hears it plainly and without a limit.
#[tokio::test]
async fn a_worker_cannot_probe_whose_a_phone_is_by_changing_their_own() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    let me_id = app
        .station_worker(&station, &id_number("19880808", 91), "13785211000", true)
        .await;
    // another worker's phone: one on paper, one with a login
    app.station_worker(&station, &id_number("19880808", 92), "13785211001", false)
        .await;
    app.station_worker(&station, &id_number("19880808", 93), "13785211009", true)
        .await;
    let me = app.token("13785211000", PASSWORD).await;
    let path = format!("/api/v1/workers/{me_id}");
    let change = |phone: &'static str| {
        let (app, me, path) = (&app, &me, &path);
        async move {
            let r = app.put(path, Some(me), &json!({"phone": phone})).await;
            let status = r.status();
            let retry = r.headers().get("retry-after").is_some();
            let text = r.text().await.unwrap();
            (
                status,
                retry,
                serde_json::from_str(&text).unwrap_or(Value::Null),
            )
        }
    };
    let taken = change("13785211001").await;
    assert_eq!(taken.0, StatusCode::UNPROCESSABLE_ENTITY);
    let message = taken.2["errors"]["phone"][0].as_str().unwrap().to_owned();
    assert!(message.contains("这个手机号码不能使用"), "{message}");
    assert!(
        !message.contains("另一位") && !message.contains("已是") && !message.contains("已被"),
        "{message}"
    );
    // the other taken number (a login's, spaced) reads the same, byte for byte
    let r = app
        .put(&path, Some(&me), &json!({"phone": "137 8521 1009"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.unwrap(), taken.2);
    // a free number goes through; a malformed one keeps its own message and is not a try
    assert_eq!(change("13785211002").await.0, StatusCode::OK);
    let bad = change("1378521").await;
    assert_eq!(bad.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(bad.2["errors"]["phone"][0], taken.2["errors"]["phone"][0]);
    // saving the number the worker already has is no try either
    assert_eq!(change("13785211002").await.0, StatusCode::OK);
    assert_eq!(change("13785211003").await.0, StatusCode::OK);
    assert_eq!(
        change("13785211001").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // five tries used: a taken number and a free one both get 429 now, with a Chinese message
    for phone in ["13785211001", "13785211004"] {
        let (status, retry, v) = change(phone).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{phone}: {v}");
        assert!(retry, "Retry-After");
        let m = v["errors"]["phone"][0].as_str().unwrap();
        assert!(m.contains("今天已修改5次手机号码"), "{m}");
    }
    assert_eq!(
        app.count(&format!(
            "select count(*) from workers where id = {me_id} and phone = '13785211003'"
        ))
        .await,
        1
    );
    // the page (same code path, same tries): the limit, flashed on /me
    let b = browser();
    app.browser_login(&b, "13785211000", PASSWORD).await;
    let csrf = app.csrf(&b, "/me").await;
    let r = b
        .post(app.url("/me/correct"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("phone", "13785211001"),
            ("skills", ""),
            ("desired_jobs", ""),
            ("expected_wage", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("今天已修改5次手机号码"), "{html}");
    assert!(!html.contains("另一位务工人员"), "{html}");
    // the station hears it plainly, as often as it needs
    for _ in 0..7 {
        let r = app
            .put(&path, Some(&station), &json!({"phone": "13785211001"}))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await.unwrap();
        assert!(
            v["errors"]["phone"][0]
                .as_str()
                .unwrap()
                .contains("另一位务工人员"),
            "{v}"
        );
    }
    let r = app
        .put(&path, Some(&station), &json!({"phone": "13785211005"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// The page form answers a taken number with the same neutral refusal as the API.
#[tokio::test]
async fn the_me_page_refuses_a_taken_phone_without_saying_whose() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "st@test.local").await;
    app.station_worker(&station, &id_number("19880808", 94), "13785212000", true)
        .await;
    app.station_worker(&station, &id_number("19880808", 95), "13785212001", false)
        .await;
    let b = browser();
    app.browser_login(&b, "13785212000", PASSWORD).await;
    let csrf = app.csrf(&b, "/me").await;
    let r = b
        .post(app.url("/me/correct"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("phone", "13785212001"),
            ("skills", ""),
            ("desired_jobs", ""),
            ("expected_wage", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = b
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("这个手机号码不能使用"), "{html}");
    assert!(!html.contains("另一位务工人员"), "{html}");
}

/// Per-address limits key on the normalised address: `::ffff:10.71.0.1` is `10.71.0.1`, and
/// the addresses of one IPv6 /64 are one address.
#[tokio::test]
async fn mapped_ipv4_and_one_ipv6_64_are_one_address_to_the_throttles() {
    let app = spawn_app_with(None, |c| {
        c.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
    })
    .await;
    let register = |from: String| {
        let app = &app;
        async move {
            app.api
                .post(app.url("/api/v1/workers"))
                .header("x-forwarded-for", from)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for n in 0..20 {
        let from = if n % 2 == 0 {
            "10.71.0.1"
        } else {
            "::ffff:10.71.0.1"
        };
        assert_eq!(
            register(from.into()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{n}"
        );
    }
    for from in ["10.71.0.1", "::ffff:10.71.0.1"] {
        assert_eq!(
            register(from.into()).await,
            StatusCode::TOO_MANY_REQUESTS,
            "{from}"
        );
    }
    for n in 0..20 {
        assert_eq!(
            register(format!("2001:db8:71:1::{:x}", n + 1)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{n}"
        );
    }
    assert_eq!(
        register("2001:db8:71:1:abcd::1".into()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // the next /64 and another IPv4 address have their own buckets
    assert_eq!(
        register("2001:db8:71:2::1".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        register("10.71.0.2".into()).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // the reset requests too
    for n in 0..20 {
        let r = app
            .api
            .post(app.url("/api/v1/auth/reset-code"))
            .header("x-forwarded-for", format!("2001:db8:72:1::{:x}", n + 1))
            .json(&json!({"phone": format!("136000040{n:02}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{n}");
    }
    let r = app
        .api
        .post(app.url("/api/v1/auth/reset-code"))
        .header("x-forwarded-for", "2001:db8:72:1:ffff::9")
        .json(&json!({"phone": "13600004100"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}
