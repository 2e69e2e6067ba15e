//! The end-to-end tests that need no browser, in one test binary (one link of the server
//! instead of one per file): the API on SQLite and PostgreSQL, the server's rules, anonymity,
//! the load tool's bounded run, e-mail notices, the shipped nginx and Caddy configurations in
//! front of a server (proxy), and the tests that run the real `loket` binary
//! as separate processes (crash, scale-out, custody of the organisation key; see
//! `loket_e2e::process`). The browser test is a
//! binary of its own (`tests/browser/main.rs`), as it needs Chromium.
//!
//! `cargo test -p loket-e2e --test e2e` runs them all; add a filter such as `crash::` or
//! `api::sqlite::` to run a part.

mod anonymity;
mod api;
mod audit;
mod backup;
mod capacity;
mod casework;
mod crash;
mod custody;
mod export;
mod handover;
mod hardening;
mod history;
mod intake;
mod load;
mod notices;
mod proxy;
mod recovery;
mod scale_out;
mod server_rules;
mod share;
mod statistics;
