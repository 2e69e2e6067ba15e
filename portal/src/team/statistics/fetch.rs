//! What the statistics fetch and decrypt: every page of `GET /team/statistics`, every page of
//! the member's inbox, the envelope of each registered contact the member reads; then the
//! facts, from the worker (src/tally.rs) or, where no worker starts, from the page.

use std::collections::HashMap;

use js_sys::Uint8Array;
use loket_client::stats::Fact;
use loket_crypto::keyfile;
use loket_crypto::{KeyFileError, MemberSecretKey};
use loket_portal::api::{ApiFailure, team as api};
use loket_portal::browser::{now_unix, pause};
use loket_portal::tally::{self, Former, Job};
use loket_portal::work::Ran;
use loket_portal::{Ctx, Lang};
use loket_wire::B64;
use loket_wire::api::{Directory, INBOX_PAGE_MAX, InboxItem, StatisticsItem};
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

use crate::actions::session_failed;
use crate::app::Team;
use crate::vault;

/// Why counting failed.
pub enum Failure {
    Api(ApiFailure),
    Key(KeyFileError),
    /// The key opened, but the directory names another statistics key.
    NotStatisticsKey,
    /// The reports could not be decrypted here (the worker and the page both failed).
    Tally,
    /// Locked, or no directory.
    Locked,
}

impl Failure {
    /// Locks the app when the session has ended; `true` then.
    pub fn session_ended(&self, ctx: Ctx, team: Team) -> bool {
        matches!(self, Self::Api(e) if session_failed(ctx, team, e))
    }

    pub fn text(&self, l: Lang) -> String {
        let t = l.stats();
        match self {
            Self::Api(e) => (t.count_failed)(e.text(l)),
            Self::Key(e) => (t.key_failed)(&(l.team().key_file_error)(e)),
            Self::NotStatisticsKey => (t.key_failed)(t.key_wrong),
            Self::Tally | Self::Locked => (t.count_failed)(t.tally_failed),
        }
    }
}

impl From<ApiFailure> for Failure {
    fn from(e: ApiFailure) -> Self {
        Self::Api(e)
    }
}

/// The statistics key's 64 secret bytes, from its key file and passphrase; `None` when the
/// member gave no key file. It must be the key the directory names.
async fn statistics_key(
    dir: &Directory,
    armored: &str,
    pass: Zeroizing<String>,
) -> Result<Option<Zeroizing<[u8; 64]>>, Failure> {
    if armored.trim().is_empty() {
        return Ok(None);
    }
    let locked = keyfile::parse(armored).map_err(Failure::Key)?;
    // Argon2id holds the page for a moment: let the status line paint first.
    pause(40).await;
    let key: MemberSecretKey = locked.unlock(&pass).map_err(Failure::Key)?;
    let public = key.public();
    match &dir.statistics_key {
        Some(listed) if listed.0.as_slice() == public.x25519 => Ok(Some(key.to_recovery_secret())),
        _ => Err(Failure::NotStatisticsKey),
    }
}

/// Every report's statistics item, oldest first.
async fn every_item(token: &str) -> Result<Vec<StatisticsItem>, Failure> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = api::statistics(token, after.as_deref()).await?;
        items.extend(page.reports);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(items),
        }
    }
}

/// Every case of the member's inbox.
async fn every_case(token: &str) -> Result<Vec<InboxItem>, Failure> {
    let mut cases = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = api::inbox_page(token, before.as_deref(), INBOX_PAGE_MAX).await?;
        cases.extend(page.reports);
        match page.next {
            Some(next) => before = Some(next),
            None => return Ok(cases),
        }
    }
}

/// The report envelope of each registered contact among `cases`: its channel is inside.
async fn contact_envelopes(
    token: &str,
    cases: &[InboxItem],
) -> Result<HashMap<String, B64>, Failure> {
    let mut out = HashMap::new();
    for item in cases.iter().filter(|i| i.registered_by.is_some()) {
        let report = api::report(token, &item.report_id).await?;
        out.insert(report.report_id, report.envelope);
    }
    Ok(out)
}

/// Fetches everything, decrypts it and returns the facts of every report, and where they were
/// decrypted.
pub async fn facts(ctx: Ctx, armored: String, pass: String) -> Result<(Vec<Fact>, Ran), Failure> {
    let armored = Zeroizing::new(armored);
    let token = vault::session_token().ok_or(Failure::Locked)?;
    let dir = loket_portal::ctx::directory_with_history(ctx)
        .await
        .ok_or(Failure::Locked)?;
    let stats = statistics_key(&dir, &armored, Zeroizing::new(pass)).await?;
    let items = every_item(&token).await?;
    let inbox = every_case(&token).await?;
    let contacts = contact_envelopes(&token, &inbox).await?;
    let job = Job {
        former: dir.former.iter().map(Former::of).collect(),
        directory: dir,
        items,
        inbox,
        contacts,
        now: now_unix(),
    };
    let job = serde_json::to_string(&job).map_err(|_| Failure::Tally)?;
    let member = vault::with_member(|m| m.key.to_recovery_secret()).ok_or(Failure::Locked)?;
    let stats: &[u8] = stats.as_ref().map_or(&[], |s| s.as_slice());
    let (answer, ran) = match in_worker(&job, member.as_slice(), stats).await {
        Some(answer) => (answer, Ran::Worker),
        None => (
            tally::facts(&job, member.as_slice(), stats).map_err(|_| Failure::Tally)?,
            Ran::Page,
        ),
    };
    let facts = serde_json::from_str(&answer).map_err(|_| Failure::Tally)?;
    Ok((facts, ran))
}

/// The facts from a worker (static/tally.js), or `None` when none could do it.
async fn in_worker(job: &str, member: &[u8], stats: &[u8]) -> Option<String> {
    let member = Uint8Array::from(member);
    let stats = Uint8Array::from(stats);
    let message = loket_portal::work::job(
        "tally",
        &[
            ("job", JsValue::from_str(job)),
            ("member", member.clone().into()),
            ("stats", stats.clone().into()),
        ],
    );
    let answer = loket_portal::work::run_script("tally.js", &message).await;
    // The page's copies of the keys are wiped; the worker's went with it.
    member.fill(0, 0, member.length());
    stats.fill(0, 0, stats.length());
    answer?.as_string()
}
