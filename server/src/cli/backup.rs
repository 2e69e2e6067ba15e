//! `loket backup`: a consistent snapshot of the database, ciphertext only, in a new file (mode
//! 0600). SQLite: `VACUUM INTO` while the server runs. PostgreSQL: `pg_dump --format=custom`,
//! the route PostgreSQL documents for a consistent online copy. Either way the snapshot is
//! first written beside the target and only linked to its name once complete, so a failed
//! backup leaves no file that looks like one. The restore is in [`super::restore`]; the
//! deletion journal it replays is `store::journal` (docs/operations.md, "Backup and restore").

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use loket_wire::utc_time;

use crate::clock::{now, to_hour};
use crate::store::{Backend, Store};

use super::{Cli, CliError};

/// `loket backup --out FILE`.
pub(super) async fn backup(cli: &Cli, store: &Store, out: &Path) -> Result<(), CliError> {
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(CliError::File {
            action: "write",
            path: out.display().to_string(),
            reason: "it exists, and a backup never overwrites a file".into(),
        });
    }
    let partial = Partial::create(out)?;
    let hour = to_hour(now());
    store.mark_backup(hour).await?;
    let reports = store.report_count().await?;
    match store.backend() {
        Backend::Sqlite => store.vacuum_into(&partial.path).await?,
        Backend::Postgres => pg_dump(&super::database_url(cli)?, &partial.path).await?,
    }
    partial.finish(out)?;
    println!(
        "Wrote the backup {}: {reports} report(s), ciphertext only, taken in the hour of {}.\n\
         Keep the deletion journal {} with your backups: `loket restore` needs it to delete \
         again what was deleted after this backup (docs/operations.md).",
        out.display(),
        utc_time(hour),
        super::journal_path(cli).display()
    );
    Ok(())
}

/// A file being written beside its final name, readable by the owner only; removed unless
/// [`Partial::finish`] moves it into place.
pub(super) struct Partial {
    pub(super) path: PathBuf,
}

impl Partial {
    /// A new empty file `.<name>.partial-<random>` in `target`'s directory.
    pub(super) fn create(target: &Path) -> Result<Self, CliError> {
        let name = target
            .file_name()
            .map(OsStr::to_string_lossy)
            .ok_or_else(|| CliError::File {
                action: "write",
                path: target.display().to_string(),
                reason: "not a file name".into(),
            })?;
        let random = crate::store::random_bytes::<6>()?;
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = target.with_file_name(format!(".{name}.partial-{hex}"));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| CliError::File {
                action: "create",
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self { path })
    }

    /// Syncs the file and gives it the name `target`, which must not exist by then.
    pub(super) fn finish(self, target: &Path) -> Result<(), CliError> {
        let err = |reason: String| CliError::File {
            action: "write",
            path: target.display().to_string(),
            reason,
        };
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(|e| err(e.to_string()))?;
        // A hard link fails where the name is taken, unlike a rename.
        match std::fs::hard_link(&self.path, target) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                return Err(err("it exists, and a backup never overwrites a file".into()));
            }
            Err(e) => return Err(err(e.to_string())),
        }
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs one of PostgreSQL's client tools (`pg_dump`, `pg_restore`) with `args`; a failure
/// carries the tool's last lines of error output.
pub(super) async fn pg_tool(tool: &'static str, args: &[&OsStr]) -> Result<(), CliError> {
    let out = tokio::process::Command::new(tool)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| CliError::PgTool {
            tool,
            detail: if e.kind() == ErrorKind::NotFound {
                "not found: install PostgreSQL's client tools, of the server's major version \
                 or newer"
                    .into()
            } else {
                e.to_string()
            },
        })?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    Err(CliError::PgTool {
        tool,
        detail: format!(
            "{}: {}",
            out.status,
            lines[lines.len().saturating_sub(5)..].join(" / ")
        ),
    })
}

/// `pg_dump --format=custom` of `url` into `file`: one snapshot of the whole database (its
/// own repeatable-read transaction) while the servers go on writing.
async fn pg_dump(url: &str, file: &Path) -> Result<(), CliError> {
    let file_arg = format!("--file={}", file.display());
    let db_arg = format!("--dbname={url}");
    pg_tool(
        "pg_dump",
        &[
            OsStr::new("--format=custom"),
            OsStr::new("--no-owner"),
            OsStr::new("--no-privileges"),
            OsStr::new(&file_arg),
            OsStr::new(&db_arg),
        ],
    )
    .await
}
