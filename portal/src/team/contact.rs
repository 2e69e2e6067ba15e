//! Registering a first contact from another channel (telephone, walk-in, e-mail,
//! WetenschapVeilig, a faculty's PhD adviser), or a signal, as a case of one of the member's
//! roles (crypto/SPEC.md §9.10): sealed to that role's members and signed by the member, with
//! the same "what happened" as a report, and a first case record, so that the register and the
//! statistics are complete.

use leptos::prelude::*;
use loket_client::case::{ContactCase, seal_contact};
use loket_portal::api::team as api;
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::api::{Directory, RegisterContact as Register};
use loket_wire::content::{CaseRecord, Channel, Intake, Nature};

use crate::actions::session_failed;
use crate::app::{Team, use_team};
use crate::report::case::save;
use crate::vault;

/// The roles of member `me`, as (id, name).
pub fn my_roles(dir: &Directory, me: &str) -> Vec<(String, String)> {
    dir.roles
        .iter()
        .filter(|r| {
            dir.members
                .iter()
                .any(|m| m.id == me && m.roles.contains(&r.id))
        })
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect()
}

/// Seals and registers the contact, then saves its first case record (which is signed for
/// the case's id, known only now) and opens the case.
async fn register(ctx: Ctx, team: Team, contact: ContactCase) {
    let (Some(dir), Some(token)) = (ctx.directory.get_untracked(), vault::session_token()) else {
        return;
    };
    ctx.busy("contact-registering", |l| {
        l.case().contact_registering.into()
    });
    let sealed = vault::with_member(|m| seal_contact(&mut rand::rng(), &dir, &m.key, &contact));
    let envelope = match sealed {
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            let why = |l: Lang| (l.t().client_error)(&e);
            return ctx.error("contact-failed", |l| (l.case().contact_failed)(why(l)));
        }
        None => return ctx.error("unlock-first", |l| l.team().unlock_first.into()),
    };
    let body = Register {
        roles: contact.roles.clone(),
        envelope,
    };
    match api::register_contact(&token, &body).await {
        Ok(registered) => {
            team.registering.set(false);
            let what = contact
                .intake
                .as_ref()
                .map(|i| i.what.clone())
                .unwrap_or_default();
            let record = CaseRecord::first(what, registered.received);
            save(ctx, team, registered.report_id, contact.readers(), record).await;
            ctx.info("contact-registered", |l| l.case().contact_registered.into());
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("contact-failed", |l| (l.case().contact_failed)(e.text(l)));
            }
        }
    }
}

#[component]
pub fn RegisterContact() -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let roles = ctx
        .directory
        .get_untracked()
        .map(|d| my_roles(&d, &team.me.get_untracked()))
        .unwrap_or_default();
    let role = RwSignal::new(roles.first().map(|r| r.0.clone()).unwrap_or_default());
    let channel = RwSignal::new(Channel::Phone);
    let signal = RwSignal::new(false);
    let on = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let what = RwSignal::new(Vec::<Nature>::new());
    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return ctx.error("contact-text-first", |l| l.case().contact_text_first.into());
        }
        let day = on.get_untracked().trim().to_owned();
        let what = what.get_untracked();
        let contact = ContactCase {
            roles: vec![role.get_untracked()],
            channel: channel.get_untracked(),
            signal: signal.get_untracked(),
            on: (!day.is_empty()).then_some(day),
            text: body,
            intake: (!what.is_empty()).then(|| Intake {
                what,
                ..Intake::default()
            }),
        };
        leptos::task::spawn_local(register(ctx, team, contact));
    };
    let t = move || ctx.lang.get().case();
    let channels: &'static [Channel] = &Channel::ALL[1..];
    view! {
        <section class="card" id="contact-form">
            <h2>{move || t().contact_title}</h2>
            <label for="contact-channel">{move || t().channel_label}</label>
            <select
                id="contact-channel"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(c) = Channel::ALL.iter().copied().find(|c| c.key() == v) {
                        channel.set(c);
                    }
                }
            >
                {channels
                    .iter()
                    .map(|c| {
                        let c = *c;
                        view! {
                            <option value=c.key() selected=move || channel.get() == c>
                                {move || (t().channel)(c)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label class="choice">
                <input
                    type="checkbox"
                    id="contact-signal"
                    prop:checked=move || signal.get()
                    on:change=move |_| signal.update(|s| *s = !*s)
                />
                <span>{move || t().signal_label}</span>
            </label>
            <label for="contact-role">{move || t().contact_role_label}</label>
            <select id="contact-role" on:change=move |ev| role.set(event_target_value(&ev))>
                {roles
                    .into_iter()
                    .map(|(id, name)| view! { <option value=id>{name}</option> })
                    .collect_view()}
            </select>
            <label for="contact-on">{move || t().contact_on_label}</label>
            <input
                id="contact-on"
                type="date"
                prop:value=move || on.get()
                on:input=move |ev| on.set(event_target_value(&ev))
            />
            <fieldset>
                <legend>{move || ctx.intake().what_legend}</legend>
                {crate::report::case::checkboxes("contact-what", Nature::ALL, Nature::key, |l, n| (l.intake().nature)(n), what)}
            </fieldset>
            <label for="contact-text">{move || t().contact_text_label}</label>
            <textarea
                id="contact-text"
                rows="4"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="row">
                <button id="register-contact" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                    {move || t().contact_register}
                </button>
                <button on:click=move |_| team.registering.set(false)>
                    {move || ctx.lang.get().team().cancel}
                </button>
            </div>
        </section>
    }
}
