//! Text messages to workers: rows written to `sms_outbox` in the event's transaction (see
//! [`crate::db::sms`]) and delivered by the [`SmsSender`] task, like mail: a lease per row,
//! retries with back-off, marked sent after delivery. Transports: JSON files
//! (`DATA_DIR/sms/sms-NNNNNNNN.json`, the default) or the Aliyun SMS `SendSms` RPC API
//! (`LAOWU_SMS_URL=aliyun://KEY:SECRET@HOST:PORT?sign=…&tls=0`), signed with HMAC-SHA1
//! (signature version 1.0) as Aliyun documents it. Each row carries a stable key
//! ([`message_key`], sent as `OutId`) so that a repeat after a crash can be recognised.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::Db;
use crate::db::sms::{self, PendingSms};
use crate::mail::instant_in;

/// The kinds of message, each with its template code in `LAOWU_SMS_TEMPLATES`.
pub const KINDS: [&str; 7] = [
    "invitation",
    "hire",
    "course_confirmed",
    "event_signup",
    "event_reminder",
    "reset_code",
    "problem_reported",
];

/// Attempts before a message is given up.
const MAX_ATTEMPTS: i64 = 8;
/// How long a claim holds.
pub const LEASE_SECS: i64 = 120;
/// The sign name when the URL gives none.
pub const DEFAULT_SIGN: &str = "劳务协作平台";

/// The stable key of a row: the same for every delivery of the row.
pub fn message_key(id: i64, created_at: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(created_at.as_bytes());
    format!("laowu-sms-{id}-{}", hex::encode(&digest[..4]))
}

/// Aliyun's POP percent-encoding: UTF-8, every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`
/// (so a space is `%20`, `*` is `%2A`, `~` stays).
pub fn pop_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The signature of an RPC request (signature version 1.0): HMAC-SHA1 with `SECRET&` over
/// `METHOD&%2F&encode(sorted, encoded query)`, base64.
pub fn rpc_signature(method: &str, params: &[(String, String)], secret: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut sorted: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (pop_encode(k), pop_encode(v)))
        .collect();
    sorted.sort();
    let canonical = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("{method}&{}&{}", pop_encode("/"), pop_encode(&canonical));
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes any key");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The Aliyun endpoint and credentials from `LAOWU_SMS_URL`.
#[derive(Clone)]
pub struct Aliyun {
    pub key_id: String,
    secret: String,
    pub endpoint: String,
    pub sign: String,
    pub region: String,
}

impl std::fmt::Debug for Aliyun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aliyun")
            .field("key_id", &self.key_id)
            .field("endpoint", &self.endpoint)
            .field("sign", &self.sign)
            .finish_non_exhaustive()
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Aliyun {
    /// Parses `aliyun://KEY:SECRET@HOST:PORT?sign=…&tls=0&region=…`.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let u = reqwest::Url::parse(url).context("LAOWU_SMS_URL is not a URL")?;
        anyhow::ensure!(
            u.scheme() == "aliyun",
            "LAOWU_SMS_URL must start with aliyun://"
        );
        let host = u.host_str().context("LAOWU_SMS_URL has no host")?;
        let key_id = percent_decode(u.username());
        let secret = percent_decode(u.password().unwrap_or(""));
        anyhow::ensure!(
            !key_id.is_empty() && !secret.is_empty(),
            "LAOWU_SMS_URL needs ACCESS_KEY_ID:ACCESS_KEY_SECRET@"
        );
        let q: HashMap<String, String> = u.query_pairs().into_owned().collect();
        let tls = q.get("tls").is_none_or(|v| v != "0");
        let scheme = if tls { "https" } else { "http" };
        let endpoint = match u.port() {
            Some(p) => format!("{scheme}://{host}:{p}/"),
            None => format!("{scheme}://{host}/"),
        };
        Ok(Self {
            key_id,
            secret,
            endpoint,
            sign: q
                .get("sign")
                .filter(|s| !s.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| DEFAULT_SIGN.to_owned()),
            region: q
                .get("region")
                .cloned()
                .unwrap_or_else(|| "cn-hangzhou".to_owned()),
        })
    }

    /// The signed form of one `SendSms` call.
    pub fn form(
        &self,
        phone: &str,
        template_code: &str,
        params_json: &str,
        out_id: &str,
        nonce: &str,
        timestamp: &str,
    ) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = [
            ("AccessKeyId", self.key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("RegionId", self.region.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp),
            ("Version", "2017-05-25"),
            ("PhoneNumbers", phone),
            ("SignName", self.sign.as_str()),
            ("TemplateCode", template_code),
            ("TemplateParam", params_json),
            ("OutId", out_id),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let sig = rpc_signature("POST", &p, &self.secret);
        p.push(("Signature".to_owned(), sig));
        p
    }
}

/// Where messages go.
pub enum SmsTransport {
    Files(PathBuf),
    Aliyun {
        api: Aliyun,
        client: reqwest::Client,
    },
}

/// Reads `kind=TemplateCode` lines; warns about every kind without a line.
pub fn load_templates(path: Option<&std::path::Path>) -> anyhow::Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    if let Some(path) = path {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading LAOWU_SMS_TEMPLATES {}", path.display()))?;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let (k, v) = (k.trim(), v.trim());
                if KINDS.contains(&k) && !v.is_empty() {
                    map.insert(k.to_owned(), v.to_owned());
                } else {
                    tracing::warn!(line, "LAOWU_SMS_TEMPLATES: line ignored");
                }
            }
        }
    }
    Ok(map)
}

/// Delivers the SMS outbox.
pub struct SmsSender {
    db: Db,
    transport: SmsTransport,
    templates: HashMap<String, String>,
    sign: String,
    owner: String,
    wake: Notify,
}

