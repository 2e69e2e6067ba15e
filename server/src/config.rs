//! The settings of a running server, grouped by concern, and the one place their defaults are
//! written down: the command-line flags of `loket serve` ([`ServeArgs`]) take their defaults
//! from the constants in [`defaults`], and so does [`ServeConfig::default`].

use std::fmt;

use loket_wire::HOUR;
use zeroize::Zeroizing;

use crate::clock::DAY;
use crate::notices::{NoticeError, Notifier};

/// Every default of the server, once. Units are in the names.
pub mod defaults {
    /// Largest accepted JSON body, bytes.
    pub const MAX_BODY: usize = 2 * 1024 * 1024;
    /// Seconds a client has to send its request headers.
    pub const HEADER_TIMEOUT_SECS: u64 = 10;
    /// Seconds a client has to send a whole request (a 256 KiB piece at 4.4 KB/s).
    pub const REQUEST_TIMEOUT_SECS: u64 = 60;
    /// Team session lifetime, seconds.
    pub const SESSION_TTL_SECS: i64 = 60 * 60;
    /// Login challenge lifetime, seconds.
    pub const CHALLENGE_TTL_SECS: i64 = 120;
    /// Proof-of-work difficulty, bits (0: off).
    pub const POW_BITS: u8 = 18;
    /// Global requests per minute above which the difficulty rises (0: never).
    pub const POW_RAISE_PER_MINUTE: i64 = 60;
    /// Most bits the difficulty rises above the base.
    pub const POW_MAX_EXTRA_BITS: u8 = 6;
    /// Seconds a proof-of-work challenge stays valid.
    pub const POW_TTL_SECS: i64 = 300;
    /// Global submissions per minute (0: no limit).
    pub const RATE_LIMIT: i64 = 600;
    /// Team logins per member per minute (per process), counted after the signature.
    pub const LOGINS_PER_MEMBER: i64 = 10;
    /// Code checks may be this many times the submission limit.
    pub const CHECKS_PER_SUBMIT: i64 = 10;
    /// Deadlines after arrival.
    pub const FIRST_RESPONSE_HOURS: i64 = 24;
    pub const ACKNOWLEDGEMENT_DAYS: i64 = 7;
    pub const FEEDBACK_DAYS: i64 = 91;
    /// Retention: two years after closing without a formal complaint, five years (with one
    /// leap day) after the decision on a formal complaint.
    pub const KEEP_NO_COMPLAINT_DAYS: i64 = 730;
    pub const KEEP_FORMAL_COMPLAINT_DAYS: i64 = 1826;
    /// Days the deletion journal keeps an entry (`store::journal`): a year of backups, and a
    /// month to spare.
    pub const JOURNAL_KEEP_DAYS: i64 = 400;
    /// Seconds between purge runs (0: only `loket purge`).
    pub const PURGE_INTERVAL_SECS: i64 = 3600;
    /// Largest attachment, MiB.
    pub const ATTACHMENT_MAX_MIB: u64 = 100;
    /// Size of one uploaded piece, bytes.
    pub const PIECE_SIZE: u64 = 256 * 1024;
    /// Most attachments per report.
    pub const ATTACHMENTS_PER_REPORT: i64 = 20;
    /// Bytes of attachments one report may have in all, MiB.
    pub const ATTACHMENT_REPORT_MIB: u64 = 250;
    /// Bytes of attachments the instance stores in all, MiB (20 GiB).
    pub const ATTACHMENT_TOTAL_MIB: u64 = 20 * 1024;
    /// Hours an unfinished upload is kept.
    pub const UPLOAD_TTL_HOURS: i64 = 24;
    /// Minutes between notice checks.
    pub const NOTIFY_EVERY_MINUTES: i64 = 60;
}

/// Settings of a running server.
#[derive(Clone, Debug, Default)]
pub struct ServeConfig {
    pub http: Http,
    pub sessions: Sessions,
    pub limits: Limits,
    pub deadlines: Deadlines,
    pub retention: Retention,
    pub attachments: Attachments,
    /// E-mail notices to the team (docs/notices.md); `None`, the default: off.
    pub notices: Option<Notifier>,
}

