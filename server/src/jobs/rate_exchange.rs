//! Every second: store this process's rate counts and learn the other instances' (the global
//! limits of `policy::rate`).

use std::sync::Arc;

use crate::clock::now;
use crate::policy::Abuse;
use crate::store::{Store, StoreError};

/// One exchange at `now`.
pub async fn exchange(abuse: &Abuse, store: &Store, now: i64) -> Result<(), StoreError> {
    let (minute, mine) = abuse.rates.mine(now);
    let others = store
        .exchange_rate_counts(abuse.rates.instance(), minute, &mine)
        .await?;
    abuse.rates.learn(minute, &others);
    Ok(())
}

/// Runs forever, once a second.
pub async fn run(abuse: Arc<Abuse>, store: Store) {
    let mut tick = super::every_second();
    loop {
        tick.tick().await;
        if let Err(e) = exchange(&abuse, &store, now()).await {
            tracing::warn!(error = %e, "exchanging rate counts failed");
        }
    }
}
