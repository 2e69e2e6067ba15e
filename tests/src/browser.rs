//! Headless Chromium through chromedriver (Debian's packages, installed by scripts/test.sh),
//! driven with fantoccini, and small helpers that wait for the portal (it renders after the
//! WebAssembly module has loaded).

use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub struct Browser {
    pub client: Client,
    _driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

async fn free_port() -> u16 {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn browser() -> Browser {
    let chromium = std::env::var("LOKET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver_bin = std::env::var("LOKET_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port().await;
    // The browser lives in Amsterdam: the apps must show times in the reader's own zone.
    let driver = tokio::process::Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .env("TZ", "Europe/Amsterdam")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {driver_bin} (scripts/test.sh installs it): {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    Browser {
        client,
        _driver: driver,
        _profile: profile,
    }
}

/// Polls until the element matching `css` has text satisfying `ok`; returns that text.
pub async fn wait_text(c: &Client, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = String::new();
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(t) = el.text().await
        {
            if ok(&t) {
                return t;
            }
            last = t;
        }
        if Instant::now() > deadline {
            let status = match c.find(Locator::Css("#status")).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            let errors = page_errors(c).await;
            panic!(
                "timed out waiting for {what} in {css}; last text {last:?}; status {status:?}; \
                 page errors {errors:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub async fn type_into(c: &Client, css: &str, text: &str) {
    let el = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Waits until the status line shows the message with stable name `key` (its `data-msg`,
/// the same in every language); returns its text.
pub async fn wait_msg(c: &Client, key: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    loop {
        if let Ok(el) = c.find(Locator::Css("#status")).await {
            let msg = el.attr("data-msg").await.ok().flatten().unwrap_or_default();
            let text = el.text().await.unwrap_or_default();
            if msg == key {
                return text;
            }
            last = format!("{msg}: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the message {key:?}; last {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Chooses the option with `value` in the `<select>` matching `css`.
pub async fn select(c: &Client, css: &str, value: &str) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// Waits until an element matches `css`.
pub async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

/// Keeps what the page writes to `console.error` (a panic of the app's WebAssembly is written
/// there) so that a failing test can show it: call after each page load.
pub async fn capture_errors(c: &Client) {
    let _ = c
        .execute(
            "window.__errors = window.__errors || []; const e = console.error; \
             console.error = function (...a) { window.__errors.push(a.join(' ')); e(...a); };",
            vec![],
        )
        .await;
}

/// What the page wrote to `console.error` since [`capture_errors`].
pub async fn page_errors(c: &Client) -> String {
    c.execute("return JSON.stringify(window.__errors || [])", vec![])
        .await
        .map(|v| v.to_string())
        .unwrap_or_default()
}
