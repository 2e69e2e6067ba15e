//! Sign in: the key file is unlocked here with the passphrase, then a session is opened by
//! signing the server's challenge (SPEC §9.5). Neither the file nor the passphrase is ever
//! sent or kept in a signal.

use leptos::prelude::*;
use loket_crypto::keyfile::{self, LockedKey};
use loket_crypto::{KeyFileError, MemberSecretKey};
use loket_portal::api::{ApiFailure, team as api};
use loket_portal::browser::pause;
use loket_portal::{Ctx, use_ctx};
use loket_wire::B64;
use loket_wire::api::{Directory, Member, SessionRequest};
use loket_wire::keys::session_proof_message;
use zeroize::Zeroizing;

use crate::actions::load_inbox;
use crate::app::{Team, use_team};
use crate::vault;

/// What a member key file starts with (crypto/src/keyfile.rs), as a hint in the empty field.
const KEY_FILE_PLACEHOLDER: &str = keyfile::BEGIN;

/// Proves possession of the member key and opens a session on the instance of `dir` (its
/// deployment salt binds the proof to it, SPEC §9.5).
async fn login(
    key: &MemberSecretKey,
    dir: &Directory,
    member: &Member,
) -> Result<Zeroizing<String>, ApiFailure> {
    let challenge = api::challenge().await?;
    let signature = key.sign(&session_proof_message(
        &dir.deployment_salt.0,
        &challenge.challenge.0,
    ));
    let session = api::session(&SessionRequest {
        member_id: member.id.clone(),
        challenge: challenge.challenge,
        signature: B64(signature.to_vec()),
    })
    .await?;
    Ok(Zeroizing::new(session.token))
}

fn key_file_failed(ctx: Ctx, e: KeyFileError) {
    let key = match e {
        KeyFileError::WrongPassphrase => "wrong-passphrase",
        _ => "key-file-error",
    };
    ctx.error(key, |l| (l.team().key_file_error)(&e));
}

/// Unlocks `locked`, finds the member in the directory and signs in. `true` when signed in.
async fn unlock(
    ctx: Ctx,
    team: Team,
    dir: Directory,
    locked: LockedKey,
    pass: Zeroizing<String>,
) -> bool {
    ctx.busy("unlocking", |l| l.team().unlocking.into());
    pause(40).await;
    let key = match locked.unlock(&pass) {
        Ok(key) => key,
        Err(e) => {
            key_file_failed(ctx, e);
            return false;
        }
    };
    drop(pass);
    let public = key.public();
    let Some(member) = dir.members.iter().find(|m| {
        m.x25519.0.as_slice() == public.x25519 && m.ed25519.0.as_slice() == public.ed25519
    }) else {
        ctx.error("not-in-directory", |l| l.team().not_in_directory.into());
        return false;
    };
    ctx.busy("signing-in", |l| l.team().signing_in.into());
    match login(&key, &dir, member).await {
        Ok(session) => {
            vault::set_member(Some(vault::Member {
                key,
                member_id: member.id.clone(),
                session,
            }));
            team.me.set(member.id.clone());
            team.unlocked.set(true);
            ctx.clear();
            true
        }
        Err(e) => {
            ctx.error("sign-in-failed", |l| (l.team().sign_in_failed)(e.text(l)));
            false
        }
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let key_input = NodeRef::<leptos::html::Textarea>::new();
    let pass_input = NodeRef::<leptos::html::Input>::new();
    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(dir) = ctx.directory.get_untracked() else {
            return ctx.no_directory();
        };
        let armored = Zeroizing::new(
            key_input
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default(),
        );
        let locked = match keyfile::parse(&armored) {
            Ok(locked) => locked,
            Err(e) => return key_file_failed(ctx, e),
        };
        let pass = Zeroizing::new(
            pass_input
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default(),
        );
        leptos::task::spawn_local(async move {
            if unlock(ctx, team, dir.clone(), locked, pass).await {
                if let Some(el) = key_input.get_untracked() {
                    el.set_value("");
                }
                if let Some(el) = pass_input.get_untracked() {
                    el.set_value("");
                }
                load_inbox(ctx, team).await;
                crate::handover::hand_over_all(ctx, dir).await;
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || ctx.lang.get().team().signin_title}</h2>
            <p class="muted">{move || ctx.lang.get().team().signin_intro}</p>
            <label for="key-file">{move || ctx.lang.get().team().key_file_label}</label>
            <textarea
                id="key-file"
                rows="8"
                spellcheck="false"
                placeholder=KEY_FILE_PLACEHOLDER
                node_ref=key_input
            ></textarea>
            <label for="passphrase">{move || ctx.lang.get().team().passphrase_label}</label>
            <input id="passphrase" type="password" autocomplete="off" node_ref=pass_input />
            <button id="unlock" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                {move || ctx.lang.get().team().unlock}
            </button>
        </section>
    }
}
