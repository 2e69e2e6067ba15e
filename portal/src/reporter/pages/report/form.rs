//! The report form: the intake questions, the text, the readers (and whom to keep out), the
//! optional statistics, what to know before sending, and the button that seals and sends.

use crate::use_ctx;
use leptos::prelude::*;
use loket_client::{StatisticsPart, Submission};
use loket_wire::content::Intake;

use super::Sent;
use super::intake::IntakeFields;
use super::know::BeforeSending;
use super::roles::{ExcludeChoice, RoleChoice};
use super::send::send_report;
use super::statistics::StatisticsFields;

#[component]
pub fn ReportForm(sent: RwSignal<Option<Sent>>) -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let intake = RwSignal::new(Intake::default());
    let chosen = RwSignal::new(Vec::<String>::new());
    let excluded = RwSignal::new(Vec::<String>::new());
    let statistics = RwSignal::new(StatisticsPart::default());

    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(dir) = ctx.directory.get_untracked() else {
            return ctx.no_directory();
        };
        let roles = chosen.get_untracked();
        let answers = intake.get_untracked();
        if text.with_untracked(|t| t.trim().is_empty()) && answers.what.is_empty() {
            return ctx.error("report-empty", |l| l.intake().report_what_first.into());
        }
        if roles.is_empty() {
            return ctx.error("report-no-role", |l| l.t().report_choose_role.into());
        }
        // Only members of the chosen roles can be kept out.
        let excluded = excluded.with_untracked(|e| {
            dir.members_of(&roles)
                .filter(|m| e.contains(&m.id))
                .map(|m| m.id.clone())
                .collect()
        });
        let submission = Submission {
            text: text.get_untracked(),
            intake: Some(answers),
            roles,
            excluded,
        };
        let part = statistics.get_untracked();
        leptos::task::spawn_local(async move {
            if let Some(done) = send_report(ctx, &dir, submission, part).await {
                text.set(String::new());
                intake.set(Intake::default());
                chosen.set(Vec::new());
                sent.set(Some(done));
                ctx.info("report-sent", |l| l.t().report_sent.into());
            }
        });
    };

    view! {
        // The Web Worker for Argon2id and the proof of work starts loading once the reporter
        // begins here: not on the first visit's critical path, ready by the time it is needed.
        <section class="card" on:focusin=move |_| crate::work::warm_up()>
            <h2>{move || ctx.t().report_title}</h2>
            <p class="muted">{move || ctx.t().report_intro}</p>
            <IntakeFields intake=intake />
            <label for="report-text">{move || ctx.t().report_label}</label>
            <textarea
                id="report-text"
                rows="10"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <fieldset>
                <legend>{move || ctx.t().report_readers}</legend>
                <RoleChoice chosen=chosen />
            </fieldset>
            <ExcludeChoice chosen=chosen excluded=excluded />
            <StatisticsFields part=statistics />
            <BeforeSending />
            <button id="submit-report" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                {move || ctx.t().encrypt_and_send}
            </button>
        </section>
    }
}
