//! What every request handler can reach.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::search::SearchIndex;
use crate::search::sync::Indexer;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The search index and the task that keeps it in step with the database.
    pub search: Arc<Indexer>,
    /// The mail sender (delivers the outbox).
    pub mail: Arc<crate::mail::Sender>,
    /// The SMS sender (delivers the SMS outbox).
    pub sms: Arc<crate::sms::SmsSender>,
    /// Login attempts per account and per address.
    pub throttle: Arc<crate::auth::throttle::LoginThrottle>,
}

impl AppState {
    pub fn index(&self) -> &SearchIndex {
        &self.search.index
    }
}
