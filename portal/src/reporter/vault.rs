//! The reporter's secrets in this tab: the keys derived from a follow-up code and the opened
//! report. They live here, outside every reactive signal, so no view, log or debug print can
//! reach them; they are wiped on drop (the crypto types zeroize) and when the tab closes, and
//! are never written to storage.

use std::cell::RefCell;

use loket_client::OpenedReport;
use loket_crypto::ReporterKeys;
use loket_wire::B64;

/// A reporter who opened a thread with their code.
pub struct Reporter {
    pub keys: ReporterKeys,
    pub report_id: String,
    /// The decrypted, verified report: answers go to the roles named inside it.
    pub report: OpenedReport,
}

thread_local! {
    static REPORTER: RefCell<Option<Reporter>> = const { RefCell::new(None) };
}

pub fn set_reporter(reporter: Option<Reporter>) {
    REPORTER.with(|r| *r.borrow_mut() = reporter);
}

/// Runs `f` with the reporter's keys, if a thread is open.
pub fn with_reporter<T>(f: impl FnOnce(&Reporter) -> T) -> Option<T> {
    REPORTER.with(|r| r.borrow().as_ref().map(f))
}

/// Runs `f` with the reporter of the open thread, who may be changed (their report, read again).
pub fn with_reporter_mut<T>(f: impl FnOnce(&mut Reporter) -> T) -> Option<T> {
    REPORTER.with(|r| r.borrow_mut().as_mut().map(f))
}

/// The lookup token of the open thread.
pub fn lookup_token() -> Option<B64> {
    with_reporter(|r| B64(r.keys.lookup_token.to_vec()))
}
