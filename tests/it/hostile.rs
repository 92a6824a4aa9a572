//! Hostile ledger files (issue #12): workbooks written by hand, because no spreadsheet writer
//! produces a lying `<dimension>`, and CSV injection in what the platform writes back.
//! Each file is refused with a Chinese message on the upload page and by `laowu import`, and
//! the server still answers afterwards.

use std::io::Write;

use laowu::domain::id_card::with_check_char;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, browser, spawn_app};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// An .xlsx whose first sheet is `sheet_data` (the inside of `<worksheet>`); style 1 is a date.
fn workbook(sheet_data: &str) -> Vec<u8> {
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            format!(r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>"#),
        ),
        (
            "xl/styles.xml",
            format!(r#"<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<worksheet xmlns="{MAIN}">{sheet_data}</worksheet>"#),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An inline-string cell.
fn text_cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// `A`, `B`, … `KN` for 0-based columns.
fn letters(col: usize) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

const HEADER: [&str; 5] = ["姓名", "身份证号码", "联系电话", "乡镇", "村"];

fn header_row() -> String {
    let cells: String = HEADER
        .iter()
        .enumerate()
        .map(|(c, h)| text_cell(&format!("{}1", letters(c)), h))
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

/// Uploads a file on the station's page; returns the status and the page: for an accepted
/// upload (303 to its import job), the job's page once the job ended.
async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let r = app.post_ledger(&officer, name, bytes).await;
    if r.status() == StatusCode::SEE_OTHER {
        let job = r.headers()["location"].to_str().unwrap().to_owned();
        return (StatusCode::OK, app.wait_job_page(&officer, &job).await);
    }
    (r.status(), r.text().await.unwrap())
}

/// `laowu import workers FILE`; returns (success, stdout, stderr).
fn cli_import(app: &TestApp, name: &str, bytes: &[u8]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_laowu"))
        .args(["import", "workers", file.to_str().unwrap()])
        .args(["--data-dir", app.data_dir.path().to_str().unwrap()])
        .args(["--database-url", &app.database_url])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn assert_alive(app: &TestApp) {
    let r = app.api.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// Refused by the import job (its page says 导入失败 with `words` in the alert) and by the
/// command line, nothing imported, and the server still answers.
async fn assert_refused(app: &TestApp, bytes: Vec<u8>, words: &[&str]) {
    let (status, html) = upload(app, "台账.xlsx", bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("导入失败"), "{html}");
    let alert = html
        .split(r#"<div class="alert" role="alert">"#)
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("no alert on the page: {html}"));
    for w in words {
        assert!(alert.contains(w), "{w} missing in: {alert}");
    }
    let (ok, _, stderr) = cli_import(app, "台账.xlsx", &bytes);
    assert!(!ok);
    for w in words {
        assert!(stderr.contains(w), "{w} missing in: {stderr}");
    }
    assert_eq!(app.count("select count(*) from workers").await, 0);
    assert_alive(app).await;
}

async fn app_with_station() -> TestApp {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.station(&admin, "湄潭县工作站", "st@test.local").await;
    app
}

#[tokio::test]
async fn a_sheet_claiming_every_row_and_column_is_refused_and_the_server_lives_on() {
    let app = app_with_station().await;
    // 5 KB that made calamine's dense range ask for 512 GiB: the process aborted
    let corners = workbook(&format!(
        r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData>"#,
        text_cell("A1", "姓名"),
        text_cell("XFD1048576", "x"),
    ));
    assert!(corners.len() < 5_000);
    assert_refused(&app, corners, &["200 列", "XFD1048576"]).await;
    // the same claim over an ordinary small ledger: mostly air, refused too
    let claim = workbook(&format!(
        r#"<dimension ref="A1:XFD1048576"/><sheetData>{}</sheetData>"#,
        header_row()
    ));
    assert_refused(&app, claim, &["声明的区域 A1:XFD1048576", "只有 5 个"]).await;
    // two cells a million rows apart, within 200 columns: the used range is mostly air
    let tall = workbook(&format!(
        r#"<sheetData>{}<row r="1048576">{}</row></sheetData>"#,
        header_row(),
        text_cell("E1048576", "x"),
    ));
    assert_refused(&app, tall, &["已用区域 A1:E1048576"]).await;
}

#[tokio::test]
async fn a_reversed_dimension_is_refused_not_a_crash() {
    let app = app_with_station().await;
    // calamine subtracts the corners: with overflow checks (debug builds) it panics inside the
    // reader, which runs on a blocking thread, so the panic is one more refusal
    let bytes = workbook(&format!(
        r#"<dimension ref="XFD1048576:A1"/><sheetData>{}</sheetData>"#,
        header_row()
    ));
    assert_refused(&app, bytes, &["表格"]).await;
}

#[tokio::test]
async fn a_sheet_with_300_columns_is_refused() {
    let app = app_with_station().await;
    let cells: String = (0..300)
        .map(|c| text_cell(&format!("{}1", letters(c)), &format!("列{c}")))
        .collect();
    let wide = workbook(&format!(
        r#"<sheetData><row r="1">{cells}</row></sheetData>"#
    ));
    assert_refused(&app, wide, &["200 列", "GS1"]).await;
}

#[tokio::test]
async fn a_date_cell_holding_1e15_is_refused_by_name() {
    let app = app_with_station().await;
    // time::Duration::days overflowed on this and panicked inside the request
    let id = with_check_char("52032819900101001");
    let bytes = workbook(&format!(
        r#"<sheetData>{}<row r="2">{}<c r="C2" s="1"><v>1E+15</v></c>{}</row></sheetData>"#,
        header_row(),
        text_cell("A2", "王小明") + &text_cell("B2", &id),
        text_cell("D2", "湄江街道"),
    ));
    assert_refused(&app, bytes, &["C2", "不是有效的日期"]).await;
}

#[tokio::test]
async fn old_xls_files_are_refused_with_a_way_out() {
    let app = app_with_station().await;
    let (status, html) = upload(
        &app,
        "台账.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("导入失败") && html.contains("另存为"),
        "{html}"
    );
    assert_alive(&app).await;
}

#[tokio::test]
async fn formulas_in_the_rejected_rows_and_in_exports_are_quoted() {
    let app = app_with_station().await;
    let text = format!(
        "姓名,身份证号码,联系电话,乡镇,村,劳动技能,就业意愿,期望月薪\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",{},13900000001,湄江街道,,电工,普工,5000\n\
         田一,{},13900000002,湄江街道,,=1+2,-2+3,5000\n",
        with_check_char("52032819900101001"),
        with_check_char("52032819900101002"),
    );
    let (status, html) = upload(&app, "台账.csv", text.into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("新增 1 行") && html.contains("拒绝 1 行"),
        "{html}"
    );
    let officer = browser();
    app.browser_login(&officer, "st@test.local", PASSWORD).await;
    let start = html.find("/station/imports/").expect("a report link");
    let link: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let report = officer.get(app.url(&link)).send().await.unwrap();
    let report = report.text().await.unwrap();
    assert!(
        report.contains(r#""'=HYPERLINK(""http://evil.example"",""点我"")""#),
        "{report}"
    );
    let export = officer
        .get(app.url("/exports/workers.csv"))
        .send()
        .await
        .unwrap();
    let export = export.text().await.unwrap();
    assert!(export.contains(",'=1+2,'-2+3,5000,"), "{export}");
}
