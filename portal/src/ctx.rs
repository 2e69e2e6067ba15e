//! State every page of an app shares: the language, the verified team directory and the
//! status line. Signals only: no secret ever lives here (each app keeps its secrets in its
//! own `vault`).

use leptos::prelude::*;
use loket_client::{ClientError, DirectoryMemory};
use loket_wire::api::{Directory, SignedDirectory};
use loket_wire::keys::OrganisationKey;

use crate::api::{self, ApiFailure};
use crate::i18n::{Lang, Texts};

/// What kind of message the status line shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    None,
    Info,
    Busy,
    Error,
}

/// The status line: a message in every language (so a later switch of language translates
/// it too) and a stable name for it, shown as `data-msg` (tests and styles use that, not the
/// words).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub kind: Kind,
    pub key: &'static str,
    pub text: [String; 2],
}

/// Why the team directory cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryProblem {
    /// The app was built without `LOKET_ORG_KEY`.
    NoOrganisationKey,
    /// The directory is not signed by the organisation key.
    NotSigned,
    /// The directory is past its signed expiry (by this browser's clock).
    Expired,
    /// The directory's serial is lower than one this page already accepted: the server is
    /// serving an older directory.
    RolledBack,
    /// It could not be loaded.
    LoadFailed(ApiFailure),
}

impl DirectoryProblem {
    pub fn text(self, lang: Lang) -> String {
        let t = lang.t();
        match self {
            Self::NoOrganisationKey => t.dir_no_org_key.to_owned(),
            Self::NotSigned => t.dir_not_signed.to_owned(),
            Self::Expired => t.dir_expired.to_owned(),
            Self::RolledBack => t.dir_rolled_back.to_owned(),
            Self::LoadFailed(e) => (t.dir_load_failed)(e.text(lang)),
        }
    }
}

#[derive(Clone, Copy)]
pub struct Ctx {
    /// Chosen in this tab only: never sent to the server, never stored.
    pub lang: RwSignal<Lang>,
    pub directory: RwSignal<Option<Directory>>,
    /// Why the directory cannot be used, shown above everything while it lasts.
    pub directory_error: RwSignal<Option<DirectoryProblem>>,
    /// The highest directory serial this page accepted, for as long as the page lives
    /// (crypto/SPEC.md §12.3).
    pub directory_memory: StoredValue<DirectoryMemory>,
    /// The accepted directory as signed, for receipts (which carry it).
    pub signed_directory: StoredValue<Option<SignedDirectory>>,
    /// The serial of the directory whose former members were filled from the chain
    /// (`directory_with_history`).
    history_serial: StoredValue<Option<i64>>,
    pub status: RwSignal<Status>,
}

impl Ctx {
    /// A new context, in the browser's preferred language.
    pub fn new() -> Self {
        Self {
            lang: RwSignal::new(browser_lang()),
            directory: RwSignal::new(None),
            directory_error: RwSignal::new(None),
            directory_memory: StoredValue::new(DirectoryMemory::default()),
            signed_directory: StoredValue::new(None),
            history_serial: StoredValue::new(None),
            status: RwSignal::new(Status::default()),
        }
    }

    /// The texts of the current language (tracked: views follow a switch).
    pub fn t(&self) -> &'static Texts {
        self.lang.get().t()
    }

    /// The intake texts in the current language (tracked).
    pub fn intake(&self) -> &'static crate::i18n::IntakeTexts {
        self.lang.get().intake()
    }

    pub fn say(&self, kind: Kind, key: &'static str, text: impl Fn(Lang) -> String) {
        self.status.set(Status {
            kind,
            key,
            text: Lang::each(text),
        });
    }
    pub fn info(&self, key: &'static str, text: impl Fn(Lang) -> String) {
        self.say(Kind::Info, key, text);
    }
    pub fn error(&self, key: &'static str, text: impl Fn(Lang) -> String) {
        self.say(Kind::Error, key, text);
    }
    pub fn busy(&self, key: &'static str, text: impl Fn(Lang) -> String) {
        self.say(Kind::Busy, key, text);
    }
    pub fn clear(&self) {
        self.status.set(Status::default());
    }
    /// Says why nothing can be sealed while the directory is missing.
    pub fn no_directory(&self) {
        if self.directory_error.get_untracked().is_some() {
            self.error("directory-untrusted", |l| l.t().dir_untrusted.into());
        } else {
            self.error("directory-not-loaded", |l| l.t().dir_not_loaded.into());
        }
    }
    pub fn is_busy(&self) -> bool {
        self.status.with(|s| s.kind == Kind::Busy)
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Self::new()
    }
}

