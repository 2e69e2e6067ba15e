//! The report form: the text, the roles, and the button that seals and sends.

use leptos::prelude::*;
use loket_portal::use_ctx;

use super::Sent;
use super::roles::RoleChoice;
use super::send::send_report;

#[component]
pub fn ReportForm(sent: RwSignal<Option<Sent>>) -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());

    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(dir) = ctx.directory.get_untracked() else {
            return ctx.no_directory();
        };
        let body = text.get_untracked();
        let roles = chosen.get_untracked();
        if body.trim().is_empty() {
            return ctx.error("report-empty", |l| l.t().report_write_first.into());
        }
        if roles.is_empty() {
            return ctx.error("report-no-role", |l| l.t().report_choose_role.into());
        }
        leptos::task::spawn_local(async move {
            if let Some(done) = send_report(ctx, &dir, body, roles).await {
                text.set(String::new());
                chosen.set(Vec::new());
                sent.set(Some(done));
                ctx.info("report-sent", |l| l.t().report_sent.into());
            }
        });
    };

    view! {
        <section class="card">
            <h2>{move || ctx.t().report_title}</h2>
            <p class="muted">{move || ctx.t().report_intro}</p>
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
            <button id="submit-report" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                {move || ctx.t().encrypt_and_send}
            </button>
        </section>
    }
}
