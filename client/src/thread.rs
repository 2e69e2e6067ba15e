//! Opening a whole thread (SPEC §9.3 for the reporter, §9.5 for the team), written once for
//! both apps and the tests: the report first, then every message, each shown only if it
//! opens and is signed by the author the server names.

use loket_crypto::Identity;
use loket_wire::B64;
use loket_wire::api::{Author, Directory, ThreadMessage};
use loket_wire::content::{AttachmentRef, CaseState, ContactDetails, Share, ShareTo};
use zeroize::Zeroizing;

use crate::{OpenedReport, open_message_body, open_report};

/// One message of a thread after opening. No derived `Debug`: it holds plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenedMessage {
    pub id: i64,
    pub author: Author,
    /// Creation time, to the hour.
    pub created: i64,
    /// The text; `None` when the envelope did not open or is not signed by `author`.
    pub body: Option<Zeroizing<String>>,
    /// The file the (verified) message vouches for, if any.
    pub attachment: Option<AttachmentRef>,
    /// The state of the case a member shared with it, if any.
    pub status: Option<CaseState>,
    /// The name and contact details the reporter gave with it, if any.
    pub contact: Option<ContactDetails>,
    /// A member's request to involve another role, or the reporter's answer to one.
    pub share: Option<Share>,
    /// Written by a member who has left: verified against the earlier directory that listed
    /// them (SPEC §12.6); the apps say "from a former member".
    pub former: bool,
}

impl std::fmt::Debug for OpenedMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedMessage")
            .field("id", &self.id)
            .field("author", &self.author)
            .field("created", &self.created)
            .field("opened", &self.body.is_some())
            .field("attachment", &self.attachment.is_some())
            .field("status", &self.status)
            .field("share", &self.share)
            .finish_non_exhaustive()
    }
}

impl OpenedThread {
    /// The latest state of the case the team shared, and the message that said it.
    pub fn shared_status(&self) -> Option<(CaseState, &OpenedMessage)> {
        self.messages
            .iter()
            .rev()
            .find_map(|m| m.status.map(|s| (s, m)))
    }

    /// Whom members asked to involve (roles or members) that the reporter has not answered
    /// yet, each once, in the order first asked (crypto/SPEC.md §9.8). Whoever reads the report
    /// already is not open any more; a request asked again after an answer is open again.
    pub fn open_share_requests(&self) -> Vec<ShareTo> {
        let report = &self.report;
        let reads = |to: &ShareTo| match to {
            ShareTo::Role(role) => report.roles.contains(role),
            ShareTo::Member(member) => report.members.contains(member),
        };
        let mut open: Vec<ShareTo> = Vec::new();
        for share in self.messages.iter().filter_map(|m| m.share.as_ref()) {
            match share {
                Share::Ask { to } => {
                    if !open.contains(to) && !reads(to) {
                        open.push(to.clone());
                    }
                }
                Share::Grant { to } | Share::Refuse { to } => open.retain(|t| t != to),
            }
        }
        open
    }
}

/// A thread whose report opened and verified, with its messages in order.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenedThread {
    pub report: OpenedReport,
    pub messages: Vec<OpenedMessage>,
}

impl std::fmt::Debug for OpenedThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedThread")
            .field("report", &self.report)
            .field("messages", &self.messages)
            .finish()
    }
}

/// The reporter opens their own thread (SPEC §9.3): as [`open_thread`] with the identity
/// derived from their code, and only if the report is signed by the signing key derived from
/// that code and names their own key as the reporter's. A report that opens with the code's
/// key but was signed by anyone else (sealed to the reporter by someone who learnt the public
/// key) is not theirs, and nothing of it is shown.
pub fn open_own_thread(
    keys: &loket_crypto::ReporterKeys,
    dir: &Directory,
    report_id: &str,
    report: &B64,
    messages: &[ThreadMessage],
) -> Option<OpenedThread> {
    use loket_crypto::sign::Signer as _;
    let opened = open_thread(&keys.identity, dir, report_id, report, messages)?;
    let own = opened.report.reporter_signing_key == keys.signing.verifying_key()
        && opened.report.reporter_key.0 == keys.identity.recipient().0;
    own.then_some(opened)
}

/// Opens the report `report` of thread `report_id` and its `messages` with `identity` (the
/// reporter's code-derived identity or a member's). `None` when the report itself does not
/// open or is not signed by the reporter key inside it: then nothing of the thread can be
/// trusted. A message that does not open keeps its place with `body: None`.
pub fn open_thread(
    identity: &Identity,
    dir: &Directory,
    report_id: &str,
    report: &B64,
    messages: &[ThreadMessage],
) -> Option<OpenedThread> {
    let report = open_report(identity, report)?;
    let messages = messages
        .iter()
        .map(|m| {
            let opened =
                open_message_body(identity, dir, &report, report_id, &m.author, &m.envelope)
                    .filter(|b| !b.former || in_force(dir, &m.author, m.created));
            let former = opened.as_ref().is_some_and(|b| b.former);
            let (body, attachment, status, contact, share) = match opened {
                Some(b) => (
                    Some(Zeroizing::new(b.text)),
                    b.attachment,
                    b.status,
                    b.contact,
                    b.share,
                ),
                None => (None, None, None, None, None),
            };
            OpenedMessage {
                id: m.id,
                author: m.author.clone(),
                created: m.created,
                body,
                attachment,
                status,
                contact,
                share,
                former,
            }
        })
        .collect();
    Some(OpenedThread { report, messages })
}

/// Whether a former member `author` was listed by the directory in force at `hour` (SPEC
/// §12.6): a message dated after they left does not verify.
fn in_force(dir: &Directory, author: &Author, hour: i64) -> bool {
    match author {
        Author::Member { member_id } => {
            crate::history::former_member(dir, member_id, hour).is_some()
        }
        Author::Reporter => false,
    }
}
