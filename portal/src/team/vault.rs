//! The member's secrets in this tab: the unlocked member key and the session token. They live
//! here, outside every reactive signal, so no view, log or debug print can reach them; they
//! are wiped on drop (the crypto types zeroize) and when the tab closes, and are never written
//! to storage.

use std::cell::RefCell;

use loket_crypto::MemberSecretKey;
use zeroize::Zeroizing;

/// An unlocked team member.
pub struct Member {
    pub key: MemberSecretKey,
    pub member_id: String,
    pub session: Zeroizing<String>,
}

thread_local! {
    static MEMBER: RefCell<Option<Member>> = const { RefCell::new(None) };
}

pub fn set_member(member: Option<Member>) {
    MEMBER.with(|m| *m.borrow_mut() = member);
}

/// Runs `f` with the unlocked member, if any.
pub fn with_member<T>(f: impl FnOnce(&Member) -> T) -> Option<T> {
    MEMBER.with(|m| m.borrow().as_ref().map(f))
}

/// The session token, while unlocked.
pub fn session_token() -> Option<String> {
    with_member(|m| m.session.to_string())
}