impl SmsSender {
    pub fn new(db: Db, config: &Config) -> anyhow::Result<Arc<Self>> {
        let templates = load_templates(config.sms_templates.as_deref())?;
        let (transport, sign) = match config.sms_url.as_deref() {
            Some(url) => {
                let api = Aliyun::parse(url)?;
                for kind in KINDS {
                    if !templates.contains_key(kind) {
                        tracing::warn!(
                            kind,
                            "LAOWU_SMS_TEMPLATES has no template code for this kind: its messages are not sent"
                        );
                    }
                }
                let sign = api.sign.clone();
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .context("building the SMS HTTP client")?;
                (SmsTransport::Aliyun { api, client }, sign)
            }
            None => (
                SmsTransport::Files(config.data_dir.join("sms")),
                DEFAULT_SIGN.to_owned(),
            ),
        };
        Ok(Arc::new(Self {
            db,
            transport,
            templates,
            sign,
            owner: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            wake: Notify::new(),
        }))
    }

    /// Asks the task to run now (after a write).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    async fn deliver(&self, p: &PendingSms) -> anyhow::Result<()> {
        let key = message_key(p.id, &p.created_at);
        match &self.transport {
            SmsTransport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .context("creating the sms folder")?;
                let params: serde_json::Value =
                    serde_json::from_str(&p.params).unwrap_or(serde_json::Value::Null);
                let doc = serde_json::json!({
                    "phone": p.phone,
                    "template": p.kind,
                    "template_code": self.templates.get(&p.kind),
                    "params": params,
                    "text": format!("【{}】{}", self.sign, p.body),
                    "key": key,
                });
                let tmp = dir.join(format!(".sms-{}.json.tmp", p.id));
                tokio::fs::write(&tmp, serde_json::to_vec_pretty(&doc)?)
                    .await
                    .context("writing the sms file")?;
                tokio::fs::rename(&tmp, dir.join(format!("sms-{:08}.json", p.id)))
                    .await
                    .context("renaming the sms file")?;
                Ok(())
            }
            SmsTransport::Aliyun { api, client } => {
                let code = self
                    .templates
                    .get(&p.kind)
                    .with_context(|| format!("no template code for {}", p.kind))?;
                let ts = time::OffsetDateTime::now_utc();
                let timestamp = crate::domain::fmt_instant(ts);
                let nonce = uuid::Uuid::new_v4().to_string();
                let form = api.form(&p.phone, code, &p.params, &key, &nonce, &timestamp);
                let body = form
                    .iter()
                    .map(|(k, v)| format!("{}={}", pop_encode(k), pop_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                let resp = client
                    .post(&api.endpoint)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .context("calling SendSms")?;
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                let answer: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                let code = answer.get("Code").and_then(|c| c.as_str()).unwrap_or("");
                if status.is_success() && code == "OK" {
                    Ok(())
                } else {
                    let short: String = text.chars().take(300).collect();
                    anyhow::bail!("SendSms answered {status}: {short}")
                }
            }
        }
    }

    /// Sends every due message once; returns how many were sent.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let mut sent = 0;
        loop {
            let now = instant_in(0);
            let batch = sms::due(&self.db, &now, 20).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            for p in batch {
                if !sms::claim(&self.db, p.id, &self.owner, &now, &instant_in(LEASE_SECS)).await? {
                    continue;
                }
                let missing_template = matches!(self.transport, SmsTransport::Aliyun { .. })
                    && !self.templates.contains_key(&p.kind);
                match self.deliver(&p).await {
                    Ok(()) => {
                        sms::mark_sent(&self.db, p.id).await?;
                        tracing::info!(sms.id = p.id, kind = %p.kind, "sms sent");
                        sent += 1;
                    }
                    Err(e) => {
                        let attempts = p.attempts + 1;
                        let backoff = (15i64 << attempts.min(10)).min(6 * 3600);
                        let give_up = missing_template || attempts >= MAX_ATTEMPTS;
                        tracing::warn!(sms.id = p.id, attempts, error = %e, "sms delivery failed");
                        sms::mark_failed(
                            &self.db,
                            p.id,
                            &self.owner,
                            &format!("{e:#}"),
                            &instant_in(backoff),
                            give_up,
                        )
                        .await?;
                    }
                }
            }
        }
    }

    /// The background task: delivers when nudged and every two seconds.
    pub fn spawn<F, Fut>(self: &Arc<Self>, tick: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
    {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = tick().await {
                    tracing::error!(error = ?e, "scheduling sms failed");
                }
                if let Err(e) = me.send_due().await {
                    tracing::error!(error = ?e, "sending sms failed");
                }
                tokio::select! {
                    () = me.wake.notified() => {},
                    () = tokio::time::sleep(Duration::from_secs(2)) => {},
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pop_encoding_follows_aliyun() {
        assert_eq!(pop_encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(pop_encode("/"), "%2F");
        assert_eq!(pop_encode("劳"), "%E5%8A%B3");
    }

    #[test]
    fn the_documented_example_signature() {
        // Aliyun's documented example (SendSms, testSecret)
        let params: Vec<(String, String)> = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            rpc_signature("GET", &params, "testSecret"),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn the_url_gives_endpoint_sign_and_keys() {
        let a = Aliyun::parse("aliyun://AK:S%2Fx@127.0.0.1:9000?sign=%E5%8A%B3%E5%8A%A1&tls=0")
            .expect("parses");
        assert_eq!(a.endpoint, "http://127.0.0.1:9000/");
        assert_eq!(a.sign, "劳务");
        assert_eq!(a.key_id, "AK");
        assert_eq!(a.secret, "S/x");
    }
}
