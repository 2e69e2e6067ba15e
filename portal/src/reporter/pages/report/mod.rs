//! Make a report (SPEC §9.2): answer the intake, write it, choose who may read it (and whom
//! to keep out), seal it here, send it, and keep the follow-up code that is shown once, with
//! a receipt.

mod form;
mod intake;
mod know;
mod roles;
mod send;
mod sent;
mod statistics;

pub use self::send::receipt_file;
pub use self::sent::ReceiptBox;

use leptos::prelude::*;

use self::form::ReportForm;
use self::sent::CodeCard;

/// What the reporter sees once after sending: the code, how long deriving keys took, and the
/// receipt (a file to download, when it verified). No `Debug`: it holds the code.
#[derive(Clone)]
pub struct Sent {
    pub code: String,
    pub argon2_ms: u64,
    /// Where Argon2id ran: in the Web Worker, or on the page where none could start.
    pub argon2_ran: crate::work::Ran,
    pub received: i64,
    pub receipt: Option<String>,
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let sent = RwSignal::new(None::<Sent>);
    move || match sent.get() {
        Some(s) => view! { <CodeCard sent=s on_saved=move || sent.set(None) /> }.into_any(),
        None => view! { <ReportForm sent=sent /> }.into_any(),
    }
}
