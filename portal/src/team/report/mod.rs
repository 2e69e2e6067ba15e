//! One case as a member sees it: the report (or the registered contact), the thread, its
//! attachments, a reply, the case record with its versions, spam.

mod attachments;
mod audit;
pub mod case;
mod intake;
mod reply;
mod share;
mod spam;

use leptos::prelude::*;
use loket_client::OpenedReport;
use loket_client::case::{CaseReaders, ContactCase, latest_case_record, open_case_record};
use loket_portal::browser::hour;
use loket_portal::components::{Entry, Messages};
use loket_portal::{Lang, use_ctx};
use loket_wire::api::{Author, Directory, TeamReport};
use loket_wire::content::{AttachmentRef, CaseRecord, CaseState};

use self::attachments::Attachments;
use self::audit::AuditTrail;
use self::case::CaseRecordCard;
use self::intake::IntakeSummary;
use self::reply::ReplyBox;
use self::share::ShareAsk;
use self::spam::Spam;
use crate::app::{member_name, role_names, use_team};

/// A report as a member sees it. No `Debug`: it holds plaintext.
#[derive(Clone)]
pub struct ReportView {
    pub report_id: String,
    pub roles: Vec<String>,
    pub received: i64,
    pub entries: Vec<Entry>,
    /// The decrypted, verified report (its roles and reporter keys); `None` if it did not open.
    pub opened: Option<OpenedReport>,
    /// A contact a member registered from another channel, once it opened and verified.
    pub contact: Option<ContactCase>,
    /// The member who registered it, for a registered contact.
    pub registered_by: Option<String>,
    /// Marked as spam by a member.
    pub spam: bool,
    /// Files that verified reporter messages vouch for.
    pub attachments: Vec<AttachmentView>,
    /// Every version of the case record, oldest first.
    pub versions: Vec<VersionView>,
    /// The case record: the highest version that verified.
    pub record: Option<CaseRecord>,
    /// When the server will delete the case as things stand; `None` while it is held.
    pub deletes: Option<i64>,
    /// The latest state the team shared with the reporter in the thread.
    pub reporter_state: Option<CaseState>,
    /// Messages in the thread (for the inbox's unread marker).
    pub messages: i64,
    /// What was done with the case, by whom, to the hour (the server's audit trail).
    pub audit: Vec<loket_wire::api::AuditEntry>,
}

/// One stored version of the case record; `record` is `None` when it did not open or verify.
#[derive(Clone)]
pub struct VersionView {
    pub author: [String; 2],
    pub created: i64,
    pub record: Option<CaseRecord>,
}

/// An attachment a signed reporter message announced, and whether its upload is complete.
#[derive(Clone)]
pub struct AttachmentView {
    pub reference: AttachmentRef,
    /// Pieces to download; `None` while the upload is not complete (or the server lost it).
    pub pieces: Option<u64>,
}

impl ReportView {
    /// Opens `report` with the member's `identity` (loket-client's `open_thread`). When the
    /// report does not open, nothing of the thread is shown.
    pub fn open(report: &TeamReport, dir: &Directory, identity: &loket_crypto::Identity) -> Self {
        let versions = report
            .cases
            .iter()
            .map(|v| VersionView {
                author: member_name(dir, &v.author),
                created: v.created,
                record: open_case_record(identity, dir, &report.report_id, v),
            })
            .collect();
        let record =
            latest_case_record(identity, dir, &report.report_id, &report.cases).map(|(_, r)| r);
        if let Some(by) = &report.registered_by {
            return Self::contact(report, dir, identity, by, versions, record);
        }
        let opened = loket_client::open_thread(
            identity,
            dir,
            &report.report_id,
            &report.envelope,
            &report.messages,
        );
        let mut entries = vec![Entry {
            key: "report".into(),
            from_team: false,
            author: Lang::each(|l| l.team().reporter_report.into()),
            created: report.received,
            text: opened.as_ref().map(|o| o.report.text.clone()),
            attachment: None,
            note: None,
            status: None,
            share: None,
            former: false,
        }];
        let mut attachments = Vec::new();
        for (i, m) in report.messages.iter().enumerate() {
            let (from_team, author) = match &m.author {
                Author::Reporter => (false, Lang::each(|l| l.team().reporter.into())),
                Author::Member { member_id } => (true, member_name(dir, member_id)),
            };
            let Some(message) = opened.as_ref().and_then(|o| o.messages.get(i)) else {
                entries.push(Entry {
                    key: m.id.to_string(),
                    from_team,
                    author,
                    created: m.created,
                    text: None,
                    attachment: None,
                    note: None,
                    status: None,
                    share: None,
                    former: false,
                });
                continue;
            };
            if let Some(reference) = &message.attachment {
                let pieces = report
                    .attachments
                    .iter()
                    .find(|a| a.attachment_id == reference.attachment_id)
                    .map(|a| a.pieces);
                attachments.push(AttachmentView {
                    reference: reference.clone(),
                    pieces,
                });
            }
            entries.push(Entry::message(message, from_team, author, dir));
        }
        let reporter_state = opened.as_ref().and_then(|o| {
            o.messages.iter().rev().find_map(|m| {
                m.status
                    .filter(|_| matches!(m.author, Author::Member { .. }))
            })
        });
        Self {
            report_id: report.report_id.clone(),
            roles: report.roles.clone(),
            received: report.received,
            entries,
            opened: opened.map(|o| o.report),
            contact: None,
            registered_by: None,
            spam: report.spam,
            attachments,
            versions,
            record,
            deletes: report.deletes,
            reporter_state,
            messages: i64::try_from(report.messages.len()).unwrap_or(i64::MAX),
            audit: report.audit.clone(),
        }
    }

