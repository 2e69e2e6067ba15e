//! `loket_reporter`: the reporter's report form, served by `loket` at `/`. Make a report,
//! keep the follow-up code and the receipt (src/reporter/).

fn main() {
    loket_portal::start(loket_portal::reporter::app::ReportApp);
}
