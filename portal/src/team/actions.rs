//! What the team's app asks the server for, and what it does when a session has ended.

use leptos::prelude::*;
use loket_client::case::open_case_record;
use loket_portal::Ctx;
use loket_portal::api::{ApiFailure, team as api};
use loket_wire::ErrorCode;
use loket_wire::api::InboxItem;
use loket_wire::content::CaseRecord;

use crate::app::Team;
use crate::report::ReportView;
use crate::vault::{self, session_token};

/// Locks the app: ends the session on the server too (without waiting for it), drops the
/// member's key and session from the vault (they are wiped as they drop) and clears every
/// decrypted report and the inbox from the page.
pub fn lock(team: Team) {
    if let Some(token) = vault::session_token() {
        leptos::task::spawn_local(async move {
            let _ = api::logout(&token).await;
        });
    }
    vault::set_member(None);
    team.unlocked.set(false);
    team.open.set(None);
    team.inbox.set(Vec::new());
    team.next.set(None);
    team.records.set(Default::default());
    team.registering.set(false);
    team.statistics.set(false);
}

/// Opens the latest case record of each item, with the member's key, for the inbox's status,
/// stage and filters.
fn open_records(ctx: Ctx, team: Team, items: &[InboxItem]) {
    let Some(dir) = ctx.directory.get_untracked() else {
        return;
    };
    let opened: Vec<(String, CaseRecord)> = vault::with_member(|m| {
        items
            .iter()
            .filter_map(|item| {
                let version = item.case.as_ref()?;
                open_case_record(m.key.identity(), &dir, &item.report_id, version)
                    .map(|r| (item.report_id.clone(), r))
            })
            .collect()
    })
    .unwrap_or_default();
    team.records.update(|all| all.extend(opened));
}

/// A request failed because the session ended: lock, and say so.
pub fn session_failed(ctx: Ctx, team: Team, e: &ApiFailure) -> bool {
    if e.code() == Some(ErrorCode::Unauthorized) {
        vault::set_member(None);
        team.unlocked.set(false);
        ctx.error("session-ended", |l| l.team().session_ended.into());
        true
    } else {
        false
    }
}

/// Loads the inbox's first page (the newest reports).
pub async fn load_inbox(ctx: Ctx, team: Team) {
    let Some(token) = session_token() else { return };
    match api::inbox(&token, None).await {
        Ok(i) => {
            team.records.set(Default::default());
            open_records(ctx, team, &i.reports);
            team.inbox.set(i.reports);
            team.next.set(i.next);
        }
        Err(e) => inbox_failed(ctx, team, &e),
    }
}

/// Appends the inbox's next page (older reports).
pub async fn load_more(ctx: Ctx, team: Team) {
    let Some(token) = session_token() else { return };
    let Some(cursor) = team.next.get_untracked() else {
        return;
    };
    match api::inbox(&token, Some(&cursor)).await {
        Ok(i) => {
            open_records(ctx, team, &i.reports);
            team.inbox.update(|all| all.extend(i.reports));
            team.next.set(i.next);
        }
        Err(e) => inbox_failed(ctx, team, &e),
    }
}

fn inbox_failed(ctx: Ctx, team: Team, e: &ApiFailure) {
    if !session_failed(ctx, team, e) {
        ctx.error("inbox-failed", |l| (l.team().inbox_failed)(e.text(l)));
    }
}

pub async fn load_report(ctx: Ctx, team: Team, id: String) {
    let Some(token) = session_token() else { return };
    // A former member's messages verify against the directory that listed them.
    let Some(dir) = loket_portal::ctx::directory_with_history(ctx).await else {
        return;
    };
    match api::report(&token, &id).await {
        Ok(report) => {
            let view = vault::with_member(|m| ReportView::open(&report, &dir, m.key.identity()));
            team.statistics.set(false);
            team.open.set(view);
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("report-failed", |l| (l.team().report_failed)(e.text(l)));
            }
        }
    }
}

/// Loads the open report and the inbox again, after a change.
pub async fn refresh(ctx: Ctx, team: Team, report_id: String) {
    load_report(ctx, team, report_id).await;
    load_inbox(ctx, team).await;
}
