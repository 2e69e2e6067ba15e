//! Streaming seal and open (SPEC.md §5): the same envelope bytes as [`crate::seal`], produced
//! and consumed in constant memory (one 64 KiB chunk at a time), for attachments of hundreds
//! of MiB. [`StreamSealer`] writes the same bytes from plaintext pushed in pieces.
//!
//! A streaming reader releases each chunk as soon as it authenticates. Truncation is detected
//! only at the end, so a caller MUST discard everything written if `open_stream` fails.

use std::io::{Read, Write};

use zeroize::{Zeroize, Zeroizing};

use crate::envelope::{
    CHUNK_SIZE, FIXED_SIZE, PayloadCipher, TAG_SIZE, header_len, open_header, parse_fixed,
    seal_header,
};
use crate::error::{OpenError, SealError};
use crate::keys::{Identity, RecipientKey};
use crate::pad;

/// A failure while streaming.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the input ended before the declared length")]
    ShortInput,
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let Some(rest) = buf.get_mut(n..) else { break };
        match input.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Seals exactly `len` bytes from `input` to `recipients`, writing the envelope to `output`.
/// Returns the number of bytes written.
pub fn seal_stream<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
    mut input: impl Read,
    len: u64,
    mut output: impl Write,
) -> Result<u64, StreamError> {
    let (header, payload_key) = seal_header(rng, recipients)?;
    output.write_all(&header)?;
    let mut written = header.len() as u64;
    let plain_len = usize::try_from(len).map_err(|_| SealError::TooLarge)?;
    let padded = pad::padded_len(plain_len);
    let padded_len = padded as u64;
    let mut cipher = PayloadCipher::new(&payload_key);
    // Plaintext passes through this buffer, wiped on drop; no larger than the payload, so a
    // short report does not allocate and wipe a whole chunk.
    let mut chunk = Zeroizing::new(vec![0u8; CHUNK_SIZE.min(padded)]);
    let mut offset: u64 = 0; // position in the padded stream
    while offset < padded_len {
        let size = (padded_len - offset).min(CHUNK_SIZE as u64) as usize;
        let buf = chunk.get_mut(..size).ok_or(SealError::TooLarge)?;
        // Plaintext bytes in this chunk, then the 0x80 marker, then zeros.
        let plain_here = len.saturating_sub(offset).min(size as u64) as usize;
        let (plain_part, pad_part) = buf.split_at_mut(plain_here);
        if fill(&mut input, plain_part)? != plain_here {
            return Err(StreamError::ShortInput);
        }
        pad_part.fill(0);
        if offset + (plain_here as u64) == len
            && let Some(marker) = pad_part.first_mut()
        {
            *marker = 0x80;
        }
        offset += size as u64;
        let tag = cipher.seal_chunk((&mut *buf).into(), offset == padded_len)?;
        output.write_all(buf)?;
        output.write_all(&tag)?;
        written += (buf.len() + tag.len()) as u64;
    }
    output.flush()?;
    Ok(written)
}

/// Incremental sealing (SPEC.md §5): the same bytes as [`seal_stream`] for the same RNG, for a
/// caller that gets the plaintext in pieces of any size and cannot lend a blocking reader (the
/// reporter's browser reads a file slice by slice, asynchronously, and uploads the ciphertext as
/// it goes). The plaintext length is fixed up front: the padding (§6), and so the ciphertext
/// length, depend on it. At most one 64 KiB chunk of plaintext is held, wiped on drop.
pub struct StreamSealer {
    cipher: PayloadCipher,
    len: u64,
    padded_len: u64,
    sealed_len: u64,
    /// Plaintext bytes taken so far.
    taken: u64,
    /// Padded bytes sealed so far.
    done: u64,
    /// The chunk being filled.
    chunk: Zeroizing<Vec<u8>>,
}

impl StreamSealer {
    /// Starts sealing `len` bytes to `recipients`; appends the header to `out`.
    pub fn new<R: rand_core::CryptoRng + ?Sized>(
        rng: &mut R,
        recipients: &[RecipientKey],
        len: u64,
        out: &mut Vec<u8>,
    ) -> Result<Self, SealError> {
        let plain_len = usize::try_from(len).map_err(|_| SealError::TooLarge)?;
        let sealed_len = crate::sealed_len(recipients.len(), plain_len)
            .and_then(|n| u64::try_from(n).ok())
            .ok_or(SealError::TooLarge)?;
        let (header, payload_key) = seal_header(rng, recipients)?;
        out.extend_from_slice(&header);
        let padded = pad::padded_len(plain_len);
        Ok(Self {
            cipher: PayloadCipher::new(&payload_key),
            len,
            padded_len: padded as u64,
            sealed_len,
            taken: 0,
            done: 0,
            chunk: Zeroizing::new(Vec::with_capacity(CHUNK_SIZE.min(padded))),
        })
    }

