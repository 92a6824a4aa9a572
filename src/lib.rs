//! # laowu — 斗门·湄潭劳务协作平台
//!
//! The job-matching and follow-up platform of the east–west labour cooperation between
//! Doumen district (Zhuhai) and Meitan county (Guizhou).
//!
//! ## Map
//! - [`cli`] — the `laowu` command line (`serve`, `user add`, …); `main.rs` only calls it.
//! - [`config`] — settings from flags and `LAOWU_*` / `DATABASE_URL` environment variables.
//! - [`startup`] — builds the server: database, session store, router, listener.
//! - [`domain`] — the domain's words as types that cannot hold invalid values
//!   ([`domain::IdCardNumber`], [`domain::Uscc`], [`domain::MobilePhone`], [`domain::RegionCode`], …)
//!   and the reference data shipped with the binary (regions, GB/T 2260 history).
//! - [`db`] — one `sqlx::AnyPool` over SQLite or PostgreSQL, migrations, one module per table.
//! - [`service`] — the workflows (register a worker, verify an employer, post a vacancy), each
//!   checking the acting user's role; shared by the API, the pages and the command line.
//! - [`auth`] — roles, argon2id passwords, the `CurrentUser` extractor (bearer token or session).
//! - [`web`] — axum: the JSON API under `/api/v1` (OpenAPI by utoipa), askama pages, CSRF,
//!   security headers and limits.
//! - [`demo`] — the demo data set of `laowu serve --demo`.
//! - [`error`] — the one [`error::AppError`] and how it maps to HTTP.
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
pub mod mail;
pub mod quality;
pub mod reports;
pub mod search;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
