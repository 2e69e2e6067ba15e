//! The team's side (SPEC §9.5, §9.6): unlock a member key file here, open a session by
//! proving possession of the key, read the inbox, open a report, reply.

use leptos::prelude::*;
use loket_client::OpenedReport;
use loket_crypto::{KeyFileError, keyfile};
use loket_wire::ErrorCode;
use loket_wire::api::{
    Author, CloseReport, Closed, Directory, InboxItem, Outcome, PostReply, SessionRequest,
    TeamReport,
};
use loket_wire::content::AttachmentRef;
use loket_wire::keys::session_proof_message;
use loket_wire::{B64, api::Member};
use zeroize::Zeroizing;

use crate::api::{self, ApiFailure};
use crate::components::{Entry, Messages, day, hour, now_unix, pause, sentence};
use crate::vault;
use crate::{Ctx, use_ctx};

/// A report as a team member sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ReportView {
    report_id: String,
    roles: Vec<String>,
    received: i64,
    entries: Vec<Entry>,
    /// The decrypted, verified report (its roles and reporter keys); `None` if it did not open.
    opened: Option<OpenedReport>,
    closed: Option<Closed>,
    /// Files that verified reporter messages vouch for.
    attachments: Vec<AttachmentView>,
}

/// An attachment a signed reporter message announced, and whether its upload is complete.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AttachmentView {
    reference: AttachmentRef,
    /// Pieces to download; `None` while the upload is not complete (or the server lost it).
    pieces: Option<u64>,
}

fn member_name(dir: &Directory, id: &str) -> String {
    dir.members
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "A former team member".into())
}

