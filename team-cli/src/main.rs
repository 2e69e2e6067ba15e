//! `loket-team`: the team's command-line tool for trusted machines. Everything that needs a
//! team secret key lives here or in the portal, never in the server binary: member keys, and
//! the organisation key that signs the team directory (crypto/SPEC.md §12), kept by its
//! custodian; and the export that decrypts a member's cases onto their machine (src/export/).

mod directory;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use loket_crypto::MemberSecretKey;
use loket_crypto::keyfile::{self, DEFAULT_PARAMS};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "loket-team",
    version,
    about = "Loket team tool: member keys, the organisation key and the team's app on a trusted machine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a member key file protected by a passphrase; print the public key and fingerprint.
    Keygen {
        /// Where to write the key file (refuses to overwrite).
        #[arg(long, short)]
        out: PathBuf,
        /// Read the passphrase from this file (first line) instead of the terminal.
        #[arg(long, conflicts_with = "generate_passphrase")]
        passphrase_file: Option<PathBuf>,
        /// Generate a random passphrase, print it once, and use it.
        #[arg(long)]
        generate_passphrase: bool,
    },
    /// Show the public key and fingerprint of a key file (no passphrase needed).
    Show { key_file: PathBuf },
    /// Check that a passphrase unlocks a key file.
    Unlock {
        key_file: PathBuf,
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Make the organisation's signing key (for its custodian); print its public key for
    /// `loket init --org-public-key`.
    OrgKeygen {
        /// Where to write the key file (refuses to overwrite).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Show an unsigned directory from `loket directory prepare`, sign it with the
    /// organisation key, and write the signed file for `loket directory publish --signed`.
    SignDirectory {
        /// The unsigned directory.
        unsigned: PathBuf,
        /// The organisation key file.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the signed directory (default: <unsigned>.signed).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Sign without asking (scripts); the summary is still printed.
        #[arg(long)]
        yes: bool,
    },
    /// Serve the team's app on this machine (a loopback address only) and pass its requests
    /// on to the Loket server; open the address it prints in a browser.
    Serve {
        /// The Loket server, `https://…` (plain `http://` only to a server on this machine).
        #[arg(long, env = "LOKET_SERVER")]
        server: String,
        /// Where to listen: a loopback address.
        #[arg(long, default_value = loket_team::serve::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
        /// Lock the app after this many minutes without use (1 to 1440).
        #[arg(long, env = "LOKET_IDLE_LOCK_MINUTES",
              default_value_t = loket_team::serve::DEFAULT_IDLE_LOCK_MINUTES,
              value_parser = clap::value_parser!(u32).range(1..=1440))]
        idle_lock_minutes: u32,
    },
    /// Decrypt every case this member can read onto this machine, for work without a
    /// network: per case `case.md`, `case.json` and the attachments, under a new folder.
    Export {
        /// The member's key file.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the export: a new or empty folder (only you can open it, 0700).
        #[arg(long, short)]
        out: PathBuf,
        /// The Loket server, `https://…` (plain `http://` only to a server on this machine).
        #[arg(long, env = "LOKET_SERVER", required_unless_present = "from_backup")]
        server: Option<String>,
        /// Read the cases from this backup of the server's SQLite database (`loket backup`)
        /// instead of a server; the backup is read through a copy and never changed.
        #[arg(long)]
        from_backup: Option<PathBuf>,
        /// The organisation's public key (lko1:…), which must have signed the server's team
        /// directory, as the portal's footer and `loket org-key` show it.
        #[arg(long, env = "LOKET_ORG_KEY")]
        org_key: String,
        /// Read the passphrase from this file (first line) instead of the terminal.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// The language of the Markdown: `en` or `nl`.
        #[arg(long, default_value = "en", value_parser = ["en", "nl"])]
        lang: String,
    },
    /// Check a receipt a reporter downloaded (crypto/SPEC.md §9.2): signed by the receipt key
    /// of a directory that the organisation key signed. Prints the hour and the envelope hash.
    /// Make the organisation's recovery key (crypto/SPEC.md §9.12) and split it into shares,
    /// one file each, of which `--threshold` recover it; print its public key for `loket
    /// recovery-key --key`. Give each share to a different person; keep none with the server.
    RecoveryKeygen {
        /// A new (or empty) folder for the share files.
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, default_value_t = 3)]
        shares: u8,
        #[arg(long, default_value_t = 2)]
        threshold: u8,
    },
    /// Join recovery shares and hand the cases of a member who lost their key to their new
    /// one (after `loket member remove` and `loket member add` with the new key).
    Recover {
        /// A share file; repeat for each (as many as the threshold).
        #[arg(long = "share", required = true)]
        shares: Vec<PathBuf>,
        /// The member's new key file.
        #[arg(long)]
        key: PathBuf,
        /// The Loket server (https://…).
        #[arg(long, env = "LOKET_SERVER")]
        server: String,
        /// The organisation's public key (lko1:…).
        #[arg(long, env = "LOKET_ORG_KEY")]
        org_key: String,
        /// Read the passphrase of the new key file from this file (first line).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    VerifyReceipt {
        /// The receipt file (`loket-receipt-….json`).
        receipt: PathBuf,
        /// The organisation's public key (lko1:…), as the portal's footer and `loket
        /// org-key` show it.
        #[arg(long)]
        org_key: String,
    },
}

