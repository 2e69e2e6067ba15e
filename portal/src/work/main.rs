//! `loket_work`: the reporter's two slow computations, run in a Web Worker (portal/static/work.js)
//! so that the page stays responsive while they run: Argon2id of the follow-up code (about a
//! third of a second, 64 MiB) and the proof of work in front of a request. Nothing else is
//! linked in: no page, no network, no directory. The page hands over the code and the salt, or
//! the challenge, and gets back the master secret, or the nonce (portal/src/work.rs).

use loket_crypto::FollowUpCode;
use wasm_bindgen::prelude::*;

/// Argon2id of `code` (as the reporter typed or was shown it) under the deployment `salt`:
/// the 32-byte master secret the reporter's keys are derived from (crypto/SPEC.md §7).
/// Throws (a string, never the code) when the code or the salt is not valid.
#[wasm_bindgen]
pub fn stretch(code: &str, salt: &[u8]) -> Result<Vec<u8>, JsValue> {
    let code = FollowUpCode::parse(code).map_err(|_| JsValue::from_str("bad code"))?;
    let master = code
        .stretch(salt)
        .map_err(|_| JsValue::from_str("bad salt"))?;
    // The copy handed to JavaScript is not wiped here: the page ends this worker after one
    // job, and its memory goes with it.
    Ok(master.as_bytes().to_vec())
}

/// Searches a nonce for `challenge` at `bits` of difficulty (docs/api.md, "Proof of work"),
/// calling `progress` with the share of the expected work done (0 to 99) after each slice.
/// The nonce, or `undefined` when none below 2^40 works or the difficulty is out of range.
#[wasm_bindgen]
pub fn solve(challenge: &[u8], bits: u8, progress: &js_sys::Function) -> Option<f64> {
    use loket_wire::pow::{Search, Step};
    let mut search = Search::new(challenge, bits);
    loop {
        match search.step() {
            // Below 2^40, so exact as a JavaScript number.
            Step::Found(nonce) => return Some(nonce as f64),
            Step::Progress(done) => {
                let _ = progress.call1(&JsValue::NULL, &JsValue::from(done));
            }
            Step::Exhausted => return None,
        }
    }
}

fn main() {}
