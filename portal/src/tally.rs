//! The statistics' slow half (issue 14): every report's statistics part and every case record
//! the member reads, decrypted, verified and turned into facts (loket_client::stats). It runs in
//! a Web Worker of the team's app (`loket_tally`, src/tally/main.rs, static/tally.js), so that
//! the page keeps answering while ten thousand reports are opened; where no worker can start,
//! on the page. The worker gets the job and the two secret keys, answers the facts and is
//! ended, and the keys go with its memory.

use loket_client::stats::{Fact, Readable};
use loket_crypto::MemberSecretKey;
use loket_wire::api::{
    Directory, FormerMember, Inbox, InboxItem, Member, StatisticsItem, StatisticsPage,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What the worker needs besides the pages and the keys.
#[derive(Serialize, Deserialize)]
pub struct Job {
    /// The verified directory, and the former members of its verified chain (a removed
    /// member's case records verify against them).
    pub directory: Directory,
    #[serde(default)]
    pub former: Vec<Former>,
    /// Now, for the deadlines still open (Unix seconds).
    pub now: i64,
}

/// The pages as the server wrote them: every page of `GET /team/statistics` (a
/// `StatisticsPage` each) and of the member's inbox (an `Inbox` each). The page hands them on
/// unparsed, so that parsing them, like decrypting, happens off the page.
pub struct Pages<'a> {
    pub statistics: &'a [String],
    pub inbox: &'a [String],
}

/// A former member, as the job carries it (`Directory::former` is not serialised).
#[derive(Serialize, Deserialize)]
pub struct Former {
    pub member: Member,
    pub from: i64,
    pub until: i64,
}

impl Former {
    pub fn of(f: &FormerMember) -> Self {
        Self {
            member: f.member.clone(),
            from: f.from,
            until: f.until,
        }
    }
}

/// A member key as 64 secret bytes (`MemberSecretKey::to_recovery_secret`), or `None` for
/// anything else.
fn key(bytes: &[u8]) -> Option<MemberSecretKey> {
    let secret: Zeroizing<[u8; 64]> = Zeroizing::new(bytes.try_into().ok()?);
    Some(MemberSecretKey::from_recovery_secret(&secret))
}

/// The facts of every report of `pages`, as JSON: the member's key opens their cases, the
/// statistics key (empty when the member has none) the statistics parts.
pub fn facts(
    job: &str,
    pages: &Pages<'_>,
    member: &[u8],
    stats: &[u8],
) -> Result<String, &'static str> {
    let job: Job = serde_json::from_str(job).map_err(|_| "bad job")?;
    let mut items: Vec<StatisticsItem> = Vec::new();
    for page in pages.statistics {
        let page: StatisticsPage = serde_json::from_str(page).map_err(|_| "bad page")?;
        items.extend(page.reports);
    }
    let mut inbox: Vec<InboxItem> = Vec::new();
    for page in pages.inbox {
        let page: Inbox = serde_json::from_str(page).map_err(|_| "bad page")?;
        inbox.extend(page.reports);
    }
    let member = key(member).ok_or("bad member key")?;
    let stats = if stats.is_empty() {
        None
    } else {
        Some(key(stats).ok_or("bad statistics key")?)
    };
    let mut dir = job.directory;
    dir.former = job
        .former
        .into_iter()
        .map(|f| FormerMember {
            member: f.member,
            from: f.from,
            until: f.until,
        })
        .collect();
    let readable = Readable {
        identity: member.identity(),
        dir: &dir,
        inbox: &inbox,
        now: job.now,
    };
    let facts: Vec<Fact> = readable.facts(&items, stats.as_ref().map(|k| k.identity()));
    serde_json::to_string(&facts).map_err(|_| "facts")
}
