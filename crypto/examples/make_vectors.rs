//! Writes the test vectors in `crypto/tests/vectors/` (SPEC.md §13). Deterministic: the same
//! seed gives the same files. Run: `cargo run -p loket-crypto --example make_vectors`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::keyfile::{self, KdfParams};
use loket_crypto::sign::Signer;
use loket_crypto::{FollowUpCode, Identity, MemberSecretKey, seal};
use rand::{Rng, RngExt, SeedableRng};
use sha2::{Digest, Sha256};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

struct Vector {
    name: &'static str,
    expect: &'static str,
    comment: &'static str,
    secret: [u8; 32],
    plaintext: Option<Vec<u8>>,
    envelope: Vec<u8>,
}

fn write(dir: &Path, v: &Vector) {
    let mut s = String::new();
    writeln!(s, "expect: {}", v.expect).unwrap();
    writeln!(s, "identity: {}", hex(&v.secret)).unwrap();
    if let Some(p) = &v.plaintext {
        writeln!(s, "plaintext_sha256: {}", hex(&Sha256::digest(p))).unwrap();
        writeln!(s, "plaintext_len: {}", p.len()).unwrap();
    }
    writeln!(s, "comment: {}", v.comment).unwrap();
    s.push('\n');
    for line in STANDARD.encode(&v.envelope).as_bytes().chunks(76) {
        s.push_str(std::str::from_utf8(line).unwrap());
        s.push('\n');
    }
    std::fs::write(dir.join(format!("envelope_{}.txt", v.name)), s).unwrap();
}

