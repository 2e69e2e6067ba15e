//! Scale-out: two `loket serve` processes on one PostgreSQL database, with no state of their
//! own. A proof-of-work challenge from one is accepted by the other and spent once across both;
//! a report submitted to one is read from the other; a team session opened on one works on the
//! other and ends on both at logout; the global rate limit counts both together.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_e2e::process::{Instance, Server, fake_envelope, random_bytes};
use loket_wire::paths::{self, route};
use loket_wire::pow::{self, PowChallenge};

async fn post(server: &Server, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    post_auth(server, path, body, None).await
}

async fn post_auth(
    server: &Server,
    path: &str,
    body: serde_json::Value,
    bearer: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut req = server.http.post(server.url(path)).json(&body);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// `GET` the inbox from `server` with session `bearer`.
async fn inbox(server: &Server, bearer: &str) -> reqwest::Response {
    server
        .http
        .get(server.url(&paths::api(route::TEAM_INBOX)))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
}

/// A challenge from `server`, solved.
async fn solved(server: &Server, purpose: &str) -> serde_json::Value {
    let (status, json) = post(
        server,
        &paths::api(route::POW),
        serde_json::json!({ "purpose": purpose }),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    let challenge: PowChallenge = serde_json::from_value(json).unwrap();
    assert_eq!(challenge.bits, 8);
    serde_json::to_value(pow::solve(&challenge).unwrap()).unwrap()
}

/// Submits a report of 16 KiB with `token` to `server`, paying with `pow`.
async fn submit(
    server: &Server,
    token: &[u8; 32],
    pow: serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = serde_json::json!({
        "lookup_token": STANDARD.encode(token),
        "roles": ["ccp"],
        "envelope": STANDARD.encode(fake_envelope(16 * 1024)),
        "pow": pow,
    });
    post(server, &paths::api(route::REPORTS), body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgresql() {
    let instance = Instance::postgres("loket_scale").await;
    // A member, added with the admin command (it re-signs the directory).
    let signing = ed25519_dalek::SigningKey::from_bytes(&random_bytes::<32>());
    let keys = loket_wire::keys::MemberKeys {
        x25519: random_bytes(),
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

    // Counts are per minute: do not start in the last seconds of one.
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second > 40 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
    let env = [
        ("LOKET_POW_BITS", "8"),
        ("LOKET_POW_RAISE_PER_MINUTE", "0"),
        ("LOKET_RATE_LIMIT", "3"),
    ];
    let a = instance.serve_with(&env).await;
    let b = instance.serve_with(&env).await;

    // A challenge from A pays for a submission to B, once.
    let token: [u8; 32] = random_bytes();
    let pow_a = solved(&a, "submit").await;
    let (status, json) = submit(&b, &token, pow_a.clone()).await;
    assert_eq!(status, 201, "{json}");
    let report_id = json["report_id"].as_str().unwrap().to_owned();
    let (status, json) = submit(&a, &random_bytes(), pow_a).await;
    assert_eq!(
        (status, json["code"].as_str()),
        (403, Some("proof_of_work_invalid"))
    );

    // Read from A what B stored, paying with a challenge from B.
    let pow_b = solved(&b, "check").await;
    let (status, json) = post(
        &a,
        &paths::api(route::THREAD),
        serde_json::json!({"lookup_token": STANDARD.encode(token), "pow": pow_b}),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["report_id"], report_id.as_str());

    // A team session: challenge from A, session from B, inbox on A, logout on B.
    let res = a
        .http
        .get(a.url(&paths::api(route::DIRECTORY)))
        .send()
        .await
        .unwrap();
    let signed: serde_json::Value = res.json().await.unwrap();
    let body = STANDARD.decode(signed["body"].as_str().unwrap()).unwrap();
    let dir: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let member_id = dir["members"][0]["id"].as_str().unwrap().to_owned();
    let (status, ch) = post(
        &a,
        &paths::api(route::TEAM_CHALLENGE),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let challenge = STANDARD.decode(ch["challenge"].as_str().unwrap()).unwrap();
    use ed25519_dalek::Signer;
    let salt = STANDARD
        .decode(dir["deployment_salt"].as_str().unwrap())
        .unwrap();
    let signature = signing.sign(&loket_wire::keys::session_proof_message(&salt, &challenge));
    let (status, session) = post(
        &b,
        &paths::api(route::TEAM_SESSION),
        serde_json::json!({
            "member_id": member_id,
            "challenge": STANDARD.encode(&challenge),
            "signature": STANDARD.encode(signature.to_bytes()),
        }),
    )
    .await;
    assert_eq!(status, 200, "{session}");
    let bearer = session["token"].as_str().unwrap().to_owned();
    let res = inbox(&a, &bearer).await;
    assert_eq!(res.status().as_u16(), 200);
    let listed: serde_json::Value = res.json().await.unwrap();
    assert_eq!(listed["reports"][0]["report_id"], report_id.as_str());
    let (status, _) = post_auth(
        &b,
        &paths::api(route::TEAM_LOGOUT),
        serde_json::json!({}),
        Some(&bearer),
    )
    .await;
    assert_eq!(status, 204);
    let res = inbox(&a, &bearer).await;
    assert_eq!(
        res.status().as_u16(),
        401,
        "logged out on B ends the session on A"
    );

    // The global limit (3 submissions a minute) counts both: one on B so far, two more on A,
    // then — once the counts were exchanged (every second) — B refuses the fourth.
    for _ in 0..2 {
        let pow = solved(&a, "submit").await;
        let (status, json) = submit(&a, &random_bytes(), pow).await;
        assert_eq!(status, 201, "{json}");
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let pow = solved(&b, "submit").await;
    let (status, json) = submit(&b, &random_bytes(), pow).await;
    assert_eq!(
        (status, json["code"].as_str()),
        (429, Some("rate_limited")),
        "{json}"
    );

    a.terminate(Duration::from_secs(10)).await;
    b.terminate(Duration::from_secs(10)).await;
}
