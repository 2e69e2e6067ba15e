//! Every text the two apps show, one table per language. `Texts` holds what both apps and
//! the reporter's app say; `TeamTexts` what only the team's app says, so the reporter's
//! bundle carries none of it. Each language is one `const` of each struct: a language with a
//! missing text does not compile. The language is chosen in the browser (from
//! `navigator.languages`, then the switch on every page) and is never sent or stored.

mod case;
mod en;
mod intake;
mod nl;
mod share;
mod stats;

use loket_client::ClientError;
use loket_crypto::{CodeError, KeyFileError};
use loket_wire::ErrorCode;

pub use case::{CaseTexts, EN_CASE, NL_CASE};
pub use en::{EN, EN_TEAM};
pub use intake::{EN_INTAKE, IntakeTexts, NL_INTAKE};
pub use nl::{NL, NL_TEAM};
pub use share::{EN_SHARE, NL_SHARE, ShareTexts};
pub use stats::{EN_STATS, NL_STATS, StatsTexts};

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The BCP 47 tag, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The language of a [`code`](Self::code), exactly.
    pub fn from_code(code: &str) -> Option<Lang> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Nl => &NL,
        }
    }

    /// The reporter's intake and what comes before and after sending.
    pub fn intake(self) -> &'static IntakeTexts {
        match self {
            Self::En => &EN_INTAKE,
            Self::Nl => &NL_INTAKE,
        }
    }

    pub fn case(self) -> &'static CaseTexts {
        match self {
            Self::En => &EN_CASE,
            Self::Nl => &NL_CASE,
        }
    }

    /// The statistics view and the printable annual report (team's app).
    pub fn stats(self) -> &'static StatsTexts {
        match self {
            Self::En => &EN_STATS,
            Self::Nl => &NL_STATS,
        }
    }

    /// Referral with consent, in both apps.
    pub fn share(self) -> &'static ShareTexts {
        match self {
            Self::En => &EN_SHARE,
            Self::Nl => &NL_SHARE,
        }
    }

    /// A role's name and description in this language (the directory's Dutch texts when it
    /// has them).
    pub fn role_text(self, role: &loket_wire::api::Role) -> (String, String) {
        match (self, &role.nl) {
            (Self::Nl, Some(nl)) => (nl.name.clone(), nl.description.clone()),
            _ => (role.name.clone(), role.description.clone()),
        }
    }

    /// The name of role `id` of `dir` in this language; the id itself if the directory has
    /// no such role.
    pub fn role_name(self, dir: &loket_wire::api::Directory, id: &str) -> String {
        dir.roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_owned(), |r| self.role_text(r).0)
    }

    /// Whom a share is about, in this language: a role's name or a member's.
    pub fn share_name(
        self,
        dir: &loket_wire::api::Directory,
        to: &loket_wire::content::ShareTo,
    ) -> String {
        use loket_wire::content::ShareTo;
        match to {
            ShareTo::Role(role) => self.role_name(dir, role),
            ShareTo::Member(member) => dir
                .members
                .iter()
                .find(|m| &m.id == member)
                .map_or_else(|| member.clone(), |m| m.name.clone()),
        }
    }

    pub fn team(self) -> &'static TeamTexts {
        match self {
            Self::En => &EN_TEAM,
            Self::Nl => &NL_TEAM,
        }
    }

    /// The first of the browser's preferred languages that we have (`nl*` is Dutch, `en*`
    /// English); English when none is.
    pub fn from_preferences<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        for tag in preferred {
            let tag = tag.to_ascii_lowercase();
            if tag.starts_with("nl") {
                return Self::Nl;
            }
            if tag.starts_with("en") {
                return Self::En;
            }
        }
        Self::En
    }

    /// The same text in every language, computed now (for status lines that must follow a
    /// later switch of language).
    pub fn each(say: impl Fn(Lang) -> String) -> [String; 2] {
        Self::ALL.map(say)
    }

    pub fn pick(self, texts: &[String; 2]) -> &str {
        match self {
            Self::En => &texts[0],
            Self::Nl => &texts[1],
        }
    }
}

