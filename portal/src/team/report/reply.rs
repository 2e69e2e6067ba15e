//! A member's reply (SPEC §9.6): readers come from inside the sealed report, never from the
//! server; the reply is signed with this member's key.

use leptos::prelude::*;
use loket_client::{ClientError, OpenedReport};
use loket_portal::api::team as api;
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::B64;
use loket_wire::api::{Directory, PostReply};
use loket_wire::content::CaseState;

use super::ReportView;
use crate::actions::{refresh, session_failed};
use crate::app::{Team, use_team};
use crate::vault;

/// What the status line says while a thread message of this member is sent, once it is, and
/// when it is not (with why).
pub(super) struct Say {
    pub sending: (&'static str, fn(Lang) -> String),
    pub sent: (&'static str, fn(Lang) -> String),
    pub failed: (&'static str, fn(Lang, &str) -> String),
}

const REPLY: Say = Say {
    sending: ("reply-sending", |l| l.team().reply_sending.into()),
    sent: ("reply-sent", |l| l.team().reply_sent.into()),
    failed: ("reply-not-sent", |l, why| (l.team().reply_not_sent)(why)),
};

/// Seals a thread message with this member's key by `seal`, given the report as opened; `None`
/// when it cannot (the status line says why).
pub(super) fn seal_as_member(
    ctx: Ctx,
    view: &ReportView,
    say: &Say,
    seal: impl FnOnce(&Directory, &OpenedReport, &vault::Member) -> Result<B64, ClientError>,
) -> Option<B64> {
    let dir = ctx.directory.get_untracked()?;
    let Some(opened) = view.opened.as_ref() else {
        ctx.error("reply-undecryptable", |l| {
            l.team().reply_undecryptable.into()
        });
        return None;
    };
    match vault::with_member(|m| seal(&dir, opened, m)) {
        Some(Ok(envelope)) => Some(envelope),
        Some(Err(e)) => {
            let why = |l: Lang| (l.t().client_error)(&e);
            let (key, failed) = say.failed;
            ctx.error(key, |l| failed(l, why(l)));
            None
        }
        None => {
            ctx.error("unlock-first", |l| l.team().unlock_first.into());
            None
        }
    }
}

/// Posts a sealed thread message of this member, then empties `text` and shows the case again.
pub(super) async fn post(
    ctx: Ctx,
    team: Team,
    report_id: String,
    envelope: B64,
    text: RwSignal<String>,
    say: &Say,
) {
    let Some(token) = vault::session_token() else {
        return;
    };
    let (sending, sent, (failed_key, failed)) = (say.sending, say.sent, say.failed);
    ctx.busy(sending.0, sending.1);
    match api::reply(&token, &report_id, &PostReply { envelope }).await {
        Ok(_) => {
            text.set(String::new());
            ctx.info(sent.0, sent.1);
            refresh(ctx, team, report_id).await;
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error(failed_key, |l| failed(l, e.text(l)));
            }
        }
    }
}

#[component]
pub fn ReplyBox(view: ReportView) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let reply = RwSignal::new(String::new());
    let status = RwSignal::new(None::<CaseState>);
    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let text = reply.get_untracked();
        let share = status.get_untracked();
        if text.trim().is_empty() && share.is_none() {
            return ctx.error("reply-empty", |l| l.team().reply_write_first.into());
        }
        let sealed = seal_as_member(ctx, &view, &REPLY, |dir, opened, m| {
            loket_client::seal_team_status(
                &mut rand::rng(),
                dir,
                opened,
                &view.report_id,
                &m.key,
                &text,
                share,
            )
        });
        if let Some(envelope) = sealed {
            status.set(None);
            let id = view.report_id.clone();
            leptos::task::spawn_local(post(ctx, team, id, envelope, reply, &REPLY));
        }
    };
    view! {
        <label for="reply-text">{move || ctx.lang.get().team().reply_label}</label>
        <textarea
            id="reply-text"
            rows="5"
            prop:value=move || reply.get()
            on:input=move |ev| reply.set(event_target_value(&ev))
        ></textarea>
        <label for="reply-status">{move || ctx.intake().status_share}</label>
        <select
            id="reply-status"
            on:change=move |ev| {
                let v = event_target_value(&ev);
                status.set(CaseState::ALL.iter().copied().find(|s| s.key() == v));
            }
        >
            <option value="" selected=move || status.get().is_none()>
                {move || ctx.intake().status_keep}
            </option>
            {CaseState::ALL
                .iter()
                .map(|s| {
                    let s = *s;
                    view! {
                        <option value=s.key() selected=move || status.get() == Some(s)>
                            {move || (ctx.intake().status)(s)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <button id="send-reply" class="primary" on:click=submit disabled=move || ctx.is_busy()>
            {move || ctx.t().encrypt_and_send}
        </button>
    }
}
