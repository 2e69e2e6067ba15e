//! The reporter's app: two pages, and a link to the team's app.

use leptos::prelude::*;
use loket_portal::browser::leave_quickly;
use loket_portal::components::{DirectoryError, Footer, Header, StatusLine};
use loket_portal::ctx::provide_ctx;

use crate::pages::{FollowUpPage, ReportPage};

/// The reporter's two pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Report,
    FollowUp,
}

#[component]
fn Nav(page: RwSignal<Page>) -> impl IntoView {
    let ctx = loket_portal::use_ctx();
    let go = move |to: Page| {
        move |_| {
            if !ctx.is_busy() {
                ctx.clear();
                page.set(to);
            }
        }
    };
    let tab = move |p: Page| move || page.get() == p;
    view! {
        <nav>
            <button id="nav-report" class:active=tab(Page::Report) on:click=go(Page::Report)>
                {move || ctx.t().nav_report}
            </button>
            <button
                id="nav-followup"
                class:active=tab(Page::FollowUp)
                on:click=go(Page::FollowUp)
            >
                {move || ctx.t().nav_followup}
            </button>
            // The team's app is a separate bundle; it moves to loket-team on each member's
            // own machine in a later issue.
            <a id="nav-team" class="nav-link" href="/team/" title=move || ctx.t().team_moves>
                {move || ctx.t().nav_team}
            </a>
            <button id="leave-quickly" class="leave" on:click=move |_| leave_quickly()>
                {move || ctx.intake().leave_quickly}
            </button>
        </nav>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_ctx();
    let page = RwSignal::new(Page::Report);
    view! {
        <Header>
            <Nav page=page />
        </Header>
        <main>
            <DirectoryError />
            <StatusLine />
            {move || match page.get() {
                Page::Report => view! { <ReportPage /> }.into_any(),
                Page::FollowUp => view! { <FollowUpPage /> }.into_any(),
            }}
        </main>
        <Footer />
    }
}
