//! One case as the export writes it (`case.json`), opened and verified with the member's key
//! the way the team's app does it (portal/src/team/report/mod.rs): the report or registered
//! contact, every message of the thread, the files verified messages vouch for, and every
//! version of the case record. Whatever does not open or verify keeps its place, marked
//! `"verified": false`, and is named in `problems`: nothing is left out silently.
//!
//! No `Debug` on these types: they hold plaintext.

use loket_client::case::{latest_case_record, open_case_record, open_contact};
use loket_crypto::Identity;
use loket_wire::api::{AttachmentInfo, AuditEntry, Author, Closed, Directory, TeamReport};
use loket_wire::content::{
    AttachmentRef, CaseRecord, CaseState, Channel, ContactDetails, Intake, Share,
};
use serde::Serialize;

/// The name and version of the format of `case.json` and `index.json`.
pub const FORMAT: &str = "loket-export-v1";

/// Who wrote something: the reporter, or a member by id with their name in the directory
/// (none for a member the directory no longer lists).
#[derive(Serialize, Clone, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Writer {
    Reporter,
    Member {
        member_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl Writer {
    pub(crate) fn member(dir: &Directory, member_id: &str) -> Self {
        Self::Member {
            member_id: member_id.to_owned(),
            name: dir
                .members
                .iter()
                .find(|m| m.id == member_id)
                .map(|m| m.name.clone()),
        }
    }

    fn of(dir: &Directory, author: &Author) -> Self {
        match author {
            Author::Reporter => Self::Reporter,
            Author::Member { member_id } => Self::member(dir, member_id),
        }
    }

    /// How a problem names the writer.
    fn describe(&self) -> String {
        match self {
            Self::Reporter => "the reporter".into(),
            Self::Member { member_id, .. } => format!("member {member_id}"),
        }
    }
}

/// The exported case: `case.json`.
#[derive(Serialize)]
pub struct ExportedCase {
    pub format: &'static str,
    pub report_id: String,
    /// `report` (made in the portal) or `contact` (registered by a member).
    pub kind: &'static str,
    /// The roles the server lists the case under (the readers are the ones inside the report).
    pub roles: Vec<String>,
    /// The arrival hour (Unix seconds).
    pub received: i64,
    pub spam: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
    /// When the server will delete the case as things stand; none while it is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletes: Option<i64>,
    /// The report, if it opened and verified (`kind` `report`).
    pub report: Option<ExportedReport>,
    /// The registered contact, if it opened and verified (`kind` `contact`).
    pub contact: Option<ExportedContact>,
    pub messages: Vec<ExportedMessage>,
    pub attachments: Vec<ExportedAttachment>,
    /// The record: the highest version that verified (crypto/SPEC.md §9.10).
    pub case_record: Option<ExportedRecord>,
    /// Every stored version of the record, oldest first.
    pub case_versions: Vec<ExportedVersion>,
    /// What was done with the case, by whom, to the hour (the server's audit trail).
    pub audit: Vec<AuditEntry>,
    /// Everything that did not open or verify, in words.
    pub problems: Vec<String>,
}

#[derive(Serialize)]
pub struct ExportedReport {
    pub text: String,
    pub intake: Option<Intake>,
    /// The readers the reporter chose: roles, members by name, members kept out.
    pub roles: Vec<String>,
    pub members: Vec<String>,
    pub excluded: Vec<String>,
}

#[derive(Serialize)]
pub struct ExportedContact {
    pub registered_by: Writer,
    pub roles: Vec<String>,
    pub channel: Channel,
    pub signal: bool,
    pub on: Option<String>,
    pub text: String,
    pub intake: Option<Intake>,
}

#[derive(Serialize)]
pub struct ExportedMessage {
    pub id: i64,
    pub author: Writer,
    /// The hour it was written (Unix seconds).
    pub created: i64,
    /// Opened and signed by `author`; when false, nothing else of it is given.
    pub verified: bool,
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CaseState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    /// The attachment it vouches for (see `attachments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
}

#[derive(Serialize)]
pub struct ExportedAttachment {
    pub attachment_id: String,
    /// The verified message that vouches for it; none for a file the server lists that no
    /// verified message names (it is not downloaded).
    pub message_id: Option<i64>,
    /// As the reporter named it (the file is saved under a harmless form of it, `file`).
    pub name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
    /// The decrypted file, relative to the case's folder, once downloaded and verified.
    pub file: Option<String>,
    /// Why it was not saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Serialize)]
pub struct ExportedRecord {
    /// The stored version's id, author and hour.
    pub id: String,
    pub author: Writer,
    pub created: i64,
    pub record: CaseRecord,
}

#[derive(Serialize)]
pub struct ExportedVersion {
    pub id: String,
    pub author: Writer,
    pub created: i64,
    pub verified: bool,
    pub record: Option<CaseRecord>,
}

/// An attachment to download: what the signed message says of it, and the server's upload.
pub(crate) struct Wanted {
    /// Its index in [`ExportedCase::attachments`].
    pub index: usize,
    pub reference: AttachmentRef,
    pub upload: AttachmentInfo,
}

fn when(hour: i64) -> String {
    loket_wire::utc_time(hour)
}

/// Opens `report` with `identity`: the case, and the attachments to download.
pub(crate) fn open(
    report: &TeamReport,
    dir: &Directory,
    identity: &Identity,
) -> (ExportedCase, Vec<Wanted>) {
    let mut case = ExportedCase {
        format: FORMAT,
        report_id: report.report_id.clone(),
        kind: if report.registered_by.is_some() {
            "contact"
        } else {
            "report"
        },
        roles: report.roles.clone(),
        received: report.received,
        spam: report.spam,
        closed: report.closed.clone(),
        deletes: report.deletes,
        report: None,
        contact: None,
        messages: Vec::new(),
        attachments: Vec::new(),
        case_record: None,
        case_versions: Vec::new(),
        audit: report.audit.clone(),
        problems: Vec::new(),
    };
    open_records(&mut case, report, dir, identity);
    let wanted = match &report.registered_by {
        Some(by) => {
            open_registered(&mut case, report, dir, identity, by);
            Vec::new()
        }
        None => open_thread(&mut case, report, dir, identity),
    };
    (case, wanted)
}

fn open_registered(
    case: &mut ExportedCase,
    report: &TeamReport,
    dir: &Directory,
    identity: &Identity,
    by: &str,
) {
    match open_contact(identity, dir, by, &report.envelope) {
        Some(c) => {
            case.contact = Some(ExportedContact {
                registered_by: Writer::member(dir, by),
                roles: c.roles,
                channel: c.channel,
                signal: c.signal,
                on: c.on,
                text: c.text,
                intake: c.intake,
            });
        }
        None => case.problems.push(format!(
            "the registered contact ({}, by member {by}) did not open or verify",
            when(report.received)
        )),
    }
    if !report.messages.is_empty() || !report.attachments.is_empty() {
        case.problems.push(format!(
            "a registered contact has no thread, but the server lists {} messages and {} \
             attachments for it: not exported",
            report.messages.len(),
            report.attachments.len()
        ));
    }
}

/// The report, the messages and what the verified ones vouch for.
fn open_thread(
    case: &mut ExportedCase,
    report: &TeamReport,
    dir: &Directory,
    identity: &Identity,
) -> Vec<Wanted> {
    let opened = loket_client::open_thread(
        identity,
        dir,
        &report.report_id,
        &report.envelope,
        &report.messages,
    );
    let Some(opened) = opened else {
        case.problems.push(format!(
            "the report ({}) did not open or verify, so nothing of its thread can be trusted: {} \
             messages and {} attachments not exported",
            when(report.received),
            report.messages.len(),
            report.attachments.len()
        ));
        return Vec::new();
    };
    case.report = Some(ExportedReport {
        text: opened.report.text.clone(),
        intake: opened.report.intake.clone(),
        roles: opened.report.roles.clone(),
        members: opened.report.members.clone(),
        excluded: opened.report.excluded.clone(),
    });
    let mut wanted = Vec::new();
    for m in &opened.messages {
        let author = Writer::of(dir, &m.author);
        let verified = m.body.is_some();
        if !verified {
            case.problems.push(format!(
                "message {} ({}, {}) did not open or verify",
                m.id,
                author.describe(),
                when(m.created)
            ));
        }
        if let Some(reference) = &m.attachment {
            let index = case.attachments.len();
            let upload = report
                .attachments
                .iter()
                .find(|a| a.attachment_id == reference.attachment_id);
            case.attachments.push(ExportedAttachment {
                attachment_id: reference.attachment_id.clone(),
                message_id: Some(m.id),
                name: Some(reference.name.clone()),
                media_type: Some(reference.media_type.clone()),
                size: Some(reference.size),
                file: None,
                problem: upload
                    .is_none()
                    .then(|| "the server has no complete upload of it".to_owned()),
            });
            match upload {
                Some(upload) => wanted.push(Wanted {
                    index,
                    reference: reference.clone(),
                    upload: upload.clone(),
                }),
                None => case.problems.push(format!(
                    "attachment {} of message {}: the server has no complete upload of it",
                    reference.attachment_id, m.id
                )),
            }
        }
        case.messages.push(ExportedMessage {
            id: m.id,
            author,
            created: m.created,
            verified,
            text: m.body.as_ref().map(|b| b.as_str().to_owned()),
            status: m.status,
            contact: m.contact.clone(),
            share: m.share.clone(),
            attachment_id: m.attachment.as_ref().map(|a| a.attachment_id.clone()),
        });
    }
    unvouched(case, report);
    wanted
}

/// Files the server lists that no verified message vouches for: listed, never downloaded.
fn unvouched(case: &mut ExportedCase, report: &TeamReport) {
    for upload in &report.attachments {
        if case
            .attachments
            .iter()
            .any(|a| a.attachment_id == upload.attachment_id)
        {
            continue;
        }
        let problem = "no verified message vouches for it: not downloaded".to_owned();
        case.problems.push(format!(
            "attachment {} ({}): {problem}",
            upload.attachment_id,
            when(upload.created)
        ));
        case.attachments.push(ExportedAttachment {
            attachment_id: upload.attachment_id.clone(),
            message_id: None,
            name: None,
            media_type: None,
            size: None,
            file: None,
            problem: Some(problem),
        });
    }
}

/// Every version of the case record, and the latest that verified.
fn open_records(
    case: &mut ExportedCase,
    report: &TeamReport,
    dir: &Directory,
    identity: &Identity,
) {
    for v in &report.cases {
        let record = open_case_record(identity, dir, &report.report_id, v);
        if record.is_none() {
            case.problems.push(format!(
                "case record version {} (member {}, {}) did not open or verify",
                v.id,
                v.author,
                when(v.created)
            ));
        }
        case.case_versions.push(ExportedVersion {
            id: v.id.clone(),
            author: Writer::member(dir, &v.author),
            created: v.created,
            verified: record.is_some(),
            record,
        });
    }
    if let Some((i, record)) = latest_case_record(identity, dir, &report.report_id, &report.cases)
        && let Some(v) = report.cases.get(i)
    {
        case.case_record = Some(ExportedRecord {
            id: v.id.clone(),
            author: Writer::member(dir, &v.author),
            created: v.created,
            record,
        });
    }
}
