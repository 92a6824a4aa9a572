//! The assessment (issue 14): a county built through the API where every indicator's number is
//! known by construction — including people who must not count — with targets and history,
//! the people list equal to each figure, who may see what, and the workbook read back.

use laowu::domain::id_card::with_check_char;
use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_number, spawn_app, vacancy_body};

/// (name, work place, channel, labour capacity, skills) as stored.
type LedgerRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

const HEADER: &str = "序号,姓名,身份证号码,联系电话,乡镇,村,是否脱贫户,是否监测对象,是否易地搬迁,是否零就业家庭,劳动技能,就业意愿,期望月薪,务工状态,务工地点,月收入,备注";

fn ledger_id(n: u32) -> String {
    with_check_char(&format!("52032819850310{n:03}"))
}

/// A ledger row of a Meitan worker: (name, n, poverty, monitored, status, workplace).
fn row(name: &str, n: u32, poverty: bool, monitored: bool, status: &str, place: &str) -> String {
    let yes = |b: bool| if b { "是" } else { "否" };
    format!(
        "{n},{name},{},139{:08},湄江街道,,{},{},否,否,,,,{status},{place},,",
        ledger_id(n),
        20_000_000 + n,
        yes(poverty),
        yes(monitored),
    )
}

async fn register(app: &TestApp, token: &str, n: u32, hometown: &str, poverty: bool) -> i64 {
    let r = app
        .post(
            "/api/v1/workers",
            Some(token),
            &json!({
                "name": "冉考评", "id_number": id_number(if hometown.starts_with("5333") { "19880808" } else { "19860606" }, 500 + n),
                "phone": format!("1360000{n:04}"), "hometown_code": hometown,
                "skills": "电子装配", "desired_jobs": "普工",
                "household": {"poverty_alleviated": poverty, "monitored": false, "relocated": false, "zero_employment": false},
            }),
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

async fn hire(app: &TestApp, admin: &str, hr: &str, worker: i64, vacancy: i64) -> i64 {
    let r = app
        .post(
            "/api/v1/applications",
            Some(admin),
            &json!({"worker_id": worker, "vacancy_id": vacancy}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let a = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/applications/{a}/transition"),
            Some(hr),
            &json!({"to": "hired", "start_date": fmt_date(today()), "wage": 6000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["placement_id"]
        .as_i64()
        .unwrap()
}

async fn figures(app: &TestApp, token: &str, county: &str) -> Value {
    let year = today().year();
    let r = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county={county}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn actual(a: &Value, code: &str) -> i64 {
    a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {a}"))["actual"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn every_indicator_counts_exactly_the_people_it_should() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let year = today().year();
    let (_, station) = app.station(&admin, "湄潭县劳务工作站", "mt@as.test").await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "福贡县劳务工作站", "side": "sending", "email": "fg@as.test", "county_code": "533323"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (employer, hr) = app.verified_employer(&admin, 900).await;
    let mut job = vacancy_body("电子厂普工");
    job["employer_id"] = json!(employer);
    job["headcount"] = json!(20);
    let doumen = app.post("/api/v1/vacancies", Some(&admin), &job).await;
    let doumen = doumen.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();

    // placed through the platform in Doumen: a 脱贫 worker (counts everywhere on the way to
    // 广东) and one without a household flag (transfer and placed only)
    let poor = register(&app, &station, 1, "520328101", true).await;
    let plain = register(&app, &station, 2, "520328101", false).await;
    hire(&app, &admin, &hr, poor, doumen).await;
    hire(&app, &admin, &hr, plain, doumen).await;
    // a 福贡 worker placed in Doumen counts for 福贡, never for 湄潭
    let fugong = register(&app, &admin, 3, "533323101", true).await;
    // 福贡 workers go to the 福贡 station
    assert_eq!(
        app.count(&format!(
            "select count(*) from workers w join stations s on s.id = w.station_id \
             where w.id = {fugong} and s.county_code = '533323'"
        ))
        .await,
        1
    );
    hire(&app, &admin, &hr, fugong, doumen).await;
    // a placement that ended last year does not count this year
    let gone = register(&app, &station, 4, "520328101", true).await;
    let old = hire(&app, &admin, &hr, gone, doumen).await;
    let last_year = format!("{}-03-01", year - 1);
    let ended = format!("{}-06-30", year - 1);
    sqlx::query(
        "update placements set start_date = $1, left_on = $2, status = 'left' where id = $3",
    )
    .bind(&last_year)
    .bind(&ended)
    .bind(old)
    .execute(&app.db)
    .await
    .unwrap();

    // the ledger: people already working away (and one at home, one not working)
    let csv = [
        HEADER.to_owned(),
        row("冉宁波", 11, false, false, "省外务工", "浙江省宁波市"),
        row("冉贵阳", 12, false, true, "省内务工", "贵阳市"),
        row("冉近家", 13, true, false, "县内务工", "湄潭县永兴镇"),
        row("冉东莞", 14, true, false, "省外务工", "广东东莞"),
        row("冉在家", 15, true, false, "未就业", ""),
        row("冉本镇", 16, true, false, "务工", "湄江街道"),
    ]
    .join("\n");
    app.upload_ledger("mt@as.test", &csv).await;
    assert_eq!(
        app.count("select count(*) from workers where work_place is not null")
            .await,
        5
    );

    // certificates: one issued this year, one entered now but issued last year
    let cert = |n: &str, issued: String| {
        json!({"programme": "guangdong-technician", "occupation": "电工", "level": "四级",
               "certificate_no": n, "issued_on": issued, "issuer": "珠海市职业技能鉴定指导中心"})
    };
    let r = app
        .post(
            &format!("/api/v1/workers/{plain}/certificates"),
            Some(&station),
            &cert("C1", format!("{year}-01-15")),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let r = app
        .post(
            &format!("/api/v1/workers/{poor}/certificates"),
            Some(&station),
            &cert("C2", format!("{}-12-20", year - 1)),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );

    // a course completed this year by the 脱贫 worker and by the plain one
    let (_, trainer) = app.trainer(&admin, "teacher@as.test").await;
    let r = app
        .post(
            "/api/v1/courses",
            Some(&trainer),
            &json!({"programme": "guangdong-technician", "title": "电工培训班", "occupation": "电工",
                    "level": "四级", "start_date": fmt_date(today() + time::Duration::days(1)),
                    "end_date": fmt_date(today() + time::Duration::days(1)), "place": "斗门区井岸镇", "capacity": 10}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let course = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for w in [poor, plain] {
        let r = app
            .post(
                &format!("/api/v1/courses/{course}/enrollments"),
                Some(&station),
                &json!({"worker_id": w}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        let e = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // sign-up closes the day before the start: the course runs, ends today, then the next
        // one signs up as if it had not started yet
        app.course_runs(course, -20, 0).await;
        let r = app
            .post(
                &format!("/api/v1/enrollments/{e}/complete"),
                Some(&trainer),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        app.course_runs(course, 1, 1).await;
    }
    // the 180-day follow-up of the plain worker's placement found them still at work
    let follow = app
        .count(&format!(
            "select f.id from follow_ups f join placements p on p.id = f.placement_id \
             where p.worker_id = {plain} and f.day_offset = 180"
        ))
        .await;
    // recorded today, 180 days early: it does not make the worker "retained"
    sqlx::query(
        "update follow_ups set status = 'done', done_on = $1, still_employed = $2 where id = $3",
    )
    .bind(fmt_date(today()))
    .bind(true)
    .bind(follow)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        actual(&figures(&app, &admin, "520328").await, "retained_6m"),
        0
    );
    // (180 days cannot be waited for: the follow-up is made due today, as it will be then)
    sqlx::query("update follow_ups set due_on = $1 where id = $2")
        .bind(fmt_date(today()))
        .bind(follow)
        .execute(&app.db)
        .await
        .unwrap();

    let a = figures(&app, &admin, "520328").await;
    let expected = [
        // poor, plain (Doumen); 宁波, 贵阳, 永兴镇, 东莞 (ledger); not: 福贡, ended, 在家, 本镇
        ("transfer_total", 6),
        ("transfer_poverty", 4),     // poor, 遵义 (监测), 永兴镇, 东莞
        ("poverty_to_guangdong", 2), // poor, 东莞
        ("poverty_in_province", 1),  // 遵义
        ("poverty_near_home", 1),    // 永兴镇
        ("placed", 2),
        ("trained", 2),
        ("trained_poverty", 1),
        ("certified", 1), // C1 this year; C2 entered now but issued last year; no course certificate
        ("retained_6m", 1),
    ];
    for (code, n) in expected {
        assert_eq!(actual(&a, code), n, "{code}: {a}");
        // the people behind the number are exactly as many
        let r = app
            .get(
                &format!(
                    "/api/v1/reports/assessment/people?year={year}&county=520328&indicator={code}"
                ),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["total"], n, "{code}: {p}");
        assert_eq!(p["items"].as_array().unwrap().len() as i64, n);
    }
    // the admin sees full numbers, and the view is audited
    let p: Value = app
        .get(
            &format!("/api/v1/reports/assessment/people?year={year}&county=520328&indicator=poverty_in_province"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["items"][0]["id_number"], ledger_id(12), "{p}");
    assert_eq!(p["items"][0]["workplace"], "贵州省贵阳市", "{p}");
    assert!(
        app.count("select count(*) from audit_log where action = 'view_assessment_people'")
            .await
            >= 10
    );
    // the admin's placements export carries the full number (audited); a station's is masked
    let csv = |token: &str| {
        let req = app
            .api
            .get(app.url("/exports/placements.csv"))
            .bearer_auth(token.to_owned());
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let poor_id = id_number("19860606", 501);
    let all = csv(&admin).await;
    assert!(
        all.contains(&poor_id) && all.contains("广东省斗门区"),
        "{all}"
    );
    let own = csv(&station).await;
    assert!(own.contains("冉考评") && !own.contains(&poor_id), "{own}");
    assert!(
        app.count(
            "select count(*) from audit_log where action = 'export' and subject_type = 'placements'"
        )
        .await
            >= 2
    );
    // 福贡 has its own figures
    let f = figures(&app, &admin, "533323").await;
    assert_eq!(actual(&f, "placed"), 1, "{f}");
    assert_eq!(actual(&f, "poverty_to_guangdong"), 1, "{f}");
    assert_eq!(actual(&a, "placed") + actual(&f, "placed"), 3);
}

#[tokio::test]
async fn targets_keep_their_history_and_give_the_rates() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务工作站", "mt2@as.test").await;
    let year = today().year();
    let path = format!("/api/v1/targets/{year}");
    let set = |v: i64| {
        json!({"targets": [
            {"county": "520328", "indicator": "transfer_total", "value": v},
            {"county": "533323", "indicator": "placed", "value": 3},
        ]})
    };
    // only the admin sets targets; bad ones are refused naming the entry
    let r = app.put(&path, Some(&station), &set(10)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .put(
            &path,
            Some(&admin),
            &json!({"targets": [{"county": "110101", "indicator": "transfer_total", "value": 1},
                                {"county": "520328", "indicator": "nope", "value": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["errors"]["targets[0]"].is_array() && e["errors"]["targets[1]"].is_array(),
        "{e}"
    );
    assert_eq!(app.count("select count(*) from targets").await, 0);

    let r = app.put(&path, Some(&admin), &set(10)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.put(&path, Some(&admin), &set(4)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let current: Value = app.get(&path, Some(&station)).await.json().await.unwrap();
    assert_eq!(current["targets"].as_array().unwrap().len(), 2, "{current}");
    assert_eq!(current["targets"][0]["value"], 4, "{current}");
    let history: Value = app
        .get(&format!("{path}?history=true"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["targets"].as_array().unwrap().len(), 4, "{history}");

    // one worker at work in Doumen through the ledger: 1 of 4 = 25 %
    let csv = [
        HEADER.to_owned(),
        row("冉宁波", 31, false, false, "省外务工", "广东省珠海市斗门区"),
    ]
    .join("\n");
    app.upload_ledger("mt2@as.test", &csv).await;
    let a = figures(&app, &station, "520328").await;
    let t = a["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "transfer_total")
        .unwrap();
    assert_eq!(
        (t["target"].as_i64(), t["actual"].as_i64()),
        (Some(4), Some(1))
    );
    assert_eq!(t["rate"].as_f64(), Some(0.25));
    let placed = &a["indicators"][5];
    assert!(
        placed["rate"].is_null() && placed["target"].is_null(),
        "{a}"
    );

    // a ledger row speaks for the year it was recorded in, not the year before
    let before: Value = app
        .get(
            &format!("/api/v1/reports/assessment?year={}&county=520328", year - 1),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(actual(&before, "transfer_total"), 0, "{before}");
    // another station of the county sees the count, but the person only as a masked line
    let (_, other) = app
        .station(&admin, "湄潭县第二工作站", "mt2b@as.test")
        .await;
    let p: Value = app
        .get(
            &format!("/api/v1/reports/assessment/people?year={year}&county=520328&indicator=transfer_total"),
            Some(&other),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["total"], 1, "{p}");
    let line = p["items"][0].to_string();
    assert!(
        !line.contains("冉宁波") && !line.contains(&ledger_id(31)),
        "{line}"
    );
    // the page's own form sends an empty month
    let r = app
        .api
        .get(app.url(&format!(
            "/reports/assessment?year={year}&county=520328&month="
        )))
        .bearer_auth(&station)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("农村劳动力转移就业") && html.contains("25.0%"),
        "{html}"
    );

    // a station sees its own county only; an enterprise nothing
    let r = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county=533323"),
            Some(&station),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, hr) = app.verified_employer(&admin, 901).await;
    let r = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county=520328"),
            Some(&hr),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .get(
            &format!("/api/v1/reports/assessment?year={year}&county=999999"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // the page and the workbook
    let r = app
        .api
        .get(app.url(&format!(
            "/reports/assessment.xlsx?year={year}&county=520328"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), 11, "{names:?}");
    let table = wb.worksheet_range("考评").unwrap();
    let text: Vec<String> = table.rows().flatten().map(|c| c.to_string()).collect();
    assert!(text.iter().any(|c| c == "农村劳动力转移就业"), "{text:?}");
    let people = wb.worksheet_range("transfer_total").unwrap();
    let text: Vec<String> = people.rows().flatten().map(|c| c.to_string()).collect();
    assert!(text.iter().any(|c| c == "冉宁波"), "{text:?}");
}

#[tokio::test]
async fn the_monthly_report_counts_certificates_by_issue_date_and_the_subsidy_follows_its_rule() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let year = today().year();
    let (_, station) = app.station(&admin, "湄潭县劳务工作站", "mt3@as.test").await;
    let r = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            &json!({"name": "福贡县劳务工作站", "side": "sending", "email": "fg3@as.test", "county_code": "533323"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (employer, hr) = app.verified_employer(&admin, 902).await;
    let poor = register(&app, &station, 41, "520328101", true).await;
    let plain = register(&app, &station, 42, "520328101", false).await;
    let fugong = register(&app, &admin, 43, "533323101", true).await;

    // certificates: entered today, one issued this month, one last year
    let month = format!("{year:04}-{:02}", today().month() as u8);
    for (w, no, issued) in [
        (poor, "M1", fmt_date(today())),
        (plain, "M2", format!("{}-11-11", year - 1)),
    ] {
        let r = app
            .post(
                &format!("/api/v1/workers/{w}/certificates"),
                Some(&station),
                &json!({"programme": "guangdong-technician", "occupation": "电工", "level": "四级",
                        "certificate_no": no, "issued_on": issued, "issuer": "珠海市职业技能鉴定指导中心"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let v: Value = app
        .get(
            &format!("/api/v1/reports/monthly?month={month}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let technician = v["training"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "guangdong-technician")
        .unwrap();
    assert_eq!(technician["certified"]["month"], 1, "{technician}");

    // the travel subsidy: Doumen hires of a 脱贫 worker (eligible), a worker without a flag
    // (not), and a 福贡 worker in a 福贡 帮扶车间 (home province: not)
    let mut doumen = vacancy_body("电子厂普工");
    doumen["employer_id"] = json!(employer);
    let doumen = app.post("/api/v1/vacancies", Some(&admin), &doumen).await;
    let doumen = doumen.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut workshop = vacancy_body("扶贫车间手工");
    workshop["employer_id"] = json!(employer);
    workshop["town_code"] = json!("533323101");
    workshop["assistance_workshop"] = json!(true);
    let workshop = app.post("/api/v1/vacancies", Some(&admin), &workshop).await;
    let workshop = workshop.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    for (w, v) in [(poor, doumen), (plain, doumen), (fugong, workshop)] {
        let p = hire(&app, &admin, &hr, w, v).await;
        // three months on, the 90-day follow-up found them at work (time cannot be waited for)
        sqlx::query(
            "update follow_ups set status = 'done', done_on = $1, still_employed = $2 \
             where placement_id = $3 and day_offset = 90",
        )
        .bind(fmt_date(today()))
        .bind(true)
        .bind(p)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let r = app.get("/api/v1/retention", Some(&admin)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let body: Value = r.json().await.unwrap();
    let ids: Vec<i64> = body["travel_subsidy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["worker_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![poor], "{body}");
}

#[tokio::test]
async fn the_ledger_reads_structured_workplaces_channels_and_capacity_grades() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县劳务工作站", "mt4@as.test").await;
    let header = "序号,姓名,身份证号码,联系电话,乡镇,劳动技能,务工状态,务工省,务工市,务工县,务工地点,就业渠道";
    let id = |n: u32| ledger_id(n);
    let csv = [
        header.to_owned(),
        // structured columns: resolved to 斗门区; organised
        format!(
            "1,冉结构,{},13800000001,湄江街道,技能劳动力,省外务工,广东省,珠海市,斗门区,,点对点专车",
            id(51)
        ),
        // a city only: kept, with a DQ101 warning naming the city level
        format!(
            "2,冉到市,{},13800000002,湄江街道,电工,省内务工,,,,遵义市,自主就业",
            id(52)
        ),
        // the capacity grade in 劳动技能, and working away: DQ102 refuses the row
        format!(
            "3,冉无力,{},13800000003,湄江街道,丧失劳动力,省外务工,,,,浙江省宁波市鄞州区,",
            id(53)
        ),
        // an unknown channel is refused naming the column
        format!(
            "4,冉渠道,{},13800000004,湄江街道,,省外务工,,,,广东省珠海市斗门区,随便",
            id(54)
        ),
    ]
    .join("\n");
    let report = app.upload_ledger("mt4@as.test", &csv).await;
    assert!(report.contains("就业渠道"), "{report}");
    assert!(report.contains("DQ102"), "{report}");
    use sqlx::Row;
    let rows = sqlx::query(
        "select name, work_place, work_channel, labour_capacity, skills from workers order by id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let got: Vec<LedgerRow> = rows
        .iter()
        .map(|r| {
            (
                r.get("name"),
                r.get("work_place"),
                r.get("work_channel"),
                r.get("labour_capacity"),
                r.get("skills"),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].1.as_deref(), Some("广东省珠海市斗门区"));
    assert_eq!(got[0].2.as_deref(), Some("organised"));
    assert_eq!(got[0].3.as_deref(), Some("技能劳动力"));
    assert_eq!(got[0].4, "");
    assert_eq!(got[1].2.as_deref(), Some("self"));
    let warning = app
        .count("select count(*) from quality_findings where rule = 'DQ101' and message like '%只到市%'")
        .await;
    assert_eq!(warning, 1);
    // and the assessment counts the Doumen worker toward 广东 through the ledger
    let a = figures(&app, &admin, "520328").await;
    assert_eq!(actual(&a, "transfer_total"), 2, "{a}");
}

#[tokio::test]
async fn employed_after_training_means_within_183_days_in_both_reports() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务工作站", "mt5@as.test").await;
    let (employer, hr) = app.verified_employer(&admin, 905).await;
    let (_, trainer) = app.trainer(&admin, "teacher5@as.test").await;
    let w = register(&app, &station, 61, "520328101", true).await;
    let r = app
        .post(
            "/api/v1/courses",
            Some(&trainer),
            &json!({"programme": "guangdong-technician", "title": "电工培训班", "occupation": "电工",
                    "level": "四级", "start_date": fmt_date(today() + time::Duration::days(1)),
                    "end_date": fmt_date(today() + time::Duration::days(1)), "place": "斗门区井岸镇", "capacity": 10}),
        )
        .await;
    let course = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/courses/{course}/enrollments"),
            Some(&station),
            &json!({"worker_id": w}),
        )
        .await;
    let e = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.course_runs(course, -20, 0).await;
    let r = app
        .post(
            &format!("/api/v1/enrollments/{e}/complete"),
            Some(&trainer),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut job = vacancy_body("维修电工");
    job["employer_id"] = json!(employer);
    let v = app.post("/api/v1/vacancies", Some(&admin), &job).await;
    let v = v.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let placement = hire(&app, &admin, &hr, w, v).await;
    let month = format!("{:04}-{:02}", today().year(), today().month() as u8);
    let both = || async {
        let m: Value = app
            .get(
                &format!("/api/v1/reports/monthly?month={month}"),
                Some(&admin),
            )
            .await
            .json()
            .await
            .unwrap();
        let monthly = m["training"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "guangdong-technician")
            .unwrap()["employed_after"]["month"]
            .as_i64()
            .unwrap();
        let t: Value = app
            .get("/api/v1/training/figures", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        let training = t["by_programme"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "广东技工")
            .unwrap()["employed_within_6m"]
            .as_i64()
            .unwrap();
        (monthly, training)
    };
    assert_eq!(both().await, (1, 1));
    // the same job starting 190 days after the course: neither report counts it
    let later = |days: i64| fmt_date(today() + time::Duration::days(days));
    for (days, expected) in [(190, (0, 0)), (183, (1, 1))] {
        sqlx::query("update placements set start_date = $1 where id = $2")
            .bind(later(days))
            .bind(placement)
            .execute(&app.db)
            .await
            .unwrap();
        assert_eq!(both().await, expected, "{days} days");
    }
}
