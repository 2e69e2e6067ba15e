//! Optional e-mail notices to the team (off unless an SMTP server is configured; see
//! docs/notices.md). A notice says only that something new arrived — a report or a reporter's
//! message — with one fixed text. It goes out on a fixed schedule aligned to the clock (every
//! `period` seconds since the Unix epoch, by default on the hour), never because something
//! arrived, so its time says nothing about when a particular report came in; and at most one
//! notice per period, across all instances that share a database.
//!
//! The write batch that stores a report or a reporter message marks `notice_state.pending`
//! in its own transaction; at each period's start, [`step`] claims the row atomically
//! (clearing `pending`) and sends. A failed send sets `pending` again: the next period retries.

use std::fmt;
use std::time::{Duration, SystemTime};

use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::{Store, StoreError};

/// The subject of every notice.
pub const SUBJECT: &str = "Loket: new activity";
/// The whole text of every notice: no count, no role, no id, no time.
pub const TEXT: &str = "There is new activity in Loket. Log in to read it.";
/// Shortest and longest notice period, seconds (one hour, one week). The period is a whole
/// number of hours: the notice state stores when a period started, and a notice says that
/// something arrived in it, so neither may date a report finer than the hour.
pub const MIN_PERIOD: i64 = 3600;
pub const MAX_PERIOD: i64 = 7 * 24 * 3600;
/// How long one delivery attempt may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A notice configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// The SMTP URL is not `smtp://[user:password@]host[:port]`. The URL itself is not
    /// repeated: it may hold a password.
    #[error(
        "the SMTP URL is not usable: give smtp://[user:password@]host[:port] of a relay (Loket speaks plain SMTP; the relay does TLS onward)"
    )]
    SmtpUrl,
    #[error("the sender address (--notify-from) is not an e-mail address")]
    From,
    #[error("recipient number {0} of --notify-to is not an e-mail address")]
    To(usize),
    #[error("notices need at least one recipient (--notify-to)")]
    NoRecipients,
    #[error("the notice period must be a whole number of hours, {} to {} minutes", MIN_PERIOD / 60, MAX_PERIOD / 60)]
    Period,
}

/// A ready notice sender: SMTP transport, sender, recipients, period. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    period: i64,
}

impl fmt::Debug for Notifier {
    // Neither the SMTP URL (credentials) nor the addresses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("period", &self.period)
            .field("recipients", &self.to.len())
            .finish_non_exhaustive()
    }
}

/// The SMTP transport for `smtp://[user:password@]host[:port]` (port 25 by default).
///
/// Plain SMTP only, on purpose: TLS would link a TLS library with its own ciphers into the
/// server, which links no decryption code (docs/design.md). Send through a relay on the same host or a
/// trusted internal network (for example Postfix), which does TLS onward.
fn relay(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, NoticeError> {
    let rest = url
        .trim()
        .strip_prefix("smtp://")
        .ok_or(NoticeError::SmtpUrl)?;
    let (login, address) = match rest.rsplit_once('@') {
        Some((login, address)) => (Some(login), address),
        None => (None, rest),
    };
    if address.contains(['/', '?', '#', '[']) {
        return Err(NoticeError::SmtpUrl);
    }
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| NoticeError::SmtpUrl)?),
        None => (address, 25),
    };
    if host.is_empty() {
        return Err(NoticeError::SmtpUrl);
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(SMTP_TIMEOUT));
    if let Some(login) = login {
        let (user, password) = login.split_once(':').ok_or(NoticeError::SmtpUrl)?;
        builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
    }
    Ok(builder.build())
}

/// What one [`step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Notices are not configured: nothing was looked at or attempted.
    Off,
    /// Nothing new, or another instance (or an earlier step) already took this period.
    Nothing,
    /// This step sent the period's notice.
    Sent,
    /// Sending failed; the news is pending again for the next period.
    Failed,
}

impl Notifier {
    /// Checks the configuration and prepares the SMTP transport (no connection yet).
    /// `period` is in seconds.
    pub fn new(
        smtp_url: &str,
        from: &str,
        to: &[String],
        period: i64,
    ) -> Result<Self, NoticeError> {
        if !(MIN_PERIOD..=MAX_PERIOD).contains(&period) || period % 3600 != 0 {
            return Err(NoticeError::Period);
        }
        let transport = relay(smtp_url)?;
        let from: Mailbox = from.trim().parse().map_err(|_| NoticeError::From)?;
        let to = to
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .enumerate()
            .map(|(i, a)| a.parse::<Mailbox>().map_err(|_| NoticeError::To(i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        if to.is_empty() {
            return Err(NoticeError::NoRecipients);
        }
        Ok(Self {
            transport,
            from,
            to,
            period,
        })
    }

    /// The period in seconds.
    pub fn period(&self) -> i64 {
        self.period
    }

    /// The start of the period that contains `now` (a multiple of the period).
    pub fn slot(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.period)
    }

    /// The notice of the period starting at `slot`: fixed subject and text, dated at the
    /// period's start, a random Message-ID.
    fn message(&self, slot: i64) -> Option<Message> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).ok()?;
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(slot).ok()?);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(SUBJECT)
            .date(date)
            .message_id(Some(format!("<{id}@{}>", self.from.email.domain())))
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            // RFC 3834: no vacation replies to a robot.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        builder.body(format!("{TEXT}\r\n")).ok()
    }
}

/// One notice step at `now` (Unix seconds): if notices are configured, something new arrived
/// and nobody took the current period yet, claim the period and send the notice. The server
/// calls this once at the start of every period (`jobs::notices`); tests call it with their own `now`.
/// A database error is returned; a failed send is logged and gives [`Outcome::Failed`].
pub async fn step(
    store: &Store,
    notifier: Option<&Notifier>,
    now: i64,
) -> Result<Outcome, StoreError> {
    let Some(notifier) = notifier else {
        return Ok(Outcome::Off);
    };
    let slot = notifier.slot(now);
    if !store.claim_notice(slot, notifier.period).await? {
        return Ok(Outcome::Nothing);
    }
    let Some(message) = notifier.message(slot) else {
        tracing::warn!("could not build the e-mail notice; it is retried next period");
        store.restore_notice().await?;
        return Ok(Outcome::Failed);
    };
    match notifier.transport.send(message).await {
        Ok(_) => {
            tracing::info!(
                recipients = notifier.to.len(),
                "sent the e-mail notice of new activity"
            );
            Ok(Outcome::Sent)
        }
        Err(e) => {
            // The server's answer may name a team member's address: only at DEBUG.
            tracing::warn!(
                permanent = e.is_permanent(),
                transient = e.is_transient(),
                timeout = e.is_timeout(),
                "sending the e-mail notice failed; it is retried next period"
            );
            tracing::debug!(error = %e, "e-mail notice failure");
            store.restore_notice().await?;
            Ok(Outcome::Failed)
        }
    }
}
