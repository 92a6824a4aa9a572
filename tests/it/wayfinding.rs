//! Issue #15 points 1, 3 and 5 as a person meets them: China time and Chinese words on the
//! pages, pagers that clamp and keep the filters, login that returns to the page that asked,
//! what a vacancy page says after applying, the hometown picker in two steps, the phone to
//! call from a follow-up, compression and the year-long cache of hashed static files.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, vacancy_body};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn vacancy(app: &TestApp, hr: &str, title: &str) -> i64 {
    let r = app
        .post("/api/v1/vacancies", Some(hr), &vacancy_body(title))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_caseload_pages_clamp_and_keep_the_filters() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    for n in 0..53 {
        let idn = id_number("19900101", 100 + n);
        app.station_worker(&station, &idn, &format!("1390000{n:04}"), false)
            .await;
    }
    let officer = browser();
    app.browser_login(&officer, "s1@test.local", PASSWORD).await;
    let (status, first) = page(&app, &officer, "/station?status=seeking").await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("第 1 / 2 页"), "{first}");
    assert!(
        first.contains(r#"href="/station?status=seeking&amp;page=2""#)
            || first.contains(r#"href="/station?status=seeking&#38;page=2""#),
        "{first}"
    );
    let (status, last) = page(&app, &officer, "/station?status=seeking&page=999").await;
    assert_eq!(status, StatusCode::OK);
    assert!(last.contains("第 2 / 2 页"));
    assert!(last.contains("← 上一页"));
    assert!(!last.contains("下一页 →"));
    assert_eq!(
        last.matches("/station/workers/").count() - last.matches("/station/workers/new").count(),
        3
    );
}

#[tokio::test]
async fn the_audit_log_names_people_in_chinese_and_china_time() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    let w = app
        .station_worker(&station, &id_number("19900101", 7), "13900000007", false)
        .await;
    app.get(&format!("/api/v1/workers/{w}"), Some(&station))
        .await;
    let boss = browser();
    app.browser_login(&boss, "admin@test.local", PASSWORD).await;
    let (status, html) = page(&app, &boss, "/admin/audit?action=view_worker").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("查看人员档案"), "{html}");
    assert!(html.contains("冉小梅"), "the worker by name");
    assert!(html.contains("劳务工作站测试"), "the account by name");
    let text = crate::words::visible_text(&html);
    assert!(crate::words::utc_instants(&text).is_empty(), "{text}");
    assert!(!text.contains("view_worker"));
}

