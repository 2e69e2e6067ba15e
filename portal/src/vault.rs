//! Secrets of this browser tab: the unlocked member key, the team session token and the
//! reporter's keys derived from a follow-up code. They live here, outside every reactive
//! signal, so no view, log or debug print can reach them; they are wiped on drop (the crypto
//! types zeroize) and when the tab closes, and are never written to storage.

use std::cell::RefCell;

use loket_client::OpenedReport;
use loket_crypto::{MemberSecretKey, ReporterKeys};
use zeroize::Zeroizing;

/// An unlocked team member.
pub struct Member {
    pub key: MemberSecretKey,
    pub member_id: String,
    pub session: Zeroizing<String>,
}

/// A reporter who opened a thread with their code.
pub struct Reporter {
    pub keys: ReporterKeys,
    pub report_id: String,
    /// The decrypted, verified report: answers go to the roles named inside it.
    pub report: OpenedReport,
}

thread_local! {
    static MEMBER: RefCell<Option<Member>> = const { RefCell::new(None) };
    static REPORTER: RefCell<Option<Reporter>> = const { RefCell::new(None) };
}

pub fn set_member(member: Option<Member>) {
    MEMBER.with(|m| *m.borrow_mut() = member);
}

/// Runs `f` with the unlocked member, if any.
pub fn with_member<T>(f: impl FnOnce(&Member) -> T) -> Option<T> {
    MEMBER.with(|m| m.borrow().as_ref().map(f))
}

pub fn set_reporter(reporter: Option<Reporter>) {
    REPORTER.with(|r| *r.borrow_mut() = reporter);
}

/// Runs `f` with the reporter's keys, if a thread is open.
pub fn with_reporter<T>(f: impl FnOnce(&Reporter) -> T) -> Option<T> {
    REPORTER.with(|r| r.borrow().as_ref().map(f))
}
