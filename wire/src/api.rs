//! Request and response bodies of `/api/v1`.

use serde::{Deserialize, Serialize};

use crate::B64;
use crate::pow::PowSolution;

/// `GET /api/v1/directory`: the team directory as signed by the organisation key
/// (crypto/SPEC.md §12). Clients verify `signature` over `body` with the organisation key they
/// were built with, and only then parse `body` as a [`Directory`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SignedDirectory {
    pub body: B64,
    /// Ed25519 over `keys::directory_signed_message(body)`.
    pub signature: B64,
}

/// Who can receive reports, and the deployment salt for codes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Directory {
    pub organisation: String,
    /// Grows by one with every signed version, so a client can refuse an older one.
    pub serial: i64,
    /// When this version was signed (Unix seconds).
    pub issued: i64,
    /// After this moment (Unix seconds) clients refuse the directory (crypto/SPEC.md §12.2),
    /// so a server cannot go on serving an old one for ever.
    pub expires: i64,
    pub deployment_salt: B64,
    pub roles: Vec<Role>,
    pub members: Vec<Member>,
    /// The faculties and service units a reporter may name in the statistics part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// The team's statistics key (X25519, 32 bytes): the statistics part of each report is
    /// sealed to it alone (crypto/SPEC.md §9.2). Without it no statistics part is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics_key: Option<B64>,
    /// The server's receipt key (Ed25519, 32 bytes), which signs receipts (crypto/SPEC.md
    /// §9.2); listed here so that the organisation's signature vouches for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_key: Option<B64>,
    /// The organisation's recovery key (X25519, 32 bytes), kept offline in shares: a case of a
    /// role with one member is sealed to it too, so that it survives the loss of that
    /// member's key (crypto/SPEC.md §9.12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_key: Option<B64>,
    /// SHA-256 of the body of the directory this one follows (crypto/SPEC.md §12.6): the
    /// signed directories form a chain, so a client can check a former member's messages
    /// against the directory that listed them. None for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<B64>,
    /// Members of earlier directories of the chain who are not in this one: filled by the
    /// client from the verified chain (`loket_client::history`), never read from a body.
    #[serde(skip)]
    pub former: Vec<FormerMember>,
}

/// A member an earlier directory of the chain listed and this one does not (crypto/SPEC.md
/// §12.6), with when they were listed: from the issue of the first directory that listed them
/// to the issue of the first later one that did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormerMember {
    pub member: Member,
    pub from: i64,
    pub until: i64,
}

/// `GET /api/v1/directory/history`: every directory the server published, oldest first, as
/// signed (crypto/SPEC.md §12.6).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DirectoryHistory {
    pub directories: Vec<SignedDirectory>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    /// The name and description in English.
    pub name: String,
    pub description: String,
    /// The name and description in Dutch, when the administrator gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<RoleText>,
}

/// The longest unit name the directory lists (bytes), so that a statistics part naming it
/// fits the smallest padding bucket.
pub const MAX_UNIT_LEN: usize = 200;

/// A role's name and description in one language.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RoleText {
    pub name: String,
    pub description: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub x25519: B64,
    pub ed25519: B64,
    pub fingerprint: String,
}

impl Directory {
    /// Members holding any of `roles`, each once.
    pub fn members_of<'a>(&'a self, roles: &'a [String]) -> impl Iterator<Item = &'a Member> + 'a {
        self.members
            .iter()
            .filter(move |m| m.roles.iter().any(|r| roles.contains(r)))
    }
}

/// `POST /api/v1/reports`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SubmitReport {
    /// 32 bytes derived from the follow-up code; the server keeps only its SHA-256.
    pub lookup_token: B64,
    /// Role ids whose members' inboxes list the report.
    pub roles: Vec<String>,
    pub envelope: B64,
    /// A solved `submit` challenge, when the server asks for work (docs/api.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<PowSolution>,
    /// Members of those roles whose inboxes must not list the report (nothing is sealed to
    /// them either).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<String>,
    /// The statistics part, sealed to the directory's statistics key alone (always sent
    /// when the directory has one, empty when the reporter gave nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<B64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SubmitReportResponse {
    pub report_id: String,
    /// Arrival, to the hour.
    pub received: i64,
    /// The server's signed statement that a report with this envelope arrived in that hour.
    pub receipt: Receipt,
}

/// A signed statement that a report whose envelope has SHA-256 `envelope_sha256` was
/// received in the hour `received`, by the server whose receipt key the signed directory
/// lists (crypto/SPEC.md §9.2). It names no one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub envelope_sha256: B64,
    pub received: i64,
    /// Ed25519 over `loket_format::signed::receipt_message(envelope_sha256, received)`.
    pub signature: B64,
}

