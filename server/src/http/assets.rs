//! The portal's static files, embedded in the binary at build time (see build.rs).

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Loket</title>\
<h1>Loket</h1><p>The portal has not been built into this server. Run <code>scripts/build-portal.sh</code> \
and rebuild the server (the README's run command does both).</p></html>";

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

fn find(name: &str) -> Option<&'static [u8]> {
    embedded::ASSETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

pub(super) async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let name = if path.is_empty() || path == "index.html" {
        "index.html"
    } else {
        path
    };
    let (name, body) = match find(name) {
        Some(body) => (name, body),
        // Client-side pages without a dot get the app; a missing file is a 404.
        None if !name.contains('.') && !name.contains('/') => match find("index.html") {
            Some(body) => ("index.html", body),
            None => ("index.html", NOT_BUILT.as_bytes()),
        },
        None if name == "index.html" => ("index.html", NOT_BUILT.as_bytes()),
        None => return (StatusCode::NOT_FOUND, "not found").into_response(),
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
