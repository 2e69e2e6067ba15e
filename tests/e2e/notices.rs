//! E-mail notices to the team (issue 5, docs/notices.md). A small fake SMTP server in this file
//! captures what the server sends; the notice step is driven directly with an explicit `now`,
//! so no test waits for a period to pass. SQLite files and a fresh PostgreSQL database
//! (`$LOKET_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/test`) are real.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use loket_server::notices::{self, Outcome, SUBJECT, TEXT};
use loket_server::store::NewReport;
use loket_server::{Notifier, ServeConfig, Store};
use loket_wire::keys::MemberKeys;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One hour, the default period.
const HOUR: i64 = 3600;
/// Some time on 15 January 2027; its period (on the hour) starts at 08:00:00 UTC.
const T: i64 = 1_800_000_000;
const T_SLOT_DATE: &str = "Date: Fri, 15 Jan 2027 08:00:00 +0000";
const TEAM: [&str; 2] = ["ccp@example.org", "adviser@example.org"];

fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).unwrap();
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A mail as the fake SMTP server received it.
#[derive(Clone, Debug, Default)]
struct Mail {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A fake SMTP server on 127.0.0.1: 220, EHLO → 250, MAIL/RCPT → 250, DATA → 354,
/// "." → 250, QUIT → 221. With `refuse` set it answers MAIL FROM with 451.
struct FakeSmtp {
    url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
    connections: Arc<AtomicUsize>,
    refuse: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSmtp {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mails = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let refuse = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let (mails, connections, refuse) = (
                Arc::clone(&mails),
                Arc::clone(&connections),
                Arc::clone(&refuse),
            );
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (mails, refuse) = (Arc::clone(&mails), Arc::clone(&refuse));
                    tokio::spawn(async move {
                        let _ = session(stream, mails, refuse).await;
                    });
                }
            }
        });
        Self {
            url,
            mails,
            connections,
            refuse,
            task,
        }
    }

    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn notifier(&self) -> Notifier {
        let to: Vec<String> = TEAM.iter().map(|s| (*s).to_owned()).collect();
        Notifier::new(&self.url, "Loket <loket@example.org>", &to, HOUR).unwrap()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    mails: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 fake.test ESMTP\r\n").await?;
    let mut mail = Mail::default();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 fake.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            if refuse.load(Ordering::SeqCst) {
                b"451 4.3.0 try again later\r\n"
            } else {
                mail = Mail {
                    from: line["MAIL FROM:".len()..].trim().to_owned(),
                    ..Mail::default()
                };
                b"250 OK\r\n"
            }
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(line["RCPT TO:".len()..].trim().to_owned());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            writer.write_all(b"354 go ahead\r\n").await?;
            while let Some(data) = lines.next_line().await? {
                if data == "." {
                    break;
                }
                let data = data.strip_prefix('.').unwrap_or(&data);
                mail.data.push_str(data);
                mail.data.push('\n');
            }
            mails.lock().unwrap().push(std::mem::take(&mut mail));
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            writer.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        writer.write_all(reply).await?;
    }
    Ok(())
}

/// A store on a fresh SQLite file, a fake SMTP server and a notifier that sends to it.
async fn with_smtp() -> (tempfile::TempDir, Store, FakeSmtp, Notifier) {
    let (dir, store) = sqlite_store().await;
    let smtp = FakeSmtp::start().await;
    let notifier = smtp.notifier();
    (dir, store, smtp, notifier)
}

/// A fresh SQLite instance in a temporary directory, initialised with the default roles.
async fn sqlite_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&loket_server::sqlite_url(dir.path()).unwrap())
        .await
        .unwrap();
    store.init_organisation("Test University", 0).await.unwrap();
    (dir, store)
}

