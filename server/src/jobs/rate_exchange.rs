//! Every second: store this process's rate counts and learn the other instances' (the global
//! limits of `policy::rate`).

use std::sync::Arc;

use crate::clock::now;
use crate::config::{Rates, ServeConfig};
use crate::policy::Abuse;
use crate::policy::rate::Kind;
use crate::store::{Store, StoreError};

/// One exchange at `now`, under the limits `rates`.
pub async fn exchange(
    abuse: &Abuse,
    rates: &Rates,
    store: &Store,
    now: i64,
) -> Result<(), StoreError> {
    let limit = |kind| match kind {
        Kind::Submit => rates.submit_per_minute,
        Kind::Check => rates.check_per_minute,
    };
    let (minute, mine) = abuse.rates.mine(now, limit);
    let others = store
        .exchange_rate_counts(abuse.rates.instance(), minute, &mine)
        .await?;
    abuse.rates.learn(minute, &others);
    Ok(())
}

/// Runs forever, once a second.
pub async fn run(abuse: Arc<Abuse>, config: Arc<ServeConfig>, store: Store) {
    let mut tick = super::every_second();
    loop {
        tick.tick().await;
        if let Err(e) = exchange(&abuse, &config.limits.rates, &store, now()).await {
            tracing::warn!(error = %e, "exchanging rate counts failed");
        }
    }
}
