//! Follow up (SPEC §9.3, §9.4, §9.7, §9.9): enter the code, read the thread, answer, attach a
//! file, or withdraw the report.

mod answer;
mod attach;
mod contact;
mod open;
mod share;
mod thread;
mod withdraw;

use crate::browser::hour;
use crate::components::Messages;
use crate::use_ctx;
use leptos::prelude::*;
use loket_wire::content::CaseState;

use self::answer::AnswerBox;
use self::attach::AttachBox;
use self::contact::ContactBox;
use self::open::OpenForm;
use self::share::ShareRequests;
use self::thread::ThreadView;
use self::withdraw::WithdrawBox;
use crate::reporter::pages::ReceiptBox;
use crate::reporter::vault;

/// The state of the case the team chose to share, with what it said (such as aftercare).
#[component]
fn StatusBox(status: (CaseState, Option<String>)) -> impl IntoView {
    let ctx = use_ctx();
    let (state, said) = status;
    view! {
        <div id="case-status" class="case-status" data-status=state.key()>
            <h3>{move || ctx.intake().status_title}</h3>
            <p>
                <strong>{move || (ctx.intake().status)(state)}</strong>
                " — "
                {move || (ctx.intake().status_explained)(state)}
            </p>
            {said.filter(|s| !s.trim().is_empty()).map(|s| view! { <p class="said">{s}</p> })}
        </div>
    }
}

#[component]
fn ThreadCard(view: ThreadView, thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let close = move |_| {
        vault::set_reporter(None);
        thread.set(None);
        ctx.clear();
    };
    let received = hour(view.received);
    view! {
        <section class="card">
            <h2>{move || ctx.t().thread_title}</h2>
            <p class="muted small">{move || (ctx.t().sent_at)(&received)}</p>
            <StatusBox status=view.status.clone() />
            <ShareRequests view=view.clone() thread=thread />
            <div id="thread" class="thread">
                <Messages entries=view.entries />
            </div>
            <AnswerBox thread=thread />
            <AttachBox thread=thread />
            <ContactBox thread=thread />
            <ReceiptBox receipt=view.receipt received=view.received />
            <div class="actions">
                <button id="close-thread" on:click=close>
                    {move || ctx.t().close}
                </button>
            </div>
            <WithdrawBox thread=thread />
        </section>
    }
}

#[component]
pub fn FollowUpPage() -> impl IntoView {
    let thread = RwSignal::new(None::<ThreadView>);
    move || match thread.get() {
        None => view! { <OpenForm thread=thread /> }.into_any(),
        Some(v) => view! { <ThreadCard view=v thread=thread /> }.into_any(),
    }
}