/// The HTTP edge.
#[derive(Clone, Debug)]
pub struct Http {
    /// Cap on every JSON route's own body limit, bytes (`http::ENVELOPE_BODY`, `SMALL_BODY`).
    pub max_body: usize,
    pub timeouts: Timeouts,
}

/// How long a client may take to send a request: a connection held open by a slow or stalled
/// client ends, so slow clients cannot tie up the server.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// To send the request line and headers (HTTP/1); then the connection is closed.
    pub headers: std::time::Duration,
    /// To send the whole request and have it handled; then `408 request_timeout`.
    pub request: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            headers: std::time::Duration::from_secs(defaults::HEADER_TIMEOUT_SECS),
            request: std::time::Duration::from_secs(defaults::REQUEST_TIMEOUT_SECS),
        }
    }
}

/// Team sessions.
#[derive(Clone, Debug)]
pub struct Sessions {
    /// Session lifetime, seconds.
    pub ttl: i64,
    /// Login challenge lifetime, seconds.
    pub challenge_ttl: i64,
}

/// Abuse limits: proof of work and global rates.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    pub pow: Pow,
    pub rates: Rates,
}

/// Proof of work.
#[derive(Clone, Debug)]
pub struct Pow {
    /// Base difficulty in bits; 0 switches proof of work off.
    pub bits: u8,
    /// The global requests per minute (of one purpose) above which the difficulty rises by
    /// one bit per doubling; 0: never raise.
    pub raise_per_minute: i64,
    pub max_extra_bits: u8,
    /// Seconds a challenge stays valid.
    pub ttl: i64,
}

/// Limits per minute (0: none): submissions and code checks globally, across all instances,
/// counting only requests with valid work; team logins per member, after the signature.
#[derive(Clone, Debug)]
pub struct Rates {
    pub submit_per_minute: i64,
    pub check_per_minute: i64,
    pub login_per_minute: i64,
}

/// Due times after arrival, seconds.
#[derive(Clone, Debug)]
pub struct Deadlines {
    pub first_response: i64,
    pub acknowledgement: i64,
    pub feedback: i64,
}

/// Retention after closing, seconds, and how often the purge job runs.
#[derive(Clone, Debug)]
pub struct Retention {
    /// Kept this long after closing without a formal complaint.
    pub keep_no_complaint: i64,
    /// Kept this long after the decision on a formal complaint.
    pub keep_formal_complaint: i64,
    /// Seconds between purge runs (0: only `loket purge`).
    pub purge_interval: i64,
}

/// Attachments.
#[derive(Clone, Debug)]
pub struct Attachments {
    /// Largest attachment, bytes.
    pub max: u64,
    /// Size of one uploaded piece, bytes.
    pub piece_size: u64,
    pub per_report: i64,
    /// Bytes of attachments one report may have in all.
    pub bytes_per_report: u64,
    /// Bytes of attachments the instance stores in all.
    pub bytes_total: u64,
    /// Seconds an unfinished upload is kept.
    pub upload_ttl: i64,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            max_body: defaults::MAX_BODY,
            timeouts: Timeouts::default(),
        }
    }
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            ttl: defaults::SESSION_TTL_SECS,
            challenge_ttl: defaults::CHALLENGE_TTL_SECS,
        }
    }
}

impl Default for Pow {
    fn default() -> Self {
        Self {
            bits: defaults::POW_BITS,
            raise_per_minute: defaults::POW_RAISE_PER_MINUTE,
            max_extra_bits: defaults::POW_MAX_EXTRA_BITS,
            ttl: defaults::POW_TTL_SECS,
        }
    }
}

impl Default for Rates {
    fn default() -> Self {
        Self::from_limit(defaults::RATE_LIMIT)
    }
}

impl Rates {
    /// The limits for `--rate-limit`: submissions at `limit`, code checks
    /// [`defaults::CHECKS_PER_SUBMIT`] times as many, logins per member at
    /// [`defaults::LOGINS_PER_MEMBER`] (0 with `limit` 0: no limits at all).
    pub fn from_limit(limit: i64) -> Self {
        Self {
            submit_per_minute: limit,
            check_per_minute: limit.saturating_mul(defaults::CHECKS_PER_SUBMIT),
            login_per_minute: if limit == 0 {
                0
            } else {
                defaults::LOGINS_PER_MEMBER
            },
        }
    }
}