#[tokio::test]
async fn login_returns_to_the_page_that_asked_and_never_to_another_host() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    let anon = browser();
    let r = anon
        .get(app.url("/station/followups"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Fstation%2Ffollowups"
    );
    let (_, login) = page(&app, &anon, "/login?next=%2Fstation%2Ffollowups").await;
    assert!(
        login.contains(r#"name="next" value="/station/followups""#)
            || login.contains(r#"name="next" value="&#47;station&#47;followups""#),
        "{login}"
    );
    let csrf = app.csrf(&anon, "/login").await;
    let r = anon
        .post(app.url("/login"))
        .form(&[
            ("login", "s1@test.local"),
            ("password", PASSWORD),
            ("next", "/station/followups"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/station/followups");
    // another host is never followed: home instead
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let c = browser();
        let csrf = app.csrf(&c, "/login").await;
        let r = c
            .post(app.url("/login"))
            .form(&[
                ("login", "s1@test.local"),
                ("password", PASSWORD),
                ("next", evil),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/station", "{evil}");
    }
    drop(station);
}

#[tokio::test]
async fn after_applying_the_vacancy_says_so_and_the_candidates_page_does_not_offer_an_invite() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let v = vacancy(&app, &hr, "厨师（粤菜）").await;
    let w = app
        .station_worker(&station, &id_number("19900101", 8), "13900000008", true)
        .await;
    let worker = browser();
    app.browser_login(&worker, "13900000008", PASSWORD).await;
    let (_, before) = page(&app, &worker, &format!("/vacancies/{v}")).await;
    assert!(before.contains("投递这个岗位"));
    let hr_browser = browser();
    app.browser_login(&hr_browser, "hr1@test.local", PASSWORD)
        .await;
    app.wait_indexed().await;
    let candidates = format!("/vacancies/{v}/candidates");
    let (_, html) = page(&app, &hr_browser, &candidates).await;
    assert!(
        html.contains(&format!("/invite/{w}")),
        "a candidate may be invited: {html}"
    );
    let csrf = app.csrf(&worker, &format!("/vacancies/{v}")).await;
    let r = worker
        .post(app.url(&format!("/vacancies/{v}/apply")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, after) = page(&app, &worker, &format!("/vacancies/{v}")).await;
    assert!(after.contains("已投递"), "{after}");
    // said once, not "已投递：已投递"
    assert!(
        after.contains("你已投递这个岗位</b>，目前：已投递"),
        "{after}"
    );
    // no button to apply again (its words are in the note: 你已投递这个岗位)
    assert!(!after.contains(">投递这个岗位<"), "{after}");
    assert!(!after.contains(&format!("action=\"/vacancies/{v}/apply\"")));
    // the enterprise's candidates page: the applicant shows 已投递, no 邀请 button for them
    app.wait_indexed().await;
    let (status, html) = page(&app, &hr_browser, &candidates).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains(&format!("/invite/{w}")),
        "an applicant is offered an invitation"
    );
    assert!(html.contains("已投递"), "{html}");
}

#[tokio::test]
async fn an_invited_candidate_shows_as_invited_and_the_vacancy_page_asks_for_an_answer() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let v = vacancy(&app, &hr, "厨师（粤菜）").await;
    let w = app
        .station_worker(&station, &id_number("19900101", 18), "13900000018", true)
        .await;
    let hr_browser = browser();
    app.browser_login(&hr_browser, "hr1@test.local", PASSWORD)
        .await;
    app.wait_indexed().await;
    let candidates = format!("/vacancies/{v}/candidates");
    let csrf = app.csrf(&hr_browser, &candidates).await;
    let r = hr_browser
        .post(app.url(&format!("/vacancies/{v}/invite/{w}")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &hr_browser, &candidates).await;
    assert!(html.contains("已邀请"), "{html}");
    assert!(!html.contains(&format!("/invite/{w}")));
    let worker = browser();
    app.browser_login(&worker, "13900000018", PASSWORD).await;
    let (_, html) = page(&app, &worker, &format!("/vacancies/{v}")).await;
    assert!(html.contains("企业邀请你应聘这个岗位"), "{html}");
    assert!(!html.contains("投递这个岗位"));
}

#[tokio::test]
async fn the_follow_up_form_shows_whom_to_call_and_the_call_is_audited() {
    let app = spawn_app().await;
    let fx = crate::access::Fixture::build(&app).await;
    let officer = &fx.visitors[5].browser;
    let views = "select count(*) from audit_log where action = 'view_worker'";
    let before = app.count(views).await;
    let path = fx.fill("/station/followups/{followup}", 1);
    let (status, html) = page(&app, officer, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"tel:138"), "{html}");
    assert!(html.contains(&fx.fill("href=\"/station/workers/{worker}\"", 1)));
    assert_eq!(
        app.count(views).await,
        before + 1,
        "the view of the phone is audited"
    );
    // the enterprise sees whom it hired, with the phone, but no link into the station's record
    let (status, html) = page(
        &app,
        &fx.visitors[3].browser,
        &fx.fill("/placements/{placement}", 1),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"tel:138"), "{html}");
    assert!(!html.contains("/station/workers/"));
}

#[tokio::test]
async fn the_hometown_picker_works_in_two_steps_without_javascript() {
    let app = spawn_app().await;
    let anon = browser();
    let (_, html) = page(&app, &anon, "/register").await;
    assert!(html.contains(r#"name="hometown_township""#));
    assert!(html.contains("请先选乡镇"));
    assert!(html.contains(r#"value="hometown""#), "the 选村 button");
    assert!(html.matches("<option").count() < 120, "no 228-item list");
    let csrf = app.csrf(&anon, "/register").await;
    let r = anon
        .post(app.url("/register"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "冉小梅"),
            ("hometown_township", "520328004"),
            ("step", "hometown"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("（村/社区不详）"),
        "the township's villages now"
    );
    assert!(html.contains(r#"value="冉小梅""#), "what was typed stays");
    assert!(
        !html.contains("class=\"error\""),
        "no errors at the picker's step"
    );
    // the script that does it in one step is a hashed static file the CSP allows
    let js = html
        .split("src=\"")
        .find_map(|s| {
            s.split('"')
                .next()
                .filter(|p| p.starts_with("/static/hometown."))
        })
        .expect("the picker's script")
        .to_owned();
    let r = anon.get(app.url(&js)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("520328004"));
}

#[tokio::test]
async fn station_search_takes_a_phone_with_spaces_and_the_board_lists_towns_with_vacancies() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "s1@test.local")
        .await;
    app.station_worker(&station, &id_number("19900101", 9), "13912345678", false)
        .await;
    let officer = browser();
    app.browser_login(&officer, "s1@test.local", PASSWORD).await;
    let csrf = app.csrf(&officer, "/station").await;
    let r = officer
        .post(app.url("/station"))
        .form(&[("_csrf", csrf.as_str()), ("q", "139 1234 5678")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("冉小梅"), "{html}");
    assert!(html.contains("共 1 人"));

    // every town with vacancies is in the board's filter, with how many it has
    let (_, hr) = app.verified_employer(&admin, 1).await;
    vacancy(&app, &hr, "茶叶加工").await;
    app.wait_indexed().await;
    let (_, board) = page(&app, &browser(), "/vacancies").await;
    assert!(board.contains("白蕉镇（1）"), "{board}");
    for town in ["白藤街道", "莲洲镇", "斗门镇", "乾务镇", "井岸镇"] {
        assert!(board.contains(town), "{town}");
    }
}

#[tokio::test]
async fn pages_are_compressed_and_static_files_cached_for_a_year_by_a_hashed_name() {
    let app = spawn_app().await;
    let client = browser();
    let plain = client.get(app.url("/register")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let size = plain.bytes().await.unwrap().len();
    for enc in ["gzip", "br"] {
        let r = client
            .get(app.url("/register"))
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-encoding"], enc);
        let wire = r.bytes().await.unwrap().len();
        assert!(wire * 2 < size, "{enc}: {wire} of {size} bytes");
        assert!(wire < 60 * 1024);
    }
    let r = client
        .get(app.url("/api/v1/programmes"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip", "the API too");

    let html = page(&app, &client, "/").await.1;
    let css = html
        .split("href=\"")
        .find_map(|s| {
            s.split('"')
                .next()
                .filter(|p| p.starts_with("/static/app."))
        })
        .expect("the stylesheet")
        .to_owned();
    assert!(
        css.len() > "/static/app..css".len() + 8,
        "a hashed name: {css}"
    );
    let r = client.get(app.url(&css)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let r = client
        .get(app.url("/static/app.0000000000.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
