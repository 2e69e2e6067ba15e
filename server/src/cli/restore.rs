//! `loket restore --from FILE`: a backup from `loket backup` into a fresh instance. The backup
//! is brought back under a temporary name (a file beside the database, or a new PostgreSQL
//! database), migrated to this version, cleaned of what was deleted after it was taken (the
//! deletion journal, `store::journal`) and of what retention says is due, and only then moved
//! to the instance's name. A restore that fails leaves nothing behind (docs/operations.md,
//! "Backup and restore").

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use loket_wire::utc_time;

use crate::clock::now;
use crate::config::{PolicyArgs, ServeConfig};
use crate::jobs::purge;
use crate::store::journal::{self, JournalContents};
use crate::store::{Store, random_bytes};

use super::backup::pg_tool;
use super::{Cli, CliError};

/// The flags of `loket restore`.
pub(super) struct RestoreArgs<'a> {
    pub from: &'a Path,
    pub journals: &'a [PathBuf],
    pub without_journal: bool,
    pub accept_journal_gap: bool,
    pub limits: &'a PolicyArgs,
}

/// What a restore did, for its closing lines.
struct Restored {
    mark: Option<i64>,
    in_backup: i64,
    replayed: u64,
    purged: u64,
    now: i64,
}

/// `loket restore`.
pub(super) async fn restore(cli: &Cli, args: &RestoreArgs<'_>) -> Result<(), CliError> {
    let config = args.limits.apply(ServeConfig::default())?;
    let journals = read_journals(cli, args)?;
    // The connections below are made before any `Store`, which installs them otherwise.
    sqlx::any::install_default_drivers();
    let target = match &cli.database_url {
        Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
            check_magic(
                args.from,
                b"PGDMP",
                "a PostgreSQL backup (pg_dump custom format)",
            )?;
            restore_postgres(url, args, &journals, &config).await?
        }
        _ => {
            check_magic(args.from, b"SQLite format 3\0", "a SQLite backup")?;
            restore_sqlite(cli, args, &journals, &config).await?
        }
    };
    adopt_journal(cli, &journals);
    let (target, done) = target;
    let mark = done
        .mark
        .map_or_else(|| "no time (an older or hand-made backup)".into(), utc_time);
    println!(
        "Restored {} into {target}.\n\
         The backup held {} report(s) and was taken in the hour of {mark}.\n\
         Deleted again, as the deletion journal lists them: {} report(s).\n\
         Purged, as retention says: {} report(s).\n\
         Reports now: {}. Start the server with `loket serve`.",
        args.from.display(),
        done.in_backup,
        done.replayed,
        done.purged,
        done.now
    );
    Ok(())
}

/// The journals to replay: those named, or the instance's own; refuses to go on without one
/// unless told to.
fn read_journals(
    cli: &Cli,
    args: &RestoreArgs<'_>,
) -> Result<Vec<(PathBuf, JournalContents)>, CliError> {
    if args.without_journal {
        return Ok(Vec::new());
    }
    let paths = if args.journals.is_empty() {
        vec![super::journal_path(cli)]
    } else {
        args.journals.to_vec()
    };
    let mut journals = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(CliError::NoJournal(path.display().to_string()));
        }
        let contents = journal::read(&path)?;
        if contents.unreadable > 0 {
            eprintln!(
                "loket: {}: {} unreadable line(s) skipped (an append cut short by a crash)",
                path.display(),
                contents.unreadable
            );
        }
        journals.push((path, contents));
    }
    Ok(journals)
}

