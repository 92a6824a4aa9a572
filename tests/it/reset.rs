//! Getting back in (issue 16): the reset code by phone — right code, five wrong codes, an
//! expired code, the limits per phone, an unknown phone answered the same — a station asking a
//! code for its worker in person, and the e-mail link for officers; a new password ends every
//! session and token.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app};

const PHONE: &str = "13912345678";

async fn last_code(app: &TestApp, phone: &str) -> String {
    for _ in 0..200 {
        let mut names: Vec<_> = std::fs::read_dir(app.data_dir.path().join("sms"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "json"));
        names.sort();
        for p in names.iter().rev() {
            let v: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            if v["phone"] == phone && v["template"] == "reset_code" {
                return v["params"]["code"].as_str().unwrap().to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no reset code for {phone}");
}

/// How many text messages to `phone` the file transport has delivered.
fn delivered_to(app: &TestApp, phone: &str) -> usize {
    std::fs::read_dir(app.data_dir.path().join("sms"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .filter_map(|p| std::fs::read(p).ok())
                .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
                .filter(|v| v["phone"] == phone)
                .count()
        })
        .unwrap_or(0)
}

async fn sms_rows(app: &TestApp, phone: &str) -> i64 {
    app.count(&format!(
        "select count(*) from sms_outbox where phone = '{phone}'"
    ))
    .await
}

async fn setup(app: &TestApp) -> (String, i64, String) {
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "st@test.local")
        .await;
    let id = app
        .station_worker(&station, &id_number("19900101", 3), PHONE, true)
        .await;
    (station, id, admin)
}

/// Lets the next code be asked at once (the one-a-minute limit is tested on its own).
async fn age_codes(app: &TestApp) {
    sqlx::query("update reset_codes set created_at = '2000-01-01T00:00:00Z'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("update reset_limits set last_at = '2000-01-01T00:00:00Z'")
        .execute(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_right_code_sets_a_new_password_and_ends_every_session_and_token() {
    let app = spawn_app().await;
    setup(&app).await;
    let token = app.token(PHONE, PASSWORD).await;
    let b = browser();
    app.browser_login(&b, PHONE, PASSWORD).await;
    assert_eq!(
        b.get(app.url("/me")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = app
        .post(
            "/api/v1/auth/reset-code",
            None,
            &json!({"phone": "139 1234 5678"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let code = last_code(&app, PHONE).await;
    // a weak password is refused with the field named, and the code still works after
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "123"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["errors"]["password"][0]
            .as_str()
            .unwrap()
            .contains("密码")
    );
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me/data", Some(&token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let page = b.get(app.url("/me")).send().await.unwrap();
    assert!(
        page.status().is_redirection(),
        "the browser session is over: {}",
        page.status()
    );
    let _ = app.token(PHONE, "Meitan-2027").await;
    // the code is used up
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "Meitan-2028"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn five_wrong_codes_end_the_code_and_an_expired_code_is_refused() {
    let app = spawn_app().await;
    setup(&app).await;
    app.post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    let code = last_code(&app, PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = app
            .post(
                "/api/v1/auth/reset",
                None,
                &json!({"phone": PHONE, "code": wrong, "password": "Meitan-2027"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await.unwrap();
        assert!(v["errors"]["code"].is_array(), "{v}");
    }
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right code after five wrong ones"
    );
    // a new code, expired
    age_codes(&app).await;
    app.post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let code2 = loop {
        let c = last_code(&app, PHONE).await;
        if app
            .count("select count(*) from sms_outbox where sent_at is null")
            .await
            == 0
        {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    sqlx::query("update reset_codes set expires_at = '2000-01-01T00:00:00Z'")
        .execute(&app.db)
        .await
        .unwrap();
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code2, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let _ = app.token(PHONE, PASSWORD).await;
}

#[tokio::test]
async fn codes_are_limited_per_phone_and_an_unknown_phone_gets_the_same_answer() {
    let app = spawn_app().await;
    setup(&app).await;
    let unknown = "13600001111";
    for phone in [PHONE, unknown] {
        let r = app
            .post("/api/v1/auth/reset-code", None, &json!({"phone": phone}))
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let first: Value = r.json().await.unwrap();
        // a second within the minute
        let r = app
            .post("/api/v1/auth/reset-code", None, &json!({"phone": phone}))
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{phone}");
        assert!(!first["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(sms_rows(&app, PHONE).await, 1);
    assert_eq!(
        sms_rows(&app, unknown).await,
        0,
        "nothing is sent to a phone nobody has"
    );
    // ten a day: one asked above, eight more earlier today (two hours ago), the tenth now
    let two_hours_ago =
        laowu::domain::fmt_instant(time::OffsetDateTime::now_utc() - time::Duration::hours(2));
    let set = |sql: &'static str| {
        let db = app.db.clone();
        let t = two_hours_ago.clone();
        async move {
            sqlx::query(sql)
                .bind(t)
                .bind(PHONE)
                .execute(&db)
                .await
                .unwrap();
        }
    };
    set("update reset_limits set last_at = $1, hour_start = $1, day_start = $1, day_count = 9 where phone = $2").await;
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "the tenth of the day");
    set("update reset_limits set last_at = $1, hour_start = $1 where phone = $2").await;
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the eleventh of the day"
    );
    // five an hour: the unknown phone has had five in the last hour
    let ten_minutes_ago =
        laowu::domain::fmt_instant(time::OffsetDateTime::now_utc() - time::Duration::minutes(10));
    sqlx::query(
        "update reset_limits set last_at = $1, hour_start = $1, hour_count = 5 where phone = $2",
    )
    .bind(&ten_minutes_ago)
    .bind(unknown)
    .execute(&app.db)
    .await
    .unwrap();
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": unknown}))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the sixth of the hour"
    );
    assert_eq!(r.headers()["retry-after"], "3600");
    // a bad number is a field error
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": "12345"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["errors"]["phone"][0].as_str().unwrap().contains("手机"));
}

#[tokio::test]
async fn a_station_sends_its_worker_a_code_in_person_and_another_station_cannot() {
    let app = spawn_app().await;
    let (station, worker, admin) = setup(&app).await;
    let (_, other) = app
        .station(&admin, "福贡县驻斗门工作站", "fg@test.local")
        .await;
    let path = format!("/api/v1/workers/{worker}/reset-code");
    assert_eq!(
        app.post(&path, Some(&other), &json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    // strangers using up the phone's own limits do not stop the station's request in person
    for _ in 0..3 {
        app.post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
            .await;
        sqlx::query("update reset_limits set last_at = '2000-01-01T00:00:00Z'")
            .execute(&app.db)
            .await
            .unwrap();
    }
    let mut refused = 0;
    for _ in 0..4 {
        let r = app
            .post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
            .await;
        refused += usize::from(r.status() == StatusCode::TOO_MANY_REQUESTS);
        sqlx::query("update reset_limits set last_at = '2000-01-01T00:00:00Z'")
            .execute(&app.db)
            .await
            .unwrap();
    }
    assert_eq!(refused, 2, "the phone's hourly limit (5) is used up");
    let r = app.post(&path, Some(&station), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let body = r.text().await.unwrap();
    // the station's code is the newest message to the phone: wait until every message written
    // for the phone has been delivered (a loaded machine can take a while; reading an earlier,
    // superseded code would fail below)
    let written = sms_rows(&app, PHONE).await;
    let mut delivered = 0;
    for _ in 0..1200 {
        delivered = delivered_to(&app, PHONE);
        if delivered as i64 >= written {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        delivered as i64 >= written,
        "{delivered} of {written} messages delivered in 60 s"
    );
    let code = last_code(&app, PHONE).await;
    assert!(!body.contains(&code), "the officer never sees the code");
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // a worker without a login: nothing to reset, and no code goes to the phone — which may be
    // another person's login (a code asked "for" this worker must never reset that one)
    let other_phone = "13712340000";
    let no_login = app
        .station_worker(&station, &id_number("19900101", 4), other_phone, false)
        .await;
    let r = app
        .post(
            &format!("/api/v1/workers/{no_login}/reset-code"),
            Some(&station),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sms_rows(&app, other_phone).await, 0);
    // an officer who changes the worker's phone to one of their own still cannot get the
    // code: it goes to the login's phone (and another worker's phone is refused outright)
    let officers = "13700009999";
    let r = app
        .put(
            &format!("/api/v1/workers/{worker}"),
            Some(&station),
            &json!({"phone": other_phone}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another worker's phone"
    );
    let r = app
        .put(
            &format!("/api/v1/workers/{worker}"),
            Some(&station),
            &json!({"phone": officers}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    age_codes(&app).await;
    let r = app.post(&path, Some(&station), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(sms_rows(&app, officers).await, 0);
    assert_eq!(
        app.count(&format!(
            "select count(*) from sms_outbox where phone = '{PHONE}' and kind = 'reset_code'"
        ))
        .await,
        7,
        "the two in person and the five strangers asked"
    );
}

#[tokio::test]
async fn an_officer_resets_by_a_one_time_mailed_link() {
    let app = spawn_app().await;
    setup(&app).await;
    let r = app
        .post(
            "/api/v1/auth/reset-link",
            None,
            &json!({"email": "st@test.local"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r2 = app
        .post(
            "/api/v1/auth/reset-link",
            None,
            &json!({"email": "nobody@test.local"}),
        )
        .await;
    assert_eq!(r2.status(), StatusCode::ACCEPTED);
    use sqlx::Row;
    let rows = sqlx::query("select body_text from outbox where kind = 'reset_link'")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one link, for the registered address only");
    let text: String = rows[0].get(0);
    let i = text.find("/reset/mail/").unwrap();
    let token: String = text[i + 12..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 48, "the link is mailed");
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'reset_link'")
            .await,
        1
    );
    // the login itself is no password (and a refused password leaves the link usable)
    let r = app
        .post(
            "/api/v1/auth/reset-link/use",
            None,
            &json!({"token": token, "password": "st@test.local"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(body["errors"]["password"].is_array(), "{body}");
    let r = app
        .post(
            "/api/v1/auth/reset-link/use",
            None,
            &json!({"token": token, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let _ = app.token("st@test.local", "Meitan-2027").await;
    let r = app
        .post(
            "/api/v1/auth/reset-link/use",
            None,
            &json!({"token": token, "password": "Meitan-2028"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "one use");
}

/// A worker who forgot the password gets back in on the pages, with the phone alone.
#[tokio::test]
async fn a_worker_gets_back_in_on_the_pages_with_the_phone_alone() {
    let app = spawn_app().await;
    setup(&app).await;
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("忘记密码"));
    let csrf = app.csrf(&client, "/reset").await;
    let r = client
        .post(app.url("/reset/code"))
        .form(&[("_csrf", csrf.as_str()), ("phone", PHONE)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("短信验证码"), "{html}");
    let code = last_code(&app, PHONE).await;
    // a wrong code: the page says so and keeps the phone
    let r = client
        .post(app.url("/reset"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("phone", PHONE),
            ("code", "000000"),
            ("password", "Meitan-2027-new"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(PHONE));
    let r = client
        .post(app.url("/reset"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("phone", PHONE),
            ("code", code.as_str()),
            ("password", "Meitan-2027-new"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    // the new password works, the old one no longer
    let ok = app
        .api
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"login": PHONE, "password": "Meitan-2027-new"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let old = app
        .api
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"login": PHONE, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
}

/// Ten requests for one phone released together send one code (the limit is one guarded
/// update, not a count read before anyone wrote), for a registered phone and for unknown ones.
#[tokio::test]
async fn ten_requests_at_once_send_one_code() {
    // each round from its own address (behind a trusted proxy), so that the per-address
    // limit does not decide
    let app = crate::helpers::spawn_app_with(None, |c| {
        c.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
    })
    .await;
    setup(&app).await;
    for (round, phone) in [
        PHONE,
        "13600002221",
        "13600002222",
        "13600002223",
        "13600002224",
    ]
    .into_iter()
    .enumerate()
    {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let req = app
                    .api
                    .post(app.url("/api/v1/auth/reset-code"))
                    .header("x-forwarded-for", format!("10.0.0.{round}"))
                    .json(&json!({"phone": phone}));
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    req.send().await.expect("request").status()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let accepted = statuses
            .iter()
            .filter(|s| **s == StatusCode::ACCEPTED)
            .count();
        assert_eq!(accepted, 1, "round {round}: {statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        assert_eq!(
            app.count(&format!(
                "select count(*) from reset_codes where phone = '{phone}'"
            ))
            .await,
            1,
            "round {round}"
        );
    }
    assert_eq!(sms_rows(&app, PHONE).await, 1, "one code by SMS");
}

/// One address may ask twenty codes or links an hour, whatever the phones or addresses.
#[tokio::test]
async fn one_address_asks_at_most_twenty_codes_or_links_an_hour() {
    let app = spawn_app().await;
    setup(&app).await;
    for n in 0..19 {
        let r = app
            .post(
                "/api/v1/auth/reset-code",
                None,
                &json!({"phone": format!("136000030{n:02}")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{n}");
    }
    let r = app
        .post(
            "/api/v1/auth/reset-link",
            None,
            &json!({"email": "nobody@test.local"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "the twentieth");
    for (path, body) in [
        ("/api/v1/auth/reset-code", json!({"phone": "13600003100"})),
        ("/api/v1/auth/reset-link", json!({"email": "st@test.local"})),
    ] {
        let r = app.post(path, None, &body).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(r.headers().contains_key("retry-after"));
    }
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'reset_link'")
            .await,
        0,
        "nothing mailed past the limit"
    );
    // the page form counts in the same bucket
    let b = browser();
    let csrf = app.csrf(&b, "/reset").await;
    let r = b
        .post(app.url("/reset/code"))
        .form(&[("_csrf", csrf.as_str()), ("phone", PHONE)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("尝试次数过多"), "{html}");
    assert_eq!(sms_rows(&app, PHONE).await, 0);
}

/// Using one mailed link ends every other outstanding link of that login.
#[tokio::test]
async fn using_one_mailed_link_ends_the_others() {
    let app = spawn_app().await;
    setup(&app).await;
    for _ in 0..2 {
        let r = app
            .post(
                "/api/v1/auth/reset-link",
                None,
                &json!({"email": "st@test.local"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    use sqlx::Row;
    let tokens: Vec<String> =
        sqlx::query("select body_text from outbox where kind = 'reset_link' order by id")
            .fetch_all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                let text: String = r.get(0);
                let i = text.find("/reset/mail/").unwrap();
                text[i + 12..]
                    .chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect()
            })
            .collect();
    assert_eq!(tokens.len(), 2);
    let r = app
        .post(
            "/api/v1/auth/reset-link/use",
            None,
            &json!({"token": tokens[1], "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            "/api/v1/auth/reset-link/use",
            None,
            &json!({"token": tokens[0], "password": "Meitan-2028"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the older link ended too"
    );
    let b = browser();
    let html = b
        .get(app.url(&format!("/reset/mail/{}", tokens[0])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("失效"), "{html}");
    let _ = app.token("st@test.local", "Meitan-2027").await;
}
