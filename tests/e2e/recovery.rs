//! Key loss (crypto/SPEC.md §9.11, §9.12, docs/operations.md "Key recovery"), both ways, with
//! the real `loket-team` binary where it is the tool:
//! - a role with two members: one loses their key, is added again with a new one, and a
//!   colleague's handover gives the new key every case;
//! - a role of one person: its cases are also sealed to the organisation's recovery key, split
//!   by `loket-team recovery-keygen` into three shares; after the key is lost, one share
//!   recovers nothing and two give `loket-team recover` the key that hands every case to the
//!   member's new key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Output;

use loket_client::case::{CaseReaders, open_case_record, seal_case_record};
use loket_client::handover::hand_over;
use loket_client::history::verify_history;
use loket_client::open_thread;
use loket_crypto::MemberSecretKey;
use loket_e2e::process::loket_team_bin;
use loket_wire::api::{Directory, DirectoryHistory, Handovers, PostCase, TeamReport};
use loket_wire::content::CaseRecord;
use loket_wire::keys::MemberKeys;
use loket_wire::paths::{self, route};

use loket_e2e::*;

const PASSPHRASE: &str = "a passphrase for the test";

/// `n` cases of `role`, each with a reply by `member` and a case record; their ids.
async fn cases(
    app: &TestApp,
    role: &str,
    member: &(String, MemberSecretKey),
    n: usize,
) -> Vec<String> {
    let dir = app.directory().await;
    let token = team_login(app, &member.0, &member.1).await;
    let mut ids = Vec::new();
    for i in 0..n {
        let reporter = Reporter::new(&dir, &[role]);
        let sent = reporter.submit(app, &dir, &format!("case {i}")).await;
        let mine = open_report(&reporter.keys.identity, &reporter.seal_report(&dir, "x")).unwrap();
        let reply = seal_reply(&dir, &mine, &sent.report_id, &member.1, "we can help");
        assert_eq!(app.reply(&token, &sent.report_id, reply).await.0, 201);
        let record = CaseRecord::first(Vec::new(), 0);
        let readers = CaseReaders {
            roles: vec![role.into()],
            ..CaseReaders::default()
        };
        let envelope = seal_case_record(
            &mut rand::rng(),
            &dir,
            &readers,
            &sent.report_id,
            &member.1,
            &record,
        )
        .unwrap();
        let body = PostCase {
            envelope,
            keep: loket_client::case::keep(&record),
        };
        let path = paths::fill(route::TEAM_REPORT_CASE, &[&sent.report_id]);
        assert_eq!(app.post(&path, &body, Some(&token)).await.0, 201);
        ids.push(sent.report_id);
    }
    ids
}

/// The directory with its former members, as the apps use it.
async fn directory(app: &TestApp) -> Directory {
    let mut dir = app.directory().await;
    let (_, json) = app.get(&paths::api(route::DIRECTORY_HISTORY), None).await;
    let history: DirectoryHistory = serde_json::from_value(json).unwrap();
    dir.former = verify_history(&history, &dir, &test_org_key()).unwrap();
    dir
}

/// Whether `key` opens the report, the reply and the case record of case `id`.
async fn reads(app: &TestApp, member: &(String, MemberSecretKey), id: &str) -> bool {
    let dir = directory(app).await;
    let token = team_login(app, &member.0, &member.1).await;
    let (status, json) = app.team_report(&token, id).await;
    assert_eq!(status, 200, "{json}");
    let report: TeamReport = serde_json::from_value(json).unwrap();
    let identity = member.1.identity();
    let Some(thread) = open_thread(identity, &dir, id, &report.envelope, &report.messages) else {
        return false;
    };
    thread.messages.iter().all(|m| m.body.is_some())
        && open_case_record(identity, &dir, id, &report.cases[0]).is_some()
}

/// The member loses their key: removed, and added again with a new one.
async fn lose_key(
    app: &TestApp,
    member: (String, MemberSecretKey),
    name: &str,
    role: &str,
) -> (String, MemberSecretKey) {
    app.store.remove_member(&member.0.into()).await.unwrap();
    app.add_member(name, &[role]).await
}