impl Default for Deadlines {
    fn default() -> Self {
        Self::from_units(
            defaults::FIRST_RESPONSE_HOURS,
            defaults::ACKNOWLEDGEMENT_DAYS,
            defaults::FEEDBACK_DAYS,
        )
    }
}

impl Deadlines {
    fn from_units(
        first_response_hours: i64,
        acknowledgement_days: i64,
        feedback_days: i64,
    ) -> Self {
        Self {
            first_response: first_response_hours.saturating_mul(HOUR),
            acknowledgement: acknowledgement_days.saturating_mul(DAY),
            feedback: feedback_days.saturating_mul(DAY),
        }
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep_no_complaint: defaults::KEEP_NO_COMPLAINT_DAYS * DAY,
            keep_formal_complaint: defaults::KEEP_FORMAL_COMPLAINT_DAYS * DAY,
            purge_interval: defaults::PURGE_INTERVAL_SECS,
        }
    }
}

impl Default for Attachments {
    fn default() -> Self {
        Self {
            max: mib(defaults::ATTACHMENT_MAX_MIB),
            piece_size: defaults::PIECE_SIZE,
            per_report: defaults::ATTACHMENTS_PER_REPORT,
            bytes_per_report: mib(defaults::ATTACHMENT_REPORT_MIB),
            bytes_total: mib(defaults::ATTACHMENT_TOTAL_MIB),
            upload_ttl: defaults::UPLOAD_TTL_HOURS * HOUR,
        }
    }
}

fn mib(n: u64) -> u64 {
    n.saturating_mul(1024 * 1024)
}

/// Abuse limits, deadlines, retention and attachments (docs/operations.md): the flags of
/// `loket serve`, and of `loket purge`, which needs the same retention and upload settings.
#[derive(clap::Args, Clone, Debug)]
pub struct PolicyArgs {
    /// Proof-of-work difficulty in bits for submissions and code checks (0: off).
    #[arg(long, env = "LOKET_POW_BITS", default_value_t = defaults::POW_BITS)]
    pub pow_bits: u8,
    /// Global requests per minute of one kind above which the difficulty rises one bit per
    /// doubling (0: never).
    #[arg(long, env = "LOKET_POW_RAISE_PER_MINUTE", default_value_t = defaults::POW_RAISE_PER_MINUTE)]
    pub pow_raise_per_minute: i64,
    /// Global submissions per minute across all instances; code checks may be 10 times as
    /// many, team logins as many (0: no limit).
    #[arg(long, env = "LOKET_RATE_LIMIT", default_value_t = defaults::RATE_LIMIT)]
    pub rate_limit: i64,
    /// First response due after arrival, hours.
    #[arg(long, env = "LOKET_FIRST_RESPONSE_HOURS", default_value_t = defaults::FIRST_RESPONSE_HOURS)]
    pub first_response_hours: i64,
    /// Acknowledgement due after arrival, days.
    #[arg(long, env = "LOKET_ACKNOWLEDGEMENT_DAYS", default_value_t = defaults::ACKNOWLEDGEMENT_DAYS)]
    pub acknowledgement_days: i64,
    /// Feedback due after arrival, days.
    #[arg(long, env = "LOKET_FEEDBACK_DAYS", default_value_t = defaults::FEEDBACK_DAYS)]
    pub feedback_days: i64,
    /// Days a case closed without a formal complaint is kept after closing.
    #[arg(long, env = "LOKET_KEEP_NO_COMPLAINT_DAYS", default_value_t = defaults::KEEP_NO_COMPLAINT_DAYS)]
    pub keep_no_complaint_days: i64,
    /// Days a case with a formal complaint is kept after the decision.
    #[arg(long, env = "LOKET_KEEP_FORMAL_COMPLAINT_DAYS", default_value_t = defaults::KEEP_FORMAL_COMPLAINT_DAYS)]
    pub keep_formal_complaint_days: i64,
    /// Seconds between purge runs (0: only `loket purge`).
    #[arg(long, env = "LOKET_PURGE_INTERVAL", default_value_t = defaults::PURGE_INTERVAL_SECS)]
    pub purge_interval: i64,
    /// Largest attachment in MiB.
    #[arg(long, env = "LOKET_ATTACHMENT_MAX_MIB", default_value_t = defaults::ATTACHMENT_MAX_MIB)]
    pub attachment_max_mib: u64,
    /// Attachments of one report in all, MiB.
    #[arg(long, env = "LOKET_ATTACHMENT_REPORT_MIB", default_value_t = defaults::ATTACHMENT_REPORT_MIB)]
    pub attachment_report_mib: u64,
    /// Attachments of the whole instance in all, MiB.
    #[arg(long, env = "LOKET_ATTACHMENT_TOTAL_MIB", default_value_t = defaults::ATTACHMENT_TOTAL_MIB)]
    pub attachment_total_mib: u64,
}

