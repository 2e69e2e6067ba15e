//! The deletion journal: a file outside the database that lists every report deleted since
//! the journal began (a withdrawal, a spam deletion, the retention purge), each as the report's
//! random id and the hour of its deletion, nothing else. A backup is a copy of the database
//! from before some of these deletions; `loket restore` deletes again each listed report that
//! came back with it (docs/operations.md, "Backup and restore").
//!
//! The format, one line each:
//!
//! ```text
//! loket deletion journal 1
//! since <hour>              the journal lists every deletion from this hour on
//! <hour> <report id>        one deletion
//! ```
//!
//! A deletion is appended and synced before its transaction commits, so a committed deletion
//! is always listed (a listed one whose commit then failed names a report someone asked to
//! delete). Entries older than the journal's keep period are pruned by the purge job, which
//! moves `since` forward. Writers in several processes (`loket serve`, `loket purge`) take a
//! lock on the file.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::clock::to_hour;

use super::ReportId;

const MAGIC: &str = "loket deletion journal 1";

/// Where the journal is, and how long it keeps an entry (seconds).
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    keep: i64,
    /// One writer at a time within this process (the file lock is per open file).
    local: std::sync::Mutex<()>,
}

/// What a journal file says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalContents {
    /// Every deletion from this hour on is listed.
    pub since: i64,
    /// The deleted reports' ids.
    pub deleted: BTreeSet<ReportId>,
    /// Lines that could not be read: an append cut short by a crash, before its deletion
    /// committed.
    pub unreadable: usize,
}

/// A journal file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is not a Loket deletion journal")]
    NotAJournal(String),
}

impl Journal {
    /// The journal at `path`, keeping entries for `keep` seconds.
    pub fn new(path: PathBuf, keep: i64) -> Self {
        Self {
            path,
            keep,
            local: std::sync::Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts the journal at `now`'s hour if there is none yet (with its directory).
    pub fn create_if_missing(&self, now: i64) -> std::io::Result<()> {
        let _local = self.local.lock().unwrap_or_else(|e| e.into_inner());
        if self.path.exists() {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&self.path)
        {
            Ok(mut file) => {
                file.write_all(format!("{MAGIC}\nsince {}\n", to_hour(now)).as_bytes())?;
                file.sync_all()?;
                sync_dir(&self.path)
            }
            // Another process made it in between.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Appends the deletion of `id` at `now`'s hour and syncs it to disk.
    pub fn append(&self, id: &ReportId, now: i64) -> std::io::Result<()> {
        self.create_if_missing(now)?;
        let _local = self.local.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.open_locked()?;
        // A line cut short by a crash is ended first, so this entry stays readable.
        let end = file.seek(SeekFrom::End(0))?;
        let mut line = String::new();
        if end > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(end - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.push('\n');
            }
        }
        line.push_str(&format!("{} {id}\n", to_hour(now)));
        file.write_all(line.as_bytes())?;
        file.sync_all()
    }

    /// Drops the entries older than the keep period and moves `since` to where the kept ones
    /// begin; returns how many were dropped.
    pub fn prune(&self, now: i64) -> Result<usize, JournalError> {
        if !self.path.exists() {
            return Ok(0);
        }
        let io = |source| JournalError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let _local = self.local.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.open_locked().map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let cutoff = to_hour(now.saturating_sub(self.keep));
        let parsed = parse(&text, &self.path)?;
        if parsed.since >= cutoff {
            return Ok(0);
        }
        let mut kept = format!("{MAGIC}\nsince {cutoff}\n");
        let mut dropped = 0;
        for (hour, id) in entries(&text) {
            if hour >= cutoff {
                kept.push_str(&format!("{hour} {id}\n"));
            } else {
                dropped += 1;
            }
        }
        let tmp = self.path.with_extension("journal-prune");
        let mut new = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io)?;
        new.write_all(kept.as_bytes())
            .and_then(|()| new.sync_all())
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .and_then(|()| sync_dir(&self.path))
            .map_err(io)?;
        Ok(dropped)
    }

    /// The journal file opened for reading and appending, under an exclusive lock, and still
    /// the file at `path` (a prune may have replaced it while this waited for the lock).
    fn open_locked(&self) -> std::io::Result<File> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .append(true)
                .open(&self.path)?;
            file.lock()?;
            let current = std::fs::metadata(&self.path)?;
            let opened = file.metadata()?;
            if current.ino() == opened.ino() && current.dev() == opened.dev() {
                return Ok(file);
            }
        }
    }
}

/// Reads the journal at `path`.
pub fn read(path: &Path) -> Result<JournalContents, JournalError> {
    let text = std::fs::read_to_string(path).map_err(|source| JournalError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text, path)
}

fn parse(text: &str, path: &Path) -> Result<JournalContents, JournalError> {
    let not_a_journal = || JournalError::NotAJournal(path.display().to_string());
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err(not_a_journal());
    }
    let since = lines
        .next()
        .and_then(|l| l.strip_prefix("since "))
        .and_then(|h| h.parse::<i64>().ok())
        .ok_or_else(not_a_journal)?;
    let mut contents = JournalContents {
        since,
        ..JournalContents::default()
    };
    for line in lines {
        match entry(line) {
            Some((_, id)) => {
                contents.deleted.insert(id);
            }
            None => contents.unreadable += 1,
        }
    }
    Ok(contents)
}

/// The readable entries after the two header lines.
fn entries(text: &str) -> impl Iterator<Item = (i64, ReportId)> + '_ {
    text.lines().skip(2).filter_map(entry)
}

/// One entry: an hour and a report id (hex, as the store makes them).
fn entry(line: &str) -> Option<(i64, ReportId)> {
    let (hour, id) = line.split_once(' ')?;
    let hour = hour.parse::<i64>().ok()?;
    let hex = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| (hour, ReportId::from(id)))
}

/// Syncs the directory holding `path`, so a new or renamed file survives a crash.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::clock::{DAY, HOUR};

    #[test]
    fn appends_reads_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deletions.journal");
        let journal = Journal::new(path.clone(), 10 * DAY);
        let start = 1_800_000_000;
        journal.create_if_missing(start).unwrap();
        journal.append(&ReportId::from("aa01"), start + 5).unwrap();
        journal
            .append(&ReportId::from("bb02"), start + 20 * DAY)
            .unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.since, to_hour(start));
        assert_eq!(read_back.deleted.len(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("{} aa01\n", to_hour(start))));
        assert_eq!(to_hour(start) % HOUR, 0);

        assert_eq!(journal.prune(start + 21 * DAY).unwrap(), 1);
        let pruned = read(&path).unwrap();
        assert_eq!(pruned.since, to_hour(start + 11 * DAY));
        assert_eq!(
            pruned.deleted.into_iter().collect::<Vec<_>>(),
            [ReportId::from("bb02")]
        );
        let mode = std::fs::metadata(&path).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_line_cut_short_is_skipped_and_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deletions.journal");
        std::fs::write(&path, format!("{MAGIC}\nsince 0\n3600 aa01\n36")).unwrap();
        let journal = Journal::new(path.clone(), DAY);
        journal.append(&ReportId::from("cc03"), 7200).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.unreadable, 1);
        assert_eq!(read_back.deleted.len(), 2);
        std::fs::write(&path, "something else\n").unwrap();
        assert!(matches!(read(&path), Err(JournalError::NotAJournal(_))));
    }
}
