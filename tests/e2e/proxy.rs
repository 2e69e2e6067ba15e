//! The shipped reverse-proxy configurations (deploy/nginx/loket.conf, deploy/caddy/Caddyfile)
//! with the real nginx and Caddy in front of a real server: a report submitted and read back
//! over TLS through each, and afterwards nothing the proxy wrote — logs, temporary files,
//! standard error — names the client's address, its user agent, its referrer or a path it
//! asked for.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use loket_e2e::{Reporter, TestApp};
use loket_wire::api::{SubmitReport, SubmitReportResponse};
use loket_wire::paths::{self, route};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest};

const HOST: &str = "loket.example.org";
/// Sent as the user agent of every request: it must not appear in anything a proxy writes.
const AGENT: &str = "ProxyTestAgent/7c1f";
/// A file that does not exist: no proxy may log its path either.
const MISSING: &str = "/no-such-file-b41d.png";

/// A proxy running a shipped file, rewritten only where a test must: its ports, the
/// certificate paths, the upstream's port and where it writes.
struct Proxy {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn site_config(dir: &Path, tls_port: u16, plain_port: u16, upstream: u16) -> String {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx/loket.conf"),
    )
    .unwrap();
    let d = dir.display();
    let site = shipped
        .lines()
        .filter(|l| !l.trim_start().starts_with("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("listen 80;", &format!("listen 127.0.0.1:{plain_port};"))
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{tls_port} ssl http2;"),
        )
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{upstream}"))
        .replace("/etc/ssl/loket/", &format!("{d}/"))
        .replace("/var/log/nginx/", &format!("{d}/logs/"));
    // The lines a test changes must all have been there: a changed shipped file fails here.
    for expected in [
        format!("127.0.0.1:{tls_port} ssl"),
        format!("127.0.0.1:{upstream}"),
        format!("{d}/fullchain.pem"),
        format!("{d}/logs/loket.error.log"),
        "access_log off;".into(),
    ] {
        assert!(site.contains(&expected), "{expected} not in the site file");
    }
    site
}

/// A temporary directory with `logs/` and a self-signed certificate for [`HOST`].
fn proxy_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("logs")).unwrap();
    let openssl = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", &format!("/CN={HOST}")])
        .args(["-addext", &format!("subjectAltName=DNS:{HOST}")])
        .args([
            "-keyout",
            &in_dir(d, "privkey.pem"),
            "-out",
            &in_dir(d, "fullchain.pem"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl (a certificate for the test)");
    assert!(openssl.success());
    dir
}

/// `name` in `dir`, as a string for a command line.
fn in_dir(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// Waits until the proxy listens on `port`.
fn ready(child: Child, dir: tempfile::TempDir, port: u16) -> Proxy {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Proxy { child, dir, port };
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the proxy did not start: {:?}", read_all(dir.path()));
}

fn start_nginx(upstream: u16) -> Proxy {
    let dir = proxy_dir();
    let d = dir.path();
    let (port, plain) = (free_port(), free_port());
    std::fs::write(d.join("site.conf"), site_config(d, port, plain, upstream)).unwrap();
    // The main file stands in for Debian's /etc/nginx/nginx.conf, with its logs (access and
    // error, at their default levels) in the temporary directory, so the test sees them too.
    let main = format!(
        "daemon off;\nmaster_process on;\nworker_processes 1;\nuser root;\npid {d}/nginx.pid;\n\
         error_log {d}/logs/error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log {d}/logs/access.log;\n  client_body_temp_path {d}/tmp/body;\n\
         proxy_temp_path {d}/tmp/proxy;\n  fastcgi_temp_path {d}/tmp/fastcgi;\n\
         uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n\
         include {d}/site.conf;\n}}\n",
        d = d.display()
    );
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    std::fs::write(d.join("nginx.conf"), main).unwrap();
    let child = Command::new(nginx_binary())
        .args([
            "-c",
            &in_dir(d, "nginx.conf"),
            "-e",
            &in_dir(d, "logs/startup.log"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (scripts/setup.sh installs it)");
    ready(child, dir, port)
}

fn caddy_config(dir: &Path, tls_port: u16, plain_port: u16, upstream: u16) -> String {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/caddy/Caddyfile"),
    )
    .unwrap();
    let d = dir.display();
    let global = format!(
        "{{\n    admin off\n    http_port {plain_port}\n    https_port {tls_port}\n    \
         storage file_system {d}/store\n"
    );
    let site = format!("https://{HOST}:{tls_port} {{\n    tls {d}/fullchain.pem {d}/privkey.pem");
    let config = shipped
        .replacen("{\n", &global, 1)
        .replace(&format!("{HOST} {{"), &site)
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{upstream}"));
    for expected in [global.as_str(), site.as_str(), "exclude http.log.error"] {
        assert!(config.contains(expected), "{expected} not in the Caddyfile");
    }
    config
}

fn start_caddy(upstream: u16) -> Proxy {
    let dir = proxy_dir();
    let d = dir.path();
    let (port, plain) = (free_port(), free_port());
    std::fs::write(d.join("Caddyfile"), caddy_config(d, port, plain, upstream)).unwrap();
    // Caddy's default log goes to standard error: the test keeps it as a file to search.
    let child = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(d.join("Caddyfile"))
        .env("HOME", d)
        .env("XDG_DATA_HOME", d.join("store"))
        .env("XDG_CONFIG_HOME", d.join("store"))
        .stdout(std::fs::File::create(d.join("logs/stdout.log")).unwrap())
        .stderr(std::fs::File::create(d.join("logs/stderr.log")).unwrap())
        .spawn()
        .expect("caddy (scripts/setup.sh installs it)");
    ready(child, dir, port)
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("nginx is installed by scripts/setup.sh")
}

/// One request through the proxy over TLS with curl (status, body).
fn curl(proxy: &Proxy, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let url = format!("https://{HOST}:{}{path}", proxy.port);
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method])
        .args(["--resolve", &format!("{HOST}:{}:127.0.0.1", proxy.port)])
        .arg("--cacert")
        .arg(proxy.dir.path().join("fullchain.pem"))
        .args(["-A", AGENT, "-H", "Referer: https://referrer.example/b41d"]);
    if let Some(body) = body {
        cmd.args([
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body,
        ]);
    }
    let out = cmd.arg(url).output().expect("curl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.trim().parse().unwrap(), body.to_owned())
}

/// Every file under `dir` except the certificate and the configurations (and Caddy's copy of
/// its configuration), by name.
fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.extension().is_some_and(|e| e == "pem" || e == "conf")
                && !p.ends_with("Caddyfile")
                // Caddy's copy of its configuration, which names the upstream's address.
                && !p.ends_with("autosave.json")
            {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_in_front_keeps_no_trace_of_the_reporter() {
    let app = TestApp::sqlite().await;
    let proxy = start_nginx(app.addr.port());
    report_through(&app, &proxy).await;
    let files = read_all(proxy.dir.path());
    assert!(
        files.iter().any(|(name, _)| name.ends_with("error.log")),
        "nginx wrote its logs where the test looks: {:?}",
        files.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    no_trace(&files);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn caddy_in_front_keeps_no_trace_of_the_reporter() {
    let app = TestApp::sqlite().await;
    let proxy = start_caddy(app.addr.port());
    report_through(&app, &proxy).await;
    // A request loket cannot answer: Caddy's error logger would describe it with the
    // client's address and headers, were it not left out.
    let upstream = app.addr;
    app.shutdown().await;
    assert!(std::net::TcpStream::connect(upstream).is_err());
    assert_eq!(curl(&proxy, "GET", MISSING, None).0, 502);
    let files = read_all(proxy.dir.path());
    let stderr = files
        .iter()
        .find(|(n, _)| n.ends_with("stderr.log"))
        .unwrap();
    assert!(
        String::from_utf8_lossy(&stderr.1).contains("using provided configuration"),
        "Caddy's log is where the test looks"
    );
    no_trace(&files);
}

/// The portal, a missing file, a proof of work, a report and a broken request, all through
/// `proxy`; the report arrives.
async fn report_through(app: &TestApp, proxy: &Proxy) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;

    // The portal and a missing page, through the proxy.
    let (status, page) = curl(proxy, "GET", "/", None);
    assert_eq!(status, 200);
    assert!(page.contains("<html"), "{page}");
    assert_eq!(curl(proxy, "GET", MISSING, None).0, 404);

    // A report: proof of work and submission through the proxy.
    let (status, challenge) = curl(
        proxy,
        "POST",
        &paths::api(route::POW),
        Some(
            &serde_json::to_string(&PowRequest {
                purpose: PowPurpose::Submit,
            })
            .unwrap(),
        ),
    );
    assert_eq!(status, 200, "{challenge}");
    let challenge: PowChallenge = serde_json::from_str(&challenge).unwrap();
    let reporter = Reporter::new(&dir, &["ccp"]);
    let body = SubmitReport {
        lookup_token: reporter.token(),
        roles: reporter.roles.clone(),
        envelope: reporter.seal_report(&dir, "through the proxy"),
        pow: loket_wire::pow::solve(&challenge),
        excluded: Vec::new(),
        statistics: None,
    };
    let (status, sent) = curl(
        proxy,
        "POST",
        &paths::api(route::REPORTS),
        Some(&serde_json::to_string(&body).unwrap()),
    );
    assert_eq!(status, 201, "{sent}");
    let sent: SubmitReportResponse = serde_json::from_str(&sent).unwrap();

    // The report arrived: the reporter reads it back directly.
    let (status, thread) = reporter.read_thread(app).await;
    assert_eq!(status, 200, "{thread}");
    assert_eq!(thread["report_id"], sent.report_id);

    // A broken request is refused with loket's error, through the proxy.
    let (status, _) = curl(proxy, "POST", &paths::api(route::REPORTS), Some("{"));
    assert_eq!(status, 400);
}

/// Nothing in `files` names the client's address, agent, referrer, a path or a method.
fn no_trace(files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        for secret in [
            "127.0.0.1",
            AGENT,
            MISSING,
            "/api/v1",
            "referrer.example",
            "POST",
        ] {
            assert!(!text.contains(secret), "{name} holds {secret:?}:\n{text}");
        }
        assert!(
            !name.ends_with("access.log") || bytes.is_empty(),
            "{name} logged a request:\n{text}"
        );
    }
}
