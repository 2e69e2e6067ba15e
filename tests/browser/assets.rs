//! How the portal's files are served (server/src/http/assets.rs): compressed with brotli or
//! gzip when the request asks for it, and then decompressing to exactly the files as built;
//! the files themselves when it does not; the icons; the published hashes; and, in Chromium,
//! a reporter's page that loads and is used without a single request to another origin.

use std::io::Read as _;

use fantoccini::Locator;
use loket_e2e::TestApp;
use loket_e2e::browser::{browser, capture_errors, type_into, wait_text};
use loket_e2e::cdp;
use sha2::{Digest as _, Sha256};

/// The files every first visit of the reporter's app loads, its follow-up view (its own
/// document and module) and the Web Worker of both reporter pages. (The team's app is not
/// served by `loket`: see the last test.)
const SERVED: [&str; 9] = [
    "/",
    "/loket_reporter.js",
    "/loket_reporter_bg.wasm",
    "/boot.js",
    "/style.css",
    "/follow-up",
    "/loket_follow_up_bg.wasm",
    "/work.js",
    "/loket_work_bg.wasm",
];

struct Got {
    status: u16,
    encoding: Option<String>,
    vary: Option<String>,
    length: Option<usize>,
    content_type: String,
    body: Vec<u8>,
}

/// GETs `path`, sending `Accept-Encoding: <accept>` if given (reqwest itself asks for no
/// compression and decompresses nothing: the body is the bytes on the wire).
async fn get(app: &TestApp, path: &str, accept: Option<&str>) -> Got {
    let mut req = app.http.get(app.url(path));
    if let Some(accept) = accept {
        req = req.header("accept-encoding", accept);
    }
    let res = req.send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let encoding = header("content-encoding");
    let vary = header("vary");
    let length = header("content-length").map(|v| v.parse().unwrap());
    let content_type = header("content-type").unwrap_or_default();
    let status = res.status().as_u16();
    let body = res.bytes().await.unwrap().to_vec();
    Got {
        status,
        encoding,
        vary,
        length,
        content_type,
        body,
    }
}

