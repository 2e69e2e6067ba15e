//! Referral with consent (SPEC §9.8), the member's side: ask the reporter, in the thread, to
//! let another role, or one person by name, read the report. Only roles that do not read it yet
//! and have somebody the reporter did not keep out, and members who do not read it yet and were
//! not kept out, can be asked; the reporter decides in follow-up.

use leptos::prelude::*;
use loket_portal::{Lang, use_ctx};
use loket_wire::content::ShareTo;

use super::ReportView;
use super::reply::{Say, post, seal_as_member};
use crate::app::use_team;

const ASK: Say = Say {
    sending: ("share-asking", |l| l.share().ask_sending.into()),
    sent: ("share-asked", |l| l.share().ask_sent.into()),
    failed: ("share-ask-failed", |l, why| (l.share().ask_failed)(why)),
};

/// One choice of the select: whom, and its label in every language.
fn choice(to: ShareTo, label: [String; 2], chosen: RwSignal<String>) -> impl IntoView {
    let ctx = use_ctx();
    let key = to.key();
    let selected = {
        let key = key.clone();
        move || chosen.get() == key
    };
    view! {
        <option value=key selected=selected>
            {move || ctx.lang.get().pick(&label).to_owned()}
        </option>
    }
}

#[component]
pub fn ShareAsk(view: ReportView) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let dir = ctx.directory.get_untracked();
    let (mut roles, mut people) = (Vec::new(), Vec::new());
    if let (Some(dir), Some(opened)) = (&dir, &view.opened) {
        let may = |to: &ShareTo| loket_client::share::may_share(dir, opened, to);
        for r in &dir.roles {
            let to = ShareTo::Role(r.id.clone());
            if may(&to) {
                roles.push((to.clone(), Lang::each(|l| l.share_name(dir, &to))));
            }
        }
        for m in &dir.members {
            let to = ShareTo::Member(m.id.clone());
            if may(&to) {
                let label = Lang::each(|l| {
                    let held: Vec<_> = m.roles.iter().map(|r| l.role_name(dir, r)).collect();
                    format!("{} ({})", m.name, held.join(", "))
                });
                people.push((to, label));
            }
        }
    }
    let all: Vec<ShareTo> = roles
        .iter()
        .chain(&people)
        .map(|(to, _)| to.clone())
        .collect();
    let chosen = RwSignal::new(all.first().map(ShareTo::key).unwrap_or_default());
    let text = RwSignal::new(String::new());
    let none = all.is_empty();
    let ask = move |_| {
        if ctx.is_busy() {
            return;
        }
        let key = chosen.get_untracked();
        let Some(to) = all.iter().find(|t| t.key() == key) else {
            return;
        };
        let why = text.get_untracked();
        let sealed = seal_as_member(ctx, &view, &ASK, |dir, opened, m| {
            loket_client::share::seal_share_request(
                &mut rand::rng(),
                dir,
                opened,
                &view.report_id,
                &m.key,
                &why,
                to,
            )
        });
        if let Some(envelope) = sealed {
            let id = view.report_id.clone();
            leptos::task::spawn_local(post(ctx, team, id, envelope, text, &ASK));
        }
    };
    let roles = roles
        .into_iter()
        .map(|(to, label)| choice(to, label, chosen))
        .collect_view();
    let people = people
        .into_iter()
        .map(|(to, label)| choice(to, label, chosen))
        .collect_view();
    let body = if none {
        view! { <p id="share-none">{move || ctx.lang.get().share().ask_none}</p> }.into_any()
    } else {
        view! {
            <label for="share-role">{move || ctx.lang.get().share().ask_role_label}</label>
            <select id="share-role" on:change=move |ev| chosen.set(event_target_value(&ev))>
                <optgroup label=move || ctx.lang.get().share().ask_roles>{roles}</optgroup>
                <optgroup label=move || ctx.lang.get().share().ask_people>{people}</optgroup>
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
