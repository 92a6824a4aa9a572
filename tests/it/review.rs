//! What a hostile, first-time-user review of issue #15's pages found on the demo data, each
//! with the test that would have caught it: a Fugong station called Meitan's (with raw county
//! codes), a 适合的岗位 link that leads a receiving station to a 403 (and phones that were not
//! a tap to call), `open` in the vacancy export, the home page's town filter without the towns
//! the board lists, a follow-up sent twice answered "请按提示修改" with nothing marked, a
//! vacancy or course created twice by a double tap, and a taken e-mail at registration
//! answered as if the 身份证 number or phone were taken.

use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{PASSWORD, TestApp, browser, id_number, spawn_app, vacancy_body};
use crate::words::visible_text;

fn date(days: i64) -> String {
    fmt_date(today() + time::Duration::days(days))
}

/// The value of the hidden field `name` in a page's form.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field: {html}"))
        + marker.len();
    let len = html[start..].find('"').unwrap();
    html[start..start + len].to_owned()
}

async fn station_of(app: &TestApp, admin: &str, name: &str, side: &str, county: &str) -> i64 {
    let r = app
        .post(
            "/api/v1/stations",
            Some(admin),
            &json!({"name": name, "side": side, "email": format!("s{county}@test.local"), "county_code": county}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A job `worker` found in `county`, started `days_ago`, recorded by `station`.
async fn placed(app: &TestApp, station: &str, worker: i64, county: &str, days_ago: i64) -> i64 {
    let r = app
        .post(
            "/api/v1/placements",
            Some(station),
            &json!({"worker_id": worker, "employer_name": "珠海某电子厂", "workplace_county": county,
                    "start_date": date(-days_ago), "wage": 5000, "channel": "organised"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_station_list_names_each_stations_own_county_by_name_and_its_side_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    station_of(&app, &admin, "驻斗门联络站", "sending", "533323").await;
    station_of(&app, &admin, "湄潭县驻斗门工作站", "sending", "520328").await;
    station_of(&app, &admin, "斗门区劳务协作站", "receiving", "440403").await;
    let browser_admin = browser();
    app.browser_login(&browser_admin, "admin@test.local", PASSWORD)
        .await;
    let text = visible_text(&app.page(&browser_admin, "/admin").await);
    // a Fugong station was shown as 输出地（湄潭）with the code 533323
    assert!(text.contains("驻斗门联络站（输出地，福贡县）"), "{text}");
    assert!(text.contains("湄潭县驻斗门工作站（输出地）"), "{text}");
    assert!(text.contains("斗门区劳务协作站（输入地）"), "{text}");
    for wrong in ["（湄潭）", "（斗门）", "，533323", "，520328", "，440403"] {
        assert!(!text.contains(wrong), "{wrong} in {text}");
    }
}

#[tokio::test]
async fn a_receiving_station_is_not_offered_the_matches_it_may_not_open() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let dm = station_of(&app, &admin, "斗门区劳务协作站", "receiving", "440403").await;
    app.login_as("dm@test.local", laowu::domain::Role::Station, Some(dm))
        .await;
    let w = app
        .station_worker(&meitan, &id_number("19900101", 31), "13655553101", false)
        .await;
    placed(&app, &meitan, w, "440403", 10).await;
    let record = format!("/station/workers/{w}");
    let matches = format!("/station/workers/{w}/matches");

    // the worker's own station: the link, and it opens
    let own = browser();
    app.browser_login(&own, "mt@test.local", PASSWORD).await;
    let html = app.page(&own, &record).await;
    assert!(html.contains(&matches));
    app.page(&own, &matches).await;
    // the phone is a tap to call, on the record and in the caseload
    assert!(html.contains("href=\"tel:13655553101\""), "{html}");
    let caseload = app.page(&own, "/station").await;
    assert!(caseload.contains("href=\"tel:13655553101\""), "{caseload}");

    // the Doumen station follows the worker: the record opens, the matches do not — so no link
    let follows = browser();
    app.browser_login(&follows, "dm@test.local", PASSWORD).await;
    let html = app.page(&follows, &record).await;
    assert!(!html.contains(&matches), "a link to a 403: {html}");
    let r = follows.get(app.url(&matches)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_vacancy_export_says_each_state_in_chinese() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    let mut ids = Vec::new();
    for title in ["叉车工", "包装工"] {
        let r = app
            .post("/api/v1/vacancies", Some(&hr), &vacancy_body(title))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    // the second one's closing day has passed (it is still stored as open)
    sqlx::query("update vacancies set expires_on = $1 where id = $2")
        .bind(date(-1))
        .bind(ids[1])
        .execute(&app.db)
        .await
        .unwrap();
    let b = browser();
    app.browser_login(&b, "admin@test.local", PASSWORD).await;
    let r = b
        .get(app.url("/exports/vacancies.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let line = |title: &str| {
        csv.lines()
            .find(|l| l.starts_with(title))
            .unwrap_or_else(|| panic!("{title} in {csv}"))
            .to_owned()
    };
    assert!(line("叉车工").contains(",招聘中,"), "{csv}");
    assert!(line("包装工").contains(",已过期,"), "{csv}");
    assert!(!csv.contains(",open,"), "{csv}");
}

#[tokio::test]
async fn the_home_page_town_filter_lists_every_town_the_board_does() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 1).await;
    // an assistance workshop near home in Meitan (永兴镇), and a Doumen vacancy
    let mut workshop = vacancy_body("茶叶加工帮扶车间");
    workshop["assistance_workshop"] = json!(true);
    workshop["town_code"] = json!("520328101");
    for body in [workshop, vacancy_body("包装工")] {
        let r = app.post("/api/v1/vacancies", Some(&hr), &body).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
    }
    app.wait_indexed().await;
    let visitor = browser();
    let home = app.page(&visitor, "/").await;
    let board = app.page(&visitor, "/vacancies").await;
    for html in [&home, &board] {
        assert!(html.contains("value=\"520328101\""), "{html}");
        let text = visible_text(html);
        assert!(text.contains("湄潭县 永兴镇（1）"), "{text}");
        assert!(text.contains("白蕉镇（1）"), "{text}");
    }
    // the first choice covers every town, not just Doumen's
    assert!(!visible_text(&home).contains("斗门区全部"));
    let r = visitor
        .get(app.url("/vacancies?town=520328101"))
        .send()
        .await
        .unwrap();
    let found = r.text().await.unwrap();
    assert!(found.contains("茶叶加工帮扶车间") && !found.contains("包装工"));
}

#[tokio::test]
async fn a_follow_up_sent_twice_lands_on_the_list_and_a_recorded_one_offers_no_form() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, meitan) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let w = app
        .station_worker(&meitan, &id_number("19900101", 32), "13655553201", false)
        .await;
    let p = placed(&app, &meitan, w, "440403", 10).await;
    let f: i64 =
        sqlx::query("select id from follow_ups where placement_id = $1 order by due_on limit 1")
            .bind(p)
            .fetch_one(&app.db)
            .await
            .unwrap()
            .get(0);
    let officer = browser();
    app.browser_login(&officer, "mt@test.local", PASSWORD).await;
    let path = format!("/station/followups/{f}");
    let csrf = app.csrf(&officer, &path).await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("method", "phone"),
        ("still_employed", "yes"),
        ("wage_paid_on_time", "yes"),
        ("monthly_wage", "5千"),
        ("note", "一切正常"),
    ];
    for _ in 0..2 {
        let r = officer
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        // the second one was a 409 with "请按提示修改后再提交。" and nothing marked
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/station/followups");
    }
    let list = visible_text(&app.page(&officer, "/station/followups").await);
    assert!(list.contains("这次回访已经登记过了"), "{list}");
    let done: i64 =
        sqlx::query("select count(*) from follow_ups where id = $1 and status = 'done'")
            .bind(f)
            .fetch_one(&app.db)
            .await
            .unwrap()
            .get(0);
    assert_eq!(done, 1);
    // the recorded follow-up's page says so and has no form to fill again
    let html = app.page(&officer, &path).await;
    assert!(visible_text(&html).contains("不用再登记"), "{html}");
    assert!(!html.contains(&format!("action=\"{path}\"")), "{html}");
    assert!(html.contains(&format!("/placements/{p}")));
}

/// Sends the same rendered form twice: one after the other, or both at once (a double tap).
async fn twice(
    app: &TestApp,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
    at_once: bool,
) -> [reqwest::Response; 2] {
    let send = || client.post(app.url(path)).form(form).send();
    if at_once {
        let (a, b) = tokio::join!(send(), send());
        [a.unwrap(), b.unwrap()]
    } else {
        let a = send().await.unwrap();
        let b = send().await.unwrap();
        [a, b]
    }
}

#[tokio::test]
async fn a_vacancy_or_a_course_sent_twice_is_created_once_and_both_land_on_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.verified_employer(&admin, 1).await;
    let hr = browser();
    app.browser_login(&hr, "hr1@test.local", PASSWORD).await;
    let expires = date(30);
    for (title, at_once) in [("双击测试叉车工", false), ("同时提交包装工", true)] {
        let html = app.page(&hr, "/employer/vacancies/new").await;
        let (csrf, once) = (hidden(&html, "_csrf"), hidden(&html, "_once"));
        let form = [
            ("_csrf", csrf.as_str()),
            ("_once", once.as_str()),
            ("title", title),
            ("occupation", "普工"),
            ("description", "包吃住"),
            ("headcount", "3"),
            ("expires_on", expires.as_str()),
            ("wage_min", "5千"),
            ("wage_max", "6000"),
            ("min_age", "18"),
            ("max_age", "50"),
            ("town_code", "440403106"),
            ("shift", "常白班"),
        ];
        let [a, b] = twice(&app, &hr, "/employer/vacancies/new", &form, at_once).await;
        assert_eq!(a.status(), StatusCode::SEE_OTHER, "{title}");
        assert_eq!(b.status(), StatusCode::SEE_OTHER, "{title}");
        assert_eq!(a.headers()["location"], b.headers()["location"], "{title}");
        let n: i64 = sqlx::query("select count(*) from vacancies where title = $1")
            .bind(title)
            .fetch_one(&app.db)
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 1, "{title} created {n} times");
        let landing = a.headers()["location"].to_str().unwrap().to_owned();
        assert!(landing.starts_with("/vacancies/"), "{landing}");
        app.page(&hr, &landing).await;
    }
    // the same form rendered again is a new one: a second vacancy of the same title is fine
    let html = app.page(&hr, "/employer/vacancies/new").await;
    assert_ne!(hidden(&html, "_once"), "", "a mark per rendering");

    // a trainer's new course, sent twice at once
    let (_, _) = app.trainer(&admin, "teacher@test.local").await;
    let trainer = browser();
    app.browser_login(&trainer, "teacher@test.local", PASSWORD)
        .await;
    let html = app.page(&trainer, "/trainer").await;
    let (csrf, once) = (hidden(&html, "_csrf"), hidden(&html, "_once"));
    let (start, end) = (date(10), date(40));
    let form = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("programme", "cantonese-chef"),
        ("title", "2027年第一期粤菜师傅培训班"),
        ("occupation", "中式烹调师"),
        ("level", "四级/中级工"),
        ("start_date", start.as_str()),
        ("end_date", end.as_str()),
        ("place", "斗门区井岸镇"),
        ("capacity", "30"),
    ];
    let [a, b] = twice(&app, &trainer, "/trainer/courses", &form, true).await;
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(a.headers()["location"], b.headers()["location"]);
    let n: i64 = sqlx::query("select count(*) from courses where title = $1")
        .bind("2027年第一期粤菜师傅培训班")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    // the landing page says why the second one did not make another
    let landing = a.headers()["location"].to_str().unwrap().to_owned();
    let text = visible_text(&app.page(&trainer, &landing).await);
    assert!(
        text.contains("培训班已创建") || text.contains("这张表已经提交过了"),
        "{text}"
    );

    // a form refused for its errors frees its mark: corrected, the same page's form goes through
    let html = app.page(&hr, "/employer/vacancies/new").await;
    let (csrf, once) = (hidden(&html, "_csrf"), hidden(&html, "_once"));
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("title", "先错后对的岗位"),
        ("occupation", "普工"),
        ("headcount", "3"),
        ("expires_on", expires.as_str()),
        ("wage_min", "5千左右"),
        ("wage_max", "6000"),
        ("town_code", "440403106"),
    ];
    let r = hr
        .post(app.url("/employer/vacancies/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    form[6] = ("wage_min", "5000");
    let r = hr
        .post(app.url("/employer/vacancies/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("select count(*) from vacancies where title = '先错后对的岗位'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_registration_with_an_email_another_login_has_is_told_so_at_the_email_field() {
    let app = spawn_app().await;
    app.admin().await;
    let client = browser();
    let csrf = app.csrf(&client, "/register").await;
    let id = id_number("19880808", 33);
    let form = |email: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("name", "田春花".to_owned()),
            ("id_number", id.clone()),
            ("phone", "13800133033".to_owned()),
            ("hometown_code", "520328004".to_owned()),
            ("education", "初中".to_owned()),
            ("email", email.to_owned()),
            ("password", "Meitan-2026x".to_owned()),
            ("password2", "Meitan-2026x".to_owned()),
            ("consent", "on".to_owned()),
        ]
    };
    // the number and the phone are new; the e-mail is the admin's login (in capitals)
    let r = client
        .post(app.url("/register"))
        .form(&form("Admin@Test.local"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-email\""), "{html}");
    assert!(html.contains("请换一个邮箱"), "{html}");
    // not the 身份证/phone refusal, which sent the person to reset a password they never had
    assert!(!html.contains("身份证号码或手机号码已被使用"), "{html}");
    assert!(!html.contains("id=\"taken\""), "{html}");
    assert_eq!(app.count("select count(*) from workers").await, 0);
    let r = client
        .post(app.url("/register"))
        .form(&form("chunhua@test.local"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("select count(*) from workers").await, 1);
}

#[tokio::test]
async fn a_found_job_form_reads_wages_as_typed_and_comes_back_as_typed_after_an_error() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let w = app
        .station_worker(&station, &id_number("19900101", 34), "13655553401", true)
        .await;
    let too_early = date(-400);
    let today = date(0);

    // the worker's 我已找到工作: a start date out of the window first
    let worker = browser();
    app.browser_login(&worker, "13655553401", PASSWORD).await;
    let csrf = app.csrf(&worker, "/me").await;
    let form = |start: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("employer_name", "宁波某服装厂".to_owned()),
            ("workplace_county", "other".to_owned()),
            ("workplace_other", "浙江省宁波市鄞州区".to_owned()),
            ("start_date", start.to_owned()),
            ("wage", "5千".to_owned()),
            ("channel", "organised".to_owned()),
        ]
    };
    let r = worker
        .post(app.url("/me/found-job"))
        .form(&form(&too_early))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&worker, "/me").await;
    assert!(html.contains("未提交"), "{html}");
    for kept in [
        "value=\"宁波某服装厂\"",
        "value=\"浙江省宁波市鄞州区\"",
        "value=\"5千\"",
        &format!("value=\"{too_early}\""),
        "value=\"organised\" checked",
    ] {
        assert!(html.contains(kept), "{kept} kept: {html}");
    }
    // shown once: the next visit has the empty form again
    let again = app.page(&worker, "/me").await;
    assert!(!again.contains("value=\"宁波某服装厂\""));
    // corrected: 5千 is 5000 yuan (it was a number field: 5千 was sent as nothing at all)
    let csrf = app.csrf(&worker, "/me").await;
    let mut ok = form(&today);
    ok[0].1 = csrf;
    let r = worker
        .post(app.url("/me/found-job"))
        .form(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("select count(*) from found_reports where wage = 5000 and status = 'pending'")
            .await,
        1
    );
    assert!(
        app.page(&worker, "/me")
            .await
            .contains("inputmode=\"decimal\"")
    );

    // the station records a job for another worker: the same, on the worker's page
    let w2 = app
        .station_worker(&station, &id_number("19900101", 35), "13655553501", false)
        .await;
    let officer = browser();
    app.browser_login(&officer, "mt@test.local", PASSWORD).await;
    let record = format!("/station/workers/{w2}");
    let csrf = app.csrf(&officer, &record).await;
    let form = |start: &str, wage: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("employer_name", "珠海某电子厂".to_owned()),
            ("workplace_county", "440403".to_owned()),
            ("start_date", start.to_owned()),
            ("wage", wage.to_owned()),
            ("channel", "self".to_owned()),
        ]
    };
    let r = officer
        .post(app.url(&format!("{record}/found-job")))
        .form(&form(&too_early, "6,200元"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&officer, &record).await;
    assert!(html.contains("未登记"), "{html}");
    assert!(
        html.contains("<details class=\"card\" open>"),
        "the form is open: {html}"
    );
    assert!(html.contains("value=\"珠海某电子厂\"") && html.contains("value=\"6,200元\""));
    assert!(html.contains("value=\"440403\" selected"), "{html}");
    let r = officer
        .post(app.url(&format!("{record}/found-job")))
        .form(&form(&today, "6,200元"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "select count(*) from placements where worker_id = {w2} and wage = 6200"
        ))
        .await,
        1
    );
    let _ = w;
}