/// A report as the portal would send it: an envelope of 4.3 KB and more, random after the
/// magic bytes. Returns its id, its lookup hash and its envelope.
async fn report(store: &Store) -> (String, [u8; 32], Vec<u8>) {
    let mut envelope = b"LOKT\x01".to_vec();
    envelope.extend(random_bytes(4400));
    let lookup: [u8; 32] = random_bytes(32).try_into().unwrap();
    let id = store
        .insert_report(
            NewReport {
                lookup_hash: lookup.into(),
                roles: vec!["ccp".into()],
                excluded: Vec::new(),
                envelope: envelope.clone(),
                statistics: None,
            },
            T - T % HOUR,
            None,
        )
        .await
        .unwrap()
        .into_string();
    (id, lookup, envelope)
}

/// One notice step of `store` at `now` with `notifier`.
async fn step(store: &Store, notifier: &Notifier, now: i64) -> Outcome {
    notices::step(store, Some(notifier), now).await.unwrap()
}

fn message_envelope() -> Vec<u8> {
    let mut envelope = b"LOKT\x01".to_vec();
    envelope.extend(random_bytes(4400));
    envelope
}

/// The mail holds the fixed text and nothing of any report: no id, no lookup hash, no piece of
/// an envelope (raw or base64), no time finer than the period.
fn assert_generic(mail: &Mail, reports: &[(String, [u8; 32], Vec<u8>)]) {
    use base64::Engine as _;
    assert!(mail.data.contains(TEXT), "{}", mail.data);
    assert!(mail.data.contains(&format!("Subject: {SUBJECT}")));
    assert!(mail.data.contains(T_SLOT_DATE), "{}", mail.data);
    assert!(mail.data.contains("Auto-Submitted: auto-generated"));
    assert!(mail.data.contains("MIME-Version: 1.0"));
    assert!(mail.from.contains("loket@example.org"));
    let mut to = mail.to.clone();
    to.sort();
    assert_eq!(to, ["<adviser@example.org>", "<ccp@example.org>"]);
    // Headers plus one sentence: far too short for a 4.3 KB envelope.
    assert!(mail.data.len() < 1024, "{} bytes", mail.data.len());
    let raw = mail.data.as_bytes();
    for (id, lookup, envelope) in reports {
        assert!(!mail.data.contains(id.as_str()));
        assert!(!mail.data.contains(&hex(lookup)));
        for piece in envelope[5..].chunks(12) {
            assert!(!raw.windows(piece.len()).any(|w| w == piece));
            let b64 = base64::engine::general_purpose::STANDARD.encode(piece);
            assert!(!mail.data.contains(&b64));
        }
    }
    // The only figures in the text are those of the headers (the Date of the period's start,
    // the random Message-ID): the body is the fixed sentence alone.
    let body = mail.data.split("\n\n").nth(1).unwrap_or_default();
    assert_eq!(body.trim(), TEXT);
}

#[tokio::test]
async fn nothing_new_sends_nothing() {
    let (_dir, store, smtp, notifier) = with_smtp().await;
    for period in 0..3 {
        let outcome = step(&store, &notifier, T + period * HOUR).await;
        assert_eq!(outcome, Outcome::Nothing);
    }
    assert_eq!(smtp.connections(), 0, "no connection when nothing is new");
    assert!(smtp.mails().is_empty());
    store.close().await;
}

