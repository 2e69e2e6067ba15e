//! A file (SPEC §9.9): cleaned of metadata, encrypted here to the report's readers and
//! uploaded as it is read, then announced by a signed answer that vouches for it. The
//! announcement carries no text: each reader renders it in their own language from the
//! attachment reference.
//!
//! Memory: the file is read in slices of [`SLICE`] bytes from the `Blob`; each slice is sealed
//! (64 KiB STREAM chunks) and the ciphertext leaves in the server's pieces as soon as one is
//! full, so a file of any size needs about one slice and one piece. JPEG and PNG files are
//! cleaned the same way (a first pass finds the byte ranges to keep, the second reads only
//! those). PDF and Office files are rewritten whole, so they are held in memory, up to
//! [`loket_scrub::IN_MEMORY_LIMIT`].

use crate::api::{self, ApiFailure};
use crate::browser::pause;
use crate::{Ctx, Lang, use_ctx};
use leptos::prelude::*;
use loket_client::AttachmentSealer;
use loket_scrub::{Kind, Removed, Scanner};
use loket_wire::B64;
use loket_wire::api::{AttachmentUpload, NewAttachment, PostAnswer};
use loket_wire::content::AttachmentRef;
use zeroize::Zeroizing;

use super::thread::{ThreadView, check_pow, reload};
use crate::reporter::vault;

/// The largest file shown in the label: the server's default `--attachment-max-mib`. The
/// server decides (it answers 413 above its limit); the app itself streams any size.
const SHOWN_LIMIT_MIB: u64 = 100;

/// How much of the file is read from the `Blob` at a time.
const SLICE: u64 = 1024 * 1024;

/// Why a file was not attached, in every language.
type Why = [String; 2];

fn why_api(e: ApiFailure) -> Why {
    Lang::each(|l| e.text(l).into())
}

fn why_open_first() -> Why {
    Lang::each(|l| l.t().open_first.into())
}

fn why_unreadable() -> Why {
    Lang::each(|l| l.t().file_unreadable.into())
}

fn why_client(e: &loket_client::ClientError) -> Why {
    Lang::each(|l| (l.t().client_error)(e).into())
}

/// Bytes `start..end` of the file.
async fn read_slice(file: &web_sys::File, start: u64, end: u64) -> Result<Zeroizing<Vec<u8>>, Why> {
    let blob = file
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|_| why_unreadable())?;
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| why_unreadable())?;
    let bytes = Zeroizing::new(js_sys::Uint8Array::new(&buffer).to_vec());
    if bytes.len() as u64 != end - start {
        return Err(why_unreadable());
    }
    Ok(bytes)
}

/// The cleaned file, ready to be read: byte ranges of the original, or bytes in memory.
enum Cleaned {
    Ranges(Vec<(u64, u64)>),
    Memory(Zeroizing<Vec<u8>>),
}

/// What the cleaning found, for the reporter.
enum Found {
    Removed(Vec<Removed>),
    NotChecked,
}

impl Cleaned {
    fn len(&self) -> u64 {
        match self {
            Self::Ranges(r) => r.iter().map(|(a, b)| b - a).sum(),
            Self::Memory(m) => m.len() as u64,
        }
    }
}

/// Removes the metadata the file's kind can carry (crate loket-scrub). A file of a known kind
/// that cannot be cleaned is refused, never sent with what it was supposed to lose.
async fn clean(ctx: Ctx, file: &web_sys::File) -> Result<(Cleaned, Found), Why> {
    ctx.busy("file-checking", |l| l.t().file_checking.into());
    let size = file.size() as u64;
    let head = read_slice(file, 0, size.min(loket_scrub::SNIFF_LEN as u64)).await?;
    let kind = loket_scrub::sniff(&head, &file.name());
    let refuse = |e: loket_scrub::ScrubError| {
        Lang::each(|l| (l.t().file_not_cleaned)(&(l.t().scrub_error)(e)))
    };
    match kind {
        Kind::Jpeg | Kind::Png => {
            let mut scanner = Scanner::new(kind).ok_or_else(why_unreadable)?;
            let mut at = 0;
            while at < size {
                let end = (at + SLICE).min(size);
                scanner
                    .feed(&read_slice(file, at, end).await?)
                    .map_err(refuse)?;
                at = end;
            }
            let plan = scanner.finish().map_err(refuse)?;
            let removed = plan.removed().to_vec();
            Ok((
                Cleaned::Ranges(plan.keep().to_vec()),
                Found::Removed(removed),
            ))
        }
        Kind::Pdf | Kind::Office => {
            if size > loket_scrub::IN_MEMORY_LIMIT {
                return Err(refuse(loket_scrub::ScrubError::TooLarge));
            }
            let mut bytes = read_slice(file, 0, size).await?;
            let removed = if kind == Kind::Pdf {
                loket_scrub::pdf::scrub(&mut bytes).map_err(refuse)?
            } else {
                let (rewritten, removed) = loket_scrub::office::scrub(&bytes).map_err(refuse)?;
                bytes = Zeroizing::new(rewritten);
                removed
            };
            Ok((Cleaned::Memory(bytes), Found::Removed(removed)))
        }
        Kind::Other => Ok((Cleaned::Ranges(vec![(0, size)]), Found::NotChecked)),
    }
}