fn role_names(dir: &Directory, roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| {
            dir.roles
                .iter()
                .find(|x| &x.id == r)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| r.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn decrypt(report: &TeamReport, dir: &Directory, identity: &loket_crypto::Identity) -> ReportView {
    let opened = loket_client::open_report(identity, &report.envelope);
    let mut entries = vec![Entry {
        key: "report".into(),
        from_team: false,
        author: "Reporter (report)".into(),
        created: report.received,
        text: opened.as_ref().map(|o| o.text.clone()),
    }];
    let mut attachments = Vec::new();
    for m in &report.messages {
        let (from_team, author) = match &m.author {
            Author::Reporter => (false, "Reporter".to_owned()),
            Author::Member { member_id } => (true, member_name(dir, member_id)),
        };
        // Shown only if it opens and is signed by the author the server names.
        let opened_message = opened.as_ref().and_then(|o| {
            loket_client::open_message_with_attachment(
                identity,
                dir,
                o,
                &report.report_id,
                &m.author,
                &m.envelope,
            )
        });
        let text = opened_message.map(|(text, attachment)| {
            if let Some(reference) = attachment {
                let pieces = report
                    .attachments
                    .iter()
                    .find(|a| a.attachment_id == reference.attachment_id)
                    .map(|a| a.pieces);
                attachments.push(AttachmentView { reference, pieces });
            }
            text
        });
        entries.push(Entry {
            key: m.id.to_string(),
            from_team,
            author,
            created: m.created,
            text,
        });
    }
    ReportView {
        report_id: report.report_id.clone(),
        roles: report.roles.clone(),
        received: report.received,
        entries,
        opened,
        closed: report.closed.clone(),
        attachments,
    }
}

/// Downloads an attachment's pieces, checks them against the signed hash, decrypts them with
/// the member key and hands the file to the browser as a download.
async fn download(ctx: Ctx, unlocked: RwSignal<bool>, file: AttachmentView) {
    let Some(token) = session_token() else { return };
    let Some(pieces) = file.pieces else {
        return ctx.error("This file's upload is not complete.");
    };
    let mut ciphertext = Vec::new();
    for index in 0..pieces {
        ctx.busy(format!(
            "Downloading the encrypted file: {} %",
            index * 100 / pieces.max(1)
        ));
        match api::team_piece(&token, &file.reference.attachment_id, index).await {
            Ok(bytes) => ciphertext.extend_from_slice(&bytes),
            Err(e) => {
                if !session_failed(ctx, unlocked, &e) {
                    ctx.error(format!("The file could not be downloaded: {}", sentence(e)));
                }
                return;
            }
        }
    }
    ctx.busy("Checking and decrypting the file…");
    pause(40).await;
    let plain = vault::with_member(|m| {
        loket_client::open_attachment(m.key.identity(), &file.reference, &ciphertext)
    })
    .flatten();
    let Some(plain) = plain else {
        return ctx.error(
            "This file does not match what the reporter's signed message says, or cannot be decrypted. It was not opened.",
        );
    };
    match save_file(&file.reference.name, &plain) {
        Ok(url) => {
            ctx.info(format!(
                "Decrypted and verified: {} ({} bytes).",
                file.reference.name,
                plain.len()
            ));
            // Give the browser time to start the download before the object URL goes.
            pause(60_000).await;
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        Err(_) => ctx.error("The browser did not accept the download."),
    }
}

/// Offers `bytes` as a download named `name`. Always `application/octet-stream`, so the
/// browser saves the file instead of rendering whatever it claims to be.
fn save_file(name: &str, bytes: &[u8]) -> Result<String, wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(wasm_bindgen::JsValue::NULL)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    Ok(url)
}

fn session_token() -> Option<String> {
    vault::with_member(|m| m.session.to_string())
}

/// A request failed because the session ended: lock, and say so.
fn session_failed(ctx: Ctx, unlocked: RwSignal<bool>, e: &ApiFailure) -> bool {
    if e.code() == Some(ErrorCode::Unauthorized) {
        vault::set_member(None);
        unlocked.set(false);
        ctx.error("Your session has ended. Unlock your key again.");
        true
    } else {
        false
    }
}

async fn load_inbox(ctx: Ctx, unlocked: RwSignal<bool>, inbox: RwSignal<Vec<InboxItem>>) {
    let Some(token) = session_token() else { return };
    match api::inbox(&token).await {
        Ok(i) => inbox.set(i.reports),
        Err(e) => {
            if !session_failed(ctx, unlocked, &e) {
                ctx.error(format!("Cannot load the inbox: {}", sentence(e)));
            }
        }
    }
}

async fn load_report(
    ctx: Ctx,
    unlocked: RwSignal<bool>,
    id: String,
    open: RwSignal<Option<ReportView>>,
) {
    let Some(token) = session_token() else { return };
    let Some(dir) = ctx.directory.get_untracked() else {
        return;
    };
    match api::team_report(&token, &id).await {
        Ok(report) => {
            let view = vault::with_member(|m| decrypt(&report, &dir, m.key.identity()));
            open.set(view);
        }
        Err(e) => {
            if !session_failed(ctx, unlocked, &e) {
                ctx.error(format!("Cannot open the report: {}", sentence(e)));
            }
        }
    }
}

/// Proves possession of the member key and opens a session (SPEC §9.5).
async fn login(
    key: &loket_crypto::MemberSecretKey,
    member: &Member,
) -> Result<Zeroizing<String>, ApiFailure> {
    let challenge = api::challenge().await?;
    let signature = key.sign(&session_proof_message(&challenge.challenge.0));
    let session = api::session(&SessionRequest {
        member_id: member.id.clone(),
        challenge: challenge.challenge,
        signature: B64(signature.to_vec()),
    })
    .await?;
    Ok(Zeroizing::new(session.token))
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let ctx = use_ctx();
    // The key file and passphrase are read from the inputs when needed, never kept in a signal.
    let key_input = NodeRef::<leptos::html::Textarea>::new();
    let pass_input = NodeRef::<leptos::html::Input>::new();
    let unlocked = RwSignal::new(vault::with_member(|_| ()).is_some());
    let me = RwSignal::new(vault::with_member(|m| m.member_id.clone()).unwrap_or_default());
    let inbox = RwSignal::new(Vec::<InboxItem>::new());
    let open = RwSignal::new(None::<ReportView>);
    let reply = RwSignal::new(String::new());

    if unlocked.get_untracked() {
        leptos::task::spawn_local(load_inbox(ctx, unlocked, inbox));
    }

    let unlock = move |_| {
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
            Err(e) => return ctx.error(sentence(e)),
        };
        let pass = Zeroizing::new(
            pass_input
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default(),
        );
        leptos::task::spawn_local(async move {
            ctx.busy("Unlocking your key in this browser…");
            pause(40).await;
            let key = match locked.unlock(&pass) {
                Ok(key) => key,
                Err(KeyFileError::WrongPassphrase) => {
                    return ctx.error("Wrong passphrase. Try again.");
                }
                Err(e) => return ctx.error(sentence(e)),
            };
            drop(pass);
            let public = key.public();
            let Some(member) = dir.members.iter().find(|m| {
                m.x25519.0.as_slice() == public.x25519 && m.ed25519.0.as_slice() == public.ed25519
            }) else {
                return ctx.error(
                    "This key is not in this server's team directory. Ask the administrator to add it.",
                );
            };
            ctx.busy("Signing in…");
            match login(&key, member).await {
                Ok(session) => {
                    vault::set_member(Some(vault::Member {
                        key,
                        member_id: member.id.clone(),
                        session,
                    }));
                    if let Some(el) = key_input.get_untracked() {
                        el.set_value("");
                    }
                    if let Some(el) = pass_input.get_untracked() {
                        el.set_value("");
                    }
                    me.set(member.id.clone());
                    unlocked.set(true);
                    ctx.clear();
                    load_inbox(ctx, unlocked, inbox).await;
                }
                Err(e) => ctx.error(format!("Cannot sign in: {}", sentence(e))),
            }
        });
    };

    let lock = move |_| {
        // End the session on the server too; locking does not wait for it.
        if let Some(token) = session_token() {
            leptos::task::spawn_local(async move {
                let _ = api::logout(&token).await;
            });
        }
        vault::set_member(None);
        unlocked.set(false);
        open.set(None);
        inbox.set(Vec::new());
        ctx.info("Locked and signed out. Your key is no longer in this browser's memory.");
    };

    // Closing a case records its outcome; the server then deletes it after the retention
    // period of that outcome. It asks once more first.
    let closing = RwSignal::new(None::<Outcome>);
    let close_case = move |_| {
        let (Some(outcome), Some(view)) = (closing.get_untracked(), open.get_untracked()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Some(token) = session_token() else { return };
            ctx.busy("Closing the case…");
            match api::close(&token, &view.report_id, &CloseReport { outcome }).await {
                Ok(closed) => {
                    closing.set(None);
                    ctx.info(format!(
                        "The case is closed. It will be deleted on {}.",
                        day(closed.delete_after)
                    ));
                    load_report(ctx, unlocked, view.report_id.clone(), open).await;
                    load_inbox(ctx, unlocked, inbox).await;
                }
                Err(e) => {
                    if !session_failed(ctx, unlocked, &e) {
                        ctx.error(format!("The case was not closed: {}", sentence(e)));
                    }
                }
            }
        });
    };

    let send_reply = move |_| {
        if ctx.is_busy() {
            return;
        }
        let text = reply.get_untracked();
        if text.trim().is_empty() {
            return ctx.error("Write your reply first.");
        }
        let (Some(view), Some(dir)) = (open.get_untracked(), ctx.directory.get_untracked()) else {
            return;
        };
        let Some(opened) = view.opened.as_ref() else {
            return ctx.error("This report cannot be decrypted, so it cannot be answered.");
        };
        // Readers come from inside the sealed report, never from the server (SPEC §9.6); the
        // reply is signed with this member's key.
        let sealed = vault::with_member(|m| {
            loket_client::seal_team_message(
                &mut rand::rng(),
                &dir,
                opened,
                &view.report_id,
                &m.key,
                &text,
            )
        });
        let envelope = match sealed {
            Some(Ok(e)) => e,
            Some(Err(e)) => return ctx.error(format!("Your reply was not sent: {}", sentence(e))),
            None => return ctx.error("Unlock your key first."),
        };
        leptos::task::spawn_local(async move {
            let Some(token) = session_token() else { return };
            ctx.busy("Sending your encrypted reply…");
            match api::reply(&token, &view.report_id, &PostReply { envelope }).await {
                Ok(_) => {
                    reply.set(String::new());
                    ctx.info("Your reply was sent.");
                    load_report(ctx, unlocked, view.report_id.clone(), open).await;
                    load_inbox(ctx, unlocked, inbox).await;
                }
                Err(e) => {
                    if !session_failed(ctx, unlocked, &e) {
                        ctx.error(format!("Your reply was not sent: {}", sentence(e)));
                    }
                }
            }
        });
    };

    let inbox_view = move || {
        let dir = ctx.directory.get().unwrap_or_else(|| Directory {
            organisation: String::new(),
            serial: 0,
            issued: 0,
            deployment_salt: B64::default(),
            roles: Vec::new(),
            members: Vec::new(),
        });
        let items = inbox.get();
        if items.is_empty() {
            return view! { <p class="muted">"No reports for your roles yet."</p> }.into_any();
        }
        let now = now_unix();
        items
            .into_iter()
            .map(|item| {
                let id = item.report_id.clone();
                let selected = {
                    let id = id.clone();
                    move || open.get().is_some_and(|o| o.report_id == id)
                };
                let due = match (&item.closed, item.first_response) {
                    (Some(c), _) => format!("closed; deleted on {}", day(c.delete_after)),
                    (None, Some(_)) => format!("feedback due {}", day(item.deadlines.feedback_due)),
                    (None, None) if item.deadlines.first_response_due < now => {
                        "first response overdue".to_owned()
                    }
                    (None, None) => format!(
                        "first response due {}",
                        hour(item.deadlines.first_response_due)
                    ),
                };
                let overdue = item.closed.is_none()
                    && item.first_response.is_none()
                    && item.deadlines.first_response_due < now;
                view! {
                    <li>
                        <button
                            class="inbox-item"
                            class:selected=selected
                            on:click=move |_| {
                                let id = id.clone();
                                leptos::task::spawn_local(load_report(ctx, unlocked, id, open));
                            }
                        >
                            <span class="when">{hour(item.received)}</span>
                            <span class="roles">{role_names(&dir, &item.roles)}</span>
                            <span class="count">{format!("{} message(s)", item.messages)}</span>
                            <span class="due" class:overdue=overdue>{due}</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };

    let report_view = move || {
        open.get().map(|v| {
            let roles = ctx
                .directory
                .get()
                .map(|d| role_names(&d, &v.roles))
                .unwrap_or_default();
            view! {
                <section class="card">
                    <h2>"Report"</h2>
                    <p class="muted small">"Received " {hour(v.received)} " · for " {roles}</p>
                    <div id="report-view" class="thread">
                        <Messages entries=v.entries />
                    </div>
                    {(!v.attachments.is_empty()).then(|| {
                        let files = v.attachments.clone();
                        view! {
                            <h3>"Attachments"</h3>
                            <ul id="attachments" class="attachments">
                                {files
                                    .into_iter()
                                    .map(|file| {
                                        let label = format!(
                                            "{} ({} bytes)",
                                            file.reference.name,
                                            file.reference.size
                                        );
                                        let ready = file.pieces.is_some();
                                        view! {
                                            <li>
                                                <span>{label}</span>
                                                <button
                                                    class="download"
                                                    disabled=move || !ready || ctx.is_busy()
                                                    on:click=move |_| {
                                                        leptos::task::spawn_local(
                                                            download(ctx, unlocked, file.clone()),
                                                        )
                                                    }
                                                >
                                                    {if ready { "Decrypt and save" } else { "Upload not complete" }}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
                    <label for="reply-text">"Reply to the reporter"</label>
                    <textarea
                        id="reply-text"
                        rows="5"
                        prop:value=move || reply.get()
                        on:input=move |ev| reply.set(event_target_value(&ev))
                    ></textarea>
                    <button
                        id="send-reply"
                        class="primary"
                        on:click=send_reply
                        disabled=move || ctx.is_busy()
                    >
                        "Encrypt and send"
                    </button>
                    {match v.closed.clone() {
                        Some(c) => view! {
                            <p id="case-closed" class="muted">
                                {match c.outcome {
                                    Outcome::NoComplaint => "Closed without a formal complaint",
                                    Outcome::FormalComplaint => "Closed: formal complaint decided",
                                }}
                                " on " {day(c.at)} ". Deleted on " {day(c.delete_after)} "."
                            </p>
                        }
                        .into_any(),
                        None => view! {
                            <div class="row close-case">
                                <span class="muted">"Close the case:"</span>
                                <button
                                    id="close-no-complaint"
                                    on:click=move |_| closing.set(Some(Outcome::NoComplaint))
                                >
                                    "No formal complaint"
                                </button>
                                <button
                                    id="close-formal"
                                    on:click=move |_| closing.set(Some(Outcome::FormalComplaint))
                                >
                                    "Formal complaint decided"
                                </button>
                            </div>
                            <Show when=move || closing.get().is_some()>
                                <p class="warning">
                                    "Closing sets the date on which the report and all its messages "
                                    "are deleted for good (2 years after closing without a formal "
                                    "complaint, 5 years after the decision on one)."
                                </p>
                                <button id="confirm-close" class="danger" on:click=close_case>
                                    "Close the case"
                                </button>
                                <button on:click=move |_| closing.set(None)>"Cancel"</button>
                            </Show>
                        }
                        .into_any(),
                    }}
                </section>
            }
        })
    };

    view! {
        {move || {
            if unlocked.get() {
                let name = ctx
                    .directory
                    .get()
                    .map(|d| member_name(&d, &me.get()))
                    .unwrap_or_default();
                view! {
                    <section class="card">
                        <div class="row">
                            <h2>"Inbox"</h2>
                            <span class="muted">{name}</span>
                            <button
                                id="refresh"
                                on:click=move |_| {
                                    leptos::task::spawn_local(load_inbox(ctx, unlocked, inbox))
                                }
                            >
                                "Refresh"
                            </button>
                            <button id="lock" on:click=lock>
                                "Lock"
                            </button>
                        </div>
                        <ul class="inbox">{inbox_view}</ul>
                    </section>
                    {report_view}
                }
                .into_any()
            } else {
                view! {
                    <section class="card">
                        <h2>"Team sign-in"</h2>
                        <p class="muted">
                            "Use a trusted machine. Paste your member key file; it is unlocked in this "
                            "browser with your passphrase and never sent anywhere."
                        </p>
                        <label for="key-file">"Member key file"</label>
                        <textarea
                            id="key-file"
                            rows="8"
                            spellcheck="false"
                            placeholder="-----BEGIN LOKET MEMBER KEY-----"
                            node_ref=key_input
                        ></textarea>
                        <label for="passphrase">"Passphrase"</label>
                        <input
                            id="passphrase"
                            type="password"
                            autocomplete="off"
                            node_ref=pass_input
                        />
                        <button
                            id="unlock"
                            class="primary"
                            on:click=unlock
                            disabled=move || ctx.is_busy()
                        >
                            "Unlock"
                        </button>
                    </section>
                }
                .into_any()
            }
        }}
    }
}