/// A receipt as the reporter downloads it: the receipt and the signed directory that lists
/// the key that signed it, so that anyone holding the organisation key can check it
/// (`loket-team verify-receipt`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ReceiptFile {
    /// Always `loket-receipt-v1`.
    pub format: String,
    pub receipt: Receipt,
    pub directory: SignedDirectory,
}

/// The `format` of a [`ReceiptFile`].
pub const RECEIPT_FORMAT: &str = "loket-receipt-v1";

/// `POST /api/v1/thread`: read a thread with the lookup token.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ThreadRequest {
    pub lookup_token: B64,
    /// A solved `check` challenge, when the server asks for work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<PowSolution>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    pub report_id: String,
    pub received: i64,
    pub envelope: B64,
    pub messages: Vec<ThreadMessage>,
    /// The receipt of the report, signed again on each read.
    pub receipt: Receipt,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Reporter,
    Member { member_id: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ThreadMessage {
    pub id: i64,
    pub author: Author,
    /// Creation time, to the hour.
    pub created: i64,
    pub envelope: B64,
}

/// `POST /api/v1/thread/messages`: the reporter answers.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PostAnswer {
    pub lookup_token: B64,
    pub envelope: B64,
    /// A solved `check` challenge, when the server asks for work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<PowSolution>,
}

/// `POST /api/v1/thread/share`: the reporter grants a member's request to involve `to`, a role
/// or one member (crypto/SPEC.md §9.8). The report, re-signed with `to` among its readers, and
/// every message that verified, re-sealed unchanged, replace the stored envelopes; `answer` is
/// the reporter's message that says so. All of it happens in one transaction, or none of it.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PostShare {
    pub lookup_token: B64,
    pub to: crate::content::ShareTo,
    pub envelope: B64,
    pub messages: Vec<ResealedMessage>,
    pub answer: B64,
    /// A solved `check` challenge, when the server asks for work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<PowSolution>,
}

/// A thread message sealed again to the report's new readers.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ResealedMessage {
    pub id: i64,
    pub envelope: B64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PostedMessage {
    pub id: i64,
    pub created: i64,
}

/// `POST /api/v1/thread/withdraw` answers with the id of the report it deleted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn {
    pub report_id: String,
}

/// `POST /api/v1/team/challenge`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub challenge: B64,
    pub expires: i64,
}

/// `POST /api/v1/team/session`: proof of possession of a member's Ed25519 key.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SessionRequest {
    pub member_id: String,
    pub challenge: B64,
    /// Ed25519 signature over `session_proof_message(deployment_salt, challenge)`, the salt
    /// being that of the instance's signed directory (crypto/SPEC.md §9.5).
    pub signature: B64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Bearer token for `Authorization: Bearer …`; the server keeps only its SHA-256.
    pub token: String,
    pub expires: i64,
    pub member_id: String,
}

/// `GET /api/v1/team/inbox`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Inbox {
    /// One page, newest first.
    pub reports: Vec<InboxItem>,
    /// The cursor of the next page (`?before=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The most reports of one inbox page, and the number when `?limit=` is not given.
pub const INBOX_PAGE_MAX: u32 = 200;
/// Reports per inbox page by default.
pub const INBOX_PAGE: u32 = 50;

/// `POST /api/v1/team/reports/{id}/spam`: mark a report as spam (`true`) or take it back.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MarkSpam {
    pub spam: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InboxItem {
    pub report_id: String,
    pub roles: Vec<String>,
    pub received: i64,
    pub first_response: Option<i64>,
    pub messages: i64,
    pub last_activity: i64,
    pub deadlines: Deadlines,
    /// Set once the case is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
    /// Marked as spam by a member (it may then be deleted).
    #[serde(default)]
    pub spam: bool,
    /// The latest version of the case's encrypted record, if a member wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseVersion>,
    /// When the server will delete the case as things stand (docs/api.md "Retention");
    /// `None` while a formal complaint awaits its decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletes: Option<i64>,
    /// The member who registered the case from another channel; `None` for a report made
    /// in the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    /// A registered contact's own envelope (the member's short note; crypto/SPEC.md §9.10),
    /// so that the app reads how the contact came without opening the case, for the annual
    /// report's statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<B64>,
}

/// One stored version of a case's record: an envelope sealed to the case's readers, signed by
/// `author` (crypto/SPEC.md §9.10).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CaseVersion {
    pub id: String,
    pub author: String,
    pub created: i64,
    pub envelope: B64,
}

