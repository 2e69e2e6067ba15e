//! The inbox: the cases of the member's roles, newest first and paged, with unread markers,
//! the regulation's deadlines coloured when near or past, the retention warning, and filters
//! by status, role and what happened. Status and category come from each case's encrypted
//! record, so the filtering happens here, after decryption.

use std::collections::HashMap;

use leptos::prelude::*;
use loket_portal::browser::{day, hour, now_unix};
use loket_portal::{Lang, use_ctx};
use loket_wire::api::InboxItem;
use loket_wire::content::{CaseRecord, CaseStatus, Nature, Stage};

use crate::actions::{load_inbox, load_more, load_report};
use crate::app::{member_name, role_names, use_team};
use crate::contact::my_roles;
use crate::report::case::WARN_DAYS;

const DAY: i64 = 86_400;
/// The informal procedure's six weeks.
const INFORMAL: i64 = 42 * DAY;

/// The inbox's filters; `None` shows all.
#[derive(Clone, Copy)]
pub struct Filters {
    pub status: RwSignal<Option<CaseStatus>>,
    pub role: RwSignal<Option<String>>,
    pub what: RwSignal<Option<Nature>>,
}

impl Filters {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            role: RwSignal::new(None),
            what: RwSignal::new(None),
        }
    }

    /// Whether `item`, with its decrypted `record`, passes every filter. A case without a
    /// record is new, and matches no category.
    fn pass(&self, item: &InboxItem, record: Option<&CaseRecord>) -> bool {
        let status = record.map_or(CaseStatus::New, |r| r.status);
        self.status.get().is_none_or(|s| s == status)
            && self
                .role
                .with(|r| r.as_ref().is_none_or(|r| item.roles.contains(r)))
            && self
                .what
                .get()
                .is_none_or(|n| record.is_some_and(|r| r.what.contains(&n)))
    }
}

/// One of the regulation's deadlines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Deadline {
    FirstResponse,
    Acknowledgement,
    Feedback,
    Informal,
}

impl Deadline {
    fn key(self) -> &'static str {
        match self {
            Self::FirstResponse => "first-response",
            Self::Acknowledgement => "acknowledgement",
            Self::Feedback => "feedback",
            Self::Informal => "informal",
        }
    }

    fn text(self, lang: Lang, due: &str) -> String {
        let t = lang.case();
        match self {
            Self::FirstResponse => (t.due_first_response)(due),
            Self::Acknowledgement => (t.due_acknowledgement)(due),
            Self::Feedback => (t.due_feedback)(due),
            Self::Informal => (t.due_informal)(due),
        }
    }
}

/// The deadlines still open for a case, each with its due time and span: the first response
/// and acknowledgement until the team first answers (a registered contact has had both), the
/// feedback until the case is closed, and the informal procedure's six weeks while it runs.
fn open_deadlines(item: &InboxItem, record: Option<&CaseRecord>) -> Vec<(Deadline, i64, i64)> {
    let mut out = Vec::new();
    let closed = record.is_some_and(|r| r.status == CaseStatus::Closed);
    if closed || item.spam {
        return out;
    }
    let d = &item.deadlines;
    if item.first_response.is_none() && item.registered_by.is_none() {
        out.push((
            Deadline::FirstResponse,
            d.first_response_due,
            d.first_response_due - item.received,
        ));
        out.push((
            Deadline::Acknowledgement,
            d.acknowledgement_due,
            d.acknowledgement_due - item.received,
        ));
    }
    out.push((
        Deadline::Feedback,
        d.feedback_due,
        d.feedback_due - item.received,
    ));
    if let Some(r) = record.filter(|r| r.stage == Stage::Informal) {
        out.push((Deadline::Informal, r.stage_since + INFORMAL, INFORMAL));
    }
    out
}

/// "past" once due, "near" in the last quarter of its span, "open" before.
fn urgency(due: i64, span: i64, now: i64) -> &'static str {
    if due <= now {
        "past"
    } else if (due - now) * 4 < span {
        "near"
    } else {
        "open"
    }
}

