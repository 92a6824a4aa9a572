//! Logging with `tracing`: `RUST_LOG` sets the level (default `info` for laowu, `warn` else).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once (later calls do nothing).
pub fn init() {
    init_with("laowu=info,tower_http=warn,warn");
}

/// Installs the subscriber with a default filter used when `RUST_LOG` is not set
/// (tests use `warn` so that their output stays readable).
pub fn init_with(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
