//! The plaintext inside envelopes. Only clients (the portal, loket-team, tests) read or write
//! these; the server never sees them. The reporter's choice of roles and the reporter's public
//! key travel inside the sealed report, so the server can neither widen the readership nor
//! swap the key that team replies are sealed to.

use serde::{Deserialize, Serialize};

use crate::B64;

/// Plaintext schema version.
pub const CONTENT_VERSION: u32 = 1;

/// Its `Debug` leaves the texts out.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// The first message of a thread, written by the reporter.
    Report {
        v: u32,
        /// Role ids the reporter chose as readers.
        roles: Vec<String>,
        /// The reporter's X25519 public key (derived from the follow-up code).
        reporter_key: B64,
        /// The reporter's Ed25519 public key (derived from the code): the reporter's later
        /// messages must be signed by it (crypto/SPEC.md §11).
        reporter_signing_key: B64,
        text: String,
        /// The regulation's intake questions (docs/intake.md); absent in reports made before
        /// the intake existed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intake: Option<Intake>,
        /// Member ids the reporter excluded from the readers although they hold a chosen
        /// role (the regulation's article 16: the report may concern them). Nothing is sealed
        /// to them, and no later message either.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        excluded: Vec<String>,
        /// Member ids the reporter let read the report by name, besides the members of its
        /// roles (referral with consent to a person, crypto/SPEC.md §9.8).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<String>,
    },
    /// A later message in the thread, from either side.
    Message {
        v: u32,
        text: String,
        /// A file the author attached: the signed message vouches for the attachment's
        /// ciphertext by its SHA-256, so the server cannot swap or forge it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<AttachmentRef>,
        /// The state of the case the team shares with the reporter (team messages only; the
        /// message's text is what the team says with it, such as aftercare).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<CaseState>,
        /// Name and contact details the reporter chose to give, for the formal route
        /// (reporter messages only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact: Option<ContactDetails>,
        /// Referral with consent (crypto/SPEC.md §9.8): a member asks to involve another
        /// role, or the reporter grants or refuses it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share: Option<Share>,
    },
    /// A version of a case's record (crypto/SPEC.md §9.10): what the team did with the case,
    /// signed by the member who wrote it and sealed to the case's readers only (never to the
    /// reporter). The highest `version` that verifies is the record; earlier ones stay readable.
    Case { v: u32, record: CaseRecord },
    /// A first contact through another channel (telephone, walk-in, e-mail, …) or a signal,
    /// registered by a member as a case so that the register and the statistics are complete
    /// (crypto/SPEC.md §9.10). Signed by that member in context `report`.
    Contact {
        v: u32,
        /// The roles whose members read the case.
        roles: Vec<String>,
        channel: Channel,
        /// A signal (something the team heard of), not a report.
        #[serde(default)]
        signal: bool,
        /// The day of the contact as the member wrote it (`YYYY-MM-DD`), if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<String>,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intake: Option<Intake>,
    },
    /// The optional anonymous statistics part of a report, sealed on its own to the team's
    /// statistics key (crypto/SPEC.md §9.2): never to a case's readers, never with the text.
    /// Every field may be left out; an empty part is sent all the same.
    Statistics {
        v: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        staff: Option<StaffCategory>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age: Option<AgeBand>,
        /// A faculty or service unit, one of the directory's `units`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
}

/// The intake of the regulation (docs/intake.md): what happened, about whom, the relation to
/// the person concerned, roughly when, and what the reporter wants. Every answer is optional
/// except that the form asks for them; the name of the person concerned stays inside the
/// encryption like everything here. Its `Debug` leaves the name out.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Default)]
pub struct Intake {
    /// What happened; several may apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<Nature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// The name of the person concerned, if the reporter gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// The regulation's article 4.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("what", &self.what)
            .field("about", &self.about)
            .field("relation", &self.relation)
            .field("when", &self.when)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

/// Declares a closed list of answers, each with the key it is written as in the content (and
/// used in element ids), and `ALL` in the order the form shows them.
macro_rules! answers {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $name {
            /// Every answer, in the order the form shows them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The keys of [`Self::ALL`], in the same order.
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            /// The answer as it is written in the content.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }
        }
    };
}

