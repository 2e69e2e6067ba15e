//! loket-client: the steps of Loket's protocol that happen on a reader's or writer's own
//! machine (crypto/SPEC.md §9, §11, §12), written once for the portal, `loket-team` and the tests.
//!
//! - The team directory is accepted only with a valid signature by the organisation key the
//!   client was built with (§12).
//! - Every plaintext is a signed body (§11): the reporter signs with a key derived from the
//!   follow-up code, team members with their Ed25519 key from the directory. Opening checks
//!   that the signer is the author the server claims, so a server that knows every public key
//!   still cannot forge a reply from the team or an answer from the reporter.
//! - Readers are taken from inside the sealed report, never from the server.

#[cfg(feature = "bench")]
pub mod bench;
pub mod case;
pub mod handover;
pub mod history;
pub mod share;
pub mod stats;
mod thread;

pub use thread::{OpenedMessage, OpenedThread, open_own_thread, open_thread};

use loket_crypto::sign::{self, Signer};
use loket_crypto::{Identity, RecipientKey, ReporterKeys};
use loket_wire::B64;
use loket_wire::api::{Author, Directory, SignedDirectory};
use loket_wire::content::{
    AgeBand, AttachmentRef, CONTENT_VERSION, CaseState, ContactDetails, Content, Intake, Share,
    StaffCategory,
};
use loket_wire::keys::OrganisationKey;
use zeroize::Zeroizing;

/// Why a client step failed. Messages are for people; none carries a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClientError {
    #[error("the team directory is not signed by this organisation's key")]
    DirectoryNotSigned,
    #[error("the team directory cannot be read")]
    DirectoryMalformed,
    #[error("the team directory has expired")]
    DirectoryExpired,
    #[error("the team directory is older than one this page already had")]
    DirectoryRolledBack,
    #[error("nobody holds the chosen roles, so nobody could read the message")]
    NoReaders,
    #[error("a key in the team directory is not usable")]
    BadDirectoryKey,
    #[error("the message could not be encrypted")]
    Seal,
    /// More than a report or message may hold (64 KiB padded; files go as attachments).
    #[error("the text is too long")]
    TooLong,
    /// The receipt's signature is not by the receipt key of the signed directory, or the
    /// directory lists none.
    #[error("the receipt is not signed by this organisation's server")]
    BadReceipt,
    /// Referral with consent (SPEC §9.8) to a role that is not in the directory, has nobody
    /// left to read the report, or reads it already; or a thread that is not the reporter's.
    #[error("the report cannot be shared with that role")]
    CannotShare,
    /// A handover (SPEC §9.11) to a member who is not in the directory, whose fingerprint is
    /// not their keys', or who is not one of the case's readers; or of a case this member
    /// cannot open.
    #[error("the case cannot be handed to that member")]
    CannotHandOver,
    /// The chain of earlier directories (SPEC §12.6) has a signature or a link that does not
    /// check out, or does not end in the current directory.
    #[error("the earlier team directories cannot be verified")]
    HistoryBroken,
}

/// Checks the directory's signature with the pinned organisation key, then parses it.
pub fn verify_directory(
    signed: &SignedDirectory,
    organisation: &OrganisationKey,
) -> Result<Directory, ClientError> {
    let signature: [u8; 64] = signed
        .signature
        .array()
        .ok_or(ClientError::DirectoryNotSigned)?;
    if !organisation.verify_directory(&signed.body.0, &signature) {
        return Err(ClientError::DirectoryNotSigned);
    }
    serde_json::from_slice(&signed.body.0).map_err(|_| ClientError::DirectoryMalformed)
}

/// What a page remembers of the team directories it accepted: the highest serial, for as long
/// as the page lives (crypto/SPEC.md §12.3, steps 4 and 5). Not stored anywhere else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectoryMemory {
    highest_serial: Option<i64>,
}

impl DirectoryMemory {
    /// The highest serial accepted so far.
    pub fn highest_serial(&self) -> Option<i64> {
        self.highest_serial
    }

    /// Accepts a verified directory at `now` (Unix seconds, the client's clock) unless it has
    /// expired or is older than one accepted before; remembers its serial.
    pub fn accept(&mut self, dir: &Directory, now: i64) -> Result<(), ClientError> {
        check_directory_freshness(dir, now, self.highest_serial)?;
        self.highest_serial = Some(
            self.highest_serial
                .map_or(dir.serial, |s| s.max(dir.serial)),
        );
        Ok(())
    }
}

/// SPEC §12.3 steps 4–5: refuses a directory that is past its `expires` at `now`, or whose
/// `serial` is lower than `highest_seen`. The same serial again is the same directory
/// fetched twice, and fine.
pub fn check_directory_freshness(
    dir: &Directory,
    now: i64,
    highest_seen: Option<i64>,
) -> Result<(), ClientError> {
    if now >= dir.expires {
        return Err(ClientError::DirectoryExpired);
    }
    if highest_seen.is_some_and(|seen| dir.serial < seen) {
        return Err(ClientError::DirectoryRolledBack);
    }
    Ok(())
}

/// [`verify_directory`], then [`DirectoryMemory::accept`]: what an app does with every
/// directory it fetches.
pub fn verify_fresh_directory(
    signed: &SignedDirectory,
    organisation: &OrganisationKey,
    now: i64,
    memory: &mut DirectoryMemory,
) -> Result<Directory, ClientError> {
    let dir = verify_directory(signed, organisation)?;
    memory.accept(&dir, now)?;
    Ok(dir)
}

/// The readers of a thread: every member of `roles` in the directory and every member named in
/// `members`, except the `excluded` ones, and the reporter.
pub fn readers(
    dir: &Directory,
    roles: &[String],
    members: &[String],
    excluded: &[String],
    reporter: RecipientKey,
) -> Result<Vec<RecipientKey>, ClientError> {
    let mut out = member_readers(dir, roles, members, excluded)?;
    out.push(reporter);
    Ok(out)
}

/// The team's readers of a case: every member of `roles` in the directory and every member
/// named in `members` (each once), except the `excluded` ones; `NoReaders` if none is left.
/// If the directory lists a recovery key and one of `roles` has a single member left to read,
/// the recovery key too (SPEC §9.12): that member's lost key then loses nothing.
pub fn member_readers(
    dir: &Directory,
    roles: &[String],
    members: &[String],
    excluded: &[String],
) -> Result<Vec<RecipientKey>, ClientError> {
    let mut out = Vec::new();
    let reads = |m: &loket_wire::api::Member| {
        (m.roles.iter().any(|r| roles.contains(r)) || members.contains(&m.id))
            && !excluded.contains(&m.id)
    };
    for member in dir.members.iter().filter(|m| reads(m)) {
        out.push(RecipientKey(
            member.x25519.array().ok_or(ClientError::BadDirectoryKey)?,
        ));
    }
    if out.is_empty() {
        return Err(ClientError::NoReaders);
    }
    let alone = |role: &String| {
        dir.members_of(std::slice::from_ref(role))
            .filter(|m| !excluded.contains(&m.id))
            .count()
            == 1
    };
    if let Some(key) = &dir.recovery_key
        && roles.iter().any(alone)
    {
        out.push(RecipientKey(
            key.array().ok_or(ClientError::BadDirectoryKey)?,
        ));
    }
    Ok(out)
}

