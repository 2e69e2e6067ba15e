//! Follow up (SPEC §9.3, §9.4): enter the code, read the thread, answer.

use leptos::prelude::*;
use loket_client::{ClientError, OpenedReport};
use loket_crypto::{CodeError, FollowUpCode};
use loket_wire::B64;
use loket_wire::api::{Author, Directory, NewAttachment, PostAnswer, Thread, ThreadRequest};
use loket_wire::content::AttachmentRef;
use loket_wire::pow::{PowPurpose, PowSolution};
use zeroize::Zeroizing;

use crate::api::{self, ApiFailure};
use crate::components::{Entry, Messages, hour, pause, proof_of_work, sentence};
use crate::vault;
use crate::{Ctx, use_ctx};

/// A thread as the reporter sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ThreadView {
    received: i64,
    entries: Vec<Entry>,
}

/// Decrypts and verifies a thread with the reporter's keys. `None` when the report itself
/// does not open or is not signed by the key inside it (then nothing is shown).
fn decrypt(
    thread: &Thread,
    dir: &Directory,
    identity: &loket_crypto::Identity,
) -> Option<(ThreadView, OpenedReport)> {
    let report = loket_client::open_report(identity, &thread.envelope)?;
    let mut entries = vec![Entry {
        key: "report".into(),
        from_team: false,
        author: "You (report)".into(),
        created: thread.received,
        text: Some(report.text.clone()),
    }];
    for m in &thread.messages {
        let from_team = matches!(m.author, Author::Member { .. });
        entries.push(Entry {
            key: m.id.to_string(),
            from_team,
            author: if from_team { "The team" } else { "You" }.into(),
            created: m.created,
            // Shown only if it opens and is signed by the author the server names.
            text: loket_client::open_message(
                identity,
                dir,
                &report,
                &thread.report_id,
                &m.author,
                &m.envelope,
            ),
        });
    }
    Some((
        ThreadView {
            received: thread.received,
            entries,
        },
        report,
    ))
}

/// The largest file the portal attaches (it holds the file and its ciphertext in memory).
const MAX_ATTACHMENT: u64 = 25 * 1024 * 1024;

/// Reads, encrypts and uploads `file`, then sends the signed answer that announces it.
async fn attach_file(ctx: Ctx, file: &web_sys::File) -> Result<(), String> {
    let Some(dir) = ctx.directory.get_untracked() else {
        return Err("the team directory is not loaded".into());
    };
    ctx.busy("Reading the file…");
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the file could not be read".to_owned())?;
    let bytes = Zeroizing::new(js_sys::Uint8Array::new(&buffer).to_vec());
    ctx.busy("Encrypting the file in this browser…");
    pause(40).await;
    let sealed = vault::with_reporter(|r| {
        loket_client::seal_attachment(&mut rand::rng(), &dir, &r.report, &bytes)
    })
    .ok_or("open your report with your code first")?
    .map_err(sentence)?;
    let token = vault::with_reporter(|r| B64(r.keys.lookup_token.to_vec()))
        .ok_or("open your report with your code first")?;
    let pow = check_pow(ctx, "Uploading the file.")
        .await
        .map_err(sentence)?;
    let upload = api::new_attachment(&NewAttachment {
        lookup_token: token.clone(),
        size: sealed.ciphertext.len() as u64,
        pow,
    })
    .await
    .map_err(sentence)?;
    let piece = usize::try_from(upload.piece_size).map_err(|_| "bad piece size".to_owned())?;
    let pieces: Vec<&[u8]> = sealed.ciphertext.chunks(piece.max(1)).collect();
    let mut next = 0usize;
    let mut failures = 0;
    while next < pieces.len() {
        let percent = next * 100 / pieces.len();
        ctx.busy(format!("Uploading the encrypted file: {percent} %"));
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
            Err(e) => return Err(sentence(e)),
        }
    }
    let name = file.name();
    let reference = AttachmentRef {
        attachment_id: upload.attachment_id,
        name: name.clone(),
        media_type: file.type_(),
        size: bytes.len() as u64,
        sha256: B64(sealed.sha256.to_vec()),
    };
    let message = vault::with_reporter(|r| {
        loket_client::seal_reporter_attachment_message(
            &mut rand::rng(),
            &dir,
            &r.report,
            &r.report_id,
            &r.keys,
            &format!("Attached a file: {name}"),
            reference,
        )
    })
    .ok_or("open your report with your code first")?
    .map_err(sentence)?;
    let pow = check_pow(ctx, "Announcing the file.")
        .await
        .map_err(sentence)?;
    ctx.busy("Sending the signed note about the file…");
    api::answer(&PostAnswer {
        lookup_token: token,
        envelope: message,
        pow,
    })
    .await
    .map_err(sentence)?;
    Ok(())
}

/// A wrong code gets a decoy from the server that cannot be opened (docs/api.md): that, and
/// only that, is how the portal learns there is no report for the code.
fn not_found(ctx: Ctx) {
    ctx.error("No report found for this code. Check the code and try again.");
}

