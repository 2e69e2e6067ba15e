//! Referral with consent (SPEC §9.8), the reporter's side: the team asked to involve another
//! role or one person; only the reporter can allow it. Refusing is an answer that says so. Allowing seals
//! the report, signed again with the role among its roles, and every message that verifies to
//! the new readers, here in the browser, and sends them with the answer in one request.

use crate::{Ctx, Lang, use_ctx};
use leptos::prelude::*;
use loket_client::ClientError;
use loket_wire::B64;
use loket_wire::api::{PostAnswer, PostShare};
use loket_wire::content::ShareTo;

use super::answer::post;
use super::thread::{ThreadView, check_pow, reload};
use crate::api;
use crate::reporter::vault;

fn failed(ctx: Ctx, e: &ClientError) {
    let why = |l: Lang| (l.t().client_error)(e);
    ctx.error("share-failed", |l| (l.share().failed)(why(l)));
}

async fn grant(
    ctx: Ctx,
    thread: RwSignal<Option<ThreadView>>,
    raw: loket_wire::api::Thread,
    to: ShareTo,
) {
    let Some(dir) = ctx.directory.get_untracked() else {
        return;
    };
    let pow = match check_pow(ctx, |t| t.answer_pow).await {
        Ok(pow) => pow,
        Err(e) => return ctx.error("share-failed", |l| (l.share().failed)(e.text(l))),
    };
    ctx.busy("share-granting", |l| l.share().granting.into());
    let sealed = vault::with_reporter(|r| {
        let grant = loket_client::share::grant_share(
            &mut rand::rng(),
            &dir,
            &r.keys,
            &r.report_id,
            &raw.envelope,
            &raw.messages,
            "",
            &to,
        )?;
        Ok::<_, ClientError>(PostShare {
            lookup_token: B64(r.keys.lookup_token.to_vec()),
            to: to.clone(),
            envelope: grant.envelope,
            messages: grant.messages,
            answer: grant.answer,
            pow,
        })
    });
    let request = match sealed {
        Some(Ok(request)) => request,
        Some(Err(e)) => return failed(ctx, &e),
        None => return ctx.error("open-first", |l| l.t().open_first.into()),
    };
    match api::share(&request).await {
        Ok(_) => {
            reload(ctx, thread).await;
            let name = Lang::each(|l| l.share_name(&dir, &to));
            ctx.info("share-granted", move |l| (l.share().granted)(l.pick(&name)));
        }
        Err(e) => ctx.error("share-failed", |l| (l.share().failed)(e.text(l))),
    }
}

fn refuse(ctx: Ctx, thread: RwSignal<Option<ThreadView>>, to: &ShareTo) {
    let Some(dir) = ctx.directory.get_untracked() else {
        return;
    };
    let sealed = vault::with_reporter(|r| {
        let envelope = loket_client::share::seal_share_refusal(
            &mut rand::rng(),
            &dir,
            &r.report,
            &r.report_id,
            &r.keys,
            "",
            to,
        )?;
        Ok::<_, ClientError>(PostAnswer {
            lookup_token: B64(r.keys.lookup_token.to_vec()),
            envelope,
            pow: None,
        })
    });
    match sealed {
        Some(Ok(request)) => leptos::task::spawn_local(async move {
            if post(ctx, thread, request).await {
                ctx.info("share-refused", |l| l.share().refused.into());
            }
        }),
        Some(Err(e)) => failed(ctx, &e),
        None => ctx.error("open-first", |l| l.t().open_first.into()),
    }
}

#[component]
fn Request(to: ShareTo, view: ThreadView, thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let dir = ctx.directory.get_untracked();
    let key = to.key();
    let name = {
        let (dir, to) = (dir.clone(), to.clone());
        move || match &dir {
            Some(d) => ctx.lang.get().share_name(d, &to),
            None => to.key(),
        }
    };
    // A role says what it does; a person is named with the roles they hold.
    let description = {
        let (dir, to) = (dir, to.clone());
        move || {
            let lang = ctx.lang.get();
            let Some(d) = dir.as_ref() else {
                return String::new();
            };
            match &to {
                ShareTo::Role(role) => d
                    .roles
                    .iter()
                    .find(|r| &r.id == role)
                    .map(|r| lang.role_text(r).1)
                    .unwrap_or_default(),
                ShareTo::Member(member) => d
                    .members
                    .iter()
                    .find(|m| &m.id == member)
                    .map(|m| {
                        let held: Vec<_> = m.roles.iter().map(|r| lang.role_name(d, r)).collect();
                        held.join(", ")
                    })
                    .unwrap_or_default(),
            }
        }
    };
    let on_grant = {
        let (to, raw) = (to.clone(), view.raw.clone());
        move |_| {
            if !ctx.is_busy() {
                leptos::task::spawn_local(grant(ctx, thread, raw.clone(), to.clone()));
            }
        }
    };
    let on_refuse = move |_| {
        if !ctx.is_busy() {
            refuse(ctx, thread, &to);
        }
    };
    let name_for_grant = name.clone();
    let name_for_explain = name;
    view! {
        <div class="share-request" id=format!("share-request-{key}") data-share=key.clone()>
            <h3>{move || ctx.lang.get().share().request_title}</h3>
            <p>{move || (ctx.lang.get().share().request_explain)(&name_for_explain())}</p>
            <p class="muted small">{description}</p>
            <p class="muted small">{move || ctx.lang.get().share().request_limits}</p>
            <div class="actions">
                <button
                    id=format!("share-grant-{key}")
                    class="primary"
                    on:click=on_grant
                    disabled=move || ctx.is_busy()
                >
                    {move || (ctx.lang.get().share().grant)(&name_for_grant())}
                </button>
                <button
                    id=format!("share-refuse-{key}")
                    on:click=on_refuse
                    disabled=move || ctx.is_busy()
                >
                    {move || ctx.lang.get().share().refuse}
                </button>
            </div>
        </div>
    }
}

/// Every open request of the team to involve another role or a person, each with its two
/// answers.
#[component]
pub fn ShareRequests(view: ThreadView, thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    view.requests
        .clone()
        .into_iter()
        .map(|to| view! { <Request to=to view=view.clone() thread=thread /> })
        .collect_view()
}
