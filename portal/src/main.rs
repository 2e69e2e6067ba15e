//! loket-portal: the Loket portal in the browser (leptos, client-side rendering, WebAssembly).
//!
//! Reporters write a report, choose who may read it and get a follow-up code; later they read
//! the team's answers with that code. Team members unlock their key file and read and answer
//! the reports of their roles. Every envelope is sealed and opened here, in the browser: the
//! server sees only ciphertext (crypto/SPEC.md §9).

mod api;
mod components;
mod pages;
mod vault;

use leptos::prelude::*;
use loket_wire::api::Directory;
use loket_wire::keys::OrganisationKey;

use crate::components::StatusLine;
use crate::pages::{BenchPage, FollowUpPage, ReportPage, TeamPage};

/// The three parts of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Report,
    FollowUp,
    Team,
}

/// What the status line says.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    None,
    Info(String),
    Busy(String),
    Error(String),
}

/// State every page shares. Signals only: no secret ever lives here (see `vault`).
#[derive(Clone, Copy)]
pub struct Ctx {
    pub page: RwSignal<Page>,
    pub directory: RwSignal<Option<Directory>>,
    /// Why the directory cannot be used, shown above everything while it lasts.
    pub directory_error: RwSignal<Option<String>>,
    pub status: RwSignal<Status>,
}

impl Ctx {
    pub fn info(&self, text: impl Into<String>) {
        self.status.set(Status::Info(text.into()));
    }
    pub fn error(&self, text: impl Into<String>) {
        self.status.set(Status::Error(text.into()));
    }
    pub fn busy(&self, text: impl Into<String>) {
        self.status.set(Status::Busy(text.into()));
    }
    pub fn clear(&self) {
        self.status.set(Status::None);
    }
    /// Says why nothing can be sealed while the directory is missing.
    pub fn no_directory(&self) {
        if self.directory_error.get_untracked().is_some() {
            self.error("Nothing was encrypted or sent: the team directory cannot be trusted.");
        } else {
            self.error("The team directory has not loaded yet; wait a moment and try again.");
        }
    }
    pub fn is_busy(&self) -> bool {
        matches!(self.status.get(), Status::Busy(_))
    }
}

pub fn use_ctx() -> Ctx {
    // The App provides the context before any page exists; this fallback is never reached in
    // practice but keeps the portal panic-free.
    use_context::<Ctx>().unwrap_or_else(|| Ctx {
        page: RwSignal::new(Page::Report),
        directory: RwSignal::new(None),
        directory_error: RwSignal::new(None),
        status: RwSignal::new(Status::Error("the portal failed to start".into())),
    })
}

/// The organisation key this portal was built with (crypto/SPEC.md §12): a directory it did
/// not sign is refused, so the server cannot add a key of its own to the readers.
const ORGANISATION_KEY: Option<&str> = option_env!("LOKET_ORG_KEY");

pub fn organisation_key() -> Option<OrganisationKey> {
    ORGANISATION_KEY.and_then(|k| OrganisationKey::parse(k).ok())
}

async fn load_directory(ctx: Ctx) {
    let fail = |text: String| ctx.directory_error.set(Some(text));
    let Some(pinned) = organisation_key() else {
        return fail(
            "This portal was built without its organisation's key, so it cannot check whom it \
             encrypts to. Nothing can be sent. (Build it with LOKET_ORG_KEY set.)"
                .into(),
        );
    };
    match api::directory().await {
        Ok(signed) => match loket_client::verify_directory(&signed, &pinned) {
            Ok(dir) => ctx.directory.set(Some(dir)),
            Err(_) => fail(
                "The team directory from the server is not signed by this organisation. \
                 Nothing will be encrypted or sent. Please tell the team by another channel."
                    .into(),
            ),
        },
        Err(e) => fail(format!(
            "Cannot load the team directory: {e}. Reload the page to try again."
        )),
    }
}

#[component]
fn App() -> impl IntoView {
    let ctx = Ctx {
        page: RwSignal::new(Page::Report),
        directory: RwSignal::new(None),
        directory_error: RwSignal::new(None),
        status: RwSignal::new(Status::None),
    };
    provide_context(ctx);
    leptos::task::spawn_local(load_directory(ctx));
    let go = move |page: Page| {
        move |_| {
            if !ctx.is_busy() {
                ctx.clear();
                ctx.page.set(page);
            }
        }
    };
    let tab = move |page: Page| move || ctx.page.get() == page;
    view! {
        <header>
            <div class="brand">
                <span class="logo" aria-hidden="true">"L"</span>
                <div>
                    <h1>"Loket"</h1>
                    <p class="org">
                        {move || {
                            ctx.directory
                                .get()
                                .map(|d| d.organisation)
                                .unwrap_or_default()
                        }}
                    </p>
                </div>
            </div>
            <nav>
                <button id="nav-report" class:active=tab(Page::Report) on:click=go(Page::Report)>
                    "Make a report"
                </button>
                <button
                    id="nav-followup"
                    class:active=tab(Page::FollowUp)
                    on:click=go(Page::FollowUp)
                >
                    "Follow up"
                </button>
                <button id="nav-team" class:active=tab(Page::Team) on:click=go(Page::Team)>
                    "Team"
                </button>
            </nav>
        </header>
        <main>
            {move || {
                ctx.directory_error
                    .get()
                    .map(|e| view! { <p id="directory-error" class="status error" role="alert">{e}</p> })
            }}
            <StatusLine />
            {move || match ctx.page.get() {
                Page::Report => view! { <ReportPage /> }.into_any(),
                Page::FollowUp => view! { <FollowUpPage /> }.into_any(),
                Page::Team => view! { <TeamPage /> }.into_any(),
            }}
        </main>
        <footer>
            <p>
                "Your report is encrypted in this browser before it is sent. The server stores only "
                "ciphertext and cannot read it; it keeps no IP addresses, no cookies and no accounts."
            </p>
            <p class="small">
                "Organisation key fingerprint: "
                <code id="org-fingerprint">
                    {organisation_key().map(|k| k.fingerprint()).unwrap_or_default()}
                </code>
            </p>
        </footer>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // The static "loading" notice in index.html says what to do when WebAssembly is missing;
    // once we run, it has done its job.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    let bench = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h == "#bench");
    if bench {
        leptos::mount::mount_to_body(BenchPage);
    } else {
        leptos::mount::mount_to_body(App);
    }
}
