//! SMS (issue 16): a local stand-in for Aliyun's SendSms endpoint that checks every request's
//! signature exactly as the provider does (HMAC-SHA1 over the sorted, POP-encoded parameters,
//! signature version 1.0) and answers `{"Code":"OK"}` only when it matches; the messages of
//! each kind reaching it; a wrong secret refused and retried, never marked sent; the files
//! transport writing one JSON per message, once, also after a restart; a worker who turned
//! messages off still getting the reset code.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use hmac::Mac;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, id_number, spawn_app, spawn_app_with, vacancy_body, worker_body,
};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub valid: bool,
    pub params: BTreeMap<String, String>,
}

/// The stand-in for `dysmsapi.aliyuncs.com`.
pub struct Receiver {
    pub port: u16,
    pub hits: Arc<Mutex<Vec<Hit>>>,
}

/// Aliyun's percent-encoding of one key or value (RFC 3986 unreserved characters kept).
fn pop(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What the provider computes for a request: `POST&%2F&pop(k1=v1&k2=v2…)` (keys sorted,
/// `Signature` left out), HMAC-SHA1 keyed with `SECRET&`, base64.
fn expected_signature(params: &BTreeMap<String, String>, secret: &str) -> String {
    let canonical = params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", pop(k), pop(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("POST&{}&{}", pop("/"), pop(&canonical));
    let mut mac =
        hmac::Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl Receiver {
    pub async fn start(key_id: &'static str, secret: &'static str) -> Self {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let seen_nonces: Arc<Mutex<Vec<String>>> = Arc::default();
        let h = hits.clone();
        let handler = move |body: String| {
            let hits = h.clone();
            let nonces = seen_nonces.clone();
            async move {
                let params: BTreeMap<String, String> = form_urlencoded::parse(body.as_bytes())
                    .into_owned()
                    .collect();
                let get = |k: &str| params.get(k).cloned().unwrap_or_default();
                let fresh_nonce = {
                    let mut n = nonces.lock().unwrap();
                    let nonce = get("SignatureNonce");
                    let fresh = !nonce.is_empty() && !n.contains(&nonce);
                    n.push(nonce);
                    fresh
                };
                let ts_ok = time::OffsetDateTime::parse(
                    &get("Timestamp"),
                    &time::format_description::well_known::Rfc3339,
                )
                .is_ok_and(|t| {
                    (time::OffsetDateTime::now_utc() - t).abs() < time::Duration::minutes(15)
                });
                let valid = get("Signature") == expected_signature(&params, secret)
                    && get("AccessKeyId") == key_id
                    && get("Action") == "SendSms"
                    && get("Version") == "2017-05-25"
                    && get("SignatureMethod") == "HMAC-SHA1"
                    && get("SignatureVersion") == "1.0"
                    && get("Format") == "JSON"
                    && !get("RegionId").is_empty()
                    && !get("PhoneNumbers").is_empty()
                    && !get("SignName").is_empty()
                    && !get("TemplateCode").is_empty()
                    && serde_json::from_str::<Value>(&get("TemplateParam"))
                        .is_ok_and(|v| v.is_object())
                    && fresh_nonce
                    && ts_ok;
                hits.lock().unwrap().push(Hit { valid, params });
                if valid {
                    (
                        StatusCode::OK,
                        axum::Json(json!({"Code": "OK", "Message": "OK", "BizId": "1"})),
                    )
                } else {
                    (
                        StatusCode::BAD_REQUEST,
                        axum::Json(
                            json!({"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}),
                        ),
                    )
                }
            }
        };
        let router = axum::Router::new().route("/", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        Self { port, hits }
    }

    pub fn valid(&self) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.valid)
            .cloned()
            .collect()
    }

    pub fn all(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until `n` valid messages arrived.
    pub async fn wait_valid(&self, n: usize) -> Vec<Hit> {
        for _ in 0..200 {
            if self.valid().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.valid()
    }
}

/// The templates file: one code per kind.
fn templates_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("sms-templates.txt");
    std::fs::write(
        &path,
        "# kind=TemplateCode\ninvitation=SMS_100001\nhire=SMS_100002\ncourse_confirmed=SMS_100003\n\
         event_signup=SMS_100004\nevent_reminder=SMS_100005\nreset_code=SMS_100006\nproblem_reported=SMS_100007\n",
    )
    .unwrap();
    path
}

async fn aliyun_app(
    receiver: &Receiver,
    key: &str,
    secret: &str,
    dir: &std::path::Path,
) -> TestApp {
    let url = format!(
        "aliyun://{key}:{secret}@127.0.0.1:{}?sign=%E6%96%97%E9%97%A8%E6%B9%84%E6%BD%AD%E5%8A%B3%E5%8A%A1&tls=0",
        receiver.port
    );
    let templates = templates_file(dir);
    spawn_app_with(None, move |c| {
        c.sms_url = Some(url);
        c.sms_templates = Some(templates);
    })
    .await
}

async fn id_of(r: reqwest::Response) -> i64 {
    assert!(r.status().is_success(), "{}", r.status());
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// An enterprise with a cook's job and a self-registered cook with a login.
struct Kitchen {
    admin: String,
    hr: String,
    vacancy_id: i64,
    worker_id: i64,
    worker: String,
}

const PHONE: &str = "13712345678";

async fn kitchen(app: &TestApp) -> Kitchen {
    let admin = app.admin().await;
    let (_, hr) = app.verified_employer(&admin, 7).await;
    let mut v = vacancy_body("粤菜厨师");
    v["occupation"] = json!("厨师");
    let vacancy_id = id_of(app.post("/api/v1/vacancies", Some(&hr), &v).await).await;
    let worker_id = id_of(
        app.post(
            "/api/v1/workers",
            None,
            &worker_body(&id_number("19900505", 5), PHONE),
        )
        .await,
    )
    .await;
    let worker = app.token(PHONE, PASSWORD).await;
    app.wait_indexed().await;
    Kitchen {
        admin,
        hr,
        vacancy_id,
        worker_id,
        worker,
    }
}

/// Invitation, acceptance, hire, a course place, a reset code: four messages to the worker.
async fn events_for_the_worker(app: &TestApp, k: &Kitchen) {
    let app_id = id_of(
        app.post(
            "/api/v1/applications",
            Some(&k.hr),
            &json!({"worker_id": k.worker_id, "vacancy_id": k.vacancy_id}),
        )
        .await,
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&k.worker),
            &json!({"to": "applied"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let start = laowu::domain::values::fmt_date(laowu::domain::today());
    let r = app
        .post(
            &format!("/api/v1/applications/{app_id}/transition"),
            Some(&k.hr),
            &json!({"to": "hired", "start_date": start, "wage": 6000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, trainer) = app.trainer(&k.admin, "px1@test.local").await;
    let day =
        |n: i64| laowu::domain::values::fmt_date(laowu::domain::today() + time::Duration::days(n));
    let course = id_of(
        app.post(
            "/api/v1/courses",
            Some(&trainer),
            &json!({"programme": "cantonese-chef", "title": "粤菜师傅培训班", "occupation": "中式烹调师",
                    "level": "四级", "start_date": day(3), "end_date": day(20), "place": "斗门区井岸镇", "capacity": 20}),
        )
        .await,
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/courses/{course}/enrollments"),
            Some(&k.admin),
            &json!({"worker_id": k.worker_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn every_kind_reaches_the_provider_with_a_valid_signature() {
    let receiver = Receiver::start("LTAI-test-key", "test-secret/+=").await;
    let dir = tempfile::tempdir().unwrap();
    let app = aliyun_app(
        &receiver,
        "LTAI-test-key",
        "test-secret%2F%2B%3D",
        dir.path(),
    )
    .await;
    let k = kitchen(&app).await;
    events_for_the_worker(&app, &k).await;
    let hits = receiver.wait_valid(4).await;
    assert_eq!(hits.len(), 4, "{:?}", receiver.all());
    assert!(
        receiver.all().iter().all(|h| h.valid),
        "{:?}",
        receiver.all()
    );
    let codes: Vec<&str> = hits
        .iter()
        .map(|h| h.params["TemplateCode"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["SMS_100001", "SMS_100002", "SMS_100003", "SMS_100006"]
    );
    for h in &hits {
        assert_eq!(h.params["PhoneNumbers"], PHONE);
        assert_eq!(h.params["SignName"], "斗门湄潭劳务");
        assert!(h.params["OutId"].starts_with("laowu-sms-"));
    }
    let hire: Value = serde_json::from_str(&hits[1].params["TemplateParam"]).unwrap();
    assert!(
        hire["employer"].as_str().unwrap().contains("有限公司")
            || !hire["employer"].as_str().unwrap().is_empty()
    );
    assert!(hire["date"].as_str().unwrap().len() == 10);
    // the reset code from the provider's request gets the worker back in
    let code: Value = serde_json::from_str(&hits[3].params["TemplateParam"]).unwrap();
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    let r = app
        .post(
            "/api/v1/auth/reset",
            None,
            &json!({"phone": PHONE, "code": code, "password": "Meitan-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // every earlier token is over; the new password works
    assert_eq!(
        app.get("/api/v1/me/data", Some(&k.worker)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let _ = app.token(PHONE, "Meitan-2027").await;
    // sent once: nothing more arrives
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.all().len(), 4);
    assert_eq!(
        app.count("select count(*) from sms_outbox where sent_at is null")
            .await,
        0
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused_and_the_message_stays_unsent() {
    let receiver = Receiver::start("LTAI-test-key", "the-right-secret").await;
    let dir = tempfile::tempdir().unwrap();
    let app = aliyun_app(&receiver, "LTAI-test-key", "a-wrong-secret", dir.path()).await;
    let admin = app.admin().await;
    let (_, station) = app
        .station(&admin, "湄潭县驻斗门工作站", "st@test.local")
        .await;
    app.station_worker(&station, &id_number("19900101", 9), PHONE, true)
        .await;
    let r = app
        .post("/api/v1/auth/reset-code", None, &json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    for _ in 0..100 {
        if !receiver.all().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = receiver.all();
    assert!(!all.is_empty(), "the provider was called");
    assert!(
        all.iter().all(|h| !h.valid),
        "a wrong secret never passes the check"
    );
    assert_eq!(
        app.count("select count(*) from sms_outbox where sent_at is not null")
            .await,
        0
    );
    assert_eq!(
        app.count("select count(*) from sms_outbox where attempts >= 1 and failed_at is null and last_error like '%SignatureDoesNotMatch%'")
            .await,
        1,
        "refused, kept for another try"
    );
}

fn sms_files(dir: &std::path::Path) -> Vec<Value> {
    let mut names: Vec<_> = std::fs::read_dir(dir.join("sms"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "json"));
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

async fn wait_files(dir: &std::path::Path, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        if sms_files(dir).len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sms_files(dir)
}

#[tokio::test]
async fn files_hold_one_message_each_once_even_after_a_restart() {
    let app = spawn_app().await;
    let k = kitchen(&app).await;
    events_for_the_worker(&app, &k).await;
    let files = wait_files(app.data_dir.path(), 4).await;
    assert_eq!(files.len(), 4);
    let kinds: Vec<&str> = files
        .iter()
        .map(|f| f["template"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["invitation", "hire", "course_confirmed", "reset_code"]
    );
    for f in &files {
        assert_eq!(f["phone"], PHONE);
        let text = f["text"].as_str().unwrap();
        assert!(text.chars().count() <= 90, "{text}");
    }
    assert!(files[1]["text"].as_str().unwrap().contains("上岗"));
    assert!(std::path::Path::new(&app.data_dir.path().join("sms/sms-00000001.json")).exists());
    // a second server on the same database sends nothing again
    let again = spawn_app_with(Some(app.database_url.clone()), |_| {}).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(sms_files(again.data_dir.path()).is_empty());
    assert_eq!(sms_files(app.data_dir.path()).len(), 4);
}

#[tokio::test]
async fn a_worker_who_turned_messages_off_still_gets_the_reset_code() {
    let app = spawn_app().await;
    let k = kitchen(&app).await;
    let r = app
        .put(
            "/api/v1/me/sms",
            Some(&k.worker),
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    events_for_the_worker(&app, &k).await;
    let files = wait_files(app.data_dir.path(), 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let files = if files.len() == 1 {
        sms_files(app.data_dir.path())
    } else {
        files
    };
    let kinds: Vec<&str> = files
        .iter()
        .map(|f| f["template"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["reset_code"]);
}
