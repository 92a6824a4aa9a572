//! `laowu bench feed-lag`: the change feed's lag across the nodes of a cluster under a mixed
//! write load. Writers register workers through one address (nginx) and, beside them, post
//! and edit nothing else the probes look for; each registered worker carries a word of its
//! own in its skills, and a probe asks every node's search (directly, not through nginx) for
//! that word until all of them find it. Lag = the time from the registration's response (its
//! transaction committed) to the moment the last node answers with it.
//!
//! A tiny HTTP/1.1 client over a TCP stream (one request a connection) keeps this free of a
//! client library in the server's dependencies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response: status and body.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// Sends one request (`Connection: close`) and reads the whole answer.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> anyhow::Result<Reply> {
    let mut stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = json {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    if let Some(b) = json {
        stream.write_all(b.as_bytes()).await?;
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Reply { status, body })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The figures printed.
#[derive(Debug, Serialize)]
pub struct LagReport {
    pub writes: usize,
    pub writers: usize,
    pub write_p50_ms: f64,
    pub write_p99_ms: f64,
    pub writes_per_s: f64,
    pub lag_p50_ms: f64,
    pub lag_p99_ms: f64,
    pub lag_max_ms: f64,
    pub nodes: usize,
    /// registrations written beside the probed ones (not probed)
    pub background_writes: usize,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    (sorted[i] * 100.0).round() / 100.0
}

/// One worker's registration body with its own searchable word.
fn worker_json(n: usize, word: &str) -> String {
    let birth = time::Date::from_calendar_date(1980, time::Month::January, 1)
        .unwrap_or(time::Date::MIN)
        + time::Duration::days((n % 7000) as i64);
    let first17 = format!(
        "{}{:04}{:02}{:02}{:03}",
        crate::domain::region::MEITAN,
        birth.year(),
        birth.month() as u8,
        birth.day(),
        900 + (n / 7000) % 100
    );
    serde_json::json!({
        "name": "冉小梅",
        "id_number": crate::domain::id_card::with_check_char(&first17),
        "phone": format!("137{:08}", n % 100_000_000),
        "hometown_code": "520328004",
        "skills": ["粤菜", word],
        "desired_jobs": "厨师",
        "expected_wage": 5500,
        "needs_lodging": true,
        "household": {"poverty_alleviated": false, "monitored": false, "relocated": false, "zero_employment": false},
        "consent": true,
    })
    .to_string()
}

/// Runs `writes` registrations through `front` with `writers` at once, probing `nodes`.
pub async fn feed_lag(
    front: SocketAddr,
    nodes: Vec<SocketAddr>,
    token: String,
    writes: usize,
    writers: usize,
    background: usize,
) -> anyhow::Result<LagReport> {
    let token = Arc::new(token);
    let nodes = Arc::new(nodes);
    let run = format!(
        "{:x}",
        std::process::id() as u64 * 7919 + Instant::now().elapsed().as_nanos() as u64
    );
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..writers.max(1) {
        let (token, nodes, next, run) = (token.clone(), nodes.clone(), next.clone(), run.clone());
        tasks.spawn(async move {
            let mut out: Vec<(f64, f64)> = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n >= writes {
                    return Ok::<_, anyhow::Error>(out);
                }
                let word = format!("lag{run}q{n}");
                let body = worker_json(n + 1000 * (std::process::id() as usize % 1000), &word);
                let sent = Instant::now();
                let r =
                    request(front, "POST", "/api/v1/workers", Some(&token), Some(&body)).await?;
                if r.status != 201 {
                    bail!("registration answered {}: {}", r.status, r.body);
                }
                let committed = Instant::now();
                let write_ms = (committed - sent).as_secs_f64() * 1000.0;
                // probe every node until each finds the word
                let path = format!("/api/v1/workers?q={word}");
                let mut pending: Vec<SocketAddr> = nodes.to_vec();
                let deadline = committed + Duration::from_secs(30);
                while !pending.is_empty() {
                    let mut still = Vec::new();
                    for node in pending {
                        let r = request(node, "GET", &path, Some(&token), None).await?;
                        if !(r.status == 200 && r.body.contains("\"total\":1")) {
                            still.push(node);
                        }
                    }
                    pending = still;
                    if Instant::now() > deadline {
                        bail!("{word} not searchable on every node after 30 s");
                    }
                    if !pending.is_empty() {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                out.push((write_ms, committed.elapsed().as_secs_f64() * 1000.0));
            }
        });
    }
    // the load beside: registrations as fast as `background` writers manage, unprobed
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut beside = tokio::task::JoinSet::new();
    for b in 0..background {
        let (token, stop, next) = (token.clone(), stop.clone(), next.clone());
        beside.spawn(async move {
            let mut done = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let n = 10_000_000 + b * 1_000_000 + done;
                let body = worker_json(n + next.load(std::sync::atomic::Ordering::SeqCst), "粤菜");
                match request(front, "POST", "/api/v1/workers", Some(&token), Some(&body)).await {
                    Ok(r) if r.status == 201 || r.status == 409 => done += 1,
                    Ok(r) => tracing::warn!(status = r.status, "background write refused"),
                    Err(e) => tracing::warn!(error = %e, "background write failed"),
                }
            }
            done
        });
    }
    let mut writes_ms = Vec::new();
    let mut lags = Vec::new();
    while let Some(done) = tasks.join_next().await {
        for (w, l) in done?? {
            writes_ms.push(w);
            lags.push(l);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut background_writes = 0;
    while let Some(n) = beside.join_next().await {
        background_writes += n?;
    }
    writes_ms.sort_by(f64::total_cmp);
    lags.sort_by(f64::total_cmp);
    Ok(LagReport {
        writes: lags.len(),
        writers,
        write_p50_ms: percentile(&writes_ms, 0.5),
        write_p99_ms: percentile(&writes_ms, 0.99),
        writes_per_s: (lags.len() as f64 / seconds * 10.0).round() / 10.0,
        lag_p50_ms: percentile(&lags, 0.5),
        lag_p99_ms: percentile(&lags, 0.99),
        lag_max_ms: percentile(&lags, 1.0),
        nodes: nodes.len(),
        background_writes,
    })
}
