//! Enter the code: typos are caught here, then the keys are derived and the thread fetched.

use crate::{Ctx, use_ctx};
use leptos::prelude::*;
use loket_crypto::{CodeError, FollowUpCode};
use loket_wire::B64;
use loket_wire::api::{Directory, ThreadRequest};
use zeroize::Zeroizing;

use super::thread::{ThreadView, check_pow, not_found, open};
use crate::api;
use crate::reporter::vault;

/// Derives the keys of `code`, fetches its thread and opens it into the vault.
async fn open_with(
    ctx: Ctx,
    dir: Directory,
    code: FollowUpCode,
    input: NodeRef<leptos::html::Input>,
    thread: RwSignal<Option<ThreadView>>,
) {
    ctx.busy("deriving", |l| l.t().deriving.into());
    // A former member's replies verify against the directory that listed them.
    let dir = crate::ctx::directory_with_history(ctx).await.unwrap_or(dir);
    // The form shows only while no thread is open, so `thread` is `None` already. Setting it
    // again would rebuild the form and dispose of `input` while this task still holds it.
    vault::set_reporter(None);
    let keys = match crate::work::derive(&code, &dir.deployment_salt.0).await {
        Ok((keys, _)) => keys,
        Err(e) => return ctx.error("code-error", |l| (l.t().code_error)(&e)),
    };
    let pow = match check_pow(ctx, |t| t.fetch_pow).await {
        Ok(pow) => pow,
        Err(e) => return ctx.error("fetch-failed", |l| e.text(l).into()),
    };
    ctx.busy("fetching", |l| l.t().fetching.into());
    let request = ThreadRequest {
        lookup_token: B64(keys.lookup_token.to_vec()),
        pow,
    };
    let t = match api::thread(&request).await {
        Ok(t) => t,
        Err(e) => return ctx.error("fetch-failed", |l| e.text(l).into()),
    };
    let Some(opened) = open(&t, &dir, &keys) else {
        return not_found(ctx);
    };
    let view = ThreadView::new(ctx, &dir, &t, &opened);
    vault::set_reporter(Some(vault::Reporter {
        keys,
        report_id: t.report_id.clone(),
        report: opened.report,
    }));
    if let Some(el) = input.try_get_untracked().flatten() {
        el.set_value("");
    }
    thread.set(Some(view));
    ctx.clear();
}

#[component]
pub fn OpenForm(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    // The code is read from its input when needed, never kept in a signal.
    let code_input = NodeRef::<leptos::html::Input>::new();
    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let input = Zeroizing::new(
            code_input
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default(),
        );
        // Typos are caught here, before anything is sent (SPEC §7).
        let code = match FollowUpCode::parse(&input) {
            Ok(code) => code,
            Err(e) => {
                let key = match e {
                    CodeError::Typo => "code-typo",
                    _ => "code-invalid",
                };
                return ctx.error(key, |l| (l.t().code_error)(&e));
            }
        };
        let Some(dir) = ctx.directory.get_untracked() else {
            return ctx.no_directory();
        };
        leptos::task::spawn_local(open_with(ctx, dir, code, code_input, thread));
    };
    view! {
        // The Web Worker for Argon2id and the proof of work starts loading once the reporter
        // begins here: not on the first visit's critical path, ready by the time it is needed.
        <section class="card" on:focusin=move |_| crate::work::warm_up()>
            <h2>{move || ctx.t().followup_title}</h2>
            <p class="muted">{move || ctx.t().followup_intro}</p>
            <label for="code-input">{move || ctx.t().code_label}</label>
            <input
                id="code-input"
                class="code-input"
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
                node_ref=code_input
            />
            <button id="open-thread" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                {move || ctx.t().open}
            </button>
        </section>
    }
}
