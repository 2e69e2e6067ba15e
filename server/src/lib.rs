//! loket-server: the `loket` binary's library. It stores ciphertext and serves the portal; it
//! links no decryption code (no chacha20poly1305, no x25519-dalek — checked in CI).

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod directory;
pub mod error;
pub mod held_log;
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
    for never in [
        "axum::serve=off",
        "hyper=off",
        "hyper_util=off",
        "h2=off",
        "sqlx::query=off",
    ] {
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

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight
/// (for at most 30 seconds). HTTP/1 connections that do not send their headers within
/// `timeouts.headers` are closed (the whole request's limit is the router's: `http::router`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    timeouts: config::Timeouts,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    held_log::hold(format!("accepting a connection failed: {e}"));
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is no error of ours.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
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
