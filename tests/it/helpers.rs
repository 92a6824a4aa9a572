//! `spawn_app`: a real server on a random port with a fresh database (a temp SQLite file, or
//! a fresh PostgreSQL database when `DATABASE_URL` points at PostgreSQL).

use laowu::auth::Role;
use laowu::config::Config;
use laowu::db::Db;
use laowu::domain::id_card::with_check_char;
use laowu::service::accounts::{UserInput, create_user};
use laowu::startup::Application;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

pub const PASSWORD: &str = "Doumen-2026";

pub struct TestApp {
    pub search: std::sync::Arc<laowu::search::sync::Indexer>,
    pub base: String,
    pub db: Db,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    /// A client without cookies, for the API.
    pub api: Client,
}

/// A fresh database URL for one test.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            use sqlx::Connection;
            let name = format!("laowu_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&url)
                .await
                .expect("connect to PostgreSQL from DATABASE_URL");
            sqlx::query(&format!("create database {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        _ => laowu::config::sqlite_url(&dir.join("test.db")),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None, |_| {}).await
}

/// Where the servers of this test process also write their logs, at `debug` for laowu and
/// the HTTP layers (`probes.rs` scans it for personal numbers).
pub fn log_file() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("laowu-it-{}.log", std::process::id()))
}

/// Installs logging once per process: `warn` on the terminal (or `RUST_LOG`), and everything
/// the server says about requests into [`log_file`].
pub fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let path = log_file();
        let _ = std::fs::remove_file(&path);
        laowu::telemetry::init_with_log_file(
            "warn",
            &path,
            "info,laowu=debug,tower_http=debug,tower_sessions=debug,axum=debug",
        );
    });
}

/// A server with adjusted settings, on a fresh database or on `database_url`'s.
pub async fn spawn_app_with(
    database_url: Option<String>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    init_logs();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = match database_url {
        Some(u) => u,
        None => fresh_database_url(data_dir.path()).await,
    };
    let mut config = Config::for_data_dir(data_dir.path(), Some(database_url.clone()));
    adjust(&mut config);
    let app = Application::build(config).await.expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    let search = app.state.search.clone();
    tokio::spawn(app.run());
    TestApp {
        search,
        base,
        db,
        database_url,
        data_dir,
        api: Client::new(),
    }
}

/// A valid 身份证 number of a Meitan person born on `yyyymmdd`, made unique by `seq`.
pub fn id_number(yyyymmdd: &str, seq: u32) -> String {
    with_check_char(&format!("520328{yyyymmdd}{:03}", seq % 1000))
}

