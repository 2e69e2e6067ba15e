//! `--from-backup`: an export from a backup of the server's SQLite database (`loket backup`)
//! instead of a running server. The backup is copied into a temporary folder only this user
//! can open, and the server's own code (loket-server) serves the copy on a loopback port for as
//! long as the export takes, so the export reads it through the same API, with the same checks
//! of who may read what, as from a live server; the copy is deleted afterwards and the backup
//! itself is never written to. As ever, the server's code only routes ciphertext: everything is
//! opened and verified here, against the organisation key.
//!
//! Retention is not applied to the copy: a case the backup holds is exported even if the
//! server would have deleted it since. Each case's `deletes` says when that was due.

use std::path::Path;

use loket_server::{App, ServeConfig, Store};
use tokio::sync::oneshot;

use super::ExportError;
use crate::serve::Upstream;

/// The backup, served on 127.0.0.1 until [`Served::stop`].
pub(crate) struct Served {
    pub upstream: Upstream,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    store: Store,
    /// The copy; deleted when dropped.
    _copy: tempfile::TempDir,
}

fn failed(file: &Path, why: impl std::fmt::Display) -> ExportError {
    ExportError::Backup(format!("{}: {why}", file.display()))
}

/// Copies `file` and serves the copy.
pub(crate) async fn serve(file: &Path) -> Result<Served, ExportError> {
    if !std::fs::metadata(file)
        .map_err(|e| failed(file, e))?
        .is_file()
    {
        return Err(failed(file, "not a file"));
    }
    let copy = tempfile::Builder::new()
        .prefix("loket-export-")
        .tempdir()
        .map_err(|e| failed(file, e))?;
    // The database file's name in a data folder (loket_server::sqlite_url).
    std::fs::copy(file, copy.path().join("loket.db")).map_err(|e| failed(file, e))?;
    let url = loket_server::sqlite_url(copy.path()).map_err(|e| failed(file, e))?;
    let store = Store::connect(&url)
        .await
        .map_err(|e| failed(file, format!("not a Loket backup: {e}")))?;
    let mut config = ServeConfig::default();
    // Nothing runs but the API: no purge, no notices.
    config.retention.purge_interval = 0;
    let timeouts = config.http.timeouts;
    let app = App::build(store.clone(), config)
        .await
        .map_err(|e| failed(file, e))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| failed(file, e))?;
    let addr = listener.local_addr().map_err(|e| failed(file, e))?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = loket_server::serve(listener, app.router, timeouts, async {
            let _ = stopped.await;
        })
        .await;
    });
    let upstream =
        Upstream::parse(&format!("http://{addr}")).map_err(|e| failed(file, e.to_string()))?;
    Ok(Served {
        upstream,
        stop,
        task,
        store,
        _copy: copy,
    })
}

impl Served {
    /// Stops serving and deletes the copy.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        self.store.close().await;
    }
}