/// Refuses a file that does not begin as `kind` does.
fn check_magic(path: &Path, magic: &[u8], kind: &str) -> Result<(), CliError> {
    use std::io::Read;
    let mut head = vec![0u8; magic.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map_err(|e| CliError::File {
            action: "read",
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    if head != magic {
        return Err(CliError::RestoreRefused(format!(
            "{} is not {kind}; a SQLite backup goes into a data directory, a PostgreSQL one \
             into the database DATABASE_URL names",
            path.display()
        )));
    }
    Ok(())
}

/// On the restored database under its temporary name: migrations (by opening it), the
/// journal's deletions, the retention purge.
async fn clean(
    url: &str,
    journals: &[(PathBuf, JournalContents)],
    config: &ServeConfig,
    accept_gap: bool,
) -> Result<Restored, CliError> {
    let store = Store::connect(url).await.map_err(CliError::OpenDatabase)?;
    let result = clean_store(&store, journals, config, accept_gap).await;
    store.close().await;
    result
}

async fn clean_store(
    store: &Store,
    journals: &[(PathBuf, JournalContents)],
    config: &ServeConfig,
    accept_gap: bool,
) -> Result<Restored, CliError> {
    let mark = store.backup_mark().await?;
    for (path, contents) in journals {
        match mark {
            Some(mark) if contents.since > mark && !accept_gap => {
                return Err(CliError::JournalGap {
                    journal: path.display().to_string(),
                    since: utc_time(contents.since),
                    mark: utc_time(mark),
                });
            }
            None => eprintln!(
                "loket: the backup carries no time, so whether {} (from {}) covers every \
                 deletion since it cannot be checked",
                path.display(),
                utc_time(contents.since)
            ),
            Some(_) => {}
        }
    }
    let in_backup = store.report_count().await?;
    let deleted = journals
        .iter()
        .flat_map(|(_, c)| c.deleted.iter().cloned())
        .collect();
    let replayed = store.replay_deletions(&deleted).await?;
    let purged = purge::once(store, config, now()).await?.reports;
    Ok(Restored {
        mark,
        in_backup,
        replayed,
        purged,
        now: store.report_count().await?,
    })
}

/// SQLite: into `loket.db` of the data directory (or the file a sqlite: URL names), which must
/// not exist.
async fn restore_sqlite(
    cli: &Cli,
    args: &RestoreArgs<'_>,
    journals: &[(PathBuf, JournalContents)],
    config: &ServeConfig,
) -> Result<(String, Restored), CliError> {
    let target = sqlite_target(cli)?;
    for file in [target.clone(), with_suffix(&target, "-wal")] {
        if std::fs::symlink_metadata(&file).is_ok() {
            return Err(CliError::RestoreRefused(format!(
                "{} exists; restore only into a fresh data directory (move the old database \
                 and its -wal and -shm files away first)",
                file.display()
            )));
        }
    }
    let partial = super::backup::Partial::create(&target)?;
    std::fs::copy(args.from, &partial.path).map_err(|e| CliError::File {
        action: "copy",
        path: args.from.display().to_string(),
        reason: e.to_string(),
    })?;
    std::fs::set_permissions(&partial.path, std::fs::Permissions::from_mode(0o600))?;
    let url = format!("sqlite://{}?mode=rw", partial.path.display());
    let result = match quick_check(&url).await {
        Ok(()) => clean(&url, journals, config, args.accept_journal_gap).await,
        Err(e) => Err(CliError::RestoreRefused(format!(
            "{} is not a sound SQLite database: {e}",
            args.from.display()
        ))),
    };
    // One file again: out of WAL mode, the log is folded in and removed.
    let single = single_file(&url).await;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&partial.path, suffix));
    }
    let restored = result?;
    single?;
    partial.finish(&target)?;
    Ok((target.display().to_string(), restored))
}

/// SQLite's `PRAGMA quick_check` on one connection: a damaged backup is refused at once.
async fn quick_check(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let rows = sqlx::query("PRAGMA quick_check").fetch_all(&mut conn).await;
    let _ = conn.close().await;
    let first: Option<String> = match rows?.first() {
        Some(row) => Some(sqlx::Row::try_get(row, 0)?),
        None => None,
    };
    match first.as_deref() {
        Some("ok") => Ok(()),
        other => Err(sqlx::Error::Protocol(format!(
            "quick_check says {}",
            other.unwrap_or("nothing")
        ))),
    }
}

/// Leaves WAL mode on the SQLite file at `url` (the next `loket serve` turns it on again).
async fn single_file(url: &str) -> Result<(), CliError> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .map_err(|e| CliError::OpenDatabase(e.into()))?;
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await
        .map_err(crate::store::StoreError::from)?;
    conn.close()
        .await
        .map_err(|e| CliError::OpenDatabase(e.into()))
}

