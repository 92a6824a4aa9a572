//! Real-browser tests: headless Chromium on a 390×844 phone screen against the test server,
//! as a worker, an enterprise and a station officer would use the pages. Every step checks
//! that nothing overflows the screen sideways, that no request went to another host, and that
//! the visible text holds no UTC instant (`2026-11-30T06:57…`) and no raw status code; a
//! failing test leaves a screenshot per step under `target/e2e/<test>/`.
//!
//! Off unless `LAOWU_E2E=1` (they need `chromium` and `chromium-driver`); `.ci/run` runs them
//! on SQLite.

use laowu::auth::Role;
use laowu::domain::status::{
    ApplicationStatus, EmployerStatus, EnrollmentStatus, PlacementStatus, VacancyStatus,
    WorkerStatus,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, id_number, spawn_app, vacancy_body, worker_body};
use crate::webdriver::{Browser, enabled};

/// The phone's width in CSS pixels.
const WIDTH: i64 = 390;

/// One browser journey: its steps' screenshots and the problems the checks found.
struct Journey {
    name: &'static str,
    origin: String,
    b: Browser,
    shots: Vec<(String, Vec<u8>)>,
    problems: Vec<String>,
}

impl Journey {
    async fn start(name: &'static str, app: &TestApp) -> Journey {
        Journey {
            name,
            origin: app.base.clone(),
            b: Browser::phone().await,
            shots: Vec::new(),
            problems: Vec::new(),
        }
    }

    async fn goto(&self, path: &str) {
        self.b.goto(&format!("{}{path}", self.origin)).await;
    }