pub(crate) fn seal_signed<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
    signer: &impl Signer,
    context: &[u8],
    content: &Content,
) -> Result<B64, ClientError> {
    let json = Zeroizing::new(serde_json::to_vec(content).map_err(|_| ClientError::Seal)?);
    let signed = Zeroizing::new(sign::sign_body(signer, context, &json));
    // The server stores no larger envelope (loket_format::envelope::check_shape).
    if loket_format::pad::padded_len(signed.len()) > loket_format::envelope::MAX_PADDED_LEN {
        return Err(ClientError::TooLong);
    }
    loket_crypto::seal(rng, recipients, &signed)
        .map(B64)
        .map_err(|_| ClientError::Seal)
}

/// What a reporter sends: the text, the intake answers, the chosen roles and the members of
/// those roles who must not read it. No `Debug`: it holds plaintext.
#[derive(Clone, Default)]
pub struct Submission {
    pub text: String,
    pub intake: Option<Intake>,
    pub roles: Vec<String>,
    pub excluded: Vec<String>,
}

/// SPEC §9.2: a report of `text` alone (no intake answers, nobody excluded) to `roles`.
pub fn seal_report<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    roles: &[String],
    keys: &ReporterKeys,
    text: &str,
) -> Result<B64, ClientError> {
    let submission = Submission {
        text: text.to_owned(),
        roles: roles.to_vec(),
        ..Submission::default()
    };
    seal_submission(rng, dir, keys, &submission)
}

/// SPEC §9.2: the report, signed with the reporter's code-derived key and sealed to the
/// members of its roles (except the excluded ones) and to the reporter.
pub fn seal_submission<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    keys: &ReporterKeys,
    submission: &Submission,
) -> Result<B64, ClientError> {
    let me = keys.identity.recipient();
    let recipients = readers(dir, &submission.roles, &[], &submission.excluded, me)?;
    let content = Content::Report {
        v: CONTENT_VERSION,
        roles: submission.roles.clone(),
        reporter_key: B64(me.0.to_vec()),
        reporter_signing_key: B64(keys.signing.verifying_key().to_vec()),
        text: submission.text.clone(),
        intake: submission.intake.clone(),
        excluded: submission.excluded.clone(),
        members: Vec::new(),
    };
    seal_signed(
        rng,
        &recipients,
        &keys.signing,
        sign::REPORT_CONTEXT,
        &content,
    )
}

pub use loket_wire::api::MAX_UNIT_LEN;

/// The anonymous statistics part of a report (SPEC §9.2). No `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StatisticsPart {
    pub staff: Option<StaffCategory>,
    pub age: Option<AgeBand>,
    pub unit: Option<String>,
}

/// SPEC §9.2 step 4: the statistics part sealed to the directory's statistics key alone;
/// `Ok(None)` when the directory lists no statistics key. An empty part is sealed all the
/// same (the same size), so the server cannot tell who answered.
pub fn seal_statistics<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    keys: &ReporterKeys,
    part: &StatisticsPart,
) -> Result<Option<B64>, ClientError> {
    let Some(key) = &dir.statistics_key else {
        return Ok(None);
    };
    let key = RecipientKey(key.array().ok_or(ClientError::BadDirectoryKey)?);
    let content = Content::Statistics {
        v: CONTENT_VERSION,
        staff: part.staff,
        age: part.age,
        unit: part.unit.clone(),
    };
    // Every statistics part has the size of the smallest bucket (the server checks it).
    if part.unit.as_ref().is_some_and(|u| u.len() > MAX_UNIT_LEN) {
        return Err(ClientError::TooLong);
    }
    seal_signed(
        rng,
        &[key],
        &keys.signing,
        loket_format::signed::STATISTICS_CONTEXT,
        &content,
    )
    .map(Some)
}

/// Opens a statistics part with the statistics key (issue 14's statistics view). `None`
/// unless it opens, verifies and parses.
pub fn open_statistics(identity: &Identity, envelope: &B64) -> Option<StatisticsPart> {
    let plain = loket_crypto::open(identity, &envelope.0).ok()?;
    let verified = sign::verify_body(&plain, loket_format::signed::STATISTICS_CONTEXT).ok()?;
    match serde_json::from_slice(verified.body).ok()? {
        Content::Statistics {
            staff, age, unit, ..
        } => Some(StatisticsPart { staff, age, unit }),
        _ => None,
    }
}

/// Checks a receipt (SPEC §9.2 step 6) against the signed directory's receipt key and the
/// envelope it names.
pub fn verify_receipt(
    dir: &Directory,
    envelope: &B64,
    receipt: &loket_wire::api::Receipt,
) -> Result<(), ClientError> {
    use sha2::Digest;
    let digest: [u8; 32] = sha2::Sha256::digest(&envelope.0).into();
    if receipt_signed_hash(dir, receipt)? != digest {
        return Err(ClientError::BadReceipt);
    }
    Ok(())
}

/// Checks a downloaded receipt file with the organisation key alone (the envelope is not
/// needed): its directory must be signed by `organisation`, and the receipt by the receipt
/// key that directory lists. Returns the directory, for its organisation's name. An expired
/// directory is fine here: it vouched for the key when the receipt was signed.
pub fn verify_receipt_file(
    file: &loket_wire::api::ReceiptFile,
    organisation: &OrganisationKey,
) -> Result<Directory, ClientError> {
    if file.format != loket_wire::api::RECEIPT_FORMAT {
        return Err(ClientError::BadReceipt);
    }
    let dir = verify_directory(&file.directory, organisation)?;
    receipt_signed_hash(&dir, &file.receipt)?;
    Ok(dir)
}

