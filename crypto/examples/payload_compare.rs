//! Payload throughput on a busy machine: the criterion benchmark (`benches/crypto.rs`) runs
//! each case for seconds in turn, so load that comes and goes lands on some cases and not
//! others. This runs the same cases interleaved — one call of each per round, the order
//! rotating — and reports for each case its median time and the median over rounds of its
//! ratio to the raw AEAD measured in the same round (docs/benchmarks.md).
//!
//! ```sh
//! cargo run --release -p loket-crypto --example payload_compare -- 1 400   # 1 MiB, 400 rounds
//! cargo run --release -p loket-crypto --example payload_compare -- 100 25  # 100 MiB, 25 rounds
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use loket_crypto::stream::seal_stream;
use loket_crypto::{Identity, RecipientKey, seal, seal_into, sealed_len};
use rand::SeedableRng;

const CHUNK: usize = 64 * 1024;

fn chunk_nonce(i: usize, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&(i as u64).to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::from(nonce)
}

fn raw_in_place(cipher: &ChaCha20Poly1305, buf: &mut [u8]) {
    let chunks = buf.len().div_ceil(CHUNK);
    for (i, chunk) in buf.chunks_mut(CHUNK).enumerate() {
        let tag = cipher
            .encrypt_inout_detached(&chunk_nonce(i, i + 1 == chunks), b"", chunk.into())
            .unwrap();
        black_box(tag);
    }
}

struct State {
    rng: rand::rngs::StdRng,
    to: RecipientKey,
    cipher: ChaCha20Poly1305,
    data: Vec<u8>,
    raw: Vec<u8>,
    raw_padded: Vec<u8>,
    chunk: Vec<u8>,
    out: Vec<u8>,
}

const CASES: [&str; 7] = [
    "raw_chacha20poly1305",
    "raw_chacha20poly1305_padded",
    "raw_chacha20poly1305_io",
    "loket_seal_into",
    "loket_seal_stream",
    "loket_seal",
    "loket_header_only",
];

/// Runs one case once and returns the time it took.
fn run(case: &str, s: &mut State) -> Duration {
    let State {
        rng,
        to,
        cipher,
        data,
        raw,
        raw_padded,
        chunk,
        out,
    } = s;
    let to = [*to];
    out.clear();
    let start = Instant::now();
    match case {
        "raw_chacha20poly1305" => raw_in_place(cipher, black_box(raw)),
        "raw_chacha20poly1305_padded" => raw_in_place(cipher, black_box(raw_padded)),
        "raw_chacha20poly1305_io" => {
            let mut input = black_box(data.as_slice());
            let chunks = data.len().div_ceil(CHUNK);
            for i in 0..chunks {
                let n = (data.len() - i * CHUNK).min(CHUNK);
                let buf = &mut chunk[..n];
                input.read_exact(buf).unwrap();
                let tag = cipher
                    .encrypt_inout_detached(&chunk_nonce(i, i + 1 == chunks), b"", buf.into())
                    .unwrap();
                out.write_all(buf).unwrap();
                out.write_all(&tag).unwrap();
            }
        }
        "loket_seal_into" => {
            seal_into(rng, &to, black_box(data), out).unwrap();
        }
        "loket_seal_stream" => {
            seal_stream(
                rng,
                &to,
                black_box(data.as_slice()),
                data.len() as u64,
                &mut *out,
            )
            .unwrap();
        }
        "loket_seal" => {
            black_box(seal(rng, &to, black_box(data)).unwrap());
        }
        // The fixed cost of an envelope: the header (X25519, HKDF, HMAC) and one 4 KiB chunk.
        "loket_header_only" => {
            seal_into(rng, &to, b"", out).unwrap();
        }
        other => panic!("unknown case {other}"),
    }
    start.elapsed()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().map_or(1, |s| s.parse().unwrap());
    let rounds: usize = args.next().map_or(200, |s| s.parse().unwrap());
    let size = mib << 20;
    let data = vec![0x5au8; size];
    let padded = loket_crypto::pad::padded_len(size);
    let mut raw_padded = data.clone();
    raw_padded.resize(padded, 0);
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let to = Identity::generate(&mut rng).recipient();
    let mut s = State {
        rng,
        to,
        cipher: ChaCha20Poly1305::new(&[7u8; 32].into()),
        raw: data.clone(),
        data,
        raw_padded,
        chunk: vec![0u8; CHUNK],
        // Written once (non-zero, so the pages are really touched) and reused.
        out: vec![1u8; sealed_len(1, size).unwrap()],
    };
    // Warm-up: one call of each case.
    for case in CASES {
        run(case, &mut s);
    }
    let mut times = vec![Vec::with_capacity(rounds); CASES.len()];
    for round in 0..rounds {
        for k in 0..CASES.len() {
            let i = (round + k) % CASES.len();
            times[i].push(run(CASES[i], &mut s).as_secs_f64());
        }
    }
    println!(
        "{mib} MiB (padded to {padded} bytes), {rounds} rounds, interleaved; ratio = median over rounds of case / raw_chacha20poly1305 in the same round"
    );
    let raw = times[0].clone();
    for (i, case) in CASES.iter().enumerate() {
        let mut ratios: Vec<f64> = times[i].iter().zip(&raw).map(|(t, r)| t / r).collect();
        let ratio = median(&mut ratios);
        let mut t = times[i].clone();
        let med = median(&mut t);
        println!(
            "{case:<28} median {:>10.1} µs  min {:>10.1} µs  {:>7.0} MiB/s  ratio {:.3} ({:+.1} %)",
            med * 1e6,
            t[0] * 1e6,
            mib as f64 / med,
            ratio,
            (ratio - 1.0) * 100.0
        );
    }
}