    /// The length of the whole envelope, header included, known before any plaintext.
    pub fn sealed_len(&self) -> u64 {
        self.sealed_len
    }

    /// Takes the next plaintext bytes; appends every chunk they complete to `out`. More bytes
    /// than declared are refused.
    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<(), SealError> {
        if self.len - self.taken < data.len() as u64 {
            return Err(SealError::LengthMismatch);
        }
        while !data.is_empty() {
            let room = CHUNK_SIZE - self.chunk.len();
            let (now, rest) = data.split_at(room.min(data.len()));
            self.chunk.extend_from_slice(now);
            self.taken += now.len() as u64;
            data = rest;
            // A chunk full of plaintext is never the last: the 0x80 marker follows it.
            if self.chunk.len() == CHUNK_SIZE {
                self.seal_chunk(false, out)?;
            }
        }
        Ok(())
    }

    fn seal_chunk(&mut self, last: bool, out: &mut Vec<u8>) -> Result<(), SealError> {
        let tag = self
            .cipher
            .seal_chunk(self.chunk.as_mut_slice().into(), last)?;
        out.extend_from_slice(&self.chunk);
        out.extend_from_slice(&tag);
        self.done += self.chunk.len() as u64;
        self.chunk.clear();
        Ok(())
    }

    /// Once all plaintext was pushed: appends the next chunk of the end (the rest of the
    /// plaintext, the 0x80 marker and zeros, §6) to `out`; true when the envelope is complete.
    /// The padding may run to several chunks, so the caller calls this until it says true,
    /// sending what it wrote in between.
    pub fn finish_next(&mut self, out: &mut Vec<u8>) -> Result<bool, SealError> {
        if self.taken != self.len {
            return Err(SealError::LengthMismatch);
        }
        if self.done == self.padded_len {
            return Ok(true);
        }
        let size = (self.padded_len - self.done).min(CHUNK_SIZE as u64) as usize;
        if self.done <= self.len {
            self.chunk.push(0x80);
        }
        self.chunk.resize(size, 0);
        let last = self.done + size as u64 == self.padded_len;
        self.seal_chunk(last, out)?;
        Ok(last)
    }
}

/// Opens an envelope from `input`, writing the plaintext to `output` one chunk at a time.
/// Returns the plaintext length. On error, discard whatever was written.
pub fn open_stream(
    identity: &Identity,
    mut input: impl Read,
    output: impl Write,
) -> Result<u64, StreamError> {
    let mut fixed = [0u8; FIXED_SIZE];
    if fill(&mut input, &mut fixed)? != FIXED_SIZE {
        return Err(OpenError::Malformed.into());
    }
    let count = parse_fixed(&fixed)?;
    let mut header = vec![0u8; header_len(count)];
    let (head, rest) = header.split_at_mut(FIXED_SIZE);
    head.copy_from_slice(&fixed);
    if fill(&mut input, rest)? != rest.len() {
        return Err(OpenError::Malformed.into());
    }
    let payload_key = open_header(identity, &header)?;
    let mut cipher = PayloadCipher::new(&payload_key);
    let mut unpad = Unpad::new(output);
    // One chunk plus one byte of look-ahead, to know whether a full chunk is the last one.
    // Chunks are decrypted in place, so the buffer holds plaintext: it is wiped on drop.
    let mut buf = ChunkBuffer::new(CHUNK_SIZE + TAG_SIZE + 1);
    let mut have = buf.fill_from(&mut input, 0)?;
    if have <= TAG_SIZE {
        return Err(OpenError::Malformed.into());
    }
    loop {
        let last = have <= CHUNK_SIZE + TAG_SIZE;
        let size = have.min(CHUNK_SIZE + TAG_SIZE);
        if size <= TAG_SIZE {
            return Err(OpenError::Malformed.into());
        }
        let chunk = buf.bytes.get_mut(..size).ok_or(OpenError::Malformed)?;
        unpad.push(cipher.open_chunk_in_place(chunk, last)?)?;
        if last {
            break;
        }
        // Move the look-ahead byte to the front and refill.
        buf.bytes.copy_within(size..have, 0);
        let kept = have - size;
        have = buf.fill_from(&mut input, kept)?;
    }
    unpad.finish()
}