/// The envelope hash a receipt names, once its signature verifies with the directory's
/// receipt key.
fn receipt_signed_hash(
    dir: &Directory,
    receipt: &loket_wire::api::Receipt,
) -> Result<[u8; 32], ClientError> {
    let key: [u8; 32] = dir
        .receipt_key
        .as_ref()
        .and_then(|k| k.array())
        .ok_or(ClientError::BadReceipt)?;
    let named: [u8; 32] = receipt
        .envelope_sha256
        .array()
        .ok_or(ClientError::BadReceipt)?;
    let signature: [u8; 64] = receipt.signature.array().ok_or(ClientError::BadReceipt)?;
    let message = loket_format::signed::receipt_message(&named, receipt.received);
    if !loket_format::signed::verify(&key, &message, &signature) {
        return Err(ClientError::BadReceipt);
    }
    Ok(named)
}

/// A report that opened and whose signature matches the reporter key inside it. Its `Debug`
/// leaves the text out.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenedReport {
    pub roles: Vec<String>,
    pub reporter_key: RecipientKey,
    pub reporter_signing_key: [u8; 32],
    pub text: String,
    pub intake: Option<Intake>,
    /// Members of the roles who must not read the thread: nothing is sealed to them.
    pub excluded: Vec<String>,
    /// Members the reporter let read the thread by name, besides the roles' members (§9.8).
    pub members: Vec<String>,
}

impl OpenedReport {
    /// Everyone a message of this thread is sealed to (SPEC §9.4, §9.6).
    pub fn readers(&self, dir: &Directory) -> Result<Vec<RecipientKey>, ClientError> {
        readers(
            dir,
            &self.roles,
            &self.members,
            &self.excluded,
            self.reporter_key,
        )
    }
}

impl std::fmt::Debug for OpenedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedReport")
            .field("roles", &self.roles)
            .field("text", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Opens a report; `None` unless it decrypts, parses and is signed by the key it names.
pub fn open_report(identity: &Identity, envelope: &B64) -> Option<OpenedReport> {
    let plain = loket_crypto::open(identity, &envelope.0).ok()?;
    let verified = sign::verify_body(&plain, sign::REPORT_CONTEXT).ok()?;
    let Content::Report {
        roles,
        reporter_key,
        reporter_signing_key,
        text,
        intake,
        excluded,
        members,
        ..
    } = serde_json::from_slice(verified.body).ok()?
    else {
        return None;
    };
    let reporter_signing_key: [u8; 32] = reporter_signing_key.array()?;
    if verified.signer != reporter_signing_key {
        return None;
    }
    Some(OpenedReport {
        roles,
        reporter_key: RecipientKey(reporter_key.array()?),
        reporter_signing_key,
        text,
        intake,
        excluded,
        members,
    })
}

fn message_content(text: &str, attachment: Option<AttachmentRef>) -> Content {
    Content::Message {
        v: CONTENT_VERSION,
        text: text.to_owned(),
        attachment,
        status: None,
        contact: None,
        share: None,
    }
}

/// An attachment sealed for a thread: the ciphertext to upload, and its SHA-256 for the signed
/// message that announces it.
pub struct SealedAttachment {
    pub ciphertext: Vec<u8>,
    pub sha256: [u8; 32],
}

/// SPEC §9.9: encrypts a file with the STREAM construction (crypto/SPEC.md §5) to the readers
/// named inside the report and the reporter.
pub fn seal_attachment<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    file: &[u8],
) -> Result<SealedAttachment, ClientError> {
    use sha2::Digest;
    let recipients = report.readers(dir)?;
    // The file is in memory: seal it without the copies of the Read/Write interface (same
    // bytes as `seal_stream`, crypto/SPEC.md §5).
    let mut ciphertext = Vec::new();
    loket_crypto::seal_into(rng, &recipients, file, &mut ciphertext)
        .map_err(|_| ClientError::Seal)?;
    let sha256 = sha2::Sha256::digest(&ciphertext).into();
    Ok(SealedAttachment { ciphertext, sha256 })
}

/// SPEC §9.9, as the file is read: seals a file of a known length to the readers named inside
/// the report and the reporter with the STREAM construction (crypto/SPEC.md §5), one piece of
/// plaintext at a time, and hashes the ciphertext as it is produced, for the signed message
/// that announces it. The same bytes as [`seal_attachment`] for the same RNG.
pub struct AttachmentSealer {
    inner: loket_crypto::stream::StreamSealer,
    hash: sha2::Sha256,
    complete: bool,
}

impl AttachmentSealer {
    /// Starts sealing a file of `len` bytes; appends the envelope header to `out`.
    pub fn new<R: rand_core::CryptoRng + ?Sized>(
        rng: &mut R,
        dir: &Directory,
        report: &OpenedReport,
        len: u64,
        out: &mut Vec<u8>,
    ) -> Result<Self, ClientError> {
        use sha2::Digest;
        let recipients = report.readers(dir)?;
        let start = out.len();
        let inner = loket_crypto::stream::StreamSealer::new(rng, &recipients, len, out)
            .map_err(|_| ClientError::Seal)?;
        let mut hash = sha2::Sha256::new();
        hash.update(out.get(start..).unwrap_or(&[]));
        Ok(Self {
            inner,
            hash,
            complete: false,
        })
    }

    /// The length of the whole ciphertext, known before any of it (the upload announces it).
    pub fn ciphertext_len(&self) -> u64 {
        self.inner.sealed_len()
    }

    /// Takes the next plaintext bytes; appends the ciphertext they complete to `out`.
    pub fn push(&mut self, plain: &[u8], out: &mut Vec<u8>) -> Result<(), ClientError> {
        use sha2::Digest;
        let start = out.len();
        self.inner.push(plain, out).map_err(|_| ClientError::Seal)?;
        self.hash.update(out.get(start..).unwrap_or(&[]));
        Ok(())
    }

    /// After the last plaintext: appends the next chunk of the end to `out`; true when the
    /// ciphertext is complete (call again until then, sending what was written).
    pub fn finish_next(&mut self, out: &mut Vec<u8>) -> Result<bool, ClientError> {
        use sha2::Digest;
        if self.complete {
            return Ok(true);
        }
        let start = out.len();
        self.complete = self.inner.finish_next(out).map_err(|_| ClientError::Seal)?;
        self.hash.update(out.get(start..).unwrap_or(&[]));
        Ok(self.complete)
    }

    /// The SHA-256 of the whole ciphertext, once it is complete.
    pub fn sha256(self) -> Option<[u8; 32]> {
        use sha2::Digest;
        self.complete.then(|| self.hash.finalize().into())
    }
}

/// The reporter's signed message that announces an uploaded attachment (and may say
/// something about it): the signature covers the attachment's id, name, size and the SHA-256 of
/// its ciphertext.
pub fn seal_reporter_attachment_message<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    keys: &ReporterKeys,
    text: &str,
    attachment: AttachmentRef,
) -> Result<B64, ClientError> {
    let content = message_content(text, Some(attachment));
    seal_reporter_content(rng, dir, report, report_id, keys, &content)
}

