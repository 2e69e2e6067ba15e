//! `loket-dataset`: makes a realistic encrypted data set for the annual report on a running
//! Loket server, through its API (docs/load.md "A data set for the annual report").
//!
//! ```sh
//! LOKET_POW_BITS=0 LOKET_RATE_LIMIT=0 loket --data-dir /tmp/loket-data serve --listen 127.0.0.1:8080 &
//! loket-dataset --url http://127.0.0.1:8080 --org-key lko1:… --reports 10000 --seed 1 \
//!     --member m1=ccp.key --member m2=ombuds.key --member m3=adviser.key \
//!     --passphrase-file pass.txt --out truth.json
//! ```
//!
//! Exits with 0 when every case was made, 1 when one failed, 2 when the run could not start.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use loket_crypto::MemberSecretKey;
use loket_crypto::keyfile;
use loket_load::dataset::{self, DatasetConfig};
use loket_wire::keys::OrganisationKey;
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "loket-dataset",
    about = "Make an encrypted data set for the annual report on a running Loket server"
)]
struct Args {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The organisation key (lko1:…, from `loket org-key`): the directory must verify with it.
    #[arg(long)]
    org_key: String,
    /// Reports and registered contacts in all.
    #[arg(long, default_value_t = 1000)]
    reports: usize,
    /// Seeds every choice, so a seed makes the same data set.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A member who writes the casework: `ID=KEYFILE` (a key file of `loket-team keygen`).
    /// Repeat it for each member; every role that should get cases needs one.
    #[arg(long = "member", value_name = "ID=KEYFILE", required = true)]
    members: Vec<String>,
    /// The passphrase of the key files (first line of this file; the same for all).
    #[arg(long)]
    passphrase_file: PathBuf,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Share of the cases that are contacts registered from other channels.
    #[arg(long, default_value_t = 0.15)]
    registered_share: f64,
    /// Write the generated cases here as JSON (the facts a member sees; no texts).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Reads `ID=KEYFILE` pairs and unlocks each key file with the passphrase.
fn unlock_members(
    members: &[String],
    passphrase_file: &Path,
) -> Result<Vec<(String, MemberSecretKey)>, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(passphrase_file)
            .map_err(|e| format!("cannot read {}: {e}", passphrase_file.display()))?,
    );
    let passphrase = Zeroizing::new(text.lines().next().unwrap_or("").to_owned());
    members
        .iter()
        .map(|pair| {
            let (id, path) = pair
                .split_once('=')
                .ok_or_else(|| format!("--member {pair}: expected ID=KEYFILE"))?;
            let armored =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let key = keyfile::parse(&armored)
                .and_then(|locked| locked.unlock(&passphrase))
                .map_err(|e| format!("{path}: {e}"))?;
            Ok((id.to_owned(), key))
        })
        .collect()
}

/// Writes `done` of `total` to stderr every second until `total` is reached.
fn show_progress(done: Arc<AtomicUsize>, total: usize, started: Instant) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let n = done.load(Ordering::Relaxed);
            let rate = n as f64 / started.elapsed().as_secs_f64().max(0.001);
            eprint!("\r{n}/{total} cases, {rate:.0}/s   ");
            if n >= total {
                return;
            }
        }
    });
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let org_key = match OrganisationKey::parse(&args.org_key) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("loket-dataset: --org-key: {e}");
            return ExitCode::from(2);
        }
    };
    let members = match unlock_members(&args.members, &args.passphrase_file) {
        Ok(members) => members,
        Err(e) => {
            eprintln!("loket-dataset: {e}");
            return ExitCode::from(2);
        }
    };
    let progress = Arc::new(AtomicUsize::new(0));
    let mut config = DatasetConfig::new(&args.url, org_key, members);
    config.reports = args.reports;
    config.seed = args.seed;
    config.concurrency = args.concurrency;
    config.registered_share = args.registered_share;
    config.progress = Some(Arc::clone(&progress));
    let started = Instant::now();
    show_progress(progress, args.reports, started);
    let data = match dataset::generate(&config).await {
        Ok(data) => data,
        Err(e) => {
            eprintln!("\nloket-dataset: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "\r{} cases in {elapsed:.1} s ({:.0}/s)",
        data.cases.len(),
        data.cases.len() as f64 / elapsed.max(0.001)
    );
    if let Some(out) = &args.out {
        let json = match serde_json::to_vec_pretty(&data.truth()) {
            Ok(json) => json,
            Err(e) => {
                eprintln!("loket-dataset: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = std::fs::write(out, json) {
            eprintln!("loket-dataset: cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
