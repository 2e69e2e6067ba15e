//! The optional, clearly separated "anonymous statistics" part (SPEC §9.2): staff category, age
//! band, unit. Shown only when the directory lists a statistics key; sealed on its own to it.

use crate::use_ctx;
use leptos::prelude::*;
use loket_client::StatisticsPart;
use loket_wire::content::{AgeBand, StaffCategory};

use super::intake::{Answers, Choice};

#[component]
pub fn StatisticsFields(part: RwSignal<StatisticsPart>) -> impl IntoView {
    let ctx = use_ctx();
    let units = move || ctx.directory.get().map(|d| d.units).unwrap_or_default();
    let pick_unit = move |ev| {
        let unit = event_target_value(&ev);
        part.update(|p| p.unit = Some(unit).filter(|u| !u.is_empty()));
    };
    let staff = Signal::derive(move || {
        part.with(|p| {
            p.staff
                .and_then(|s| StaffCategory::ALL.iter().position(|a| *a == s))
        })
    });
    let age = Signal::derive(move || {
        part.with(|p| {
            p.age
                .and_then(|s| AgeBand::ALL.iter().position(|a| *a == s))
        })
    });
    let shown = move || {
        ctx.directory
            .with(|d| d.as_ref().is_some_and(|d| d.statistics_key.is_some()))
    };
    move || {
        shown().then(|| {
            view! {
                <fieldset id="statistics" class="statistics">
                    <legend>{move || ctx.intake().stats_legend}</legend>
                    <p class="muted small">{move || ctx.intake().stats_intro}</p>
                    <label for="stats-staff">{move || ctx.intake().staff_label}</label>
                    <Choice
                        id="stats-staff"
                        answers=Answers {
                            keys: StaffCategory::KEYS,
                            text: |t, i| (t.staff)(StaffCategory::ALL[i]),
                        }
                        get=staff
                        set=Callback::new(move |s: Option<usize>| {
                            part.update(|p| p.staff = s.map(|s| StaffCategory::ALL[s]))
                        })
                    />
                    <label for="stats-age">{move || ctx.intake().age_label}</label>
                    <Choice
                        id="stats-age"
                        answers=Answers { keys: AgeBand::KEYS, text: |t, i| (t.age)(AgeBand::ALL[i]) }
                        get=age
                        set=Callback::new(move |a: Option<usize>| {
                            part.update(|p| p.age = a.map(|a| AgeBand::ALL[a]))
                        })
                    />
                    <label for="stats-unit">{move || ctx.intake().unit_label}</label>
                    <select id="stats-unit" on:change=pick_unit>
                        <option value="">{move || ctx.intake().not_said}</option>
                        {move || {
                            units()
                                .into_iter()
                                .map(|u| view! { <option value=u.clone()>{u.clone()}</option> })
                                .collect_view()
                        }}
                    </select>
                </fieldset>
            }
        })
    }
}