/// A flag value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--pow-bits must be at most {}", loket_wire::pow::MAX_BITS)]
    PowBits,
    #[error("--notify-from and --notify-to need --smtp-url")]
    NoticesWithoutSmtp,
    #[error("--smtp-url needs --notify-from (the notices' sender address)")]
    NoSender,
    #[error("--{0} must not be negative")]
    Negative(&'static str),
    #[error("--{0} is too large")]
    TooLarge(&'static str),
    #[error(transparent)]
    Notices(#[from] NoticeError),
}

/// `value` (a count of `unit` seconds) in seconds: refused when negative, or so large that the
/// arithmetic with it (a Unix time plus it) could overflow: more than 1,000 years.
fn seconds(flag: &'static str, value: i64, unit: i64) -> Result<i64, ConfigError> {
    const MOST: i64 = 1000 * 366 * DAY;
    if value < 0 {
        return Err(ConfigError::Negative(flag));
    }
    value
        .checked_mul(unit)
        .filter(|s| *s <= MOST)
        .ok_or(ConfigError::TooLarge(flag))
}

/// A count of days from a flag, in seconds (refused when negative or absurdly large).
pub fn days(flag: &'static str, value: i64) -> Result<i64, ConfigError> {
    seconds(flag, value, DAY)
}

impl PolicyArgs {
    /// The configuration these flags give, on top of `config`'s other settings.
    pub fn apply(&self, config: ServeConfig) -> Result<ServeConfig, ConfigError> {
        if self.pow_bits > loket_wire::pow::MAX_BITS {
            return Err(ConfigError::PowBits);
        }
        for (flag, value) in [
            ("pow-raise-per-minute", self.pow_raise_per_minute),
            ("rate-limit", self.rate_limit),
        ] {
            if value < 0 {
                return Err(ConfigError::Negative(flag));
            }
        }
        let keep_no_complaint =
            seconds("keep-no-complaint-days", self.keep_no_complaint_days, DAY)?;
        let keep_formal_complaint = seconds(
            "keep-formal-complaint-days",
            self.keep_formal_complaint_days,
            DAY,
        )?;
        let purge_interval = seconds("purge-interval", self.purge_interval, 1)?;
        seconds("first-response-hours", self.first_response_hours, HOUR)?;
        seconds("acknowledgement-days", self.acknowledgement_days, DAY)?;
        seconds("feedback-days", self.feedback_days, DAY)?;
        Ok(ServeConfig {
            limits: Limits {
                pow: Pow {
                    bits: self.pow_bits,
                    raise_per_minute: self.pow_raise_per_minute,
                    ..config.limits.pow
                },
                rates: Rates::from_limit(self.rate_limit),
            },
            deadlines: Deadlines::from_units(
                self.first_response_hours,
                self.acknowledgement_days,
                self.feedback_days,
            ),
            retention: Retention {
                keep_no_complaint,
                keep_formal_complaint,
                purge_interval,
            },
            attachments: Attachments {
                max: mib(self.attachment_max_mib),
                bytes_per_report: mib(self.attachment_report_mib),
                bytes_total: mib(self.attachment_total_mib),
                ..config.attachments
            },
            ..config
        })
    }
}

/// A URL that may hold a password: never printed (`Debug` is redacted), wiped from memory when
/// dropped.
#[derive(Clone)]
pub struct SecretUrl(Zeroizing<String>);

impl SecretUrl {
    /// The URL itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretUrl {
    fn from(url: String) -> Self {
        Self(Zeroizing::new(url))
    }
}

impl std::str::FromStr for SecretUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(s.to_owned()))
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretUrl([redacted])")
    }
}

