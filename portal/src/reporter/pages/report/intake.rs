//! The regulation's intake questions (docs/intake.md): what happened, about whom, the relation
//! to the person concerned and their name, roughly when, and what the reporter wants. Every
//! answer stays inside the encrypted report.

use leptos::prelude::*;
use loket_portal::use_ctx;
use loket_wire::content::{About, Intake, Nature, Purpose, Relation, When};

/// A `<select>` over a closed list, with a first "rather not say" choice.
#[component]
fn Choice<T: Copy + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    text: fn(&'static loket_portal::i18n::IntakeTexts, T) -> &'static str,
    get: Signal<Option<T>>,
    set: Callback<Option<T>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let change = move |ev| {
        let value = event_target_value(&ev);
        set.run(all.iter().copied().find(|a| key(*a) == value));
    };
    let options = all
        .iter()
        .map(|a| {
            let a = *a;
            view! {
                <option value=key(a) selected=move || get.get() == Some(a)>
                    {move || text(ctx.lang.get().intake(), a)}
                </option>
            }
        })
        .collect_view();
    view! {
        <select id=id on:change=change>
            <option value="" selected=move || get.get().is_none()>
                {move || ctx.intake().not_said}
            </option>
            {options}
        </select>
    }
}

/// Radio buttons over a closed list, one of which (or none) is chosen.
#[component]
fn Radios<T: Copy + PartialEq + Send + Sync + 'static>(
    name: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    text: fn(&'static loket_portal::i18n::IntakeTexts, T) -> &'static str,
    get: Signal<Option<T>>,
    set: Callback<Option<T>>,
) -> impl IntoView {
    let ctx = use_ctx();
    all.iter()
        .map(|a| {
            let a = *a;
            view! {
                <label class="choice">
                    <input
                        type="radio"
                        name=name
                        id=format!("{name}-{}", key(a))
                        prop:checked=move || get.get() == Some(a)
                        on:change=move |_| set.run(Some(a))
                    />
                    <span>{move || text(ctx.lang.get().intake(), a)}</span>
                </label>
            }
        })
        .collect_view()
}

#[component]
fn WhatHappened(intake: RwSignal<Intake>) -> impl IntoView {
    let ctx = use_ctx();
    let boxes = Nature::ALL
        .iter()
        .map(|n| {
            let n = *n;
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                intake.update(|i| {
                    i.what.retain(|w| *w != n);
                    if on {
                        i.what.push(n);
                        i.what.sort();
                    }
                });
            };
            view! {
                <label class="choice">
                    <input
                        type="checkbox"
                        id=format!("what-{}", n.key())
                        prop:checked=move || intake.with(|i| i.what.contains(&n))
                        on:change=toggle
                    />
                    <span>{move || (ctx.intake().nature)(n)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{move || ctx.intake().what_legend}</legend>
            <div class="choices">{boxes}</div>
        </fieldset>
    }
}

/// Every question of the intake, writing into `intake`.
#[component]
pub fn IntakeFields(intake: RwSignal<Intake>) -> impl IntoView {
    let ctx = use_ctx();
    let about = Signal::derive(move || intake.with(|i| i.about));
    let relation = Signal::derive(move || intake.with(|i| i.relation));
    let when = Signal::derive(move || intake.with(|i| i.when));
    let purpose = Signal::derive(move || intake.with(|i| i.purpose));
    let person = move || intake.with(|i| i.person.clone().unwrap_or_default());
    let set_person = move |ev| {
        let name = event_target_value(&ev);
        intake.update(|i| i.person = Some(name).filter(|n| !n.trim().is_empty()));
    };
    view! {
        <WhatHappened intake=intake />
        <fieldset>
            <legend>{move || ctx.intake().about_legend}</legend>
            <Radios
                name="about"
                all=About::ALL
                key=About::key
                text=|t, a| (t.about)(a)
                get=about
                set=Callback::new(move |a| intake.update(|i| i.about = a))
            />
        </fieldset>
        <label for="relation">{move || ctx.intake().relation_label}</label>
        <Choice
            id="relation"
            all=Relation::ALL
            key=Relation::key
            text=|t, r| (t.relation)(r)
            get=relation
            set=Callback::new(move |r| intake.update(|i| i.relation = r))
        />
        <label for="person">{move || ctx.intake().person_label}</label>
        <input
            type="text"
            id="person"
            autocomplete="off"
            aria-describedby="person-hint"
            prop:value=person
            on:input=set_person
        />
        <p id="person-hint" class="muted small">{move || ctx.intake().person_hint}</p>
        <label for="when">{move || ctx.intake().when_label}</label>
        <Choice
            id="when"
            all=When::ALL
            key=When::key
            text=|t, w| (t.when)(w)
            get=when
            set=Callback::new(move |w| intake.update(|i| i.when = w))
        />
        <fieldset>
            <legend>{move || ctx.intake().purpose_legend}</legend>
            <Radios
                name="purpose"
                all=Purpose::ALL
                key=Purpose::key
                text=|t, p| (t.purpose)(p)
                get=purpose
                set=Callback::new(move |p| intake.update(|i| i.purpose = p))
            />
        </fieldset>
    }
}