/// The chunk buffer of [`open_stream`]: wipes, on drop, the bytes that were used (every
/// plaintext chunk passed through them), not the whole buffer when the payload was short.
struct ChunkBuffer {
    bytes: Vec<u8>,
    used: usize,
}

impl ChunkBuffer {
    fn new(len: usize) -> Self {
        Self {
            bytes: vec![0u8; len],
            used: 0,
        }
    }

    /// Fills the buffer from `input` from position `from`; returns `from` plus the bytes read.
    fn fill_from(&mut self, input: &mut impl Read, from: usize) -> Result<usize, StreamError> {
        let rest = self.bytes.get_mut(from..).ok_or(OpenError::Malformed)?;
        let end = from + fill(input, rest)?;
        self.used = self.used.max(end);
        Ok(end)
    }
}

impl Drop for ChunkBuffer {
    fn drop(&mut self) {
        if let Some(used) = self.bytes.get_mut(..self.used) {
            used.zeroize();
        }
    }
}

/// Streaming unpadding (SPEC.md §6): plaintext ‖ 0x80 ‖ 0x00*. Holds back the last non-zero
/// byte and a count of the zeros after it; everything before that is certainly plaintext.
struct Unpad<W: Write> {
    out: W,
    held: Option<u8>,
    zeros: u64,
    written: u64,
}

