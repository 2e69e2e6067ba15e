//! The two browser apps' static files, embedded in the binary at build time (see build.rs):
//! the reporter's app at `/`, the team's app under `/team/` (until a later issue moves it into
//! `loket-team`, on each member's own machine). A path without a dot gets the page of that
//! name when the app has one (`/follow-up` → `follow-up.html`, the reporter's follow-up view,
//! its own document and module), and otherwise the app's `index.html`.
//!
//! Each file is stored as built and, when smaller, brotli- and gzip-compressed (build.rs); the
//! request's `Accept-Encoding` picks one (br, then gzip, else the file itself). The SHA-256 of
//! every file as built is published at `/hashes.txt` (in `sha256sum`'s format, paths relative
//! to `portal/dist`) and on the page `/verify`, so that anyone can compare the served portal
//! with their own build of the same commit (docs/verify.md).

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use loket_wire::keys::OrganisationKey;

use super::AppState;

/// One embedded file: its bytes as built, its compressed forms (when smaller) and the SHA-256
/// of its bytes as built (lowercase hex).
pub(crate) struct Asset {
    pub name: &'static str,
    pub identity: &'static [u8],
    pub br: Option<&'static [u8]>,
    pub gzip: Option<&'static [u8]>,
    pub sha256: &'static str,
}

mod embedded {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Loket</title>\
<h1>Loket</h1><p>The portal has not been built into this server. Run <code>scripts/build-portal.sh</code> \
and rebuild the server (the README's run command does both).</p></html>";

/// Where the team's app is served.
const TEAM_PREFIX: &str = "team";

/// The routes of the published hashes; every other path falls back to [`serve`].
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/hashes.txt", get(hashes_txt))
        .route("/verify", get(verify_page))
}

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

fn find(app: &'static [Asset], name: &str) -> Option<&'static Asset> {
    app.iter().find(|a| a.name == name)
}

/// The app a path belongs to, and the path inside it.
fn app_of(path: &str) -> (&'static [Asset], &str) {
    match path.strip_prefix(TEAM_PREFIX) {
        Some("") => (embedded::TEAM, ""),
        Some(rest) if rest.starts_with('/') => (embedded::TEAM, rest.trim_start_matches('/')),
        _ => (embedded::REPORTER, path),
    }
}

/// What answers a path: an embedded file, or the page saying the portal is not built.
enum Found {
    Asset(&'static Asset),
    NotBuilt,
}

/// The file to answer `path` with: the file itself, or the app's `index.html` for a
/// client-side page (no dot, no folder); `None` for a missing file.
fn lookup(path: &str) -> Option<Found> {
    let (app, path) = app_of(path.trim_start_matches('/'));
    let name = if path.is_empty() { "index.html" } else { path };
    if let Some(asset) = find(app, name) {
        return Some(Found::Asset(asset));
    }
    // A page that is its own document (the reporter's `/follow-up`): its `.html` file.
    if !name.contains('.')
        && !name.contains('/')
        && let Some(asset) = find(app, &format!("{name}.html"))
    {
        return Some(Found::Asset(asset));
    }
    if name == "index.html" || (!name.contains('.') && !name.contains('/')) {
        return Some(find(app, "index.html").map_or(Found::NotBuilt, Found::Asset));
    }
    None
}

/// A content coding of RFC 9110 §8.4.1 that the server stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Br,
    Gzip,
    Identity,
}

/// The coding to answer with (RFC 9110 §12.5.3): brotli if acceptable, then gzip, else the
/// bytes themselves. A coding is acceptable when listed (or matched by `*`) with a weight
/// above zero; an explicit `q=0` refuses it even when `*` would allow it.
fn choose(headers: &HeaderMap) -> Coding {
    let mut weights: Vec<(String, bool)> = Vec::new();
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let refused = parts.any(|p| {
                let p = p.trim();
                let Some(q) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) else {
                    return false;
                };
                q.trim().parse::<f32>().map_or(true, |q| q <= 0.0)
            });
            weights.push((name, !refused));
        }
    }
    let accepts = |coding: &str| {
        let listed = weights.iter().find(|(n, _)| n == coding);
        let star = weights.iter().find(|(n, _)| n == "*");
        listed.or(star).is_some_and(|(_, ok)| *ok)
    };
    if accepts("br") {
        Coding::Br
    } else if accepts("gzip") || accepts("x-gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

pub(super) async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let asset = match lookup(uri.path()) {
        None => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Some(Found::NotBuilt) => {
            let mut res = NOT_BUILT.into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type("index.html")),
            );
            return res;
        }
        Some(Found::Asset(asset)) => asset,
    };
    let (body, encoding) = match (choose(&headers), asset.br, asset.gzip) {
        (Coding::Br, Some(br), _) => (br, Some("br")),
        (Coding::Br | Coding::Gzip, _, Some(gz)) => (gz, Some("gzip")),
        _ => (asset.identity, None),
    };
    // A `&'static [u8]` body: axum sets its exact Content-Length.
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(asset.name)),
    );
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    if asset.br.is_some() || asset.gzip.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// Every embedded file's SHA-256 as `sha256sum` prints it, paths relative to `portal/dist`.
static HASHES: LazyLock<String> = LazyLock::new(|| {
    let mut out = String::new();
    for (dir, app) in [("reporter", embedded::REPORTER), ("team", embedded::TEAM)] {
        for asset in app {
            let _ = writeln!(out, "{}  {dir}/{}", asset.sha256, asset.name);
        }
    }
    out
});

