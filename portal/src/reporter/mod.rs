//! The reporter's side, as two apps that share this module and the page around them: the
//! report form (`loket_reporter`, src/apps/report.rs, served at `/`) and the follow-up view
//! (`loket_follow_up`, src/apps/follow_up.rs, served at `/follow-up`). Two modules instead of
//! one, so that a first visit on a slow link loads the form alone: no thread, no attachments,
//! no metadata removal (docs/benchmarks.md, "A reporter's first visit"). Neither links team
//! code (scripts/test.sh checks the built bundles for the key-file label).

pub mod app;
pub mod pages;
mod vault;
