//! loket-portal: what the two browser apps share (leptos, client-side rendering, WebAssembly).
//!
//! - `loket_reporter` and `loket_follow_up` (src/reporter/, served by `loket` at `/` and
//!   `/follow-up`): write a report, choose who may read it, get a follow-up code and a receipt;
//!   later read the team's answers with that code, answer, attach files. Two modules, so the
//!   first visit loads the form alone. Neither contains team code: no key file, no inbox, no
//!   team login (scripts/test.sh checks their bundles). Their slow work (Argon2id, the proof
//!   of work) runs in a Web Worker, `loket_work` (src/work.rs).
//! - `loket_team` (src/team/, served by `loket-team serve` on each member's own machine, never
//!   by `loket`): unlock a member key file, read the inbox
//!   and the reports of one's roles, reply, close cases, download attachments.
//!
//! Every envelope is sealed and opened in the browser: the server sees only ciphertext
//! (crypto/SPEC.md §9). Every text comes from `i18n`, in English or Dutch.

pub mod api;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod components;
pub mod ctx;
pub mod i18n;
pub mod pow;
pub mod reporter;
pub mod tally;
pub mod work;

use leptos::prelude::*;

pub use ctx::{Ctx, Kind, Status, organisation_key, use_ctx};
pub use i18n::Lang;

/// Starts an app: removes the static loading notice of index.html (it has done its job once
/// WebAssembly runs) and mounts `app`. With the `bench` feature, `#bench` mounts the
/// cryptography benchmark instead (tests/examples/wasm_bench.rs).
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    console_error_panic_hook::set_once();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    #[cfg(feature = "bench")]
    if web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h == "#bench")
    {
        leptos::mount::mount_to_body(bench::BenchPage);
        return;
    }
    leptos::mount::mount_to_body(app);
}