impl<W: Write> Unpad<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            held: None,
            zeros: 0,
            written: 0,
        }
    }

    fn flush_held(&mut self) -> std::io::Result<()> {
        const ZEROS: [u8; 4096] = [0u8; 4096];
        if let Some(h) = self.held.take() {
            self.out.write_all(&[h])?;
            self.written += 1;
        }
        while self.zeros > 0 {
            let n = self.zeros.min(ZEROS.len() as u64) as usize;
            self.out.write_all(ZEROS.get(..n).unwrap_or(&[]))?;
            self.zeros -= n as u64;
            self.written += n as u64;
        }
        Ok(())
    }

    fn push(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match rest.iter().position(|&b| b != 0) {
                None => {
                    self.zeros += rest.len() as u64;
                    break;
                }
                Some(p) => {
                    // Zeros before the next non-zero byte join the held run; then the held
                    // byte and its zeros are plaintext, and so is everything up to the last
                    // non-zero byte of this stretch.
                    self.zeros += p as u64;
                    self.flush_held()?;
                    let stretch = rest.get(p..).unwrap_or(&[]);
                    let last_nz = stretch.iter().rposition(|&b| b != 0).unwrap_or(0);
                    let (body, tail) = stretch.split_at(last_nz);
                    self.out.write_all(body)?;
                    self.written += body.len() as u64;
                    self.held = tail.first().copied();
                    self.zeros = tail.len().saturating_sub(1) as u64;
                    rest = &[];
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<u64, StreamError> {
        if self.held != Some(0x80) {
            return Err(OpenError::CannotDecrypt.into());
        }
        self.out.flush()?;
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    /// `data` sealed as a stream to `id` alone.
    fn sealed_to(rng: &mut rand::rngs::StdRng, id: &Identity, data: &[u8]) -> Vec<u8> {
        let mut sealed = Vec::new();
        seal_stream(rng, &[id.recipient()], data, data.len() as u64, &mut sealed).unwrap();
        sealed
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Streaming and in-memory sealing are the same format: each opens the other.
        #[test]
        fn stream_and_memory_agree(len in prop_oneof![0usize..5000, 65_530usize..65_545, 131_060usize..131_080, 200_000usize..300_000], seed in any::<u64>()) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let id = Identity::generate(&mut rng);
            let data: Vec<u8> = (0..len).map(|i| if i % 7 == 0 { 0 } else { (i % 251) as u8 }).collect();
            let mut sealed = Vec::new();
            seal_stream(&mut rng, &[id.recipient()], data.as_slice(), len as u64, &mut sealed).unwrap();
            let opened = crate::open(&id, &sealed).unwrap();
            prop_assert_eq!(opened.as_slice(), data.as_slice());
            let in_memory = crate::seal(&mut rng, &[id.recipient()], &data).unwrap();
            prop_assert_eq!(in_memory.len(), sealed.len());
            // With the same RNG, the same bytes.
            let mut again = rand::rngs::StdRng::seed_from_u64(seed);
            let _ = Identity::generate(&mut again);
            prop_assert_eq!(crate::seal(&mut again, &[id.recipient()], &data).unwrap(), sealed.clone());
            let mut out = Vec::new();
            prop_assert_eq!(open_stream(&id, in_memory.as_slice(), &mut out).unwrap(), len as u64);
            prop_assert_eq!(out, data);
        }
    }

    /// `data` sealed with [`StreamSealer`], pushed in the given piece sizes.
    fn sealed_incrementally(seed: u64, data: &[u8], pieces: &[usize]) -> Vec<u8> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let id = Identity::generate(&mut rng);
        let mut out = Vec::new();
        let mut sealer =
            StreamSealer::new(&mut rng, &[id.recipient()], data.len() as u64, &mut out).unwrap();
        let mut rest = data;
        let mut i = 0;
        while !rest.is_empty() {
            let n = pieces[i % pieces.len()].clamp(1, rest.len());
            sealer.push(&rest[..n], &mut out).unwrap();
            rest = &rest[n..];
            i += 1;
        }
        while !sealer.finish_next(&mut out).unwrap() {}
        assert_eq!(out.len() as u64, sealer.sealed_len());
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The incremental sealer writes exactly the bytes of `seal_stream` (and so of `seal`),
        /// however the plaintext is cut.
        #[test]
        fn incremental_sealing_is_byte_identical(len in prop_oneof![0usize..5000, 65_530usize..65_545, 131_060usize..131_080, 200_000usize..300_000], seed in any::<u64>(), pieces in proptest::collection::vec(1usize..100_000, 1..5)) {
            let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let id = Identity::generate(&mut rng);
            let mut streamed = Vec::new();
            seal_stream(&mut rng, &[id.recipient()], data.as_slice(), len as u64, &mut streamed).unwrap();
            prop_assert_eq!(sealed_incrementally(seed, &data, &pieces), streamed);
        }
    }

    #[test]
    fn incremental_sealing_pads_over_several_chunks_and_checks_the_length() {
        // Padmé rounds 8 MiB + 2 up to 8 MiB + 256 KiB: the padding fills four chunks.
        let data = vec![0x42u8; (8 << 20) + 1];
        assert_eq!(pad::padded_len(data.len()), (8 << 20) + (256 << 10));
        let sealed = sealed_incrementally(5, &data, &[70_000]);
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let id = Identity::generate(&mut rng);
        assert_eq!(
            crate::open(&id, &sealed).unwrap().as_slice(),
            data.as_slice()
        );
        let mut out = Vec::new();
        let mut sealer = StreamSealer::new(&mut rng, &[id.recipient()], 10, &mut out).unwrap();
        assert_eq!(
            sealer.push(&[0; 11], &mut out),
            Err(SealError::LengthMismatch)
        );
        sealer.push(&[0; 9], &mut out).unwrap();
        assert_eq!(sealer.finish_next(&mut out), Err(SealError::LengthMismatch));
        sealer.push(&[0], &mut out).unwrap();
        assert_eq!(sealer.finish_next(&mut out), Ok(true));
        assert_eq!(sealer.finish_next(&mut out), Ok(true));
        assert_eq!(crate::open(&id, &out).unwrap().as_slice(), &[0; 10]);
    }

    #[test]
    fn trailing_zeros_in_plaintext_survive() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let id = Identity::generate(&mut rng);
        for data in [
            vec![0u8; 10],
            vec![1, 0, 0, 0x80, 0, 0],
            vec![0x80; 3],
            vec![],
        ] {
            let sealed = sealed_to(&mut rng, &id, &data);
            let mut out = Vec::new();
            open_stream(&id, sealed.as_slice(), &mut out).unwrap();
            assert_eq!(out, data);
        }
    }

    #[test]
    fn truncated_and_short_streams_fail() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let id = Identity::generate(&mut rng);
        let data = vec![5u8; 150_000];
        let sealed = sealed_to(&mut rng, &id, &data);
        let cut = header_len(1) + CHUNK_SIZE + TAG_SIZE;
        assert!(open_stream(&id, &sealed[..cut], &mut Vec::new()).is_err());
        assert!(open_stream(&id, &sealed[..sealed.len() - 1], &mut Vec::new()).is_err());
        let short = seal_stream(
            &mut rng,
            &[id.recipient()],
            &data[..10],
            20,
            &mut Vec::new(),
        );
        assert!(matches!(short, Err(StreamError::ShortInput)));
    }
}
