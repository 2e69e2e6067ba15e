//! `loket`: run the server and administer an instance. Holds no secret key of the team.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(loket_server::log_filter(
            &std::env::var("LOKET_LOG").unwrap_or_else(|_| "info".into()),
        ))
        .with_writer(std::io::stderr)
        .init();
    match loket_server::cli::run(loket_server::cli::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loket: {e}");
            ExitCode::FAILURE
        }
    }
}
