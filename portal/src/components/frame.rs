//! The frame of both apps: header with the language switch and the app's navigation, the
//! directory warning, the footer.

use leptos::prelude::*;

use crate::ctx::{organisation_key, use_ctx};
use crate::i18n::Lang;

/// One button per language, each named in its own language. The choice stays in this tab.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let ctx = use_ctx();
    let buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <button
                    id=format!("lang-{}", lang.code())
                    lang=lang.code()
                    class:active=move || ctx.lang.get() == lang
                    aria-pressed=move || (ctx.lang.get() == lang).to_string()
                    on:click=move |_| ctx.lang.set(lang)
                >
                    {lang.t().lang_name}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="lang" role="group" aria-label=move || ctx.t().lang_switch>
            {buttons}
        </div>
    }
}

/// The brand, the organisation's name, the language switch and the app's `children` (its
/// navigation).
#[component]
pub fn Header(children: Children) -> impl IntoView {
    let ctx = use_ctx();
    let organisation = move || {
        ctx.directory
            .get()
            .map(|d| d.organisation)
            .unwrap_or_default()
    };
    view! {
        <header>
            <div class="brand">
                <span class="logo" aria-hidden="true">"L"</span>
                <div>
                    <h1>"Loket"</h1>
                    <p class="org">{organisation}</p>
                </div>
            </div>
            <LangSwitch />
            {children()}
        </header>
    }
}

/// Why the directory cannot be used, above everything while it lasts.
#[component]
pub fn DirectoryError() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        ctx.directory_error.get().map(|problem| {
            view! {
                <p id="directory-error" class="status error" role="alert">
                    {move || problem.text(ctx.lang.get())}
                </p>
            }
        })
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <footer>
            <p>{move || ctx.t().footer_encrypted}</p>
            <p class="small">
                {move || ctx.t().footer_fingerprint}
                <code id="org-fingerprint">
                    {organisation_key().map(|k| k.fingerprint()).unwrap_or_default()}
                </code>
            </p>
        </footer>
    }
}
