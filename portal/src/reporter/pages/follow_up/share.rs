//! Referral with consent (SPEC §9.8), the reporter's side: the team asked to involve another
//! role; only the reporter can allow it. Refusing is an answer that says so. Allowing seals
//! the report, signed again with the role among its roles, and every message that verifies to
//! the new readers, here in the browser, and sends them with the answer in one request.

use crate::{Ctx, Lang, use_ctx};
use leptos::prelude::*;
use loket_client::ClientError;
use loket_wire::B64;
use loket_wire::api::{PostAnswer, PostShare};

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
    role: String,
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
            &role,
        )?;
        Ok::<_, ClientError>(PostShare {
            lookup_token: B64(r.keys.lookup_token.to_vec()),
            role: role.clone(),
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
            let name = Lang::each(|l| l.role_name(&dir, &role));
            ctx.info("share-granted", move |l| (l.share().granted)(l.pick(&name)));
        }
        Err(e) => ctx.error("share-failed", |l| (l.share().failed)(e.text(l))),
    }
}

fn refuse(ctx: Ctx, thread: RwSignal<Option<ThreadView>>, role: &str) {
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
            role,
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
fn Request(role: String, view: ThreadView, thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let dir = ctx.directory.get_untracked();
    let name = {
        let (dir, role) = (dir.clone(), role.clone());
        move || match &dir {
            Some(d) => ctx.lang.get().role_name(d, &role),
            None => role.clone(),
        }
    };
    let description = {
        let (dir, role) = (dir, role.clone());
        move || {
            dir.as_ref()
                .and_then(|d| d.roles.iter().find(|r| r.id == role))
                .map(|r| ctx.lang.get().role_text(r).1)
                .unwrap_or_default()
        }
    };
    let on_grant = {
        let (role, raw) = (role.clone(), view.raw.clone());
        move |_| {
            if !ctx.is_busy() {
                leptos::task::spawn_local(grant(ctx, thread, raw.clone(), role.clone()));
            }
        }
    };
    let on_refuse = {
        let role = role.clone();
        move |_| {
            if !ctx.is_busy() {
                refuse(ctx, thread, &role);
            }
        }
    };
    let name_for_grant = name.clone();
    let name_for_explain = name.clone();
    view! {
        <div class="share-request" id=format!("share-request-{role}") data-role=role.clone()>
            <h3>{move || ctx.lang.get().share().request_title}</h3>
            <p>{move || (ctx.lang.get().share().request_explain)(&name_for_explain())}</p>
            <p class="muted small">{description}</p>
            <p class="muted small">{move || ctx.lang.get().share().request_limits}</p>
            <div class="actions">
                <button
                    id=format!("share-grant-{role}")
                    class="primary"
                    on:click=on_grant
                    disabled=move || ctx.is_busy()
                >
                    {move || (ctx.lang.get().share().grant)(&name_for_grant())}
                </button>
                <button
                    id=format!("share-refuse-{role}")
                    on:click=on_refuse
                    disabled=move || ctx.is_busy()
                >
                    {move || ctx.lang.get().share().refuse}
                </button>
            </div>
        </div>
    }
}

/// Every open request of the team to involve another role, each with its two answers.
#[component]
pub fn ShareRequests(view: ThreadView, thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    view.requests
        .clone()
        .into_iter()
        .map(|role| view! { <Request role=role view=view.clone() thread=thread /> })
        .collect_view()
}
