//! Every `purge_interval` seconds: delete what is due — cases past their retention (the rule
//! of last activity, or the date after a formal complaint's decision; `policy::retention`),
//! uploads left unfinished for longer than `upload_ttl`, expired records. `loket purge` runs
//! the same [`once`].

use std::sync::Arc;

use crate::clock::now;
use crate::config::ServeConfig;
use crate::store::{Purged, Store, StoreError};

/// One purge run at `now` with the configured upload lifetime.
pub async fn once(store: &Store, config: &ServeConfig, now: i64) -> Result<Purged, StoreError> {
    store
        .purge(
            now,
            now.saturating_sub(config.retention.keep_no_complaint),
            now.saturating_sub(config.attachments.upload_ttl),
        )
        .await
}

/// Runs forever; does nothing when `purge_interval` is 0 (then only `loket purge` purges).
pub async fn run(store: Store, config: Arc<ServeConfig>) {
    let interval = config.retention.purge_interval;
    if interval <= 0 {
        return;
    }
    // Runs at the start of every interval by the wall clock (every full hour by default), not
    // counted from the process start: when a purge runs, and so its log line, depends on the
    // clock alone.
    let mut tick = super::every_second();
    let mut last = now().div_euclid(interval);
    loop {
        tick.tick().await;
        let now = now();
        let slot = now.div_euclid(interval);
        if slot <= last {
            continue;
        }
        last = slot;
        match once(&store, &config, now).await {
            Ok(p) if p.reports + p.stale_uploads > 0 => {
                tracing::info!(reports = p.reports, uploads = p.stale_uploads, "purged");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purge failed"),
        }
    }
}
