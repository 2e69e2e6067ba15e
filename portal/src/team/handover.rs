//! Handovers on unlock (crypto/SPEC.md §9.11): the cases this member reads that a member who
//! joined one of their roles later cannot read yet are handed to the newcomer here, without a
//! step of the member's own: `loket_client::handover::hand_over` checks the newcomer against the
//! verified directory and the case's own readers, and wraps each envelope's key to them.

use loket_portal::Ctx;
use loket_portal::api::team as api;
use loket_wire::api::Directory;

use crate::vault::{self, session_token};

/// Pages asked for at most in one go; what is left waits for the next unlock.
const MAX_PAGES: usize = 50;

/// Hands over every case it can, a page at a time, and says how many. A case that cannot be
/// handed over here (a newcomer the directory does not vouch for, a case this member cannot
/// open) stays owed: another member's app, or a later directory, may settle it.
pub async fn hand_over_all(ctx: Ctx, dir: Directory) {
    let mut handed = 0;
    for _ in 0..MAX_PAGES {
        let Some(token) = session_token() else { return };
        let Ok(page) = api::handovers(&token).await else {
            break;
        };
        let mut progress = false;
        for item in &page.handovers {
            let post = vault::with_member(|m| {
                loket_client::handover::hand_over(&mut rand::rng(), m.key.identity(), &dir, item)
            });
            let Some(Ok(post)) = post else { continue };
            if api::hand_over(&token, &post).await.is_ok() {
                handed += 1;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    if handed > 0 {
        ctx.info("handed-over", move |l| (l.team().handed_over)(handed));
    }
}
