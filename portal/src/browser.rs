//! Small helpers on the browser: time and yielding to the event loop.

use wasm_bindgen::JsValue;

/// A Unix time (always to the hour) in the reader's own time zone, as the browser knows it,
/// with the zone's offset: `2026-11-24 17:00 (UTC+1)` (the same in every language). The zone
/// never leaves the browser.
pub fn hour(unix: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    // getTimezoneOffset is minutes *behind* UTC: -60 in Amsterdam in winter.
    let offset = -(date.get_timezone_offset() as i64);
    let zone = match (offset / 60, offset.rem_euclid(60)) {
        (0, 0) => "UTC".to_owned(),
        (h, 0) => format!("UTC{h:+}"),
        (h, m) => format!("UTC{h:+}:{m:02}"),
    };
    format!(
        "{} {:02}:{:02} ({zone})",
        day(unix),
        date.get_hours(),
        date.get_minutes()
    )
}

/// A Unix time as a day in the reader's own time zone, `2026-11-24`.
pub fn day(unix: i64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
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

/// Offers `bytes` as a download named `name`. Always `application/octet-stream`, so the
/// browser saves the file instead of rendering whatever it claims to be. Returns the object
/// URL, for the caller to revoke when it no longer needs it.
pub fn save_file(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    Ok(url)
}

/// Leaves the page at once for an empty one, replacing it in the history so that Back does
/// not return to it; everything the page held goes with it. Nothing is loaded from anywhere.
pub fn leave_quickly() {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.replace("about:blank");
    }
}