/// The messages of a case this member has seen, kept on the member's machine (the
/// `loket-team serve` origin's storage): ids and counts only, never content.
fn seen(report_id: &str) -> i64 {
    storage()
        .and_then(|s| {
            s.get_item(&format!("loket-seen:{report_id}"))
                .ok()
                .flatten()
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1)
}

/// Remembers that the member has seen `messages` messages of the case.
pub fn mark_seen(report_id: &str, messages: i64) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("loket-seen:{report_id}"), &messages.to_string());
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[component]
fn InboxRow(item: InboxItem, roles: String, record: Option<CaseRecord>) -> impl IntoView {
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
    // A case never opened here is unread as a whole; otherwise, the messages since.
    let seen = seen(&item.report_id);
    let unread = if seen < 0 {
        -1
    } else {
        (item.messages - seen).max(0)
    };
    let count = item.messages;
    let spam = item.spam;
    let registered = item.registered_by.is_some();
    let deletes = item.deletes.filter(|d| d - now < WARN_DAYS * DAY);
    let status = record.as_ref().map_or(CaseStatus::New, |r| r.status);
    let stage = record.as_ref().map(|r| r.stage);
    let deadlines = open_deadlines(&item, record.as_ref())
        .into_iter()
        .map(|(d, due, span)| {
            let when = hour(due);
            view! {
                <span class=format!("due {}", urgency(due, span, now)) data-deadline=d.key()>
                    {move || d.text(ctx.lang.get(), &when)}
                </span>
            }
        })
        .collect_view();
    let open = move |_| leptos::task::spawn_local(load_report(ctx, team, id.clone()));
    let received = hour(item.received);
    let report = item.report_id.clone();
    view! {
        <li>
            <button
                class="inbox-item"
                class:selected=selected
                class:unread=unread != 0
                data-report=report
                data-status=status.key()
                on:click=open
            >
                <span class="when">{received}</span>
                <span class="roles">{roles}</span>
                <span class="status">
                    {move || {
                        let t = ctx.lang.get().case();
                        match stage {
                            Some(s) => format!("{} · {}", (t.status)(status), (t.stage)(s)),
                            None => (t.status)(status).to_owned(),
                        }
                    }}
                </span>
                <span class="count">{move || (ctx.lang.get().team().message_count)(count)}</span>
                <Show when=move || unread != 0>
                    <span class="unread-marker">
                        {move || (ctx.lang.get().case().unread)(unread.max(1))}
                    </span>
                </Show>
                <Show when=move || registered>
                    <span class="badge registered">{move || ctx.lang.get().case().registered_badge}</span>
                </Show>
                {deadlines}
                {deletes.map(|d| {
                    let d = day(d);
                    view! {
                        <span class="due near deletes-soon">
                            {move || (ctx.lang.get().case().deletes_soon)(&d)}
                        </span>
                    }
                })}
                <Show when=move || spam>
                    <span class="spam">{move || ctx.lang.get().team().spam_badge}</span>
                </Show>
            </button>
        </li>
    }
}

/// A filter over a closed list: "All" or one answer.
fn filter_select<T>(
    id: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    label: fn(Lang, T) -> &'static str,
    value: RwSignal<Option<T>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let all_label: fn(Lang) -> &'static str = |l| l.case().filter_all;
    crate::report::case::choose(
        id,
        all,
        key,
        label,
        Some(all_label),
        move || value.get(),
        move |x| value.set(x),
    )
}

#[component]
fn FilterBar() -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let f = team.filters;
    let my_roles = move || {
        ctx.directory
            .get()
            .map(|d| my_roles(&d, &team.me.get()))
            .unwrap_or_default()
    };
    let t = move || ctx.lang.get().case();
    view! {
        <div class="row filters">
            <label for="filter-status">{move || t().filter_status}</label>
            {filter_select("filter-status", CaseStatus::ALL, CaseStatus::key, |l, s| (l.case().status)(s), f.status)}
            <label for="filter-role">{move || t().filter_role}</label>
            <select
                id="filter-role"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    f.role.set((!v.is_empty()).then_some(v));
                }
            >
                <option value="">{move || t().filter_all}</option>
                {move || {
                    my_roles()
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id>{name}</option> })
                        .collect_view()
                }}
            </select>
            <label for="filter-what">{move || t().filter_what}</label>
            {filter_select("filter-what", Nature::ALL, Nature::key, |l, n| (l.intake().nature)(n), f.what)}
        </div>
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
        let records: HashMap<String, CaseRecord> = team.records.get();
        let shown: Vec<_> = items
            .into_iter()
            .filter(|item| team.filters.pass(item, records.get(&item.report_id)))
            .collect();
        if shown.is_empty() {
            return view! { <p class="muted" id="filtered-none">{move || ctx.lang.get().case().filtered_none}</p> }
                .into_any();
        }
        shown
            .into_iter()
            .map(|item| {
                let roles = dir
                    .as_ref()
                    .map(|d| role_names(d, &item.roles))
                    .unwrap_or_default();
                let record = records.get(&item.report_id).cloned();
                view! { <InboxRow item=item roles=roles record=record /> }
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
                <button id="open-contact" on:click=move |_| team.registering.set(true)>
                    {move || ctx.lang.get().case().contact_open}
                </button>
                <button id="open-statistics" on:click=move |_| team.statistics.set(true)>
                    {move || ctx.lang.get().stats().open}
                </button>
                <button id="lock" on:click=lock>
                    {move || ctx.lang.get().team().lock}
                </button>
            </div>
            <FilterBar />
            <ul class="inbox">{items}</ul>
            <Show when=move || team.next.get().is_some()>
                <button id="load-more" on:click=move |_| leptos::task::spawn_local(load_more(ctx, team))>
                    {move || ctx.lang.get().team().load_more}
                </button>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_near_in_its_last_quarter_and_past_when_due() {
        assert_eq!(urgency(100, 100, 0), "open");
        assert_eq!(urgency(100, 100, 76), "near");
        assert_eq!(urgency(100, 100, 100), "past");
    }
}
