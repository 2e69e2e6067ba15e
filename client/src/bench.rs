//! One benchmark, two targets: the same measuring code runs natively (the `wasm_bench` runner
//! in `tests/examples/`) and as WebAssembly in a browser (the portal at `/#bench`), so the
//! ratio WASM/native compares like with like in one run. Each case is timed in batches of
//! at least `MIN_BATCH_MS`; the figure is the median over the batches of the time per operation.
//! Not a test: nothing here asserts a speed (see docs/benchmarks.md for the figures).

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use loket_crypto::stream::seal_stream;
use loket_crypto::{FollowUpCode, Identity};
use serde::{Deserialize, Serialize};

const MIN_BATCH_MS: f64 = 25.0;

/// One measured case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub name: String,
    /// Median milliseconds per operation.
    pub median_ms: f64,
    /// Bytes processed per operation (for throughput), 0 if not meaningful.
    pub bytes: u64,
    pub batches: usize,
}

impl Measure {
    /// MB/s (10^6 bytes per second), when `bytes` is set.
    pub fn mb_per_s(&self) -> Option<f64> {
        (self.bytes > 0 && self.median_ms > 0.0)
            .then(|| self.bytes as f64 / 1e6 / (self.median_ms / 1e3))
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => xs.get(n / 2).copied().unwrap_or(0.0),
        _ => {
            let a = xs.get(n / 2 - 1).copied().unwrap_or(0.0);
            let b = xs.get(n / 2).copied().unwrap_or(0.0);
            (a + b) / 2.0
        }
    }
}

/// Times `op` in batches: grows the batch until it lasts `MIN_BATCH_MS`, then takes `batches`
/// samples.
fn time(
    now_ms: &dyn Fn() -> f64,
    name: &str,
    bytes: u64,
    batches: usize,
    op: &mut dyn FnMut(),
) -> Measure {
    let mut per_batch = 1usize;
    loop {
        let start = now_ms();
        for _ in 0..per_batch {
            op();
        }
        if now_ms() - start >= MIN_BATCH_MS || per_batch >= 1 << 20 {
            break;
        }
        per_batch *= 2;
    }
    let samples = (0..batches)
        .map(|_| {
            let start = now_ms();
            for _ in 0..per_batch {
                op();
            }
            (now_ms() - start) / per_batch as f64
        })
        .collect();
    Measure {
        name: name.to_owned(),
        median_ms: median(samples),
        bytes,
        batches,
    }
}

/// Runs every case. `now_ms` is a monotonic clock in milliseconds (`performance.now()` in a
/// browser, `Instant` natively). Failures of the operations themselves are reported as a
/// measure named `error: …` rather than a panic.
pub fn run<R: rand_core::CryptoRng + ?Sized>(
    now_ms: &dyn Fn() -> f64,
    rng: &mut R,
) -> Vec<Measure> {
    let mut out = Vec::new();

    // Argon2id of a follow-up code (m = 64 MiB, t = 3, p = 1): what a reporter waits for.
    let code = FollowUpCode::generate(rng);
    out.push(time(now_ms, "argon2id_code", 0, 5, &mut || {
        let _ = code.derive(&[7u8; 16]);
    }));

    // A 4 KiB report sealed to 1, 10 and 50 recipients, and opened by the last of them
    // (the worst case for trial decryption).
    let text = vec![b'x'; 4000];
    for n in [1usize, 10, 50] {
        let ids: Vec<Identity> = (0..n).map(|_| Identity::generate(rng)).collect();
        let recipients: Vec<_> = ids.iter().map(Identity::recipient).collect();
        let mut failed = false;
        out.push(time(
            now_ms,
            &format!("seal_4KiB_to_{n}"),
            0,
            11,
            &mut || {
                failed |= loket_crypto::seal(&mut *rng, &recipients, &text).is_err();
            },
        ));
        let Ok(sealed) = loket_crypto::seal(rng, &recipients, &text) else {
            out.push(error("seal failed"));
            continue;
        };
        let Some(last) = ids.last() else { continue };
        out.push(time(
            now_ms,
            &format!("open_4KiB_from_{n}"),
            0,
            11,
            &mut || {
                failed |= loket_crypto::open(last, &sealed).is_err();
            },
        ));
        if failed {
            out.push(error("an operation failed"));
        }
    }

    // Payload throughput: 1 MiB through the envelope (padding, STREAM chunks) against the raw
    // AEAD over the same bytes in 64 KiB chunks.
    let size = 1usize << 20;
    let data = vec![0x5au8; size];
    let id = Identity::generate(rng);
    let mut sealed = Vec::with_capacity(size + 64 * 1024);
    out.push(time(now_ms, "seal_1MiB", size as u64, 7, &mut || {
        sealed.clear();
        let _ = seal_stream(
            &mut *rng,
            &[id.recipient()],
            data.as_slice(),
            size as u64,
            &mut sealed,
        );
    }));
    let mut opened = Vec::with_capacity(size);
    out.push(time(now_ms, "open_1MiB", size as u64, 7, &mut || {
        opened.clear();
        let _ = loket_crypto::stream::open_stream(&id, sealed.as_slice(), &mut opened);
    }));
    if opened != data {
        out.push(error("1 MiB did not open back"));
    }
    let cipher = ChaCha20Poly1305::new(&[7u8; 32].into());
    let mut buf = data.clone();
    out.push(time(
        now_ms,
        "raw_chacha20poly1305_1MiB",
        size as u64,
        7,
        &mut || {
            for (i, chunk) in buf.chunks_mut(64 * 1024).enumerate() {
                let mut nonce = [0u8; 12];
                if let Some(head) = nonce.get_mut(..8) {
                    head.copy_from_slice(&(i as u64).to_be_bytes());
                }
                let _ = cipher.encrypt_inout_detached(&Nonce::from(nonce), b"", chunk.into());
            }
        },
    ));
    out
}

fn error(what: &str) -> Measure {
    Measure {
        name: format!("error: {what}"),
        median_ms: 0.0,
        bytes: 0,
        batches: 0,
    }
}
