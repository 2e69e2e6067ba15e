//! The reporter's browser app, embedded in the binary at build time (see build.rs) and served
//! at `/`. A path without a dot gets the page of that name when the app has one
//! (`/follow-up` → `follow-up.html`, the reporter's follow-up view, its own document and
//! module), and otherwise the app's `index.html`.
//!
//! The team's app is not served here: code that unlocks a member's key must not come from the
//! server it protects against (docs/design.md). It runs from each member's own machine,
//! `loket-team serve`; `/team/` says so and how to start it, in Dutch and English, without a
//! single script.
//!
//! Each file is stored as built and, when smaller, brotli- and gzip-compressed; the request's
//! `Accept-Encoding` picks one (br, then gzip, else the file itself; loket-assets). The SHA-256
//! of every file as built is published at `/hashes.txt` (in `sha256sum`'s format, paths
//! relative to `portal/dist`) and on the page `/verify`, so that anyone can compare the served
//! portal with their own build of the same commit (docs/verify.md).

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use loket_assets::{Asset, content_type, find};
use loket_wire::keys::OrganisationKey;

use super::AppState;

mod embedded {
    use loket_assets::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Loket</title>\
<h1>Loket</h1><p>The portal has not been built into this server. Run <code>scripts/build-portal.sh</code> \
and rebuild the server (the README's run command does both).</p></html>";

/// The routes of the published hashes and of the page about the team's app; every other path
/// falls back to [`serve`].
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/hashes.txt", get(hashes_txt))
        .route("/verify", get(verify_page))
        .route("/team", get(team_page))
        .route("/team/", get(team_page))
}

/// What answers a path: an embedded file, or the page saying the portal is not built.
enum Found {
    Asset(&'static Asset),
    NotBuilt,
}

/// The file to answer `path` with: the file itself, the page of that name, or the app's
/// `index.html` for a client-side page (no dot, no folder); `None` for a missing file.
fn lookup(path: &str) -> Option<Found> {
    let app = embedded::REPORTER;
    let path = path.trim_start_matches('/');
    let name = if path.is_empty() { "index.html" } else { path };
    if let Some(asset) = find(app, name) {
        return Some(Found::Asset(asset));
    }
    if name.contains('.') || name.contains('/') {
        return None;
    }
    // A page that is its own document (the reporter's `/follow-up`): its `.html` file.
    if let Some(asset) = find(app, &format!("{name}.html")) {
        return Some(Found::Asset(asset));
    }
    Some(find(app, "index.html").map_or(Found::NotBuilt, Found::Asset))
}

pub(super) async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    match lookup(uri.path()) {
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
        Some(Found::NotBuilt) => page(NOT_BUILT.to_owned(), "index.html"),
        Some(Found::Asset(asset)) => loket_assets::respond(asset, &headers),
    }
}

/// `/team/`: where the team's app is, in Dutch and English. The address to give
/// `loket-team serve` is this server's own, as the browser reached it.
async fn team_page(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("loket.example.org");
    page(TEAM_HTML.replace("@HOST@", host), "team.html")
}

const TEAM_HTML: &str = "<!doctype html>
<html lang=\"nl\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<meta name=\"referrer\" content=\"no-referrer\">
<title>Loket — voor het team / for the team</title>
<link rel=\"icon\" href=\"/favicon.ico\">
<link rel=\"stylesheet\" href=\"/style.css\">
</head>
<body>
<main class=\"verify\" id=\"team-moved\">
<h1>Loket</h1>
<section lang=\"nl\">
<h2>De app van het team draait op je eigen computer</h2>
<p>Deze server levert de app van het team niet: code die je sleutel ontgrendelt, mag niet komen van
de server waartegen die sleutel je meldingen beschermt. Je start de app zelf, op je eigen
computer, met <code>loket-team</code> (het hulpprogramma waarmee je ook je sleutelbestand maakte):</p>
<pre><code>loket-team serve --server https://@HOST@</code></pre>
<p>Open daarna in je browser het adres dat het programma noemt (<code>http://127.0.0.1:8790/</code>)
en ontgrendel daar je sleutelbestand. De app praat via <code>loket-team</code> met deze server;
je sleutel verlaat je computer niet. Heb je <code>loket-team</code> nog niet, vraag het dan aan de
beheerder van Loket.</p>
</section>
<section lang=\"en\">
<h2>The team's app runs on your own computer</h2>
<p>This server does not serve the team's app: code that unlocks your key must not come from the
server that your key protects reports against. You start the app yourself, on your own computer,
with <code>loket-team</code> (the tool you also made your key file with):</p>
<pre><code>loket-team serve --server https://@HOST@</code></pre>
<p>Then open the address it names in your browser (<code>http://127.0.0.1:8790/</code>) and unlock
your key file there. The app talks to this server through <code>loket-team</code>; your key never
leaves your computer. If you do not have <code>loket-team</code> yet, ask Loket's administrator.</p>
</section>
<p><a href=\"/\">Loket</a></p>
</main>
</body>
</html>
";

/// Every embedded file's SHA-256 as `sha256sum` prints it, paths relative to `portal/dist`.
static HASHES: LazyLock<String> = LazyLock::new(|| {
    let mut out = String::new();
    for asset in embedded::REPORTER {
        let _ = writeln!(out, "{}  reporter/{}", asset.sha256, asset.name);
    }
    out
});

/// A page made here (not a built file): its type by `name`'s extension, revalidated on use.
fn page(body: String, name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

async fn hashes_txt() -> Response {
    page(HASHES.clone(), "hashes.txt")
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
    page(verify_html(key), "verify.html")
}