/// Opens a downloaded attachment: only if its ciphertext is the one the signed message
/// vouches for, and it decrypts.
pub fn open_attachment(
    identity: &Identity,
    expected: &AttachmentRef,
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    use sha2::Digest;
    let digest: [u8; 32] = sha2::Sha256::digest(ciphertext).into();
    if expected.sha256.0.as_slice() != digest.as_slice() {
        return None;
    }
    let mut plain = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    loket_crypto::stream::open_stream(identity, ciphertext, &mut *plain).ok()?;
    (plain.len() as u64 == expected.size).then_some(plain)
}

/// SPEC §9.4: the reporter's answer, signed with the code-derived key, sealed to the readers
/// named inside the report.
pub fn seal_reporter_message<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    keys: &ReporterKeys,
    text: &str,
) -> Result<B64, ClientError> {
    seal_reporter_content(
        rng,
        dir,
        report,
        report_id,
        keys,
        &message_content(text, None),
    )
}

/// The reporter's message giving their name and how to reach them, for the formal route
/// (SPEC §9.4): their own choice, sealed like any answer.
pub fn seal_reporter_contact<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    keys: &ReporterKeys,
    text: &str,
    contact: ContactDetails,
) -> Result<B64, ClientError> {
    let content = Content::Message {
        v: CONTENT_VERSION,
        text: text.to_owned(),
        attachment: None,
        status: None,
        contact: Some(contact),
        share: None,
    };
    seal_reporter_content(rng, dir, report, report_id, keys, &content)
}

pub(crate) fn seal_reporter_content<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    keys: &ReporterKeys,
    content: &Content,
) -> Result<B64, ClientError> {
    // Sealed to the reporter key derived from the code (the same as the report's, for the
    // reporter's own thread: open_own_thread checks it).
    let recipients = readers(
        dir,
        &report.roles,
        &report.members,
        &report.excluded,
        keys.identity.recipient(),
    )?;
    seal_signed(
        rng,
        &recipients,
        &keys.signing,
        &sign::thread_context(report_id),
        content,
    )
}

/// SPEC §9.6: a team member's reply, signed with the member's key, sealed to the reporter key
/// and roles named inside the report.
pub fn seal_team_message<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    member: &loket_crypto::MemberSecretKey,
    text: &str,
) -> Result<B64, ClientError> {
    seal_team_status(rng, dir, report, report_id, member, text, None)
}

/// SPEC §9.6: a team reply that shares the state of the case with the reporter; `text` is
/// what the team says with it (such as aftercare).
pub fn seal_team_status<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    member: &loket_crypto::MemberSecretKey,
    text: &str,
    status: Option<CaseState>,
) -> Result<B64, ClientError> {
    let recipients = report.readers(dir)?;
    let content = Content::Message {
        v: CONTENT_VERSION,
        text: text.to_owned(),
        attachment: None,
        status,
        contact: None,
        share: None,
    };
    seal_signed(
        rng,
        &recipients,
        member,
        &sign::thread_context(report_id),
        &content,
    )
}

/// Opens a thread message and checks that it was written by `author`: the reporter (the
/// signing key inside the report) or the member with that id in the signed directory.
/// `None` for anything else, so a forged or altered message is never shown.
pub fn open_message(
    identity: &Identity,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    author: &Author,
    envelope: &B64,
) -> Option<String> {
    open_message_body(identity, dir, report, report_id, author, envelope).map(|b| b.text)
}

/// Like [`open_message`], with the attachment the message vouches for, if any.
pub fn open_message_with_attachment(
    identity: &Identity,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    author: &Author,
    envelope: &B64,
) -> Option<(String, Option<AttachmentRef>)> {
    open_message_body(identity, dir, report, report_id, author, envelope)
        .map(|b| (b.text, b.attachment))
}

/// What a verified message says. No `Debug`: it holds plaintext.
pub struct MessageBody {
    pub text: String,
    pub attachment: Option<AttachmentRef>,
    /// The state of the case the team shared (team messages only).
    pub status: Option<CaseState>,
    /// The reporter's name and contact details (reporter messages only).
    pub contact: Option<ContactDetails>,
    /// A member's request to involve another role, or the reporter's answer to one.
    pub share: Option<Share>,
    /// Signed by a member the current directory no longer lists, whom an earlier directory of
    /// the verified chain did (SPEC §12.6, `Directory::former`).
    pub former: bool,
}

/// Like [`open_message`], with everything the message carries besides its text. A `status`
/// and a request to share count only from a member, a `contact` and an answer to a request
/// only from the reporter.
pub fn open_message_body(
    identity: &Identity,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    author: &Author,
    envelope: &B64,
) -> Option<MessageBody> {
    open_signed_message(identity, dir, report, report_id, author, envelope).map(|(_, body)| body)
}

/// Opens and verifies a thread message: its signed body as it was sealed (which a share seals
/// again unchanged, crypto/SPEC.md §9.8) and what it says.
pub(crate) fn open_signed_message(
    identity: &Identity,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    author: &Author,
    envelope: &B64,
) -> Option<(Zeroizing<Vec<u8>>, MessageBody)> {
    let plain = loket_crypto::open(identity, &envelope.0).ok()?;
    let verified = sign::verify_body(&plain, &sign::thread_context(report_id)).ok()?;
    let listed = |id: &String| dir.members.iter().find(|m| &m.id == id);
    let former = |id: &String| dir.former.iter().find(|f| &f.member.id == id);
    let (expected, former): ([u8; 32], bool) = match author {
        Author::Reporter => (report.reporter_signing_key, false),
        Author::Member { member_id } => match listed(member_id) {
            Some(m) => (m.ed25519.array()?, false),
            None => (former(member_id)?.member.ed25519.array()?, true),
        },
    };
    if verified.signer != expected {
        return None;
    }
    let from_member = matches!(author, Author::Member { .. });
    let body = match serde_json::from_slice(verified.body).ok()? {
        Content::Message {
            text,
            attachment,
            status,
            contact,
            share,
            ..
        } => MessageBody {
            text,
            attachment,
            status: status.filter(|_| from_member),
            contact: contact.filter(|_| !from_member),
            share: share.filter(|s| matches!(s, Share::Ask { .. }) == from_member),
            former,
        },
        _ => return None,
    };
    Some((plain, body))
}

