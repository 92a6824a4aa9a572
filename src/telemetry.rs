//! Logging with `tracing`: `RUST_LOG` sets the level (default `info` for laowu, `warn` else).
//!
//! `LAOWU_LOG_FILE=PATH` also appends every log line to PATH (with its own filter,
//! `LAOWU_LOG_FILE_FILTER`, default the same as the terminal's), so that an operator — or the
//! test that checks no personal number reaches the logs — can read what the server wrote.
//!
//! Logs never carry a 身份证 number, a phone or an e-mail address: where a log line has to
//! tell two accounts apart it carries [`pseudonym`] of the value instead, and the request
//! span names the matched route template (`/api/v1/workers/{id}`), never the raw path or
//! query string.

use std::path::Path;
use std::sync::{LazyLock, Mutex};

use sha2::{Digest, Sha256};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the global subscriber once (later calls do nothing).
pub fn init() {
    init_with("laowu=info,tower_http=warn,warn");
}

/// Installs the subscriber with a default filter used when `RUST_LOG` is not set
/// (tests use `warn` so that their output stays readable), honouring `LAOWU_LOG_FILE`.
pub fn init_with(default: &str) {
    let file = std::env::var_os("LAOWU_LOG_FILE").map(std::path::PathBuf::from);
    let file_filter = std::env::var("LAOWU_LOG_FILE_FILTER").ok();
    install(default, file.as_deref(), file_filter.as_deref());
}

/// Like [`init_with`], and also appends every log line passing `file_filter` to `path`.
/// The test suite uses it to read back everything the servers of one test process logged.
pub fn init_with_log_file(default: &str, path: &Path, file_filter: &str) {
    install(default, Some(path), Some(file_filter));
}

fn install(default: &str, file: Option<&Path>, file_filter: Option<&str>) {
    let terminal_filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let terminal = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(terminal_filter);
    let file_layer = file.and_then(|path| {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| eprintln!("cannot open log file {}: {e}", path.display()))
            .ok()?;
        let filter = match file_filter {
            Some(f) => EnvFilter::new(f),
            None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        };
        Some(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Mutex::new(f))
                .with_filter(filter),
        )
    });
    let _ = tracing_subscriber::registry()
        .with(terminal)
        .with(file_layer)
        .try_init();
}

/// The key of [`pseudonym`], new for every process.
static PSEUDONYM_KEY: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    key
});

/// A short keyed hash of a personal value (a login, a phone) for log lines: the same value
/// gives the same 12 hex characters within one run of the server, so repeated attempts can
/// be followed, but the value cannot be read back or confirmed by hashing guesses without
/// the per-process key.
pub fn pseudonym(value: &str) -> String {
    let mut h = Sha256::new();
    h.update(*PSEUDONYM_KEY);
    h.update(value.as_bytes());
    let digest = h.finalize();
    let mut out = hex::encode(&digest[..6]);
    // Never all digits: a log scan for phone numbers must not trip over a pseudonym.
    out.insert_str(0, "p:");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_within_a_run_and_hide_the_value() {
        let a = pseudonym("13800138000");
        assert_eq!(a, pseudonym("13800138000"));
        assert_ne!(a, pseudonym("13800138001"));
        assert!(!a.contains("13800138000"));
        assert_eq!(a.len(), 14);
    }
}
