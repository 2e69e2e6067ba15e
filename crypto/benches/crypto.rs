//! Benchmarks (criterion): sealing and opening a 4 KiB report to 1, 10 and 50 recipients;
//! payload throughput against the raw chacha20poly1305 crate in the same run; Argon2id of a
//! follow-up code. Run: `cargo bench -p loket-crypto`. Figures: docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use loket_crypto::stream::seal_stream;
use loket_crypto::{FollowUpCode, Identity, open, seal};
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

fn throughput(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let id = Identity::generate(&mut rng);
    let mut g = c.benchmark_group("payload");
    for (label, size) in [("1MiB", 1usize << 20), ("100MiB", 100usize << 20)] {
        let data = vec![0x5au8; size];
        g.throughput(Throughput::Bytes(size as u64));
        if size > 1 << 24 {
            g.sample_size(10);
        }
        g.bench_function(BenchmarkId::new("loket_seal_stream", label), |b| {
            let mut out = Vec::with_capacity(size + size / 8 + (1 << 16));
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
        // Baseline: the same bytes through the raw AEAD, one 64 KiB chunk at a time, in place.
        let cipher = ChaCha20Poly1305::new(&[7u8; 32].into());
        g.bench_function(BenchmarkId::new("raw_chacha20poly1305", label), |b| {
            let mut buf = data.clone();
            b.iter(|| {
                for (i, chunk) in buf.chunks_mut(64 * 1024).enumerate() {
                    let mut nonce = [0u8; 12];
                    nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
                    black_box(
                        cipher
                            .encrypt_inout_detached(&Nonce::from(nonce), b"", chunk.into())
                            .unwrap(),
                    );
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