async fn hashes_txt() -> Response {
    let mut res = HASHES.as_str().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type("hashes.txt")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// `/verify`: the hashes on a page in Dutch and English, with what to do with them and the
/// organisation key to build with (`loket org-key`). No script and no inline style (the
/// Content-Security-Policy allows neither).
fn verify_html(key: Option<OrganisationKey>) -> String {
    let (key, fingerprint) = key.map_or_else(
        || ("(niet ingesteld / not set)".to_owned(), String::new()),
        |k| (k.encode(), k.fingerprint()),
    );
    let mut rows = String::new();
    for line in HASHES.lines() {
        if let Some((hash, path)) = line.split_once("  ") {
            let _ = writeln!(
                rows,
                "<tr><td><code>{path}</code></td><td><code>{hash}</code></td></tr>"
            );
        }
    }
    format!(
        "<!doctype html>
<html lang=\"nl\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<meta name=\"referrer\" content=\"no-referrer\">
<title>Loket — controleer de code / verify the code</title>
<link rel=\"icon\" href=\"/favicon.ico\">
<link rel=\"stylesheet\" href=\"/style.css\">
</head>
<body>
<main class=\"verify\">
<h1>Loket</h1>
<section lang=\"nl\">
<h2>Controleer wat je browser draait</h2>
<p>Dit portaal versleutelt je melding in je browser, met de code die deze server stuurt. Hieronder
staat de SHA-256 van elk bestand dat de server van het portaal uitlevert. Wie het portaal zelf
bouwt uit dezelfde versie van de broncode, met dezelfde organisatiesleutel (onderaan elke pagina
van het portaal), krijgt precies dezelfde bestanden en dus dezelfde hashes. Hoe je dat doet staat
in <code>docs/verify.md</code> in de broncode van Loket. Dezelfde lijst als tekstbestand:
<a href=\"/hashes.txt\">hashes.txt</a> (te controleren met <code>sha256sum -c hashes.txt</code>
in <code>portal/dist</code>).</p>
<p>Organisatiesleutel: <code id=\"org-key\">{key}</code> (vingerafdruk
<code>{fingerprint}</code>).</p>
</section>
<section lang=\"en\">
<h2>Check what your browser runs</h2>
<p>This portal encrypts your report inside your browser, with the code this server sends. Below
is the SHA-256 of every file of the portal this server serves. Anyone who builds the portal from
the same version of the source code, with the same organisation key (shown at the bottom of every
page of the portal), gets exactly the same files and so the same hashes. How to do so is in
<code>docs/verify.md</code> in Loket's source code. The same list as a text file:
<a href=\"/hashes.txt\">hashes.txt</a> (check it with <code>sha256sum -c hashes.txt</code> in
<code>portal/dist</code>).</p>
<p>Organisation key: <code>{key}</code> (fingerprint <code>{fingerprint}</code>).</p>
</section>
<table>
<thead><tr><th>bestand / file</th><th>SHA-256</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<p><a href=\"/\">Loket</a></p>
</main>
</body>
</html>
"
    )
}

async fn verify_page(State(state): State<AppState>) -> Response {
    // The key `loket org-key` prints; none before `loket init`. A store error shows no key
    // either, unlogged (a log line's time would date the request): the hashes still stand.
    let key = state
        .store
        .organisation()
        .await
        .ok()
        .flatten()
        .and_then(|org| org.organisation_key)
        .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
        .map(|ed25519| OrganisationKey { ed25519 });
    let mut res = verify_html(key).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type("verify.html")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn accept(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn brotli_is_preferred_then_gzip_then_identity() {
        assert_eq!(choose(&accept(&["gzip, deflate, br, zstd"])), Coding::Br);
        assert_eq!(choose(&accept(&["gzip, deflate"])), Coding::Gzip);
        assert_eq!(choose(&accept(&["gzip", "br"])), Coding::Br);
        assert_eq!(choose(&accept(&["deflate"])), Coding::Identity);
        assert_eq!(choose(&accept(&[])), Coding::Identity);
        assert_eq!(choose(&accept(&["identity"])), Coding::Identity);
    }

    #[test]
    fn a_zero_weight_refuses_a_coding() {
        assert_eq!(choose(&accept(&["br;q=0, gzip"])), Coding::Gzip);
        assert_eq!(choose(&accept(&["br; q=0.0, gzip;q=0"])), Coding::Identity);
        assert_eq!(choose(&accept(&["*"])), Coding::Br);
        assert_eq!(choose(&accept(&["*, br;q=0"])), Coding::Gzip);
        assert_eq!(choose(&accept(&["*;q=0"])), Coding::Identity);
        assert_eq!(choose(&accept(&["BR;Q=0.5"])), Coding::Br);
        assert_eq!(choose(&accept(&["br;q=nonsense, gzip"])), Coding::Gzip);
    }
}