#[tokio::test]
async fn the_workers_corrections_and_the_stations_certificate_come_back_as_typed_after_an_error() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县劳务工作站", "mt@test.local")
        .await;
    let w = app
        .station_worker(&station, &id_number("19900101", 36), "13655553601", true)
        .await;
    // the worker corrects the record with a wage the parser refuses
    let worker = browser();
    app.browser_login(&worker, "13655553601", PASSWORD).await;
    let csrf = app.csrf(&worker, "/me").await;
    let r = worker
        .post(app.url("/me/correct"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("phone", "13655553601"),
            ("skills", "电焊、氩弧焊"),
            ("desired_jobs", "焊工"),
            ("expected_wage", "6千左右"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&worker, "/me").await;
    assert!(html.contains("未保存"), "{html}");
    assert!(
        html.contains("<details class=\"card\" open><summary>修改我的信息"),
        "{html}"
    );
    for kept in [
        "value=\"电焊、氩弧焊\"",
        "value=\"焊工\"",
        "value=\"6千左右\"",
    ] {
        assert!(html.contains(kept), "{kept}: {html}");
    }
    // needs_lodging was on in the record and left off in the form: off as typed
    assert!(!html.contains("name=\"needs_lodging\" checked"), "{html}");
    // nothing was saved, and the next visit shows the record again
    assert_eq!(
        app.count(&format!(
            "select count(*) from workers where id = {w} and skills like '%电焊%'"
        ))
        .await,
        0
    );
    assert!(
        app.page(&worker, "/me")
            .await
            .contains("value=\"粤菜、炒锅\"")
    );

    // the station's certificate form with an occupation too short
    let officer = browser();
    app.browser_login(&officer, "mt@test.local", PASSWORD).await;
    let record = format!("/station/workers/{w}");
    let csrf = app.csrf(&officer, &record).await;
    let r = officer
        .post(app.url(&format!("{record}/certificates")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("programme", "guangdong-technician"),
            ("occupation", "焊"),
            ("level", "三级/高级工"),
            ("certificate_no", "YUE-2026-001"),
            ("issued_on", "2026-10-01"),
            ("issuer", "珠海市职业技能鉴定中心"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app.page(&officer, &record).await;
    assert!(html.contains("未完成"), "{html}");
    assert!(html.contains("<details class=\"card\" open><summary>登记在外取得的证书"));
    for kept in [
        "value=\"guangdong-technician\" selected",
        "value=\"三级/高级工\" selected",
        "value=\"焊\"",
        "value=\"YUE-2026-001\"",
        "value=\"2026-10-01\"",
        "value=\"珠海市职业技能鉴定中心\"",
    ] {
        assert!(html.contains(kept), "{kept}: {html}");
    }
}

/// A visitor who sends thousands of one-time marks (here to `/me/preferences`, which answers
/// an anonymous visitor with a redirect to the login page) must not end the double-tap protection of everyone
/// else, and a mark taken from one session leads nowhere in another.
#[tokio::test]
async fn a_flood_of_one_time_marks_leaves_other_users_protected() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.verified_employer(&admin, 1).await;
    let visitor = browser();
    let html = app.page(&visitor, "/login").await;
    let csrf = hidden(&html, "_csrf");
    let mut flood = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (client, url, csrf) = (visitor.clone(), app.url("/me/preferences"), csrf.clone());
        flood.spawn(async move {
            for i in 0..660 {
                let mark = format!("flood-{worker}-{i}");
                let r = client
                    .post(&url)
                    .form(&[("_csrf", csrf.as_str()), ("_once", mark.as_str())])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::SEE_OTHER);
            }
        });
    }
    while let Some(done) = flood.join_next().await {
        done.unwrap();
    }

    let hr = browser();
    app.browser_login(&hr, "hr1@test.local", PASSWORD).await;
    let html = app.page(&hr, "/employer/vacancies/new").await;
    let (csrf, once) = (hidden(&html, "_csrf"), hidden(&html, "_once"));
    let expires = date(30);
    let form = [
        ("_csrf", csrf.as_str()),
        ("_once", once.as_str()),
        ("title", "洪水之后叉车工"),
        ("occupation", "普工"),
        ("description", "包吃住"),
        ("headcount", "3"),
        ("expires_on", expires.as_str()),
        ("wage_min", "5000"),
        ("wage_max", "6000"),
        ("min_age", "18"),
        ("max_age", "50"),
        ("town_code", "440403106"),
        ("shift", "常白班"),
    ];
    let [a, b] = twice(&app, &hr, "/employer/vacancies/new", &form, false).await;
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.status(), StatusCode::SEE_OTHER);
    assert_eq!(a.headers()["location"], b.headers()["location"]);
    let n: i64 = sqlx::query("select count(*) from vacancies where title = $1")
        .bind("洪水之后叉车工")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "created {n} times after the flood");

    // the HR user's mark replayed from another login of the same company is a form of that
    // session's own: sent with that session's token it is not led to the first result
    let other = browser();
    app.browser_login(&other, "hr1@test.local", PASSWORD).await;
    let html = app.page(&other, "/employer/vacancies/new").await;
    let other_csrf = hidden(&html, "_csrf");
    let mut replay = form;
    replay[0] = ("_csrf", other_csrf.as_str());
    replay[2] = ("title", "另一会话叉车工");
    let r = other
        .post(app.url("/employer/vacancies/new"))
        .form(&replay)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_ne!(r.headers()["location"], a.headers()["location"]);
    let n: i64 = sqlx::query("select count(*) from vacancies where title = $1")
        .bind("另一会话叉车工")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "the other session's form was not created");
}
