//! The envelope's frame (SPEC.md §4–§5) without its cipher: magic, version, sizes, lengths,
//! the check of a frame, and decoy envelopes of exactly a real envelope's size and shape.
//! The crypto crate seals and opens with these constants; the server, which cannot decrypt,
//! checks frames and builds decoys with them.

use crate::pad;

/// First bytes of every envelope.
pub const MAGIC: &[u8; 4] = b"LOKT";
/// The only envelope version written and read.
pub const VERSION: u8 = 1;
/// Magic ‖ version: the first five bytes of every version-1 envelope.
pub const PREFIX: [u8; 5] = [MAGIC[0], MAGIC[1], MAGIC[2], MAGIC[3], VERSION];
/// Bytes before the stanzas: magic, version, stanza count (u16, big-endian).
pub const FIXED_SIZE: usize = PREFIX.len() + 2;
/// An X25519 public key: a stanza's ephemeral share.
pub const SHARE_SIZE: usize = 32;
/// A symmetric key (the content key, wrapped in each stanza).
pub const KEY_SIZE: usize = 32;
/// Poly1305 tag length.
pub const TAG_SIZE: usize = 16;
/// Ephemeral share ‖ wrapped content key (SPEC.md §4.2).
pub const STANZA_SIZE: usize = SHARE_SIZE + KEY_SIZE + TAG_SIZE;
/// The payload nonce of the header.
pub const NONCE_SIZE: usize = 16;
/// The header MAC (HMAC-SHA-256).
pub const MAC_SIZE: usize = 32;
/// Plaintext bytes per payload chunk (SPEC.md §5).
pub const CHUNK_SIZE: usize = 64 * 1024;
/// Upper bound on recipients; keeps a hostile header from costing unbounded work.
pub const MAX_RECIPIENTS: usize = 1024;
/// The smallest envelope: one stanza and one padded 4 KiB chunk with its tag.
pub const MIN_SEALED_LEN: usize = header_len(1) + pad::SMALL_BUCKETS[0] + TAG_SIZE;
/// The largest padded plaintext of a report or message: the largest small padding bucket,
/// 64 KiB (about 10,000 words; files go as attachments). Clients refuse to seal more, and the
/// server refuses to store more ([`check_shape`]).
pub const MAX_PADDED_LEN: usize = pad::SMALL_BUCKETS[2];
/// The largest report or message envelope: [`MAX_RECIPIENTS`] stanzas and [`MAX_PADDED_LEN`].
pub const MAX_SEALED_LEN: usize =
    header_len(MAX_RECIPIENTS) + MAX_PADDED_LEN + MAX_PADDED_LEN.div_ceil(CHUNK_SIZE) * TAG_SIZE;

/// Length of a header with `recipients` stanzas, MAC included (saturating; a header has at
/// most [`MAX_RECIPIENTS`] stanzas).
pub const fn header_len(recipients: usize) -> usize {
    recipients
        .saturating_mul(STANZA_SIZE)
        .saturating_add(FIXED_SIZE + NONCE_SIZE + MAC_SIZE)
}

/// Length of the payload (SPEC.md §5) of a padded plaintext of `padded_len` bytes: the bytes
/// plus one tag per chunk.
pub fn payload_len(padded_len: usize) -> Option<usize> {
    padded_len.checked_add(padded_len.div_ceil(CHUNK_SIZE).checked_mul(TAG_SIZE)?)
}

/// Length of the envelope that seals a plaintext of `plaintext_len` bytes to `recipients`
/// recipients (SPEC.md §4–§6); `None` if it does not fit in memory.
pub fn sealed_len(recipients: usize, plaintext_len: usize) -> Option<usize> {
    payload_len(pad::padded_len(plaintext_len))?.checked_add(header_len(recipients))
}

/// Why bytes are not an envelope frame.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum FrameError {
    /// Fewer bytes than the smallest envelope (or than its fixed header).
    #[error("too short for an envelope")]
    TooShort,
    /// The bytes do not start with the magic `LOKT`.
    #[error("not an envelope")]
    BadMagic,
    /// A version other than 1.
    #[error("unsupported envelope version")]
    UnsupportedVersion,
    /// A stanza count of 0 or above [`MAX_RECIPIENTS`].
    #[error("bad recipient count")]
    BadCount,
}

