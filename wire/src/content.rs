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
            Self::Report { text, .. } | Self::Message { text, .. } => text,
            Self::Statistics { .. } => "",
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
