//! Abuse defences that never identify a client: proof-of-work challenges (stateless to issue,
//! spent once in the database), global per-minute rate limits shared by every instance through
//! the database, and decoy answers that make an unknown follow-up code look like a known one.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use hmac::{Hmac, KeyInit, Mac};
use loket_wire::pow::{self, PowPurpose, PowSolution};
use loket_wire::{B64, ErrorCode};
use sha2::Sha256;

use super::{ServeConfig, now, sha256};
use crate::error::{ApiError, ApiResult};
use crate::store::{PowSpend, RateCount, Store};

/// What is counted for the global limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Report submissions.
    Submit = 0,
    /// Anything done with a follow-up code.
    Check = 1,
    /// Team login challenges.
    Login = 2,
}

const KINDS: [Kind; 3] = [Kind::Submit, Kind::Check, Kind::Login];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Check => "check",
            Self::Login => "login",
        }
    }

    fn of(purpose: PowPurpose) -> Self {
        match purpose {
            PowPurpose::Submit => Self::Submit,
            PowPurpose::Check => Self::Check,
        }
    }
}

/// Challenge layout: version, purpose, bits, expiry (u64 BE), 16 random bytes, then a
/// 16-byte truncated HMAC-SHA-256 of all that under the instance secret.
const CHALLENGE_BODY: usize = 1 + 1 + 1 + 8 + 16;
const CHALLENGE_LEN: usize = CHALLENGE_BODY + 16;
const CHALLENGE_VERSION: u8 = 1;

/// Shared by every request of one process.
#[derive(Debug)]
pub struct Abuse {
    pow_key: [u8; 32],
    decoy_key: [u8; 32],
    /// Random per process: the row its counts are stored under.
    instance: String,
    minute: AtomicI64,
    mine: [AtomicI64; 3],
    others: [AtomicI64; 3],
    /// Readers per role (for sizing decoys) and when they were read; refreshed every 30 s.
    readers: std::sync::Mutex<Option<(i64, Arc<Vec<i64>>)>>,
}

fn derive(secret: &[u8; 32], label: &[u8]) -> ApiResult<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(ApiError::internal)?;
    mac.update(label);
    Ok(mac.finalize().into_bytes().into())
}

fn mac_of(key: &[u8; 32], parts: &[&[u8]]) -> ApiResult<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(ApiError::internal)?;
    for p in parts {
        mac.update(p);
    }
    Ok(mac)
}

impl Abuse {
    pub fn new(secret: &[u8; 32]) -> ApiResult<Self> {
        let id: [u8; 8] = super::random_bytes()?;
        Ok(Self {
            pow_key: derive(secret, b"loket/v1/pow")?,
            decoy_key: derive(secret, b"loket/v1/decoy")?,
            instance: id.iter().map(|b| format!("{b:02x}")).collect(),
            minute: AtomicI64::new(now() / 60),
            mine: Default::default(),
            others: Default::default(),
            readers: std::sync::Mutex::new(None),
        })
    }

    /// How many members hold each role, as of at most 30 seconds ago.
    pub async fn readers_per_role(&self, store: &Store) -> ApiResult<Arc<Vec<i64>>> {
        let now = now();
        let cached = self.readers.lock().ok().and_then(|c| {
            c.as_ref()
                .filter(|(at, _)| now - at < 30)
                .map(|(_, r)| Arc::clone(r))
        });
        if let Some(readers) = cached {
            return Ok(readers);
        }
        let readers = Arc::new(store.readers_per_role().await?);
        if let Ok(mut c) = self.readers.lock() {
            *c = Some((now, Arc::clone(&readers)));
        }
        Ok(readers)
    }

    fn roll(&self, now: i64) {
        let minute = now / 60;
        let seen = self.minute.load(Ordering::Relaxed);
        if minute > seen
            && self
                .minute
                .compare_exchange(seen, minute, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            for c in self.mine.iter().chain(self.others.iter()) {
                c.store(0, Ordering::Relaxed);
            }
        }
    }

