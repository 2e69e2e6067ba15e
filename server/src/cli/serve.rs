//! `loket serve` and `loket purge`.

use crate::app::App;
use crate::clock::now;
use crate::config::{Http, NoticeArgs, PolicyArgs, ServeConfig};
use crate::jobs::purge;
use crate::store::Store;

use super::CliError;

/// Serves the portal and the API on `listen` until Ctrl-C or SIGTERM.
pub(super) async fn serve(
    store: &Store,
    listen: &str,
    max_body: usize,
    limits: &PolicyArgs,
    notices: &NoticeArgs,
) -> Result<(), CliError> {
    if store.organisation().await?.is_none() {
        return Err(CliError::NotInitialised);
    }
    let config = limits.apply(ServeConfig {
        http: Http {
            max_body,
            ..Http::default()
        },
        ..ServeConfig::default()
    })?;
    let notices = notices.notifier()?;
    if let Some(n) = &notices {
        tracing::info!(
            every_minutes = n.period() / 60,
            "e-mail notices to the team are on"
        );
    }
    let timeouts = config.http.timeouts;
    let app = App::build(store.clone(), ServeConfig { notices, ..config }).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| CliError::Listen {
            address: listen.to_owned(),
            source,
        })?;
    let _jobs = app.jobs.start();
    tracing::info!(address = %listen, backend = ?store.backend(), "serving Loket");
    println!("Loket is running at http://{listen}/");
    crate::serve(listener, app.router, timeouts, crate::shutdown_signal()).await?;
    store.close().await;
    crate::held_log::flush();
    tracing::info!("stopped");
    Ok(())
}

/// Deletes now what is due, with the configured retention and upload lifetime.
pub(super) async fn purge(store: &Store, limits: &PolicyArgs) -> Result<(), CliError> {
    let config = limits.apply(ServeConfig::default())?;
    let purged = purge::once(store, &config, now()).await?;
    println!(
        "Purged {} report(s) past their retention and {} unfinished upload(s).",
        purged.reports, purged.stale_uploads
    );
    Ok(())
}
