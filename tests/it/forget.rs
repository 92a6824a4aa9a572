//! Anonymisation leaves nothing behind (issue #12): after a station confirms a worker's
//! deletion request, no copy the platform holds names them — the login, the outbox and its
//! `.eml` files, the import reports, what officers and enterprises wrote.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, id_number, spawn_app, vacancy_body, worker_body};

#[tokio::test]
async fn a_confirmed_deletion_erases_every_copy_of_the_person() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, station) = app.station(&admin, "湄潭县劳务站", "st@mt.test").await;
    let (_, hr) = app.verified_employer(&admin, 3).await;
    let mut v = vacancy_body("粤菜厨师");
    v["occupation"] = json!("厨师");
    let vacancy: i64 = app
        .post("/api/v1/vacancies", Some(&hr), &v)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let number = id_number("19910909", 21);
    let phone = "13733334444";
    let mut body = worker_body(&number, phone);
    body["name"] = json!("龙婉清");
    let worker: i64 = app
        .post("/api/v1/workers", None, &body)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let me = app.token(phone, PASSWORD).await;
    // the worker applies: the enterprise is mailed their name and phone (and a .eml is written)
    let r = app
        .post(
            "/api/v1/applications",
            Some(&me),
            &json!({"worker_id": worker, "vacancy_id": vacancy}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let app_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mail_dir = app.data_dir.path().join("mail");
    // up to 60 s: the sender's turn comes later on a loaded machine
    for _ in 0..600 {
        if std::fs::read_dir(&mail_dir).is_ok_and(|d| d.count() > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        std::fs::read_dir(&mail_dir).unwrap().count() > 0,
        "no mail copy written"
    );
    // hired, and an officer writes about them
    let start = laowu::domain::values::fmt_date(laowu::domain::today());
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&hr),
            &json!({"to": "hired", "start_date": start, "wage": 6000, "note": "龙婉清手艺好"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let placement = r.json::<Value>().await.unwrap()["placement_id"]
        .as_i64()
        .unwrap();
    let follow = app
        .count(&format!(
            "select min(id) from follow_ups where placement_id = {placement}"
        ))
        .await;
    let r = app
        .post(
            &format!("/api/v1/followups/{follow}/complete"),
            Some(&station),
            &json!({"method": "phone", "still_employed": true, "problem": "housing",
                    "note": "龙婉清说宿舍太挤，电话13733334444"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // the station imports a ledger naming them (a warning row keeps the whole row in the report)
    let csv = format!(
        "姓名,身份证号码,联系电话,乡镇,村,是否脱贫户,是否监测对象,是否易地搬迁,是否零就业家庭,劳动技能,就业意愿,期望月薪\n\
         龙婉清,{number},{phone},湄江街道,,否,否,是,否,粤菜,厨师,5500\n"
    );
    let html = app.upload_ledger("st@mt.test", &csv).await;
    let imports = app.data_dir.path().join("imports");
    let reports: Vec<String> = std::fs::read_dir(&imports)
        .map(|d| {
            d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    assert!(reports.iter().any(|r| r.contains(&number)), "{html}");

    // a reset code goes to their phone by SMS (a row, a code, a limit, a file)
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": phone}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let sms_dir = app.data_dir.path().join("sms");
    // up to 60 s: the sender's turn comes later on a loaded machine
    for _ in 0..600 {
        if std::fs::read_dir(&sms_dir).is_ok_and(|d| d.count() > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        std::fs::read_dir(&sms_dir).unwrap().count() > 0,
        "no text message written"
    );

    // the worker asks; the station confirms
    let r = app
        .post("/api/v1/me/deletion-request", Some(&me), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r = app
        .post(
            &format!("/api/v1/workers/{worker}/anonymise"),
            Some(&station),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let leaks =
        |text: &str| text.contains("龙婉清") || text.contains(phone) || text.contains(&number);
    use sqlx::Row;
    for (table, cols) in [
        (
            "users",
            "coalesce(display_name, '') || coalesce(email, '') || coalesce(phone, '')",
        ),
        ("outbox", "recipient || subject || body_text || body_html"),
        ("follow_ups", "coalesce(note, '')"),
        ("cases", "description || coalesce(resolution, '')"),
        ("application_events", "note || reason"),
        (
            "workers",
            "name || id_number || phone || coalesce(email, '')",
        ),
        ("sms_outbox", "phone || params || body"),
        ("reset_codes", "phone"),
        ("reset_limits", "phone"),
    ] {
        let rows = sqlx::query(&format!("select {cols} as t from {table}"))
            .fetch_all(&app.db)
            .await
            .unwrap();
        for r in rows {
            let t: String = r.try_get("t").unwrap();
            assert!(!leaks(&t), "{table} still holds: {t}");
        }
    }
    assert_eq!(app.count("select count(*) from reset_codes").await, 0);
    for dir in [&mail_dir, &imports, &sms_dir] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries {
                let path = e.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(!leaks(&text), "{} still holds the person", path.display());
            }
        }
    }
}