/// Sends ciphertext to the server piece by piece, retrying a piece after a dropped connection.
struct Uploader {
    upload: AttachmentUpload,
    piece: usize,
    next: u64,
    pending: Vec<u8>,
}

impl Uploader {
    /// Uploads every full piece in `pending` (and, when `last`, the rest).
    async fn send(&mut self, ctx: Ctx, last: bool) -> Result<(), Why> {
        while self.pending.len() >= self.piece || (last && !self.pending.is_empty()) {
            let n = self.piece.min(self.pending.len());
            let percent = (self.next * 100 / self.upload.pieces.max(1)) as usize;
            ctx.busy("file-uploading", |l| (l.t().file_uploading)(percent));
            let bytes = self.pending.get(..n).ok_or_else(why_unreadable)?;
            let mut failures = 0;
            loop {
                match api::put_piece(&self.upload.upload_key, self.next, bytes).await {
                    Ok(status) if status.received > self.next => break,
                    Ok(_) => return Err(why_api(ApiFailure::Network)),
                    // A dropped connection: ask whether the piece arrived, else send it again.
                    Err(ApiFailure::Network) if failures < 3 => {
                        failures += 1;
                        pause(1000 * failures).await;
                        if let Ok(status) = api::upload_status(&self.upload.upload_key).await
                            && status.received > self.next
                        {
                            break;
                        }
                    }
                    Err(e) => return Err(why_api(e)),
                }
            }
            self.pending.drain(..n);
            self.next += 1;
        }
        Ok(())
    }
}

/// Encrypts the cleaned file as it is read and uploads the ciphertext as it is produced;
/// returns the attachment's id and the SHA-256 of its ciphertext.
async fn seal_and_upload(
    ctx: Ctx,
    file: &web_sys::File,
    cleaned: &Cleaned,
    token: B64,
) -> Result<(String, [u8; 32]), Why> {
    let dir = ctx
        .directory
        .get_untracked()
        .ok_or_else(|| Lang::each(|l| l.t().dir_not_loaded.into()))?;
    let mut header = Vec::new();
    let mut sealer = vault::with_reporter(|r| {
        AttachmentSealer::new(
            &mut rand::rng(),
            &dir,
            &r.report,
            cleaned.len(),
            &mut header,
        )
    })
    .ok_or_else(why_open_first)?
    .map_err(|e| why_client(&e))?;
    let pow = check_pow(ctx, |t| t.file_pow).await.map_err(why_api)?;
    let request = NewAttachment {
        lookup_token: token,
        size: sealer.ciphertext_len(),
        pow,
    };
    let upload = api::new_attachment(&request).await.map_err(why_api)?;
    let piece = usize::try_from(upload.piece_size)
        .ok()
        .filter(|&p| p > 0)
        .ok_or_else(|| why_api(ApiFailure::Network))?;
    let attachment_id = upload.attachment_id.clone();
    let mut up = Uploader {
        upload,
        piece,
        next: 0,
        pending: header,
    };
    let mut push = |up: &mut Uploader, plain: &[u8]| {
        sealer
            .push(plain, &mut up.pending)
            .map_err(|e| why_client(&e))
    };
    match cleaned {
        Cleaned::Ranges(ranges) => {
            for &(start, end) in ranges {
                let mut at = start;
                while at < end {
                    let stop = (at + SLICE).min(end);
                    push(&mut up, &read_slice(file, at, stop).await?)?;
                    up.send(ctx, false).await?;
                    at = stop;
                }
            }
        }
        Cleaned::Memory(bytes) => {
            for slice in bytes.chunks(SLICE as usize) {
                push(&mut up, slice)?;
                up.send(ctx, false).await?;
            }
        }
    }
    while !sealer
        .finish_next(&mut up.pending)
        .map_err(|e| why_client(&e))?
    {
        up.send(ctx, false).await?;
    }
    up.send(ctx, true).await?;
    if up.next != up.upload.pieces {
        return Err(why_api(ApiFailure::Network));
    }
    let sha256 = sealer.sha256().ok_or_else(why_unreadable)?;
    Ok((attachment_id, sha256))
}

