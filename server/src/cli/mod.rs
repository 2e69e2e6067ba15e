//! The `loket` command line: the flags, one function per subcommand ([`serve`], [`admin`]),
//! and [`CliError`], what a command can fail with.

mod admin;
mod backup;
mod restore;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::app::BuildError;
use crate::config::{ConfigError, NoticeArgs, PolicyArgs, defaults};
use crate::directory::DirectoryError;
use crate::store::journal::Journal;
use crate::store::{Store, StoreError};

#[derive(Parser)]
#[command(
    name = "loket",
    version,
    about = "Loket: anonymous reporting with end-to-end encryption (server)"
)]
pub struct Cli {
    /// Directory for the SQLite database (used when DATABASE_URL is not set).
    #[arg(long, env = "LOKET_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…) or SQLite URL; default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// The organisation's signing key file (default: organisation.key in the data directory).
    /// Only the demo (`serve --demo`) and the demo's admin commands use it; a real instance's
    /// key stays with its custodian (`directory prepare`, `loket-team sign-directory`,
    /// `directory publish --signed`).
    #[arg(long, env = "LOKET_ORG_KEY_FILE", global = true)]
    org_key: Option<PathBuf>,
    /// The deletion journal: every deleted report's id and hour, outside the database, for
    /// `loket restore` to delete again what a backup brings back (default: deletions.journal
    /// in the data directory; with several servers on one PostgreSQL, each has its own).
    #[arg(long, env = "LOKET_DELETION_JOURNAL", global = true)]
    deletion_journal: Option<PathBuf>,
    /// Days the deletion journal keeps an entry: at least the age of the oldest backup you
    /// may restore.
    #[arg(long, env = "LOKET_JOURNAL_KEEP_DAYS", default_value_t = defaults::JOURNAL_KEEP_DAYS, global = true)]
    journal_keep_days: i64,
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
        #[arg(long, env = "LOKET_MAX_BODY", default_value_t = defaults::MAX_BODY)]
        max_body: usize,
        #[command(flatten)]
        limits: PolicyArgs,
        #[command(flatten)]
        notices: NoticeArgs,
        /// Demo mode: allow organisation.key in the data directory and re-sign the directory
        /// with it before it expires. Never for a real instance.
        #[arg(long, env = "LOKET_DEMO", value_parser = clap::builder::FalseyValueParser::new())]
        demo: bool,
    },
    /// Delete now what is due: closed cases past their retention, stale uploads, expired
    /// records. `serve` also does this every `--purge-interval` seconds.
    Purge {
        #[command(flatten)]
        limits: PolicyArgs,
    },
    /// Initialise an instance: organisation, deployment salt, default roles. With
    /// `--org-public-key`, record the custodian's key and sign nothing here; without it, make
    /// an organisation key file (`--org-key`) and publish the first directory (demo, tests).
    Init {
        #[arg(long, default_value = "Demo University")]
        organisation: String,
        /// The organisation's public key (lko1:…, from `loket-team org-keygen` on the
        /// custodian's machine).
        #[arg(long)]
        org_public_key: Option<String>,
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
    /// Set the team's statistics key and the units a reporter may name in the anonymous
    /// statistics part (both go into the signed directory).
    Statistics {
        /// The statistics key: a public key (lkm1:…) made with `loket-team keygen`, whose
        /// key file the team keeps for the annual report. Without it, no statistics part is
        /// sent.
        #[arg(long)]
        key: Option<String>,
        /// A faculty or service unit; repeat for each.
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// Set the organisation's recovery key (`loket-team recovery-keygen`), or clear it with
    /// `--none`. A case of a role with one member is sealed to it too (crypto/SPEC.md §9.12).
    RecoveryKey {
        /// The recovery key's public half (lkm1:…).
        #[arg(long, conflicts_with = "none", required_unless_present = "none")]
        key: Option<String>,
        /// List no recovery key.
        #[arg(long)]
        none: bool,
    },
    /// The signed team directory.
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Write a consistent snapshot of the database (ciphertext only) to a new file, while the
    /// server runs: SQLite's `VACUUM INTO`, or `pg_dump --format=custom` for PostgreSQL.
    Backup {
        /// The backup file to write (refuses to overwrite; mode 0600).
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Restore a backup into a fresh instance (an absent database file, or a new or empty
    /// PostgreSQL database), migrate it, delete again what the deletion journal lists, and
    /// purge what retention says is due.
    Restore {
        /// The backup file from `loket backup`.
        #[arg(long)]
        from: PathBuf,
        /// A deletion journal to replay; repeat for each server's. Default: this instance's
        /// (`--deletion-journal`).
        #[arg(long = "journal")]
        journals: Vec<PathBuf>,
        /// Restore without any journal: reports withdrawn or deleted after the backup come
        /// back (retention still purges what is due).
        #[arg(long, conflicts_with = "journals")]
        without_journal: bool,
        /// Restore although a journal begins after the backup was taken.
        #[arg(long)]
        accept_journal_gap: bool,
        #[command(flatten)]
        limits: PolicyArgs,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Write the unsigned body of the next directory, for `loket-team sign-directory`.
    Prepare {
        /// Where to write it (refuses to overwrite).
        #[arg(long, short)]
        out: PathBuf,
        /// Days until the directory expires.
        #[arg(long, default_value_t = crate::directory::DEFAULT_VALID_DAYS)]
        valid_days: i64,
    },
    /// Publish a directory signed with `loket-team sign-directory` (`--signed`), or, without
    /// it, sign the current roles and members here with the key file (demo, tests).
    Publish {
        /// The signed directory file.
        #[arg(long)]
        signed: Option<PathBuf>,
        /// Days until the directory expires (when signing here).
        #[arg(long, default_value_t = crate::directory::DEFAULT_VALID_DAYS)]
        valid_days: i64,
    },
    /// Print the published directory's serial, issue time and expiry.
    Status,
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
        /// The name in Dutch.
        #[arg(long)]
        name_nl: Option<String>,
        /// The description in Dutch.
        #[arg(long, default_value = "")]
        description_nl: String,
    },
    /// List roles.
    List,
}

/// What a command can fail with; printed as `loket: <message>`.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot create {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    OpenDatabase(StoreError),
    #[error("this instance is not initialised: run `loket init` first")]
    NotInitialised,
    #[error("this instance is already initialised")]
    AlreadyInitialised,
    #[error("no organisation key is recorded: run `loket init`")]
    NoOrganisationKey,
    #[error(
        "refusing to serve: the organisation key {0} is in the data directory. Move it to the \
         custodian's machine (docs/operations.md), or run `loket serve --demo` for a demo"
    )]
    KeyInDataDir(String),
    #[error("cannot {action} {path}: {reason}")]
    File {
        action: &'static str,
        path: String,
        reason: String,
    },
    #[error("the organisation public key is not usable: {0}")]
    OrgPublicKey(String),
    #[error("a member with this key already exists")]
    DuplicateMember,
    #[error("the member key is not usable: {0}")]
    MemberKey(String),
    #[error("a unit name must not be empty, nor longer than 200 bytes")]
    BadUnit,
    #[error(
        "{0}; the change is stored but the directory was not re-signed: run `loket directory prepare`, sign with `loket-team sign-directory`, then `loket directory publish --signed <file>`"
    )]
    NotRepublished(DirectoryError),
    #[error("cannot start: {0}")]
    Build(#[from] BuildError),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("refusing to restore: {0}")]
    RestoreRefused(String),
    #[error(
        "refusing to restore without a deletion journal: {0} does not exist. Name each \
         server's journal with --journal, or pass --without-journal to let reports deleted \
         after the backup come back (docs/operations.md)"
    )]
    NoJournal(String),
    #[error(
        "refusing to restore: the journal {journal} lists deletions from {since} on, but the \
         backup was taken at {mark}; reports deleted in between would come back. Use an older \
         copy of the journal, or --accept-journal-gap (docs/operations.md)"
    )]
    JournalGap {
        journal: String,
        since: String,
        mark: String,
    },
    #[error("{tool} failed: {detail}")]
    PgTool { tool: &'static str, detail: String },
    #[error("the deletion journal {0}")]
    Journal(#[from] crate::store::journal::JournalError),
}

/// Runs the command `cli` names.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Restore {
        from,
        journals,
        without_journal,
        accept_journal_gap,
        limits,
    } = &cli.command
    {
        let args = restore::RestoreArgs {
            from,
            journals,
            without_journal: *without_journal,
            accept_journal_gap: *accept_journal_gap,
            limits,
        };
        return restore::restore(&cli, &args).await;
    }
    let store = open_store(&cli).await?;
    match &cli.command {
        Command::Serve {
            listen,
            max_body,
            limits,
            notices,
            demo,
        } => {
            let custody = serve::custody(&cli, *demo)?;
            serve::serve(&store, listen, *max_body, limits, notices, custody).await
        }
        Command::Purge { limits } => serve::purge(&store, limits).await,
        Command::Init {
            organisation,
            org_public_key,
            exists_ok,
        } => match org_public_key {
            Some(key) => admin::init_custodian(&store, organisation, key, *exists_ok).await,
            None => admin::init(&cli, &store, organisation, *exists_ok).await,
        },
        Command::OrgKey => admin::org_key(&store).await,
        Command::Directory(DirectoryCommand::Prepare { out, valid_days }) => {
            admin::prepare(&store, out, *valid_days).await
        }
        Command::Directory(DirectoryCommand::Publish {
            signed: Some(file), ..
        }) => admin::publish_file(&store, file).await,
        Command::Directory(DirectoryCommand::Publish {
            signed: None,
            valid_days,
        }) => admin::sign_here(&cli, &store, *valid_days).await,
        Command::Directory(DirectoryCommand::Status) => admin::status(&store).await,
        Command::Member(MemberCommand::Add { name, roles, key }) => {
            admin::add_member(&cli, &store, name, roles, key).await
        }
        Command::Member(MemberCommand::List) => admin::list_members(&store).await,
        Command::Member(MemberCommand::Remove { id }) => {
            admin::remove_member(&cli, &store, id).await
        }
        Command::Role(RoleCommand::Add {
            id,
            name,
            description,
            name_nl,
            description_nl,
        }) => {
            let nl = name_nl.as_deref().map(|n| (n, description_nl.as_str()));
            admin::add_role(&cli, &store, id, (name, description), nl).await
        }
        Command::RecoveryKey { key, .. } => {
            admin::set_recovery_key(&cli, &store, key.as_deref()).await
        }
        Command::Statistics { key, units } => {
            admin::set_statistics(&cli, &store, key.as_deref(), units).await
        }
        Command::Role(RoleCommand::List) => admin::list_roles(&store).await,
        Command::Backup { out } => backup::backup(&cli, &store, out).await,
        // Handled above, before a database is opened.
        Command::Restore { .. } => Ok(()),
    }
}

