//! # laowu — 斗门·湄潭劳务协作平台
//!
//! The job-matching and follow-up platform of the east–west labour cooperation between
//! Doumen district (Zhuhai) and Meitan county (Guizhou).
//!
//! ## Map, top-down (each layer calls only the ones below it)
//! - [`cli`] — the `laowu` command line (`serve`, `user add`, `import`, `reindex`, `report`);
//!   `main.rs` only calls it. [`config`] reads flags and `LAOWU_*` / `DATABASE_URL`.
//! - [`startup`] — builds the server: database, session store, indexer, mail sender, the
//!   import-job worker ([`service::import_jobs`]), router.
//! - [`web`] — axum: the JSON API under `/api/v1` (OpenAPI by utoipa), askama pages, CSRF,
//!   security headers, limits, and how an [`error::AppError`] becomes a response. Handlers
//!   parse, call one [`service`] function, render — nothing below `service` (a test reads
//!   the sources to keep it so).
//! - [`auth`] — who is asking: argon2id passwords, the login throttle, the `CurrentUser`
//!   extractor (bearer token or session).
//! - [`service`] — the workflows, one function per action for pages, API and CLI alike. Each
//!   asks [`service::policy`] — the one gate — whether this actor may do this to this object,
//!   opens the transaction and writes the audit entry.
//! - Libraries that `service` calls: [`search`] (tantivy with jieba, the change-feed indexer
//!   and `index verify`, matching both ways), [`mail`] (the outbox sender and templates), [`import`] (the
//!   real-name ledger), [`reports`] (the monthly figures, workbooks, charts), [`quality`] (the
//!   data-quality rules), [`demo`] (the demo data set).
//! - [`db`] — all SQL: one `sqlx::AnyPool` over SQLite or PostgreSQL, migrations, one module
//!   per table. A write to an indexed table writes its change row in the same function. Returns
//!   rows, `sqlx::Error` or [`db::DbError`], never an HTTP error.
//! - [`domain`] — the words: newtypes that cannot hold invalid values ([`domain::IdCardNumber`],
//!   [`domain::Uscc`], [`domain::MobilePhone`], [`domain::RegionCode`], …), [`domain::Role`],
//!   the status enums with their Chinese labels and moves ([`domain::status`]), and the
//!   reference data shipped with the binary (regions, GB/T 2260 history). Imports nothing above
//!   it but [`error::FieldErrors`].
//! - [`error`] — the one [`error::AppError`] and its HTTP status; [`state`] — what handlers
//!   share; [`telemetry`] — tracing.
//! - [`csv_safe`] — the one CSV writer, which quotes cells a spreadsheet would run as formulas.

pub mod auth;
pub mod cli;
pub mod config;
pub mod csv_safe;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod loadgen;
pub mod mail;
pub mod quality;
pub mod reports;
pub mod search;
pub mod service;
pub mod sms;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