/// E-mail notices to the team (docs/notices.md): off unless `--smtp-url` is given.
#[derive(clap::Args, Clone, Debug)]
pub struct NoticeArgs {
    /// SMTP relay for e-mail notices to the team: smtp://[user:password@]host[:port], plain
    /// SMTP to a relay on this host or a trusted network, which does TLS onward (Loket links no
    /// TLS library). Not set: no notices (the default).
    #[arg(long, env = "LOKET_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretUrl>,
    /// Sender address of the notices.
    #[arg(long, env = "LOKET_NOTIFY_FROM", hide_env_values = true)]
    pub notify_from: Option<String>,
    /// Recipients of the notices, comma-separated.
    #[arg(
        long,
        env = "LOKET_NOTIFY_TO",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub notify_to: Vec<String>,
    /// Minutes between notice checks, aligned to the clock (60: on the hour). At most one
    /// notice per period, and only when a report or a reporter message arrived.
    #[arg(long, env = "LOKET_NOTIFY_EVERY", default_value_t = defaults::NOTIFY_EVERY_MINUTES)]
    pub notify_every: i64,
}

impl NoticeArgs {
    /// The notice sender, or `None` when no SMTP server is configured.
    pub fn notifier(&self) -> Result<Option<Notifier>, ConfigError> {
        let Some(url) = &self.smtp_url else {
            if self.notify_from.is_some() || !self.notify_to.is_empty() {
                return Err(ConfigError::NoticesWithoutSmtp);
            }
            return Ok(None);
        };
        let from = self.notify_from.as_deref().ok_or(ConfigError::NoSender)?;
        let notifier = Notifier::new(
            url.expose(),
            from,
            &self.notify_to,
            self.notify_every.saturating_mul(60),
        )?;
        Ok(Some(notifier))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        policy: PolicyArgs,
    }

    /// The flags' defaults and `ServeConfig::default` are the same numbers.
    #[test]
    fn flag_defaults_are_the_config_defaults() {
        let flags = Flags::try_parse_from(["loket"]).unwrap();
        let from_flags = flags.policy.apply(ServeConfig::default()).unwrap();
        assert_eq!(
            format!("{from_flags:?}"),
            format!("{:?}", ServeConfig::default())
        );
        assert_eq!(
            ServeConfig::default().retention.keep_formal_complaint,
            1826 * DAY
        );
    }

    /// Negative settings and settings whose arithmetic could overflow are refused.
    #[test]
    fn negative_or_huge_settings_are_refused() {
        let apply = |args: &[&str]| {
            let all = [&["loket"], args].concat();
            Flags::try_parse_from(all)
                .unwrap()
                .policy
                .apply(ServeConfig::default())
        };
        for flag in [
            "--keep-no-complaint-days=-1",
            "--keep-formal-complaint-days=-5",
            "--purge-interval=-1",
            "--rate-limit=-1",
            "--feedback-days=-1",
        ] {
            assert!(
                matches!(apply(&[flag]), Err(ConfigError::Negative(_))),
                "{flag}"
            );
        }
        let huge = format!("--keep-formal-complaint-days={}", i64::MAX / 2);
        assert!(matches!(apply(&[&huge]), Err(ConfigError::TooLarge(_))));
        let ok = apply(&["--keep-formal-complaint-days=366000"]).unwrap();
        assert_eq!(ok.retention.keep_formal_complaint, 366_000 * DAY);
    }

    #[test]
    fn smtp_url_is_redacted() {
        let url: SecretUrl = "smtp://user:hunter2@relay".parse().unwrap();
        assert!(!format!("{url:?}").contains("hunter2"));
        assert_eq!(url.expose(), "smtp://user:hunter2@relay");
    }
}
