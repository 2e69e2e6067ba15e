//! `loket-team export`: everything a member can read, decrypted onto their own machine for
//! work without a network. It signs in as the team's app does (crypto/SPEC.md §9.5), after
//! verifying the server's team directory with the organisation key (§12.3); reads the inbox
//! page by page; opens and verifies each case with the member's key (§9.6, §9.9, §9.10); and
//! writes, per case, `<case id>/case.md` (for people, src/export/markdown.rs), `case.json`
//! (the same, structured, src/export/case.rs) and the decrypted attachments in
//! `<case id>/attachments/`; besides them `index.md`, `index.json` and the signed directory
//! as the server served it. Whatever did not open or verify is listed, in the case and in the
//! index, never left out. Nothing decrypted is printed: the command says how many. The cases
//! come from a running server, or from a backup of its database (src/export/backup.rs).

mod backup;
mod case;
pub(crate) mod files;
mod markdown;
pub(crate) mod remote;
pub mod texts;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use loket_client::{ClientError, DirectoryMemory};
use loket_crypto::MemberSecretKey;
use loket_wire::api::{Directory, Member};
use loket_wire::keys::OrganisationKey;
use serde::Serialize;
use zeroize::Zeroizing;

pub use case::FORMAT;
pub use texts::Lang;

use self::case::{ExportedCase, Wanted};
use self::remote::Remote;
use crate::serve::Upstream;

/// Why an export stopped.
#[derive(Debug)]
pub enum ExportError {
    /// The server could not be reached, or answered something that is not the API.
    Network(String),
    /// The server refused a request.
    Refused {
        path: String,
        status: u16,
    },
    /// The directory does not verify with the organisation key, or has expired.
    Directory(ClientError),
    /// The key is not a member's of the verified directory.
    NotInDirectory,
    /// The output folder exists and is not empty.
    NotEmpty(PathBuf),
    Write {
        path: PathBuf,
        why: String,
    },
    /// The backup cannot be read or served.
    Backup(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(why) => write!(f, "the Loket server: {why}"),
            Self::Refused { path, status } => {
                write!(f, "the Loket server answered {status} to {path}")
            }
            Self::Directory(e) => write!(f, "{e}"),
            Self::NotInDirectory => write!(
                f,
                "this key is not a member's in the team directory the organisation signed"
            ),
            Self::NotEmpty(dir) => write!(
                f,
                "{} exists and is not empty; export into a new or empty folder",
                dir.display()
            ),
            Self::Write { path, why } => write!(f, "cannot write {}: {why}", path.display()),
            Self::Backup(why) => write!(f, "the backup {why}"),
        }
    }
}

impl std::error::Error for ExportError {}

/// Where the cases come from.
pub enum Source {
    /// A running Loket server.
    Server(Upstream),
    /// A backup of a server's SQLite database (`loket backup`), read through a copy.
    Backup(PathBuf),
}

/// What to export, from where, to where.
pub struct Options {
    pub source: Source,
    /// The organisation's public key, which must have signed the server's directory.
    pub organisation: OrganisationKey,
    pub out: PathBuf,
    /// The language of the Markdown.
    pub lang: Lang,
}

/// What an export wrote: counts only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub cases: usize,
    pub attachments: usize,
    /// Things that did not open, verify or download, listed in `index.md`.
    pub problems: usize,
}

/// `index.json`: the export as a whole.
#[derive(Serialize)]
struct Index {
    format: &'static str,
    /// When the export was made (Unix seconds).
    exported: i64,
    /// The server's address, or `backup <file>`.
    source: String,
    organisation: String,
    directory_serial: i64,
    member_id: String,
    member_name: String,
    cases: Vec<IndexEntry>,
    /// Everything that did not open, verify or download, each naming its case.
    problems: Vec<String>,
}

