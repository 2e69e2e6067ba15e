//! A file (SPEC §9.9): encrypted here to the report's readers, uploaded in pieces, then
//! announced by a signed answer that vouches for it. The announcement carries no text: each
//! reader renders it in their own language from the attachment reference.

use leptos::prelude::*;
use loket_client::SealedAttachment;
use loket_portal::api::{self, ApiFailure};
use loket_portal::browser::pause;
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::B64;
use loket_wire::api::{NewAttachment, PostAnswer};
use loket_wire::content::AttachmentRef;
use zeroize::Zeroizing;

use super::thread::{ThreadView, check_pow, reload};
use crate::vault;

/// The largest file the app attaches (it holds the file and its ciphertext in memory).
const MAX_ATTACHMENT_MIB: u64 = 25;

/// Why a file was not attached, in every language.
type Why = [String; 2];

fn why_api(e: ApiFailure) -> Why {
    Lang::each(|l| e.text(l).into())
}

fn why_open_first() -> Why {
    Lang::each(|l| l.t().open_first.into())
}

async fn read_and_seal(ctx: Ctx, file: &web_sys::File) -> Result<SealedAttachment, Why> {
    let dir = ctx
        .directory
        .get_untracked()
        .ok_or_else(|| Lang::each(|l| l.t().dir_not_loaded.into()))?;
    ctx.busy("file-reading", |l| l.t().file_reading.into());
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| Lang::each(|l| l.t().file_unreadable.into()))?;
    let bytes = Zeroizing::new(js_sys::Uint8Array::new(&buffer).to_vec());
    ctx.busy("file-encrypting", |l| l.t().file_encrypting.into());
    pause(40).await;
    vault::with_reporter(|r| {
        loket_client::seal_attachment(&mut rand::rng(), &dir, &r.report, &bytes)
    })
    .ok_or_else(why_open_first)?
    .map_err(|e| Lang::each(|l| (l.t().client_error)(&e).into()))
}

/// Uploads the ciphertext in the pieces the server asks for, resuming after a dropped
/// connection; returns the attachment's id.
async fn upload(ctx: Ctx, token: B64, ciphertext: &[u8]) -> Result<String, Why> {
    let pow = check_pow(ctx, |t| t.file_pow).await.map_err(why_api)?;
    let request = NewAttachment {
        lookup_token: token,
        size: ciphertext.len() as u64,
        pow,
    };
    let upload = api::new_attachment(&request).await.map_err(why_api)?;
    let piece = usize::try_from(upload.piece_size).map_err(|_| why_api(ApiFailure::Network))?;
    let pieces: Vec<&[u8]> = ciphertext.chunks(piece.max(1)).collect();
    let mut next = 0usize;
    let mut failures = 0;
    while next < pieces.len() {
        let percent = next * 100 / pieces.len();
        ctx.busy("file-uploading", |l| (l.t().file_uploading)(percent));
        let Some(bytes) = pieces.get(next) else { break };
        match api::put_piece(&upload.upload_key, next as u64, bytes).await {
            Ok(status) => next = status.received as usize,
            // A dropped connection: ask where the upload stands and go on from there.
            Err(ApiFailure::Network) if failures < 3 => {
                failures += 1;
                pause(1000 * failures).await;
                if let Ok(status) = api::upload_status(&upload.upload_key).await {
                    next = status.received as usize;
                }
            }
            Err(e) => return Err(why_api(e)),
        }
    }
    Ok(upload.attachment_id)
}

/// Reads, encrypts and uploads `file`, then sends the signed answer that announces it.
async fn attach_file(ctx: Ctx, file: &web_sys::File) -> Result<(), Why> {
    let sealed = read_and_seal(ctx, file).await?;
    let token = vault::lookup_token().ok_or_else(why_open_first)?;
    let attachment_id = upload(ctx, token.clone(), &sealed.ciphertext).await?;
    let reference = AttachmentRef {
        attachment_id,
        name: file.name(),
        media_type: file.type_(),
        size: file.size() as u64,
        sha256: B64(sealed.sha256.to_vec()),
    };
    let dir = ctx.directory.get_untracked().ok_or_else(why_open_first)?;
    let message = vault::with_reporter(|r| {
        loket_client::seal_reporter_attachment_message(
            &mut rand::rng(),
            &dir,
            &r.report,
            &r.report_id,
            &r.keys,
            "",
            reference,
        )
    })
    .ok_or_else(why_open_first)?
    .map_err(|e| Lang::each(|l| (l.t().client_error)(&e).into()))?;
    let pow = check_pow(ctx, |t| t.file_note_pow).await.map_err(why_api)?;
    ctx.busy("file-note-sending", |l| l.t().file_note_sending.into());
    let request = PostAnswer {
        lookup_token: token,
        envelope: message,
        pow,
    };
    api::answer(&request).await.map_err(why_api)?;
    Ok(())
}

#[component]
pub fn AttachBox(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let attach = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(file) = file_input
            .get_untracked()
            .and_then(|el| el.files())
            .and_then(|list| list.get(0))
        else {
            return ctx.error("file-none", |l| l.t().file_choose.into());
        };
        if file.size() > (MAX_ATTACHMENT_MIB * 1024 * 1024) as f64 {
            return ctx.error("file-too-large", |l| {
                (l.t().file_too_large)(MAX_ATTACHMENT_MIB)
            });
        }
        leptos::task::spawn_local(async move {
            match attach_file(ctx, &file).await {
                Ok(()) => {
                    if let Some(el) = file_input.get_untracked() {
                        el.set_value("");
                    }
                    ctx.info("file-attached", |l| l.t().file_attached.into());
                    reload(ctx, thread).await;
                }
                Err(why) => ctx.error("file-not-attached", |l| {
                    (l.t().file_not_attached)(l.pick(&why))
                }),
            }
        });
    };
    view! {
        <div class="attach">
            <label for="attachment-file">
                {move || (ctx.t().attach_label)(MAX_ATTACHMENT_MIB)}
            </label>
            <input id="attachment-file" type="file" node_ref=file_input />
            <button id="attach" on:click=attach disabled=move || ctx.is_busy()>
                {move || ctx.t().attach}
            </button>
        </div>
    }
}
