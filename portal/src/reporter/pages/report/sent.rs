//! The follow-up code, shown once, and the receipt.

use crate::use_ctx;
use leptos::prelude::*;

use super::Sent;

/// The receipt's download button, or why there is none.
#[component]
pub fn ReceiptBox(receipt: Option<String>, received: i64) -> impl IntoView {
    let ctx = use_ctx();
    let hour = crate::browser::hour(received);
    let offered = receipt.is_some();
    let download = move |_| {
        if let Some(text) = &receipt {
            let name = format!("loket-receipt-{received}.json");
            if let Ok(url) = crate::browser::save_file(&name, text.as_bytes()) {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
        }
    };
    view! {
        <div id="receipt" class="receipt">
            <h3>{move || ctx.intake().receipt_title}</h3>
            <p class="muted small">{move || (ctx.intake().received_hour)(&hour)}</p>
            <p class="muted small">{move || ctx.intake().receipt_intro}</p>
            {move || {
                if offered {
                    view! {
                        <button id="receipt-download" on:click=download.clone()>
                            {move || ctx.intake().receipt_download}
                        </button>
                    }
                        .into_any()
                } else {
                    view! { <p id="receipt-bad" class="warning">{move || ctx.intake().receipt_bad}</p> }
                        .into_any()
                }
            }}
        </div>
    }
}

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
                <span id="argon2-ms" data-ran=sent.argon2_ran.name()>
                    {sent.argon2_ms}
                </span>
                {move || ctx.t().code_derived.1}
            </p>
            <ReceiptBox receipt=sent.receipt received=sent.received />
            <button id="code-saved" class="primary" on:click=saved>
                {move || ctx.t().code_saved}
            </button>
        </section>
    }
}
