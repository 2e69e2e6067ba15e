//! The team's app: sign in, then the inbox and the open report.

use leptos::prelude::*;
use loket_portal::components::{DirectoryError, Footer, Header, StatusLine};
use loket_portal::ctx::provide_ctx;
use std::collections::HashMap;

use loket_wire::api::{Directory, InboxItem};
use loket_wire::content::CaseRecord;

use crate::contact::RegisterContact;
use crate::inbox::{Filters, InboxCard};
use crate::report::{ReportCard, ReportView};
use crate::sign_in::SignIn;
use crate::statistics::StatisticsCard;
use crate::vault;

/// The team app's state (signals only; the key and session live in `vault`).
#[derive(Clone, Copy)]
pub struct Team {
    pub unlocked: RwSignal<bool>,
    /// The member id of the unlocked key.
    pub me: RwSignal<String>,
    pub inbox: RwSignal<Vec<InboxItem>>,
    /// The cursor of the inbox's next page, when there are older reports.
    pub next: RwSignal<Option<String>>,
    pub open: RwSignal<Option<ReportView>>,
    /// The decrypted case record of each inbox item that has one, by report id.
    pub records: RwSignal<HashMap<String, CaseRecord>>,
    pub filters: Filters,
    /// The form to register a contact from another channel is open.
    pub registering: RwSignal<bool>,
    /// The annual report's statistics are open (instead of a report).
    pub statistics: RwSignal<bool>,
}

pub fn use_team() -> Team {
    use_context::<Team>().unwrap_or_else(new_team)
}

fn new_team() -> Team {
    Team {
        unlocked: RwSignal::new(vault::with_member(|_| ()).is_some()),
        me: RwSignal::new(vault::with_member(|m| m.member_id.clone()).unwrap_or_default()),
        inbox: RwSignal::new(Vec::new()),
        next: RwSignal::new(None),
        open: RwSignal::new(None),
        records: RwSignal::new(HashMap::new()),
        filters: Filters::new(),
        registering: RwSignal::new(false),
        statistics: RwSignal::new(false),
    }
}

/// The name of member `id` in the directory, or among the former members its verified chain
/// names (crypto/SPEC.md §12.6), or "a former team member" in every language.
pub fn member_name(dir: &Directory, id: &str) -> [String; 2] {
    let listed = dir.members.iter().find(|m| m.id == id);
    let former = || {
        dir.former
            .iter()
            .find(|f| f.member.id == id)
            .map(|f| &f.member)
    };
    match listed.or_else(former) {
        Some(m) => [m.name.clone(), m.name.clone()],
        None => loket_portal::Lang::each(|l| l.team().former_member.into()),
    }
}

/// The names of `roles` in the directory, joined.
pub fn role_names(dir: &Directory, roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| {
            dir.roles
                .iter()
                .find(|x| &x.id == r)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| r.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = provide_ctx();
    let team = new_team();
    provide_context(team);
    crate::idle::watch(ctx, team);
    view! {
        // Served by `loket-team serve` on the member's own machine: the reporter's pages are
        // on the Loket server, not here.
        <Header>
            <nav></nav>
        </Header>
        <main>
            <DirectoryError />
            <StatusLine />
            {move || {
                if team.unlocked.get() {
                    view! {
                        <InboxCard />
                        <Show when=move || team.registering.get()>
                            <RegisterContact />
                        </Show>
                        <Show
                            when=move || team.statistics.get()
                            fallback=|| view! { <ReportCard /> }
                        >
                            <StatisticsCard />
                        </Show>
                    }
                        .into_any()
                } else {
                    view! { <SignIn /> }.into_any()
                }
            }}
            <p class="muted small" id="team-moves">{move || ctx.t().team_moves}</p>
        </main>
        <Footer />
    }
}
