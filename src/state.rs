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
    /// The staff listings' audit rows, written in groups ([`crate::db::audit::AuditWriter`]).
    pub audit: crate::db::audit::AuditWriter,
    /// Bearer token → user answers, for a few seconds ([`crate::auth::TokenCache`]).
    pub tokens: Arc<crate::auth::TokenCache>,
    /// Station → district it follows (stations never change once written).
    pub districts: Arc<std::sync::Mutex<std::collections::HashMap<i64, Option<String>>>>,
    /// The public board's rows, kept a moment ([`crate::service::board_rows`]).
    pub board_rows: Arc<crate::service::board_rows::BoardRows>,
}

impl AppState {
    pub fn index(&self) -> &SearchIndex {
        &self.search.index
    }
}
