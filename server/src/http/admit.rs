//! Admission of the reporter's requests: the lookup token's hash, the global rate limit and
//! the proof of work, for every endpoint that takes a follow-up code or a new report.

use loket_wire::pow::{PowPurpose, PowSolution};
use loket_wire::{B64, ErrorCode};

use super::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::policy::pow;
use crate::policy::rate::Kind;
use crate::store::{LookupHash, PowSpend};

/// The lookup hash of a 32-byte lookup token.
pub(super) fn lookup_hash(token: &B64) -> ApiResult<LookupHash> {
    let token: [u8; 32] = token
        .array()
        .ok_or(ApiError::new(ErrorCode::InvalidField))?;
    Ok(LookupHash::of(&token))
}

/// The proof-of-work purpose of a kind of request.
fn purpose(kind: Kind) -> PowPurpose {
    match kind {
        Kind::Submit => PowPurpose::Submit,
        Kind::Check => PowPurpose::Check,
    }
}

/// The global per-minute limit of a kind of request.
pub(super) fn limit(state: &AppState, kind: Kind) -> i64 {
    let rates = &state.config.limits.rates;
    match kind {
        Kind::Submit => rates.submit_per_minute,
        Kind::Check => rates.check_per_minute,
    }
}

/// The current difficulty for `purpose_of` requests.
pub(super) fn bits(state: &AppState, purpose_of: PowPurpose) -> u8 {
    let kind = match purpose_of {
        PowPurpose::Submit => Kind::Submit,
        PowPurpose::Check => Kind::Check,
    };
    pow::bits(&state.config.limits.pow, state.abuse.rates.rate(kind))
}

/// Checks a request's proof of work and only then counts it against the global limit: a
/// request without valid, unspent work at the current difficulty is refused before it counts
/// toward anything, so a flood of unpaid requests cannot rate-limit paying reporters.
pub(super) fn admit(
    state: &AppState,
    kind: Kind,
    solution: Option<&PowSolution>,
) -> ApiResult<Option<PowSpend>> {
    let now = now();
    let purpose = purpose(kind);
    // One bit of grace: a challenge issued just before the difficulty rose still counts.
    let least = bits(state, purpose).saturating_sub(1);
    let spend = state
        .abuse
        .pow
        .verify(&state.config.limits.pow, purpose, solution, least, now)?;
    if let Some(spend) = &spend {
        state.abuse.claims.claim(spend, now)?;
    }
    state.abuse.rates.count(kind, limit(state, kind), now)?;
    Ok(spend)
}

/// Admits a code check whose own write (if any) does not carry the proof of work: spends it
/// on its own, through the group commit.
pub(super) async fn admit_check(state: &AppState, solution: Option<&PowSolution>) -> ApiResult<()> {
    if let Some(spend) = admit(state, Kind::Check, solution)? {
        state.store.spend_pow(spend).await?;
    }
    Ok(())
}
