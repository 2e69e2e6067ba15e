//! `loket`: run the server and administer an instance. Holds no secret key of the team.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use loket_server::{
    Notifier, OrganisationSigner, ServeConfig, Store, StoreError, publish, router, serve,
    shutdown_signal, sqlite_url,
};
use loket_wire::keys::{MemberKeys, OrganisationKey};

#[derive(Parser)]
#[command(
    name = "loket",
    version,
    about = "Loket: anonymous reporting with end-to-end encryption (server)"
)]
struct Cli {
    /// Directory for the SQLite database (used when DATABASE_URL is not set).
    #[arg(long, env = "LOKET_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…) or SQLite URL; default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// The organisation's signing key file (default: organisation.key in the data directory).
    /// Only `init`, `member`, `role` and `directory` use it; `serve` never reads it.
    #[arg(long, env = "LOKET_ORG_KEY_FILE", global = true)]
    org_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal and the API.
    Serve {
        #[arg(long, env = "LOKET_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Largest accepted request body in bytes.
        #[arg(long, env = "LOKET_MAX_BODY", default_value_t = 2 * 1024 * 1024)]
        max_body: usize,
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        notices: NoticeArgs,
    },
    /// Delete now what is due: closed cases past their retention, stale uploads, expired
    /// records. `serve` also does this every `--purge-interval` seconds.
    Purge,
    /// Initialise an instance: organisation, deployment salt, default roles.
    Init {
        #[arg(long, default_value = "Demo University")]
        organisation: String,
        /// Succeed quietly when the instance is already initialised.
        #[arg(long)]
        exists_ok: bool,
    },
    /// Manage team members.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Manage roles.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Print the organisation's public key (lko1:…), which the portal is built with.
    OrgKey,
    /// The signed team directory.
    #[command(subcommand)]
    Directory(DirectoryCommand),
}

/// Abuse limits, deadlines and retention of `serve` (docs/operations.md).
#[derive(clap::Args, Clone, Debug)]
struct Limits {
    /// Proof-of-work difficulty in bits for submissions and code checks (0: off).
    #[arg(long, env = "LOKET_POW_BITS", default_value_t = 18)]
    pow_bits: u8,
    /// Global requests per minute of one kind above which the difficulty rises one bit per
    /// doubling (0: never).
    #[arg(long, env = "LOKET_POW_RAISE_PER_MINUTE", default_value_t = 60)]
    pow_raise_per_minute: i64,
    /// Global submissions per minute across all instances; code checks may be 10 times as
    /// many, team logins as many (0: no limit).
    #[arg(long, env = "LOKET_RATE_LIMIT", default_value_t = 600)]
    rate_limit: i64,
    /// First response due after arrival, hours.
    #[arg(long, env = "LOKET_FIRST_RESPONSE_HOURS", default_value_t = 24)]
    first_response_hours: i64,
    /// Acknowledgement due after arrival, days.
    #[arg(long, env = "LOKET_ACKNOWLEDGEMENT_DAYS", default_value_t = 7)]
    acknowledgement_days: i64,
    /// Feedback due after arrival, days.
    #[arg(long, env = "LOKET_FEEDBACK_DAYS", default_value_t = 91)]
    feedback_days: i64,
    /// Days a case closed without a formal complaint is kept after closing.
    #[arg(long, env = "LOKET_KEEP_NO_COMPLAINT_DAYS", default_value_t = 730)]
    keep_no_complaint_days: i64,
    /// Days a case with a formal complaint is kept after the decision.
    #[arg(long, env = "LOKET_KEEP_FORMAL_COMPLAINT_DAYS", default_value_t = 1826)]
    keep_formal_complaint_days: i64,
    /// Seconds between purge runs (0: only `loket purge`).
    #[arg(long, env = "LOKET_PURGE_INTERVAL", default_value_t = 3600)]
    purge_interval: i64,
    /// Largest attachment in MiB.
    #[arg(long, env = "LOKET_ATTACHMENT_MAX_MIB", default_value_t = 100)]
    attachment_max_mib: u64,
}

