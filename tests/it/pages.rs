//! The pages as a person uses them: job board, registration, login, employer and station pages.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{PASSWORD, browser, id_number, spawn_app, vacancy_body};

#[tokio::test]
async fn the_job_board_shows_open_vacancies_in_chinese_and_escapes_html() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 20).await;
    let mut body = vacancy_body("<script>alert(1)</script>叉车工");
    body["description"] = serde_json::json!("持证上岗<b>包住</b>");
    let id = app
        .post("/api/v1/vacancies", Some(&hr), &body)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = app
        .api
        .get(app.url("/vacancies?town=440403106"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("叉车工"));
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
    let html = app
        .api
        .get(app.url(&format!("/vacancies/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("4800–6200 元/月"));
    assert!(!html.contains("<b>包住</b>"));
    let home = app
        .api
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("最新岗位"));
    assert_eq!(
        app.api
            .get(app.url("/vacancies/99999"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_worker_registers_on_the_page_and_lands_on_their_profile() {
    let app = spawn_app().await;
    let client = browser();
    let html = client
        .get(app.url("/register"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for label in [
        "身份证号码",
        "手机号码",
        "户籍所在地",
        "脱贫户",
        "个人信息处理规则",
        "湄江街道",
    ] {
        assert!(html.contains(label), "register page lacks {label}");
    }
    let csrf = app.csrf(&client, "/register").await;
    let id = id_number("19870707", 61);
    let form = [
        ("_csrf", csrf.as_str()),
        ("name", "田春花"),
        ("id_number", id.as_str()),
        ("phone", "138 0013 9000"),
        ("hometown_code", "520328004"),
        ("relocated", "on"),
        ("skills", "育婴、早教"),
        ("desired_jobs", "育婴员"),
        ("expected_wage", "6000"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    // Without consent: the page says so and nothing is stored.
    let r = client
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("同意"));
    assert_eq!(app.count("select count(*) from workers").await, 0);

    let mut with_consent = form.to_vec();
    with_consent.push(("consent", "on"));
    let r = client
        .post(app.url("/register"))
        .form(&with_consent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/me");
    let me = client
        .get(app.url("/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("田春花"));
    assert!(me.contains("1987-07-07"));
    assert!(me.contains("易地搬迁户"));
    assert!(me.contains("13800139000"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let client = browser();
    client.get(app.url("/register")).send().await.unwrap();
    let r = client
        .post(app.url("/employers/register"))
        .form(&[("name", "某公司")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client
        .post(app.url("/login"))
        .form(&[("login", "a@b.c"), ("password", "x"), ("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure() {
    let app = crate::helpers::spawn_app_with(None, |c| c.secure_cookies = true).await;
    let r = browser().get(app.url("/login")).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}

#[tokio::test]
async fn login_page_sets_a_protected_cookie_and_logout_ends_the_session() {
    let app = spawn_app().await;
    app.admin().await;
    let client = browser();
    let r = client.get(app.url("/login")).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    // plain http in the tests: a Secure cookie would never come back
    assert!(!cookie.contains("Secure"));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );

    let csrf = app.csrf(&client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("login", "admin@test.local"),
            ("password", "Wrong-2026"),
            ("_csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("账号或密码不正确"));

    app.browser_login(&client, "admin@test.local", PASSWORD)
        .await;
    let admin_page = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(admin_page.status(), StatusCode::OK);
    assert!(admin_page.text().await.unwrap().contains("用人单位"));
    let csrf = app.csrf(&client, "/admin").await;
    let r = client
        .post(app.url("/logout"))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // back to the page that asked, once logged in again
    assert_eq!(r.headers()["location"], "/login?next=%2Fadmin");
}

#[tokio::test]
async fn an_enterprise_registers_is_verified_and_posts_on_the_pages() {
    let app = spawn_app().await;
    app.admin().await;
    let client = browser();
    let csrf = app.csrf(&client, "/employers/register").await;
    let uscc = laowu::domain::uscc::with_check_char("91440403MA4T77777");
    let r = client
        .post(app.url("/employers/register"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "珠海斗门页面测试有限公司"),
            ("uscc", uscc.as_str()),
            ("town_code", "440403100"),
            ("contact_name", "黄小姐"),
            ("contact_phone", "13900002222"),
            ("contact_email", "hr@page.test"),
            ("hr_email", "hr-own@page.test"),
            ("password", "Own-login-2026"),
            ("password2", "Own-login-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let employer_id: i64 = sqlx::query_scalar("select id from employers where uscc = $1")
        .bind(&uscc)
        .fetch_one(&app.db)
        .await
        .unwrap();

    // The admin verifies on the admin page and creates the HR login there.
    let admin = browser();
    app.browser_login(&admin, "admin@test.local", PASSWORD)
        .await;
    let html = admin
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("珠海斗门页面测试有限公司"));
    assert!(html.contains("待审核"));
    let csrf = app.csrf(&admin, "/admin").await;
    let r = admin
        .post(app.url(&format!("/admin/employers/{employer_id}/verify")))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id_s = employer_id.to_string();
    let r = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("role", "employer"),
            ("org_id", id_s.as_str()),
            ("user_email", "hr@page.test"),
            ("user_password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let hr = browser();
    app.browser_login(&hr, "hr@page.test", PASSWORD).await;
    let csrf = app.csrf(&hr, "/employer/vacancies/new").await;
    let expires =
        laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(20));
    let mut form = vec![
        ("_csrf", csrf.clone()),
        ("title", "育婴员".to_owned()),
        ("occupation", "育婴员".to_owned()),
        ("headcount", "abc".to_owned()),
        ("wage_min", "6000".to_owned()),
        ("wage_max", "9000".to_owned()),
        ("town_code", "440403001".to_owned()),
        ("required_programme", "nanyue-housekeeping".to_owned()),
        ("expires_on", expires),
        ("lodging", "on".to_owned()),
    ];
    let r = hr
        .post(app.url("/employer/vacancies/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写整数"));
    form[3].1 = "3".into();
    let r = hr
        .post(app.url("/employer/vacancies/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let dash = hr
        .get(app.url("/employer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dash.contains("育婴员"));
    assert!(dash.contains("需南粤家政证书"));
    let board = app
        .api
        .get(app.url("/vacancies?programme=nanyue-housekeeping"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board.contains("育婴员"));
}

#[tokio::test]
async fn a_station_officer_registers_a_worker_on_paper_consent_and_the_view_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县劳务工作站", "officer@test.local")
        .await;
    let client = browser();
    app.browser_login(&client, "officer@test.local", PASSWORD)
        .await;
    let csrf = app.csrf(&client, "/station/workers/new").await;
    let id = id_number("19790101", 71);
    let form = vec![
        ("_csrf", csrf.as_str()),
        ("name", "罗德明"),
        ("id_number", id.as_str()),
        ("phone", "13985210001"),
        ("hometown_code", "520328004"),
        ("skills", "砌墙、抹灰"),
        ("paper_consent", "on"),
    ];
    let r = client
        .post(app.url("/station/workers/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let html = client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&id));
    assert!(html.contains("纸质"));
    let list = client
        .get(app.url("/station?q=罗德明"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("罗德明"));
    assert!(
        app.count("select count(*) from audit_log where action = 'view_worker'")
            .await
            >= 1
    );
    // The same form sent again (a double tap): the record it made, no second one.
    let r = client
        .post(app.url("/station/workers/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"].to_str().unwrap(), location);
    let html = client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("这张表已经提交过"));
    // The same person entered anew by another officer: a clear message, no second record.
    let other = browser();
    app.browser_login(&other, "officer@test.local", PASSWORD)
        .await;
    let csrf = app.csrf(&other, "/station/workers/new").await;
    let mut form = form;
    form[0] = ("_csrf", csrf.as_str());
    let r = other
        .post(app.url("/station/workers/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("已经登记过"));
    assert_eq!(app.count("select count(*) from workers").await, 1);
}
