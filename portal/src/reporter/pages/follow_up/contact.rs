//! The reporter may give their name and how to reach them, of their own accord, for the
//! formal route: an answer that carries them (SPEC §9.4), sealed like any other.

use crate::use_ctx;
use leptos::prelude::*;
use loket_wire::content::ContactDetails;

use super::answer::{post, seal};
use super::thread::ThreadView;

#[component]
pub fn ContactBox(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let name = RwSignal::new(String::new());
    let reach = RwSignal::new(String::new());
    let send = move |_| {
        if ctx.is_busy() {
            return;
        }
        let contact = ContactDetails {
            name: name.get_untracked().trim().to_owned(),
            reach: reach.get_untracked().trim().to_owned(),
        };
        if contact.name.is_empty() || contact.reach.is_empty() {
            return ctx.error("contact-missing", |l| l.intake().contact_missing.into());
        }
        let Some(request) = seal(ctx, "", Some(contact)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if post(ctx, thread, request).await {
                name.set(String::new());
                reach.set(String::new());
                ctx.info("contact-sent", |l| l.intake().contact_sent.into());
            }
        });
    };
    view! {
        <details id="contact" class="contact">
            <summary>{move || ctx.intake().contact_title}</summary>
            <p class="muted small">{move || ctx.intake().contact_intro}</p>
            <label for="contact-name">{move || ctx.intake().contact_name}</label>
            <input
                type="text"
                id="contact-name"
                autocomplete="name"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for="contact-reach">{move || ctx.intake().contact_reach}</label>
            <input
                type="text"
                id="contact-reach"
                autocomplete="email"
                prop:value=move || reach.get()
                on:input=move |ev| reach.set(event_target_value(&ev))
            />
            <button id="contact-send" on:click=send disabled=move || ctx.is_busy()>
                {move || ctx.intake().contact_send}
            </button>
        </details>
    }
}
