//! `loket serve` and `loket purge`.

use crate::app::App;
use crate::clock::now;
use crate::config::{Http, NoticeArgs, PolicyArgs, ServeConfig};
use crate::directory::OrganisationSigner;
use crate::jobs::{directory, purge};
use crate::store::Store;

use super::{Cli, CliError, org_key_path};

/// Who signs the directory while the server runs: `None` for a real instance (the key is with
/// its custodian), the key for a demo (`--demo`), which re-signs before the directory expires.
pub(super) type Custody = Option<Box<OrganisationSigner>>;

/// Refuses to serve with the organisation key in the data directory, unless in demo mode;
/// in demo mode, loads the key.
pub(super) fn custody(cli: &Cli, demo: bool) -> Result<Custody, CliError> {
    if demo {
        return Ok(Some(Box::new(OrganisationSigner::load(&org_key_path(
            cli,
        ))?)));
    }
    let beside = cli.data_dir.join("organisation.key");
    if std::fs::symlink_metadata(&beside).is_ok() {
        return Err(CliError::KeyInDataDir(beside.display().to_string()));
    }
    Ok(None)
}

/// Serves the portal and the API on `listen` until Ctrl-C or SIGTERM.
pub(super) async fn serve(
    store: &Store,
    listen: &str,
    max_body: usize,
    limits: &PolicyArgs,
    notices: &NoticeArgs,
    custody: Custody,
) -> Result<(), CliError> {
    if store.organisation().await?.is_none() {
        return Err(CliError::NotInitialised);
    }
    let signer = custody.map(|signer| {
        tracing::warn!("demo mode: this process holds the organisation key");
        *signer
    });
    // At start: a demo re-signs now if due (so it never serves an expired directory); a real
    // instance warns.
    directory::check(store, signer.as_ref(), now()).await?;
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
    let _directory = tokio::spawn(directory::run(store.clone(), signer));
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
