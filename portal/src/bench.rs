//! `#bench` (feature `bench`, off in the apps' release builds): the cryptography's speed in
//! this browser (loket-client's `bench`, the same code the native runner measures). Linked
//! from nowhere; a developer page in English only, used by `tests/examples/wasm_bench.rs`
//! (build it with `scripts/build-portal.sh --bench`).

use leptos::prelude::*;
use loket_client::bench::{self, Measure};

use crate::browser::pause;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

#[component]
pub fn BenchPage() -> impl IntoView {
    let results = RwSignal::new(None::<Vec<Measure>>);
    leptos::task::spawn_local(async move {
        pause(300).await;
        results.set(Some(bench::run(&now_ms, &mut rand::rng())));
    });
    view! {
        <section class="card">
            <h2>"Cryptography benchmark (this browser)"</h2>
            {move || match results.get() {
                None => view! { <p id="bench-running">"Running… (about a minute)"</p> }.into_any(),
                Some(r) => {
                    let json = serde_json::to_string(&r).unwrap_or_default();
                    view! {
                        <table id="bench-results">
                            <tr>
                                <th>"case"</th>
                                <th>"median ms"</th>
                                <th>"MB/s"</th>
                            </tr>
                            {r
                                .iter()
                                .map(|m| {
                                    view! {
                                        <tr>
                                            <td>{m.name.clone()}</td>
                                            <td>{format!("{:.3}", m.median_ms)}</td>
                                            <td>
                                                {m.mb_per_s().map(|v| format!("{v:.1}")).unwrap_or_default()}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </table>
                        <pre id="bench-json" class="small">{json}</pre>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