/// The frame check of a party that cannot decrypt (the server, before it stores an
/// envelope): magic and version, and at least [`MIN_SEALED_LEN`] bytes. Obvious garbage is
/// refused; the stanza count and everything after it only a reader checks.
pub fn check_frame(envelope: &[u8]) -> Result<(), FrameError> {
    if envelope.len() < MIN_SEALED_LEN {
        return Err(FrameError::TooShort);
    }
    match envelope.first_chunk::<{ PREFIX.len() }>() {
        Some(prefix) if *prefix == PREFIX => Ok(()),
        Some(prefix) if prefix.starts_with(MAGIC) => Err(FrameError::UnsupportedVersion),
        _ => Err(FrameError::BadMagic),
    }
}

/// Why an envelope does not have the shape a client seals.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum ShapeError {
    #[error(transparent)]
    /// The frame is not that of an envelope.
    Frame(#[from] FrameError),
    /// The payload is not one padding bucket's size (SPEC.md §6) sealed in chunks (§5).
    #[error("not the size of a padded envelope")]
    NotPadded,
    /// More than [`MAX_PADDED_LEN`] of padded plaintext.
    #[error("envelope too large")]
    TooLarge,
}

/// The shape check of a party that cannot decrypt, before it stores a report or message: the
/// frame ([`check_frame`]), a stanza count of 1 to [`MAX_RECIPIENTS`] with every stanza there,
/// and a payload of exactly the size a client seals for one padding bucket (SPEC.md §5–§6), at
/// most [`MAX_PADDED_LEN`]. So the server stores only sizes a real client makes, and none
/// larger than a report needs.
pub fn check_shape(envelope: &[u8]) -> Result<(), ShapeError> {
    check_frame(envelope)?;
    let count = read_fixed(envelope)?;
    let payload = envelope
        .len()
        .checked_sub(header_len(count))
        .ok_or(ShapeError::Frame(FrameError::TooShort))?;
    if payload > payload_len(MAX_PADDED_LEN).unwrap_or(usize::MAX) {
        return Err(ShapeError::TooLarge);
    }
    // `payload` = padded + one tag per (possibly partial) chunk: find `padded`.
    let chunks = payload.div_ceil(CHUNK_SIZE + TAG_SIZE);
    let padded = payload.saturating_sub(chunks * TAG_SIZE);
    let is_bucket = pad::SMALL_BUCKETS.contains(&padded)
        || (padded > pad::SMALL_BUCKETS[2] && pad::padme(padded) == padded);
    if is_bucket && payload_len(padded) == Some(payload) {
        Ok(())
    } else {
        Err(ShapeError::NotPadded)
    }
}

/// The shape of a report's statistics part (SPEC.md §9.2): an envelope to exactly one
/// recipient (the statistics key) of the smallest padding bucket, so every statistics part
/// has the same size, answered or not.
pub fn check_statistics_shape(envelope: &[u8]) -> Result<(), ShapeError> {
    check_shape(envelope)?;
    if read_fixed(envelope)? == 1 && Some(envelope.len()) == sealed_len(1, 1) {
        Ok(())
    } else {
        Err(ShapeError::NotPadded)
    }
}

/// Reads magic, version and stanza count from the start of `bytes` (SPEC.md §4.4 steps 1–2):
/// the number of stanzas, 1 to [`MAX_RECIPIENTS`].
pub fn read_fixed(bytes: &[u8]) -> Result<usize, FrameError> {
    let (magic, rest) = bytes
        .split_at_checked(MAGIC.len())
        .ok_or(FrameError::TooShort)?;
    if magic != MAGIC.as_slice() {
        return Err(FrameError::BadMagic);
    }
    let (&version, rest) = rest.split_first().ok_or(FrameError::TooShort)?;
    if version != VERSION {
        return Err(FrameError::UnsupportedVersion);
    }
    let count: [u8; 2] = rest
        .get(..2)
        .and_then(|c| c.try_into().ok())
        .ok_or(FrameError::TooShort)?;
    let count = usize::from(u16::from_be_bytes(count));
    if count == 0 || count > MAX_RECIPIENTS {
        return Err(FrameError::BadCount);
    }
    Ok(count)
}