#[derive(Serialize)]
struct IndexEntry {
    report_id: String,
    /// The case's folder, relative to the export.
    folder: String,
    kind: &'static str,
    received: i64,
    problems: usize,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Exports everything the member of `key` can read into `options.out`, which must be new or
/// empty.
pub async fn export(key: &MemberSecretKey, options: &Options) -> Result<Summary, ExportError> {
    files::prepare(&options.out)?;
    match &options.source {
        Source::Server(upstream) => {
            export_from(key, upstream, upstream.as_str().to_owned(), options).await
        }
        Source::Backup(file) => {
            let served = backup::serve(file).await?;
            let from = format!("backup {}", file.display());
            let done = export_from(key, &served.upstream, from, options).await;
            served.stop().await;
            done
        }
    }
}

/// The export from the server at `upstream`; `from` names the source in the index.
async fn export_from(
    key: &MemberSecretKey,
    upstream: &Upstream,
    from: String,
    options: &Options,
) -> Result<Summary, ExportError> {
    let signed = remote::fetch_directory(upstream).await?;
    let dir = loket_client::verify_fresh_directory(
        &signed,
        &options.organisation,
        now(),
        &mut DirectoryMemory::default(),
    )
    .map_err(ExportError::Directory)?;
    // A former member's messages verify against the directory that listed them (SPEC §12.6);
    // without a chain that checks out they are listed as not verified.
    let mut dir = dir;
    if let Ok(history) = remote::fetch_history(upstream).await {
        dir.former = loket_client::history::verify_history(&history, &dir, &options.organisation)
            .unwrap_or_default();
    }
    let public = key.public();
    let member = dir
        .members
        .iter()
        .find(|m| m.x25519.0 == public.x25519 && m.ed25519.0 == public.ed25519)
        .ok_or(ExportError::NotInDirectory)?
        .clone();
    let json = serde_json::to_vec_pretty(&signed).map_err(|e| ExportError::Write {
        path: options.out.join("directory.json"),
        why: e.to_string(),
    })?;
    files::write(&options.out.join("directory.json"), &json)?;
    let mut remote = Remote::sign_in(upstream, &dir, key, &member.id).await?;
    let done = export_cases(&mut remote, &dir, key, &member, from, options).await;
    remote.sign_out().await;
    done
}

async fn export_cases(
    remote: &mut Remote<'_>,
    dir: &Directory,
    key: &MemberSecretKey,
    member: &Member,
    from: String,
    options: &Options,
) -> Result<Summary, ExportError> {
    let inbox = remote.inbox().await?;
    let mut index = Index {
        format: FORMAT,
        exported: now(),
        source: from,
        organisation: dir.organisation.clone(),
        directory_serial: dir.serial,
        member_id: member.id.clone(),
        member_name: member.name.clone(),
        cases: Vec::new(),
        problems: Vec::new(),
    };
    let mut summary = Summary::default();
    for item in &inbox {
        let report = match remote.report(&item.report_id).await {
            Ok(report) => report,
            // Deleted between the inbox and now (a purge, a withdrawal): said, not fatal.
            Err(ExportError::Refused { status: 404, .. }) => {
                index.problems.push(format!(
                    "case {}: listed in the inbox, but gone when fetched (withdrawn or deleted \
                     meanwhile)",
                    item.report_id
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        let (mut case, wanted) = case::open(&report, dir, key.identity());
        let folder = files::folder(&options.out, &files::case_folder_name(&report.report_id))?;
        summary.attachments += download(remote, key, &folder, &mut case, wanted).await?;
        write_case(&folder, &case, dir, options.lang)?;
        index.problems.extend(
            case.problems
                .iter()
                .map(|p| format!("case {}: {p}", case.report_id)),
        );
        index.cases.push(IndexEntry {
            report_id: case.report_id.clone(),
            folder: files::case_folder_name(&case.report_id),
            kind: case.kind,
            received: case.received,
            problems: case.problems.len(),
        });
        summary.cases += 1;
    }
    summary.problems = index.problems.len();
    write_index(&options.out, &index, options.lang)?;
    Ok(summary)
}

/// Downloads, checks and decrypts the attachments of one case into `folder/attachments/`;
/// how many were saved. One that fails is named in the case, and the export goes on.
async fn download(
    remote: &mut Remote<'_>,
    key: &MemberSecretKey,
    folder: &Path,
    case: &mut ExportedCase,
    wanted: Vec<Wanted>,
) -> Result<usize, ExportError> {
    if wanted.is_empty() {
        return Ok(0);
    }
    let into = files::folder(folder, "attachments")?;
    let mut taken: Vec<String> = Vec::new();
    let mut saved = 0;
    for w in wanted {
        let outcome = match remote.attachment(&w.upload).await {
            Ok(ciphertext) => {
                // crypto/SPEC.md §9.9 step 4: the ciphertext's SHA-256 and the plaintext's size
                // must be those the signed message names.
                loket_client::open_attachment(key.identity(), &w.reference, &ciphertext).ok_or(
                    "its ciphertext is not the one its message vouches for, or it did not \
                     decrypt"
                        .to_owned(),
                )
            }
            Err(why) => Err(format!("the download failed: {why}")),
        };
        let Some(entry) = case.attachments.get_mut(w.index) else {
            continue;
        };
        match outcome {
            Ok(plain) => {
                let name = files::unique_name(&w.reference.name, &taken);
                files::write(&into.join(&name), &plain)?;
                entry.file = Some(format!("attachments/{name}"));
                taken.push(name);
                saved += 1;
            }
            Err(why) => {
                case.problems.push(format!(
                    "attachment {} of message {}: {why}",
                    w.reference.attachment_id,
                    entry.message_id.unwrap_or_default()
                ));
                entry.problem = Some(why);
            }
        }
    }
    Ok(saved)
}

fn write_case(
    folder: &Path,
    case: &ExportedCase,
    dir: &Directory,
    lang: Lang,
) -> Result<(), ExportError> {
    let json = Zeroizing::new(
        serde_json::to_vec_pretty(case).map_err(|e| ExportError::Write {
            path: folder.join("case.json"),
            why: e.to_string(),
        })?,
    );
    files::write(&folder.join("case.json"), &json)?;
    let md = Zeroizing::new(markdown::render(case, dir, lang));
    files::write(&folder.join("case.md"), md.as_bytes())
}

fn write_index(out: &Path, index: &Index, lang: Lang) -> Result<(), ExportError> {
    let json = serde_json::to_vec_pretty(index).map_err(|e| ExportError::Write {
        path: out.join("index.json"),
        why: e.to_string(),
    })?;
    files::write(&out.join("index.json"), &json)?;
    let w = lang.words();
    let mut md = format!("# {}\n\n", w.title);
    let who = markdown::escape(&index.member_name);
    let from = markdown::escape(&index.source);
    let _ = writeln!(
        md,
        "{}\n",
        (w.intro)(&who, &from, &loket_wire::utc_time(index.exported))
    );
    let _ = writeln!(md, "## {}\n", w.cases);
    for c in &index.cases {
        let mark = if c.problems > 0 {
            format!(" ({} × {})", c.problems, w.not_opened)
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "- [{}]({}/case.md) · {}{mark}",
            markdown::escape(&c.report_id),
            c.folder,
            loket_wire::utc_time(c.received)
        );
    }
    let _ = writeln!(md, "\n## {}\n", w.problems);
    if index.problems.is_empty() {
        let _ = writeln!(md, "{}", w.no_problems);
    }
    for p in &index.problems {
        let _ = writeln!(md, "- {}", markdown::escape(p));
    }
    files::write(&out.join("index.md"), md.as_bytes())
}
