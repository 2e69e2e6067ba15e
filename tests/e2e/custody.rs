//! Custody of the organisation key (crypto/SPEC.md §12.4, docs/operations.md): the real
//! `loket` refuses to serve with organisation.key in its data directory unless it runs as a
//! demo; a real instance publishes only a directory prepared by `loket directory prepare`,
//! signed with `loket-team sign-directory` by the key's custodian, checked against the recorded
//! key and serial.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use loket_e2e::process::{Instance, loket_team_bin};
use loket_wire::api::{Directory, SignedDirectory};
use loket_wire::keys::OrganisationKey;
use loket_wire::paths::{self, route};

async fn run(mut cmd: tokio::process::Command, args: &[&str]) -> Output {
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.args(args).output())
        .await
        .expect("the command did not finish within a minute")
        .unwrap();
    eprintln!(
        "$ {args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn ok(cmd: tokio::process::Command, args: &[&str]) -> String {
    let out = run(cmd, args).await;
    assert!(out.status.success(), "{args:?} failed:\n{}", text(&out));
    text(&out)
}

fn team(args: &[&str]) -> Output {
    let out = std::process::Command::new(loket_team_bin())
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    eprintln!("$ loket-team {args:?}\n{}", text(&out));
    out
}

fn pinned(instance: &Instance) -> OrganisationKey {
    let text = std::fs::read_to_string(instance.org_key_path()).unwrap();
    let seed = loket_format::keys::parse_organisation_key_file(&text).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    OrganisationKey {
        ed25519: key.verifying_key().to_bytes(),
    }
}

async fn served(server: &loket_e2e::process::Server, org: &OrganisationKey) -> Directory {
    let signed: SignedDirectory = server
        .http
        .get(server.url(&paths::api(route::DIRECTORY)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dir = loket_client::verify_directory(&signed, org).unwrap();
    loket_client::check_directory_freshness(&dir, loket_server::clock::now(), None).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_the_key_in_its_data_directory_unless_demo() {
    let instance = Instance::sqlite().await;
    let beside = instance.dir.path().join("organisation.key");
    std::fs::copy(instance.org_key_path(), &beside).unwrap();
    let out = run(instance.command(), &["serve", "--listen", "127.0.0.1:1"]).await;
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("refusing to serve") && said.contains("organisation.key"),
        "{said}"
    );
    // The demo keeps it there, and signs with it.
    let server = instance
        .serve_with(&[
            ("LOKET_DEMO", "1"),
            ("LOKET_ORG_KEY_FILE", beside.to_str().unwrap()),
        ])
        .await;
    let dir = served(&server, &pinned(&instance)).await;
    assert_eq!(dir.serial, 1, "a fresh directory is not re-signed");
    server.terminate(Duration::from_secs(5)).await;
}

/// Prepare on the server, sign on the custodian's machine, publish; a member change without
/// the key is stored and waits for that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepare_sign_publish() {
    let instance = Instance::sqlite().await;
    let org = pinned(&instance);
    let work = tempfile::tempdir().unwrap();
    let file = |name: &str| work.path().join(name).to_str().unwrap().to_owned();
    let member = team(&["keygen", "--out", &file("m.key"), "--generate-passphrase"]);
    let public = String::from_utf8_lossy(&member.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("public key:").map(|k| k.trim().to_owned()))
        .unwrap();
    // Without the key: stored, and the administrator is told what to do.
    let said = ok(
        instance.command(),
        &[
            "--org-key",
            &file("absent.key"),
            "member",
            "add",
            "--name",
            "Robin",
            "--role",
            "ccp",
            "--key",
            &public,
        ],
    )
    .await;
    assert!(said.contains("loket directory prepare"), "{said}");

    ok(
        instance.command(),
        &[
            "directory",
            "prepare",
            "--out",
            &file("next.json"),
            "--valid-days",
            "30",
        ],
    )
    .await;
    let signing = team(&[
        "sign-directory",
        &file("next.json"),
        "--key",
        instance.org_key_path().to_str().unwrap(),
        "--out",
        &file("next.signed"),
        "--yes",
    ]);
    assert!(signing.status.success());
    let shown = text(&signing);
    assert!(
        shown.contains("Serial:        2") && shown.contains("Robin"),
        "{shown}"
    );
    assert!(shown.contains(&org.fingerprint()), "{shown}");
    ok(
        instance.command(),
        &["directory", "publish", "--signed", &file("next.signed")],
    )
    .await;
    let status = ok(instance.command(), &["directory", "status"]).await;
    assert!(
        status.contains("serial:  2") && status.contains("expires:"),
        "{status}"
    );

    let server = instance.serve().await;
    let dir = served(&server, &org).await;
    assert_eq!(dir.serial, 2);
    assert_eq!(dir.members.len(), 1);
    assert!(dir.expires - dir.issued == 30 * 86_400);

    // The same file again (serial not newer) is refused.
    let again = run(
        instance.command(),
        &["directory", "publish", "--signed", &file("next.signed")],
    )
    .await;
    assert!(!again.status.success());
    assert!(text(&again).contains("not newer"), "{}", text(&again));
    // Another key is refused.
    assert!(
        team(&["org-keygen", "--out", &file("other.key")])
            .status
            .success()
    );
    ok(
        instance.command(),
        &["directory", "prepare", "--out", &file("n3.json")],
    )
    .await;
    assert!(
        team(&[
            "sign-directory",
            &file("n3.json"),
            "--key",
            &file("other.key"),
            "--yes"
        ])
        .status
        .success()
    );
    let forged = run(
        instance.command(),
        &["directory", "publish", "--signed", &file("n3.json.signed")],
    )
    .await;
    assert!(!forged.status.success());
    assert!(
        text(&forged).contains("not signed by this instance's organisation key"),
        "{}",
        text(&forged)
    );
    // A directory with a lower serial than the published one, signed by the right key.
    let body = lower_serial(Path::new(&file("n3.json")));
    std::fs::write(file("old.json"), body).unwrap();
    assert!(
        team(&[
            "sign-directory",
            &file("old.json"),
            "--key",
            instance.org_key_path().to_str().unwrap(),
            "--yes"
        ])
        .status
        .success()
    );
    let old = run(
        instance.command(),
        &["directory", "publish", "--signed", &file("old.json.signed")],
    )
    .await;
    assert!(!old.status.success());
    assert!(text(&old).contains("not newer"), "{}", text(&old));
    assert_eq!(served(&server, &org).await.serial, 2);
    server.terminate(Duration::from_secs(5)).await;
}

fn lower_serial(prepared: &Path) -> Vec<u8> {
    let mut dir: Directory = serde_json::from_slice(&std::fs::read(prepared).unwrap()).unwrap();
    dir.serial = 1;
    serde_json::to_vec(&dir).unwrap()
}