/// A browser-like client that keeps cookies.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// A page's text as `client` sees it (asserting 200).
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        let r = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    /// Waits (at most 5 s) until the background indexer has applied every change row visible
    /// now.
    pub async fn wait_indexed(&self) {
        for _ in 0..100 {
            if self
                .search
                .up_to_date()
                .await
                .expect("reading the change feed")
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the index did not catch up with the change feed");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a login directly and returns a bearer token for it.
    pub async fn login_as(&self, email: &str, role: Role, org: Option<i64>) -> String {
        let input = UserInput {
            email: email.into(),
            password: PASSWORD.into(),
            role: role.as_str().into(),
            display_name: Some(format!("{}测试", role.label())),
            employer_id: (role == Role::Employer).then_some(org).flatten(),
            station_id: (role == Role::Station).then_some(org).flatten(),
            provider_id: (role == Role::Trainer).then_some(org).flatten(),
        };
        create_user(&self.db, &input).await.expect("create user");
        self.token(email, PASSWORD).await
    }

    pub async fn token(&self, login: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "token for {login}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login_as("admin@test.local", Role::Admin, None).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.api.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut r = self.api.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut r = self.api.put(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    /// Creates a station through the API and a login for it; returns (station id, token).
    pub async fn station(&self, admin: &str, name: &str, email: &str) -> (i64, String) {
        let r = self
            .post(
                "/api/v1/stations",
                Some(admin),
                &json!({"name": name, "side": "sending", "email": email}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let token = self.login_as(email, Role::Station, Some(id)).await;
        (id, token)
    }

    /// Creates a training provider and its trainer's login; returns (provider id, token).
    pub async fn trainer(&self, admin: &str, email: &str) -> (i64, String) {
        let r = self
            .post(
                "/api/v1/providers",
                Some(admin),
                &json!({"name": "斗门区职业技能培训中心", "email": "px@test.local"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        (id, self.login_as(email, Role::Trainer, Some(id)).await)
    }

    /// Registers a worker through a station, with a login (phone and [`PASSWORD`]) when
    /// `with_login`; returns the worker's id.
    pub async fn station_worker(
        &self,
        station: &str,
        id_number: &str,
        phone: &str,
        with_login: bool,
    ) -> i64 {
        let mut b = worker_body(id_number, phone);
        if !with_login {
            b.as_object_mut().unwrap().remove("password");
        }
        let r = self.post("/api/v1/workers", Some(station), &b).await;
        assert_eq!(r.status(), StatusCode::CREATED, "worker {phone}");
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    /// Registers, verifies and logs in an enterprise; returns (employer id, token).
    pub async fn verified_employer(&self, admin: &str, n: u32) -> (i64, String) {
        let body = employer_body(n);
        let r = self.post("/api/v1/employers", None, &body).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = self
            .post(
                &format!("/api/v1/employers/{id}/verify"),
                Some(admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let token = self
            .login_as(&format!("hr{n}@test.local"), Role::Employer, Some(id))
            .await;
        (id, token)
    }

    /// Uploads a ledger through the station's page as the logged-in `client`: 303 to the
    /// job's page, or the import page with an error.
    pub async fn post_ledger(&self, client: &Client, name: &str, bytes: Vec<u8>) -> Response {
        let csrf = self.csrf(client, "/station/import").await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        client
            .post(self.url(&format!("/station/import?_csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a ledger through the page and waits for its job to end; returns the job page.
    pub async fn import_via_page(&self, client: &Client, name: &str, bytes: Vec<u8>) -> String {
        let r = self.post_ledger(client, name, bytes).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "upload of {name}");
        let job = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(job.starts_with("/station/imports/jobs/"), "{job}");
        self.wait_job_page(client, &job).await
    }

    /// Reads a job's page until it stops refreshing itself (the job ended); at most 120 s.
    pub async fn wait_job_page(&self, client: &Client, path: &str) -> String {
        for _ in 0..1200 {
            let r = client.get(self.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let html = r.text().await.unwrap();
            if !html.contains(r#"http-equiv="refresh""#) {
                return html;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the import job {path} did not end");
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sql)
            .fetch_one(&self.db)
            .await
            .expect("count")
            .try_get::<i64, _>(0)
            .unwrap()
    }

    /// Time passes for a course: it now runs from `start_in_days` to `end_in_days` from today
    /// (sign-up closes the day before a course starts, so tests sign people up on a course that
    /// starts tomorrow and then move it to the dates the test is about).
    pub async fn course_runs(&self, course_id: i64, start_in_days: i64, end_in_days: i64) {
        let date = |d: i64| {
            laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(d))
        };
        sqlx::query("update courses set start_date = $1, end_date = $2 where id = $3")
            .bind(date(start_in_days))
            .bind(date(end_in_days))
            .bind(course_id)
            .execute(&self.db)
            .await
            .expect("move the course's dates");
    }

    /// Logs a browser in through the login page.
    pub async fn browser_login(&self, client: &Client, login: &str, password: &str) {
        let csrf = self.csrf(client, "/login").await;
        let r = client
            .post(self.url("/login"))
            .form(&[("login", login), ("password", password), ("_csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {login}");
    }

    /// Uploads a CSV ledger through the station's page as `login`; returns the job's page once
    /// the import ended.
    pub async fn upload_ledger(&self, login: &str, csv: &str) -> String {
        let officer = browser();
        self.browser_login(&officer, login, PASSWORD).await;
        self.import_via_page(&officer, "台账.csv", csv.as_bytes().to_vec())
            .await
    }

    /// Reads the CSRF token from a page's form.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"_csrf\" value=\"";
        let start = html.find(marker).expect("page has a csrf field") + marker.len();
        html[start..start + 48].to_owned()
    }
}

pub fn employer_body(n: u32) -> Value {
    json!({
        "name": format!("珠海斗门测试企业{n}有限公司"),
        "uscc": laowu::domain::uscc::with_check_char(&format!("91440403MA4T{:05}", n)),
        "town_code": "440403105",
        "address": "乾务镇测试路1号",
        "contact_name": "李经理",
        "contact_phone": "13900001111",
        "contact_email": format!("contact{n}@test.local"),
    })
}

pub fn vacancy_body(title: &str) -> Value {
    let expires =
        laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(30));
    json!({
        "title": title,
        "description": "包吃住，两班倒",
        "occupation": "普工",
        "headcount": 5,
        "wage_min": 4800,
        "wage_max": 6200,
        "town_code": "440403106",
        "lodging": true,
        "min_age": 18,
        "max_age": 50,
        "required_programme": null,
        "expires_on": expires,
    })
}

pub fn worker_body(id: &str, phone: &str) -> Value {
    json!({
        "name": "冉小梅",
        "id_number": id,
        "phone": phone,
        "hometown_code": "520328004",
        "skills": ["粤菜", "炒锅"],
        "desired_jobs": "厨师",
        "expected_wage": 5500,
        "needs_lodging": true,
        "household": {"poverty_alleviated": true, "monitored": false, "relocated": false, "zero_employment": false},
        "consent": true,
        "password": PASSWORD,
    })
}

/// Every full 身份证 number (17 digits and a digit or X) and every 11-digit mobile number
/// (1, then 3–9, then nine digits) standing alone in `text`: the numbers masking must hide.
pub fn pii_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 17 && chars.get(i).is_some_and(|c| matches!(c, 'X' | 'x')) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let alone = start == 0 || !chars[start - 1].is_ascii_alphanumeric();
        let alone = alone && chars.get(i).is_none_or(|c| !c.is_ascii_alphanumeric());
        let b = run.as_bytes();
        let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if alone && (b.len() == 18 || mobile) {
            found.push(run);
        }
    }
    found
}
