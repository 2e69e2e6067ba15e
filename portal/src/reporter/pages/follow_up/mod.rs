//! Follow up (SPEC §9.3, §9.4, §9.7, §9.9): enter the code, read the thread, answer, attach a
//! file, or withdraw the report.

mod answer;
mod attach;
mod open;
mod thread;
mod withdraw;

use leptos::prelude::*;
use loket_portal::browser::hour;
use loket_portal::components::Messages;
use loket_portal::use_ctx;

use self::answer::AnswerBox;
use self::attach::AttachBox;
use self::open::OpenForm;
use self::thread::ThreadView;
use self::withdraw::WithdrawBox;
use crate::vault;

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
            <div id="thread" class="thread">
                <Messages entries=view.entries />
            </div>
            <AnswerBox thread=thread />
            <AttachBox thread=thread />
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
