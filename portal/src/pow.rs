//! The proof of work in front of the reporter's requests (docs/api.md, "Proof of work"),
//! solved here in slices so the page stays responsive and shows how far it got.

use loket_wire::ErrorCode;
use loket_wire::pow::{self, PowPurpose, PowSolution};

use crate::api::{self, ApiFailure};
use crate::ctx::Ctx;
use crate::i18n::Texts;

/// Asks the server for a challenge and solves it; `what` names the step in the status line.
/// `None` when the server asks for no work.
pub async fn proof_of_work(
    ctx: Ctx,
    purpose: PowPurpose,
    what: fn(&Texts) -> &'static str,
) -> Result<Option<PowSolution>, ApiFailure> {
    let challenge = api::pow_challenge(purpose).await?;
    if challenge.bits == 0 {
        return Ok(None);
    }
    if challenge.bits > pow::MAX_BITS {
        return Err(ApiFailure::Api(ErrorCode::Unavailable));
    }
    // About 20 ms of hashing per slice on a laptop; progress is the share of the expected work.
    const SLICE: u64 = 1 << 14;
    let expected = pow::expected_tries(challenge.bits);
    let mut start = 0u64;
    loop {
        if let Some(nonce) = pow::solve_range(&challenge.challenge.0, challenge.bits, start, SLICE)
        {
            return Ok(Some(PowSolution {
                challenge: challenge.challenge,
                nonce: loket_wire::B64(nonce.to_be_bytes().to_vec()),
            }));
        }
        start = start.saturating_add(SLICE);
        let done = (start as f64 / expected * 100.0).min(99.0) as u32;
        ctx.busy("proof-of-work", |l| {
            let t = l.t();
            (t.pow_progress)(what(t), done)
        });
        crate::browser::pause(0).await;
    }
}
