//! What a reporter must know before sending, in plain words (the regulation; docs/intake.md).

use crate::use_ctx;
use leptos::prelude::*;

#[component]
pub fn BeforeSending() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section id="before-sending" class="know" aria-labelledby="know-title">
            <h3 id="know-title">{move || ctx.intake().know_title}</h3>
            <ul>
                <li>{move || ctx.intake().know_confidential}</li>
                <li>{move || ctx.intake().know_formal}</li>
                <li>{move || ctx.intake().know_students}</li>
                <li>{move || ctx.intake().know_answer}</li>
                <li>{move || ctx.intake().know_outside}</li>
                <li>{move || ctx.intake().know_device}</li>
            </ul>
        </section>
    }
}