async fn a_lost_key_is_recovered_by_a_colleague(app: TestApp) {
    let amy = app.add_member("Amy", &["ccp"]).await;
    let casey = app.add_member("Casey", &["ccp"]).await;
    let ids = cases(&app, "ccp", &amy, 3).await;
    let amy = lose_key(&app, amy, "Amy (new key)", "ccp").await;
    for id in &ids {
        assert!(!reads(&app, &amy, id).await);
    }
    // Casey's app hands the cases to Amy's new key, as it does on unlock.
    let dir = app.directory().await;
    let token = team_login(&app, &casey.0, &casey.1).await;
    let (_, json) = app
        .get(&paths::api(route::TEAM_HANDOVERS), Some(&token))
        .await;
    let owed: Handovers = serde_json::from_value(json).unwrap();
    assert_eq!(owed.handovers.len(), 3);
    for item in &owed.handovers {
        let post = hand_over(&mut rand::rng(), casey.1.identity(), &dir, item).unwrap();
        let (status, json) = app
            .post(&paths::api(route::TEAM_HANDOVERS), &post, Some(&token))
            .await;
        assert_eq!(status, 201, "{json}");
    }
    for id in &ids {
        assert!(reads(&app, &amy, id).await);
    }
    app.shutdown().await;
}

async fn team(app: &TestApp, args: &[&str], files: &[(&str, &Path)]) -> Output {
    let mut cmd = tokio::process::Command::new(loket_team_bin());
    cmd.args(args);
    for (flag, path) in files {
        cmd.arg(flag).arg(path);
    }
    let out = cmd
        .env("LOKET_SERVER", app.url(""))
        .env("LOKET_ORG_KEY", test_org_key().encode())
        .output()
        .await
        .unwrap();
    eprintln!(
        "$ loket-team {args:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

async fn a_lost_key_of_a_role_of_one_is_recovered_with_two_of_three_shares(app: TestApp) {
    let work = tempfile::tempdir().unwrap();
    let shares_dir = work.path().join("shares");
    let made = team(&app, &["recovery-keygen"], &[("--out", &shares_dir)]).await;
    assert!(made.status.success());
    let stdout = String::from_utf8(made.stdout).unwrap();
    let public = stdout
        .lines()
        .find_map(|l| l.strip_prefix("public key:"))
        .unwrap()
        .trim();
    let recovery = MemberKeys::parse(public).unwrap();
    app.store
        .set_recovery_key(Some(&recovery.x25519))
        .await
        .unwrap();
    let share = |n: u8| shares_dir.join(format!("recovery-share-{n}-of-3.json"));
    for n in 1..=3 {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(share(n)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
    }

    // Vera is the only confidential adviser: her cases are sealed to the recovery key too.
    let vera = app.add_member("Vera", &["confidential-adviser"]).await;
    let ids = cases(&app, "confidential-adviser", &vera, 3).await;
    let vera = lose_key(&app, vera, "Vera (new key)", "confidential-adviser").await;
    for id in &ids {
        assert!(!reads(&app, &vera, id).await);
    }
    let key_file: PathBuf = work.path().join("vera.key");
    std::fs::write(&key_file, test_key_file(&vera.1, PASSPHRASE)).unwrap();
    let pass = work.path().join("pass");
    std::fs::write(&pass, format!("{PASSPHRASE}\n")).unwrap();
    let files = |shares: &[u8]| {
        let mut f: Vec<(&str, PathBuf)> = shares.iter().map(|n| ("--share", share(*n))).collect();
        f.push(("--key", key_file.clone()));
        f.push(("--passphrase-file", pass.clone()));
        f
    };

    // One share is not enough, and recovers nothing.
    let one = files(&[2]);
    let one: Vec<(&str, &Path)> = one.iter().map(|(f, p)| (*f, p.as_path())).collect();
    let refused = team(&app, &["recover"], &one).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs 2"));
    assert!(!reads(&app, &vera, &ids[0]).await);

    // Two of three give the key back; every case reaches Vera's new key.
    let two = files(&[1, 3]);
    let two: Vec<(&str, &Path)> = two.iter().map(|(f, p)| (*f, p.as_path())).collect();
    let done = team(&app, &["recover"], &two).await;
    assert!(done.status.success());
    assert!(String::from_utf8_lossy(&done.stdout).contains("3 cases handed"));
    for id in &ids {
        assert!(reads(&app, &vera, id).await);
    }
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    a_lost_key_is_recovered_by_a_colleague,
    a_lost_key_of_a_role_of_one_is_recovered_with_two_of_three_shares,
);
