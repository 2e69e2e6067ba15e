//! The reporter's answer (SPEC §9.4): signed with the code-derived key, sealed to the readers
//! named inside the report (never what the server says).

use crate::{Ctx, Lang, use_ctx};
use leptos::prelude::*;
use loket_client::ClientError;
use loket_wire::B64;
use loket_wire::api::PostAnswer;
use loket_wire::content::ContactDetails;

use super::thread::{ThreadView, check_pow, reload};
use crate::api;
use crate::reporter::vault;

/// Seals `text` as an answer of the reporter in the vault, with their name and contact
/// details when they give them.
pub(super) fn seal(ctx: Ctx, text: &str, contact: Option<ContactDetails>) -> Option<PostAnswer> {
    let dir = ctx.directory.get_untracked()?;
    let sealed = vault::with_reporter(|r| {
        let rng = &mut rand::rng();
        let envelope = match contact {
            Some(contact) => loket_client::seal_reporter_contact(
                rng,
                &dir,
                &r.report,
                &r.report_id,
                &r.keys,
                text,
                contact,
            )?,
            None => loket_client::seal_reporter_message(
                rng,
                &dir,
                &r.report,
                &r.report_id,
                &r.keys,
                text,
            )?,
        };
        Ok::<_, ClientError>(PostAnswer {
            lookup_token: B64(r.keys.lookup_token.to_vec()),
            envelope,
            pow: None,
        })
    });
    match sealed {
        Some(Ok(request)) => Some(request),
        Some(Err(ClientError::NoReaders)) => {
            ctx.error("answer-no-readers", |l| l.t().answer_no_readers.into());
            None
        }
        Some(Err(e)) => {
            let why = |l: Lang| (l.t().client_error)(&e);
            ctx.error("answer-not-sent", |l| (l.t().answer_not_sent)(why(l)));
            None
        }
        None => {
            ctx.error("open-first", |l| l.t().open_first.into());
            None
        }
    }
}

/// Pays the proof of work, posts a sealed answer and reloads the thread; `false` when it was
/// not sent (the status line says why).
pub(super) async fn post(
    ctx: Ctx,
    thread: RwSignal<Option<ThreadView>>,
    mut request: PostAnswer,
) -> bool {
    request.pow = match check_pow(ctx, |t| t.answer_pow).await {
        Ok(pow) => pow,
        Err(e) => {
            ctx.error("answer-not-sent", |l| (l.t().answer_not_sent)(e.text(l)));
            return false;
        }
    };
    ctx.busy("answer-sending", |l| l.t().answer_sending.into());
    match api::answer(&request).await {
        Ok(_) => {
            reload(ctx, thread).await;
            true
        }
        Err(e) => {
            ctx.error("answer-not-sent", |l| (l.t().answer_not_sent)(e.text(l)));
            false
        }
    }
}

#[component]
pub fn AnswerBox(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let answer = RwSignal::new(String::new());
    let send = move |_| {
        if ctx.is_busy() {
            return;
        }
        let text = answer.get_untracked();
        if text.trim().is_empty() {
            return ctx.error("answer-empty", |l| l.t().answer_write_first.into());
        }
        let Some(request) = seal(ctx, &text, None) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if post(ctx, thread, request).await {
                answer.set(String::new());
                ctx.info("answer-sent", |l| l.t().answer_sent.into());
            }
        });
    };
    view! {
        <label for="answer-text">{move || ctx.t().answer_label}</label>
        <textarea
            id="answer-text"
            rows="5"
            prop:value=move || answer.get()
            on:input=move |ev| answer.set(event_target_value(&ev))
        ></textarea>
        <button id="send-answer" class="primary" on:click=send disabled=move || ctx.is_busy()>
            {move || ctx.t().encrypt_and_send}
        </button>
    }
}
