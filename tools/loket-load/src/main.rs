//! `loket-load`: load test of a running Loket server. See docs/load.md.
//!
//! ```sh
//! LOKET_POW_BITS=0 LOKET_RATE_LIMIT=0 loket --data-dir /tmp/loket-load serve --listen 127.0.0.1:8080 &
//! loket-load --url http://127.0.0.1:8080 --clients 64 --duration 10s --mode submit --verify
//! ```
//!
//! Exits with 0 when no request failed and, with `--verify`, no acknowledged report was lost;
//! with 1 otherwise, and with 2 when the run could not start.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use loket_load::{Config, Mode};
use loket_wire::keys::OrganisationKey;

#[derive(Parser)]
#[command(
    name = "loket-load",
    about = "Load test of a running Loket server: concurrent submissions and code checks"
)]
struct Args {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent clients, each with one request in flight at a time.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Length of the measured phase (10s, 500ms, 2m).
    #[arg(long, default_value = "10s", value_parser = loket_load::parse_duration)]
    duration: Duration,
    /// submit, check (code checks after unmeasured seeding submissions) or mixed.
    #[arg(long, default_value = "submit")]
    mode: Mode,
    /// Envelope size in bytes (real envelopes are padded to the portal's buckets).
    #[arg(long, default_value_t = 16 * 1024)]
    envelope_size: usize,
    /// Roles every report is addressed to (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "ccp")]
    roles: Vec<String>,
    /// After the run, read back every acknowledged submission and count the lost ones.
    #[arg(long)]
    verify: bool,
    /// Submissions made before a `check` run (not measured).
    #[arg(long, default_value_t = 256)]
    seed: usize,
    /// Concurrent clients of the seeding.
    #[arg(long, default_value_t = 1)]
    seed_clients: usize,
    /// Share of code checks with a known token; the rest use unknown tokens (a decoy thread expected).
    #[arg(long, default_value_t = 0.5)]
    known_share: f64,
    /// Share of submissions in `mixed` mode.
    #[arg(long, default_value_t = 0.2)]
    submit_share: f64,
    /// Distinct envelopes sealed before the run.
    #[arg(long, default_value_t = 8)]
    pool: usize,
    /// The organisation key (lko1:…, from `loket org-key`): verify the directory before
    /// sealing to it. Without it the directory is only parsed.
    #[arg(long)]
    org_key: Option<String>,
    /// Send `LOKT\x01` + random bytes instead of sealed envelopes.
    #[arg(long)]
    fake_envelopes: bool,
    /// Meanwhile, flood the server from this many tasks with unpaid and junk requests
    /// (docs/load.md, "Under a flood").
    #[arg(long, default_value_t = 0)]
    flood: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let org_key = match args
        .org_key
        .as_deref()
        .map(OrganisationKey::parse)
        .transpose()
    {
        Ok(key) => key,
        Err(e) => {
            eprintln!("loket-load: --org-key: {e}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        url: args.url,
        clients: args.clients,
        duration: args.duration,
        mode: args.mode,
        envelope_size: args.envelope_size,
        roles: args.roles,
        verify: args.verify,
        seed_reports: args.seed,
        seed_clients: args.seed_clients,
        known_share: args.known_share,
        submit_share: args.submit_share,
        pool: args.pool,
        org_key,
        fake_envelopes: args.fake_envelopes,
        flood: args.flood,
    };
    match loket_load::run(config).await {
        Ok(summary) => {
            print!("{}", summary.render());
            if summary.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("loket-load: {e}");
            ExitCode::from(2)
        }
    }
}
