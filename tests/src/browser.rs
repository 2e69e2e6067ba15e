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

/// Sets the value of the input matching `css` as a person's typing would end, and fires
/// `input`: for date inputs, whose typed form depends on the browser's locale.
pub async fn set_value(c: &Client, css: &str, value: &str) {
    wait_for(c, css).await;
    c.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
         el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![css.into(), value.into()],
    )
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

/// axe-core, from the npm tools of `tools/node` (scripts/setup.sh installs it).
fn axe_source() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tools/node/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (scripts/setup.sh --browser installs axe-core)"))
}

/// Runs axe-core on the page as it is now, with the rules of WCAG 2.0, 2.1 and 2.2 at levels
/// A and AA, and fails with every violation found. `state` names the page and state.
pub async fn axe_check(c: &Client, state: &str) {
    let violations = axe_violations(c, state).await;
    assert!(
        violations.is_empty(),
        "{state}: WCAG 2.2 AA violations:\n{}",
        violations.join("\n")
    );
}

/// The WCAG 2.2 A and AA violations axe-core finds on the page as it is now.
pub async fn axe_violations(c: &Client, state: &str) -> Vec<String> {
    c.execute(&axe_source(), vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values:
               ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
               .then(r => done({ checked: r.passes.length, violations: r.violations.map(v =>
                 v.id + ': ' + v.help + ' at ' +
                 v.nodes.map(n => n.target.join(' ')).join(', ')) }))
               .catch(e => done({ checked: 0, violations: ['axe failed: ' + e] }));",
            vec![],
        )
        .await
        .unwrap();
    let checked = found["checked"].as_u64().unwrap_or(0);
    let violations: Vec<String> = found["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert!(checked > 0, "{state}: axe checked nothing");
    violations
}

/// Whether the page fits its viewport's width (no sideways scrolling).
pub async fn fits_width(c: &Client) -> (bool, String) {
    let v = c
        .execute(
            "const d = document.documentElement;
             return [d.scrollWidth, d.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, client) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
    (
        scroll <= client && client > 0,
        format!("{scroll} px wide in {client} px"),
    )
}

/// Presses Tab until the element with `id` has the focus (at most 80 times), as a keyboard
/// user would move to it.
pub async fn tab_to(c: &Client, id: &str) {
    for _ in 0..80 {
        let focused = c
            .execute(
                "return document.activeElement && document.activeElement.id",
                vec![],
            )
            .await
            .unwrap();
        if focused.as_str() == Some(id) {
            return;
        }
        press(c, "\u{e004}").await;
    }
    panic!("Tab never reached #{id}");
}

/// Sends `keys` to the element that has the focus (the keyboard).
pub async fn press(c: &Client, keys: &str) {
    use fantoccini::actions::InputSource as _;
    let mut actions = fantoccini::actions::KeyActions::new("keyboard".into());
    for ch in keys.chars() {
        actions = actions
            .then(fantoccini::actions::KeyAction::Down { value: ch })
            .then(fantoccini::actions::KeyAction::Up { value: ch });
    }
    c.perform_actions(actions).await.unwrap();
}

/// The contrast ratio (WCAG 2.x) of the focus outline of the focused element against the
/// background behind it.
pub async fn focus_outline_contrast(c: &Client) -> f64 {
    let v = c
        .execute(
            "const el = document.activeElement;
             const s = getComputedStyle(el);
             let bg = 'rgb(255, 255, 255)';
             for (let n = el.parentElement; n; n = n.parentElement) {
               const b = getComputedStyle(n).backgroundColor;
               if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
             }
             return [s.outlineStyle, s.outlineWidth, s.outlineColor, bg];",
            vec![],
        )
        .await
        .unwrap();
    let style = v[0].as_str().unwrap_or_default();
    assert!(style != "none", "the focused element has no outline");
    let rgb = |s: &str| -> [f64; 3] {
        let n: Vec<f64> = s
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .filter_map(|x| x.trim().parse().ok())
            .collect();
        [n[0], n[1], n[2]]
    };
    let luminance = |c: [f64; 3]| {
        let lin = |v: f64| {
            let v = v / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (a, b) = (
        luminance(rgb(v[2].as_str().unwrap_or_default())),
        luminance(rgb(v[3].as_str().unwrap_or_default())),
    );
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// Opens the team's app of `team` in English and unlocks `key` (as a key file with a fixed
/// passphrase); returns once the inbox shows.
pub async fn unlock_team_app(
    c: &Client,
    team: &crate::TeamApp,
    key: &loket_crypto::MemberSecretKey,
) {
    let passphrase = "a long demo passphrase";
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    type_into(c, "#key-file", &crate::test_key_file(key, passphrase)).await;
    type_into(c, "#passphrase", passphrase).await;
    click(c, "#unlock").await;
    wait_for(c, "#lock").await;
}
