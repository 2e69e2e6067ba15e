//! The e-mail notice job: one `notices::step` at the start of every period.

use crate::clock::now;
use crate::notices::{Notifier, step};
use crate::store::Store;

/// Runs forever: at the start of every period (by the wall clock, checked every second),
/// one [`step`]. A process that starts mid-period waits for the next period's start, so a
/// restart does not send off schedule.
pub async fn run(store: Store, notifier: Notifier) {
    let mut tick = super::every_second();
    let mut last = notifier.slot(now());
    loop {
        tick.tick().await;
        let now = now();
        let slot = notifier.slot(now);
        if slot <= last {
            continue;
        }
        last = slot;
        if let Err(e) = step(&store, Some(&notifier), now).await {
            tracing::warn!(error = %e, "the e-mail notice step failed");
        }
    }
}
