//! The inbox: the reports of the member's roles, with their due dates.

use leptos::prelude::*;
use loket_portal::browser::{day, hour, now_unix};
use loket_portal::{Lang, use_ctx};
use loket_wire::api::InboxItem;

use crate::actions::{load_inbox, load_more, load_report};
use crate::app::{member_name, role_names, use_team};

/// What is due next for `item`, in `lang`.
fn due(lang: Lang, item: &InboxItem, now: i64) -> String {
    let t = lang.team();
    match (&item.closed, item.first_response) {
        (Some(c), _) => (t.due_closed)(&day(c.delete_after)),
        (None, Some(_)) => (t.due_feedback)(&day(item.deadlines.feedback_due)),
        (None, None) if item.deadlines.first_response_due < now => t.due_overdue.to_owned(),
        (None, None) => (t.due_first)(&hour(item.deadlines.first_response_due)),
    }
}

#[component]
fn InboxRow(item: InboxItem, roles: String) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let now = now_unix();
    let id = item.report_id.clone();
    let selected = {
        let id = id.clone();
        move || {
            team.open
                .with(|o| o.as_ref().is_some_and(|o| o.report_id == id))
        }
    };
    let overdue = item.closed.is_none()
        && item.first_response.is_none()
        && item.deadlines.first_response_due < now;
    let count = item.messages;
    let spam = item.spam;
    let open = move |_| leptos::task::spawn_local(load_report(ctx, team, id.clone()));
    let received = hour(item.received);
    let report = item.report_id.clone();
    view! {
        <li>
            <button class="inbox-item" class:selected=selected data-report=report on:click=open>
                <span class="when">{received}</span>
                <span class="roles">{roles}</span>
                <span class="count">{move || (ctx.lang.get().team().message_count)(count)}</span>
                <span class="due" class:overdue=overdue>{move || due(ctx.lang.get(), &item, now)}</span>
                <Show when=move || spam>
                    <span class="spam">{move || ctx.lang.get().team().spam_badge}</span>
                </Show>
            </button>
        </li>
    }
}

#[component]
pub fn InboxCard() -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let lock = move |_| {
        crate::actions::lock(team);
        ctx.info("locked", |l| l.team().locked.into());
    };
    let name = move || {
        let lang = ctx.lang.get();
        ctx.directory
            .get()
            .map(|d| lang.pick(&member_name(&d, &team.me.get())).to_owned())
            .unwrap_or_default()
    };
    let items = move || {
        let items = team.inbox.get();
        if items.is_empty() {
            return view! { <p class="muted">{move || ctx.lang.get().team().inbox_empty}</p> }
                .into_any();
        }
        let dir = ctx.directory.get();
        items
            .into_iter()
            .map(|item| {
                let roles = dir
                    .as_ref()
                    .map(|d| role_names(d, &item.roles))
                    .unwrap_or_default();
                view! { <InboxRow item=item roles=roles /> }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card">
            <div class="row">
                <h2>{move || ctx.lang.get().team().inbox_title}</h2>
                <span class="muted">{name}</span>
                <button id="refresh" on:click=move |_| leptos::task::spawn_local(load_inbox(ctx, team))>
                    {move || ctx.lang.get().team().refresh}
                </button>
                <button id="lock" on:click=lock>
                    {move || ctx.lang.get().team().lock}
                </button>
            </div>
            <ul class="inbox">{items}</ul>
            <Show when=move || team.next.get().is_some()>
                <button id="load-more" on:click=move |_| leptos::task::spawn_local(load_more(ctx, team))>
                    {move || ctx.lang.get().team().load_more}
                </button>
            </Show>
        </section>
    }
}
