//! The regulation's intake questions (docs/intake.md): what happened, about whom, the relation
//! to the person concerned and their name, roughly when, and what the reporter wants. Every
//! answer stays inside the encrypted report.

use crate::i18n::IntakeTexts;
use crate::use_ctx;
use leptos::prelude::*;
use loket_wire::content::{About, Intake, Nature, Purpose, Relation, When};

/// The texts of one closed list: its answers' keys, and the text of the answer at an index.
/// Not generic over the answer type, so the view code exists once for every list.
#[derive(Clone, Copy)]
pub struct Answers {
    pub keys: &'static [&'static str],
    pub text: fn(&'static IntakeTexts, usize) -> &'static str,
}

/// A `<select>` over a closed list, with a first "rather not say" choice.
#[component]
pub fn Choice(
    id: &'static str,
    answers: Answers,
    get: Signal<Option<usize>>,
    set: Callback<Option<usize>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let change = move |ev| {
        let value = event_target_value(&ev);
        set.run(answers.keys.iter().position(|k| *k == value));
    };
    let options = (0..answers.keys.len())
        .map(|i| {
            view! {
                <option value=answers.keys[i] selected=move || get.get() == Some(i)>
                    {move || (answers.text)(ctx.intake(), i)}
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
fn Radios(
    name: &'static str,
    answers: Answers,
    get: Signal<Option<usize>>,
    set: Callback<Option<usize>>,
) -> impl IntoView {
    let ctx = use_ctx();
    (0..answers.keys.len())
        .map(|i| {
            view! {
                <label class="choice">
                    <input
                        type="radio"
                        name=name
                        id=format!("{name}-{}", answers.keys[i])
                        prop:checked=move || get.get() == Some(i)
                        on:change=move |_| set.run(Some(i))
                    />
                    <span>{move || (answers.text)(ctx.intake(), i)}</span>
                </label>
            }
        })
        .collect_view()
}

/// The index of `value` in `all`.
fn index<T: PartialEq>(all: &[T], value: Option<T>) -> Option<usize> {
    value.and_then(|v| all.iter().position(|a| *a == v))
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
    let about = Signal::derive(move || intake.with(|i| index(About::ALL, i.about)));
    let relation = Signal::derive(move || intake.with(|i| index(Relation::ALL, i.relation)));
    let when = Signal::derive(move || intake.with(|i| index(When::ALL, i.when)));
    let purpose = Signal::derive(move || intake.with(|i| index(Purpose::ALL, i.purpose)));
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
                answers=Answers { keys: About::KEYS, text: |t, i| (t.about)(About::ALL[i]) }
                get=about
                set=Callback::new(move |a: Option<usize>| {
                    intake.update(|i| i.about = a.map(|a| About::ALL[a]))
                })
            />
        </fieldset>
        <label for="relation">{move || ctx.intake().relation_label}</label>
        <Choice
            id="relation"
            answers=Answers {
                keys: Relation::KEYS,
                text: |t, i| (t.relation)(Relation::ALL[i]),
            }
            get=relation
            set=Callback::new(move |r: Option<usize>| {
                intake.update(|i| i.relation = r.map(|r| Relation::ALL[r]))
            })
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
            answers=Answers { keys: When::KEYS, text: |t, i| (t.when)(When::ALL[i]) }
            get=when
            set=Callback::new(move |w: Option<usize>| {
                intake.update(|i| i.when = w.map(|w| When::ALL[w]))
            })
        />
        <fieldset>
            <legend>{move || ctx.intake().purpose_legend}</legend>
            <Radios
                name="purpose"
                answers=Answers { keys: Purpose::KEYS, text: |t, i| (t.purpose)(Purpose::ALL[i]) }
                get=purpose
                set=Callback::new(move |p: Option<usize>| {
                    intake.update(|i| i.purpose = p.map(|p| Purpose::ALL[p]))
                })
            />
        </fieldset>
    }
}
