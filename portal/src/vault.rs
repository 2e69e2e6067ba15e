//! Secrets of this browser tab: the unlocked member key, the team session token and the
//! reporter's keys derived from a follow-up code. They live here, outside every reactive
//! signal, so no view, log or debug print can reach them; they are wiped on drop (the crypto
//! types zeroize) and when the tab closes, and are never written to storage.

use std::cell::RefCell;

use loket_crypto::{MemberSecretKey, RecipientKey, ReporterKeys};
use loket_wire::B64;
use loket_wire::api::Directory;
use loket_wire::content::{CONTENT_VERSION, Content};
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
    /// The roles named inside the decrypted report: replies go to these roles' members.
    pub roles: Vec<String>,
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

/// Why a message could not be sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealFailure {
    /// Nobody in the directory holds any of the roles.
    NoReaders,
    /// A key in the directory is unusable, or the message is too large.
    Crypto,
}

/// The readers of a thread: every member of `roles` in the directory, and the reporter.
pub fn readers(
    dir: &Directory,
    roles: &[String],
    reporter: RecipientKey,
) -> Result<Vec<RecipientKey>, SealFailure> {
    let mut out = Vec::new();
    for member in dir.members_of(roles) {
        out.push(RecipientKey(
            member.x25519.array().ok_or(SealFailure::Crypto)?,
        ));
    }
    if out.is_empty() {
        return Err(SealFailure::NoReaders);
    }
    out.push(reporter);
    Ok(out)
}

/// Serialises and seals `content` to `recipients` (SPEC §4).
pub fn seal(recipients: &[RecipientKey], content: &Content) -> Result<B64, SealFailure> {
    let plain = Zeroizing::new(serde_json::to_vec(content).map_err(|_| SealFailure::Crypto)?);
    loket_crypto::seal(&mut rand::rng(), recipients, &plain)
        .map(B64)
        .map_err(|_| SealFailure::Crypto)
}

/// A thread message to seal.
pub fn message(text: &str) -> Content {
    Content::Message {
        v: CONTENT_VERSION,
        text: text.to_owned(),
    }
}

/// Opens and parses an envelope; `None` for anything that does not open completely, so a
/// caller can never show a text that failed authentication.
pub fn open(identity: &loket_crypto::Identity, envelope: &B64) -> Option<Content> {
    let plain = loket_crypto::open(identity, &envelope.0).ok()?;
    serde_json::from_slice(&plain).ok()
}
