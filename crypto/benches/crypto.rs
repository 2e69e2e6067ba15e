//! Benchmarks (criterion): sealing and opening a 4 KiB report to 1, 10 and 50 recipients;
//! payload throughput against the raw chacha20poly1305 crate in the same run; Argon2id of a
//! follow-up code. Run: `cargo bench -p loket-crypto`. Figures: docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::io::{Read, Write};

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use loket_crypto::stream::seal_stream;
use loket_crypto::{FollowUpCode, Identity, open, seal, seal_into};
use rand::SeedableRng;

fn report(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let text = vec![b'x'; 4000];
    let mut g = c.benchmark_group("report_4KiB");
    for n in [1usize, 10, 50] {
        let ids: Vec<Identity> = (0..n).map(|_| Identity::generate(&mut rng)).collect();
        let recipients: Vec<_> = ids.iter().map(Identity::recipient).collect();
        g.bench_with_input(BenchmarkId::new("seal", n), &recipients, |b, r| {
            b.iter(|| seal(&mut rng, black_box(r), black_box(&text)).unwrap())
        });
        let sealed = seal(&mut rng, &recipients, &text).unwrap();
        // The reader's stanza is the last one: the worst case for trial decryption.
        let last = ids.last().unwrap();
        g.bench_with_input(BenchmarkId::new("open", n), &sealed, |b, s| {
            b.iter(|| open(last, black_box(s)).unwrap())
        });
    }
    g.finish();
}

/// The ChaCha20-Poly1305 nonce of chunk `i` as SPEC.md §5 builds it (counter ‖ last flag):
/// a careful user of the raw crate needs a distinct nonce per chunk too.
fn chunk_nonce(i: usize, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&(i as u64).to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::from(nonce)
}

/// The raw AEAD over `buf` in 64 KiB chunks, in place, one nonce per chunk.
fn raw_in_place(cipher: &ChaCha20Poly1305, buf: &mut [u8]) {
    let chunks = buf.len().div_ceil(64 * 1024);
    for (i, chunk) in buf.chunks_mut(64 * 1024).enumerate() {
        let tag = cipher
            .encrypt_inout_detached(&chunk_nonce(i, i + 1 == chunks), b"", chunk.into())
            .unwrap();
        black_box(tag);
    }
}

/// Payload throughput. Baselines (docs/benchmarks.md explains the choice):
/// - `raw_chacha20poly1305`: what a careful user of the raw crate does to encrypt the same
///   bytes held in memory: 64 KiB chunks, a nonce per chunk, in place, no padding, no header;
/// - `raw_chacha20poly1305_padded`: the same over the padded length (SPEC.md §6), to show
///   what the padding costs;
/// - `raw_chacha20poly1305_io`: the same job as `seal_stream`, from a `Read` to a `Write`:
///   read each chunk into a buffer, encrypt it in place, write it and its tag.
fn throughput(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let id = Identity::generate(&mut rng);
    let mut g = c.benchmark_group("payload");
    for (label, size) in [("1MiB", 1usize << 20), ("100MiB", 100usize << 20)] {
        let data = vec![0x5au8; size];
        let padded = loket_crypto::pad::padded_len(size);
        g.throughput(Throughput::Bytes(size as u64));
        if size > 1 << 24 {
            g.sample_size(10);
        }
        // The output buffer is allocated and written once outside the timing (non-zero: calloc
        // would leave its pages untouched), so that no case pays page faults the others do not.
        let mut out = vec![1u8; padded + padded / 64 + (1 << 16)];
        g.bench_function(BenchmarkId::new("loket_seal_into", label), |b| {
            b.iter(|| {
                out.clear();
                seal_into(&mut rng, &[id.recipient()], black_box(&data), &mut out).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("loket_seal", label), |b| {
            b.iter(|| seal(&mut rng, &[id.recipient()], black_box(&data)).unwrap())
        });
        g.bench_function(BenchmarkId::new("loket_seal_stream", label), |b| {
            b.iter(|| {
                out.clear();
                seal_stream(
                    &mut rng,
                    &[id.recipient()],
                    black_box(data.as_slice()),
                    size as u64,
                    &mut out,
                )
                .unwrap()
            })
        });
        let cipher = ChaCha20Poly1305::new(&[7u8; 32].into());
        let mut buf = data.clone();
        g.bench_function(BenchmarkId::new("raw_chacha20poly1305", label), |b| {
            b.iter(|| raw_in_place(&cipher, black_box(&mut buf)))
        });
        let mut buf = data.clone();
        buf.resize(padded, 0);
        g.bench_function(
            BenchmarkId::new("raw_chacha20poly1305_padded", label),
            |b| b.iter(|| raw_in_place(&cipher, black_box(&mut buf))),
        );
        let mut chunk = vec![0u8; 64 * 1024];
        g.bench_function(BenchmarkId::new("raw_chacha20poly1305_io", label), |b| {
            b.iter(|| {
                out.clear();
                let mut input = black_box(data.as_slice());
                let chunks = size.div_ceil(64 * 1024);
                for i in 0..chunks {
                    let n = (size - i * 64 * 1024).min(64 * 1024);
                    let buf = &mut chunk[..n];
                    input.read_exact(buf).unwrap();
                    let tag = cipher
                        .encrypt_inout_detached(&chunk_nonce(i, i + 1 == chunks), b"", buf.into())
                        .unwrap();
                    out.write_all(buf).unwrap();
                    out.write_all(&tag).unwrap();
                }
            })
        });
    }
    g.finish();
}

fn argon2(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let code = FollowUpCode::generate(&mut rng);
    let mut g = c.benchmark_group("code");
    g.sample_size(10);
    g.bench_function("argon2id_m64MiB_t3_p1", |b| {
        b.iter(|| code.derive(black_box(&[9u8; 32])).unwrap())
    });
    g.finish();
}

criterion_group!(benches, report, throughput, argon2);
criterion_main!(benches);
