//! The one place where an app says what is happening or what went wrong.

use leptos::prelude::*;

use crate::ctx::{Kind, use_ctx};

#[component]
pub fn StatusLine() -> impl IntoView {
    let ctx = use_ctx();
    let class = move || match ctx.status.with(|s| s.kind) {
        Kind::None => "status hidden",
        Kind::Info => "status info",
        Kind::Busy => "status busy",
        Kind::Error => "status error",
    };
    let key = move || ctx.status.with(|s| s.key);
    let text = move || {
        let lang = ctx.lang.get();
        ctx.status.with(|s| lang.pick(&s.text).to_owned())
    };
    view! {
        <p id="status" class=class data-msg=key role="status" aria-live="polite">
            {text}
        </p>
    }
}
