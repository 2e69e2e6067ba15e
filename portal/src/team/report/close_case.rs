//! Closing a case records its outcome; the server then deletes it after the retention period
//! of that outcome. It asks once more first.

use leptos::prelude::*;
use loket_portal::api::team as api;
use loket_portal::browser::day;
use loket_portal::{Ctx, use_ctx};
use loket_wire::api::{CloseReport, Closed, Outcome};

use crate::actions::{refresh, session_failed};
use crate::app::{Team, use_team};
use crate::vault;

/// Years a closed report is kept, without and with a formal complaint (the server's defaults,
/// docs/api.md "Retention").
const RETENTION_YEARS: (u32, u32) = (2, 5);

async fn close(ctx: Ctx, team: Team, report_id: String, outcome: Outcome) {
    let Some(token) = vault::session_token() else {
        return;
    };
    ctx.busy("closing", |l| l.team().closing.into());
    match api::close(&token, &report_id, &CloseReport { outcome }).await {
        Ok(closed) => {
            let deleted = day(closed.delete_after);
            ctx.info("case-closed", |l| (l.team().case_closed)(&deleted));
            refresh(ctx, team, report_id).await;
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("close-failed", |l| (l.team().close_failed)(e.text(l)));
            }
        }
    }
}

#[component]
fn ClosedNote(closed: Closed) -> impl IntoView {
    let ctx = use_ctx();
    let (at, deleted) = (day(closed.at), day(closed.delete_after));
    let outcome = match closed.outcome {
        Outcome::NoComplaint => "no-complaint",
        Outcome::FormalComplaint => "formal-complaint",
    };
    let text = move || {
        let t = ctx.lang.get().team();
        let what = match closed.outcome {
            Outcome::NoComplaint => t.closed_no_complaint,
            Outcome::FormalComplaint => t.closed_formal,
        };
        format!("{what}{}", (t.closed_dates)(&at, &deleted))
    };
    view! {
        <p id="case-closed" class="muted" data-outcome=outcome>
            {text}
        </p>
    }
}

#[component]
pub fn CloseCase(report_id: String, closed: Option<Closed>) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    if let Some(closed) = closed {
        return view! { <ClosedNote closed=closed /> }.into_any();
    }
    let closing = RwSignal::new(None::<Outcome>);
    let confirm = move |_| {
        if let Some(outcome) = closing.get_untracked() {
            closing.set(None);
            leptos::task::spawn_local(close(ctx, team, report_id.clone(), outcome));
        }
    };
    let t = move || ctx.lang.get().team();
    view! {
        <div class="row close-case">
            <span class="muted">{move || t().close_label}</span>
            <button id="close-no-complaint" on:click=move |_| closing.set(Some(Outcome::NoComplaint))>
                {move || t().close_no_complaint}
            </button>
            <button id="close-formal" on:click=move |_| closing.set(Some(Outcome::FormalComplaint))>
                {move || t().close_formal}
            </button>
        </div>
        <Show when=move || closing.get().is_some()>
            <p class="warning">
                {move || (t().close_warning)(RETENTION_YEARS.0, RETENTION_YEARS.1)}
            </p>
            <button id="confirm-close" class="danger" on:click=confirm.clone()>
                {move || t().close_confirm}
            </button>
            <button on:click=move |_| closing.set(None)>{move || t().cancel}</button>
        </Show>
    }
    .into_any()
}
