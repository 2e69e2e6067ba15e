//! The attachments of a report: downloaded in pieces, checked against the hash the reporter
//! signed, decrypted here and handed to the browser as a download.

use leptos::prelude::*;
use loket_portal::api::team as api;
use loket_portal::browser::{pause, save_file};
use loket_portal::{Ctx, use_ctx};

use super::AttachmentView;
use crate::actions::session_failed;
use crate::app::{Team, use_team};
use crate::vault;

/// The ciphertext of `file`, piece by piece; `None` when a piece failed (the status says why).
async fn fetch_pieces(
    ctx: Ctx,
    team: Team,
    token: &str,
    file: &AttachmentView,
    pieces: u64,
) -> Option<Vec<u8>> {
    let mut ciphertext = Vec::new();
    for index in 0..pieces {
        let percent = index * 100 / pieces.max(1);
        ctx.busy("downloading", |l| (l.team().downloading)(percent));
        match api::piece(token, &file.reference.attachment_id, index).await {
            Ok(bytes) => ciphertext.extend_from_slice(&bytes),
            Err(e) => {
                if !session_failed(ctx, team, &e) {
                    ctx.error("download-failed", |l| (l.team().download_failed)(e.text(l)));
                }
                return None;
            }
        }
    }
    Some(ciphertext)
}

async fn download(ctx: Ctx, team: Team, file: AttachmentView) {
    let Some(token) = vault::session_token() else {
        return;
    };
    let Some(pieces) = file.pieces else {
        return ctx.error("upload-incomplete", |l| {
            l.team().upload_incomplete_error.into()
        });
    };
    let Some(ciphertext) = fetch_pieces(ctx, team, &token, &file, pieces).await else {
        return;
    };
    ctx.busy("checking-file", |l| l.team().checking_file.into());
    pause(40).await;
    let plain = vault::with_member(|m| {
        loket_client::open_attachment(m.key.identity(), &file.reference, &ciphertext)
    })
    .flatten();
    let Some(plain) = plain else {
        return ctx.error("file-mismatch", |l| l.team().file_mismatch.into());
    };
    // The reporter chose the name: saved only as a harmless one.
    let name = loket_client::safe_file_name(&file.reference.name);
    match save_file(&name, &plain) {
        Ok(url) => {
            let size = plain.len();
            ctx.info("file-saved", |l| (l.team().file_saved)(&name, size));
            // Give the browser time to start the download before the object URL goes.
            pause(60_000).await;
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        Err(_) => ctx.error("download-refused", |l| l.team().download_refused.into()),
    }
}

#[component]
fn AttachmentRow(file: AttachmentView) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let (name, size) = (file.reference.name.clone(), file.reference.size);
    let ready = file.pieces.is_some();
    let hook = file.reference.name.clone();
    let label = move || (ctx.lang.get().team().file_label)(&name, size);
    let button = move || {
        let t = ctx.lang.get().team();
        if ready {
            t.decrypt_save
        } else {
            t.upload_incomplete
        }
    };
    view! {
        <li data-attachment=hook>
            <span>{label}</span>
            <button
                class="download"
                disabled=move || !ready || ctx.is_busy()
                on:click=move |_| leptos::task::spawn_local(download(ctx, team, file.clone()))
            >
                {button}
            </button>
        </li>
    }
}

#[component]
pub fn Attachments(files: Vec<AttachmentView>) -> impl IntoView {
    let ctx = use_ctx();
    (!files.is_empty()).then(|| {
        view! {
            <h3>{move || ctx.lang.get().team().attachments_title}</h3>
            <ul id="attachments" class="attachments">
                {files.into_iter().map(|file| view! { <AttachmentRow file=file /> }).collect_view()}
            </ul>
        }
    })
}
