//! Issue #15 point 3, the lists that were read whole: every list a station, an enterprise, a
//! trainer or the admin pages through is read a page at a time in SQL, says 第 N / M 页,
//! links the next page with its filters, and answers `?page=999` with the last page (and
//! `?page=abc` with the first). The rows are written straight into the database, many at
//! once, the way a station's years of records would be there.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, vacancy_body};

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql)
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Whether `html` links `href` (askama escapes `&` as `&amp;` or `&#38;`).
fn links(html: &str, href: &str) -> bool {
    let amp = href.replace('&', "&amp;");
    let num = href.replace('&', "&#38;");
    html.contains(&format!(r#"href="{amp}""#)) || html.contains(&format!(r#"href="{num}""#))
}

/// A station with a worker in a job found without the platform (its four follow-ups made);
/// returns the officer's browser.
async fn station_with_a_placement(app: &TestApp) -> reqwest::Client {
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    let w = app
        .station_worker(&station, &id_number("19900101", 1), "13900000001", false)
        .await;
    let start = laowu::domain::values::fmt_date(laowu::domain::today() - time::Duration::days(3));
    let r = app
        .post(
            "/api/v1/placements",
            Some(&station),
            &json!({"worker_id": w, "employer_name": "珠海某电子厂", "workplace_county": "440403",
                    "start_date": start, "wage": 5000, "channel": "organised"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let officer = browser();
    app.browser_login(&officer, "s1@test.local", PASSWORD).await;
    officer
}

#[tokio::test]
async fn the_station_s_done_follow_ups_and_resolved_cases_page_and_clamp() {
    let app = spawn_app().await;
    let officer = station_with_a_placement(&app).await;
    // four follow-ups recorded, then doubled four times: 64 records
    exec(
        &app,
        "update follow_ups set status = 'done', done_on = due_on, method = 'phone', still_employed = true",
    )
    .await;
    for _ in 0..4 {
        exec(
            &app,
            "insert into follow_ups (placement_id, station_id, day_offset, due_on, status, done_on, method, still_employed) \
             select placement_id, station_id, day_offset, due_on, status, done_on, method, still_employed from follow_ups",
        )
        .await;
    }
    assert_eq!(app.count("select count(*) from follow_ups").await, 64);
    let first = app.page(&officer, "/station/followups").await;
    assert!(first.contains("第 1 / 3 页"), "{first}");
    assert!(links(&first, "/station/followups?page=2"), "{first}");
    assert_eq!(first.matches(">记录</a>").count(), 30);
    let last = app.page(&officer, "/station/followups?page=999").await;
    assert!(last.contains("第 3 / 3 页"), "{last}");
    assert!(!last.contains("下一页 →"));
    assert_eq!(last.matches(">记录</a>").count(), 4, "64 = 30 + 30 + 4");
    for bad in ["abc", "-1", "0"] {
        let html = app
            .page(&officer, &format!("/station/followups?page={bad}"))
            .await;
        assert!(html.contains("第 1 / 3 页"), "page={bad}");
    }

    // resolved cases: one, doubled six times (64), 50 a page; an open one stays on top
    exec(
        &app,
        "insert into cases (placement_id, worker_id, station_id, problem, description, opened_on, last_action_on, resolved_on, resolution) \
         select p.id, p.worker_id, p.station_id, 'wage_arrears', '五月工资未发', '2026-05-01', '2026-05-02', '2026-05-02', '已协调发放' from placements p",
    )
    .await;
    for _ in 0..6 {
        exec(
            &app,
            "insert into cases (placement_id, worker_id, station_id, problem, description, opened_on, last_action_on, resolved_on, resolution) \
             select placement_id, worker_id, station_id, problem, description, opened_on, last_action_on, resolved_on, resolution from cases",
        )
        .await;
    }
    exec(
        &app,
        "insert into cases (placement_id, worker_id, station_id, problem, description, opened_on, last_action_on) \
         select p.id, p.worker_id, p.station_id, 'housing', '宿舍漏雨', '2026-06-01', '2026-06-01' from placements p",
    )
    .await;
    let first = app.page(&officer, "/station/cases").await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(links(&first, "/station/cases?page=2"), "{first}");
    assert!(first.contains("宿舍漏雨"), "the open case on every page");
    assert_eq!(first.matches("已协调发放").count(), 50);
    let last = app.page(&officer, "/station/cases?page=999").await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert_eq!(last.matches("已协调发放").count(), 14);
    assert!(last.contains("宿舍漏雨"));
}

#[tokio::test]
async fn an_enterprise_s_applicants_page_and_only_the_page_shown_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let r = app
        .post("/api/v1/vacancies", Some(&hr), &vacancy_body("电子厂普工"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for n in 0..23 {
        app.station_worker(
            &station,
            &id_number("19900101", 10 + n),
            &format!("1390000{n:04}"),
            false,
        )
        .await;
    }
    exec(
        &app,
        &format!(
            "insert into applications (worker_id, vacancy_id, source, status, station_id, created_at, updated_at) \
             select id, {v}, 'station', 'applied', station_id, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z' from workers"
        ),
    )
    .await;
    // each recommended (so the enterprise sees the name and phone)
    exec(
        &app,
        "insert into application_events (application_id, to_status, at) \
         select id, 'applied', created_at from applications",
    )
    .await;
    let boss = browser();
    app.browser_login(&boss, "hr1@test.local", PASSWORD).await;
    let path = format!("/employer/vacancies/{v}/applications");
    let first = app.page(&boss, &path).await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(links(&first, &format!("{path}?page=2")), "{first}");
    assert_eq!(first.matches("<article class=\"card\">").count(), 20);
    // the forms on page 2 come back to page 2
    let last = app.page(&boss, &format!("{path}?page=999")).await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert_eq!(last.matches("<article class=\"card\">").count(), 3);
    assert!(
        last.contains(&format!(r#"value="{path}?page=2""#)),
        "{last}"
    );
    // each page audits the 20 or 3 names it shows, not the whole list
    assert_eq!(
        app.count(
            "select count(*) from audit_log where action = 'view_worker' and role = 'employer'"
        )
        .await,
        23
    );
}

#[tokio::test]
async fn events_and_courses_page_with_their_filters_and_the_trainer_s_courses_too() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (provider, _) = app.trainer(&admin, "px@test.local").await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    drop(station);
    // 23 fairs to come (招聘会01 the soonest) and 5 trips, written straight in
    for n in 1..=23 {
        exec(
            &app,
            &format!(
                "insert into events (kind, title, starts_at, place, capacity, created_at) \
                 values ('job_fair', '招聘会{n:02}', '2099-01-{n:02}T01:30:00Z', '湄潭县人民广场', 100, '2026-12-01T00:00:00Z')"
            ),
        )
        .await;
    }
    for n in 1..=5 {
        exec(
            &app,
            &format!(
                "insert into events (kind, title, starts_at, place, capacity, from_town, to_town, created_at) \
                 values ('trip', '专车{n}', '2099-02-0{n}T01:30:00Z', '湄潭县客运站', 40, '520328004', '440403106', '2026-12-01T00:00:00Z')"
            ),
        )
        .await;
    }
    let anon = browser();
    let first = app.page(&anon, "/events?kind=job_fair").await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(links(&first, "/events?kind=job_fair&page=2"), "{first}");
    assert!(first.contains("招聘会01") && first.contains("招聘会20"));
    assert!(!first.contains("招聘会21") && !first.contains("专车1"));
    let last = app.page(&anon, "/events?kind=job_fair&page=999").await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert!(last.contains("招聘会23") && !last.contains("招聘会20"));
    let all = app.page(&anon, "/events?page=2").await;
    assert!(
        all.contains("第 2 / 2 页") && all.contains("专车5"),
        "{all}"
    );

    // 25 cantonese-chef courses of the provider and 3 of another programme
    for n in 1..=28 {
        let programme = if n <= 25 {
            "cantonese-chef"
        } else {
            "nanyue-housekeeping"
        };
        exec(
            &app,
            &format!(
                "insert into courses (provider_id, programme, title, occupation, level, start_date, end_date, place, capacity, created_at) \
                 values ({provider}, '{programme}', '培训班{n:02}', '中式烹调师', '五级/初级工', '2099-03-{n:02}', '2099-04-30', '斗门', 30, '2026-12-01T00:00:00Z')"
            ),
        )
        .await;
    }
    let first = app.page(&anon, "/courses?programme=cantonese-chef").await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(
        links(&first, "/courses?programme=cantonese-chef&page=2"),
        "{first}"
    );
    let last = app
        .page(&anon, "/courses?programme=cantonese-chef&page=999")
        .await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert!(last.contains("培训班25") && !last.contains("培训班26") && !last.contains("培训班20"));
    // the trainer's own list: all 28, newest first, 20 a page
    let trainer = browser();
    app.browser_login(&trainer, "px@test.local", PASSWORD).await;
    let first = app.page(&trainer, "/trainer").await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(links(&first, "/trainer?page=2"), "{first}");
    assert!(first.contains("培训班28") && !first.contains("培训班08"));
    let last = app.page(&trainer, "/trainer?page=999").await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert_eq!(last.matches("href=\"/trainer/courses/").count(), 8);
    assert!(last.contains("培训班01"));
}

#[tokio::test]
async fn the_admin_s_enterprises_page_pending_first_and_by_status() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    drop(admin);
    // the oldest enterprise still waits for verification; 30 verified ones came after it
    for n in 0..31 {
        let status = if n == 0 { "pending" } else { "verified" };
        exec(
            &app,
            &format!(
                "insert into employers (name, uscc, town_code, contact_name, contact_phone, contact_email, status, created_at, updated_at) \
                 values ('斗门企业{n:02}', 'USCC-TEST-{n:02}', '440403105', '李经理', '13900001111', 'c{n}@test.local', '{status}', \
                 '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')"
            ),
        )
        .await;
    }
    let boss = browser();
    app.browser_login(&boss, "admin@test.local", PASSWORD).await;
    let first = app.page(&boss, "/admin").await;
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(links(&first, "/admin?page=2"), "{first}");
    assert!(
        first.contains("斗门企业00"),
        "the pending one on the first page"
    );
    assert!(first.contains("共 31 家"));
    let verified = app.page(&boss, "/admin?status=verified").await;
    assert!(verified.contains("第 1 / 2 页"), "{verified}");
    assert!(
        links(&verified, "/admin?status=verified&page=2"),
        "{verified}"
    );
    assert!(!verified.contains("斗门企业00"));
    assert!(verified.contains(r#"<option value="verified" selected>"#));
    let last = app.page(&boss, "/admin?status=verified&page=999").await;
    assert!(last.contains("第 2 / 2 页"), "{last}");
    assert!(last.contains("斗门企业01") && !last.contains("斗门企业30"));
    let pending = app.page(&boss, "/admin?status=pending").await;
    assert!(pending.contains("斗门企业00") && !pending.contains("斗门企业01"));
    assert!(!pending.contains("第 1 / "), "one page: no pager");
}

#[tokio::test]
async fn a_station_s_menu_links_its_county_s_monthly_report() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    let officer = browser();
    app.browser_login(&officer, "s1@test.local", PASSWORD).await;
    let home = app.page(&officer, "/station").await;
    assert!(
        home.contains(r#"<a href="/reports/monthly">月报</a>"#),
        "{home}"
    );
    let report = app.page(&officer, "/reports/monthly").await;
    assert!(report.contains("月报 · 湄潭县"), "{report}");
    assert!(report.contains("本县务工人员"));
    // an enterprise has no such link
    let (_, _) = app.verified_employer(&admin, 1).await;
    let hr = browser();
    app.browser_login(&hr, "hr1@test.local", PASSWORD).await;
    let html = app.page(&hr, "/employer").await;
    assert!(!html.contains(r#"href="/reports/monthly""#));
}