/// Why a new header does not hand an envelope to more readers (SPEC.md §9.11).
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum HandoverError {
    /// The old envelope or the new header is not an envelope frame.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The new header is not the old one with stanzas appended: a stanza, the nonce or the
    /// count differs, or nothing was added.
    #[error("the header does not keep the envelope's readers")]
    NotExtended,
}

/// The check of a party that cannot decrypt (the server) when a reader hands an envelope to
/// new readers (SPEC.md §9.11): `new_header` must be the header of `envelope` with one or more
/// stanzas appended, every earlier stanza and the payload nonce unchanged, at most
/// [`MAX_RECIPIENTS`] in all. Only the MAC may differ (it covers the stanzas, and only a
/// reader holding the content key can compute it). Returns the envelope with its header
/// replaced; the payload is untouched.
pub fn extend_header(envelope: &[u8], new_header: &[u8]) -> Result<Vec<u8>, HandoverError> {
    let old_count = read_fixed(envelope)?;
    let new_count = read_fixed(new_header)?;
    let (old_len, new_len) = (header_len(old_count), header_len(new_count));
    if new_count <= old_count || new_header.len() != new_len || envelope.len() <= old_len {
        return Err(HandoverError::NotExtended);
    }
    let stanzas_end = FIXED_SIZE + old_count * STANZA_SIZE;
    let nonce = |header: &[u8], count: usize| {
        let at = FIXED_SIZE + count * STANZA_SIZE;
        header.get(at..at + NONCE_SIZE).map(<[u8]>::to_vec)
    };
    let same_prefix = envelope.get(..PREFIX.len()) == new_header.get(..PREFIX.len());
    let same_stanzas =
        envelope.get(FIXED_SIZE..stanzas_end) == new_header.get(FIXED_SIZE..stanzas_end);
    if !same_prefix || !same_stanzas || nonce(envelope, old_count) != nonce(new_header, new_count) {
        return Err(HandoverError::NotExtended);
    }
    let mut out = Vec::with_capacity(new_len + envelope.len() - old_len);
    out.extend_from_slice(new_header);
    out.extend_from_slice(envelope.get(old_len..).unwrap_or_default());
    Ok(out)
}

/// A decoy envelope for `recipients` recipients (clamped to 1 to [`MAX_RECIPIENTS`]): the
/// fixed header of a real envelope, then `fill`'s bytes for the stanzas, nonce, MAC and one
/// padded 4 KiB chunk. It has exactly the size and shape of a real envelope of a plaintext
/// under 4 KiB for that many recipients (every short report); a reader parses its frame and
/// finds it cannot decrypt it. `fill` gets the bytes after the fixed header, zeroed, and
/// should write bytes that look random (the server writes a PRF of the request). Each stanza's
/// share is then replaced by a real X25519 public key, the base point times `fill`'s first 32
/// bytes of that stanza (clamped, as RFC 7748 does with a secret): random bytes would not
/// pass for one (a public key's top bit is always clear, and only about half of all values
/// are on the curve).
pub fn try_decoy_envelope<E>(
    recipients: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
) -> Result<Vec<u8>, E> {
    try_sized_decoy(recipients, pad::SMALL_BUCKETS[0], fill)
}

/// As [`try_decoy_envelope`], for a padded plaintext of `padded` bytes: `padded` rounded to a
/// padding bucket (SPEC.md §6), at most [`MAX_PADDED_LEN`]. Tools that need envelopes of a
/// given size without sealing (load and crash tests) use this.
pub fn try_sized_decoy<E>(
    recipients: usize,
    padded: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
) -> Result<Vec<u8>, E> {
    let count = u16::try_from(recipients.clamp(1, MAX_RECIPIENTS)).unwrap_or(1);
    let padded = pad::padded_len(padded.saturating_sub(1)).min(MAX_PADDED_LEN);
    let payload = payload_len(padded).unwrap_or(pad::SMALL_BUCKETS[0] + TAG_SIZE);
    let len = header_len(usize::from(count)) + payload;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&PREFIX);
    out.extend_from_slice(&count.to_be_bytes());
    out.resize(len, 0);
    if let Some(rest) = out.get_mut(FIXED_SIZE..) {
        fill(rest)?;
    }
    let stanzas = FIXED_SIZE..FIXED_SIZE + usize::from(count) * STANZA_SIZE;
    if let Some(stanzas) = out.get_mut(stanzas) {
        for stanza in stanzas.chunks_exact_mut(STANZA_SIZE) {
            if let Some(share) = stanza.first_chunk_mut::<SHARE_SIZE>() {
                *share = curve25519_dalek::MontgomeryPoint::mul_base_clamped(*share).to_bytes();
            }
        }
    }
    Ok(out)
}

