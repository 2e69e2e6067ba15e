//! `loket_tally`: the team's statistics in a Web Worker (static/tally.js). The page hands over
//! the job, the pages as the server wrote them and the keys, and gets back the facts
//! (src/tally.rs); nothing else is linked in: no page, no network.

use wasm_bindgen::prelude::*;

/// The strings of a JavaScript array.
fn strings(array: &js_sys::Array) -> Vec<String> {
    array.iter().filter_map(|v| v.as_string()).collect()
}

/// The facts of `job` and its pages as JSON (loket_portal::tally::facts). Throws a short
/// reason, never a key or a fact, when the job, a page or a key is not valid.
#[wasm_bindgen]
pub fn tally(
    job: &str,
    statistics: &js_sys::Array,
    inbox: &js_sys::Array,
    member: &[u8],
    stats: &[u8],
) -> Result<String, JsValue> {
    let (statistics, inbox) = (strings(statistics), strings(inbox));
    let pages = loket_portal::tally::Pages {
        statistics: &statistics,
        inbox: &inbox,
    };
    loket_portal::tally::facts(job, &pages, member, stats).map_err(JsValue::from_str)
}

fn main() {}