    /// Checks the page as it is now and keeps its screenshot.
    async fn step(&mut self, step: &str) -> String {
        let n = self.shots.len() + 1;
        let label = format!("{n:02}-{step}");
        self.shots.push((label.clone(), self.b.screenshot().await));
        let width = self
            .b
            .script("return document.documentElement.scrollWidth")
            .await
            .as_i64()
            .unwrap_or(i64::MAX);
        if width > WIDTH {
            self.problems.push(format!(
                "{label}: the page is {width} px wide on a {WIDTH} px screen"
            ));
        }
        let names = self
            .b
            .script("return performance.getEntries().map(e => e.name)")
            .await;
        for name in names
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let remote = (name.starts_with("http:") || name.starts_with("https:"))
                && !name.starts_with(&format!("{}/", self.origin))
                && name != self.origin;
            if remote {
                self.problems
                    .push(format!("{label}: a request to another host: {name}"));
            }
        }
        let text = self.b.text().await;
        for p in text_problems(&text) {
            self.problems.push(format!("{label}: {p}"));
        }
        text
    }

    /// Fails the test with every problem found (the screenshots are written on drop).
    async fn finish(self) {
        self.b.quit().await;
        assert!(
            self.problems.is_empty(),
            "{}: {} problem(s):\n{}",
            self.name,
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

impl Drop for Journey {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.problems.is_empty() {
            return;
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/e2e")
            .join(self.name);
        let _ = std::fs::remove_dir_all(&dir);
        if std::fs::create_dir_all(&dir).is_ok() {
            for (label, png) in &self.shots {
                let _ = std::fs::write(dir.join(format!("{label}.png")), png);
            }
            eprintln!("screenshots of {}: {}", self.name, dir.display());
        }
    }
}

/// The raw codes a person must never read: statuses, roles, problem kinds, programmes.
fn raw_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::new();
    codes.extend(ApplicationStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend(WorkerStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend(VacancyStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend(PlacementStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend(EnrollmentStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend(EmployerStatus::ALL.iter().map(|s| s.as_str()));
    codes.extend([
        "wage_arrears",
        "injury",
        "dispute",
        "schooling",
        "housing",
        "view_worker",
        "cantonese-chef",
        "guangdong-technician",
        "nanyue-housekeeping",
        "rural-craftsman",
        "admin",
        "station",
        "employer",
        "trainer",
    ]);
    codes
}

/// What is wrong with a page's visible text: a UTC instant or a raw code.
fn text_problems(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    // 2026-11-30T06:57
    for w in chars.windows(16) {
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| w[i].is_ascii_digit());
        if digits(0..4)
            && w[4] == '-'
            && digits(5..7)
            && w[7] == '-'
            && digits(8..10)
            && w[10] == 'T'
            && digits(11..13)
            && w[13] == ':'
            && digits(14..16)
        {
            found.push(format!(
                "a UTC instant in the text: {}",
                w.iter().collect::<String>()
            ));
        }
    }
    let codes = raw_codes();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        if codes.contains(&word) {
            found.push(format!("a raw code in the text: {word}"));
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_text_check_finds_instants_and_codes() {
    let p = text_problems("上岗 2026-11-30T06:57:15Z → hired，已录用 2026-11-30 14:57");
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(text_problems("已录用 2026-11-30 14:57 · 欠薪 · hr1@test.local").is_empty());
}

/// A verified enterprise with a cook's vacancy; returns (HR token, vacancy id).
async fn kitchen(app: &TestApp, admin: &str) -> (String, i64) {
    let (_, hr) = app.verified_employer(admin, 41).await;
    let mut body = vacancy_body("酒店粤菜厨师");
    body["occupation"] = json!("中式烹调师");
    body["description"] = json!("粤菜炒锅，包吃住");
    let r = app.post("/api/v1/vacancies", Some(&hr), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (hr, v)
}

#[tokio::test]
async fn a_worker_registers_on_a_phone_sees_recommendations_and_applies() {
    if !enabled("a_worker_registers_on_a_phone_sees_recommendations_and_applies") {
        return;
    }
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县驻斗门工作站", "st@e2e.test")
        .await;
    let (_, vacancy) = kitchen(&app, &admin).await;
    app.wait_indexed().await;

    let mut j = Journey::start("worker", &app).await;
    j.goto("/register").await;
    j.step("注册页").await;
    let good = id_number("19900612", 77);
    // one wrong check character first
    let last = good.chars().last().unwrap();
    let wrong_last = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong_last}", &good[..17]);
    j.b.fill("#f-name", "冉小梅").await;
    j.b.fill("#f-id_number", &bad).await;
    j.b.fill("#f-phone", "138 0013 7777").await;
    // the hometown in two steps: the township, then (filled by the script) its villages
    j.b.click("#f-hometown_township option[value='520328004']")
        .await;
    j.b.click("#f-hometown_code option[value='520328004']")
        .await;
    j.b.click("input[name=poverty_alleviated]").await;
    j.b.fill("#f-skills", "粤菜、炒锅").await;
    j.b.fill("#f-desired_jobs", "厨师").await;
    j.b.fill("#f-expected_wage", "5千").await;
    j.b.click("input[name=needs_lodging]").await;
    j.b.fill("#f-password", "Meitan-2026").await;
    j.b.fill("#f-password2", "Meitan-2026").await;
    j.b.click("input[name=consent]").await;
    j.b.click("form[action='/register'] button[type=submit]:not([name=step])")
        .await;
    let text = j.step("校验位错误").await;
    assert!(text.contains("请按提示修改"), "{text}");
    assert!(j.b.find_all("#e-id_number").await.len() == 1, "{text}");
    assert!(text.contains("请在这里重新输入"), "{text}");
    // every choice kept, the wage as typed
    let kept =
        j.b.script(
            "return [document.querySelector('#f-hometown_code').value, \
             document.querySelector('input[name=poverty_alleviated]').checked, \
             document.querySelector('input[name=needs_lodging]').checked, \
             document.querySelector('input[name=consent]').checked, \
             document.querySelector('#f-expected_wage').value]",
        )
        .await;
    assert_eq!(kept, json!(["520328004", true, true, true, "5千"]));

    j.b.fill("#f-id_number", &good).await;
    j.b.fill("#f-password", "Meitan-2026").await;
    j.b.fill("#f-password2", "Meitan-2026").await;
    j.b.click("form[action='/register'] button[type=submit]:not([name=step])")
        .await;
    let text = j.step("注册成功").await;
    assert!(j.b.url().await.ends_with("/me"), "{text}");
    assert!(text.contains("注册成功"), "{text}");
    assert_eq!(
        app.count("select count(*) from workers where expected_wage = 5000")
            .await,
        1
    );

    app.wait_indexed().await;
    j.goto("/matches").await;
    let text = j.step("为你推荐").await;
    assert!(text.contains("为你推荐"), "{text}");
    assert!(text.contains("酒店粤菜厨师"), "{text}");
    j.b.click(&format!("form[action='/vacancies/{vacancy}/apply'] button"))
        .await;
    let text = j.step("投递之后").await;
    assert_eq!(
        app.count("select count(*) from applications where status = 'applied'")
            .await,
        1,
        "{text}"
    );
    j.finish().await;
}

#[tokio::test]
async fn an_enterprise_invites_and_hires_on_a_phone() {
    if !enabled("an_enterprise_invites_and_hires_on_a_phone") {
        return;
    }
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "st@e2e.test")
        .await;
    let (_, vacancy) = kitchen(&app, &admin).await;
    let phone = "13800136666";
    let worker = app
        .station_worker(&station, &id_number("19880808", 66), phone, true)
        .await;
    app.wait_indexed().await;

    let mut j = Journey::start("enterprise", &app).await;
    j.goto("/login").await;
    j.b.fill("#f-login", "hr41@test.local").await;
    j.b.fill("#f-password", PASSWORD).await;
    j.b.click("form[action='/login'] button[type=submit]").await;
    j.step("企业首页").await;
    j.goto(&format!("/vacancies/{vacancy}/candidates")).await;
    let text = j.step("合适人选").await;
    assert!(text.contains("冉"), "{text}");
    j.b.click(&format!(
        "form[action='/vacancies/{vacancy}/invite/{worker}'] button"
    ))
    .await;
    j.step("已邀请").await;
    let app_id: i64 = sqlx::query_scalar("select id from applications where status = 'invited'")
        .fetch_one(&app.db)
        .await
        .expect("an invitation");
    // the worker accepts on their phone (the API here: the journey is the enterprise's)
    let token = app.token(phone, PASSWORD).await;
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&token),
            &json!({"to": "applied"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    j.goto(&format!("/employer/vacancies/{vacancy}/applications"))
        .await;
    j.step("应聘者").await;
    j.b.fill(&format!("#w-{app_id}"), "5千").await;
    j.b.click(&format!(
        "form[action='/applications/{app_id}/transition']:has(input[name=to][value=hired]) button"
    ))
    .await;
    let text = j.step("已录用").await;
    assert!(text.contains("已录用"), "{text}");
    assert_eq!(
        app.count("select count(*) from placements where wage = 5000")
            .await,
        1,
        "{text}"
    );
    j.finish().await;
}

#[tokio::test]
async fn a_station_records_unpaid_wages_and_resolves_the_case_on_a_phone() {
    if !enabled("a_station_records_unpaid_wages_and_resolves_the_case_on_a_phone") {
        return;
    }
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "st@e2e.test")
        .await;
    let (hr, vacancy) = kitchen(&app, &admin).await;
    let phone = "13800135555";
    let r = app
        .post(
            "/api/v1/workers",
            Some(&station),
            &worker_body(&id_number("19870707", 55), phone),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let worker = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let token = app.token(phone, PASSWORD).await;
    let r = app
        .post(
            "/api/v1/applications",
            Some(&token),
            &json!({"vacancy_id": vacancy, "worker_id": worker}),
        )
        .await;
    let status = r.status();
    let v = r.json::<Value>().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "apply: {v}");
    let app_id = v["id"].as_i64().unwrap();
    let start = laowu::domain::values::fmt_date(laowu::domain::today());
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&hr),
            &json!({"to": "hired", "start_date": start, "wage": 5200}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "hire");
    let follow_up: i64 =
        sqlx::query_scalar("select id from follow_ups order by due_on, id limit 1")
            .fetch_one(&app.db)
            .await
            .expect("a follow-up");
    let _ = Role::Station;

    let mut j = Journey::start("station", &app).await;
    j.goto("/login").await;
    j.b.fill("#f-login", "st@e2e.test").await;
    j.b.fill("#f-password", PASSWORD).await;
    j.b.click("form[action='/login'] button[type=submit]").await;
    j.step("名册").await;
    j.goto("/station/followups").await;
    j.step("跟踪服务").await;
    j.goto(&format!("/station/followups/{follow_up}")).await;
    j.step("回访表").await;
    j.b.click("input[name=method]").await;
    j.b.click("input[name=still_employed][value=yes]").await;
    j.b.click("input[name=wage_paid_on_time][value=no]").await;
    j.b.fill("#f-monthly_wage", "5,200").await;
    j.b.click("#f-problem option[value=wage_arrears]").await;
    j.b.fill("#f-note", "两个月工资未发").await;
    j.b.click(&format!(
        "form[action='/station/followups/{follow_up}'] button[type=submit]"
    ))
    .await;
    let text = j.step("回访已登记").await;
    assert_eq!(
        app.count("select count(*) from cases where resolved_on is null")
            .await,
        1,
        "{text}"
    );
    j.goto("/station/cases").await;
    let text = j.step("问题台账").await;
    assert!(text.contains("欠薪"), "{text}");
    j.b.fill("input[name=resolution]", "已协调企业补发工资")
        .await;
    j.b.click("form[action$='/resolve'] button[type=submit]")
        .await;
    let text = j.step("已办结").await;
    assert_eq!(
        app.count("select count(*) from cases where resolved_on is not null")
            .await,
        1,
        "{text}"
    );
    j.finish().await;
}