fn secret(rng: &mut rand::rngs::StdRng) -> [u8; 32] {
    let mut s = [0u8; 32];
    rng.fill_bytes(&mut s);
    s
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x4c6f6b6574);
    let me = secret(&mut rng);
    let other = secret(&mut rng);
    let id = Identity::from_bytes(me);
    let other_id = Identity::from_bytes(other);
    let short = b"A short report: the lab manager shouts at me.".to_vec();
    let long: Vec<u8> = (0..150_000u32).map(|i| (i * 7 % 251) as u8).collect();

    let one = seal(&mut rng, &[id.recipient()], &short).unwrap();
    let third = Identity::from_bytes(secret(&mut rng)).recipient();
    let three = seal(
        &mut rng,
        &[other_id.recipient(), id.recipient(), third],
        &short,
    )
    .unwrap();
    let multi = seal(&mut rng, &[id.recipient()], &long).unwrap();
    let empty = seal(&mut rng, &[id.recipient()], b"").unwrap();
    let header = loket_crypto::envelope::header_len(1);
    let chunk = loket_crypto::envelope::CHUNK_SIZE + loket_crypto::envelope::TAG_SIZE;

    let flip = |env: &[u8], at: usize| {
        let mut e = env.to_vec();
        e[at] ^= 0x01;
        e
    };
    let mut vectors = vec![
        Vector {
            name: "one_recipient",
            expect: "success",
            comment: "one stanza, one chunk",
            secret: me,
            plaintext: Some(short.clone()),
            envelope: one.clone(),
        },
        Vector {
            name: "three_recipients",
            expect: "success",
            comment: "the reader's stanza is the second of three",
            secret: me,
            plaintext: Some(short.clone()),
            envelope: three.clone(),
        },
        Vector {
            name: "multi_chunk",
            expect: "success",
            comment: "150 000 bytes: three chunks after padding",
            secret: me,
            plaintext: Some(long.clone()),
            envelope: multi.clone(),
        },
        Vector {
            name: "empty_plaintext",
            expect: "success",
            comment: "empty plaintext, padded to 4 KiB",
            secret: me,
            plaintext: Some(Vec::new()),
            envelope: empty,
        },
        Vector {
            name: "wrong_key",
            expect: "cannot_decrypt",
            comment: "sealed to someone else",
            secret: other,
            plaintext: None,
            envelope: one.clone(),
        },
        Vector {
            name: "truncated",
            expect: "cannot_decrypt",
            comment: "last byte removed",
            secret: me,
            plaintext: None,
            envelope: one[..one.len() - 1].to_vec(),
        },
        Vector {
            name: "extended",
            expect: "cannot_decrypt",
            comment: "20 bytes appended",
            secret: me,
            plaintext: None,
            envelope: [one.clone(), vec![0u8; 20]].concat(),
        },
        Vector {
            name: "stanza_bitflip",
            expect: "cannot_decrypt",
            comment: "a bit of the wrapped key flipped",
            secret: me,
            plaintext: None,
            envelope: flip(&one, 7 + 40),
        },
        Vector {
            name: "nonce_bitflip",
            expect: "cannot_decrypt",
            comment: "a bit of the payload nonce flipped: the header MAC fails",
            secret: me,
            plaintext: None,
            envelope: flip(&one, 7 + 80 + 3),
        },
        Vector {
            name: "mac_bitflip",
            expect: "cannot_decrypt",
            comment: "a bit of the header MAC flipped",
            secret: me,
            plaintext: None,
            envelope: flip(&one, header - 1),
        },
        Vector {
            name: "chunk_bitflip",
            expect: "cannot_decrypt",
            comment: "a bit of the first chunk flipped",
            secret: me,
            plaintext: None,
            envelope: flip(&one, header + 10),
        },
        Vector {
            name: "reordered_chunks",
            expect: "cannot_decrypt",
            comment: "first and second chunk swapped",
            secret: me,
            plaintext: None,
            envelope: [
                &multi[..header],
                &multi[header + chunk..header + 2 * chunk],
                &multi[header..header + chunk],
                &multi[header + 2 * chunk..],
            ]
            .concat(),
        },
        Vector {
            name: "missing_last_chunk",
            expect: "cannot_decrypt",
            comment: "the final chunk removed: a chunk with flag 0 is last",
            secret: me,
            plaintext: None,
            envelope: multi[..header + 2 * chunk].to_vec(),
        },
        Vector {
            name: "wrong_version",
            expect: "unsupported_version",
            comment: "version byte 2",
            secret: me,
            plaintext: None,
            envelope: {
                let mut e = one.clone();
                e[4] = 2;
                e
            },
        },
        Vector {
            name: "bad_magic",
            expect: "malformed",
            comment: "magic LOKX",
            secret: me,
            plaintext: None,
            envelope: {
                let mut e = one.clone();
                e[3] = b'X';
                e
            },
        },
        Vector {
            name: "zero_stanzas",
            expect: "malformed",
            comment: "count 0",
            secret: me,
            plaintext: None,
            envelope: {
                let mut e = one.clone();
                e[5] = 0;
                e[6] = 0;
                e
            },
        },
        Vector {
            name: "count_past_end",
            expect: "malformed",
            comment: "count 1024 with one stanza present",
            secret: me,
            plaintext: None,
            envelope: {
                let mut e = one[..header + 40].to_vec();
                e[5] = 4;
                e[6] = 0;
                e
            },
        },
        Vector {
            name: "tiny_final_chunk",
            expect: "malformed",
            comment: "a final chunk of 16 bytes or fewer cannot hold data and a tag",
            secret: me,
            plaintext: None,
            envelope: [one.clone(), vec![0u8; chunk - (one.len() - header) + 10]].concat(),
        },
    ];
    // All-zero shared secret: the share is the identity point (low order); readers must skip it.
    let mut zero = one.clone();
    zero[7..39].fill(0);
    vectors.push(Vector {
        name: "all_zero_share",
        expect: "cannot_decrypt",
        comment: "ephemeral share is a low-order point (all-zero shared secret)",
        secret: me,
        plaintext: None,
        envelope: zero,
    });
    for v in &vectors {
        write(&dir, v);
    }

    // Follow-up code derivation (SPEC.md §7).
    let salt: [u8; 16] = rng.random();
    let mut codes = String::from(
        "# code, deployment salt (hex) -> lookup token (hex), reporter X25519 public key (hex), \
         reporter Ed25519 public key (hex)\n",
    );
    for _ in 0..3 {
        let code = FollowUpCode::generate(&mut rng);
        let keys = code.derive(&salt).unwrap();
        writeln!(
            codes,
            "{} {} {} {} {}",
            code.display().as_str(),
            hex(&salt),
            hex(keys.lookup_token.as_slice()),
            hex(&keys.identity.recipient().0),
            hex(&keys.signing.verifying_key())
        )
        .unwrap();
    }
    std::fs::write(dir.join("codes.txt"), codes).unwrap();

    // A signed body (SPEC.md §11): Ed25519 is deterministic, so the bytes are fixed.
    let seed: [u8; 32] = rng.random();
    let signer = loket_crypto::sign::SigningSecret::from_seed(seed);
    let context = loket_crypto::sign::thread_context("0123456789abcdef0123456789abcdef");
    let body = br#"{"type":"message","v":1,"text":"We have read your report."}"#;
    let signed = loket_crypto::sign::sign_body(&signer, &context, body);
    std::fs::write(
        dir.join("signed_body.txt"),
        format!(
            "signer_seed: {}\nsigner: {}\ncontext: {}\nbody: {}\nsigned: {}\n",
            hex(&seed),
            hex(&signer.verifying_key()),
            String::from_utf8_lossy(&context),
            hex(body),
            hex(&signed)
        ),
    )
    .unwrap();

    // A member key file (fast parameters), its passphrase and public keys (SPEC.md §8).
    let member = MemberSecretKey::generate(&mut rng);
    let file = keyfile::encrypt(
        &mut rng,
        &member,
        "vector passphrase",
        KdfParams {
            m_kib: 8192,
            t: 1,
            p: 1,
        },
    )
    .unwrap();
    let p = member.public();
    std::fs::write(
        dir.join("keyfile.txt"),
        format!(
            "passphrase: vector passphrase\nx25519: {}\ned25519: {}\n\n{file}",
            hex(&p.x25519),
            hex(&p.ed25519)
        ),
    )
    .unwrap();
    println!(
        "wrote {} envelope vectors, codes.txt and keyfile.txt to {}",
        vectors.len(),
        dir.display()
    );
}
