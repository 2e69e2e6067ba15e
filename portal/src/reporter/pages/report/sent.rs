//! The follow-up code, shown once.

use leptos::prelude::*;
use loket_portal::use_ctx;

use super::Sent;

#[component]
pub fn CodeCard(sent: Sent, on_saved: impl Fn() + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let saved = move |_| {
        on_saved();
        ctx.info("code-saved", |l| l.t().code_saved_info.into());
    };
    view! {
        <section class="card code-card">
            <h2>{move || ctx.t().code_title}</h2>
            <p id="code" class="code">{sent.code}</p>
            <p class="warning">{move || ctx.t().code_warning}</p>
            <p class="muted small">
                {move || ctx.t().code_derived.0}
                <span id="argon2-ms">{sent.argon2_ms}</span>
                {move || ctx.t().code_derived.1}
            </p>
            <button id="code-saved" class="primary" on:click=saved>
                {move || ctx.t().code_saved}
            </button>
        </section>
    }
}