impl Limits {
    fn apply(&self, config: ServeConfig) -> ServeConfig {
        const HOUR: i64 = 3600;
        const DAY: i64 = 24 * HOUR;
        ServeConfig {
            pow_bits: self.pow_bits,
            pow_raise_per_minute: self.pow_raise_per_minute,
            submit_per_minute: self.rate_limit,
            check_per_minute: self.rate_limit.saturating_mul(10),
            login_per_minute: self.rate_limit,
            first_response_due: self.first_response_hours.saturating_mul(HOUR),
            acknowledgement_due: self.acknowledgement_days.saturating_mul(DAY),
            feedback_due: self.feedback_days.saturating_mul(DAY),
            keep_no_complaint: self.keep_no_complaint_days.saturating_mul(DAY),
            keep_formal_complaint: self.keep_formal_complaint_days.saturating_mul(DAY),
            purge_interval: self.purge_interval,
            attachment_max: self.attachment_max_mib.saturating_mul(1024 * 1024),
            ..config
        }
    }
}

/// E-mail notices to the team (docs/notices.md): off unless `--smtp-url` is given.
/// No `Debug`: the SMTP URL may hold a password.
#[derive(clap::Args, Clone)]
struct NoticeArgs {
    /// SMTP relay for e-mail notices to the team: smtp://[user:password@]host[:port], plain
    /// SMTP to a relay on this host or a trusted network, which does TLS onward (Loket links no
    /// TLS library). Not set: no notices (the default).
    #[arg(long, env = "LOKET_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of the notices.
    #[arg(long, env = "LOKET_NOTIFY_FROM", hide_env_values = true)]
    notify_from: Option<String>,
    /// Recipients of the notices, comma-separated.
    #[arg(
        long,
        env = "LOKET_NOTIFY_TO",
        value_delimiter = ',',
        hide_env_values = true
    )]
    notify_to: Vec<String>,
    /// Minutes between notice checks, aligned to the clock (60: on the hour). At most one
    /// notice per period, and only when a report or a reporter message arrived.
    #[arg(long, env = "LOKET_NOTIFY_EVERY", default_value_t = 60)]
    notify_every: i64,
}

impl NoticeArgs {
    /// The notice sender, or `None` when no SMTP server is configured.
    fn notifier(&self) -> Result<Option<Notifier>, String> {
        let Some(url) = &self.smtp_url else {
            if self.notify_from.is_some() || !self.notify_to.is_empty() {
                return Err("--notify-from and --notify-to need --smtp-url".into());
            }
            return Ok(None);
        };
        let from = self
            .notify_from
            .as_deref()
            .ok_or("--smtp-url needs --notify-from (the notices' sender address)")?;
        let notifier = Notifier::new(
            url,
            from,
            &self.notify_to,
            self.notify_every.saturating_mul(60),
        )
        .map_err(|e| e.to_string())?;
        Ok(Some(notifier))
    }
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Sign the current roles and members with the organisation key and publish them.
    Publish,
}

#[derive(Subcommand)]
enum MemberCommand {
    /// Add a member with the public key printed by `loket-team keygen`.
    Add {
        #[arg(long)]
        name: String,
        /// Role id; repeat for several roles.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The member's public key (lkm1:…).
        #[arg(long)]
        key: String,
    },
    /// List members with their roles and fingerprints.
    List,
    /// Remove a member (their sessions end at once).
    Remove { id: String },
}