answers!(
    /// What happened (the annual report's categories).
    Nature {
        SexualHarassment = "sexual_harassment",
        Aggression = "aggression",
        Bullying = "bullying",
        Discrimination = "discrimination",
        Intimidation = "intimidation",
        WorkConflict = "work_conflict",
        Cooperation = "cooperation",
        Integrity = "integrity",
        Other = "other",
    }
);
answers!(
    /// Whom the report is about.
    About {
        Myself = "myself",
        Bystander = "bystander",
    }
);
answers!(
    /// The reporter's relation to the person concerned.
    Relation {
        Manager = "manager",
        Supervisor = "supervisor",
        Colleague = "colleague",
        Student = "student",
        ThirdParty = "third_party",
    }
);
answers!(
    /// Roughly when it happened.
    When {
        Ongoing = "ongoing",
        LastWeek = "last_week",
        LastMonth = "last_month",
        LastHalfYear = "last_half_year",
        LastYear = "last_year",
        Longer = "longer",
    }
);
answers!(
    /// What the reporter wants (the regulation's article 4.2).
    Purpose {
        Register = "register",
        File = "file",
        Advice = "advice",
    }
);
answers!(
    /// The reporter's staff category (statistics part).
    StaffCategory {
        Academic = "academic",
        Support = "support",
        Phd = "phd",
        Student = "student",
        Former = "former",
        Other = "other",
    }
);
answers!(
    /// The reporter's age band (statistics part).
    AgeBand {
        Under25 = "under_25",
        From25To34 = "25_34",
        From35To44 = "35_44",
        From45To54 = "45_54",
        From55 = "55_plus",
    }
);
answers!(
    /// The state of a case as the team shares it with the reporter.
    CaseState {
        Received = "received",
        Read = "read",
        InProgress = "in_progress",
        Closed = "closed",
    }
);

answers!(
    /// Where a case stands (the team's own record; the reporter sees what the team shares).
    CaseStatus {
        New = "new",
        InProgress = "in_progress",
        Referred = "referred",
        Closed = "closed",
    }
);
answers!(
    /// The regulation's stage of a case: a melding, the informal procedure, a formal
    /// complaint. A reporter may move from informal to formal later.
    Stage {
        Melding = "melding",
        Informal = "informal",
        Formal = "formal",
    }
);
answers!(
    /// What the team did; several at once.
    Handling {
        Advice = "advice",
        Guidance = "guidance",
        Mediation = "mediation",
        Investigation = "investigation",
        Referral = "referral",
    }
);
answers!(
    /// Where a case was referred to.
    ReferralTarget {
        Hr = "hr",
        CompanyDoctor = "company_doctor",
        Psychologist = "psychologist",
        Coach = "coach",
        VictimSupport = "victim_support",
        Police = "police",
        LegalHelp = "legal_help",
        Other = "other",
    }
);
answers!(
    /// The complaints committee's decision on a formal complaint.
    DecisionOutcome {
        Founded = "founded",
        PartlyFounded = "partly_founded",
        Unfounded = "unfounded",
        Inadmissible = "inadmissible",
        Withdrawn = "withdrawn",
    }
);
answers!(
    /// How a first contact reached the team (the annual report counts every channel).
    Channel {
        Portal = "portal",
        Phone = "phone",
        WalkIn = "walk_in",
        Email = "email",
        WetenschapVeilig = "wetenschapveilig",
        PhdAdviser = "phd_adviser",
        Other = "other",
    }
);

/// The team's record of a case (crypto/SPEC.md §9.10). Category and status live here, inside
/// the encryption, so the server never learns them. No `Debug`: the notes are plaintext.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Counts up by one per saved version; the highest that verifies wins.
    pub version: u32,
    pub status: CaseStatus,
    pub stage: Stage,
    /// The hour the current stage began (the informal procedure's six weeks count from it).
    #[serde(default)]
    pub stage_since: i64,
    /// What happened, as the team classifies it (prefilled from the reporter's intake).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<Nature>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handling: Vec<Handling>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referred_to: Vec<ReferralTarget>,
    /// Conversations held with the reporter.
    #[serde(default)]
    pub conversations: u32,
    /// The people who made the report together (a joint report counts each of them): the
    /// annual report counts reporters apart from reports. Records written before it say 1.
    #[serde(default = "one")]
    pub reporters: u32,
    /// Internal notes: never shown to the reporter.
    #[serde(default)]
    pub notes: String,
    /// A formal complaint's decision by the committee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

/// The default of [`CaseRecord::reporters`].
const fn one() -> u32 {
    1
}

/// The committee's decision on a formal complaint: the day (`YYYY-MM-DD`) and the outcome.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub date: String,
    pub outcome: DecisionOutcome,
}

impl Decision {
    /// The decision day as Unix seconds (its midnight, UTC); `None` unless `date` is a real
    /// `YYYY-MM-DD` day.
    pub fn unix(&self) -> Option<i64> {
        day_unix(&self.date)
    }
}