/// The proof of work for a request with the code.
async fn check_pow(ctx: Ctx, what: &str) -> Result<Option<PowSolution>, ApiFailure> {
    proof_of_work(ctx, PowPurpose::Check, what).await
}

/// Fetches and decrypts the thread of the reporter in the vault.
async fn reload(ctx: Ctx, view: RwSignal<Option<ThreadView>>) {
    let Some(token) = vault::with_reporter(|r| B64(r.keys.lookup_token.to_vec())) else {
        return;
    };
    let pow = match check_pow(ctx, "Fetching your report.").await {
        Ok(pow) => pow,
        Err(e) => return ctx.error(sentence(e)),
    };
    match api::thread(&ThreadRequest {
        lookup_token: token,
        pow,
    })
    .await
    {
        Ok(thread) => {
            let Some(dir) = ctx.directory.get_untracked() else {
                return;
            };
            match vault::with_reporter(|r| decrypt(&thread, &dir, &r.keys.identity)).flatten() {
                Some((v, _)) => view.set(Some(v)),
                None => not_found(ctx),
            }
        }
        Err(e) => ctx.error(sentence(e)),
    }
}

#[component]
pub fn FollowUpPage() -> impl IntoView {
    let ctx = use_ctx();
    // The code is read from its input when needed, never kept in a signal.
    let code_input = NodeRef::<leptos::html::Input>::new();
    let thread = RwSignal::new(None::<ThreadView>);
    let answer = RwSignal::new(String::new());

    let open = move |_| {
        if ctx.is_busy() {
            return;
        }
        // Typos are caught here, before anything is sent (SPEC §7).
        let input = Zeroizing::new(
            code_input
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default(),
        );
        let code = match FollowUpCode::parse(&input) {
            Ok(code) => code,
            Err(CodeError::Typo) => {
                return ctx.error(
                    "The code contains a typo: one of its characters is wrong. Check it and try again.",
                );
            }
            Err(e) => return ctx.error(sentence(e)),
        };
        let Some(dir) = ctx.directory.get_untracked() else {
            return ctx.no_directory();
        };
        leptos::task::spawn_local(async move {
            ctx.busy("Deriving your keys from the code in this browser…");
            thread.set(None);
            vault::set_reporter(None);
            pause(40).await;
            let keys = match code.derive(&dir.deployment_salt.0) {
                Ok(keys) => keys,
                Err(e) => return ctx.error(sentence(e)),
            };
            let pow = match check_pow(ctx, "Fetching your report.").await {
                Ok(pow) => pow,
                Err(e) => return ctx.error(sentence(e)),
            };
            ctx.busy("Fetching your report…");
            let request = ThreadRequest {
                lookup_token: B64(keys.lookup_token.to_vec()),
                pow,
            };
            match api::thread(&request).await {
                Ok(t) => match decrypt(&t, &dir, &keys.identity) {
                    Some((v, report)) => {
                        vault::set_reporter(Some(vault::Reporter {
                            keys,
                            report_id: t.report_id.clone(),
                            report,
                        }));
                        if let Some(el) = code_input.get_untracked() {
                            el.set_value("");
                        }
                        thread.set(Some(v));
                        ctx.clear();
                    }
                    None => not_found(ctx),
                },
                Err(e) => ctx.error(sentence(e)),
            }
        });
    };

    let send = move |_| {
        if ctx.is_busy() {
            return;
        }
        let text = answer.get_untracked();
        if text.trim().is_empty() {
            return ctx.error("Write your answer first.");
        }
        let Some(dir) = ctx.directory.get_untracked() else {
            return;
        };
        // Readers are the roles named inside the report, never what the server says.
        let sealed = vault::with_reporter(|r| {
            let envelope = loket_client::seal_reporter_message(
                &mut rand::rng(),
                &dir,
                &r.report,
                &r.report_id,
                &r.keys,
                &text,
            )?;
            Ok::<_, ClientError>(PostAnswer {
                lookup_token: B64(r.keys.lookup_token.to_vec()),
                envelope,
                pow: None,
            })
        });
        let mut request = match sealed {
            Some(Ok(request)) => request,
            Some(Err(ClientError::NoReaders)) => {
                return ctx.error(
                    "Nobody holds the roles of this report any more; your answer was not sent.",
                );
            }
            Some(Err(e)) => {
                return ctx.error(format!("Your answer was not sent: {}", sentence(e)));
            }
            None => return ctx.error("Open your report with your code first."),
        };
        leptos::task::spawn_local(async move {
            request.pow = match check_pow(ctx, "Sending your answer.").await {
                Ok(pow) => pow,
                Err(e) => {
                    return ctx.error(format!("Your answer was not sent: {}", sentence(e)));
                }
            };
            ctx.busy("Sending your encrypted answer…");
            match api::answer(&request).await {
                Ok(_) => {
                    answer.set(String::new());
                    ctx.info("Your answer was sent.");
                    reload(ctx, thread).await;
                }
                Err(e) => ctx.error(format!("Your answer was not sent: {}", sentence(e))),
            }
        });
    };

    // A file: encrypted here to the report's readers, uploaded in pieces, then announced by a
    // signed answer that vouches for it (SPEC §9.9).
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
            return ctx.error("Choose a file first.");
        };
        if file.size() > MAX_ATTACHMENT as f64 {
            return ctx.error(format!(
                "This file is larger than {} MiB; it cannot be attached here.",
                MAX_ATTACHMENT / (1024 * 1024)
            ));
        }
        leptos::task::spawn_local(async move {
            match attach_file(ctx, &file).await {
                Ok(()) => {
                    if let Some(el) = file_input.get_untracked() {
                        el.set_value("");
                    }
                    ctx.info("Your file was encrypted and attached.");
                    reload(ctx, thread).await;
                }
                Err(e) => ctx.error(format!("Your file was not attached: {e}")),
            }
        });
    };

    let close = move |_| {
        vault::set_reporter(None);
        thread.set(None);
        ctx.clear();
    };

    // Withdrawal deletes the report and every message on the server at once (DESIGN); it
    // asks once more before doing so.
    let confirming = RwSignal::new(false);
    let withdraw = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(token) = vault::with_reporter(|r| B64(r.keys.lookup_token.to_vec())) else {
            return ctx.error("Open your report with your code first.");
        };
        leptos::task::spawn_local(async move {
            let pow = match check_pow(ctx, "Deleting your report.").await {
                Ok(pow) => pow,
                Err(e) => {
                    return ctx.error(format!("Your report was not deleted: {}", sentence(e)));
                }
            };
            ctx.busy("Deleting your report…");
            match api::withdraw(&ThreadRequest {
                lookup_token: token,
                pow,
            })
            .await
            {
                Ok(_) => {
                    vault::set_reporter(None);
                    confirming.set(false);
                    thread.set(None);
                    ctx.info(
                        "Your report and every message in it were deleted from the server. \
                         Your code no longer opens anything.",
                    );
                }
                Err(e) => ctx.error(format!("Your report was not deleted: {}", sentence(e))),
            }
        });
    };

    view! {
        {move || match thread.get() {
            None => view! {
                <section class="card">
                    <h2>"Follow up on your report"</h2>
                    <p class="muted">
                        "Enter the follow-up code you received when you sent your report, to read the "
                        "team's answers and to reply."
                    </p>
                    <label for="code-input">"Follow-up code"</label>
                    <input
                        id="code-input"
                        class="code-input"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="XXXX-XXXX-XXXX-XXXX-XXXX"
                        node_ref=code_input
                    />
                    <button
                        id="open-thread"
                        class="primary"
                        on:click=open
                        disabled=move || ctx.is_busy()
                    >
                        "Open"
                    </button>
                </section>
            }
            .into_any(),
            Some(v) => view! {
                <section class="card">
                    <h2>"Your report"</h2>
                    <p class="muted small">"Sent " {hour(v.received)}</p>
                    <div id="thread" class="thread">
                        <Messages entries=v.entries />
                    </div>
                    <label for="answer-text">"Your answer"</label>
                    <textarea
                        id="answer-text"
                        rows="5"
                        prop:value=move || answer.get()
                        on:input=move |ev| answer.set(event_target_value(&ev))
                    ></textarea>
                    <div class="attach">
                        <label for="attachment-file">"Attach a file (encrypted here, at most 25 MiB)"</label>
                        <input id="attachment-file" type="file" node_ref=file_input />
                        <button id="attach" on:click=attach disabled=move || ctx.is_busy()>
                            "Encrypt and attach"
                        </button>
                    </div>
                    <div class="actions">
                        <button
                            id="send-answer"
                            class="primary"
                            on:click=send
                            disabled=move || ctx.is_busy()
                        >
                            "Encrypt and send"
                        </button>
                        <button id="close-thread" on:click=close>
                            "Close"
                        </button>
                        <button id="withdraw" class="danger-link" on:click=move |_| confirming.set(true)>
                            "Withdraw my report…"
                        </button>
                    </div>
                    <Show when=move || confirming.get()>
                        <div class="warning" id="withdraw-box">
                            <p>
                                "Withdrawing deletes your report and every message in this thread from "
                                "the server, at once and for good. The team can no longer read or answer it."
                            </p>
                            <div class="actions">
                                <button
                                    id="confirm-withdraw"
                                    class="danger"
                                    on:click=withdraw
                                    disabled=move || ctx.is_busy()
                                >
                                    "Delete my report"
                                </button>
                                <button id="cancel-withdraw" on:click=move |_| confirming.set(false)>
                                    "Keep it"
                                </button>
                            </div>
                        </div>
                    </Show>
                </section>
            }
            .into_any(),
        }}
    }
}