fn read_passphrase(file: Option<&Path>, prompt: &str) -> Result<Zeroizing<String>, String> {
    let mut line = Zeroizing::new(String::new());
    match file {
        Some(path) => {
            let text = Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            );
            line.push_str(text.lines().next().unwrap_or(""));
        }
        // At a terminal: without echo, so the passphrase is not on the screen or in its
        // scrollback.
        None if std::io::stdin().is_terminal() => {
            return rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| format!("cannot read the passphrase: {e}"));
        }
        // Piped in (scripts): the first line.
        None => {
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the passphrase: {e}"))?;
            let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
            return Ok(trimmed);
        }
    }
    Ok(line)
}

/// Reads the key file at `path` and unlocks it with the passphrase (from `passphrase_file`, or
/// asked for).
fn unlock_key_file(
    path: &Path,
    passphrase_file: Option<&Path>,
) -> Result<loket_crypto::MemberSecretKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let locked = keyfile::parse(&text).map_err(|e| e.to_string())?;
    let passphrase = read_passphrase(passphrase_file, "Passphrase: ")?;
    locked.unlock(&passphrase).map_err(|e| e.to_string())
}

fn print_public(key: &loket_crypto::MemberPublicKey) {
    println!("public key:  {}", key.encode());
    println!("fingerprint: {}", key.fingerprint());
}