    /// Requests of `kind` this minute, across all instances (as of the last exchange).
    pub fn rate(&self, kind: Kind) -> i64 {
        let i = kind as usize;
        self.mine.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
            + self.others.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Counts one request of `kind`; `RateLimited` (429) once this minute's global count is
    /// over `limit` (0: no limit).
    pub fn count(&self, kind: Kind, limit: i64) -> ApiResult<()> {
        let now = now();
        self.roll(now);
        if let Some(c) = self.mine.get(kind as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        if limit > 0 && self.rate(kind) > limit {
            return Err(ApiError::new(ErrorCode::RateLimited).retry_after(60 - now % 60));
        }
        Ok(())
    }

    /// Stores this process's counts and learns the other instances' (every second).
    pub async fn exchange(&self, store: &Store) -> ApiResult<()> {
        let now = now();
        self.roll(now);
        let minute = now / 60;
        let mine: Vec<RateCount> = KINDS
            .iter()
            .map(|k| RateCount {
                kind: k.name().to_owned(),
                count: self
                    .mine
                    .get(*k as usize)
                    .map_or(0, |c| c.load(Ordering::Relaxed)),
            })
            .collect();
        let others = store
            .exchange_rate_counts(&self.instance, minute, &mine)
            .await?;
        if self.minute.load(Ordering::Relaxed) == minute {
            for k in KINDS {
                let total = others
                    .iter()
                    .find(|c| c.kind == k.name())
                    .map_or(0, |c| c.count);
                if let Some(c) = self.others.get(k as usize) {
                    c.store(total, Ordering::Relaxed);
                }
            }
        }
        Ok(())
    }

    /// The difficulty for `purpose` now: the configured base, plus one bit for every doubling
    /// of the global rate over `pow_raise_per_minute`, up to `pow_max_extra_bits` more.
    pub fn bits(&self, config: &ServeConfig, purpose: PowPurpose) -> u8 {
        if config.pow_bits == 0 {
            return 0;
        }
        let rate = self.rate(Kind::of(purpose));
        let mut extra = 0u8;
        if config.pow_raise_per_minute > 0 {
            let mut threshold = config.pow_raise_per_minute;
            while rate > threshold && extra < config.pow_max_extra_bits {
                extra += 1;
                threshold = threshold.saturating_mul(2);
            }
        }
        config.pow_bits.saturating_add(extra).min(pow::MAX_BITS)
    }

    /// A new challenge for `purpose`.
    pub fn challenge(
        &self,
        config: &ServeConfig,
        purpose: PowPurpose,
    ) -> ApiResult<pow::PowChallenge> {
        let bits = self.bits(config, purpose);
        let expires = now() + config.pow_ttl;
        let random: [u8; 16] = super::random_bytes()?;
        let mut challenge = Vec::with_capacity(CHALLENGE_LEN);
        challenge.push(CHALLENGE_VERSION);
        challenge.push(purpose_byte(purpose));
        challenge.push(bits);
        challenge.extend_from_slice(&expires.to_be_bytes());
        challenge.extend_from_slice(&random);
        let tag = mac_of(&self.pow_key, &[&challenge])?
            .finalize()
            .into_bytes();
        challenge.extend_from_slice(tag.get(..16).unwrap_or_default());
        Ok(pow::PowChallenge {
            challenge: B64(challenge),
            bits,
            expires,
        })
    }

    /// Checks a solution for `purpose`; returns what to record as spent (in the same
    /// transaction as the write it pays for). With proof of work switched off, `None`.
    pub fn verify(
        &self,
        config: &ServeConfig,
        purpose: PowPurpose,
        solution: Option<&PowSolution>,
    ) -> ApiResult<Option<PowSpend>> {
        if config.pow_bits == 0 {
            return Ok(None);
        }
        let solution = solution.ok_or(ApiError::new(ErrorCode::ProofOfWorkRequired))?;
        let invalid = || ApiError::new(ErrorCode::ProofOfWorkInvalid);
        let c = solution.challenge.0.as_slice();
        let (body, tag) = c.split_at_checked(CHALLENGE_BODY).ok_or_else(invalid)?;
        if tag.len() != 16 {
            return Err(invalid());
        }
        mac_of(&self.pow_key, &[body])?
            .verify_truncated_left(tag)
            .map_err(|_| invalid())?;
        let [version, kind, bits, rest @ ..] = body else {
            return Err(invalid());
        };
        let expires = rest
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(i64::from_be_bytes)
            .ok_or_else(invalid)?;
        let nonce: [u8; 8] = solution.nonce.array().ok_or_else(invalid)?;
        if *version != CHALLENGE_VERSION
            || *kind != purpose_byte(purpose)
            || expires <= now()
            || !pow::check(c, u64::from_be_bytes(nonce), *bits)
        {
            return Err(invalid());
        }
        Ok(Some(PowSpend {
            id: sha256(c),
            expires_at: expires,
        }))
    }

    /// Deterministic pseudo-random bytes for the decoy of `lookup_hash` (HMAC-SHA-256 in
    /// counter mode): the same unknown code always gets the same decoy.
    pub fn decoy_bytes(
        &self,
        lookup_hash: &[u8; 32],
        label: &[u8],
        len: usize,
    ) -> ApiResult<Vec<u8>> {
        // Key once, then clone the keyed state for each 32-byte block.
        let keyed = mac_of(&self.decoy_key, &[label, lookup_hash])?;
        let mut out = Vec::with_capacity(len + 32);
        let mut counter = 0u32;
        while out.len() < len {
            let mut block = keyed.clone();
            block.update(&counter.to_be_bytes());
            out.extend_from_slice(&block.finalize().into_bytes());
            counter = counter.wrapping_add(1);
        }
        out.truncate(len);
        Ok(out)
    }
}

fn purpose_byte(purpose: PowPurpose) -> u8 {
    match purpose {
        PowPurpose::Submit => 1,
        PowPurpose::Check => 2,
    }
}

/// Runs the background work of one process: the rate-count exchange every second, and the
/// purge job (retention, expired records) every `purge_interval` seconds.
pub async fn background(abuse: Arc<Abuse>, store: Store, config: Arc<ServeConfig>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_purge = 0i64;
    loop {
        tick.tick().await;
        if let Err(e) = abuse.exchange(&store).await {
            tracing::warn!(code = ?e.code, "exchanging rate counts failed");
        }
        let now = now();
        if config.purge_interval > 0 && now - last_purge >= config.purge_interval {
            last_purge = now;
            match store.purge(now, now - config.upload_ttl).await {
                Ok(p) if p.reports + p.stale_uploads > 0 => {
                    tracing::info!(reports = p.reports, uploads = p.stale_uploads, "purged");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purge failed"),
            }
        }
    }
}
