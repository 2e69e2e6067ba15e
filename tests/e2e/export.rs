//! `loket-team export` (issue 13, "Offline export"): the real binary signs in to a server as a
//! member, exports every case that member can read, and what it wrote is compared, field by
//! field and byte by byte, with what was submitted: the report with its intake, the thread
//! with authors and hours, the attachments, the case record and its versions, a registered
//! contact. A case of another role is not exported; a message that does not verify is listed
//! as such; nothing decrypted is printed; the files are the member's alone; an export never
//! writes into a folder that holds something.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Output;

use loket_client::case::{CaseReaders, ContactCase, keep, seal_case_record, seal_contact};
use loket_client::{OpenedReport, Submission};
use loket_crypto::MemberSecretKey;
use loket_e2e::process::loket_team_bin;
use loket_e2e::*;
use loket_wire::B64;
use loket_wire::api::{
    AttachmentUpload, Directory, NewAttachment, PostCase, RegisterContact, Registered,
    SubmitReport, TeamReport,
};
use loket_wire::content::{
    About, AttachmentRef, CaseRecord, CaseState, CaseStatus, Channel, Handling, Intake, Nature,
    Purpose, Relation, Stage, When,
};
use loket_wire::paths::{self, route};
use serde_json::Value;
use sqlx::Connection;

/// The report's text: Markdown and HTML that must stay inert in case.md, and a fence.
const REPORT_TEXT: &str = "My supervisor shouts at me in meetings.\n\n\
    <img src=\"https://example.org/track.png\"> **not bold** [a link](https://example.org)\n\
    ```\nnot the end of the block\n```";
const REPLY_TEXT: &str = "Thank you. We read your report and will call you this week.";
const ANSWER_TEXT: &str = "Here is the e-mail he sent afterwards.";
const LATER_TEXT: &str = "It happened again on Tuesday.";
const SECOND_TEXT: &str = "Two scans of the same letter.";
const OTHER_ROLE_TEXT: &str = "Only for the ombudsperson.";
const CONTACT_TEXT: &str = "Called about a conflict with a colleague; wants advice first.";
const NOTES: &str = "Spoke with the reporter by phone; follow-up on Friday.";

fn intake() -> Intake {
    Intake {
        what: vec![Nature::Bullying, Nature::Intimidation],
        about: Some(About::Myself),
        relation: Some(Relation::Supervisor),
        person: Some("Prof. <b>Example</b>".into()),
        when: Some(When::Ongoing),
        purpose: Some(Purpose::Advice),
    }
}

/// A submitted report: its reporter, id, and the report as the reporter opens it.
struct Sent {
    reporter: Reporter,
    report_id: String,
    opened: OpenedReport,
}

async fn submit(app: &TestApp, dir: &Directory, roles: &[&str], submission: Submission) -> Sent {
    let reporter = Reporter::new(dir, roles);
    let submission = Submission {
        roles: reporter.roles.clone(),
        ..submission
    };
    let envelope =
        loket_client::seal_submission(&mut rand::rng(), dir, &reporter.keys, &submission).unwrap();
    let body = SubmitReport {
        lookup_token: reporter.token(),
        roles: submission.roles.clone(),
        envelope: envelope.clone(),
        pow: None,
        excluded: Vec::new(),
        statistics: None,
    };
    let (status, json) = app.submit(&body).await;
    assert_eq!(status, 201, "{json}");
    let opened = open_report(&reporter.keys.identity, &envelope).unwrap();
    Sent {
        reporter,
        report_id: json["report_id"].as_str().unwrap().to_owned(),
        opened,
    }
}

