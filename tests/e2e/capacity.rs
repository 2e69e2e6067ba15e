//! Spam cannot take the server down or bury the inbox: the real `loket` binary on SQLite takes
//! 5,000 reports of the largest size a client seals, its peak memory (VmHWM) stays bounded,
//! and the team's inbox still answers, one page at a time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use loket_e2e::process::{self, Instance, Submitted};
use loket_wire::paths::{self, route};

/// Reports to store, all of the largest size.
const REPORTS: usize = 5000;
/// Peak resident memory the server may reach meanwhile.
const MOST_RSS_KIB: u64 = 256 * 1024;

/// Peak resident set size of process `pid`, KiB (`VmHWM` in /proc).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_largest_reports_keep_memory_bounded_and_the_inbox_answers() {
    let instance = Instance::sqlite().await;
    let signing = ed25519_dalek::SigningKey::from_bytes(&process::random_bytes::<32>());
    let keys = loket_wire::keys::MemberKeys {
        x25519: process::random_bytes(),
        ed25519: signing.verifying_key().to_bytes(),
    };
    let out = instance
        .command()
        .args(["member", "add", "--name", "Casey", "--role", "ccp", "--key"])
        .arg(keys.encode())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = instance
        .serve_with(&[("LOKET_POW_BITS", "0"), ("LOKET_RATE_LIMIT", "0")])
        .await;
    let pid = server.pid().unwrap();

    // One envelope of the largest size (64 KiB padded), sent 5,000 times with new tokens.
    let envelope = process::fake_envelope(loket_format::envelope::MAX_SEALED_LEN);
    assert_eq!(loket_format::envelope::check_shape(&envelope), Ok(()));
    let envelope = std::sync::Arc::new(envelope);
    let start = Instant::now();
    let mut stored = 0;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..REPORTS {
        if set.len() >= 16
            && let Some(r) = set.join_next().await
        {
            stored += usize::from(r.unwrap());
        }
        let (http, base, envelope) = (server.http.clone(), server.base_url(), envelope.clone());
        set.spawn(async move {
            let token = process::random_bytes::<32>();
            match process::submit(&http, &base, &token, &["ccp"], &envelope).await {
                Submitted::Acknowledged(_) => true,
                other => panic!("report {i} not stored: {other:?}"),
            }
        });
    }
    while let Some(r) = set.join_next().await {
        stored += usize::from(r.unwrap());
    }
    assert_eq!(stored, REPORTS);
    let filled = start.elapsed();

    // The team's inbox: a session, then the first page and the next.
    let post = |path: String, body: serde_json::Value| {
        let http = server.http.clone();
        let url = server.url(&path);
        async move {
            let res = http.post(url).json(&body).send().await.unwrap();
            (
                res.status().as_u16(),
                res.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let (status, ch) = post(paths::api(route::TEAM_CHALLENGE), serde_json::json!({})).await;
    assert_eq!(status, 200);
    let challenge = STANDARD.decode(ch["challenge"].as_str().unwrap()).unwrap();
    let dir: serde_json::Value = server
        .http
        .get(server.url(&paths::api(route::DIRECTORY)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = STANDARD.decode(dir["body"].as_str().unwrap()).unwrap();
    let dir: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let member_id = dir["members"][0]["id"].as_str().unwrap().to_owned();
    let salt = STANDARD
        .decode(dir["deployment_salt"].as_str().unwrap())
        .unwrap();
    use ed25519_dalek::Signer;
    let signature = signing.sign(&loket_wire::keys::session_proof_message(&salt, &challenge));
    let (status, session) = post(
        paths::api(route::TEAM_SESSION),
        serde_json::json!({
            "member_id": member_id,
            "challenge": STANDARD.encode(&challenge),
            "signature": STANDARD.encode(signature.to_bytes()),
        }),
    )
    .await;
    assert_eq!(status, 200, "{session}");
    let bearer = session["token"].as_str().unwrap().to_owned();
    let asked = Instant::now();
    let res = server
        .http
        .get(server.url(&paths::api(route::TEAM_INBOX)))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    let answered = asked.elapsed();
    assert_eq!(page["reports"].as_array().unwrap().len(), 50);
    let next = page["next"].as_str().unwrap();
    let res = server
        .http
        .get(format!(
            "{}?before={next}",
            server.url(&paths::api(route::TEAM_INBOX))
        ))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    let peak = peak_rss_kib(pid);
    let db = std::fs::metadata(instance.sqlite_path()).unwrap().len();
    eprintln!(
        "capacity: {REPORTS} reports of {} bytes stored in {filled:?} (database {} MiB); \
         first inbox page in {answered:?}; server peak RSS {} MiB",
        envelope.len(),
        db / (1024 * 1024),
        peak / 1024
    );
    assert!(
        peak < MOST_RSS_KIB,
        "the server's peak RSS was {} MiB",
        peak / 1024
    );
    server.terminate(std::time::Duration::from_secs(10)).await;
}
