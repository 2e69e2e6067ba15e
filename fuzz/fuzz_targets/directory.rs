//! The signed team directory (client side, SPEC §12): `verify_directory` with a pinned
//! organisation key on (signature = first 64 bytes, body = rest); the same body signed by the
//! real organisation key, so that the `Directory` JSON parser behind the signature is reached;
//! and `serde_json` of the whole input as a `SignedDirectory`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_client::{ClientError, verify_directory};
use loket_crypto::sign::{Signer, SigningSecret};
use loket_wire::B64;
use loket_wire::api::SignedDirectory;
use loket_wire::keys::{OrganisationKey, directory_signed_message};
use std::sync::LazyLock;

// Built once: deriving the public key is a scalar multiplication.
static ORG: LazyLock<(SigningSecret, OrganisationKey)> = LazyLock::new(|| {
    let secret = SigningSecret::from_seed([3; 32]);
    let key = OrganisationKey {
        ed25519: secret.verifying_key(),
    };
    (secret, key)
});

fuzz_target!(|data: &[u8]| {
    let (org_secret, org) = &*ORG;

    // Attacker-supplied signature and body.
    let (signature, body) = data.split_at(data.len().min(64));
    let forged = SignedDirectory {
        body: B64(body.to_vec()),
        signature: B64(signature.to_vec()),
    };
    if verify_directory(&forged, org).is_ok() {
        panic!("a directory not signed by the organisation key was accepted");
    }

    // The body signed by the pinned key: the JSON parser is reached; it must not panic and
    // must agree with parsing the body directly.
    let signed = SignedDirectory {
        body: B64(body.to_vec()),
        signature: B64(org_secret.sign(&directory_signed_message(body)).to_vec()),
    };
    match verify_directory(&signed, org) {
        Ok(dir) => {
            let direct: loket_wire::api::Directory =
                serde_json::from_slice(body).expect("accepted body must parse directly");
            assert_eq!(dir, direct);
        }
        Err(e) => assert_eq!(e, ClientError::DirectoryMalformed),
    }

    // The JSON envelope from the server.
    if let Ok(sd) = serde_json::from_slice::<SignedDirectory>(data) {
        let _ = verify_directory(&sd, org);
    }
});
