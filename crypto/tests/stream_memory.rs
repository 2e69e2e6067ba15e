//! A 1 GiB payload seals and opens in constant memory (SPEC.md §5). Runs alone in its own test
//! binary so that the process's peak resident memory reflects this test only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};

use loket_crypto::Identity;
use loket_crypto::stream::{open_stream, seal_stream};
use rand::SeedableRng;

/// Peak resident set size of this process, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A 65 521-byte (prime) pattern of non-zero bytes, repeated: the payload is never held.
fn pattern() -> Vec<u8> {
    let mut state: u64 = 7;
    (0..65_521)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8 | 1
        })
        .collect()
}

struct Source {
    left: u64,
    pos: usize,
    pattern: Vec<u8>,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64)
            .min(self.left)
            .min((self.pattern.len() - self.pos) as u64) as usize;
        buf[..n].copy_from_slice(&self.pattern[self.pos..self.pos + n]);
        self.pos = (self.pos + n) % self.pattern.len();
        self.left -= n as u64;
        Ok(n)
    }
}

/// Checks every written byte against the pattern.
struct Sink {
    len: u64,
    pos: usize,
    pattern: Vec<u8>,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            let n = rest.len().min(self.pattern.len() - self.pos);
            assert!(
                rest[..n] == self.pattern[self.pos..self.pos + n],
                "plaintext differs at {}",
                self.len
            );
            self.pos = (self.pos + n) % self.pattern.len();
            self.len += n as u64;
            rest = &rest[n..];
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn one_gib_seals_and_opens_in_constant_memory() {
    const LEN: u64 = 1 << 30;
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let id = Identity::generate(&mut rng);
    let recipient = id.recipient();
    let before = peak_rss_kib();

    let (reader, writer) = std::io::pipe().unwrap();
    let sealer = std::thread::spawn(move || {
        let mut rng = rand::rngs::StdRng::seed_from_u64(43);
        let writer = std::io::BufWriter::with_capacity(1 << 16, writer);
        let source = Source {
            left: LEN,
            pos: 0,
            pattern: pattern(),
        };
        seal_stream(&mut rng, &[recipient], source, LEN, writer).unwrap()
    });
    let mut sink = Sink {
        len: 0,
        pos: 0,
        pattern: pattern(),
    };
    let opened = open_stream(
        &id,
        std::io::BufReader::with_capacity(1 << 16, reader),
        &mut sink,
    )
    .unwrap();
    let sealed_len = sealer.join().unwrap();

    assert_eq!(opened, LEN);
    assert_eq!(sink.len, LEN);
    assert!(sealed_len > LEN);

    let grown_mib = (peak_rss_kib() - before) / 1024;
    eprintln!("1 GiB sealed and opened; peak RSS grew by {grown_mib} MiB");
    assert!(
        grown_mib < 32,
        "streaming must not hold the payload: peak RSS grew by {grown_mib} MiB"
    );
}
