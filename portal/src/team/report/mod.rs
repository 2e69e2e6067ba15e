//! One report as a member sees it: the thread, its attachments, a reply, closing the case.

mod attachments;
mod close_case;
mod intake;
mod reply;
mod spam;

use leptos::prelude::*;
use loket_client::OpenedReport;
use loket_portal::browser::hour;
use loket_portal::components::{Entry, Messages};
use loket_portal::{Lang, use_ctx};
use loket_wire::api::{Author, Closed, Directory, TeamReport};
use loket_wire::content::AttachmentRef;

use self::attachments::Attachments;
use self::close_case::CloseCase;
use self::intake::IntakeSummary;
use self::reply::ReplyBox;
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
    pub closed: Option<Closed>,
    /// Marked as spam by a member.
    pub spam: bool,
    /// Files that verified reporter messages vouch for.
    pub attachments: Vec<AttachmentView>,
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
            entries.push(Entry::message(message, from_team, author));
        }
        Self {
            report_id: report.report_id.clone(),
            roles: report.roles.clone(),
            received: report.received,
            entries,
            opened: opened.map(|o| o.report),
            closed: report.closed.clone(),
            spam: report.spam,
            attachments,
        }
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
    view! {
        <section class="card" data-report=report_id>
            <h2>{move || ctx.lang.get().team().report_title}</h2>
            <p class="muted small">
                {move || (ctx.lang.get().team().received_for)(&received, &roles)}
            </p>
            <IntakeSummary report=view.opened.clone() dir=ctx.directory.get_untracked() />
            <div id="report-view" class="thread">
                <Messages entries=view.entries.clone() />
            </div>
            <Attachments files=view.attachments.clone() />
            <ReplyBox view=view.clone() />
            <CloseCase report_id=view.report_id.clone() closed=view.closed.clone() />
            <Spam report_id=view.report_id.clone() spam=view.spam />
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
