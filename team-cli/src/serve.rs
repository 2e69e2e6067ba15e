//! `loket-team serve`: the team's app on the member's own machine.
//!
//! The app (portal/src/team/) unlocks a member's key file, so it must not come from the Loket
//! server it protects reports against: a server that was broken into could otherwise ship a
//! page that takes the key. Here the app's files are compiled into `loket-team` (build.rs) and
//! served on a loopback address only. The app's API requests (`/api/…`) go to this same
//! origin, and are passed on to the configured Loket server over HTTPS (rustls, the system's
//! trusted certificates); plain HTTP is allowed only to a server on this machine (a demo, the
//! tests). The server sees the same requests as before, from `loket-team` instead of a
//! browser; it never serves code that touches a member's key.
//!
//! Only this machine's browser may use it: the listening address must be a loopback one, a
//! request must name it in its `Host` header (so a web page cannot reach it by pointing a
//! name of its own at 127.0.0.1), and an API request that says where it comes from (`Origin`)
//! must come from the app itself.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use loket_assets::{Asset, content_type, find};

mod embedded {
    use loket_assets::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8790";

/// How long the app stays unlocked without use unless told otherwise, in minutes.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;

/// The app's settings on this machine, at `/settings.json` (never from the server).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// After this long without a key press, click, scroll or touch, the app locks itself:
    /// the member's key and session are dropped (and wiped) and every opened report cleared.
    pub idle_lock: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idle_lock: Duration::from_secs(u64::from(DEFAULT_IDLE_LOCK_MINUTES) * 60),
        }
    }
}

/// Why `serve` cannot start.
#[derive(Debug)]
pub enum ServeError {
    /// The server address is not an `https://` URL (or `http://` to this machine).
    BadServer(String),
    /// The listening address is not a loopback one.
    NotLoopback(SocketAddr),
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadServer(why) => write!(f, "--server: {why}"),
            Self::NotLoopback(addr) => write!(
                f,
                "--listen {addr}: only a loopback address (127.0.0.1, ::1) keeps the team's app \
                 to this machine"
            ),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The Loket server the app's requests go to: its origin and any path it is served under,
/// without a trailing `/`.
#[derive(Clone, Debug)]
pub struct Upstream(String);

impl Upstream {
    /// `https://host[:port][/path]`, or `http://` to a server on this machine (127.0.0.1,
    /// ::1, localhost).
    pub fn parse(url: &str) -> Result<Self, ServeError> {
        let parsed =
            reqwest::Url::parse(url).map_err(|e| ServeError::BadServer(format!("{url}: {e}")))?;
        let host = parsed.host_str().unwrap_or_default();
        let local = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match parsed.scheme() {
            "https" => {}
            "http" if local => {}
            "http" => {
                return Err(ServeError::BadServer(format!(
                    "{url}: plain http only to a server on this machine; use https://"
                )));
            }
            other => {
                return Err(ServeError::BadServer(format!(
                    "{url}: {other}: is not https://"
                )));
            }
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(ServeError::BadServer(format!(
                "{url}: no query or fragment, please"
            )));
        }
        Ok(Self(parsed.as_str().trim_end_matches('/').to_owned()))
    }

    /// The server's URL as given (normalised).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

struct Shared {
    upstream: Upstream,
    settings: Settings,
    client: reqwest::Client,
    /// The `Host` values that name this listener.
    hosts: Vec<String>,
}

/// Refuses an address that is not a loopback one.
pub fn check_listen(addr: SocketAddr) -> Result<(), ServeError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(ServeError::NotLoopback(addr))
    }
}

/// The client that talks to the server: HTTPS with the system's trusted certificates, no
/// redirects (a server that moved is configured anew, not followed).
fn client() -> Result<reqwest::Client, ServeError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ServeError::BadServer(e.to_string()))
}

/// Asks the server for its team directory once, so that a wrong address, a server that is
/// down or a certificate this machine does not trust is reported when `serve` starts, in
/// words, instead of as "not available" in the app later. `Err` says what went wrong.
pub async fn check_server(upstream: &Upstream) -> Result<(), String> {
    let url = format!("{}/api/v1/directory", upstream.as_str());
    let answer = client()
        .map_err(|e| e.to_string())?
        .get(&url)
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .map_err(|e| {
            // reqwest's chain of causes says which: connection refused, name not found, the
            // certificate.
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                why.push_str(": ");
                why.push_str(&inner.to_string());
                source = inner.source();
            }
            why
        })?;
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(format!("{url} answered {}", answer.status()))
    }
}

/// The app and the passage to `upstream`, for a listener bound to `local`.
pub fn router(
    upstream: Upstream,
    settings: Settings,
    local: SocketAddr,
) -> Result<Router, ServeError> {
    check_listen(local)?;
    let port = local.port();
    let hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    let client = client()?;
    let shared = Arc::new(Shared {
        upstream,
        settings,
        client,
        hosts,
    });
    Ok(Router::new()
        .route("/api/{*rest}", axum::routing::any(pass_on))
        .route("/settings.json", axum::routing::get(settings_json))
        .fallback(app_file)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            this_machine_only,
        ))
        .layer(axum::middleware::from_fn(secure))
        .with_state(shared))
}

