//! What every request handler can reach.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}