#[tokio::test]
async fn two_reports_give_one_generic_mail_per_period() {
    let (_dir, store, smtp, notifier) = with_smtp().await;
    let reports = vec![report(&store).await, report(&store).await];
    assert!(store.notice_state().await.unwrap().pending);

    // Whenever in the period the step runs, it is the period's notice, dated at its start.
    let outcome = step(&store, &notifier, T + 7).await;
    assert_eq!(outcome, Outcome::Sent);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "two reports, one mail");
    eprintln!(
        "The notice as the SMTP server received it:\n{}",
        mails[0].data
    );
    assert_generic(&mails[0], &reports);
    let state = store.notice_state().await.unwrap();
    assert!(!state.pending);
    assert_eq!(state.last_sent, T - T % HOUR);

    // The same period again (a second process, a repeated tick): nothing.
    let outcome = step(&store, &notifier, T + 60).await;
    assert_eq!(outcome, Outcome::Nothing);
    // A period later with nothing new: nothing.
    let outcome = step(&store, &notifier, T + HOUR).await;
    assert_eq!(outcome, Outcome::Nothing);
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(smtp.connections(), 1);

    // A team reply is not news for the team.
    let (id, _, _) = &reports[0];
    let keys = MemberKeys {
        x25519: random_bytes(32).try_into().unwrap(),
        ed25519: random_bytes(32).try_into().unwrap(),
    };
    let member = store
        .add_member("A. Adviser", &keys, &["ccp".into()], T)
        .await
        .unwrap();
    store
        .insert_message(&id.into(), Some(&member), message_envelope(), T, None)
        .await
        .unwrap();
    assert!(!store.notice_state().await.unwrap().pending);
    let outcome = step(&store, &notifier, T + 2 * HOUR).await;
    assert_eq!(outcome, Outcome::Nothing);

    // The reporter's answer is.
    store
        .insert_message(&id.into(), None, message_envelope(), T, None)
        .await
        .unwrap();
    assert!(store.notice_state().await.unwrap().pending);
    let outcome = step(&store, &notifier, T + 3 * HOUR + 1).await;
    assert_eq!(outcome, Outcome::Sent);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2);
    let body = |m: &Mail| m.data.split("\n\n").nth(1).unwrap_or_default().to_owned();
    assert_eq!(body(&mails[0]), body(&mails[1]), "the same text every time");
    store.close().await;
}

#[tokio::test]
async fn failed_send_is_retried_next_period() {
    let (_dir, store, smtp, notifier) = with_smtp().await;
    report(&store).await;
    smtp.refuse.store(true, Ordering::SeqCst);
    let outcome = step(&store, &notifier, T).await;
    assert_eq!(outcome, Outcome::Failed);
    assert!(store.notice_state().await.unwrap().pending, "still news");
    assert!(smtp.mails().is_empty());

    // The server works again; the failed period is not tried twice, the next one sends.
    smtp.refuse.store(false, Ordering::SeqCst);
    let outcome = step(&store, &notifier, T + 30).await;
    assert_eq!(outcome, Outcome::Nothing);
    let outcome = step(&store, &notifier, T + HOUR).await;
    assert_eq!(outcome, Outcome::Sent);
    assert_eq!(smtp.mails().len(), 1);
    assert!(!store.notice_state().await.unwrap().pending);
    store.close().await;
}

#[tokio::test]
async fn off_by_default() {
    assert!(ServeConfig::default().notices.is_none());
    let (_dir, store) = sqlite_store().await;
    let smtp = FakeSmtp::start().await;
    report(&store).await;
    let config = ServeConfig::default();
    for period in 0..3 {
        let outcome = notices::step(&store, config.notices.as_ref(), T + period * HOUR)
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Off);
    }
    // Not even the database row was claimed.
    let state = store.notice_state().await.unwrap();
    assert!(state.pending);
    assert_eq!(state.last_sent, 0);
    // A server with the default settings starts no notice task either.
    let app = loket_server::App::build(store.clone(), ServeConfig::default()).await;
    app.unwrap().jobs.start();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(smtp.connections(), 0);
    store.close().await;
}

