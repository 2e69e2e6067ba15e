//! `loket_reporter`: the reporter's app, served by `loket` at `/`. Make a report, keep the
//! follow-up code, come back with it to read and answer the team. No team code is linked in
//! (scripts/test.sh checks the built bundle for the key-file label).

mod app;
mod pages;
mod vault;

fn main() {
    loket_portal::start(app::App);
}