fn unbrotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(data, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The path of `sha256sum`'s line for a served path (`/x` → `reporter/x`, a folder → its
/// `index.html`, a page without a dot → its `.html` file).
fn dist_path(path: &str) -> String {
    let file = if path.ends_with('/') {
        format!("{path}index.html")
    } else if !path.rsplit('/').next().unwrap_or_default().contains('.') {
        format!("{path}.html")
    } else {
        path.to_owned()
    };
    format!("reporter{file}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_files_are_compressed_when_asked_and_decompress_to_the_files_themselves() {
    let app = TestApp::sqlite().await;
    let hashes = get(&app, "/hashes.txt", None).await;
    assert_eq!(hashes.status, 200);
    assert!(hashes.content_type.starts_with("text/plain"));
    let hashes = String::from_utf8(hashes.body).unwrap();

    for path in SERVED {
        let plain = get(&app, path, None).await;
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(plain.encoding, None, "{path} compressed though not asked");
        assert_eq!(plain.length, Some(plain.body.len()), "{path}");
        assert!(
            plain.body.len() > 1000,
            "{path} is not built into the server: run scripts/build-portal.sh first"
        );
        let line = format!("{}  {}", sha256_hex(&plain.body), dist_path(path));
        assert!(
            hashes.lines().any(|l| l == line),
            "/hashes.txt lacks {line:?}:\n{hashes}"
        );

        let identity = get(&app, path, Some("identity")).await;
        assert_eq!(identity.encoding, None, "{path}");
        assert_eq!(identity.body, plain.body, "{path}");

        for (accept, coding) in [
            ("br", "br"),
            ("gzip, deflate, br, zstd", "br"),
            ("gzip, deflate", "gzip"),
            ("br;q=0, gzip", "gzip"),
        ] {
            let got = get(&app, path, Some(accept)).await;
            assert_eq!(got.status, 200, "{path} {accept}");
            assert_eq!(got.encoding.as_deref(), Some(coding), "{path} {accept}");
            assert_eq!(got.vary.as_deref(), Some("accept-encoding"), "{path}");
            assert_eq!(got.content_type, plain.content_type, "{path} {accept}");
            assert_eq!(got.length, Some(got.body.len()), "{path} {accept}");
            assert!(
                got.body.len() < plain.body.len(),
                "{path} {accept}: {} bytes compressed, {} plain",
                got.body.len(),
                plain.body.len()
            );
            let decoded = match coding {
                "br" => unbrotli(&got.body),
                _ => gunzip(&got.body),
            };
            assert!(
                decoded == plain.body,
                "{path} {accept}: decompresses to other bytes"
            );
        }
    }

    // The wasm, the largest file, shrinks to well under half.
    let wasm = get(&app, "/loket_reporter_bg.wasm", None).await.body.len();
    let br = get(&app, "/loket_reporter_bg.wasm", Some("br"))
        .await
        .body
        .len();
    assert!(br * 2 < wasm, "brotli: {br} of {wasm} bytes");

    // The icons answer; a missing file still does not.
    for path in ["/favicon.ico", "/icon.svg"] {
        let got = get(&app, path, Some("br, gzip")).await;
        assert_eq!(got.status, 200, "{path}");
        assert!(got.content_type.starts_with("image/"), "{path}");
        assert!(!got.body.is_empty(), "{path}");
    }
    assert_eq!(get(&app, "/nothing-here.png", None).await.status, 404);

    // The page about the hashes lists every file, in both languages.
    let page = get(&app, "/verify", None).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let page = String::from_utf8(page.body).unwrap();
    assert!(page.contains("lang=\"nl\"") && page.contains("lang=\"en\""));
    // …and the organisation key to build with, the one the test portal is pinned to.
    let key = loket_e2e::test_org_key();
    assert!(page.contains(&key.encode()) && page.contains(&key.fingerprint()));
    for line in hashes.lines() {
        let (hash, path) = line.split_once("  ").unwrap();
        assert!(
            page.contains(hash) && page.contains(path),
            "/verify lacks {line}"
        );
    }
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporters_page_requests_nothing_from_another_origin() {
    let app = TestApp::sqlite().await;
    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    wait_text(c, "#org-fingerprint", "the verified directory", |t| {
        !t.trim().is_empty()
    })
    .await;
    type_into(
        c,
        "#report-text",
        "Assets test: typing into the form must fetch nothing from elsewhere.",
    )
    .await;
    let icon = c
        .find(Locator::Css("link[rel=icon]"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();

    let (origin, entries) = cdp::entries(c).await;
    assert_eq!(origin, app.url("").trim_end_matches('/'));
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    for name in &names {
        assert!(
            name.starts_with(&format!("{origin}/")),
            "a request to another origin: {name} (page at {origin}); all: {names:?}"
        );
    }
    // The check above sees the app's own requests: the module, the WebAssembly and the
    // directory are among them.
    for needed in [
        "/loket_reporter.js",
        "/loket_reporter_bg.wasm",
        "/directory",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(needed)),
            "no Resource Timing entry for {needed}: {names:?}"
        );
    }
    // The follow-up view's module is not part of a first visit.
    assert!(
        !names.iter().any(|n| n.contains("follow_up")),
        "the first visit loaded the follow-up module: {names:?}"
    );
    // Each was fetched once (the preloads were used, not fetched again), and every answer
    // was a success (no 404, e.g. for an icon).
    for needed in ["/loket_reporter.js", "/loket_reporter_bg.wasm"] {
        let n = names.iter().filter(|n| n.ends_with(needed)).count();
        assert_eq!(n, 1, "{needed} fetched {n} times: {names:?}");
    }
    for e in &entries {
        assert!(
            e.response_status == 0.0 || (200.0..400.0).contains(&e.response_status),
            "{} answered {}",
            e.name,
            e.response_status
        );
    }
    // Chromium offers br and gzip (to 127.0.0.1 as to HTTPS): the WebAssembly came compressed.
    let wasm = entries
        .iter()
        .find(|e| e.name.ends_with("_bg.wasm"))
        .unwrap();
    assert!(
        wasm.encoded_body_size > 0.0 && wasm.encoded_body_size * 2.0 < wasm.decoded_body_size,
        "the WebAssembly was not sent compressed: {wasm:?}"
    );
    // The icon the page names is there.
    let icon_url = if icon.starts_with('/') {
        format!("{origin}{icon}")
    } else {
        icon
    };
    let got = app.http.get(&icon_url).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200, "{icon_url}");
    b.client.close().await.unwrap();
    app.shutdown().await;
}

/// `loket-team serve` (team-cli/src/serve.rs): the team's app from the binary, compressed the
/// same way; its API requests passed on to the server and the answers back; only for this
/// machine's browser (a request naming another host, as a web page that points a name of its
/// own at 127.0.0.1 would make, is refused, and so is an API request from another origin).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loket_team_serves_the_teams_app_and_passes_its_requests_on() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    let http = &app.http;
    for path in ["/", "/loket_team.js", "/loket_team_bg.wasm", "/style.css"] {
        let plain = http.get(team.url(path)).send().await.unwrap();
        assert_eq!(plain.status().as_u16(), 200, "{path}");
        let csp = plain.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        let plain = plain.bytes().await.unwrap();
        assert!(
            plain.len() > 1000,
            "{path}: the team's app is not built into loket-team: run scripts/build-portal.sh"
        );
        let br = http
            .get(team.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(br.headers()["content-encoding"], "br", "{path}");
        assert_eq!(
            unbrotli(&br.bytes().await.unwrap()),
            plain.to_vec(),
            "{path}"
        );
    }
    // A page of the app gets its index.html; a missing file does not.
    let page = http.get(team.url("/inbox")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(
        http.get(team.url("/nothing.png"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    // The API, passed on: the same signed directory as from the server itself; an error with
    // its status and code; a POST with its body.
    let direct = http
        .get(app.url("/api/v1/directory"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let passed = http
        .get(team.url("/api/v1/directory"))
        .send()
        .await
        .unwrap();
    assert_eq!(passed.status().as_u16(), 200);
    assert_eq!(passed.headers()["cache-control"], "no-store");
    assert_eq!(passed.bytes().await.unwrap(), direct);
    let refused = http
        .get(team.url("/api/v1/team/inbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    let challenge = http
        .post(team.url("/api/v1/pow"))
        .header("content-type", "application/json")
        .body(r#"{"purpose":"submit"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status().as_u16(), 200);
    let challenge: serde_json::Value = challenge.json().await.unwrap();
    assert!(challenge["bits"].as_u64().is_some(), "{challenge}");

    // Only this machine's browser.
    let rebound = http
        .get(team.url("/"))
        .header("host", format!("evil.example:{}", team.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 421);
    let foreign = http
        .get(team.url("/api/v1/directory"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    let own = http
        .get(team.url("/api/v1/directory"))
        .header("origin", team.url(""))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
    app.shutdown().await;
}