/// Serves the team's app on `listener` until `shutdown` completes.
pub async fn run(
    listener: tokio::net::TcpListener,
    upstream: Upstream,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let local = listener.local_addr().map_err(ServeError::Io)?;
    let app = router(upstream, settings, local)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Io)
}

/// `/settings.json`: what the app needs to know from this machine.
async fn settings_json(State(s): State<Arc<Shared>>) -> Response {
    let body = format!(
        "{{\"idle_lock_seconds\":{}}}",
        s.settings.idle_lock.as_secs()
    );
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A plain error in the API's form (`{"code": …}`), for a request that never reached the
/// server.
fn error(status: StatusCode, code: &'static str) -> Response {
    let body = format!("{{\"code\":\"{code}\"}}");
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

async fn this_machine_only(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !s.hosts.iter().any(|h| h == host) {
        return error(StatusCode::MISDIRECTED_REQUEST, "bad_request");
    }
    if req.uri().path().starts_with("/api/")
        && let Some(origin) = req.headers().get(header::ORIGIN)
        && origin.to_str().ok() != Some(&format!("http://{host}"))
    {
        return error(StatusCode::FORBIDDEN, "forbidden");
    }
    next.run(req).await
}

async fn secure(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in loket_assets::SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

/// Request headers the app sends that the server needs.
const REQUEST_HEADERS: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT];

/// Response headers of the server that the app needs.
const RESPONSE_HEADERS: [header::HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CACHE_CONTROL,
    header::RETRY_AFTER,
];

/// Passes an API request on to the server and its answer back, bodies streamed both ways.
async fn pass_on(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let url = format!("{}{path}", s.upstream.as_str());
    let Ok(method) = reqwest::Method::from_bytes(req.method().as_str().as_bytes()) else {
        return error(StatusCode::METHOD_NOT_ALLOWED, "bad_request");
    };
    let mut out = s.client.request(method, url);
    for name in REQUEST_HEADERS {
        if let Some(value) = req.headers().get(&name) {
            out = out.header(name.as_str(), value.as_bytes());
        }
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let body = req.into_body().into_data_stream();
        out = out.body(reqwest::Body::wrap_stream(body));
    }
    let answer = match out.send().await {
        Ok(answer) => answer,
        // The server cannot be reached (down, a certificate that does not verify): the app
        // says the service is not available.
        Err(_) => return error(StatusCode::BAD_GATEWAY, "unavailable"),
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut headers = HeaderMap::new();
    for name in RESPONSE_HEADERS {
        if let Some(value) = answer.headers().get(name.as_str())
            && let Ok(value) = HeaderValue::from_bytes(value.as_bytes())
        {
            headers.insert(name, value);
        }
    }
    let mut res = Response::new(Body::from_stream(answer.bytes_stream()));
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Loket</title>\
<h1>Loket</h1><p>The team's app has not been built into this loket-team. Run \
<code>scripts/build-portal.sh</code> and build loket-team again (the README's run command does \
both).</p></html>";

/// The file for `path`, or the app's `index.html` for any path without a dot (a page of the
/// app); `None` for a missing file.
fn lookup(app: &'static [Asset], path: &str) -> Option<Option<&'static Asset>> {
    let name = path.trim_start_matches('/');
    let name = if name.is_empty() { "index.html" } else { name };
    if let Some(asset) = find(app, name) {
        return Some(Some(asset));
    }
    if name.contains('.') || name.contains('/') {
        return None;
    }
    Some(find(app, "index.html"))
}

async fn app_file(req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return error(StatusCode::METHOD_NOT_ALLOWED, "bad_request");
    }
    match lookup(embedded::TEAM, req.uri().path()) {
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
        Some(None) => {
            let mut res = NOT_BUILT.into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type("index.html")),
            );
            res
        }
        Some(Some(asset)) => loket_assets::respond(asset, req.headers()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_https_or_this_machine() {
        assert_eq!(
            Upstream::parse("https://loket.example.org/")
                .unwrap()
                .as_str(),
            "https://loket.example.org"
        );
        assert_eq!(
            Upstream::parse("https://example.org/loket")
                .unwrap()
                .as_str(),
            "https://example.org/loket"
        );
        assert!(Upstream::parse("http://127.0.0.1:8080").is_ok());
        assert!(Upstream::parse("http://localhost:8080").is_ok());
        assert!(Upstream::parse("http://[::1]:8080").is_ok());
        for bad in [
            "http://loket.example.org",
            "http://10.0.0.1",
            "ftp://loket.example.org",
            "loket.example.org",
            "https://loket.example.org/?x=1",
        ] {
            assert!(Upstream::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_server_that_cannot_be_reached_is_reported_in_words() {
        // A port nobody listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let upstream = Upstream::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        let why = check_server(&upstream).await.unwrap_err();
        assert!(why.contains(&port.to_string()), "{why}");
    }

    #[test]
    fn only_a_loopback_listener() {
        assert!(check_listen("127.0.0.1:8790".parse().unwrap()).is_ok());
        assert!(check_listen("[::1]:8790".parse().unwrap()).is_ok());
        assert!(check_listen("0.0.0.0:8790".parse().unwrap()).is_err());
        assert!(check_listen("192.168.1.5:8790".parse().unwrap()).is_err());
    }
}
