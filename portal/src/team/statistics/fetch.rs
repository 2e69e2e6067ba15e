//! What the statistics fetch and decrypt: every page of `GET /team/statistics`, every page of
//! the member's inbox (with each registered contact's envelope, for its channel); then the
//! facts, from the worker (src/tally.rs) or, where no worker starts, from the page.

use js_sys::Uint8Array;
use loket_client::stats::Fact;
use loket_crypto::keyfile;
use loket_crypto::{KeyFileError, MemberSecretKey};
use loket_portal::api::{ApiFailure, team as api};
use loket_portal::browser::{now_unix, pause};
use loket_portal::tally::{self, Former, Job, Pages};
use loket_portal::work::Ran;
use loket_portal::{Ctx, Lang};
use loket_wire::api::Directory;
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

/// Where a page of the server's listing goes on; its items are left to the worker.
#[derive(serde::Deserialize)]
struct Next {
    next: Option<String>,
}

/// Every page of a listing as the server wrote it, following `next` from page to page.
async fn every_page<F, Fut>(get: F) -> Result<Vec<String>, Failure>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<String, ApiFailure>>,
{
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = get(cursor.take()).await?;
        let next: Next =
            serde_json::from_str(&page).map_err(|_| Failure::Api(ApiFailure::Network))?;
        pages.push(page);
        match next.next {
            Some(next) => cursor = Some(next),
            None => return Ok(pages),
        }
    }
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
    let statistics = every_page(|after| {
        let token = token.clone();
        async move { api::statistics_text(&token, after.as_deref()).await }
    })
    .await?;
    let inbox = every_page(|before| {
        let token = token.clone();
        async move { api::inbox_text(&token, before.as_deref()).await }
    })
    .await?;
    let job = Job {
        former: dir.former.iter().map(Former::of).collect(),
        directory: dir,
        now: now_unix(),
    };
    let job = serde_json::to_string(&job).map_err(|_| Failure::Tally)?;
    let pages = Pages {
        statistics: &statistics,
        inbox: &inbox,
    };
    let member = vault::with_member(|m| m.key.to_recovery_secret()).ok_or(Failure::Locked)?;
    let stats: &[u8] = stats.as_ref().map_or(&[], |s| s.as_slice());
    let (answer, ran) = match in_worker(&job, &pages, member.as_slice(), stats).await {
        Some(answer) => (answer, Ran::Worker),
        None => (
            tally::facts(&job, &pages, member.as_slice(), stats).map_err(|_| Failure::Tally)?,
            Ran::Page,
        ),
    };
    let facts = serde_json::from_str(&answer).map_err(|_| Failure::Tally)?;
    Ok((facts, ran))
}

/// The facts from a worker (static/tally.js), or `None` when none could do it.
async fn in_worker(job: &str, pages: &Pages<'_>, member: &[u8], stats: &[u8]) -> Option<String> {
    let member = Uint8Array::from(member);
    let stats = Uint8Array::from(stats);
    let strings =
        |all: &[String]| -> js_sys::Array { all.iter().map(|s| JsValue::from_str(s)).collect() };
    let message = loket_portal::work::job(
        "tally",
        &[
            ("job", JsValue::from_str(job)),
            ("statistics", strings(pages.statistics).into()),
            ("inbox", strings(pages.inbox).into()),
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