#[derive(Subcommand)]
enum RoleCommand {
    /// Add a role (for example a faculty PhD confidential adviser).
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List roles.
    List,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn open_store(cli: &Cli) -> Result<Store, String> {
    let url = match &cli.database_url {
        Some(url) => url.clone(),
        None => sqlite_url(&cli.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", cli.data_dir.display()))?,
    };
    Store::connect(&url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

fn org_key_path(cli: &Cli) -> PathBuf {
    cli.org_key
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("organisation.key"))
}

/// Signs and publishes the directory after an admin change.
async fn republish(cli: &Cli, store: &Store) -> Result<(), String> {
    let path = org_key_path(cli);
    let signer = OrganisationSigner::load(&path).map_err(|e| {
        format!("{e}; the change is stored but the directory was not re-signed: run `loket directory publish --org-key <file>`")
    })?;
    let dir = publish(store, &signer, now())
        .await
        .map_err(|e| e.to_string())?;
    println!("Published the signed directory (serial {}).", dir.serial);
    Ok(())
}

async fn run(cli: Cli) -> Result<(), String> {
    let store = open_store(&cli).await?;
    match &cli.command {
        Command::Serve {
            listen,
            max_body,
            limits,
            notices,
        } => {
            if store
                .organisation()
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                return Err("this instance is not initialised: run `loket init` first".into());
            }
            if limits.pow_bits > loket_wire::pow::MAX_BITS {
                return Err(format!(
                    "--pow-bits must be at most {}",
                    loket_wire::pow::MAX_BITS
                ));
            }
            let notices = notices.notifier()?;
            if let Some(n) = &notices {
                tracing::info!(
                    every_minutes = n.period() / 60,
                    "e-mail notices to the team are on"
                );
            }
            let config = limits.apply(ServeConfig {
                max_body: *max_body,
                notices,
                ..ServeConfig::default()
            });
            let app = router(store.clone(), config)
                .await
                .map_err(|e| format!("cannot start: {e}"))?;
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            tracing::info!(address = %listen, backend = ?store.backend(), "serving Loket");
            println!("Loket is running at http://{listen}/");
            serve(listener, app, shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            tracing::info!("stopped");
        }
        Command::Init {
            organisation,
            exists_ok,
        } => {
            match store.init_organisation(organisation, now()).await {
                Ok(()) => println!("Initialised instance for {organisation}."),
                Err(StoreError::Conflict) if *exists_ok => {
                    println!("Instance already initialised.");
                }
                Err(StoreError::Conflict) => {
                    return Err("this instance is already initialised".into());
                }
                Err(e) => return Err(e.to_string()),
            }
            let path = org_key_path(&cli);
            if !path.exists() {
                let signer = OrganisationSigner::generate().map_err(|e| e.to_string())?;
                signer.save_new(&path).map_err(|e| e.to_string())?;
                println!(
                    "Created the organisation key {} (keep it safe; it signs the team directory).",
                    path.display()
                );
            }
            if store
                .signed_directory()
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                republish(&cli, &store).await?;
            }
            let signer = OrganisationSigner::load(&path).map_err(|e| e.to_string())?;
            println!(
                "Organisation key: {}\nFingerprint: {}",
                signer.public().encode(),
                signer.public().fingerprint()
            );
        }
        Command::Purge => {
            let now = now();
            let purged = store
                .purge(now, now - ServeConfig::default().upload_ttl)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Purged {} report(s) past their retention and {} unfinished upload(s).",
                purged.reports, purged.stale_uploads
            );
        }
        Command::OrgKey => {
            let org = store
                .organisation()
                .await
                .map_err(|e| e.to_string())?
                .ok_or("this instance is not initialised: run `loket init` first")?;
            let key = org
                .organisation_key
                .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
                .ok_or("no organisation key is recorded: run `loket init`")?;
            let key = OrganisationKey { ed25519: key };
            println!("{}", key.encode());
            eprintln!("fingerprint: {}", key.fingerprint());
        }
        Command::Directory(DirectoryCommand::Publish) => republish(&cli, &store).await?,
        Command::Member(MemberCommand::Add { name, roles, key }) => {
            let keys = MemberKeys::parse(key).map_err(|e| e.to_string())?;
            let id = match store.add_member(name, &keys, roles, now()).await {
                Ok(id) => id,
                Err(StoreError::Conflict) => {
                    return Err("a member with this key already exists".into());
                }
                Err(e) => return Err(e.to_string()),
            };
            println!(
                "Added member {id} ({name}), roles {}, fingerprint {}",
                roles.join(", "),
                keys.fingerprint()
            );
            republish(&cli, &store).await?;
        }
        Command::Member(MemberCommand::List) => {
            for m in store.members().await.map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{}\t{}",
                    m.id,
                    m.name,
                    m.roles.join(","),
                    m.keys.fingerprint()
                );
            }
        }
        Command::Member(MemberCommand::Remove { id }) => {
            store.remove_member(id).await.map_err(|e| e.to_string())?;
            println!("Removed member {id}.");
            republish(&cli, &store).await?;
        }
        Command::Role(RoleCommand::Add {
            id,
            name,
            description,
        }) => {
            store
                .add_role(id, name, description)
                .await
                .map_err(|e| e.to_string())?;
            println!("Added role {id}.");
            republish(&cli, &store).await?;
        }
        Command::Role(RoleCommand::List) => {
            for r in store.roles().await.map_err(|e| e.to_string())? {
                println!("{}\t{}\t{}", r.id, r.name, r.description);
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(loket_server::log_filter(
            &std::env::var("LOKET_LOG").unwrap_or_else(|_| "info".into()),
        ))
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loket: {e}");
            ExitCode::FAILURE
        }
    }
}