/// The reporter seals `file` as `name`, uploads it in pieces and announces it in a signed
/// answer saying `text`.
async fn attach(app: &TestApp, dir: &Directory, sent: &Sent, name: &str, file: &[u8], text: &str) {
    let sealed = loket_client::seal_attachment(&mut rand::rng(), dir, &sent.opened, file).unwrap();
    let start = NewAttachment {
        lookup_token: sent.reporter.token(),
        size: sealed.ciphertext.len() as u64,
        pow: None,
    };
    let (status, json) = app
        .post(&paths::api(route::THREAD_ATTACHMENTS), &start, None)
        .await;
    assert_eq!(status, 201, "{json}");
    let up: AttachmentUpload = serde_json::from_value(json).unwrap();
    for (i, piece) in sealed.ciphertext.chunks(up.piece_size as usize).enumerate() {
        let path = paths::fill(route::UPLOAD_PIECE, &[&up.upload_key, &i.to_string()]);
        let res = app
            .http
            .put(app.url(&path))
            .header("content-type", "application/octet-stream")
            .body(piece.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    let reference = AttachmentRef {
        attachment_id: up.attachment_id,
        name: name.into(),
        media_type: "application/octet-stream".into(),
        size: file.len() as u64,
        sha256: B64(sealed.sha256.to_vec()),
    };
    let envelope = loket_client::seal_reporter_attachment_message(
        &mut rand::rng(),
        dir,
        &sent.opened,
        &sent.report_id,
        &sent.reporter.keys,
        text,
        reference,
    )
    .unwrap();
    let (status, json) = app.answer(sent.reporter.token(), envelope).await;
    assert_eq!(status, 201, "{json}");
}

/// A file of `len` bytes that is not all alike.
fn file(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn save_record(
    app: &TestApp,
    dir: &Directory,
    token: &str,
    report_id: &str,
    readers: &CaseReaders,
    member: &MemberSecretKey,
    record: &CaseRecord,
) {
    let envelope =
        seal_case_record(&mut rand::rng(), dir, readers, report_id, member, record).unwrap();
    let body = PostCase {
        envelope,
        keep: keep(record),
    };
    let path = paths::fill(route::TEAM_REPORT_CASE, &[report_id]);
    let (status, json) = app.post(&path, &body, Some(token)).await;
    assert_eq!(status, 201, "{json}");
}

fn ccp_readers() -> CaseReaders {
    CaseReaders {
        roles: vec!["ccp".into()],
        ..CaseReaders::default()
    }
}

/// Runs `loket-team export` for `key` into `out` with `extra` arguments; its output.
async fn export(app: &TestApp, key: &MemberSecretKey, out: &Path, extra: &[&str]) -> Output {
    let work = tempfile::tempdir().unwrap();
    let key_file = work.path().join("member.key");
    std::fs::write(&key_file, test_key_file(key, "a passphrase for the test")).unwrap();
    let pass = work.path().join("pass");
    std::fs::write(&pass, "a passphrase for the test\n").unwrap();
    let out = tokio::process::Command::new(loket_team_bin())
        .arg("export")
        .arg("--key")
        .arg(&key_file)
        .arg("--out")
        .arg(out)
        .args(
            // The test's server, unless the test exports from a backup.
            (!extra.contains(&"--from-backup"))
                .then(|| ["--server".to_owned(), app.url("")])
                .into_iter()
                .flatten(),
        )
        .args(
            // The test organisation's key, unless the test gives another.
            (!extra.contains(&"--org-key"))
                .then(|| ["--org-key".to_owned(), test_org_key().encode()])
                .into_iter()
                .flatten(),
        )
        .arg("--passphrase-file")
        .arg(&pass)
        .args(extra)
        .env_remove("LOKET_SERVER")
        .env_remove("LOKET_ORG_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    eprintln!(
        "$ loket-team export\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and folder under `dir` (itself included) is the member's alone.
#[cfg(unix)]
fn assert_private(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_private(&path);
        } else {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}

/// The test's own view of a case, with a session of its own.
async fn fetched(app: &TestApp, token: &str, report_id: &str) -> TeamReport {
    let (status, json) = app.team_report(token, report_id).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Each exported message has the id, author and hour the server keeps, and the text that
/// was sealed.
fn assert_messages(exported: &Value, fetched: &TeamReport, texts: &[(&str, Option<&str>)]) {
    let messages = exported["messages"].as_array().unwrap();
    assert_eq!(messages.len(), fetched.messages.len());
    assert_eq!(messages.len(), texts.len());
    for ((m, f), (author, text)) in messages.iter().zip(&fetched.messages).zip(texts) {
        assert_eq!(m["id"], f.id);
        assert_eq!(m["created"], f.created);
        match &f.author {
            loket_wire::api::Author::Reporter => assert_eq!(m["author"]["kind"], "reporter"),
            loket_wire::api::Author::Member { member_id } => {
                assert_eq!(m["author"]["member_id"], member_id.as_str());
            }
        }
        assert_eq!(m["author"]["name"].as_str().unwrap_or("Reporter"), *author);
        assert_eq!(m["text"].as_str(), *text);
        assert_eq!(m["verified"], text.is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_what_was_submitted() {
    let app = TestApp::sqlite().await;
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (robin, robin_key) = app.add_member("Robin", &["ccp"]).await;
    let (_olivia, olivia_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let token = team_login(&app, &casey, &casey_key).await;

    // Report A: text and intake, a reply sharing a state, an attachment, an answer, a message
    // that does not verify, two versions of the case record.
    let a = submit(
        &app,
        &dir,
        &["ccp"],
        Submission {
            text: REPORT_TEXT.into(),
            intake: Some(intake()),
            ..Submission::default()
        },
    )
    .await;
    let reply = loket_client::seal_team_status(
        &mut rand::rng(),
        &dir,
        &a.opened,
        &a.report_id,
        &casey_key,
        REPLY_TEXT,
        Some(CaseState::InProgress),
    )
    .unwrap();
    assert_eq!(app.reply(&token, &a.report_id, reply).await.0, 201);
    let mail = file(300 * 1024 + 17, 7);
    attach(&app, &dir, &a, "mail from him.eml", &mail, ANSWER_TEXT).await;
    let later = a
        .reporter
        .seal_answer(&dir, &a.opened, &a.report_id, LATER_TEXT);
    assert_eq!(app.answer(a.reporter.token(), later).await.0, 201);
    // Signed by a member, but as a case record (context `case/`), not a thread message.
    let not_a_message = seal_case_record(
        &mut rand::rng(),
        &dir,
        &ccp_readers(),
        &a.report_id,
        &robin_key,
        &CaseRecord::first(Vec::new(), 0),
    )
    .unwrap();
    let robin_token = team_login(&app, &robin, &robin_key).await;
    assert_eq!(
        app.reply(&robin_token, &a.report_id, not_a_message).await.0,
        201
    );
    let mut record = CaseRecord::first(vec![Nature::Bullying], loket_server::clock::now());
    save_record(
        &app,
        &dir,
        &token,
        &a.report_id,
        &ccp_readers(),
        &casey_key,
        &record,
    )
    .await;
    record.version = 2;
    record.status = CaseStatus::InProgress;
    record.stage = Stage::Informal;
    record.handling = vec![Handling::Advice, Handling::Guidance];
    record.conversations = 2;
    record.notes = NOTES.into();
    save_record(
        &app,
        &dir,
        &robin_token,
        &a.report_id,
        &ccp_readers(),
        &robin_key,
        &record,
    )
    .await;

    // Report B: text alone and two files of the same name.
    let b = submit(
        &app,
        &dir,
        &["ccp"],
        Submission {
            text: SECOND_TEXT.into(),
            ..Submission::default()
        },
    )
    .await;
    let scans = [file(1000, 1), file(70 * 1024, 2)];
    for scan in &scans {
        attach(&app, &dir, &b, "scan.pdf", scan, "").await;
    }

    // Report C, for another role only; a contact Casey registers.
    let c = submit(
        &app,
        &dir,
        &["ombudsperson"],
        Submission {
            text: OTHER_ROLE_TEXT.into(),
            ..Submission::default()
        },
    )
    .await;
    let contact = ContactCase {
        roles: vec!["ccp".into()],
        channel: Channel::Phone,
        signal: false,
        on: Some("2026-11-30".into()),
        text: CONTACT_TEXT.into(),
        intake: None,
    };
    let envelope = seal_contact(&mut rand::rng(), &dir, &casey_key, &contact).unwrap();
    let body = RegisterContact {
        roles: vec!["ccp".into()],
        envelope,
    };
    let (status, json) = app
        .post(&paths::api(route::TEAM_CASES), &body, Some(&token))
        .await;
    assert_eq!(status, 201, "{json}");
    let registered: Registered = serde_json::from_value(json).unwrap();

    // Casey exports.
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("export");
    let ran = export(&app, &casey_key, &out, &[]).await;
    assert!(ran.status.success());
    let said = [ran.stdout.as_slice(), ran.stderr.as_slice()].concat();
    assert!(String::from_utf8_lossy(&said).contains("exported 3 cases and 3 attachments"));
    for secret in [
        REPORT_TEXT,
        REPLY_TEXT,
        ANSWER_TEXT,
        LATER_TEXT,
        SECOND_TEXT,
        CONTACT_TEXT,
        NOTES,
        "Prof.",
        "mail from him",
        "scan.pdf",
    ] {
        assert!(!contains(&said, secret.as_bytes()), "printed: {secret}");
    }
    #[cfg(unix)]
    assert_private(&out);

    // The index: the three cases Casey reads, not the ombudsperson's; one problem.
    let index = read_json(out.join("index.json"));
    assert_eq!(index["format"], loket_team::export::FORMAT);
    assert_eq!(index["member_id"], casey.as_str());
    let mut ids: Vec<&str> = index["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["report_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![
        a.report_id.as_str(),
        b.report_id.as_str(),
        registered.report_id.as_str(),
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert!(!out.join(&c.report_id).exists());
    let problems = index["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .contains("did not open or verify")
    );
    assert!(
        std::fs::read_to_string(out.join("index.md"))
            .unwrap()
            .contains(&a.report_id)
    );
    assert!(out.join("directory.json").exists());

    // Report A, field by field.
    let case_a = read_json(out.join(&a.report_id).join("case.json"));
    let fetched_a = fetched(&app, &token, &a.report_id).await;
    assert_eq!(case_a["kind"], "report");
    assert_eq!(case_a["received"], fetched_a.received);
    assert_eq!(case_a["roles"], serde_json::json!(["ccp"]));
    assert_eq!(case_a["report"]["text"], REPORT_TEXT);
    let exported_intake: Intake =
        serde_json::from_value(case_a["report"]["intake"].clone()).unwrap();
    assert!(exported_intake == intake());
    assert_eq!(case_a["report"]["roles"], serde_json::json!(["ccp"]));
    assert_messages(
        &case_a,
        &fetched_a,
        &[
            ("Casey", Some(REPLY_TEXT)),
            ("Reporter", Some(ANSWER_TEXT)),
            ("Reporter", Some(LATER_TEXT)),
            ("Robin", None),
        ],
    );
    assert_eq!(case_a["messages"][0]["status"], "in_progress");
    assert_eq!(case_a["problems"].as_array().unwrap().len(), 1);
    let attachment = &case_a["attachments"][0];
    assert_eq!(attachment["name"], "mail from him.eml");
    assert_eq!(attachment["size"], mail.len());
    assert_eq!(attachment["message_id"], case_a["messages"][1]["id"]);
    assert_eq!(attachment["file"], "attachments/mail from him.eml");
    assert_eq!(
        std::fs::read(out.join(&a.report_id).join("attachments/mail from him.eml")).unwrap(),
        mail
    );
    let latest: CaseRecord =
        serde_json::from_value(case_a["case_record"]["record"].clone()).unwrap();
    assert!(latest == record);
    assert_eq!(case_a["case_record"]["author"]["name"], "Robin");
    assert_eq!(case_a["case_record"]["id"], fetched_a.cases[1].id.as_str());
    let versions = case_a["case_versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.iter().all(|v| v["verified"] == true));
    assert_eq!(versions[0]["record"]["version"], 1);
    assert_eq!(versions[0]["author"]["member_id"], casey.as_str());
    // What people read: the texts as they were written, inert; the intake and the record in
    // words.
    let md = std::fs::read_to_string(out.join(&a.report_id).join("case.md")).unwrap();
    for text in [REPORT_TEXT, REPLY_TEXT, ANSWER_TEXT, LATER_TEXT, NOTES] {
        assert!(md.contains(text), "case.md lacks {text:?}:\n{md}");
    }
    assert!(
        md.contains("````text\n"),
        "a fence longer than the report's"
    );
    assert!(md.contains("**Bullying, Intimidation**"));
    assert!(md.contains("Prof. \\<b\\>Example\\</b\\>"), "escaped: {md}");
    assert!(md.contains("- Attachment: mail from him.eml"));
    assert!(md.contains("Version 2, by Robin"));
    assert!(md.contains("did not open or verify"));

    // Report B: both files, under names that do not collide.
    let case_b = read_json(out.join(&b.report_id).join("case.json"));
    assert_eq!(case_b["report"]["text"], SECOND_TEXT);
    assert!(case_b["report"]["intake"].is_null());
    assert!(case_b["case_record"].is_null());
    let files: Vec<&str> = case_b["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["attachments/scan.pdf", "attachments/scan (2).pdf"]);
    for (file, scan) in files.iter().zip(&scans) {
        assert_eq!(
            &std::fs::read(out.join(&b.report_id).join(file)).unwrap(),
            scan
        );
    }

    // The registered contact.
    let case_c = read_json(out.join(&registered.report_id).join("case.json"));
    assert_eq!(case_c["kind"], "contact");
    assert_eq!(case_c["contact"]["text"], CONTACT_TEXT);
    assert_eq!(case_c["contact"]["channel"], "phone");
    assert_eq!(case_c["contact"]["on"], "2026-11-30");
    assert_eq!(
        case_c["contact"]["registered_by"]["member_id"],
        casey.as_str()
    );

    // Only a directory the organisation signed: another key's export stops before signing in,
    // and says so.
    let elsewhere = loket_server::OrganisationSigner::from_seed(&[9; 32]).public();
    let refused = export(
        &app,
        &casey_key,
        &root.path().join("unsigned"),
        &["--org-key", &elsewhere.encode()],
    )
    .await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not signed by this organisation"));

    // Never into a folder that holds something.
    let again = export(&app, &casey_key, &out, &[]).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // In Dutch, with the portal's words.
    let dutch = root.path().join("nl");
    assert!(
        export(&app, &casey_key, &dutch, &["--lang", "nl"])
            .await
            .status
            .success()
    );
    let md = std::fs::read_to_string(dutch.join(&a.report_id).join("case.md")).unwrap();
    assert!(md.contains("Pesten") && md.contains("## Gesprek"), "{md}");

    // From a backup (`VACUUM INTO`, as `loket backup` makes one of SQLite): the same cases,
    // the same contents, the same files; the backup is not changed.
    let backup = root.path().join("loket-backup.db");
    let mut db = sqlx::SqliteConnection::connect(&app.database_url())
        .await
        .unwrap();
    sqlx::query(&format!("VACUUM INTO '{}'", backup.display()))
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    let before = std::fs::read(&backup).unwrap();
    let restored = root.path().join("from-backup");
    let from_backup = export(
        &app,
        &casey_key,
        &restored,
        &["--from-backup", backup.to_str().unwrap()],
    )
    .await;
    assert!(from_backup.status.success());
    assert_eq!(std::fs::read(&backup).unwrap(), before);
    let index = read_json(restored.join("index.json"));
    assert_eq!(index["cases"].as_array().unwrap().len(), 3);
    assert!(index["source"].as_str().unwrap().starts_with("backup "));
    for id in [&a.report_id, &b.report_id, &registered.report_id] {
        let live = read_json(out.join(id).join("case.json"));
        let kept = read_json(restored.join(id).join("case.json"));
        for field in [
            "report",
            "contact",
            "messages",
            "attachments",
            "case_record",
            "case_versions",
            "problems",
            "received",
            "roles",
        ] {
            assert_eq!(live[field], kept[field], "{id}: {field}");
        }
    }
    assert_eq!(
        std::fs::read(
            restored
                .join(&a.report_id)
                .join("attachments/mail from him.eml")
        )
        .unwrap(),
        mail
    );

    // The ombudsperson's export holds their case alone.
    let theirs = root.path().join("olivia");
    assert!(
        export(&app, &olivia_key, &theirs, &[])
            .await
            .status
            .success()
    );
    let index = read_json(theirs.join("index.json"));
    let cases = index["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["report_id"], c.report_id.as_str());
    let case = read_json(theirs.join(&c.report_id).join("case.json"));
    assert_eq!(case["report"]["text"], OTHER_ROLE_TEXT);
    app.shutdown().await;
}
