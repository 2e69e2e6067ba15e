//! The reporter's view of a thread, and fetching it again after a change.

use crate::Ctx;
use crate::components::Entry;
use crate::i18n::Lang;
use crate::pow::proof_of_work;
use leptos::prelude::*;
use loket_client::OpenedThread;
use loket_wire::api::{Author, Directory, Thread, ThreadRequest};
use loket_wire::content::CaseState;
use loket_wire::pow::{PowPurpose, PowSolution};

use crate::api::{self, ApiFailure};
use crate::reporter::vault;

/// A thread as the reporter sees it. No `Debug`: it holds plaintext.
#[derive(Clone)]
pub struct ThreadView {
    pub received: i64,
    pub entries: Vec<Entry>,
    /// The latest state of the case the team shared ("received" until it shares one), and
    /// what it said with it.
    pub status: (CaseState, Option<String>),
    /// The receipt, as a file, when it verified.
    pub receipt: Option<String>,
    /// Roles or members the team asked to involve that the reporter has not answered yet
    /// (SPEC §9.8).
    pub requests: Vec<loket_wire::content::ShareTo>,
    /// The thread as the server sent it: a grant seals it again.
    pub raw: Thread,
}

impl ThreadView {
    pub fn new(ctx: Ctx, dir: &Directory, thread: &Thread, opened: &OpenedThread) -> Self {
        let mut entries = vec![Entry {
            key: "report".into(),
            from_team: false,
            author: Lang::each(|l| l.t().you_report.into()),
            created: thread.received,
            text: Some(opened.report.text.clone()),
            attachment: None,
            note: None,
            status: None,
            share: None,
            former: false,
        }];
        for m in &opened.messages {
            let from_team = matches!(m.author, Author::Member { .. });
            let author = if from_team {
                Lang::each(|l| l.t().the_team.into())
            } else {
                Lang::each(|l| l.t().you.into())
            };
            entries.push(Entry::message(m, from_team, author, dir));
        }
        let status = match opened.shared_status() {
            Some((state, m)) => (state, m.body.as_ref().map(|b| b.to_string())),
            None => (CaseState::Received, None),
        };
        let receipt = crate::reporter::pages::receipt_file(
            ctx,
            dir,
            &thread.envelope,
            thread.receipt.clone(),
        );
        Self {
            received: thread.received,
            entries,
            status,
            receipt,
            requests: opened.open_share_requests(),
            raw: thread.clone(),
        }
    }
}

/// Opens `thread` with the reporter's `identity` (loket-client's `open_thread`).
pub fn open(
    thread: &Thread,
    dir: &Directory,
    keys: &loket_crypto::ReporterKeys,
) -> Option<OpenedThread> {
    // Only a report signed with the code's own key is the reporter's (SPEC §9.3).
    loket_client::open_own_thread(
        keys,
        dir,
        &thread.report_id,
        &thread.envelope,
        &thread.messages,
    )
}

/// A wrong code gets a decoy from the server that cannot be opened (docs/api.md): that, and
/// only that, is how the app learns there is no report for the code.
pub fn not_found(ctx: Ctx) {
    ctx.error("not-found", |l| l.t().not_found.into());
}

/// The proof of work for a request with the code.
pub async fn check_pow(
    ctx: Ctx,
    what: fn(&crate::i18n::Texts) -> &'static str,
) -> Result<Option<PowSolution>, ApiFailure> {
    proof_of_work(ctx, PowPurpose::Check, what).await
}

/// Fetches and opens the thread of the reporter in the vault again.
pub async fn reload(ctx: Ctx, view: RwSignal<Option<ThreadView>>) {
    let Some(token) = vault::lookup_token() else {
        return;
    };
    let pow = match check_pow(ctx, |t| t.fetch_pow).await {
        Ok(pow) => pow,
        Err(e) => return ctx.error("fetch-failed", |l| e.text(l).into()),
    };
    let request = ThreadRequest {
        lookup_token: token,
        pow,
    };
    match api::thread(&request).await {
        Ok(thread) => {
            let Some(dir) = crate::ctx::directory_with_history(ctx).await else {
                return;
            };
            // After a share the report names more roles: later answers go to them too.
            let opened = vault::with_reporter_mut(|r| {
                let opened = open(&thread, &dir, &r.keys);
                if let Some(o) = &opened {
                    r.report = o.report.clone();
                }
                opened
            });
            match opened.flatten() {
                Some(opened) => view.set(Some(ThreadView::new(ctx, &dir, &thread, &opened))),
                None => not_found(ctx),
            }
        }
        Err(e) => ctx.error("fetch-failed", |l| e.text(l).into()),
    }
}
