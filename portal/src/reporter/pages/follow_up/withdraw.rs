//! Withdrawal (SPEC §9.7) deletes the report and every message on the server at once; it
//! asks once more before doing so.

use crate::{Ctx, use_ctx};
use leptos::prelude::*;
use loket_wire::api::ThreadRequest;

use super::thread::{ThreadView, check_pow};
use crate::api;
use crate::reporter::vault;

async fn withdraw(ctx: Ctx, thread: RwSignal<Option<ThreadView>>, token: loket_wire::B64) {
    let pow = match check_pow(ctx, |t| t.withdraw_pow).await {
        Ok(pow) => pow,
        Err(e) => {
            return ctx.error("withdraw-failed", |l| (l.t().withdraw_failed)(e.text(l)));
        }
    };
    ctx.busy("withdrawing", |l| l.t().withdrawing.into());
    let request = ThreadRequest {
        lookup_token: token,
        pow,
    };
    match api::withdraw(&request).await {
        Ok(_) => {
            vault::set_reporter(None);
            thread.set(None);
            ctx.info("withdrawn", |l| l.t().withdrawn.into());
        }
        Err(e) => ctx.error("withdraw-failed", |l| (l.t().withdraw_failed)(e.text(l))),
    }
}

#[component]
pub fn WithdrawBox(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let confirming = RwSignal::new(false);
    let confirm = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(token) = vault::lookup_token() else {
            return ctx.error("open-first", |l| l.t().open_first.into());
        };
        leptos::task::spawn_local(withdraw(ctx, thread, token));
    };
    view! {
        <div class="actions">
            <button id="withdraw" class="danger-link" on:click=move |_| confirming.set(true)>
                {move || ctx.t().withdraw}
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div class="warning" id="withdraw-box">
                <p>{move || ctx.t().withdraw_warning}</p>
                <div class="actions">
                    <button
                        id="confirm-withdraw"
                        class="danger"
                        on:click=confirm
                        disabled=move || ctx.is_busy()
                    >
                        {move || ctx.t().withdraw_confirm}
                    </button>
                    <button id="cancel-withdraw" on:click=move |_| confirming.set(false)>
                        {move || ctx.t().withdraw_keep}
                    </button>
                </div>
            </div>
        </Show>
    }
}
