//! Logins: the admin creates them, passwords must be strong, tokens work, the CLI creates the
//! first admin.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn only_the_admin_creates_logins_and_weak_passwords_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "湄潭站", "side": "sending", "email": "st@test.local"}),
        )
        .await;
    let station = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let body = json!({"email": "officer@test.local", "password": PASSWORD, "role": "station", "station_id": station});
    assert_eq!(
        app.post("/api/v1/users", None, &body).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = app.post("/api/v1/users", Some(&admin), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        app.post("/api/v1/users", Some(&admin), &body)
            .await
            .status(),
        StatusCode::CONFLICT
    );

    let officer = app.token("officer@test.local", PASSWORD).await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&officer),
            &json!({"email": "x@test.local", "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "weak@test.local", "password": "12345678", "role": "admin"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json::<Value>().await.unwrap()["errors"]
            .get("password")
            .is_some()
    );

    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "e@test.local", "password": PASSWORD, "role": "employer"}),
        )
        .await;
    assert!(
        r.json::<Value>().await.unwrap()["errors"]
            .get("employer_id")
            .is_some()
    );

    // Passwords are stored as argon2id hashes.
    let hash: String =
        sqlx::query_scalar("select password_hash from users where email = 'officer@test.local'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn wrong_passwords_get_no_token() {
    let app = spawn_app().await;
    app.admin().await;
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"login": "admin@test.local", "password": "Wrong-2026"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"login": "nobody@test.local", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Tokens are stored hashed, never as issued.
    let token = app.token("admin@test.local", PASSWORD).await;
    let stored = app
        .count(&format!(
            "select count(*) from api_tokens where token_hash = '{token}'"
        ))
        .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_cli_creates_the_first_admin_from_stdin() {
    use std::io::Write;
    let app = spawn_app().await;
    let run = |password: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"))
            .args([
                "user",
                "add",
                "--email",
                "boss@test.local",
                "--role",
                "admin",
                "--password-stdin",
            ])
            .args(["--data-dir", app.data_dir.path().to_str().unwrap()])
            .args(["--database-url", &app.database_url])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run laowu");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("密码"));
    let ok = run(PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    app.token("boss@test.local", PASSWORD).await;
}