#[test]
fn unusable_configuration_is_refused() {
    use loket_server::NoticeError;
    let team: Vec<String> = TEAM.iter().map(|s| (*s).to_owned()).collect();
    let ok = "smtp://loket:s3cret-pass@relay.example.org:587";
    assert!(matches!(
        Notifier::new("http://mail.example.org", "loket@example.org", &team, HOUR),
        Err(NoticeError::SmtpUrl)
    ));
    assert!(matches!(
        Notifier::new(ok, "not an address", &team, HOUR),
        Err(NoticeError::From)
    ));
    assert!(matches!(
        Notifier::new(ok, "loket@example.org", &[], HOUR),
        Err(NoticeError::NoRecipients)
    ));
    assert!(matches!(
        Notifier::new(
            ok,
            "loket@example.org",
            &["a@example.org".into(), "nope".into()],
            HOUR
        ),
        Err(NoticeError::To(2))
    ));
    assert!(matches!(
        Notifier::new(ok, "loket@example.org", &team, 30),
        Err(NoticeError::Period)
    ));
    // Not a whole number of hours: it would date arrivals finer than the hour.
    assert!(matches!(
        Notifier::new(ok, "loket@example.org", &team, 15 * 60),
        Err(NoticeError::Period)
    ));
    // Plain SMTP to a relay only: no TLS in the server (it links no cipher).
    for url in [
        "smtps://loket:s3cret-pass@mail.example.org",
        "smtp://mail.example.org:587?tls=required",
        "smtp://mail.example.org:99999",
        "smtp://",
    ] {
        assert!(matches!(
            Notifier::new(url, "loket@example.org", &team, HOUR),
            Err(NoticeError::SmtpUrl)
        ));
    }
    for url in [ok, "smtp://127.0.0.1:2525", "smtp://relay.internal"] {
        let notifier = Notifier::new(url, "loket@example.org", &team, 2 * HOUR).unwrap();
        assert_eq!(notifier.period(), 7200);
        assert_eq!(notifier.slot(T), T - T % 7200);
        // Neither the password nor an address shows in a Debug print.
        let shown = format!("{notifier:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("example.org"),
            "{shown}"
        );
    }
}

/// Two `loket serve` processes on one PostgreSQL database: each has its own `Store` (its own
/// pool and writer tasks), both run the notice step at the same moments; one mail per period.
#[tokio::test]
async fn postgres_two_instances_send_one_mail() {
    let (name, url) = loket_e2e::create_pg_database("loket_notice").await;

    // The body runs as its own task so the database is dropped even when it fails.
    let result = tokio::spawn(async move {
        let a = Store::connect(&url).await.unwrap();
        let b = Store::connect(&url).await.unwrap();
        a.init_organisation("Test University", 0).await.unwrap();
        let smtp = FakeSmtp::start().await;
        let (na, nb) = (smtp.notifier(), smtp.notifier());

        let step_both = |now_a: i64, now_b: i64| {
            let (a, b, na, nb) = (a.clone(), b.clone(), na.clone(), nb.clone());
            async move {
                let (x, y) = tokio::join!(
                    notices::step(&a, Some(&na), now_a),
                    notices::step(&b, Some(&nb), now_b)
                );
                let mut outcomes = [x.unwrap(), y.unwrap()];
                outcomes.sort_by_key(|o| *o == Outcome::Sent);
                outcomes
            }
        };

        // Nothing new: neither sends.
        assert_eq!(step_both(T, T).await, [Outcome::Nothing, Outcome::Nothing]);
        // One report through each instance; both check at the period's start: one mail.
        let reports = vec![report(&a).await, report(&b).await];
        assert_eq!(step_both(T, T + 1).await, [Outcome::Nothing, Outcome::Sent]);
        assert_eq!(smtp.mails().len(), 1);
        assert_generic(&smtp.mails()[0], &reports);
        // The next period, nothing new: no mail.
        assert_eq!(
            step_both(T + HOUR, T + HOUR).await,
            [Outcome::Nothing, Outcome::Nothing]
        );
        // A reporter message through b: the next period, one mail again, from either.
        b.insert_message(&(&reports[0].0).into(), None, message_envelope(), T, None)
            .await
            .unwrap();
        assert_eq!(
            step_both(T + 2 * HOUR, T + 2 * HOUR).await,
            [Outcome::Nothing, Outcome::Sent]
        );
        assert_eq!(smtp.mails().len(), 2);
        assert_eq!(smtp.connections(), 2);
        a.close().await;
        b.close().await;
    })
    .await;

    loket_e2e::drop_pg_database(&name).await.unwrap();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
