//! A small W3C WebDriver client over the `reqwest` the tests already use, driving Debian's
//! `chromedriver` and headless `chromium` with a phone's screen (390×844).
//!
//! Why not fantoccini or thirtyfour: fantoccini 0.22 with rustls brings aws-lc-sys (a C build
//! through cmake) and ICU segmentation data into the test build; the few commands the
//! browser tests need — open a page, find, type, click, run a script, take a screenshot —
//! are a JSON request each.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

/// The key W3C WebDriver gives an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser tests are switched on (`LAOWU_E2E=1`); if not, says so once per test.
pub fn enabled(test: &str) -> bool {
    if std::env::var("LAOWU_E2E").is_ok_and(|v| v == "1") {
        return true;
    }
    eprintln!(
        "note: browser test {test} skipped (set LAOWU_E2E=1; needs the Debian packages chromium and chromium-driver)"
    );
    false
}

/// A chromedriver process and one browser session in it.
pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
}

/// A found element.
#[derive(Clone)]
pub struct El(String);

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium emulating a 390×844 phone.
    pub async fn phone() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {binary}: {e} (apt-get install chromium-driver)"));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http
                .get(format!("{base}/status"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=390,844",
            "--lang=zh-CN",
            "--no-first-run",
        ];
        if let Ok(b) = std::env::var("CHROME_ARGS") {
            args.extend(b.leak().split_whitespace());
        }
        let mut options = json!({
            "args": args,
            "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": true}},
        });
        if let Ok(bin) = std::env::var("CHROMIUM") {
            options["binary"] = json!(bin);
        } else if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new browser session")
            .json()
            .await
            .expect("session answer");
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {r}"))
            .to_owned();
        Browser {
            driver,
            http,
            session: format!("{base}/session/{session}"),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.session));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r: Value = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        if r["value"].get("error").is_some() {
            panic!("{method} {path}: {}", r["value"]);
        }
        r["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// Opens a URL and waits for the page.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url})).await;
    }

    /// The page's current URL.
    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The first element matching a CSS selector (panics if none).
    pub async fn find(&self, css: &str) -> El {
        let v = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await;
        El(v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned())
    }

    /// Every element matching a CSS selector.
    pub async fn find_all(&self, css: &str) -> Vec<El> {
        let v = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(|s| El(s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.post(&format!("/element/{}/clear", el.0), json!({}))
            .await;
        self.post(&format!("/element/{}/value", el.0), json!({"text": text}))
            .await;
    }

    /// Clicks an element (a button, a link, a check box, an `<option>`).
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.click_el(&el).await;
    }

    pub async fn click_el(&self, el: &El) {
        self.post(&format!("/element/{}/click", el.0), json!({}))
            .await;
    }

    /// Runs a script in the page and returns its result.
    pub async fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
            .await
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.script("return document.body.innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Ends the browser session (the driver process goes on drop).
    pub async fn quit(&self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
