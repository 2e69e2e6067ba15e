//! Make a report (SPEC §9.2): write it, choose who may read it, seal it here, send it, and
//! keep the follow-up code that is shown once.

mod form;
mod roles;
mod send;
mod sent;

use leptos::prelude::*;

use self::form::ReportForm;
use self::sent::CodeCard;

/// What the reporter sees once after sending: the code, and how long deriving keys took.
/// No `Debug`: it holds the code.
#[derive(Clone)]
pub struct Sent {
    pub code: String,
    pub argon2_ms: u64,
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let sent = RwSignal::new(None::<Sent>);
    move || match sent.get() {
        Some(s) => view! { <CodeCard sent=s on_saved=move || sent.set(None) /> }.into_any(),
        None => view! { <ReportForm sent=sent /> }.into_any(),
    }
}