/// Cleans, encrypts and uploads `file`, then sends the signed answer that announces it;
/// returns what the cleaning found.
async fn attach_file(ctx: Ctx, file: &web_sys::File) -> Result<Found, Why> {
    let (cleaned, found) = clean(ctx, file).await?;
    let token = vault::lookup_token().ok_or_else(why_open_first)?;
    let (attachment_id, sha256) = seal_and_upload(ctx, file, &cleaned, token.clone()).await?;
    let reference = AttachmentRef {
        attachment_id,
        name: file.name(),
        media_type: file.type_(),
        size: cleaned.len(),
        sha256: B64(sha256.to_vec()),
    };
    drop(cleaned);
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
    .map_err(|e| why_client(&e))?;
    let pow = check_pow(ctx, |t| t.file_note_pow).await.map_err(why_api)?;
    ctx.busy("file-note-sending", |l| l.t().file_note_sending.into());
    let request = PostAnswer {
        lookup_token: token,
        envelope: message,
        pow,
    };
    api::answer(&request).await.map_err(why_api)?;
    Ok(found)
}

/// What the reporter is told after the file went: what was removed, or that nothing was
/// checked.
fn found_text(l: Lang, found: &Found) -> String {
    let t = l.t();
    match found {
        Found::NotChecked => t.file_not_checked.into(),
        Found::Removed(r) if r.is_empty() => t.file_nothing_removed.into(),
        Found::Removed(r) => {
            let names: Vec<&str> = r.iter().map(|&x| (t.removed_name)(x)).collect();
            (t.file_removed)(&names.join(", "))
        }
    }
}

/// A stable hook for tests: the kinds removed, or `unchecked`.
fn found_hook(found: &Found) -> String {
    match found {
        Found::NotChecked => "unchecked".into(),
        Found::Removed(r) => r
            .iter()
            .map(|x| format!("{x:?}").to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The size of this app's WebAssembly memory in bytes: it only grows, so after a large file
/// it shows that the file was not held (a hook for the tests and docs/design.md).
fn wasm_memory() -> String {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| b.byte_length().to_string())
        .unwrap_or_default()
}

thread_local! {
    /// The last file's hook: the box is drawn anew when the thread reloads after an attachment.
    static LAST_FOUND: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

#[component]
pub fn AttachBox(thread: RwSignal<Option<ThreadView>>) -> impl IntoView {
    let ctx = use_ctx();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let removed = RwSignal::new(LAST_FOUND.with(|l| l.borrow().clone()));
    let memory = RwSignal::new(wasm_memory());
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
        leptos::task::spawn_local(async move {
            let result = attach_file(ctx, &file).await;
            memory.set(wasm_memory());
            match result {
                Ok(found) => {
                    if let Some(el) = file_input.get_untracked() {
                        el.set_value("");
                    }
                    let hook = found_hook(&found);
                    LAST_FOUND.with(|l| *l.borrow_mut() = hook.clone());
                    removed.set(hook);
                    ctx.info("file-attached", move |l| {
                        format!("{} {}", l.t().file_attached, found_text(l, &found))
                    });
                    reload(ctx, thread).await;
                }
                Err(why) => ctx.error("file-not-attached", |l| {
                    (l.t().file_not_attached)(l.pick(&why))
                }),
            }
        });
    };
    view! {
        <div class="attach" data-removed=move || removed.get() data-wasm-memory=move || memory.get()>
            <label for="attachment-file">
                {move || (ctx.t().attach_label)(SHOWN_LIMIT_MIB)}
            </label>
            <input id="attachment-file" type="file" node_ref=file_input />
            <button id="attach" on:click=attach disabled=move || ctx.is_busy()>
                {move || ctx.t().attach}
            </button>
        </div>
    }
}
