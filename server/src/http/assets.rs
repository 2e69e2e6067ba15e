//! The two browser apps' static files, embedded in the binary at build time (see build.rs):
//! the reporter's app at `/`, the team's app under `/team/` (until a later issue moves it into
//! `loket-team`, on each member's own machine). Each app's own client-side pages (paths
//! without a dot) get its `index.html`.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Loket</title>\
<h1>Loket</h1><p>The portal has not been built into this server. Run <code>scripts/build-portal.sh</code> \
and rebuild the server (the README's run command does both).</p></html>";

/// Where the team's app is served.
const TEAM_PREFIX: &str = "team";

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn find(app: &'static [(&str, &[u8])], name: &str) -> Option<&'static [u8]> {
    app.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// The app a path belongs to, and the path inside it.
fn app_of(path: &str) -> (&'static [(&'static str, &'static [u8])], &str) {
    match path.strip_prefix(TEAM_PREFIX) {
        Some("") => (embedded::TEAM, ""),
        Some(rest) if rest.starts_with('/') => (embedded::TEAM, rest.trim_start_matches('/')),
        _ => (embedded::REPORTER, path),
    }
}

/// The file to answer `path` with: the file itself, or the app's `index.html` for a
/// client-side page (no dot, no folder); `None` for a missing file.
fn lookup(path: &str) -> Option<(&str, &'static [u8])> {
    let (app, path) = app_of(path.trim_start_matches('/'));
    let name = if path.is_empty() { "index.html" } else { path };
    if let Some(body) = find(app, name) {
        return Some((name, body));
    }
    if name == "index.html" || (!name.contains('.') && !name.contains('/')) {
        return Some((
            "index.html",
            find(app, "index.html").unwrap_or(NOT_BUILT.as_bytes()),
        ));
    }
    None
}

pub(super) async fn serve(uri: Uri) -> Response {
    let Some((name, body)) = lookup(uri.path()) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}