/// The SQLite file of this instance.
fn sqlite_target(cli: &Cli) -> Result<PathBuf, CliError> {
    let path = match &cli.database_url {
        Some(url) => {
            let rest = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .ok_or(CliError::OpenDatabase(
                    crate::store::StoreError::UnsupportedUrl,
                ))?;
            PathBuf::from(rest.split('?').next().unwrap_or(rest))
        }
        None => cli.data_dir.join("loket.db"),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| CliError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(path)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// After a restore with a journal from elsewhere into an instance that has none yet: that
/// journal becomes the instance's own, so an older backup restored later still meets every
/// deletion it would bring back. The restore has succeeded by then: a failure here is a warning.
fn adopt_journal(cli: &Cli, journals: &[(PathBuf, JournalContents)]) {
    let own = super::journal_path(cli);
    let [(path, _)] = journals else {
        return;
    };
    if own.exists() || path == &own {
        return;
    }
    let copied = (|| {
        if let Some(dir) = own.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let partial = super::backup::Partial::create(&own)?;
        std::fs::copy(path, &partial.path)?;
        partial.finish(&own)
    })();
    match copied {
        Ok(()) => println!(
            "The journal {} is now this instance's {}.",
            path.display(),
            own.display()
        ),
        Err(e) => eprintln!(
            "loket: the database is restored, but {} could not be copied to {} ({e}); copy it \
             there before `loket serve`",
            path.display(),
            own.display()
        ),
    }
}

/// A PostgreSQL URL split around its database name: `(before, name, after)`, where `after` is
/// the query string with its `?`, if any.
fn split_pg_url(url: &str) -> Option<(&str, &str, &str)> {
    let (path_end, after) = match url.find('?') {
        Some(q) => (q, &url[q..]),
        None => (url.len(), ""),
    };
    let scheme_end = url.find("://")? + 3;
    let slash = url[scheme_end..path_end].find('/')? + scheme_end;
    let name = &url[slash + 1..path_end];
    (!name.is_empty()).then_some((&url[..=slash], name, after))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// PostgreSQL: into the database the URL names, which must not exist or be empty. The dump is
/// restored into a new database `<name>_restore_<random>` (so the role needs CREATEDB), cleaned
/// there, and renamed to the target's name.
async fn restore_postgres(
    url: &str,
    args: &RestoreArgs<'_>,
    journals: &[(PathBuf, JournalContents)],
    config: &ServeConfig,
) -> Result<(String, Restored), CliError> {
    let (before, name, after) = split_pg_url(url)
        .ok_or_else(|| CliError::RestoreRefused("DATABASE_URL names no database".into()))?;
    pg_target_state(url, name).await?;
    let hex: String = random_bytes::<4>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let prefix: String = name.chars().take(40).collect();
    let temp = format!("{prefix}_restore_{hex}");
    let temp_url = format!("{before}{temp}{after}");
    let admin_url = format!("{before}postgres{after}");
    pg_admin(
        &admin_url,
        &format!("CREATE DATABASE {}", quote_ident(&temp)),
    )
    .await?;
    let renamed = match load_and_clean(&temp_url, args, journals, config).await {
        Ok(restored) => move_into_place(url, &admin_url, &temp, name)
            .await
            .map(|()| restored),
        Err(e) => Err(e),
    };
    if renamed.is_err() {
        let _ = pg_admin(
            &admin_url,
            &format!("DROP DATABASE IF EXISTS {}", quote_ident(&temp)),
        )
        .await;
    }
    Ok((format!("the database {name}"), renamed?))
}

/// Gives the restored database `temp` the target's name `name`, dropping the target first if
/// it exists (checked empty once more: nothing may have started writing to it meanwhile).
async fn move_into_place(
    url: &str,
    admin_url: &str,
    temp: &str,
    name: &str,
) -> Result<(), CliError> {
    if pg_target_state(url, name).await? {
        pg_admin(admin_url, &format!("DROP DATABASE {}", quote_ident(name))).await?;
    }
    pg_admin(
        admin_url,
        &format!(
            "ALTER DATABASE {} RENAME TO {}",
            quote_ident(temp),
            quote_ident(name)
        ),
    )
    .await
}

async fn load_and_clean(
    temp_url: &str,
    args: &RestoreArgs<'_>,
    journals: &[(PathBuf, JournalContents)],
    config: &ServeConfig,
) -> Result<Restored, CliError> {
    let db_arg = format!("--dbname={temp_url}");
    pg_tool(
        "pg_restore",
        &[
            OsStr::new("--exit-on-error"),
            OsStr::new("--single-transaction"),
            OsStr::new("--no-owner"),
            OsStr::new("--no-privileges"),
            OsStr::new(&db_arg),
            args.from.as_os_str(),
        ],
    )
    .await?;
    clean(temp_url, journals, config, args.accept_journal_gap).await
}

/// Whether the target database exists (it must then be empty); refuses one that holds tables.
async fn pg_target_state(url: &str, name: &str) -> Result<bool, CliError> {
    use sqlx::Connection;
    let mut conn = match sqlx::AnyConnection::connect(url).await {
        Ok(conn) => conn,
        Err(e) if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("3D000") => {
            return Ok(false);
        }
        Err(e) => return Err(CliError::OpenDatabase(e.into())),
    };
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(crate::store::StoreError::from)?;
    let _ = conn.close().await;
    let tables: i64 = sqlx::Row::try_get(&row, "n").map_err(crate::store::StoreError::from)?;
    if tables > 0 {
        return Err(CliError::RestoreRefused(format!(
            "the database {name} holds tables; restore only into a new or empty database"
        )));
    }
    Ok(true)
}

/// One statement on the server's `postgres` database (CREATE, DROP, ALTER DATABASE).
async fn pg_admin(admin_url: &str, statement: &str) -> Result<(), CliError> {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(admin_url)
        .await
        .map_err(|e| CliError::OpenDatabase(e.into()))?;
    let result = sqlx::query(statement).execute(&mut conn).await;
    let _ = conn.close().await;
    result
        .map(|_| ())
        .map_err(|e| CliError::RestoreRefused(format!("{statement}: {e}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::split_pg_url;

    #[test]
    fn splits_a_postgres_url_around_its_database() {
        assert_eq!(
            split_pg_url("postgres://u:p@host:5432/loket?sslmode=require"),
            Some(("postgres://u:p@host:5432/", "loket", "?sslmode=require"))
        );
        assert_eq!(
            split_pg_url("postgres://host/db"),
            Some(("postgres://host/", "db", ""))
        );
        assert_eq!(split_pg_url("postgres://host"), None);
        assert_eq!(split_pg_url("postgres://host/"), None);
    }
}