/// Opens the instance's database with its deletion journal, which the commands that delete or
/// back up start if it is missing.
async fn open_store(cli: &Cli) -> Result<Store, CliError> {
    let url = database_url(cli)?;
    let store = Store::connect(&url).await.map_err(CliError::OpenDatabase)?;
    let keep = crate::config::days("journal-keep-days", cli.journal_keep_days)?;
    let journal = Journal::new(journal_path(cli), keep);
    if matches!(
        cli.command,
        Command::Serve { .. } | Command::Purge { .. } | Command::Backup { .. }
    ) {
        journal
            .create_if_missing(crate::clock::now())
            .map_err(|e| CliError::File {
                action: "create",
                path: journal.path().display().to_string(),
                reason: e.to_string(),
            })?;
    }
    Ok(store.with_journal(journal))
}

/// The database URL: `--database-url`, or SQLite in the data directory (made if missing).
fn database_url(cli: &Cli) -> Result<String, CliError> {
    match &cli.database_url {
        Some(url) => Ok(url.clone()),
        None => crate::sqlite_url(&cli.data_dir).map_err(|source| CliError::DataDir {
            path: cli.data_dir.display().to_string(),
            source,
        }),
    }
}

/// The deletion journal's file (`store::journal`).
fn journal_path(cli: &Cli) -> PathBuf {
    cli.deletion_journal
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("deletions.journal"))
}

fn org_key_path(cli: &Cli) -> PathBuf {
    cli.org_key
        .clone()
        .unwrap_or_else(|| cli.data_dir.join("organisation.key"))
}