    /// A contact a member registered: its text and who registered it; no thread.
    fn contact(
        report: &TeamReport,
        dir: &Directory,
        identity: &loket_crypto::Identity,
        by: &str,
        versions: Vec<VersionView>,
        record: Option<CaseRecord>,
    ) -> Self {
        let contact = loket_client::case::open_contact(identity, dir, by, &report.envelope);
        let entries = vec![Entry {
            key: "contact".into(),
            from_team: true,
            author: member_name(dir, by),
            created: report.received,
            text: contact.as_ref().map(|c| c.text.clone()),
            attachment: None,
            note: contact.as_ref().map(|c| {
                let day = c.on.clone().unwrap_or_default();
                Lang::each(|l| {
                    let t = l.case();
                    let channel = (t.channel)(c.channel);
                    let what = (t.contact_summary)(channel, &day);
                    if c.signal {
                        format!("{} · {what}", t.signal_badge)
                    } else {
                        what
                    }
                })
            }),
            status: None,
            share: None,
            former: false,
        }];
        Self {
            report_id: report.report_id.clone(),
            roles: report.roles.clone(),
            received: report.received,
            entries,
            opened: None,
            contact,
            registered_by: Some(by.to_owned()),
            spam: report.spam,
            attachments: Vec::new(),
            versions,
            record,
            deletes: report.deletes,
            reporter_state: None,
            messages: 0,
            audit: report.audit.clone(),
        }
    }

    /// Who reads the case, from inside the report or the registered contact.
    pub fn readers(&self) -> Option<CaseReaders> {
        if let Some(c) = &self.contact {
            return Some(c.readers());
        }
        self.opened.as_ref().map(|o| CaseReaders {
            roles: o.roles.clone(),
            members: o.members.clone(),
            excluded: o.excluded.clone(),
        })
    }
}

#[component]
fn ReportBody(view: ReportView) -> impl IntoView {
    let ctx = use_ctx();
    let roles = ctx
        .directory
        .get_untracked()
        .map(|d| role_names(&d, &view.roles))
        .unwrap_or_default();
    let received = hour(view.received);
    let report_id = view.report_id.clone();
    let is_report = view.registered_by.is_none();
    let view_for_reply = view.clone();
    let view_for_share = view.clone();
    crate::inbox::mark_seen(&view.report_id, view.messages);
    view! {
        <section class="card" data-report=report_id>
            <h2>
                {move || {
                    if !is_report {
                        ctx.lang.get().case().contact_title_case
                    } else {
                        ctx.lang.get().team().report_title
                    }
                }}
            </h2>
            <p class="muted small">
                {move || (ctx.lang.get().team().received_for)(&received, &roles)}
            </p>
            <IntakeSummary report=view.opened.clone() dir=ctx.directory.get_untracked() />
            <div id="report-view" class="thread">
                <Messages entries=view.entries.clone() />
            </div>
            <Attachments files=view.attachments.clone() />
            <Show when=move || is_report>
                <ReplyBox view=view_for_reply.clone() />
                <ShareAsk view=view_for_share.clone() />
            </Show>
            <CaseRecordCard view=view.clone() />
            <Spam report_id=view.report_id.clone() spam=view.spam />
            <AuditTrail entries=view.audit.clone() />
        </section>
    }
}

#[component]
pub fn ReportCard() -> impl IntoView {
    let team = use_team();
    move || {
        team.open
            .get()
            .map(|view| view! { <ReportBody view=view /> })
    }
}
