//! The proof of work in front of the reporter's requests (docs/api.md, "Proof of work"),
//! solved in a Web Worker (src/work.rs) so the page stays responsive and shows how far it got.

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
    let show = move |done: u32| {
        ctx.busy("proof-of-work", |l| {
            let t = l.t();
            (t.pow_progress)(what(t), done)
        })
    };
    let challenge_bytes = challenge.challenge.0.clone();
    let nonce = match crate::work::solve(&challenge_bytes, challenge.bits, show).await {
        crate::work::Solved::Nonce(nonce) => nonce,
        crate::work::Solved::NoWorker => on_page(&challenge_bytes, challenge.bits, show).await,
    };
    match nonce {
        Some(nonce) => Ok(Some(PowSolution {
            challenge: challenge.challenge,
            nonce: loket_wire::B64(nonce.to_be_bytes().to_vec()),
        })),
        None => Err(ApiFailure::Api(ErrorCode::Unavailable)),
    }
}

/// The proof of work on the page, where no worker could start: a slice at a time, yielding
/// between them so the page can paint its progress.
async fn on_page(challenge: &[u8], bits: u8, show: impl Fn(u32)) -> Option<u64> {
    let mut search = pow::Search::new(challenge, bits);
    loop {
        match search.step() {
            pow::Step::Found(nonce) => return Some(nonce),
            pow::Step::Progress(done) => show(done),
            pow::Step::Exhausted => return None,
        }
        crate::browser::pause(0).await;
    }
}
