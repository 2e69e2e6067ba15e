//! Keeping the published team directory from expiring (crypto/SPEC.md §12.4). A real instance
//! cannot re-sign (its organisation key is with the custodian): it warns in its log from 14
//! days before the expiry. A demo (`loket serve --demo`) holds the key and re-signs itself when
//! less than half of the validity is left, so a demo never expires.

use std::time::Duration;

use crate::clock::{DAY, now};
use crate::directory::{
    DEFAULT_VALID_DAYS, DirectoryError, OrganisationSigner, due_for_signing, publish_for, published,
};
use crate::store::Store;

/// From how long before the expiry a real instance warns.
pub const WARN_BEFORE: i64 = 14 * DAY;

/// Checks the directory once now, then every day, until the runtime stops.
pub async fn run(store: Store, signer: Option<OrganisationSigner>) {
    let day = Duration::from_secs(DAY.unsigned_abs());
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + day, day);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = check(&store, signer.as_ref(), now()).await {
            tracing::error!(error = %e, "cannot check or re-sign the team directory");
        }
    }
}

/// One check: re-signs when `signer` is given (a demo) and the directory is due; otherwise
/// logs a warning when it expires within [`WARN_BEFORE`] or nothing usable is published.
pub async fn check(
    store: &Store,
    signer: Option<&OrganisationSigner>,
    now: i64,
) -> Result<(), DirectoryError> {
    let current = published(store).await?;
    if let Some(signer) = signer {
        if due_for_signing(current.as_ref(), now, DEFAULT_VALID_DAYS) {
            let dir = publish_for(store, signer, now, DEFAULT_VALID_DAYS).await?;
            tracing::info!(
                serial = dir.serial,
                expires = %loket_wire::utc_time(dir.expires),
                "demo: re-signed the team directory"
            );
        }
        return Ok(());
    }
    match current {
        None => tracing::warn!(
            "no usable team directory is published: the apps cannot send anything until the \
             administrator publishes one (loket directory prepare, loket-team sign-directory, \
             loket directory publish --signed)"
        ),
        Some(d) if d.expires <= now => tracing::error!(
            serial = d.serial,
            expired = %loket_wire::utc_time(d.expires),
            "the team directory has EXPIRED: the apps refuse it; publish a newly signed one"
        ),
        Some(d) if d.expires - now < WARN_BEFORE => tracing::warn!(
            serial = d.serial,
            expires = %loket_wire::utc_time(d.expires),
            "the team directory expires soon: prepare, sign and publish a new one before then"
        ),
        Some(_) => {}
    }
    Ok(())
}
