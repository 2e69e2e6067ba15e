//! The app locks itself when nobody uses it: after the idle time `loket-team serve` was given
//! (`/settings.json` on this machine, team-cli/src/serve.rs; 15 minutes if it cannot be read)
//! without a key press, click, scroll or touch, it locks exactly as the lock button does
//! (`actions::lock`): the member's key and session are dropped and wiped, the decrypted
//! reports cleared.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use loket_portal::Ctx;
use loket_portal::browser::now_ms;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::app::Team;

/// Used when `/settings.json` cannot be read.
const DEFAULT_IDLE_MS: f64 = 15.0 * 60.0 * 1000.0;

/// How often the app looks at the clock.
const CHECK_EVERY: Duration = Duration::from_secs(1);

thread_local! {
    static LAST_USE: Cell<f64> = Cell::new(now_ms());
    static IDLE_MS: Cell<f64> = const { Cell::new(DEFAULT_IDLE_MS) };
}

/// The idle time from this machine's `loket-team serve`, in milliseconds.
async fn idle_ms() -> Option<f64> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("/settings.json"))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let json = JsFuture::from(response.json().ok()?).await.ok()?;
    let seconds = js_sys::Reflect::get(&json, &"idle_lock_seconds".into())
        .ok()?
        .as_f64()?;
    (seconds >= 1.0).then_some(seconds * 1000.0)
}

/// Starts watching: called once, by the app.
pub fn watch(ctx: Ctx, team: Team) {
    leptos::task::spawn_local(async {
        if let Some(ms) = idle_ms().await {
            IDLE_MS.with(|i| i.set(ms));
        }
    });
    let used = |_| LAST_USE.with(|t| t.set(now_ms()));
    for event in ["keydown", "pointerdown", "wheel", "touchstart"] {
        // The app lives as long as the page, and so do its listeners: dropping the handle
        // leaves the listener in place (only `remove` takes it away).
        drop(window_event_listener_untyped(event, used));
    }
    // Unlocking counts as use: the clock starts then.
    Effect::new(move |_| {
        if team.unlocked.get() {
            LAST_USE.with(|t| t.set(now_ms()));
        }
    });
    let check = move || {
        if !team.unlocked.get_untracked() {
            return;
        }
        let idle = IDLE_MS.with(Cell::get);
        if now_ms() - LAST_USE.with(Cell::get) >= idle {
            crate::actions::lock(team);
            let minutes = (idle / 60_000.0).round().max(1.0) as u64;
            ctx.info("idle-locked", move |l| (l.team().idle_locked)(minutes));
        }
    };
    // Runs as long as the page; the handle is only needed to stop it.
    let _ = set_interval_with_handle(check, CHECK_EVERY);
}
