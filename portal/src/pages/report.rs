//! Make a report (SPEC §9.2): write it, choose who may read it, seal it here, send it, and
//! keep the follow-up code that is shown once.

use leptos::prelude::*;
use loket_client::ClientError;
use loket_crypto::FollowUpCode;
use loket_wire::B64;
use loket_wire::api::SubmitReport;
use loket_wire::pow::PowPurpose;

use crate::components::{now_ms, pause, proof_of_work, sentence};
use crate::{Page, use_ctx};

/// What the reporter sees once after sending: the code, and how long deriving keys took.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sent {
    code: String,
    argon2_ms: u64,
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let sent = RwSignal::new(None::<Sent>);

    let submit = move |_| {
        if ctx.is_busy() {
            return;
        }
        let Some(dir) = ctx.directory.get_untracked() else {
            ctx.no_directory();
            return;
        };
        let body = text.get_untracked();
        let roles = chosen.get_untracked();
        if body.trim().is_empty() {
            ctx.error("Write your report first.");
            return;
        }
        if roles.is_empty() {
            ctx.error("Choose at least one role that may read your report.");
            return;
        }
        leptos::task::spawn_local(async move {
            ctx.busy("Encrypting your report in this browser…");
            pause(40).await;
            let code = FollowUpCode::generate(&mut rand::rng());
            let start = now_ms();
            let keys = match code.derive(&dir.deployment_salt.0) {
                Ok(keys) => keys,
                Err(e) => return ctx.error(sentence(e)),
            };
            let argon2_ms = (now_ms() - start).max(1.0) as u64;
            // Signed with the code's key and sealed to the chosen roles and to the reporter.
            let sealed = loket_client::seal_report(&mut rand::rng(), &dir, &roles, &keys, &body);
            drop(body);
            let envelope = match sealed {
                Ok(e) => e,
                Err(ClientError::NoReaders) => {
                    return ctx.error(
                        "Nobody holds the roles you chose yet, so nobody could read your report. Choose another role.",
                    );
                }
                Err(e) => {
                    return ctx.error(format!("Your report was not sent: {}", sentence(e)));
                }
            };
            let pow = match proof_of_work(ctx, PowPurpose::Submit, "Sending the report.").await {
                Ok(pow) => pow,
                Err(e) => {
                    return ctx.error(format!("Your report was not sent: {}", sentence(e)));
                }
            };
            ctx.busy("Sending the encrypted report…");
            let request = SubmitReport {
                lookup_token: B64(keys.lookup_token.to_vec()),
                roles,
                envelope,
                pow,
            };
            match crate::api::submit_report(&request).await {
                Ok(_) => {
                    text.set(String::new());
                    chosen.set(Vec::new());
                    sent.set(Some(Sent {
                        code: code.display().to_string(),
                        argon2_ms,
                    }));
                    ctx.info(
                        "Your report was sent. Keep your follow-up code: it is shown only now.",
                    );
                }
                Err(e) => ctx.error(format!("Your report was not sent: {}", sentence(e))),
            }
        });
    };

    let saved = move |_| {
        sent.set(None);
        ctx.info("Come back with your code under “Follow up” to read the team's answer.");
        ctx.page.set(Page::Report);
    };

    let roles_view = move || {
        let Some(dir) = ctx.directory.get() else {
            return view! { <p class="muted">"Loading the team…"</p> }.into_any();
        };
        dir.roles
            .iter()
            .map(|role| {
                let id = role.id.clone();
                let holders: Vec<String> = dir
                    .members
                    .iter()
                    .filter(|m| m.roles.contains(&role.id))
                    .map(|m| m.name.clone())
                    .collect();
                let readers = if holders.is_empty() {
                    "nobody holds this role yet".to_owned()
                } else {
                    format!("read by {}", holders.join(", "))
                };
                let checked = {
                    let id = id.clone();
                    move || chosen.get().contains(&id)
                };
                let toggle = {
                    let id = id.clone();
                    move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| {
                            c.retain(|r| r != &id);
                            if on {
                                c.push(id.clone());
                            }
                        });
                    }
                };
                view! {
                    <label class="role">
                        <input
                            type="checkbox"
                            id=format!("role-{id}")
                            prop:checked=checked
                            on:change=toggle
                        />
                        <span>
                            <strong>{role.name.clone()}</strong>
                            <span class="muted">" — " {role.description.clone()}</span>
                            <span class="readers">{readers}</span>
                        </span>
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        {move || match sent.get() {
            Some(s) => view! {
                <section class="card code-card">
                    <h2>"Your follow-up code"</h2>
                    <p id="code" class="code">{s.code}</p>
                    <p class="warning">
                        "Write this code down or keep it somewhere only you can reach. It is the only way "
                        "back to your report and the team's answers. It is shown only this once: nobody, "
                        "not the team and not the server, can recover it."
                    </p>
                    <p class="muted small">
                        "Your keys were derived from the code in this browser in "
                        <span id="argon2-ms">{s.argon2_ms}</span>
                        " ms."
                    </p>
                    <button id="code-saved" class="primary" on:click=saved>
                        "I have saved my code"
                    </button>
                </section>
            }
            .into_any(),
            None => view! {
                <section class="card">
                    <h2>"Make a report"</h2>
                    <p class="muted">
                        "Describe what happened, in your own words and as much as you want to share. "
                        "You do not need to give your name. Only the people in the roles you choose can read it."
                    </p>
                    <label for="report-text">"Your report"</label>
                    <textarea
                        id="report-text"
                        rows="10"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                    <fieldset>
                        <legend>"Who may read it"</legend>
                        {roles_view}
                    </fieldset>
                    <button
                        id="submit-report"
                        class="primary"
                        on:click=submit
                        disabled=move || ctx.is_busy()
                    >
                        "Encrypt and send"
                    </button>
                </section>
            }
            .into_any(),
        }}
    }
}