pub(crate) fn write_new(path: &Path, contents: &str) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(contents.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run(cli: Cli) -> Result<(), String> {
    let mut rng = rand::rng();
    match cli.command {
        Command::Keygen {
            out,
            passphrase_file,
            generate_passphrase,
        } => {
            if out.exists() {
                return Err(format!(
                    "{} exists; refusing to overwrite a key file",
                    out.display()
                ));
            }
            let passphrase = if generate_passphrase {
                let p = keyfile::generate_passphrase(&mut rng);
                println!("passphrase:  {}", p.as_str());
                p
            } else {
                read_passphrase(
                    passphrase_file.as_deref(),
                    "New passphrase for the key file: ",
                )?
            };
            let key = MemberSecretKey::generate(&mut rng);
            let armored = keyfile::encrypt(&mut rng, &key, &passphrase, DEFAULT_PARAMS)
                .map_err(|e| e.to_string())?;
            write_new(&out, &armored)?;
            println!("key file:    {}", out.display());
            print_public(&key.public());
        }
        Command::Show { key_file } => {
            let text = std::fs::read_to_string(&key_file)
                .map_err(|e| format!("cannot read {}: {e}", key_file.display()))?;
            let locked = keyfile::parse(&text).map_err(|e| e.to_string())?;
            print_public(&locked.public);
        }
        Command::Unlock {
            key_file,
            passphrase_file,
        } => {
            let key = unlock_key_file(&key_file, passphrase_file.as_deref())?;
            println!("unlocked");
            print_public(&key.public());
        }
        Command::OrgKeygen { out } => directory::org_keygen(&mut rng, &out)?,
        Command::SignDirectory {
            unsigned,
            key,
            out,
            yes,
        } => directory::sign(&unsigned, &key, out, yes)?,
        Command::RecoveryKeygen {
            out,
            shares,
            threshold,
        } => {
            let public =
                loket_team::recovery::keygen(&out, shares, threshold).map_err(|e| e.to_string())?;
            println!(
                "{shares} shares in {}; any {threshold} recover the key.",
                out.display()
            );
            print_public(&public);
        }
        Command::Recover {
            shares,
            key,
            server,
            org_key,
            passphrase_file,
        } => recover(&shares, &key, &server, &org_key, passphrase_file.as_deref())?,
        Command::VerifyReceipt { receipt, org_key } => {
            directory::verify_receipt(&receipt, &org_key)?
        }
        Command::Serve {
            server,
            listen,
            idle_lock_minutes,
        } => serve(&server, listen, idle_lock_minutes)?,
        Command::Export {
            key,
            out,
            server,
            from_backup,
            org_key,
            passphrase_file,
            lang,
        } => {
            use loket_team::export::Source;
            let source = match (from_backup, server) {
                (Some(file), _) => Source::Backup(file),
                (None, Some(server)) => Source::Server(
                    loket_team::serve::Upstream::parse(&server).map_err(|e| e.to_string())?,
                ),
                (None, None) => return Err("--server or --from-backup, please".into()),
            };
            export(
                &key,
                out,
                source,
                &org_key,
                passphrase_file.as_deref(),
                &lang,
            )?
        }
    }
    Ok(())
}

/// `loket-team recover`: joins the shares, unlocks the new key, hands the cases over.
fn recover(
    shares: &[PathBuf],
    key_file: &Path,
    server: &str,
    org_key: &str,
    passphrase_file: Option<&Path>,
) -> Result<(), String> {
    let organisation = loket_wire::keys::OrganisationKey::parse(org_key)
        .map_err(|e| format!("the organisation key: {e}"))?;
    let upstream = loket_team::serve::Upstream::parse(server).map_err(|e| e.to_string())?;
    let recovery = loket_team::recovery::join(shares).map_err(|e| e.to_string())?;
    let member = unlock_key_file(key_file, passphrase_file)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let done = runtime
        .block_on(loket_team::recovery::recover(
            &upstream,
            &organisation,
            &recovery,
            &member,
        ))
        .map_err(|e| e.to_string())?;
    println!("{} cases handed to the new key.", done.handed);
    if done.left > 0 {
        eprintln!(
            "loket-team: {} cases could not be recovered with this key (not sealed to it).",
            done.left
        );
    }
    Ok(())
}

/// `loket-team serve`: until Ctrl-C.
fn serve(server: &str, listen: std::net::SocketAddr, idle_minutes: u32) -> Result<(), String> {
    use loket_team::serve::{Settings, Upstream, check_listen, run};
    let settings = Settings {
        idle_lock: std::time::Duration::from_secs(u64::from(idle_minutes) * 60),
    };
    let upstream = Upstream::parse(server).map_err(|e| e.to_string())?;
    check_listen(listen).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        println!(
            "The team's app: http://{listen}/  (Loket server: {})",
            upstream.as_str()
        );
        println!("Stop with Ctrl-C.");
        // Started either way: the server may come up later; the app says so until then.
        if let Err(why) = loket_team::serve::check_server(&upstream).await {
            eprintln!(
                "loket-team: warning: cannot reach the Loket server ({why}). Check --server and, \
                 for https, that this machine trusts the server's certificate."
            );
        }
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        run(listener, upstream, settings, stop)
            .await
            .map_err(|e| e.to_string())
    })
}

/// `loket-team export`: unlocks the key, then exports; prints counts only.
fn export(
    key_file: &Path,
    out: PathBuf,
    source: loket_team::export::Source,
    org_key: &str,
    passphrase_file: Option<&Path>,
    lang: &str,
) -> Result<(), String> {
    use loket_team::export::{Lang, Options, export};
    let options = Options {
        source,
        organisation: loket_wire::keys::OrganisationKey::parse(org_key)
            .map_err(|e| format!("the organisation key: {e}"))?,
        out,
        lang: Lang::parse(lang).unwrap_or_default(),
    };
    let key = unlock_key_file(key_file, passphrase_file)?;
    // Two threads: a backup is served in this process while it is read.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let summary = runtime.block_on(export(&key, &options)).map_err(|e| {
        // Stopped half-way (the network, the disk): say so, rather than leave a folder that
        // looks like an export.
        let written = std::fs::read_dir(&options.out).is_ok_and(|mut d| d.next().is_some());
        if written && !matches!(e, loket_team::export::ExportError::NotEmpty(_)) {
            format!(
                "{e}\nThe export in {} is incomplete: delete it and export again.",
                options.out.display()
            )
        } else {
            e.to_string()
        }
    })?;
    println!(
        "exported {} cases and {} attachments to {}",
        summary.cases,
        summary.attachments,
        options.out.display()
    );
    if summary.problems > 0 {
        eprintln!(
            "loket-team: {} items did not open, verify or download; each is listed in {}",
            summary.problems,
            options.out.join("index.md").display()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loket-team: {e}");
            ExitCode::FAILURE
        }
    }
}
