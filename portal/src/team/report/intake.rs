//! The reporter's intake answers (docs/intake.md) and whom they kept out, as a member reads
//! them, in the member's language.

use leptos::prelude::*;
use loket_client::OpenedReport;
use loket_portal::i18n::{IntakeTexts, Lang};
use loket_portal::use_ctx;
use loket_wire::api::Directory;
use loket_wire::content::Intake;

/// One line per answer given: the question and the answer, in `lang`.
fn lines(intake: &Intake, lang: Lang) -> Vec<(&'static str, String)> {
    let t: &IntakeTexts = lang.intake();
    let mut out = Vec::new();
    if !intake.what.is_empty() {
        let what: Vec<&str> = intake.what.iter().map(|n| (t.nature)(*n)).collect();
        out.push((t.what_legend, what.join(", ")));
    }
    if let Some(a) = intake.about {
        out.push((t.about_legend, (t.about)(a).to_owned()));
    }
    if let Some(r) = intake.relation {
        out.push((t.relation_label, (t.relation)(r).to_owned()));
    }
    if let Some(p) = &intake.person {
        out.push((t.person_label, p.clone()));
    }
    if let Some(w) = intake.when {
        out.push((t.when_label, (t.when)(w).to_owned()));
    }
    if let Some(p) = intake.purpose {
        out.push((t.purpose_legend, (t.purpose)(p).to_owned()));
    }
    out
}

#[component]
pub fn IntakeSummary(report: Option<OpenedReport>, dir: Option<Directory>) -> impl IntoView {
    let ctx = use_ctx();
    let report = report?;
    let excluded: Vec<String> = report
        .excluded
        .iter()
        .map(|id| {
            dir.as_ref()
                .and_then(|d| d.members.iter().find(|m| &m.id == id))
                .map_or_else(|| id.clone(), |m| m.name.clone())
        })
        .collect();
    let intake = report.intake.unwrap_or_default();
    Some(view! {
        <div id="intake" class="intake">
            <h3>{move || ctx.intake().intake_title}</h3>
            <dl>
                {move || {
                    lines(&intake, ctx.lang.get())
                        .into_iter()
                        .map(|(q, a)| view! { <dt>{q}</dt><dd>{a}</dd> })
                        .collect_view()
                }}
            </dl>
            {(!excluded.is_empty()).then(|| {
                let names = excluded.join(", ");
                view! {
                    <p id="intake-excluded" class="warning">
                        {move || (ctx.intake().excluded_members)(&names)}
                    </p>
                }
            })}
        </div>
    })
}