/// Unix seconds of midnight UTC of a `YYYY-MM-DD` day; `None` for anything else.
pub fn day_unix(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[usize::try_from(m - 1).ok()?] {
        return None;
    }
    // Days from 1970-01-01 of a proleptic Gregorian date (the civil-days algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

impl CaseRecord {
    /// The first record of a case: new, a melding, what the intake said.
    pub fn first(what: Vec<Nature>, now: i64) -> Self {
        Self {
            version: 1,
            status: CaseStatus::New,
            stage: Stage::Melding,
            stage_since: now,
            what,
            handling: Vec::new(),
            referred_to: Vec::new(),
            conversations: 0,
            reporters: 1,
            notes: String::new(),
            decision: None,
        }
    }
}

/// Referral with consent (crypto/SPEC.md §9.8). Only a member may ask, only the reporter may
/// answer; a message saying otherwise is read without it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Share {
    /// A member asks the reporter's consent to involve `to`.
    Ask { to: ShareTo },
    /// The reporter agrees: the report and the thread are sealed to `to` too.
    Grant { to: ShareTo },
    /// The reporter does not agree; nothing changes.
    Refuse { to: ShareTo },
}

/// Whom a share involves: every member of a role, or one member by name.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ShareTo {
    Role(String),
    Member(String),
}

impl Share {
    /// Whom the request or answer is about.
    pub fn to(&self) -> &ShareTo {
        match self {
            Self::Ask { to } | Self::Grant { to } | Self::Refuse { to } => to,
        }
    }
}

impl ShareTo {
    /// A key for element ids: the role id, or `member-` and the member id.
    pub fn key(&self) -> String {
        match self {
            Self::Role(role) => role.clone(),
            Self::Member(member) => format!("member-{member}"),
        }
    }
}

/// Name and contact details a reporter gives of their own accord. No `Debug`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct ContactDetails {
    pub name: String,
    /// How to reach them: e-mail, telephone, as they wrote it.
    pub reach: String,
}

/// What a message says about its attachment. The file's name and type travel only here,
/// encrypted; the server sees an opaque upload of a certain size. Its `Debug` leaves the name
/// and type out.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    /// The id the server gave the upload.
    pub attachment_id: String,
    pub name: String,
    pub media_type: String,
    /// Size of the file (plaintext), bytes.
    pub size: u64,
    /// SHA-256 of the uploaded ciphertext.
    pub sha256: B64,
}

impl Content {
    pub fn text(&self) -> &str {
        match self {
            Self::Report { text, .. } | Self::Message { text, .. } | Self::Contact { text, .. } => {
                text
            }
            Self::Statistics { .. } | Self::Case { .. } => "",
        }
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Report { v, roles, .. } => f
                .debug_struct("Report")
                .field("v", v)
                .field("roles", roles)
                .finish_non_exhaustive(),
            Self::Message {
                v,
                attachment,
                status,
                ..
            } => f
                .debug_struct("Message")
                .field("v", v)
                .field("attachment", attachment)
                .field("status", status)
                .finish_non_exhaustive(),
            Self::Case { v, record } => f
                .debug_struct("Case")
                .field("v", v)
                .field("version", &record.version)
                .finish_non_exhaustive(),
            Self::Contact {
                v, roles, channel, ..
            } => f
                .debug_struct("Contact")
                .field("v", v)
                .field("roles", roles)
                .field("channel", channel)
                .finish_non_exhaustive(),
            Self::Statistics { v, .. } => f
                .debug_struct("Statistics")
                .field("v", v)
                .finish_non_exhaustive(),
        }
    }
}

impl std::fmt::Debug for AttachmentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentRef")
            .field("attachment_id", &self.attachment_id)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_the_calendar_says() {
        assert_eq!(day_unix("1970-01-01"), Some(0));
        assert_eq!(day_unix("2000-03-01"), Some(951_868_800));
        assert_eq!(day_unix("2024-02-29"), Some(1_709_164_800));
        assert_eq!(day_unix("2026-11-30"), Some(1_795_996_800));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-11-30",
            "2026-11-30-1",
            "",
        ] {
            assert_eq!(day_unix(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_case_record_travels_as_json() {
        let mut record = CaseRecord::first(vec![Nature::Bullying], 7200);
        record.handling = vec![Handling::Referral, Handling::Advice];
        record.referred_to = vec![ReferralTarget::CompanyDoctor];
        record.decision = Some(Decision {
            date: "2026-11-30".into(),
            outcome: DecisionOutcome::PartlyFounded,
        });
        let content = Content::Case { v: 1, record };
        let json = serde_json::to_string(&content).unwrap();
        assert!(json.contains(r#""type":"case""#), "{json}");
        assert!(
            json.contains(r#""referred_to":["company_doctor"]"#),
            "{json}"
        );
        let back: Content = serde_json::from_str(&json).unwrap();
        assert!(back == content);
    }
}