/// As [`try_decoy_envelope`], with a byte source that cannot fail.
pub fn decoy_envelope(recipients: usize, fill: impl FnOnce(&mut [u8])) -> Vec<u8> {
    sized_decoy(recipients, pad::SMALL_BUCKETS[0], fill)
}

/// As [`try_sized_decoy`], with a byte source that cannot fail.
pub fn sized_decoy(recipients: usize, padded: usize, fill: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let filled: Result<Vec<u8>, std::convert::Infallible> =
        try_sized_decoy(recipients, padded, |rest| {
            fill(rest);
            Ok(())
        });
    match filled {
        Ok(envelope) => envelope,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An envelope frame of `count` stanzas whose bytes are `fill` (stanzas, nonce, MAC),
    /// then `payload`.
    fn frame(count: u16, fill: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = PREFIX.to_vec();
        out.extend_from_slice(&count.to_be_bytes());
        out.resize(header_len(usize::from(count)), fill);
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn a_header_with_stanzas_appended_replaces_the_old_one() {
        let old = frame(2, 1, b"payload");
        // The old stanzas, one new stanza, the old nonce, a new MAC.
        let mut new = old[..FIXED_SIZE + 2 * STANZA_SIZE].to_vec();
        new[5..7].copy_from_slice(&3u16.to_be_bytes());
        new.extend_from_slice(&[9; STANZA_SIZE]);
        new.extend_from_slice(&[1; NONCE_SIZE]);
        new.extend_from_slice(&[7; MAC_SIZE]);
        let spliced = extend_header(&old, &new).unwrap();
        assert_eq!(&spliced[..new.len()], new.as_slice());
        assert_eq!(&spliced[new.len()..], b"payload");

        // A changed old stanza, a changed nonce, nothing added, or a short header: refused.
        let mut stanza_changed = new.clone();
        stanza_changed[FIXED_SIZE] ^= 1;
        let mut nonce_changed = new.clone();
        nonce_changed[FIXED_SIZE + 3 * STANZA_SIZE] ^= 1;
        for bad in [
            stanza_changed,
            nonce_changed,
            old[..header_len(2)].to_vec(),
            new[..new.len() - 1].to_vec(),
        ] {
            assert_eq!(extend_header(&old, &bad), Err(HandoverError::NotExtended));
        }
        assert_eq!(
            extend_header(&old, b"LOKT"),
            Err(HandoverError::Frame(FrameError::TooShort))
        );
    }

    #[test]
    fn sizes_match_the_spec() {
        assert_eq!(PREFIX, *b"LOKT\x01");
        assert_eq!(FIXED_SIZE, 7);
        assert_eq!(STANZA_SIZE, 80);
        assert_eq!(header_len(1), 7 + 80 + 16 + 32);
        assert_eq!(MIN_SEALED_LEN, 7 + 80 + 16 + 32 + 4096 + 16);
        assert_eq!(sealed_len(1, 0), Some(MIN_SEALED_LEN));
        assert_eq!(sealed_len(1, 4095), Some(MIN_SEALED_LEN));
        assert_eq!(sealed_len(3, 5000), Some(header_len(3) + 16384 + 16));
        assert_eq!(payload_len(CHUNK_SIZE + 1), Some(CHUNK_SIZE + 1 + 32));
        assert_eq!(sealed_len(usize::MAX, usize::MAX), None);
        assert_eq!(header_len(usize::MAX), usize::MAX);
    }

    #[test]
    fn frames_are_checked() {
        let mut env = PREFIX.to_vec();
        env.resize(MIN_SEALED_LEN, 0xa5);
        // The count is not the server's business: any bytes after the prefix pass.
        assert_eq!(check_frame(&env), Ok(()));
        assert_eq!(
            check_frame(&env[..MIN_SEALED_LEN - 1]),
            Err(FrameError::TooShort)
        );
        env[4] = 2;
        assert_eq!(check_frame(&env), Err(FrameError::UnsupportedVersion));
        env[0] = b'X';
        assert_eq!(check_frame(&env), Err(FrameError::BadMagic));
        assert_eq!(check_frame(b""), Err(FrameError::TooShort));
        assert_eq!(read_fixed(b"LOKT\x01\x00\x03"), Ok(3));
        assert_eq!(read_fixed(b"LOKT\x01\x00\x00"), Err(FrameError::BadCount));
        assert_eq!(read_fixed(b"LOKT\x01\x04\x01"), Err(FrameError::BadCount));
        assert_eq!(read_fixed(b"LOKT\x01\x00"), Err(FrameError::TooShort));
        assert_eq!(read_fixed(b"LOKT"), Err(FrameError::TooShort));
        assert_eq!(read_fixed(b"LOK"), Err(FrameError::TooShort));
    }

    #[test]
    fn shapes_are_checked() {
        let envelope = |count: usize, padded: usize| {
            let mut e = PREFIX.to_vec();
            e.extend_from_slice(&(count as u16).to_be_bytes());
            e.resize(header_len(count) + payload_len(padded).unwrap(), 0xa5);
            e
        };
        for (count, padded) in [(1, 4096), (2, 16384), (1024, 65536), (7, 4096)] {
            assert_eq!(
                check_shape(&envelope(count, padded)),
                Ok(()),
                "{count} {padded}"
            );
        }
        let mut odd = envelope(2, 4096);
        odd.push(0);
        assert_eq!(check_shape(&odd), Err(ShapeError::NotPadded));
        odd.truncate(odd.len() - 2);
        assert_eq!(check_shape(&odd), Err(ShapeError::NotPadded));
        // The next padded size past 64 KiB is over the limit.
        let big = pad::padded_len(MAX_PADDED_LEN);
        assert_eq!(check_shape(&envelope(1, big)), Err(ShapeError::TooLarge));
        // Stanzas announced but missing.
        let mut few = envelope(1, 4096);
        few[5..7].copy_from_slice(&200u16.to_be_bytes());
        assert!(check_shape(&few).is_err());
        assert_eq!(MAX_SEALED_LEN, header_len(1024) + 65536 + 16);
        assert_eq!(
            check_shape(&envelope(1024, 65536)).map(|_| envelope(1024, 65536).len()),
            Ok(MAX_SEALED_LEN)
        );
        // Every decoy passes, of every size.
        for n in [1, 3, 1024] {
            assert_eq!(check_shape(&decoy_envelope(n, |r| r.fill(1))), Ok(()));
            for padded in [0, 4096, 5000, 16384, 65536, 1 << 20] {
                let d = sized_decoy(n, padded, |r| r.fill(1));
                assert_eq!(check_shape(&d), Ok(()), "{n} {padded}");
            }
        }
        assert_eq!(
            sized_decoy(1, 16384, |_| ()).len(),
            header_len(1) + 16384 + 16
        );
        assert_eq!(
            sized_decoy(1, 1 << 20, |_| ()).len(),
            MAX_SEALED_LEN - header_len(1024) + header_len(1)
        );
    }

    #[test]
    fn decoys_have_the_shape_of_envelopes() {
        for n in [0, 1, 2, 7, 1024, 5000] {
            let count = n.clamp(1, MAX_RECIPIENTS);
            let decoy = decoy_envelope(n, |rest| rest.fill(0x5a));
            assert_eq!(Some(decoy.len()), sealed_len(count, 100));
            assert_eq!(read_fixed(&decoy), Ok(count));
            assert_eq!(check_frame(&decoy), Ok(()));
            let (stanzas, rest) = decoy[FIXED_SIZE..].split_at(count * STANZA_SIZE);
            assert!(rest.iter().all(|&b| b == 0x5a));
            let share = curve25519_dalek::MontgomeryPoint::mul_base_clamped([0x5a; 32]);
            for stanza in stanzas.chunks_exact(STANZA_SIZE) {
                assert_eq!(stanza[..SHARE_SIZE], share.to_bytes());
                assert!(stanza[SHARE_SIZE..].iter().all(|&b| b == 0x5a));
            }
        }
        let failed: Result<Vec<u8>, &str> = try_decoy_envelope(2, |_| Err("no randomness"));
        assert_eq!(failed, Err("no randomness"));
    }
}