/// How long the server keeps a case, which is all it learns of the case record
/// (docs/api.md "Retention").
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(tag = "keep", rename_all = "snake_case")]
pub enum Keep {
    /// The regulation's rule for a melding: deleted two years after its last activity.
    Activity,
    /// A formal complaint the committee decided on the day `decided` (Unix seconds): kept
    /// `--keep-formal-complaint-days` (five years) after it.
    Decided { decided: i64 },
    /// Kept until a later version says otherwise (a formal complaint awaiting its decision).
    Hold,
}

/// `POST /api/v1/team/reports/{id}/case`: a new version of the case's record.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PostCase {
    pub envelope: B64,
    #[serde(flatten)]
    pub keep: Keep,
}

/// The answer to `PostCase`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PostedCase {
    /// The id of the case record's version.
    pub id: String,
    pub created: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletes: Option<i64>,
}

/// `POST /api/v1/team/cases`: a contact from another channel, registered as a case of
/// `roles` (the member must hold one of them). Its record's first version follows with
/// `PostCase`: a record is signed for the case's id, which the server gives here.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RegisterContact {
    pub roles: Vec<String>,
    pub envelope: B64,
}

/// The answer to `RegisterContact`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    pub report_id: String,
    pub received: i64,
}

/// Due times derived from arrival (docs/design.md: first response 24 h, acknowledgement 7 days,
/// feedback 3 months).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub first_response_due: i64,
    pub acknowledgement_due: i64,
    pub feedback_due: i64,
}

/// `GET /api/v1/team/reports/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TeamReport {
    pub report_id: String,
    pub roles: Vec<String>,
    pub received: i64,
    pub envelope: B64,
    pub messages: Vec<ThreadMessage>,
    /// Encrypted attachments the reporter uploaded (complete ones only).
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
    /// Marked as spam by a member.
    #[serde(default)]
    pub spam: bool,
    /// Every version of the case's record, oldest first.
    #[serde(default)]
    pub cases: Vec<CaseVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    /// The case's audit trail, oldest first: what was done to it, by whom, at the hour; never
    /// what it says.
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
}

/// `GET /api/v1/team/statistics?after=&limit=`: what the annual report counts of every report
/// (docs/api.md "Statistics"), oldest first, a page at a time. The day of arrival, the roles
/// and the sealed statistics part only: the server learns nothing by answering, and a member
/// reads no case through it. A report the member was kept out of is never listed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatisticsPage {
    pub reports: Vec<StatisticsItem>,
    /// The cursor of the next page (`?after=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The most reports of one statistics page, and the number when `?limit=` is not given.
pub const STATISTICS_PAGE_MAX: u32 = 1000;

/// One report as the statistics count it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatisticsItem {
    pub report_id: String,
    /// The day it arrived: Unix seconds of its midnight, UTC.
    pub day: i64,
    /// The roles it was sent to (the annual report's channel).
    pub roles: Vec<String>,
    /// Its statistics part, sealed to the statistics key (crypto/SPEC.md §9.2), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<B64>,
    /// A contact a member registered from another channel, not a report made in the portal.
    #[serde(default)]
    pub registered: bool,
}

/// `GET /api/v1/team/handovers` (crypto/SPEC.md §9.11): cases the signed-in member reads that a
/// member who joined one of their roles later cannot read yet, a page at a time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Handovers {
    pub handovers: Vec<Handover>,
}

/// Most handovers in one answer; the app asks again until none is left.
pub const HANDOVER_PAGE: usize = 20;

/// One case to hand to a new member: the report whole (its sealed content names the case's
/// readers, which the handing member checks), and only the headers of its messages and case
/// records, whose stanzas are all that changes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    pub report_id: String,
    /// The new member, a member of the signed directory.
    pub member_id: String,
    pub envelope: B64,
    /// The member who registered the case, for a contact from another channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    pub messages: Vec<MessageHeader>,
    pub cases: Vec<CaseHeader>,
}

/// The header of a thread message's envelope (crypto/SPEC.md §4.1).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    pub id: i64,
    pub header: B64,
}

/// The header of a case record version's envelope.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CaseHeader {
    pub id: String,
    pub header: B64,
}

/// `POST /api/v1/team/handovers`: the headers of a case's envelopes with a stanza for the new
/// member appended. The server splices each into its envelope if it keeps every earlier stanza
/// (`loket_format::envelope::extend_header`), in one transaction, and the handover is done;
/// an envelope the handing member could not open is left out and stays as it was.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PostHandover {
    pub report_id: String,
    pub member_id: String,
    pub header: B64,
    pub messages: Vec<MessageHeader>,
    pub cases: Vec<CaseHeader>,
}

