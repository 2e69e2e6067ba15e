//! The page around the reporter's two apps: the navigation between them (two documents, so
//! moving between them loads the other module), a link to the team's app and the button to
//! leave quickly.

use leptos::prelude::*;

use crate::browser::leave_quickly;
use crate::components::{DirectoryError, Footer, Header, StatusLine};
use crate::ctx::provide_ctx;
use crate::reporter::pages::{FollowUpPage, ReportPage};

/// The reporter's two pages, each its own document and module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Report,
    FollowUp,
}

impl Page {
    /// Where the page is served. The language chosen here travels in the fragment, which the
    /// browser never sends to the server.
    fn href(self, lang: crate::Lang) -> String {
        let path = match self {
            Page::Report => "./",
            Page::FollowUp => "follow-up",
        };
        format!("{path}#{}", lang.code())
    }
}

#[component]
fn Nav(page: Page) -> impl IntoView {
    let ctx = crate::use_ctx();
    // Leaving while a report is being sealed or sent would lose it: wait until it is done.
    let guard = move |ev: leptos::ev::MouseEvent| {
        if ctx.is_busy() {
            ev.prevent_default();
        }
    };
    let link = move |to: Page, id: &'static str, text: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <a
                id=id
                class="tab"
                class:active=page == to
                aria-current=(page == to).then_some("page")
                href=move || to.href(ctx.lang.get())
                on:click=guard
            >
                {move || text(ctx.t())}
            </a>
        }
    };
    view! {
        <nav>
            {link(Page::Report, "nav-report", |t| t.nav_report)}
            {link(Page::FollowUp, "nav-followup", |t| t.nav_followup)}
            // The team's app runs on each member's own machine (`loket-team serve`); the
            // server's /team/ page says how to start it.
            <a id="nav-team" class="nav-link" href="/team/" title=move || ctx.t().team_moves>
                {move || ctx.t().nav_team}
            </a>
            <button id="leave-quickly" class="leave" on:click=move |_| leave_quickly()>
                {move || ctx.intake().leave_quickly}
            </button>
        </nav>
    }
}

/// What both apps show around their page.
#[component]
fn Shell(page: Page, children: Children) -> impl IntoView {
    provide_ctx();
    view! {
        <Header>
            <Nav page=page />
        </Header>
        <main>
            <DirectoryError />
            <StatusLine />
            {children()}
        </main>
        <Footer />
    }
}

/// `loket_reporter`: make a report.
#[component]
pub fn ReportApp() -> impl IntoView {
    view! {
        <Shell page=Page::Report>
            <ReportPage />
        </Shell>
    }
}

/// `loket_follow_up`: come back with the code.
#[component]
pub fn FollowUpApp() -> impl IntoView {
    view! {
        <Shell page=Page::FollowUp>
            <FollowUpPage />
        </Shell>
    }
}
