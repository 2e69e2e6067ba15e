//! `loket_tally`: the team's statistics in a Web Worker (static/tally.js). The page hands over
//! the job and the keys and gets back the facts (src/tally.rs); nothing else is linked in: no
//! page, no network.

use wasm_bindgen::prelude::*;

/// The facts of `job` as JSON (loket_portal::tally::facts). Throws a short reason, never a
/// key or a fact, when the job or a key is not valid.
#[wasm_bindgen]
pub fn tally(job: &str, member: &[u8], stats: &[u8]) -> Result<String, JsValue> {
    loket_portal::tally::facts(job, member, stats).map_err(JsValue::from_str)
}

fn main() {}