/// The language to start in: the one chosen on the reporter's other page, which the link
/// carries in the fragment (`#nl`; never sent to the server), else the first of
/// `navigator.languages` that the portal speaks.
fn browser_lang() -> Lang {
    let chosen = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|hash| Lang::from_code(hash.trim_start_matches('#')));
    if let Some(lang) = chosen {
        return lang;
    }
    let languages: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::from_preferences(languages.iter().map(String::as_str))
}

pub fn use_ctx() -> Ctx {
    // The app provides the context before any page exists; this fallback is never reached in
    // practice but keeps the portal panic-free.
    use_context::<Ctx>().unwrap_or_else(|| {
        let ctx = Ctx::new();
        ctx.error("start-failed", |l| l.t().start_failed.into());
        ctx
    })
}

/// The organisation key this app was built with (crypto/SPEC.md §12): a directory it did not
/// sign is refused, so the server cannot add a key of its own to the readers.
const ORGANISATION_KEY: Option<&str> = option_env!("LOKET_ORG_KEY");

pub fn organisation_key() -> Option<OrganisationKey> {
    ORGANISATION_KEY.and_then(|k| OrganisationKey::parse(k).ok())
}

/// How often an open page fetches the directory again (so it notices a newer one, an expiry,
/// or a server that goes back to an older one).
const RELOAD_MS: i32 = 60 * 60 * 1000;

/// Loads the team directory and accepts it only with the organisation's signature, before its
/// expiry and with a serial no lower than one this page already accepted (SPEC §12.3).
pub async fn load_directory(ctx: Ctx) {
    let fail = |problem| {
        ctx.directory.set(None);
        ctx.directory_error.set(Some(problem));
    };
    let Some(pinned) = organisation_key() else {
        return fail(DirectoryProblem::NoOrganisationKey);
    };
    let signed = match api::directory().await {
        Ok(signed) => signed,
        // A page that has a good directory keeps it through a network failure.
        Err(_) if ctx.directory.with_untracked(Option::is_some) => return,
        Err(e) => return fail(DirectoryProblem::LoadFailed(e)),
    };
    let mut memory = ctx.directory_memory.get_value();
    let now = crate::browser::now_unix();
    match loket_client::verify_fresh_directory(&signed, &pinned, now, &mut memory) {
        Ok(mut dir) => {
            // The same directory fetched again keeps the former members its chain gave.
            if let Some(old) = ctx.directory.get_untracked()
                && old.serial == dir.serial
            {
                dir.former = old.former;
            }
            ctx.directory_memory.set_value(memory);
            ctx.signed_directory.set_value(Some(signed));
            ctx.directory_error.set(None);
            ctx.directory.set(Some(dir));
        }
        Err(ClientError::DirectoryExpired) => fail(DirectoryProblem::Expired),
        Err(ClientError::DirectoryRolledBack) => fail(DirectoryProblem::RolledBack),
        Err(_) => fail(DirectoryProblem::NotSigned),
    }
}

/// The verified directory with its former members filled from the chain of earlier directories
/// the server keeps (crypto/SPEC.md §12.6, `loket_client::history`), fetched once per
/// directory: what an app opens a thread with, so that a former member's messages verify. The
/// directory alone if the chain cannot be fetched or does not check out; `None` without one.
pub async fn directory_with_history(ctx: Ctx) -> Option<Directory> {
    let dir = ctx.directory.get_untracked()?;
    if ctx.history_serial.get_value() == Some(dir.serial) {
        return Some(dir);
    }
    let (Some(pinned), Ok(history)) = (organisation_key(), api::directory_history().await) else {
        return Some(dir);
    };
    let Ok(former) = loket_client::history::verify_history(&history, &dir, &pinned) else {
        return Some(dir);
    };
    let mut dir = dir;
    dir.former = former;
    // Unless a newer directory arrived meanwhile.
    if ctx
        .directory
        .with_untracked(|d| d.as_ref().map(|d| d.serial))
        == Some(dir.serial)
    {
        ctx.history_serial.set_value(Some(dir.serial));
        ctx.directory.set(Some(dir.clone()));
    }
    Some(dir)
}

/// Loads the directory now and again every [`RELOAD_MS`] while the page is open.
async fn keep_directory(ctx: Ctx) {
    loop {
        load_directory(ctx).await;
        crate::browser::pause(RELOAD_MS).await;
    }
}

/// Creates the context of an app, provides it and starts loading the directory.
pub fn provide_ctx() -> Ctx {
    let ctx = Ctx::new();
    provide_context(ctx);
    leptos::task::spawn_local(keep_directory(ctx));
    // `<html lang>` follows the switch.
    Effect::new(move |_| {
        let code = ctx.lang.get().code();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", code);
        }
    });
    ctx
}
