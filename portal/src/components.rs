//! Pieces the pages share: the status line, a thread of messages, small browser helpers.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::{Status, use_ctx};

/// The one place where the portal says what is happening or what went wrong.
#[component]
pub fn StatusLine() -> impl IntoView {
    let ctx = use_ctx();
    let class = move || match ctx.status.get() {
        Status::None => "status hidden",
        Status::Info(_) => "status info",
        Status::Busy(_) => "status busy",
        Status::Error(_) => "status error",
    };
    let text = move || match ctx.status.get() {
        Status::None => String::new(),
        Status::Info(t) | Status::Busy(t) | Status::Error(t) => t,
    };
    view! {
        <p id="status" class=class role="status" aria-live="polite">
            {text}
        </p>
    }
}

/// One decrypted message of a thread, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub from_team: bool,
    pub author: String,
    pub created: i64,
    /// `None` when the envelope did not open completely: nothing of it is shown.
    pub text: Option<String>,
}

/// A thread: the report first, then the messages in order.
#[component]
pub fn Messages(entries: Vec<Entry>) -> impl IntoView {
    entries
        .into_iter()
        .map(|e| {
            let class = match (e.from_team, e.text.is_some()) {
                (_, false) => "message undecryptable",
                (true, true) => "message from-team",
                (false, true) => "message from-reporter",
            };
            let body = e
                .text
                .unwrap_or_else(|| "This message cannot be decrypted and is not shown.".to_owned());
            view! {
                <article class=class>
                    <p class="meta">
                        <span class="author">{e.author}</span>
                        " · "
                        <time>{hour(e.created)}</time>
                    </p>
                    <p class="body">{body}</p>
                </article>
            }
        })
        .collect_view()
}

/// A Unix time (always to the hour) as `2026-11-24 16:00 UTC`.
pub fn hour(unix: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    let iso: String = date.to_iso_string().into();
    match (iso.get(..10), iso.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

/// A Unix time as a day, `2026-11-24`.
pub fn day(unix: i64) -> String {
    hour(unix).chars().take(10).collect()
}

/// Milliseconds since the page loaded, for timing work in this browser.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Yields to the browser for `ms` milliseconds, so that a status line is painted before a
/// long computation (Argon2id) holds the main thread.
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Asks the server for a proof-of-work challenge and solves it here, in slices, so the page
/// stays responsive and shows how far it got (`what` names the step). `None` when the server
/// asks for no work.
pub async fn proof_of_work(
    ctx: crate::Ctx,
    purpose: loket_wire::pow::PowPurpose,
    what: &str,
) -> Result<Option<loket_wire::pow::PowSolution>, crate::api::ApiFailure> {
    use loket_wire::pow;
    let challenge = crate::api::pow_challenge(purpose).await?;
    if challenge.bits == 0 {
        return Ok(None);
    }
    if challenge.bits > pow::MAX_BITS {
        return Err(crate::api::ApiFailure::Api(loket_wire::ErrorBody::from(
            loket_wire::ErrorCode::Unavailable,
        )));
    }
    // About 20 ms of hashing per slice on a laptop; progress is the share of the expected work.
    const SLICE: u64 = 1 << 14;
    let expected = pow::expected_tries(challenge.bits);
    let mut start = 0u64;
    loop {
        if let Some(nonce) = pow::solve_range(&challenge.challenge.0, challenge.bits, start, SLICE)
        {
            return Ok(Some(pow::PowSolution {
                challenge: challenge.challenge,
                nonce: loket_wire::B64(nonce.to_be_bytes().to_vec()),
            }));
        }
        start = start.saturating_add(SLICE);
        let done = (start as f64 / expected * 100.0).min(99.0);
        ctx.busy(format!(
            "{what} Solving a small puzzle that protects Loket from floods: {done:.0} %"
        ));
        pause(0).await;
    }
}

/// First letter upper-case, for error texts that read as sentences.
pub fn sentence(text: impl std::fmt::Display) -> String {
    let text = text.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => text,
    }
}