/// Texts of both apps and of the reporter's app.
pub struct Texts {
    // The frame: language switch, navigation, footer, the team directory.
    pub lang_name: &'static str,
    pub lang_switch: &'static str,
    pub nav_report: &'static str,
    pub nav_followup: &'static str,
    pub nav_team: &'static str,
    pub team_moves: &'static str,
    pub footer_encrypted: &'static str,
    pub footer_fingerprint: &'static str,
    pub start_failed: &'static str,
    pub dir_untrusted: &'static str,
    pub dir_not_loaded: &'static str,
    pub dir_no_org_key: &'static str,
    pub dir_not_signed: &'static str,
    pub dir_expired: &'static str,
    pub dir_rolled_back: &'static str,
    pub dir_load_failed: fn(&str) -> String,
    // Errors, by their stable codes.
    pub network: &'static str,
    pub error_code: fn(ErrorCode) -> &'static str,
    pub client_error: fn(&ClientError) -> &'static str,
    pub code_error: fn(&CodeError) -> String,
    pub pow_progress: fn(&str, u32) -> String,
    // Threads.
    pub undecryptable: &'static str,
    pub attached_file: fn(&str) -> String,
    pub encrypt_and_send: &'static str,
    // Make a report.
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub report_label: &'static str,
    pub report_readers: &'static str,
    pub team_loading: &'static str,
    pub role_nobody: &'static str,
    pub role_read_by: fn(&str) -> String,
    pub report_write_first: &'static str,
    pub report_choose_role: &'static str,
    pub report_encrypting: &'static str,
    pub report_no_readers: &'static str,
    pub report_not_sent: fn(&str) -> String,
    pub report_pow: &'static str,
    pub report_sending: &'static str,
    pub report_sent: &'static str,
    pub code_title: &'static str,
    pub code_warning: &'static str,
    /// Before and after the milliseconds.
    pub code_derived: (&'static str, &'static str),
    pub code_saved: &'static str,
    pub code_saved_info: &'static str,
    // Follow up.
    pub followup_title: &'static str,
    pub followup_intro: &'static str,
    pub code_label: &'static str,
    pub open: &'static str,
    pub deriving: &'static str,
    pub fetch_pow: &'static str,
    pub fetching: &'static str,
    pub not_found: &'static str,
    pub thread_title: &'static str,
    pub sent_at: fn(&str) -> String,
    pub you_report: &'static str,
    pub you: &'static str,
    pub the_team: &'static str,
    /// Beside a message of a member who has left, verified against the earlier directory that
    /// listed them (crypto/SPEC.md §12.6).
    pub from_former_member: &'static str,
    pub answer_label: &'static str,
    pub answer_write_first: &'static str,
    pub answer_no_readers: &'static str,
    pub answer_not_sent: fn(&str) -> String,
    pub answer_pow: &'static str,
    pub answer_sending: &'static str,
    pub answer_sent: &'static str,
    pub open_first: &'static str,
    pub close: &'static str,
    pub attach_label: fn(u64) -> String,
    pub attach: &'static str,
    pub file_choose: &'static str,
    pub file_reading: &'static str,
    pub file_unreadable: &'static str,
    pub file_encrypting: &'static str,
    pub file_pow: &'static str,
    pub file_uploading: fn(usize) -> String,
    pub file_note_pow: &'static str,
    pub file_note_sending: &'static str,
    pub file_attached: &'static str,
    pub file_not_attached: fn(&str) -> String,
    pub withdraw: &'static str,
    pub withdraw_warning: &'static str,
    pub withdraw_confirm: &'static str,
    pub withdraw_keep: &'static str,
    pub withdraw_pow: &'static str,
    pub withdrawing: &'static str,
    pub withdrawn: &'static str,
    pub withdraw_failed: fn(&str) -> String,
    // Attachments: metadata removal and streamed upload (reporter/pages/follow_up/attach.rs)
    pub file_checking: &'static str,
    pub file_not_cleaned: fn(&str) -> String,
    pub scrub_error: fn(loket_scrub::ScrubError) -> String,
    pub file_removed: fn(&str) -> String,
    pub file_nothing_removed: &'static str,
    pub file_not_checked: &'static str,
    pub removed_name: fn(loket_scrub::Removed) -> &'static str,
}

/// Texts only the team's app shows.
pub struct TeamTexts {
    pub signin_title: &'static str,
    pub signin_intro: &'static str,
    pub key_file_label: &'static str,
    pub passphrase_label: &'static str,
    pub unlock: &'static str,
    pub unlocking: &'static str,
    pub key_file_error: fn(&KeyFileError) -> String,
    pub not_in_directory: &'static str,
    pub signing_in: &'static str,
    pub sign_in_failed: fn(&str) -> String,
    pub session_ended: &'static str,
    pub unlock_first: &'static str,
    pub inbox_title: &'static str,
    pub refresh: &'static str,
    pub lock: &'static str,
    pub locked: &'static str,
    /// The app locked itself after this many minutes without use.
    pub idle_locked: fn(u64) -> String,
    pub inbox_empty: &'static str,
    pub inbox_failed: fn(&str) -> String,
    pub message_count: fn(i64) -> String,
    pub report_title: &'static str,
    pub report_failed: fn(&str) -> String,
    pub received_for: fn(&str, &str) -> String,
    pub reporter_report: &'static str,
    pub reporter: &'static str,
    pub former_member: &'static str,
    /// After unlocking: cases handed to members who joined later (crypto/SPEC.md §9.11).
    pub handed_over: fn(usize) -> String,
    pub attachments_title: &'static str,
    pub file_label: fn(&str, u64) -> String,
    pub decrypt_save: &'static str,
    pub upload_incomplete: &'static str,
    pub upload_incomplete_error: &'static str,
    pub downloading: fn(u64) -> String,
    pub checking_file: &'static str,
    pub file_mismatch: &'static str,
    pub file_saved: fn(&str, usize) -> String,
    pub download_refused: &'static str,
    pub download_failed: fn(&str) -> String,
    pub reply_label: &'static str,
    pub reply_write_first: &'static str,
    pub reply_undecryptable: &'static str,
    pub reply_sending: &'static str,
    pub reply_sent: &'static str,
    pub reply_not_sent: fn(&str) -> String,
    pub cancel: &'static str,
    pub load_more: &'static str,
    pub spam_badge: &'static str,
    pub spam_mark: &'static str,
    pub spam_note: &'static str,
    pub spam_unmark: &'static str,
    pub spam_delete: &'static str,
    pub spam_delete_warning: &'static str,
    pub spam_deleted: &'static str,
    pub spam_failed: fn(&str) -> String,
}

#[cfg(test)]
mod tests;
