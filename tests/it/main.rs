//! The one integration-test binary: every test starts a real server on a fresh database
//! (SQLite by default, PostgreSQL when `DATABASE_URL` points at one).

mod access;
mod accounts;
mod assessment;
mod checks;
mod cluster;
mod contract;
mod employers;
mod events;
mod feed;
mod forget;
mod found;
mod gate;
mod helpers;
mod hostile;
mod jobs;
mod layers;
mod ledger;
mod matching;
mod occupations;
mod pages;
mod placements;
mod probes;
mod props;
mod races;
mod reset;
mod searchpath;
mod security;
mod sms;
mod smtp;
mod training;
mod workers;
