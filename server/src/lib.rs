//! loket-server: the `loket` binary's library. It stores ciphertext and serves the portal; it
//! links no decryption code (no chacha20poly1305, no x25519-dalek — checked in CI).

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod directory;
pub mod error;
pub mod http;
pub mod jobs;
pub mod notices;
pub mod policy;
pub mod store;

use std::path::Path;

pub use app::App;
pub use config::ServeConfig;
pub use directory::{DirectoryError, OrganisationSigner, publish};
pub use notices::{NoticeError, Notifier};
pub use store::{Backend, Store, StoreError};

/// The log filter for `spec` (`LOKET_LOG`, a tracing filter such as `info` or `trace`), with
/// the targets that would log a client's address switched off whatever `spec` says: at TRACE,
/// `axum::serve` names every accepted connection's peer address.
pub fn log_filter(spec: &str) -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_new(spec)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for never in ["axum::serve=off"] {
        if let Ok(directive) = never.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// The SQLite URL for the database file in `data_dir`, creating the directory if needed.
pub fn sqlite_url(data_dir: &Path) -> std::io::Result<String> {
    std::fs::create_dir_all(data_dir)?;
    let file = data_dir.join("loket.db");
    Ok(format!("sqlite://{}?mode=rwc", file.display()))
}

/// Serves `router` on `listener` until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
