//! Client-side opening of reports and thread messages (SPEC §9): `open_report` and
//! `open_message` on arbitrary envelope bytes, and on a real envelope whose signed plaintext
//! body is the fuzz input, so the `Content` JSON parser and the signer checks are reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_client::{OpenedReport, open_message, open_report};
use loket_crypto::sign::{self, Signer, SigningSecret};
use loket_crypto::{Identity, RecipientKey};
use loket_wire::B64;
use loket_wire::api::{Author, Directory};
use rand::SeedableRng;
use std::sync::LazyLock;

struct Fixture {
    identity: Identity,
    recipient: RecipientKey,
    reporter: SigningSecret,
    dir: Directory,
    report: OpenedReport,
}

// Built once: key setup is scalar multiplications, which would dominate every run.
static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let identity = Identity::from_bytes([7; 32]);
    let recipient = identity.recipient();
    let reporter = SigningSecret::from_seed([5; 32]);
    let dir = Directory {
        organisation: "Fuzz".into(),
        serial: 1,
        issued: 0,
        expires: i64::MAX,
        deployment_salt: B64(vec![0; 16]),
        roles: vec![],
        members: vec![],
    };
    let report = OpenedReport {
        roles: vec!["r".into()],
        reporter_key: RecipientKey([1; 32]),
        reporter_signing_key: reporter.verifying_key(),
        text: String::new(),
    };
    Fixture {
        identity,
        recipient,
        reporter,
        dir,
        report,
    }
});

fuzz_target!(|data: &[u8]| {
    let Fixture {
        identity,
        recipient,
        reporter,
        dir,
        report,
    } = &*FIXTURE;
    let report_id = "r-0123456789";

    // Raw untrusted envelopes.
    let raw = B64(data.to_vec());
    let _ = open_report(identity, &raw);
    let _ = open_message(identity, dir, report, report_id, &Author::Reporter, &raw);

    // Real envelopes around a signed body the fuzzer controls.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x636c69656e74);
    let to = [*recipient];
    let body = sign::sign_body(reporter, sign::REPORT_CONTEXT, data);
    let sealed = B64(loket_crypto::seal(&mut rng, &to, &body).expect("seal"));
    if let Some(opened) = open_report(identity, &sealed) {
        // Only a report signed by the key it names is accepted.
        assert_eq!(opened.reporter_signing_key, reporter.verifying_key());
    }
    let body = sign::sign_body(reporter, &sign::thread_context(report_id), data);
    let sealed = B64(loket_crypto::seal(&mut rng, &to, &body).expect("seal"));
    let _ = open_message(identity, dir, report, report_id, &Author::Reporter, &sealed);
    // The same message claimed by a member not in the directory is never shown.
    let member = Author::Member {
        member_id: "m1".into(),
    };
    assert_eq!(
        open_message(identity, dir, report, report_id, &member, &sealed),
        None
    );
});
