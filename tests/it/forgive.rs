//! Forms that forgive (issue #15 point 2): wages typed as people type them, passwords after an
//! error, choices kept, a form sent twice, the expired-form page, a taken 身份证 number, and a
//! deletion that asks first and can be withdrawn.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, browser, id_number, spawn_app, worker_body};

/// The registration form of a Meitan worker, with `id` and `phone`.
fn registration<'a>(
    csrf: &'a str,
    id: &'a str,
    phone: &'a str,
    wage: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("name", "田春花"),
        ("id_number", id),
        ("phone", phone),
        ("hometown_code", "520328004"),
        ("relocated", "on"),
        ("skills", "育婴、家政"),
        ("desired_jobs", "育婴员"),
        ("expected_wage", wage),
        ("needs_lodging", "on"),
        ("education", "初中"),
        ("password", "Meitan-2026x"),
        ("password2", "Meitan-2026x"),
        ("consent", "on"),
    ]
}

#[tokio::test]
async fn wages_typed_as_people_type_them_become_yuan_or_a_clear_message() {
    let app = spawn_app().await;
    let client = browser();
    let csrf = app.csrf(&client, "/register").await;
    let id = id_number("19870707", 31);
    // 五千 is not read as anything: a message naming the field, never a silent number
    let r = client
        .post(app.url("/register"))
        .form(&registration(&csrf, &id, "13800139031", "五千"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("月薪请填一个数，以元为单位"), "{html}");
    assert!(
        html.contains("value=\"五千\""),
        "the wage as typed stays in the field"
    );
    assert_eq!(app.count("select count(*) from workers").await, 0);
    // ５千 (full-width, with 千) is 5000
    let r = client
        .post(app.url("/register"))
        .form(&registration(&csrf, &id, "13800139031", "５千"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("select count(*) from workers where expected_wage = 5000")
            .await,
        1
    );
}

#[tokio::test]
async fn after_an_error_passwords_say_to_type_again_and_every_choice_is_kept() {
    let app = spawn_app().await;
    let client = browser();
    let csrf = app.csrf(&client, "/register").await;
    let good = id_number("19900612", 32);
    let last = if good.ends_with('0') { '1' } else { '0' };
    let bad = format!("{}{last}", &good[..17]);
    let r = client
        .post(app.url("/register"))
        .form(&registration(&csrf, &bad, "13800139032", "5000元"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-id_number\""), "{html}");
    // the passwords are not sent back, and the page says so next to the fields
    assert!(!html.contains("Meitan-2026x"));
    assert!(html.contains("id=\"n-password\""), "{html}");
    assert!(html.contains("请在这里重新输入"));
    // every choice kept: hometown, household, lodging, education, consent
    assert!(
        html.contains("<option value=\"520328004\" selected>"),
        "{html}"
    );
    assert!(html.contains("name=\"relocated\" checked"));
    assert!(html.contains("name=\"needs_lodging\" checked"));
    assert!(html.contains("<option value=\"初中\" selected>"));
    assert!(html.contains("name=\"consent\" checked"));
    // sent again without the passwords: not "请设置登录密码" as if forgotten
    let mut form = registration(&csrf, &good, "13800139032", "5000元");
    form.retain(|(k, _)| !k.starts_with("password"));
    form.push(("_again", "1"));
    let r = client
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("上次提交有误，密码没有保留：请重新输入密码"),
        "{html}"
    );
    assert!(!html.contains("请设置登录密码"));
}

#[tokio::test]
async fn a_form_sent_twice_lands_on_its_result_and_an_expired_one_on_a_real_page() {
    let app = spawn_app().await;
    let client = browser();
    let csrf = app.csrf(&client, "/register").await;
    let id = id_number("19880808", 33);
    let form = registration(&csrf, &id, "13800139033", "6000");
    let r = client
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/me");
    // a double tap: the same form with the same token, from the same phone…
    let r = client
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "not a bare 403");
    assert_eq!(r.headers()["location"], "/login");
    let r = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/me", "still logged in");
    let html = app.page(&client, "/me").await;
    assert!(html.contains("您已注册成功，这张表不用再提交"), "{html}");
    // …or from a browser that never got the new cookie: the login page says 已注册
    let other = browser();
    let r = other
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&other, "/login").await;
    assert!(html.contains("您已注册成功"), "{html}");
    assert_eq!(app.count("select count(*) from workers").await, 1);

    // a token never issued: the expired-form page, in the site's layout, with a way back
    let r = other
        .post(app.url("/employers/register"))
        .header("referer", app.url("/employers/register"))
        .form(&[("_csrf", "forged"), ("name", "某公司")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"viewport\""));
    assert!(html.contains("斗门·湄潭劳务协作"), "the site's header");
    assert!(html.contains("href=\"/employers/register\""), "{html}");
    assert!(!html.contains("javascript:"));
    // a Referer from another site is not a way back
    let r = other
        .post(app.url("/login"))
        .header("referer", "https://evil.example/phish")
        .form(&[("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("evil.example"));

    // a login sent twice lands on the home page
    let login = browser();
    let csrf = app.csrf(&login, "/login").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("login", "13800139033"),
        ("password", "Meitan-2026x"),
    ];
    for _ in 0..2 {
        let r = login
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/me");
    }
}

#[tokio::test]
async fn a_taken_id_number_offers_login_and_reset_to_everyone_alike() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县工作站", "st@forgive.test").await;
    let taken = id_number("19850505", 34);
    let r = app
        .post(
            "/api/v1/workers",
            Some(&station),
            &worker_body(&taken, "13800139034"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // a stranger with the registered number, and someone whose phone already has a login:
    // the same offer (login, reset), which tells neither whose number it is
    for (id, phone) in [
        (taken.clone(), "13800139134".to_owned()),
        (id_number("19850505", 35), "13800139034".to_owned()),
    ] {
        let client = browser();
        let csrf = app.csrf(&client, "/register").await;
        let r = client
            .post(app.url("/register"))
            .form(&registration(&csrf, &id, &phone, ""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"taken\""), "{html}");
        assert!(html.contains("href=\"/reset\""));
        assert!(html.contains("href=\"/login\""));
    }
}

#[tokio::test]
async fn deleting_ones_data_asks_first_shows_the_request_and_can_be_withdrawn() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县工作站", "st2@forgive.test")
        .await;
    app.station_worker(&station, &id_number("19910101", 36), "13800139036", true)
        .await;
    let me = browser();
    app.browser_login(&me, "13800139036", PASSWORD).await;
    let asked = "select count(*) from workers where deletion_requested_at is not null";
    let csrf = app.csrf(&me, "/me").await;
    // without ticking the box: nothing happens, and the page says why
    let r = me
        .post(app.url("/me/delete-request"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(asked).await, 0);
    let html = app.page(&me, "/me").await;
    assert!(html.contains("请先勾选“我确认要注销”"), "{html}");
    assert!(html.contains("name=\"confirm\""));
    // ticked: the request is open, shown with a way to withdraw it
    me.post(app.url("/me/delete-request"))
        .form(&[("_csrf", csrf.as_str()), ("confirm", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(app.count(asked).await, 1);
    let html = app.page(&me, "/me").await;
    assert!(html.contains("你已申请注销"), "{html}");
    assert!(html.contains("action=\"/me/delete-request/cancel\""));
    let r = me
        .post(app.url("/me/delete-request/cancel"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(asked).await, 0);
    let html = app.page(&me, "/me").await;
    assert!(html.contains("已撤回注销申请"), "{html}");
}

/// Posts a page's form with its CSRF token.
async fn post_form(
    app: &crate::helpers::TestApp,
    b: &reqwest::Client,
    page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(b, page).await;
    let mut fields = vec![("_csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    b.post(app.url(path)).form(&fields).send().await.unwrap()
}

/// Follows a redirect and reads the page it lands on.
async fn landed(
    app: &crate::helpers::TestApp,
    b: &reqwest::Client,
    r: reqwest::Response,
) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a redirect");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    b.get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_refused_refusal_keeps_its_reason_and_a_refused_hire_its_wage() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let r = app
        .post(
            "/api/v1/vacancies",
            Some(&hr),
            &crate::helpers::vacancy_body("电子厂普工"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let w = app
        .station_worker(&station, &id_number("19900101", 41), "13900000041", false)
        .await;
    let r = app
        .post(
            "/api/v1/applications",
            Some(&station),
            &serde_json::json!({"worker_id": w, "vacancy_id": v}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let boss = browser();
    app.browser_login(&boss, "hr1@test.local", PASSWORD).await;
    let list = format!("/employer/vacancies/{v}/applications");
    let back = format!("{list}?page=1");
    let transition = format!("/applications/{a}/transition");
    // 其他 without a word of explanation: refused, and 其他 is still the reason chosen
    let r = post_form(
        &app,
        &boss,
        &list,
        &transition,
        &[
            ("back", &back),
            ("to", "rejected"),
            ("reason", "其他"),
            ("note", ""),
        ],
    )
    .await;
    let html = landed(&app, &boss, r).await;
    assert!(html.contains("原因选“其他”时请说明"), "{html}");
    assert!(html.contains(r#"<option value="其他" selected>"#), "{html}");
    assert!(!html.contains(r#"<option value="不符合要求" selected>"#));
    assert_eq!(
        app.count(&format!(
            "select count(*) from applications where id = {a} and status = 'applied'"
        ))
        .await,
        1
    );
    // shown once: the page read again starts afresh
    let again = app.page(&boss, &list).await;
    assert!(!again.contains(r#"<option value="其他" selected>"#));
    // a hire with a wage it cannot read keeps the wage and the day as typed
    let r = post_form(
        &app,
        &boss,
        &list,
        &transition,
        &[
            ("back", &back),
            ("to", "hired"),
            ("start_date", "2026-12-01"),
            ("wage", "五千块"),
        ],
    )
    .await;
    let html = landed(&app, &boss, r).await;
    assert!(html.contains(r#"value="五千块""#), "{html}");
    assert!(html.contains(r#"value="2026-12-01""#), "{html}");
}

#[tokio::test]
async fn the_door_keeps_the_chosen_employer_and_the_trainer_form_its_choices() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    let (e1, _) = app.verified_employer(&admin, 1).await;
    let (e2, _) = app.verified_employer(&admin, 2).await;
    let day = laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(5));
    let body = serde_json::json!({"kind": "trip", "title": "湄潭—斗门点对点返岗专车",
        "starts_at": format!("{day}T07:00"), "place": "湄潭县客运站", "capacity": 40,
        "from_town": "520328004", "to_town": "440403106"});
    let r = app.post("/api/v1/events", Some(&station), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let trip = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let officer = browser();
    app.browser_login(&officer, "s1@test.local", PASSWORD).await;
    let door = format!("/events/{trip}/door?stage=arrived");
    let e2s = e2.to_string();
    let r = post_form(
        &app,
        &officer,
        &door,
        &format!("/events/{trip}/door"),
        &[
            ("stage", "arrived"),
            ("id_number", "123"),
            ("employer_id", &e2s),
            ("start_date", &day),
            ("wage", "5千"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("verdict bad"), "{html}");
    assert!(
        html.contains(&format!(r#"<option value="{e2}" selected>"#)),
        "{html}"
    );
    assert!(!html.contains(&format!(r#"<option value="{e1}" selected>"#)));
    assert!(html.contains(r#"value="5千""#) && html.contains("<details open>"));
    // the 身份证 field is empty again, for the next scan
    assert!(!html.contains(r#"value="123""#));

    // the trainer's new course: without a title it comes back with the programme, the level
    // and an unticked 补贴 box as chosen
    app.trainer(&admin, "px@test.local").await;
    let trainer = browser();
    app.browser_login(&trainer, "px@test.local", PASSWORD).await;
    let fresh = app.page(&trainer, "/trainer").await;
    assert!(
        fresh.contains(r#"name="subsidised" checked"#),
        "ticked at first"
    );
    let r = post_form(
        &app,
        &trainer,
        "/trainer",
        "/trainer/courses",
        &[
            ("programme", "nanyue-housekeeping"),
            ("title", ""),
            ("occupation", "育婴员"),
            ("level", "四级/中级工"),
            ("capacity", "30"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<option value="nanyue-housekeeping" selected>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="四级/中级工" selected>"#),
        "{html}"
    );
    assert!(html.contains(r#"name="subsidised">"#), "{html}");
    assert_eq!(app.count("select count(*) from courses").await, 0);
}

#[tokio::test]
async fn a_worker_s_found_job_report_keeps_its_place_and_channel_after_an_error() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "s1@test.local")
        .await;
    app.station_worker(&station, &id_number("19900101", 42), "13900000042", true)
        .await;
    let me = browser();
    app.browser_login(&me, "13900000042", PASSWORD).await;
    // a start day long past: refused, and the place and the channel stay chosen
    let r = post_form(
        &app,
        &me,
        "/me",
        "/me/found-job",
        &[
            ("employer_name", "中山某灯饰厂"),
            ("workplace_county", "442000"),
            ("workplace_other", ""),
            ("start_date", "2001-01-01"),
            ("wage", "4800"),
            ("channel", "organised"),
        ],
    )
    .await;
    let html = landed(&app, &me, r).await;
    assert!(html.contains("未提交"), "{html}");
    assert!(
        html.contains(r#"<option value="442000" selected>"#),
        "{html}"
    );
    assert!(html.contains(r#"value="organised" checked"#), "{html}");
    assert!(!html.contains(r#"value="self" checked"#));
    assert!(html.contains(r#"value="中山某灯饰厂""#) && html.contains(r#"value="4800""#));
    assert_eq!(app.count("select count(*) from found_reports").await, 0);
    // a fresh page: 自己找的 is the default again
    let again = app.page(&me, "/me").await;
    assert!(again.contains(r#"value="self" checked"#));
    assert!(!again.contains(r#"name="weekly_matches" checked"#));
    // the mail preferences with an address it cannot use: the box stays ticked
    let r = post_form(
        &app,
        &me,
        "/me",
        "/me/preferences",
        &[("email", "not-an-address"), ("weekly_matches", "on")],
    )
    .await;
    let html = landed(&app, &me, r).await;
    assert!(html.contains("未保存"), "{html}");
    assert!(html.contains(r#"name="weekly_matches" checked"#), "{html}");
    assert!(html.contains(r#"value="not-an-address""#), "{html}");
}