/// The name to save an attachment under: the reporter chose it, so it is made harmless first.
/// Path separators, control and bidirectional-override characters (which can disguise
/// `report` U+202E `fdp.exe` as `reportexe.pdf`) become `_`; leading dots and spaces, trailing dots and
/// spaces (which Windows drops), and names Windows reserves for devices are defused; the result
/// is at most 120 characters, and never empty.
pub fn safe_file_name(name: &str) -> String {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    let cleaned: String = name
        .chars()
        .map(|c| if unsafe_char(c) { '_' } else { c })
        .take(120)
        .collect();
    let trimmed = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let stem = trimmed
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    match trimmed {
        "" => "attachment".to_owned(),
        t if reserved => format!("_{t}"),
        t => t.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use loket_crypto::sign::SigningSecret;
    use loket_crypto::{FollowUpCode, MemberSecretKey};
    use loket_wire::api::{Member, Role};
    use loket_wire::keys::directory_signed_message;
    use rand::SeedableRng;

    pub(crate) struct World {
        pub(crate) rng: rand::rngs::StdRng,
        org: SigningSecret,
        /// Member `m1`, role `ccp`.
        pub(crate) member: MemberSecretKey,
        /// Member `m2`, role `ombudsperson`.
        pub(crate) other_role_member: MemberSecretKey,
        pub(crate) dir: Directory,
        pub(crate) signed: SignedDirectory,
        pub(crate) reporter: ReporterKeys,
    }

    fn member(id: &str, roles: &[&str], key: &MemberSecretKey) -> Member {
        let p = key.public();
        Member {
            id: id.into(),
            name: id.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            x25519: B64(p.x25519.to_vec()),
            ed25519: B64(p.ed25519.to_vec()),
            fingerprint: String::new(),
        }
    }

    pub(crate) fn world() -> World {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let org = SigningSecret::generate(&mut rng);
        let m = MemberSecretKey::generate(&mut rng);
        let o = MemberSecretKey::generate(&mut rng);
        let dir = Directory {
            organisation: "Test".into(),
            serial: 1,
            issued: 0,
            expires: 1000,
            deployment_salt: B64(vec![1; 16]),
            roles: ["ccp", "ombudsperson"]
                .iter()
                .map(|r| Role {
                    id: r.to_string(),
                    name: r.to_string(),
                    description: String::new(),
                    nl: None,
                })
                .collect(),
            members: vec![
                member("m1", &["ccp"], &m),
                member("m2", &["ombudsperson"], &o),
            ],
            units: Vec::new(),
            statistics_key: None,
            receipt_key: None,
            recovery_key: None,
            previous: None,
            former: Vec::new(),
        };
        let body = serde_json::to_vec(&dir).unwrap();
        let signature = org.sign(&directory_signed_message(&body));
        let signed = SignedDirectory {
            body: B64(body),
            signature: B64(signature.to_vec()),
        };
        let code = FollowUpCode::generate(&mut rng);
        let reporter = code.derive(&[1; 16]).unwrap();
        World {
            rng,
            org,
            member: m,
            other_role_member: o,
            dir,
            signed,
            reporter,
        }
    }

    impl World {
        /// `body` signed by the world's organisation key.
        pub(crate) fn sign(&self, body: Vec<u8>) -> SignedDirectory {
            let signature = self.org.sign(&directory_signed_message(&body));
            SignedDirectory {
                body: B64(body),
                signature: B64(signature.to_vec()),
            }
        }

        pub(crate) fn org_key(&self) -> OrganisationKey {
            org_key(&self.org)
        }
    }

    fn org_key(org: &SigningSecret) -> OrganisationKey {
        OrganisationKey {
            ed25519: org.verifying_key(),
        }
    }

    #[test]
    fn step_9_1_directory_is_accepted_only_with_the_pinned_key() {
        let mut w = world();
        assert_eq!(
            verify_directory(&w.signed, &org_key(&w.org)).unwrap(),
            w.dir
        );
        let stranger = SigningSecret::generate(&mut w.rng);
        assert_eq!(
            verify_directory(&w.signed, &org_key(&stranger)),
            Err(ClientError::DirectoryNotSigned)
        );
        // A server that adds its own member to the signed body breaks the signature.
        let mut tampered = w.signed.clone();
        let mut dir = w.dir.clone();
        dir.members[0].roles.push("ombudsperson".into());
        tampered.body = B64(serde_json::to_vec(&dir).unwrap());
        assert_eq!(
            verify_directory(&tampered, &org_key(&w.org)),
            Err(ClientError::DirectoryNotSigned)
        );
    }

    #[test]
    fn step_9_1_an_expired_or_rolled_back_directory_is_refused() {
        let w = world();
        let org = org_key(&w.org);
        let mut memory = DirectoryMemory::default();
        // Fine: signed, not expired, nothing seen before.
        assert_eq!(
            verify_fresh_directory(&w.signed, &org, 999, &mut memory).unwrap(),
            w.dir
        );
        assert_eq!(memory.highest_serial(), Some(1));
        // The same directory again is fine.
        assert!(verify_fresh_directory(&w.signed, &org, 999, &mut memory).is_ok());
        // Expired: at and after `expires`.
        assert_eq!(
            verify_fresh_directory(&w.signed, &org, 1000, &mut memory),
            Err(ClientError::DirectoryExpired)
        );
        assert_eq!(
            check_directory_freshness(&w.dir, 5000, None),
            Err(ClientError::DirectoryExpired)
        );
        // A newer one is accepted; after it, the old one is a rollback.
        let mut newer = w.dir.clone();
        newer.serial = 2;
        let body = serde_json::to_vec(&newer).unwrap();
        let signed_newer = SignedDirectory {
            signature: B64(w.org.sign(&directory_signed_message(&body)).to_vec()),
            body: B64(body),
        };
        assert_eq!(
            verify_fresh_directory(&signed_newer, &org, 999, &mut memory).unwrap(),
            newer
        );
        assert_eq!(memory.highest_serial(), Some(2));
        assert_eq!(
            verify_fresh_directory(&w.signed, &org, 999, &mut memory),
            Err(ClientError::DirectoryRolledBack)
        );
        assert_eq!(memory.highest_serial(), Some(2));
        // A directory without `expires` does not parse: it cannot be accepted for ever.
        let mut no_expiry: serde_json::Value = serde_json::to_value(&w.dir).unwrap();
        no_expiry.as_object_mut().unwrap().remove("expires");
        let body = serde_json::to_vec(&no_expiry).unwrap();
        let unsigned_expiry = SignedDirectory {
            signature: B64(w.org.sign(&directory_signed_message(&body)).to_vec()),
            body: B64(body),
        };
        assert_eq!(
            verify_directory(&unsigned_expiry, &org),
            Err(ClientError::DirectoryMalformed)
        );
    }

    #[test]
    fn step_9_9_a_file_sealed_as_it_is_read_is_the_same_ciphertext() {
        use rand::SeedableRng;
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "see the file").unwrap();
        let mine = open_report(&w.reporter.identity, &report).unwrap();
        let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let whole = seal_attachment(
            &mut rand::rngs::StdRng::seed_from_u64(9),
            &w.dir,
            &mine,
            &file,
        )
        .unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let mut out = Vec::new();
        let mut sealer =
            AttachmentSealer::new(&mut rng, &w.dir, &mine, file.len() as u64, &mut out).unwrap();
        assert_eq!(sealer.ciphertext_len(), whole.ciphertext.len() as u64);
        for piece in file.chunks(100_000) {
            sealer.push(piece, &mut out).unwrap();
        }
        let mut calls = 0;
        while !sealer.finish_next(&mut out).unwrap() {
            calls += 1;
        }
        assert!(calls < 10);
        assert_eq!(out, whole.ciphertext);
        assert_eq!(sealer.sha256(), Some(whole.sha256));
        // Unfinished, there is no hash to sign.
        let mut out = Vec::new();
        let sealer = AttachmentSealer::new(&mut rng, &w.dir, &mine, 5, &mut out).unwrap();
        assert_eq!(sealer.sha256(), None);
    }

    #[test]
    fn step_9_9_attachments_are_vouched_for_by_a_signed_message() {
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "see the file").unwrap();
        let mine = open_report(&w.reporter.identity, &report).unwrap();
        let opened = open_report(w.member.identity(), &report).unwrap();
        let file: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let sealed = seal_attachment(&mut w.rng, &w.dir, &mine, &file).unwrap();
        let reference = AttachmentRef {
            attachment_id: "a1".into(),
            name: "screenshot.png".into(),
            media_type: "image/png".into(),
            size: file.len() as u64,
            sha256: B64(sealed.sha256.to_vec()),
        };
        let message = seal_reporter_attachment_message(
            &mut w.rng,
            &w.dir,
            &mine,
            "r1",
            &w.reporter,
            "the screenshot",
            reference.clone(),
        )
        .unwrap();
        let (text, got) = open_message_with_attachment(
            w.member.identity(),
            &w.dir,
            &opened,
            "r1",
            &Author::Reporter,
            &message,
        )
        .unwrap();
        assert_eq!(text, "the screenshot");
        let got = got.unwrap();
        assert_eq!(got, reference);
        let plain = open_attachment(w.member.identity(), &got, &sealed.ciphertext).unwrap();
        assert_eq!(plain.as_slice(), file.as_slice());
        // The other role cannot open it.
        assert!(
            open_attachment(w.other_role_member.identity(), &got, &sealed.ciphertext).is_none()
        );
        // A flipped bit, or another file sealed to the same readers (what a server holding the
        // public keys could make), is refused: the signed hash does not match.
        let mut flipped = sealed.ciphertext.clone();
        flipped[5000] ^= 1;
        assert!(open_attachment(w.member.identity(), &got, &flipped).is_none());
        let forged = seal_attachment(&mut w.rng, &w.dir, &mine, b"something else").unwrap();
        assert!(open_attachment(w.member.identity(), &got, &forged.ciphertext).is_none());
    }

    #[test]
    fn step_9_2_to_9_6_round_trip_with_signatures() {
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "what happened").unwrap();
        let opened = open_report(w.member.identity(), &report).unwrap();
        assert_eq!(opened.text, "what happened");
        assert_eq!(opened.roles, roles);
        // The other role can neither open the report nor a reply.
        assert!(open_report(w.other_role_member.identity(), &report).is_none());
        let mine = open_report(&w.reporter.identity, &report).unwrap();
        assert_eq!(mine, opened);

        let reply =
            seal_team_message(&mut w.rng, &w.dir, &opened, "r1", &w.member, "we hear you").unwrap();
        let by_m1 = Author::Member {
            member_id: "m1".into(),
        };
        assert_eq!(
            open_message(&w.reporter.identity, &w.dir, &mine, "r1", &by_m1, &reply).as_deref(),
            Some("we hear you")
        );
        // The same reply claimed by another member, by the reporter, or in another thread: refused.
        let by_m2 = Author::Member {
            member_id: "m2".into(),
        };
        assert!(open_message(&w.reporter.identity, &w.dir, &mine, "r1", &by_m2, &reply).is_none());
        assert!(
            open_message(
                &w.reporter.identity,
                &w.dir,
                &mine,
                "r1",
                &Author::Reporter,
                &reply
            )
            .is_none()
        );
        assert!(open_message(&w.reporter.identity, &w.dir, &mine, "r2", &by_m1, &reply).is_none());

        let answer =
            seal_reporter_message(&mut w.rng, &w.dir, &mine, "r1", &w.reporter, "thanks").unwrap();
        assert_eq!(
            open_message(
                w.member.identity(),
                &w.dir,
                &opened,
                "r1",
                &Author::Reporter,
                &answer
            )
            .as_deref(),
            Some("thanks")
        );
        assert!(
            open_message(w.member.identity(), &w.dir, &opened, "r1", &by_m1, &answer).is_none()
        );
    }

    #[test]
    fn a_reply_forged_with_public_keys_only_is_rejected() {
        // The server knows every public key (and here even the reporter's, which it never
        // sees): it seals a "reply from m1" signed with a key of its own.
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "text").unwrap();
        let mine = open_report(&w.reporter.identity, &report).unwrap();
        let server_key = SigningSecret::generate(&mut w.rng);
        let content = serde_json::to_vec(&Content::Message {
            status: None,
            contact: None,
            share: None,
            v: CONTENT_VERSION,
            text: "Please send us your name and phone number".into(),
            attachment: None,
        })
        .unwrap();
        let signed = sign::sign_body(&server_key, &sign::thread_context("r1"), &content);
        let forged =
            B64(
                loket_crypto::seal(&mut w.rng, &[w.reporter.identity.recipient()], &signed)
                    .unwrap(),
            );
        let by_m1 = Author::Member {
            member_id: "m1".into(),
        };
        assert!(open_message(&w.reporter.identity, &w.dir, &mine, "r1", &by_m1, &forged).is_none());
        // Without any signature at all, too.
        let unsigned =
            B64(
                loket_crypto::seal(&mut w.rng, &[w.reporter.identity.recipient()], &content)
                    .unwrap(),
            );
        assert!(
            open_message(&w.reporter.identity, &w.dir, &mine, "r1", &by_m1, &unsigned).is_none()
        );
        // And a report sealed by the server for the reporter's key, claiming another signer.
        let fake_report = serde_json::to_vec(&Content::Report {
            intake: None,
            excluded: Vec::new(),
            members: Vec::new(),
            v: CONTENT_VERSION,
            roles,
            reporter_key: B64(w.reporter.identity.recipient().0.to_vec()),
            reporter_signing_key: B64(w.reporter.signing.verifying_key().to_vec()),
            text: "fake".into(),
        })
        .unwrap();
        let signed = sign::sign_body(&server_key, sign::REPORT_CONTEXT, &fake_report);
        let sealed =
            B64(loket_crypto::seal(&mut w.rng, &[w.member.public().recipient()], &signed).unwrap());
        assert!(open_report(w.member.identity(), &sealed).is_none());
    }

    #[test]
    fn open_thread_opens_the_report_and_keeps_a_forged_message_in_its_place() {
        use loket_wire::api::ThreadMessage;
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "what happened").unwrap();
        let mine = open_report(&w.reporter.identity, &report).unwrap();
        let opened = open_report(w.member.identity(), &report).unwrap();
        let reply =
            seal_team_message(&mut w.rng, &w.dir, &opened, "r1", &w.member, "we hear you").unwrap();
        let answer =
            seal_reporter_message(&mut w.rng, &w.dir, &mine, "r1", &w.reporter, "thanks").unwrap();
        let by_m1 = Author::Member {
            member_id: "m1".into(),
        };
        let messages = vec![
            ThreadMessage {
                id: 1,
                author: by_m1.clone(),
                created: 10,
                envelope: reply.clone(),
            },
            // The server claims the member's reply came from the reporter: not shown.
            ThreadMessage {
                id: 2,
                author: Author::Reporter,
                created: 20,
                envelope: reply,
            },
            ThreadMessage {
                id: 3,
                author: Author::Reporter,
                created: 30,
                envelope: answer,
            },
        ];
        for identity in [&w.reporter.identity, w.member.identity()] {
            let thread = open_thread(identity, &w.dir, "r1", &report, &messages).unwrap();
            assert_eq!(thread.report.text, "what happened");
            let bodies: Vec<Option<&str>> = thread
                .messages
                .iter()
                .map(|m| m.body.as_ref().map(|b| b.as_str()))
                .collect();
            assert_eq!(bodies, [Some("we hear you"), None, Some("thanks")]);
            assert_eq!(thread.messages[0].author, by_m1);
            // Debug never shows plaintext.
            let debug = format!("{thread:?}");
            assert!(!debug.contains("what happened") && !debug.contains("thanks"));
        }
        assert!(
            open_thread(
                w.other_role_member.identity(),
                &w.dir,
                "r1",
                &report,
                &messages
            )
            .is_none()
        );
    }

    #[test]
    fn sealing_to_roles_nobody_holds_is_refused() {
        let mut w = world();
        let r = seal_report(
            &mut w.rng,
            &w.dir,
            &["nobody".to_string()],
            &w.reporter,
            "x",
        );
        assert_eq!(r, Err(ClientError::NoReaders));
    }

    #[test]
    fn file_names_are_made_harmless() {
        for (given, saved) in [
            ("report.pdf", "report.pdf"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..\\boot.ini", "_boot.ini"),
            ("invoice\u{202e}fdp.exe", "invoice_fdp.exe"),
            ("a\nb\u{0}c", "a_b_c"),
            (".bashrc", "bashrc"),
            ("notes. . ", "notes"),
            ("", "attachment"),
            ("...", "attachment"),
            ("CON", "_CON"),
            ("com1.txt", "_com1.txt"),
            ("computer.txt", "computer.txt"),
            ("brief van één persoon.docx", "brief van één persoon.docx"),
        ] {
            assert_eq!(safe_file_name(given), saved, "{given:?}");
        }
        assert_eq!(safe_file_name(&"x".repeat(500)).chars().count(), 120);
    }

    /// Text past 64 KiB padded is refused before sealing, with its own error.
    #[test]
    fn too_long_a_report_is_refused() {
        let mut w = world();
        let roles = vec!["ccp".to_owned()];
        let long = "x".repeat(70_000);
        assert!(matches!(
            seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, &long),
            Err(ClientError::TooLong)
        ));
        let fits = "x".repeat(60_000);
        let sealed = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, &fits).unwrap();
        assert_eq!(loket_format::envelope::check_shape(&sealed.0), Ok(()));
    }

    /// The reporter's own thread opens only when the report is signed by the code's own key.
    #[test]
    fn a_reporter_opens_only_a_report_signed_with_their_code() {
        let mut w = world();
        let roles = vec!["ccp".to_owned()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "mine").unwrap();
        let own = open_own_thread(&w.reporter, &w.dir, "r1", &report, &[]).unwrap();
        assert_eq!(own.report.text, "mine");
        // Same code-derived identity (it can open the envelope), another signing key: the
        // report opens, but it is not this reporter's.
        let code_keys = FollowUpCode::generate(&mut w.rng).derive(&[1; 16]).unwrap();
        let mut impostor = FollowUpCode::generate(&mut w.rng).derive(&[1; 16]).unwrap();
        impostor.identity = code_keys.identity;
        let forged = seal_report(&mut w.rng, &w.dir, &roles, &impostor, "not yours").unwrap();
        let victim_view = ReporterKeys {
            lookup_token: impostor.lookup_token.clone(),
            identity: impostor.identity,
            signing: FollowUpCode::generate(&mut w.rng)
                .derive(&[1; 16])
                .unwrap()
                .signing,
        };
        assert!(open_thread(&victim_view.identity, &w.dir, "r1", &forged, &[]).is_some());
        assert!(open_own_thread(&victim_view, &w.dir, "r1", &forged, &[]).is_none());
    }

    /// A member the reporter excludes can open neither the report nor any later message of
    /// the thread, from either side; the other member of the same role can.
    #[test]
    fn an_excluded_member_reads_nothing_of_the_thread() {
        let mut w = world();
        let third = MemberSecretKey::generate(&mut w.rng);
        w.dir.members.push(member("m3", &["ccp"], &third));
        let intake = Intake {
            what: vec![loket_wire::content::Nature::Bullying],
            person: Some("the chair".into()),
            ..Intake::default()
        };
        let submission = Submission {
            text: "about the chair".into(),
            intake: Some(intake.clone()),
            roles: vec!["ccp".into()],
            excluded: vec!["m3".into()],
        };
        let report = seal_submission(&mut w.rng, &w.dir, &w.reporter, &submission).unwrap();
        assert!(open_report(third.identity(), &report).is_none());
        let opened = open_report(w.member.identity(), &report).unwrap();
        assert_eq!(opened.excluded, vec!["m3".to_string()]);
        assert!(opened.intake == Some(intake));
        let reply = seal_team_status(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.member,
            "we read it",
            Some(CaseState::Read),
        )
        .unwrap();
        let answer =
            seal_reporter_message(&mut w.rng, &w.dir, &opened, "r1", &w.reporter, "thanks")
                .unwrap();
        for envelope in [&reply, &answer] {
            assert!(loket_crypto::open(third.identity(), &envelope.0).is_err());
            assert!(loket_crypto::open(w.member.identity(), &envelope.0).is_ok());
        }
        // Excluding every holder of the chosen roles leaves no reader: nothing is sealed.
        let nobody = Submission {
            excluded: vec!["m1".into(), "m3".into()],
            ..submission
        };
        assert_eq!(
            seal_submission(&mut w.rng, &w.dir, &w.reporter, &nobody).unwrap_err(),
            ClientError::NoReaders
        );
    }

    /// A status travels only from a member, contact details only from the reporter.
    #[test]
    fn status_counts_from_the_team_and_contact_from_the_reporter() {
        let mut w = world();
        let roles = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "text").unwrap();
        let opened = open_report(w.member.identity(), &report).unwrap();
        let status = seal_team_status(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.member,
            "aftercare: call us any time",
            Some(CaseState::Closed),
        )
        .unwrap();
        let contact = ContactDetails {
            name: "A. Person".into(),
            reach: "a@example.org".into(),
        };
        let mine = seal_reporter_contact(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.reporter,
            "for the committee",
            contact.clone(),
        )
        .unwrap();
        let member = Author::Member {
            member_id: "m1".into(),
        };
        let me = &w.reporter.identity;
        let body = open_message_body(me, &w.dir, &opened, "r1", &member, &status).unwrap();
        assert_eq!(body.status, Some(CaseState::Closed));
        assert_eq!(body.text, "aftercare: call us any time");
        let body = open_message_body(
            w.member.identity(),
            &w.dir,
            &opened,
            "r1",
            &Author::Reporter,
            &mine,
        )
        .unwrap();
        assert!(body.contact == Some(contact));
        assert_eq!(body.status, None);
        // A status the reporter writes is ignored.
        let content = Content::Message {
            v: CONTENT_VERSION,
            text: "closed!".into(),
            attachment: None,
            status: Some(CaseState::Closed),
            contact: None,
            share: None,
        };
        let forged =
            seal_reporter_content(&mut w.rng, &w.dir, &opened, "r1", &w.reporter, &content)
                .unwrap();
        let body = open_message_body(
            w.member.identity(),
            &w.dir,
            &opened,
            "r1",
            &Author::Reporter,
            &forged,
        )
        .unwrap();
        assert_eq!(body.status, None);
    }

    /// The statistics part opens with the statistics key only, and an empty one is as large
    /// as a full one.
    #[test]
    fn the_statistics_part_is_for_the_statistics_key_alone() {
        let mut w = world();
        assert!(
            seal_statistics(&mut w.rng, &w.dir, &w.reporter, &StatisticsPart::default())
                .unwrap()
                .is_none()
        );
        let stats = MemberSecretKey::generate(&mut w.rng);
        w.dir.statistics_key = Some(B64(stats.public().x25519.to_vec()));
        let part = StatisticsPart {
            staff: Some(StaffCategory::Phd),
            age: Some(AgeBand::From25To34),
            unit: Some("Faculty of Science".into()),
        };
        let full = seal_statistics(&mut w.rng, &w.dir, &w.reporter, &part)
            .unwrap()
            .unwrap();
        let empty = seal_statistics(&mut w.rng, &w.dir, &w.reporter, &StatisticsPart::default())
            .unwrap()
            .unwrap();
        assert_eq!(full.0.len(), empty.0.len());
        assert!(open_statistics(stats.identity(), &full) == Some(part));
        assert!(open_statistics(stats.identity(), &empty) == Some(StatisticsPart::default()));
        assert!(open_statistics(w.member.identity(), &full).is_none());
        assert!(open_statistics(&w.reporter.identity, &full).is_none());
    }

    /// A receipt verifies against the directory's receipt key and the envelope it names, and
    /// against nothing else.
    #[test]
    fn a_receipt_verifies_only_for_its_envelope_hour_and_key() {
        use sha2::Digest;
        let mut w = world();
        let server = SigningSecret::generate(&mut w.rng);
        let envelope = B64(vec![7; 100]);
        let digest: [u8; 32] = sha2::Sha256::digest(&envelope.0).into();
        let received: i64 = 500_000 * 3600;
        let receipt = loket_wire::api::Receipt {
            envelope_sha256: B64(digest.to_vec()),
            received,
            signature: B64(server
                .sign(&loket_format::signed::receipt_message(&digest, received))
                .to_vec()),
        };
        assert_eq!(
            verify_receipt(&w.dir, &envelope, &receipt),
            Err(ClientError::BadReceipt)
        );
        w.dir.receipt_key = Some(B64(server.verifying_key().to_vec()));
        assert_eq!(verify_receipt(&w.dir, &envelope, &receipt), Ok(()));
        let later = loket_wire::api::Receipt {
            received: received + 3600,
            ..receipt.clone()
        };
        assert!(verify_receipt(&w.dir, &envelope, &later).is_err());
        assert!(verify_receipt(&w.dir, &B64(vec![8; 100]), &receipt).is_err());
        w.dir.receipt_key = Some(B64(w.org.verifying_key().to_vec()));
        assert!(verify_receipt(&w.dir, &envelope, &receipt).is_err());
    }

    /// SPEC §9.12: a case of a role with one member is sealed to the recovery key too, and the
    /// recovery key opens it; once the role has two members, it is not.
    #[test]
    fn a_role_of_one_seals_to_the_recovery_key_too() {
        let mut w = world();
        let recovery = MemberSecretKey::generate(&mut w.rng);
        w.dir.recovery_key = Some(B64(recovery.public().x25519.to_vec()));
        let ccp = vec!["ccp".to_string()];
        let alone = member_readers(&w.dir, &ccp, &[], &[]).unwrap();
        assert_eq!(alone.len(), 2);
        let report = seal_report(&mut w.rng, &w.dir, &ccp, &w.reporter, "what happened").unwrap();
        assert_eq!(
            open_report(recovery.identity(), &report).unwrap().text,
            "what happened"
        );
        let mut second = w.dir.members[0].clone();
        second.id = "m3".into();
        w.dir.members.push(second);
        assert_eq!(member_readers(&w.dir, &ccp, &[], &[]).unwrap().len(), 2);
        // Kept out, the second member does not count: the role has one reader again.
        let kept_out = vec!["m3".to_string()];
        assert_eq!(
            member_readers(&w.dir, &ccp, &[], &kept_out).unwrap().len(),
            2
        );
        assert!(
            member_readers(&w.dir, &ccp, &[], &kept_out)
                .unwrap()
                .contains(&RecipientKey(recovery.public().x25519))
        );
    }
}
