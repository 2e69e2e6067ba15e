//! The JSON bodies of the API (`loket_wire::api`): request bodies the server parses from
//! anyone (`ApiJson<T>` in server/src/http.rs) and answers the clients parse from the server.
//! Whatever parses must serialise, parse again, and serialise to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_wire::ErrorBody;
use loket_wire::api::{
    Challenge, Inbox, PostAnswer, PostReply, PostedMessage, Session, SessionRequest, SubmitReport,
    SubmitReportResponse, TeamReport, Thread, ThreadRequest, Withdrawn,
};
use loket_wire::content::Content;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn check<T: Serialize + DeserializeOwned>(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let once = serde_json::to_vec(&value).expect("a parsed value must serialise");
    let again: T = serde_json::from_slice(&once).expect("own output must parse");
    let twice = serde_json::to_vec(&again).expect("a parsed value must serialise");
    assert_eq!(once, twice, "serialise → parse → serialise is not stable");
}

fuzz_target!(|data: &[u8]| {
    // Parsed by the server from untrusted clients.
    check::<SubmitReport>(data);
    check::<ThreadRequest>(data);
    check::<PostAnswer>(data);
    check::<SessionRequest>(data);
    check::<PostReply>(data);
    // Parsed by clients from the server.
    check::<SubmitReportResponse>(data);
    check::<Thread>(data);
    check::<PostedMessage>(data);
    check::<Withdrawn>(data);
    check::<Challenge>(data);
    check::<Session>(data);
    check::<Inbox>(data);
    check::<TeamReport>(data);
    check::<ErrorBody>(data);
    // Inside envelopes (also reached through client_open).
    check::<Content>(data);
});
