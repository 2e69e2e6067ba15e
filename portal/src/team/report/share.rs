//! Referral with consent (SPEC §9.8), the member's side: ask the reporter, in the thread, to
//! let another role read the report. Only roles that do not read it yet and have somebody the
//! reporter did not keep out can be asked; the reporter decides in follow-up.

use leptos::prelude::*;
use loket_portal::api::team as api;
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::B64;
use loket_wire::api::PostReply;

use super::ReportView;
use crate::actions::{refresh, session_failed};
use crate::app::{Team, use_team};
use crate::vault;

/// Seals the request to involve `role`, with `text` saying why.
fn seal(ctx: Ctx, view: &ReportView, text: &str, role: &str) -> Option<B64> {
    let dir = ctx.directory.get_untracked()?;
    let opened = view.opened.as_ref()?;
    let sealed = vault::with_member(|m| {
        loket_client::share::seal_share_request(
            &mut rand::rng(),
            &dir,
            opened,
            &view.report_id,
            &m.key,
            text,
            role,
        )
    });
    match sealed {
        Some(Ok(envelope)) => Some(envelope),
        Some(Err(e)) => {
            let why = |l: Lang| (l.t().client_error)(&e);
            ctx.error("share-ask-failed", |l| (l.share().ask_failed)(why(l)));
            None
        }
        None => {
            ctx.error("unlock-first", |l| l.team().unlock_first.into());
            None
        }
    }
}

async fn send(ctx: Ctx, team: Team, report_id: String, envelope: B64, text: RwSignal<String>) {
    let Some(token) = vault::session_token() else {
        return;
    };
    ctx.busy("share-asking", |l| l.share().ask_sending.into());
    match api::reply(&token, &report_id, &PostReply { envelope }).await {
        Ok(_) => {
            text.set(String::new());
            ctx.info("share-asked", |l| l.share().ask_sent.into());
            refresh(ctx, team, report_id).await;
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("share-ask-failed", |l| (l.share().ask_failed)(e.text(l)));
            }
        }
    }
}

#[component]
pub fn ShareAsk(view: ReportView) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let dir = ctx.directory.get_untracked();
    let roles: Vec<_> = match (&dir, &view.opened) {
        (Some(dir), Some(opened)) => dir
            .roles
            .iter()
            .filter(|r| loket_client::share::may_share(dir, opened, &r.id))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let role = RwSignal::new(roles.first().map(|r| r.id.clone()).unwrap_or_default());
    let text = RwSignal::new(String::new());
    let none = roles.is_empty();
    let ask = move |_| {
        if ctx.is_busy() {
            return;
        }
        let chosen = role.get_untracked();
        if chosen.is_empty() {
            return;
        }
        if let Some(envelope) = seal(ctx, &view, &text.get_untracked(), &chosen) {
            let id = view.report_id.clone();
            leptos::task::spawn_local(send(ctx, team, id, envelope, text));
        }
    };
    let options = roles
        .into_iter()
        .map(|r| {
            let id = r.id.clone();
            let selected = {
                let id = id.clone();
                move || role.get() == id
            };
            view! {
                <option value=id selected=selected>
                    {move || ctx.lang.get().role_text(&r).0}
                </option>
            }
        })
        .collect_view();
    let body = if none {
        view! { <p id="share-none">{move || ctx.lang.get().share().ask_none}</p> }.into_any()
    } else {
        view! {
            <label for="share-role">{move || ctx.lang.get().share().ask_role_label}</label>
            <select id="share-role" on:change=move |ev| role.set(event_target_value(&ev))>
                {options}
            </select>
            <label for="share-text">{move || ctx.lang.get().share().ask_text_label}</label>
            <textarea
                id="share-text"
                rows="3"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <button id="share-ask" on:click=ask disabled=move || ctx.is_busy()>
                {move || ctx.lang.get().share().ask_send}
            </button>
        }
        .into_any()
    };
    view! {
        <details id="share" class="share">
            <summary>{move || ctx.lang.get().share().ask_title}</summary>
            <p class="muted small">{move || ctx.lang.get().share().ask_intro}</p>
            {body}
        </details>
    }
}
