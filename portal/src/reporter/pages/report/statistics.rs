//! The optional, clearly separated "anonymous statistics" part (SPEC §9.2): staff category, age
//! band, unit. Shown only when the directory lists a statistics key; sealed on its own to it.

use leptos::prelude::*;
use loket_client::StatisticsPart;
use loket_portal::use_ctx;
use loket_wire::content::{AgeBand, StaffCategory};

/// Options of a `<select>`: a first "rather not say", then every answer.
fn options<T: Copy + PartialEq + Send + Sync + 'static>(
    all: &'static [T],
    key: fn(T) -> &'static str,
    text: fn(&'static loket_portal::i18n::IntakeTexts, T) -> &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    let answers = all
        .iter()
        .map(|a| {
            let a = *a;
            view! { <option value=key(a)>{move || text(ctx.intake(), a)}</option> }
        })
        .collect_view();
    view! {
        <option value="">{move || ctx.intake().not_said}</option>
        {answers}
    }
}

#[component]
pub fn StatisticsFields(part: RwSignal<StatisticsPart>) -> impl IntoView {
    let ctx = use_ctx();
    let units = move || ctx.directory.get().map(|d| d.units).unwrap_or_default();
    let pick_unit = move |ev| {
        let unit = event_target_value(&ev);
        part.update(|p| p.unit = Some(unit).filter(|u| !u.is_empty()));
    };
    let pick_staff = move |ev| {
        let v = event_target_value(&ev);
        part.update(|p| p.staff = StaffCategory::ALL.iter().copied().find(|s| s.key() == v));
    };
    let pick_age = move |ev| {
        let v = event_target_value(&ev);
        part.update(|p| p.age = AgeBand::ALL.iter().copied().find(|a| a.key() == v));
    };
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
                    <select id="stats-staff" on:change=pick_staff>
                        {options(StaffCategory::ALL, StaffCategory::key, |t, s| (t.staff)(s))}
                    </select>
                    <label for="stats-age">{move || ctx.intake().age_label}</label>
                    <select id="stats-age" on:change=pick_age>
                        {options(AgeBand::ALL, AgeBand::key, |t, a| (t.age)(a))}
                    </select>
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
