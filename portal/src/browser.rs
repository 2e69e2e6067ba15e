//! Small helpers on the browser: time and yielding to the event loop.

use wasm_bindgen::JsValue;

/// A Unix time (always to the hour) as `2026-11-24 16:00 UTC` (the same in every language).
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

/// Milliseconds since the Unix epoch, for timing work in this browser.
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
