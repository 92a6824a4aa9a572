//! The ledger in (CSV in GBK, xlsx upload, broken rows, re-import) and the figures out (JSON,
//! workbook read back, dashboard, exports).

use std::io::Write;

use calamine::{Data, Reader};
use laowu::domain::id_card::with_check_char;
use laowu::domain::region::{MEITAN, regions};
use laowu::domain::today;
use laowu::domain::values::fmt_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, browser, spawn_app};

const HEADER: &str = "序号,姓名,身份证号码,联系电话,乡镇,村,是否脱贫户,是否监测对象,是否易地搬迁,是否零就业家庭,劳动技能,就业意愿,期望月薪,务工状态,务工地点,月收入,备注";

const NAME_CHARS: &str = "一二三四五六七八九春夏秋冬东南西北金木水火土天地人和平安乐华兴旺";

/// 300 good rows over Meitan's townships and villages, then the broken ones.
fn ledger(n: usize) -> (String, usize) {
    let towns = regions().townships_of(MEITAN);
    let mut lines = vec![HEADER.to_owned()];
    for i in 0..n {
        let t = towns[i % towns.len()];
        let village = regions()
            .villages_of(&t.code)
            .first()
            .map(|v| v.short_name.clone())
            .unwrap_or_default();
        let id = with_check_char(&format!(
            "520328{}{:02}{:02}{:03}",
            1970 + i % 35,
            1 + i % 12,
            1 + i % 28,
            i % 1000
        ));
        let relocated = if i % 10 == 5 { "是" } else { "否" };
        lines.push(format!(
            "{},冉{}{},{id},139{:08},{},{village},{},否,{relocated},否,电子装配,普工,5000,{},{},{},",
            i + 1,
            ["明", "芳", "勇", "霞"][i % 4],
            NAME_CHARS.chars().nth(i % NAME_CHARS.chars().count()).unwrap_or('华'),
            10_000_000 + i,
            t.name,
            if i % 3 == 0 { "是" } else { "否" },
            if i % 2 == 0 { "省外务工" } else { "" },
            if i % 2 == 0 { "广东省珠海市斗门区" } else { "" },
            if i % 2 == 0 { "5200" } else { "" },
        ));
    }
    let good_dup = lines[1].clone();
    let broken = [
        // wrong check digit
        format!(
            "901,王错号,{},13900000001,湄江街道,,否,否,否,否,,,,,,,",
            "520328199001010010"
        ),
        // bad phone
        format!(
            "902,王电话,{},12345,湄江街道,,否,否,否,否,,,,,,,",
            with_check_char("52032819900101002")
        ),
        // unknown township
        format!(
            "903,王乡镇,{},13900000003,火星镇,,否,否,否,否,,,,,,,",
            with_check_char("52032819900101003")
        ),
        // a flag that is neither 是 nor 否
        format!(
            "904,王标志,{},13900000004,永兴镇,,也许,否,否,否,,,,,,,",
            with_check_char("52032819900101004")
        ),
        // no labour capacity but working → DQ102 error (labour capacity via 备注 is ignored; see the xlsx test)
        String::new(),
        // the first row again
        good_dup,
        String::new(),
    ];
    let rejected = 5; // four broken + the duplicate
    lines.extend(broken);
    (lines.join("\r\n"), rejected)
}

fn write_gbk(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    path
}

fn run_import(app: &TestApp, file: &std::path::Path) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"))
        .args(["import", "workers", file.to_str().unwrap()])
        .args([
            "--data-dir",
            app.data_dir.path().to_str().unwrap(),
            "--database-url",
            &app.database_url,
        ])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_gbk_ledger_with_broken_rows_imports_once() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (text, rejected) = ledger(300);
    let file = write_gbk(dir.path(), "湄潭台账.csv", &text);
    let (ok, stdout, stderr) = run_import(&app, &file);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("新增 300 行，更新 0 行，未变化 0 行"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("拒绝 {rejected} 行")), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "imported=300 updated=0 unchanged=0 rejected={rejected}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("已忽略未知列：备注"), "{stdout}");
    assert_eq!(app.count("select count(*) from workers").await, 300);
    // the report next to the file: row number, column, reason
    let report = std::fs::read_to_string(dir.path().join("湄潭台账.rejected.csv")).unwrap();
    assert!(
        report.contains("302,身份证号码,拒绝,,身份证号码的校验位不对"),
        "{report}"
    );
    assert!(report.contains("联系电话,拒绝"));
    assert!(report.contains("找不到乡镇“火星镇”"));
    assert!(report.contains("是否脱贫户"));
    assert!(report.contains("与第2行的身份证号码重复"));
    // village names resolved to village codes, flags read
    let village_level = app
        .count("select count(*) from workers where length(hometown_code) = 12")
        .await;
    assert_eq!(village_level, 300);
    assert_eq!(
        app.count("select count(*) from workers where relocated = true")
            .await,
        30
    );

    // the same file again changes nothing
    let before = app.count("select count(*) from search_changes").await;
    let (ok, stdout, _) = run_import(&app, &file);
    assert!(ok);
    assert!(
        stdout.contains("新增 0 行，更新 0 行，未变化 300 行"),
        "{stdout}"
    );
    assert_eq!(app.count("select count(*) from workers").await, 300);
    assert_eq!(
        app.count("select count(*) from search_changes").await,
        before
    );

    // a corrected phone updates, never duplicates
    let changed = text.replacen("13910000000", "13810000000", 1);
    let file2 = write_gbk(dir.path(), "台账2.csv", &changed);
    let (_, stdout, _) = run_import(&app, &file2);
    assert!(stdout.contains("新增 0 行，更新 1 行"), "{stdout}");

    // data quality: relocated households with nobody working raise the alarm
    let alarms = app
        .count("select count(*) from quality_findings where rule = 'DQ105'")
        .await;
    assert!(alarms > 0);
}

