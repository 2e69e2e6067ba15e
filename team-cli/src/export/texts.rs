//! The words of an export's Markdown, in English or Dutch (`--lang`). The answers of the
//! intake, the case record's fields and the thread's notes are the team's app's own texts:
//! the portal's tables for them (portal/src/i18n/intake.rs, case.rs, share.rs) depend on
//! loket-wire alone, so they are compiled in here as they are, and the export says what the
//! app says. The few words only an export needs are below. The JSON has no words: it uses
//! the keys of the content (crypto/SPEC.md §9).

#[path = "../../../portal/src/i18n/case.rs"]
#[allow(dead_code)]
mod case;
#[path = "../../../portal/src/i18n/intake.rs"]
#[allow(dead_code)]
mod intake;
#[path = "../../../portal/src/i18n/share.rs"]
#[allow(dead_code)]
mod share;

pub(crate) use case::CaseTexts;
pub(crate) use intake::IntakeTexts;
pub(crate) use share::ShareTexts;

/// A language of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// `en` or `nl`.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "en" => Some(Self::En),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }

    pub(crate) fn intake(self) -> &'static IntakeTexts {
        match self {
            Self::En => &intake::EN_INTAKE,
            Self::Nl => &intake::NL_INTAKE,
        }
    }

    pub(crate) fn case(self) -> &'static CaseTexts {
        match self {
            Self::En => &case::EN_CASE,
            Self::Nl => &case::NL_CASE,
        }
    }

    pub(crate) fn share(self) -> &'static ShareTexts {
        match self {
            Self::En => &share::EN_SHARE,
            Self::Nl => &share::NL_SHARE,
        }
    }

    pub(crate) fn words(self) -> &'static Words {
        match self {
            Self::En => &EN_WORDS,
            Self::Nl => &NL_WORDS,
        }
    }

    /// A role's name in this language (the directory's Dutch name when it has one); the id
    /// for a role the directory does not list.
    pub(crate) fn role_name(self, dir: &loket_wire::api::Directory, id: &str) -> String {
        match dir.roles.iter().find(|r| r.id == id) {
            Some(role) => match (self, &role.nl) {
                (Self::Nl, Some(nl)) => nl.name.clone(),
                _ => role.name.clone(),
            },
            None => id.to_owned(),
        }
    }
}

/// What only the export says.
pub(crate) struct Words {
    pub title: &'static str,
    pub intro: fn(&str, &str, &str) -> String,
    pub case: fn(&str) -> String,
    pub received: &'static str,
    pub roles: &'static str,
    pub spam: &'static str,
    pub report: &'static str,
    pub thread: &'static str,
    pub reporter: &'static str,
    pub former_member: &'static str,
    pub no_messages: &'static str,
    pub attachment: &'static str,
    pub attachments: &'static str,
    pub saved_as: &'static str,
    pub not_saved: &'static str,
    pub shared_state: &'static str,
    pub no_record: &'static str,
    pub problems: &'static str,
    pub no_problems: &'static str,
    pub cases: &'static str,
    pub not_opened: &'static str,
    pub bytes: fn(u64) -> String,
}

const EN_WORDS: Words = Words {
    title: "Loket export",
    intro: |member, server, when| {
        format!(
            "Exported by {member} from {server} on {when}. Everything here is decrypted: keep \
             it on a trusted machine and delete it when the work is done."
        )
    },
    case: |id| format!("Case {id}"),
    received: "Received",
    roles: "Roles",
    spam: "Marked as spam",
    report: "Report",
    thread: "Thread",
    reporter: "Reporter",
    former_member: "A former team member",
    no_messages: "No messages.",
    attachment: "Attachment",
    attachments: "Attachments",
    saved_as: "saved as",
    not_saved: "not saved",
    shared_state: "State shared with the reporter",
    no_record: "No case record.",
    problems: "Did not open or verify",
    no_problems: "Everything opened and verified.",
    cases: "Cases",
    not_opened: "did not open or verify",
    bytes: |n| format!("{n} bytes"),
};

const NL_WORDS: Words = Words {
    title: "Loket-export",
    intro: |member, server, when| {
        format!(
            "Geëxporteerd door {member} van {server} op {when}. Alles hier is ontsleuteld: \
             bewaar het op een vertrouwde computer en verwijder het als het werk klaar is."
        )
    },
    case: |id| format!("Zaak {id}"),
    received: "Ontvangen",
    roles: "Rollen",
    spam: "Gemarkeerd als spam",
    report: "Melding",
    thread: "Gesprek",
    reporter: "Melder",
    former_member: "Een voormalig teamlid",
    no_messages: "Geen berichten.",
    attachment: "Bijlage",
    attachments: "Bijlagen",
    saved_as: "opgeslagen als",
    not_saved: "niet opgeslagen",
    shared_state: "Stand gedeeld met de melder",
    no_record: "Geen dossier.",
    problems: "Niet te openen of te verifiëren",
    no_problems: "Alles is geopend en geverifieerd.",
    cases: "Zaken",
    not_opened: "niet te openen of te verifiëren",
    bytes: |n| format!("{n} bytes"),
};
