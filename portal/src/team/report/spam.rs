//! Spam: a member marks a report as spam, and may then delete it, with its messages and files
//! (the server records both with the member's name). Deleting asks once more first.

use leptos::prelude::*;
use loket_portal::api::team as api;
use loket_portal::{Ctx, use_ctx};

use crate::actions::{load_inbox, refresh, session_failed};
use crate::app::{Team, use_team};
use crate::vault;

/// Marks (`spam`) or unmarks the report, then shows it again.
async fn mark(ctx: Ctx, team: Team, report_id: String, spam: bool) {
    let Some(token) = vault::session_token() else {
        return;
    };
    match api::mark_spam(&token, &report_id, spam).await {
        Ok(()) => refresh(ctx, team, report_id).await,
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("spam-failed", |l| (l.team().spam_failed)(e.text(l)));
            }
        }
    }
}

/// Deletes the report (marked as spam), then closes it and reloads the inbox.
async fn delete(ctx: Ctx, team: Team, report_id: String) {
    let Some(token) = vault::session_token() else {
        return;
    };
    match api::delete_spam(&token, &report_id).await {
        Ok(()) => {
            team.open.set(None);
            ctx.info("spam-deleted", |l| l.team().spam_deleted.into());
            load_inbox(ctx, team).await;
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("spam-failed", |l| (l.team().spam_failed)(e.text(l)));
            }
        }
    }
}

#[component]
pub fn Spam(report_id: String, spam: bool) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let t = move || ctx.lang.get().team();
    if !spam {
        let id = report_id.clone();
        return view! {
            <div class="row spam">
                <button id="mark-spam" on:click=move |_| {
                    leptos::task::spawn_local(mark(ctx, team, id.clone(), true))
                }>{move || t().spam_mark}</button>
            </div>
        }
        .into_any();
    }
    let deleting = RwSignal::new(false);
    let (unmark_id, delete_id) = (report_id.clone(), report_id);
    let confirm = move |_| {
        deleting.set(false);
        leptos::task::spawn_local(delete(ctx, team, delete_id.clone()));
    };
    view! {
        <p id="spam-note" class="warning">{move || t().spam_note}</p>
        <div class="row spam">
            <button id="unmark-spam" on:click=move |_| {
                leptos::task::spawn_local(mark(ctx, team, unmark_id.clone(), false))
            }>{move || t().spam_unmark}</button>
            <button id="delete-spam" class="danger" on:click=move |_| deleting.set(true)>
                {move || t().spam_delete}
            </button>
        </div>
        <Show when=move || deleting.get()>
            <p class="warning">{move || t().spam_delete_warning}</p>
            <button id="confirm-delete" class="danger" on:click=confirm.clone()>
                {move || t().spam_delete}
            </button>
            <button on:click=move |_| deleting.set(false)>{move || t().cancel}</button>
        </Show>
    }
    .into_any()
}
