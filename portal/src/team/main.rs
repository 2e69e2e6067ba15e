//! `loket_team`: the team's app, served by `loket-team serve` on each member's own machine
//! (never by `loket`: team-cli/src/serve.rs). Unlock a member key file, open a
//! session by proving possession of the key (SPEC §9.5), read the inbox and the reports of
//! one's roles, reply (§9.6), download attachments (§9.9), keep each case's record and
//! register contacts from other channels (§9.10), and hand the cases of their roles to members
//! who joined later (§9.11).

mod actions;
mod app;
mod contact;
mod handover;
mod idle;
mod inbox;
mod report;
mod sign_in;
mod statistics;
mod vault;

fn main() {
    loket_portal::start(app::App);
}
