//! Issue #15 point 1: what a person reads is in China time and in Chinese. Every page of the
//! role matrix ([`crate::access::ROWS`]) is visited by every visitor allowed to see it, and
//! its visible text (tags, scripts, styles and attribute values stripped) must hold no UTC
//! instant (`2026-11-30T06:57…`) and no raw code (`hired`, `view_worker`, `cantonese-chef`).

use std::collections::BTreeSet;

use laowu::domain::Programme;
use laowu::domain::status::{
    ApplicationStatus, AuditAction, ContactMethod, EmployerStatus, EnrollmentStatus,
    ImportJobStatus, PlacementStatus, ProblemKind, VacancyStatus, WorkerStatus,
};
use reqwest::StatusCode;

use crate::access::{Fixture, ROLES, ROWS};
use crate::helpers::spawn_app;

/// The text a person sees: without tags (so without attribute values), scripts and styles.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let lower: String = tail.chars().take(8).collect::<String>().to_lowercase();
        let skip_to = if lower.starts_with("<script") {
            tail.find("</script>").map(|e| e + "</script>".len())
        } else if lower.starts_with("<style") {
            tail.find("</style>").map(|e| e + "</style>".len())
        } else {
            tail.find('>').map(|e| e + 1)
        };
        let Some(n) = skip_to else {
            rest = "";
            break;
        };
        out.push(' ');
        rest = &tail[n..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// `YYYY-MM-DDTHH:MM` anywhere in the text.
pub fn utc_instants(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let mut found = Vec::new();
    for i in 0..b.len() {
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && b.get(i + 10) == Some(&b'T')
            && digits(i + 11, 2)
            && b.get(i + 13) == Some(&b':')
            && digits(i + 14, 2)
        {
            found.push(text[i..i + 16].to_owned());
        }
    }
    found
}

/// Every stored code a person must never read.
pub fn raw_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut add = |c: &str| {
        codes.insert(c.to_owned());
    };
    ApplicationStatus::ALL.iter().for_each(|s| add(s.as_str()));
    WorkerStatus::ALL.iter().for_each(|s| add(s.as_str()));
    VacancyStatus::ALL.iter().for_each(|s| add(s.as_str()));
    PlacementStatus::ALL.iter().for_each(|s| add(s.as_str()));
    EnrollmentStatus::ALL.iter().for_each(|s| add(s.as_str()));
    EmployerStatus::ALL.iter().for_each(|s| add(s.as_str()));
    ImportJobStatus::ALL.iter().for_each(|s| add(s.as_str()));
    AuditAction::ALL.iter().for_each(|s| add(s.as_str()));
    ProblemKind::ALL.iter().for_each(|s| add(s.as_str()));
    ContactMethod::ALL.iter().for_each(|s| add(s.as_str()));
    Programme::ALL.iter().for_each(|p| add(p.code()));
    for r in ["admin", "station", "employer", "trainer", "worker"] {
        add(r);
    }
    for k in ["job_fair", "trip", "attended", "boarded", "arrived"] {
        add(k);
    }
    codes
}

/// The raw codes among the words of `text` (a word: ASCII letters, digits, `_` and `-`; an
/// e-mail address or a path stays one word and is no code).
pub fn codes_in(text: &str, codes: &BTreeSet<String>) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "_-@./:".contains(c)))
        .map(|w| w.trim_matches(|c: char| ".:-".contains(c)))
        .filter(|w| codes.contains(*w))
        .map(str::to_owned)
        .collect()
}

fn is_page(route: &str) -> bool {
    !route.starts_with("/api/")
        && !route.starts_with("/static/")
        && !route.starts_with("/exports/")
        && !route.starts_with("/station/imports/{file}")
        && ![".xlsx", ".json", ".csv"]
            .iter()
            .any(|x| route.ends_with(x))
        && route != "/healthz"
}

#[tokio::test]
async fn no_page_shows_a_utc_instant_or_a_raw_code() {
    let app = spawn_app().await;
    let fx = Fixture::build(&app).await;
    let codes = raw_codes();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for row in ROWS
        .iter()
        .filter(|r| r.method == "GET" && is_page(r.route))
    {
        for (who, _) in ROLES.iter().enumerate() {
            if row.allow.as_bytes()[who] != b'x' {
                continue;
            }
            let url = app.url(&fx.fill(row.path, 1));
            let resp = fx.visitors[who].browser.get(&url).send().await.unwrap();
            if resp.status() != StatusCode::OK {
                continue;
            }
            let html = resp.text().await.unwrap();
            let text = visible_text(&html);
            seen += 1;
            for t in utc_instants(&text) {
                wrong.push(format!("{} as {}: time {t}", row.path, ROLES[who]));
            }
            for c in codes_in(&text, &codes) {
                wrong.push(format!("{} as {}: code {c}", row.path, ROLES[who]));
            }
        }
    }
    assert!(seen > 60, "only {seen} pages read");
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "{} things a person should not read:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_scanner_finds_instants_and_codes_only_in_the_text() {
    let html = r#"<p title="hired">2026-11-30 14:57 <script>var s="applied"</script>已录用</p>
        <td>2026-11-30T06:57:15Z</td><td>view_worker</td><td>admin@test.local</td>"#;
    let text = visible_text(html);
    assert_eq!(utc_instants(&text), ["2026-11-30T06:57"]);
    assert_eq!(codes_in(&text, &raw_codes()), ["view_worker"]);
}
