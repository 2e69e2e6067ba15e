//! A small binary to profile payload sealing with callgrind (docs/benchmarks.md): instruction
//! counts do not depend on the machine's load, unlike wall-clock figures.
//!
//! ```sh
//! cargo build --release -p loket-crypto --example seal_profile
//! valgrind --tool=callgrind --toggle-collect='seal_profile::run' \
//!     target/release/examples/seal_profile stream 8
//! ```
//!
//! Only `run` is counted (not making the input). Modes:
//! - `raw`: raw ChaCha20-Poly1305 over the same bytes in 64 KiB chunks, in place (the
//!   benchmark's baseline); `raw_padded`: the same over the padded length;
//! - `into`: `seal_into` a reused `Vec`; `memory`: `seal`; `stream`: `seal_stream` from a
//!   slice into a reused `Vec`;
//! - `header`: `seal` of an empty plaintext (the header and one 4 KiB chunk);
//! - `open`, `open_stream`: opening the sealed input (sealed outside `run`).
//!
//! glibc copies and fills blocks of 2 KiB and more with `rep movsb`/`rep stosb`, which
//! valgrind counts as one instruction per byte; with
//! `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4294967295:glibc.cpu.x86_rep_stosb_threshold=4294967295`
//! it uses its vector loops, whose counts are closer to the work done.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use loket_crypto::stream::{open_stream, seal_stream};
use loket_crypto::{Identity, RecipientKey, open, seal, seal_into};
use rand::SeedableRng;

fn raw_in_place(cipher: &ChaCha20Poly1305, buf: &mut [u8]) {
    let chunks = buf.len().div_ceil(64 * 1024);
    for (i, chunk) in buf.chunks_mut(64 * 1024).enumerate() {
        let mut nonce = [0u8; 12];
        nonce[3..11].copy_from_slice(&(i as u64).to_be_bytes());
        nonce[11] = u8::from(i + 1 == chunks);
        black_box(
            cipher
                .encrypt_inout_detached(&Nonce::from(nonce), b"", chunk.into())
                .unwrap(),
        );
    }
}

#[inline(never)]
fn run(
    mode: &str,
    rng: &mut rand::rngs::StdRng,
    id: &Identity,
    to: RecipientKey,
    data: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> usize {
    let cipher = ChaCha20Poly1305::new(&[7u8; 32].into());
    match mode {
        "stream" => {
            seal_stream(rng, &[to], data.as_slice(), data.len() as u64, &mut *out).unwrap();
            out.len()
        }
        "memory" => seal(rng, &[to], data).unwrap().len(),
        "into" => seal_into(rng, &[to], data, out).unwrap(),
        "header" => seal(rng, &[to], b"").unwrap().len(),
        "open" => open(id, out).unwrap().len(),
        "open_stream" => {
            let mut opened = Vec::with_capacity(data.len());
            open_stream(id, out.as_slice(), &mut opened).unwrap() as usize
        }
        "raw" | "raw_padded" => {
            raw_in_place(&cipher, data);
            data.len()
        }
        other => panic!("unknown mode {other}"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "stream".into());
    let mib: usize = args.next().map_or(8, |s| s.parse().unwrap());
    let size = mib << 20;
    let mut data = vec![0x5au8; size];
    if mode == "raw_padded" {
        data.resize(loket_crypto::pad::padded_len(size), 0);
    }
    // The output's pages are touched first, as a benchmark's reused buffer would be.
    let mut out = vec![1u8; size + size / 8 + (1 << 16)];
    out.clear();
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let id = Identity::generate(&mut rng);
    if mode.starts_with("open") {
        out = seal(&mut rng, &[id.recipient()], &data).unwrap();
    }
    let to = id.recipient();
    let n = run(&mode, &mut rng, &id, to, &mut data, &mut out);
    println!("{mode} {mib} MiB -> {n} bytes");
}