#[tokio::test]
async fn a_station_uploads_an_xlsx_ledger_and_sees_the_quality_rules() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县工作站", "st@test.local").await;
    // an xlsx with a header the platform knows and a few rules to trip
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = [
        "姓名",
        "身份证号码",
        "联系电话",
        "乡镇",
        "村",
        "是否脱贫户",
        "是否监测对象",
        "是否易地搬迁",
        "是否零就业家庭",
        "劳动技能",
        "就业意愿",
        "期望月薪",
        "劳动能力",
        "务工状态",
        "务工地点",
        "月收入",
        "户编号",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "田一",
            &with_check_char("52032819800101001"),
            "13700000001",
            "永兴镇",
            "",
            "是",
            "否",
            "否",
            "否",
            "砌墙",
            "建筑工",
            "6000",
            "普通劳动力",
            "省外务工",
            "广东",
            "5000",
            "H1",
        ],
        [
            "田二",
            &with_check_char("52032819800101002"),
            "13700000002",
            "永兴镇",
            "",
            "否",
            "否",
            "否",
            "否",
            "",
            "",
            "",
            "无劳动能力",
            "省外务工",
            "广东省珠海市斗门区",
            "3000",
            "H2",
        ],
        [
            "田三",
            &with_check_char("52032819800101003"),
            "13700000003",
            "永兴镇",
            "",
            "否",
            "否",
            "否",
            "否",
            "",
            "",
            "",
            "普通劳动力",
            "县外务工",
            "浙江省宁波市北仑区",
            "300",
            "H3",
        ],
        [
            "田四",
            &with_check_char("52032819800101004"),
            "13700000004",
            "复兴镇",
            "",
            "否",
            "否",
            "是",
            "否",
            "",
            "",
            "",
            "普通劳动力",
            "未就业",
            "",
            "",
            "H4",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let html = app.import_via_page(&officer, "台账.xlsx", bytes).await;
    assert!(html.contains("新增 3 行"), "{html}");
    assert!(html.contains("拒绝 1 行"), "{html}");
    assert!(html.contains("DQ102"), "{html}");
    assert!(html.contains("务工地点"), "{html}");
    assert!(html.contains("/station/imports/"));
    let link_start = html.find("/station/imports/").unwrap();
    let link: String = html[link_start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let csv = officer.get(app.url(&link)).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.text().await.unwrap().contains("无劳动能力"));
    // the imported rows are the station's caseload; the rules show on its dashboard
    let html = officer
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg"));
    for rule in ["DQ101", "DQ104", "DQ105"] {
        assert!(html.contains(rule), "{rule} missing");
    }
    // exports are written to the audit log
    let r = officer
        .get(app.url("/exports/workers.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(text.contains("田一"));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'export'")
            .await,
        1
    );
    let r = officer
        .get(app.url("/exports/workers.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
}

#[tokio::test]
async fn the_monthly_figures_add_up_and_the_workbook_reads_back() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (text, _) = ledger(40);
    let (ok, _, stderr) = run_import(&app, &write_gbk(dir.path(), "l.csv", &text));
    assert!(ok, "{stderr}");
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭站", "s@test.local").await;
    let (_, hr) = app.verified_employer(&admin, 80).await;
    // two vacancies posted this month, three hires this month (two in Doumen, one near home)
    let mut job = crate::helpers::vacancy_body("电子厂普工");
    job["headcount"] = json!(2);
    let v1 = app
        .post("/api/v1/vacancies", Some(&hr), &job)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut near = crate::helpers::vacancy_body("茶叶加工");
    near["town_code"] = json!("520328101");
    near["assistance_workshop"] = json!(true);
    let v2 = app
        .post("/api/v1/vacancies", Some(&hr), &near)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // a 福贡 worker hired in a 福贡 帮扶车间: 县内 for them (it was lost from every row once)
    let mut fugong_job = crate::helpers::vacancy_body("扶贫车间手工");
    fugong_job["town_code"] = json!("533323101");
    fugong_job["assistance_workshop"] = json!(true);
    let v3 = app
        .post("/api/v1/vacancies", Some(&hr), &fugong_job)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut fw =
        crate::helpers::worker_body(&crate::helpers::id_number("19900909", 77), "13512345678");
    fw["hometown_code"] = json!("533323101");
    fw.as_object_mut().unwrap().remove("password");
    let r = app.post("/api/v1/workers", Some(&admin), &fw).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let fugong_worker = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let start = fmt_date(today());
    for (worker, vacancy) in [(1, v1), (2, v1), (3, v2), (fugong_worker, v3)] {
        let a = app
            .post(
                "/api/v1/applications",
                Some(&admin),
                &json!({"worker_id": worker, "vacancy_id": vacancy}),
            )
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = app
            .post(
                &format!("/api/v1/applications/{a}/transition"),
                Some(&hr),
                &json!({"to": "hired", "start_date": start, "wage": 5000}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let _ = station;
    let month = format!("{:04}-{:02}", today().year(), today().month() as u8);
    let r = app
        .get(
            &format!("/api/v1/reports/monthly?month={month}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    // the 40 ledger rows and the 福贡 worker
    assert_eq!(v["registrations"]["total"]["month"], 41);
    assert_eq!(v["registrations"]["relocated"]["month"], 4);
    assert_eq!(v["registrations"]["poverty_alleviated"]["month"], 15);
    let towns: i64 = v["registrations"]["by_township"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["month"].as_i64().unwrap())
        .sum();
    assert_eq!(towns, 41);
    assert_eq!(v["placements"]["total"]["month"], 4);
    assert_eq!(v["placements"]["guangdong"]["month"], 2);
    assert_eq!(
        v["placements"]["in_county"]["month"], 2,
        "{}",
        v["placements"]
    );
    // the destination rows always add up to the total
    let rows: i64 = ["guangdong", "east_other", "in_province", "in_county"]
        .iter()
        .map(|k| v["placements"][k]["ytd"].as_i64().unwrap())
        .sum();
    assert_eq!(rows, v["placements"]["total"]["ytd"].as_i64().unwrap());
    // hires of 脱贫 workers: ledger worker 1 (every third row) and the 福贡 worker
    assert_eq!(
        v["placements"]["poverty_alleviated"]["month"], 2,
        "{}",
        v["placements"]
    );
    // per county
    let county = |code: &str| {
        v["counties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(county("520328")["placements"]["month"], 3);
    assert_eq!(county("533323")["placements"]["month"], 1);
    assert_eq!(county("533323")["registrations"]["month"], 1);
    // vacancy records and the places they offer
    assert_eq!(v["vacancies"]["posted"]["month"], 3);
    assert_eq!(v["vacancies"]["places_posted"]["month"], 2 + 5 + 5);
    assert_eq!(v["vacancies"]["vacancies_filled"]["month"], 1);
    assert_eq!(
        app.get("/api/v1/reports/monthly?month=2026-13", Some(&admin))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get("/api/v1/reports/monthly", Some(&hr)).await.status(),
        StatusCode::FORBIDDEN
    );

    // the workbook: by route, and by the command line
    let r = app
        .get(
            &format!("/reports/monthly.xlsx?month={month}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["月报", "按乡镇", "培训", "稳岗"]);
    let sheet = wb.worksheet_range("月报").unwrap();
    assert_eq!(sheet.get_value((3, 0)), Some(&Data::String("指标".into())));
    assert_eq!(
        sheet.get_value((4, 0)),
        Some(&Data::String("登记务工人员（人）".into()))
    );
    assert_eq!(sheet.get_value((4, 1)), Some(&Data::Float(41.0)));
    assert_eq!(sheet.get_value((9, 1)), Some(&Data::Float(4.0)));
    let out = dir.path().join("月报.xlsx");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"))
        .args([
            "report",
            "monthly",
            "--month",
            &month,
            "--out",
            out.to_str().unwrap(),
            "--database-url",
            &app.database_url,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let towns = wb.worksheet_range("按乡镇").unwrap();
    assert_eq!(towns.get_value((2, 0)), Some(&Data::String("乡镇".into())));
    // and the admin's page
    let admin_page = browser();
    app.browser_login(&admin_page, "admin@test.local", PASSWORD)
        .await;
    let html = admin_page
        .get(app.url(&format!("/reports/monthly?month={month}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("实现就业"));
}