/// What `POST /api/v1/team/handovers` changed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HandedOver {
    pub report_id: String,
    pub member_id: String,
    /// Envelopes extended: the report, its messages and case records.
    pub envelopes: u32,
}

/// One act of the audit trail (docs/api.md "Audit trail").
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The member who acted; none for the reporter (a share) or the server itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    pub action: AuditAction,
    /// The hour it happened (Unix seconds, a multiple of 3600).
    pub hour: i64,
}

/// What the audit trail records.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A member signed in (not about one case).
    Login,
    /// A member opened the case.
    Opened,
    /// A member replied in the thread.
    Replied,
    /// A member saved a version of the case record.
    CaseSaved,
    /// A member registered a contact from another channel as this case.
    Registered,
    /// A member closed the case (the older closing endpoint).
    Closed,
    /// The reporter let another role or person read the case.
    Shared,
    SpamMarked,
    SpamUnmarked,
    /// A member deleted the case as spam.
    SpamDeleted,
    /// The server deleted the case when its retention ended.
    Purged,
    /// A member handed the case to a member who joined one of its roles later (its keys
    /// wrapped again, crypto/SPEC.md §9.11).
    HandedOver,
}

impl AuditAction {
    pub const ALL: [Self; 12] = [
        Self::Login,
        Self::Opened,
        Self::Replied,
        Self::CaseSaved,
        Self::Registered,
        Self::Closed,
        Self::Shared,
        Self::SpamMarked,
        Self::SpamUnmarked,
        Self::SpamDeleted,
        Self::Purged,
        Self::HandedOver,
    ];

    /// The name stored in the database and sent in the API.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Opened => "opened",
            Self::Replied => "replied",
            Self::CaseSaved => "case_saved",
            Self::Registered => "registered",
            Self::Closed => "closed",
            Self::Shared => "shared",
            Self::SpamMarked => "spam_marked",
            Self::SpamUnmarked => "spam_unmarked",
            Self::SpamDeleted => "spam_deleted",
            Self::Purged => "purged",
            Self::HandedOver => "handed_over",
        }
    }

    /// The action of a stored name.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// How a case ended; it decides how long the report is kept (docs/api.md, "Retention").
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Closed without a formal complaint (default: deleted 2 years after closing).
    NoComplaint,
    /// A formal complaint was decided (default: deleted 5 years after the decision).
    FormalComplaint,
}

/// `POST /api/v1/team/reports/{id}/close`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CloseReport {
    pub outcome: Outcome,
}

/// A closed case: when, how, and when the purge job deletes it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    /// To the hour.
    pub at: i64,
    pub outcome: Outcome,
    pub delete_after: i64,
}

/// `POST /api/v1/thread/attachments`: start uploading an encrypted attachment to a report.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewAttachment {
    pub lookup_token: B64,
    /// Total ciphertext size in bytes.
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pow: Option<PowSolution>,
}

/// The answer to [`NewAttachment`]: upload piece `n` (0-based, `piece_size` bytes except the
/// last) with `PUT /api/v1/uploads/{upload_key}/{n}` as `application/octet-stream`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AttachmentUpload {
    pub attachment_id: String,
    /// A capability for this upload only; the server keeps its SHA-256.
    pub upload_key: String,
    pub piece_size: u64,
    pub pieces: u64,
}

/// Progress of an upload (`GET /api/v1/uploads/{upload_key}` or the answer to a piece):
/// resume at the first missing piece.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct UploadStatus {
    pub attachment_id: String,
    pub size: u64,
    pub pieces: u64,
    /// Pieces stored so far (always a prefix: 0 .. received).
    pub received: u64,
    pub complete: bool,
}

/// An attachment as the team sees it; its pieces are at
/// `GET /api/v1/team/attachments/{attachment_id}/{n}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub attachment_id: String,
    pub size: u64,
    pub pieces: u64,
    pub piece_size: u64,
    pub created: i64,
}

/// `POST /api/v1/team/reports/{id}/messages`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PostReply {
    pub envelope: B64,
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    /// The name the database stores is the one the API sends, for every action.
    #[test]
    fn audit_actions_are_named_alike_in_the_database_and_the_api() {
        for action in AuditAction::ALL {
            let json = serde_json::to_string(&action).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", action.key()));
            assert_eq!(AuditAction::from_key(action.key()), Some(action));
        }
        assert_eq!(AuditAction::from_key("nothing"), None);
    }
}
