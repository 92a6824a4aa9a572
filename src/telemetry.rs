//! Logging with `tracing`: `RUST_LOG` sets the level (default `info` for laowu, `warn` else).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once (later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("laowu=info,tower_http=warn,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
