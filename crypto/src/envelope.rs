//! Envelopes (SPEC.md §4–§5): a payload sealed once under a fresh content key, the content
//! key wrapped to each recipient in an X25519 stanza, every header byte authenticated by an
//! HMAC, and the padded payload encrypted in 64 KiB STREAM chunks with a last-chunk flag.

use chacha20poly1305::aead::inout::InOutBuf;
use chacha20poly1305::aead::{Aead, AeadInOut};
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{OpenError, SealError};
use crate::keys::{Identity, RecipientKey};
use crate::reader::Reader;
use crate::{labels, pad, random32};

/// The frame (magic, version, sizes, lengths) is defined once in loket-format, which the
/// server links to check frames and build decoys; this module adds the cipher.
pub use loket_format::envelope::{
    CHUNK_SIZE, FIXED_SIZE, MAC_SIZE, MAGIC, MAX_RECIPIENTS, NONCE_SIZE, SHARE_SIZE, STANZA_SIZE,
    TAG_SIZE, VERSION, header_len, sealed_len,
};
use loket_format::envelope::{FrameError, PREFIX, payload_len, read_fixed};

type HmacSha256 = Hmac<Sha256>;

pub(crate) fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut okm = Zeroizing::new([0u8; 32]);
    // Expanding 32 bytes from HKDF-SHA-256 cannot fail (the limit is 255 × 32 bytes).
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, okm.as_mut());
    okm
}

fn aead(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(&(*key).into())
}

/// HMAC-SHA-256 over the header; `None` never happens in practice (HMAC takes any key length).
fn header_mac(content_key: &[u8; 32], header: &[u8]) -> Option<HmacSha256> {
    let key = hkdf32(content_key, &[], labels::HEADER_MAC);
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(key.as_slice()).ok()?;
    mac.update(header);
    Some(mac)
}

/// The 12-byte STREAM nonce: 11-byte big-endian chunk counter ‖ last-chunk flag.
fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce.into()
}

/// Wrap key for one stanza, or `None` when the shared secret is all zero (low-order point).
fn wrap_key(
    shared: &x25519_dalek::SharedSecret,
    share: &[u8; 32],
    recipient: &[u8; 32],
) -> Option<Zeroizing<[u8; 32]>> {
    if !shared.was_contributory() {
        return None;
    }
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(recipient);
    Some(hkdf32(shared.as_bytes(), &salt, labels::STANZA_X25519))
}

/// One stanza (§4.2): `content_key` wrapped to `recipient` under a fresh ephemeral key.
fn stanza<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    content_key: &[u8; 32],
    recipient: &RecipientKey,
) -> Result<Vec<u8>, SealError> {
    let ephemeral = StaticSecret::from(random32(rng));
    let share = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&PublicKey::from(recipient.0));
    let key = wrap_key(&shared, &share, &recipient.0).ok_or(SealError::BadRecipient)?;
    let body = aead(&key)
        .encrypt(&Nonce::default(), content_key.as_slice())
        .map_err(|_| SealError::TooLarge)?;
    let mut out = Vec::with_capacity(STANZA_SIZE);
    out.extend_from_slice(&share);
    out.extend_from_slice(&body);
    Ok(out)
}

/// Writes the header (§4.1–§4.3) and returns it with the payload key.
pub(crate) fn seal_header<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
) -> Result<(Vec<u8>, Zeroizing<[u8; 32]>), SealError> {
    if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
        return Err(SealError::RecipientCount {
            max: MAX_RECIPIENTS,
        });
    }
    let count = u16::try_from(recipients.len()).map_err(|_| SealError::RecipientCount {
        max: MAX_RECIPIENTS,
    })?;
    let content_key = Zeroizing::new(random32(rng));
    let mut payload_nonce = [0u8; NONCE_SIZE];
    rng.fill_bytes(&mut payload_nonce);
    let mut out = Vec::with_capacity(header_len(recipients.len()));
    out.extend_from_slice(&PREFIX);
    out.extend_from_slice(&count.to_be_bytes());
    for recipient in recipients {
        out.extend_from_slice(&stanza(rng, &content_key, recipient)?);
    }
    out.extend_from_slice(&payload_nonce);
    let mac = header_mac(&content_key, &out)
        .ok_or(SealError::TooLarge)?
        .finalize()
        .into_bytes();
    out.extend_from_slice(&mac);
    let payload_key = hkdf32(content_key.as_slice(), &payload_nonce, labels::PAYLOAD);
    Ok((out, payload_key))
}

/// Reads magic, version and count from the first [`FIXED_SIZE`] bytes (§4.4 steps 1–2).
pub(crate) fn parse_fixed(fixed: &[u8]) -> Result<usize, OpenError> {
    read_fixed(fixed).map_err(|e| match e {
        FrameError::UnsupportedVersion => OpenError::UnsupportedVersion,
        FrameError::TooShort | FrameError::BadMagic | FrameError::BadCount => OpenError::Malformed,
    })
}

/// The parts of a complete header: stanzas, payload nonce, the bytes the MAC covers, and the
/// MAC (§4.1).
struct Header<'a> {
    stanzas: &'a [u8],
    payload_nonce: &'a [u8],
    authenticated: &'a [u8],
    mac: [u8; MAC_SIZE],
}

fn split_header(header: &[u8]) -> Result<Header<'_>, OpenError> {
    let count = parse_fixed(header.get(..FIXED_SIZE).ok_or(OpenError::Malformed)?)?;
    if header.len() != header_len(count) {
        return Err(OpenError::Malformed);
    }
    let mut r = Reader::new(header);
    r.take(FIXED_SIZE).ok_or(OpenError::Malformed)?;
    let stanzas = r.take(count * STANZA_SIZE).ok_or(OpenError::Malformed)?;
    let payload_nonce = r.take(NONCE_SIZE).ok_or(OpenError::Malformed)?;
    let authenticated = header
        .get(..header.len() - MAC_SIZE)
        .ok_or(OpenError::Malformed)?;
    let mac: [u8; MAC_SIZE] = r.array().ok_or(OpenError::Malformed)?;
    Ok(Header {
        stanzas,
        payload_nonce,
        authenticated,
        mac,
    })
}

/// Unwraps the content key from a complete header and checks its MAC (§4.4 steps 3–4).
fn open_content_key(
    identity: &Identity,
    header: &Header<'_>,
) -> Result<Zeroizing<[u8; 32]>, OpenError> {
    let own = identity.recipient().0;
    let mut content_key: Option<Zeroizing<[u8; 32]>> = None;
    for stanza in header.stanzas.chunks_exact(STANZA_SIZE) {
        let (share, body) = stanza.split_at(SHARE_SIZE);
        let share: [u8; 32] = share.try_into().map_err(|_| OpenError::Malformed)?;
        let shared = identity.secret().diffie_hellman(&PublicKey::from(share));
        let Some(key) = wrap_key(&shared, &share, &own) else {
            continue;
        };
        if let Ok(mut ck) = aead(&key).decrypt(&Nonce::default(), body) {
            let mut fixed = Zeroizing::new([0u8; 32]);
            if ck.len() == 32 {
                fixed.copy_from_slice(&ck);
                content_key = Some(fixed);
            }
            ck.zeroize();
            break;
        }
    }
    let content_key = content_key.ok_or(OpenError::CannotDecrypt)?;
    header_mac(&content_key, header.authenticated)
        .ok_or(OpenError::CannotDecrypt)?
        .verify_slice(&header.mac)
        .map_err(|_| OpenError::CannotDecrypt)?;
    Ok(content_key)
}

/// Unwraps the content key from a complete header and checks its MAC (§4.4 steps 3–4).
/// Returns the payload key.
pub(crate) fn open_header(
    identity: &Identity,
    header: &[u8],
) -> Result<Zeroizing<[u8; 32]>, OpenError> {
    let header = split_header(header)?;
    let content_key = open_content_key(identity, &header)?;
    Ok(hkdf32(
        content_key.as_slice(),
        header.payload_nonce,
        labels::PAYLOAD,
    ))
}

/// Why an envelope could not be handed to new readers.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HandoverError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Seal(#[from] SealError),
}

/// Hands an envelope that `identity` can open to `new` readers as well (SPEC.md §9.11): the
/// content key is wrapped in one more stanza per new reader, appended after the existing
/// ones, and the MAC is computed again over the longer header. Returns the new header only;
/// the payload (§5) does not change, since its key depends on the content key and the nonce
/// alone. `envelope` may be the whole envelope or its header.
pub fn add_readers<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    identity: &Identity,
    envelope: &[u8],
    new: &[RecipientKey],
) -> Result<Vec<u8>, HandoverError> {
    let count = parse_fixed(envelope.get(..FIXED_SIZE).ok_or(OpenError::Malformed)?)?;
    let old = envelope
        .get(..header_len(count))
        .ok_or(OpenError::Malformed)?;
    let header = split_header(old)?;
    let content_key = open_content_key(identity, &header)?;
    let total = count + new.len();
    let too_many = SealError::RecipientCount {
        max: MAX_RECIPIENTS,
    };
    if new.is_empty() || total > MAX_RECIPIENTS {
        return Err(too_many.into());
    }
    let total = u16::try_from(total).map_err(|_| too_many)?;
    let mut out = Vec::with_capacity(header_len(usize::from(total)));
    out.extend_from_slice(&PREFIX);
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(header.stanzas);
    for recipient in new {
        out.extend_from_slice(&stanza(rng, &content_key, recipient)?);
    }
    out.extend_from_slice(header.payload_nonce);
    let mac = header_mac(&content_key, &out)
        .ok_or(SealError::TooLarge)?
        .finalize()
        .into_bytes();
    out.extend_from_slice(&mac);
    Ok(out)
}

/// The payload cipher (§5).
pub(crate) struct PayloadCipher {
    cipher: ChaCha20Poly1305,
    counter: u64,
}

impl PayloadCipher {
    pub(crate) fn new(payload_key: &[u8; 32]) -> Self {
        Self {
            cipher: aead(payload_key),
            counter: 0,
        }
    }

    /// The nonce of the next chunk; `None` once the counter is exhausted (never in practice).
    fn next_nonce(&mut self, last: bool) -> Option<Nonce> {
        let nonce = chunk_nonce(self.counter, last);
        self.counter = self.counter.checked_add(1)?;
        Some(nonce)
    }

    /// Encrypts one chunk and returns its tag (ciphertext ‖ tag, SPEC.md §5). `buf` is either
    /// one buffer encrypted in place or a plaintext and an output slice of the same length:
    /// the cipher reads the plaintext and writes the ciphertext in the same pass, so neither
    /// way costs a copy or an allocation.
    pub(crate) fn seal_chunk(
        &mut self,
        buf: InOutBuf<'_, '_, u8>,
        last: bool,
    ) -> Result<[u8; TAG_SIZE], SealError> {
        let nonce = self.next_nonce(last).ok_or(SealError::TooLarge)?;
        self.cipher
            .encrypt_inout_detached(&nonce, b"", buf)
            .map(Into::into)
            .map_err(|_| SealError::TooLarge)
    }

    /// Authenticates one chunk (ciphertext ‖ tag) and decrypts its ciphertext into `out`,
    /// which must be exactly `TAG_SIZE` bytes shorter. Nothing is decrypted unless the tag
    /// verifies.
    pub(crate) fn open_chunk_into(
        &mut self,
        chunk: &[u8],
        out: &mut [u8],
        last: bool,
    ) -> Result<(), OpenError> {
        let nonce = self.next_nonce(last).ok_or(OpenError::Malformed)?;
        let (ciphertext, tag) = chunk
            .split_at_checked(chunk.len().wrapping_sub(TAG_SIZE))
            .ok_or(OpenError::Malformed)?;
        let tag: [u8; TAG_SIZE] = tag.try_into().map_err(|_| OpenError::Malformed)?;
        let buf = InOutBuf::new(ciphertext, out).map_err(|_| OpenError::Malformed)?;
        self.cipher
            .decrypt_inout_detached(&nonce, b"", buf, &Tag::from(tag))
            .map_err(|_| OpenError::CannotDecrypt)
    }

    /// As [`Self::open_chunk_into`], in place: `chunk` is ciphertext ‖ tag; on success its
    /// first `len - TAG_SIZE` bytes hold the plaintext, which is returned.
    pub(crate) fn open_chunk_in_place<'a>(
        &mut self,
        chunk: &'a mut [u8],
        last: bool,
    ) -> Result<&'a [u8], OpenError> {
        let nonce = self.next_nonce(last).ok_or(OpenError::Malformed)?;
        let (ciphertext, tag) = chunk
            .split_at_mut_checked(chunk.len().wrapping_sub(TAG_SIZE))
            .ok_or(OpenError::Malformed)?;
        let tag: [u8; TAG_SIZE] = (&*tag).try_into().map_err(|_| OpenError::Malformed)?;
        self.cipher
            .decrypt_inout_detached(&nonce, b"", ciphertext.into(), &Tag::from(tag))
            .map_err(|_| OpenError::CannotDecrypt)?;
        Ok(ciphertext)
    }
}

/// Seals `plaintext` to `recipients` (SPEC.md §4.3), in memory, into a new allocation of
/// exactly [`sealed_len`] bytes. To seal large payloads repeatedly, [`seal_into`] a reused
/// buffer (a fresh 100 MiB allocation costs as much as encrypting it: docs/benchmarks.md);
/// for payloads that need not be held in memory, [`crate::stream::seal_stream`] gives the
/// same bytes in constant memory.
pub fn seal<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let mut out = Vec::new();
    seal_into(rng, recipients, plaintext, &mut out)?;
    Ok(out)
}

/// Seals `plaintext` to `recipients` (SPEC.md §4.3) and appends the envelope to `out`; the
/// same bytes as [`seal`]. Returns the envelope's length.
///
/// The fast path for payloads held in memory: the cipher reads each chunk straight from
/// `plaintext` and writes its ciphertext into `out`, with no padded copy of the plaintext, no
/// wipe of one, and no allocation beyond growing `out` once. The only other pass over the
/// bytes is zero-filling each chunk's room in `out` just before the cipher overwrites it
/// (safe Rust cannot hand the cipher uninitialised memory). Only the chunk that holds the
/// padding (§6) is assembled in `out` and encrypted there. A caller that seals many payloads
/// can reuse `out` (clear it between calls) and so never allocate.
///
/// On error nothing is appended (`out` keeps its length) and no plaintext is left in it.
pub fn seal_into<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
    plaintext: &[u8],
    out: &mut Vec<u8>,
) -> Result<usize, SealError> {
    let (header, payload_key) = seal_header(rng, recipients)?;
    let padded_len = pad::padded_len(plaintext.len());
    let total = payload_len(padded_len)
        .and_then(|n| n.checked_add(header.len()))
        .ok_or(SealError::TooLarge)?;
    let start = out.len();
    out.reserve(total);
    out.extend_from_slice(&header);
    let result = seal_payload(&payload_key, plaintext, padded_len, out);
    if result.is_err() {
        // Only the padding chunk is ever plaintext inside `out`; wipe whatever was appended.
        if let Some(appended) = out.get_mut(start..) {
            appended.zeroize();
        }
        out.truncate(start);
    }
    result.map(|()| total)
}

/// The payload (§5) of [`seal_into`]: the chunks of `plaintext ‖ 0x80 ‖ 0x00…` (§6), each
/// followed by its tag, appended to `out`.
fn seal_payload(
    payload_key: &[u8; 32],
    plaintext: &[u8],
    padded_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), SealError> {
    let mut cipher = PayloadCipher::new(payload_key);
    let mut rest = plaintext;
    let mut offset = 0; // position in the padded plaintext
    while offset < padded_len {
        let size = (padded_len - offset).min(CHUNK_SIZE);
        let last = offset + size == padded_len;
        let at = out.len();
        let tag = match rest.split_at_checked(size) {
            // A chunk of plaintext only: encrypt it from the caller's bytes into `out`.
            Some((plain, tail)) => {
                rest = tail;
                out.resize(at + size, 0);
                let dst = out.get_mut(at..).ok_or(SealError::TooLarge)?;
                let buf = InOutBuf::new(plain, dst).map_err(|_| SealError::TooLarge)?;
                cipher.seal_chunk(buf, last)?
            }
            // The chunk that holds the end of the plaintext, or only padding after it:
            // plaintext ‖ 0x80 (if the end falls here) ‖ zeros, sealed in place.
            None => {
                out.extend_from_slice(rest);
                // `rest` is shorter than the chunk, so the end of the plaintext falls in this
                // chunk unless an earlier chunk already held it.
                if offset <= plaintext.len() {
                    out.push(0x80);
                }
                rest = &[];
                out.resize(at + size, 0);
                let chunk = out.get_mut(at..).ok_or(SealError::TooLarge)?;
                cipher.seal_chunk(chunk.into(), last)?
            }
        };
        out.extend_from_slice(&tag);
        offset += size;
    }
    Ok(())
}

/// Opens an envelope with `identity` (SPEC.md §4.4), in memory. Returns the unpadded plaintext.
///
/// Every chunk is authenticated and decrypted straight into the returned buffer (no
/// allocation or copy per chunk); nothing is returned unless all chunks open.
pub fn open(identity: &Identity, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let count = parse_fixed(envelope.get(..FIXED_SIZE).ok_or(OpenError::Malformed)?)?;
    let (header, payload) = envelope
        .split_at_checked(header_len(count))
        .ok_or(OpenError::Malformed)?;
    if payload.len() <= TAG_SIZE {
        return Err(OpenError::Malformed);
    }
    let last_len = payload.len() % (CHUNK_SIZE + TAG_SIZE);
    if last_len != 0 && last_len <= TAG_SIZE {
        return Err(OpenError::Malformed);
    }
    let payload_key = open_header(identity, header)?;
    let mut cipher = PayloadCipher::new(&payload_key);
    let chunks = payload.len().div_ceil(CHUNK_SIZE + TAG_SIZE);
    let padded_len = payload.len() - chunks * TAG_SIZE;
    let mut padded = Zeroizing::new(vec![0u8; padded_len]);
    let pieces = payload
        .chunks(CHUNK_SIZE + TAG_SIZE)
        .zip(padded.chunks_mut(CHUNK_SIZE));
    for (i, (chunk, out)) in pieces.enumerate() {
        cipher.open_chunk_into(chunk, out, i + 1 == chunks)?;
    }
    let plain = pad::unpad(std::mem::take(&mut *padded)).ok_or(OpenError::CannotDecrypt)?;
    Ok(Zeroizing::new(plain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(7)
    }

    #[test]
    fn each_recipient_opens_and_strangers_cannot() {
        let mut rng = rng();
        let a = Identity::generate(&mut rng);
        let b = Identity::generate(&mut rng);
        let stranger = Identity::generate(&mut rng);
        let sealed = seal(&mut rng, &[a.recipient(), b.recipient()], b"hello team").unwrap();
        assert_eq!(open(&a, &sealed).unwrap().as_slice(), b"hello team");
        assert_eq!(open(&b, &sealed).unwrap().as_slice(), b"hello team");
        assert_eq!(open(&stranger, &sealed), Err(OpenError::CannotDecrypt));
    }

    #[test]
    fn a_reader_hands_an_envelope_to_a_new_reader() {
        let mut rng = rng();
        let a = Identity::generate(&mut rng);
        let b = Identity::generate(&mut rng);
        let newcomer = Identity::generate(&mut rng);
        let sealed = seal(&mut rng, &[a.recipient(), b.recipient()], &[5u8; 70_000]).unwrap();
        assert_eq!(open(&newcomer, &sealed), Err(OpenError::CannotDecrypt));
        let header = add_readers(&mut rng, &b, &sealed, &[newcomer.recipient()]).unwrap();
        assert_eq!(header.len(), header_len(3));
        let handed = loket_format::envelope::extend_header(&sealed, &header).unwrap();
        for reader in [&a, &b, &newcomer] {
            assert_eq!(open(reader, &handed).unwrap().as_slice(), &[5u8; 70_000]);
        }
        // Only a reader can: a stranger cannot, and a header whose MAC was not computed again
        // with the content key does not open.
        let stranger = Identity::generate(&mut rng);
        assert_eq!(
            add_readers(&mut rng, &stranger, &sealed, &[newcomer.recipient()]),
            Err(HandoverError::Open(OpenError::CannotDecrypt))
        );
        let mut forged = header.clone();
        let last = forged.len() - 1;
        forged[last] ^= 1;
        let forged = loket_format::envelope::extend_header(&sealed, &forged).unwrap();
        assert_eq!(open(&newcomer, &forged), Err(OpenError::CannotDecrypt));
        assert!(add_readers(&mut rng, &a, &sealed, &[]).is_err());
    }

    #[test]
    fn sizes_are_padded_to_buckets() {
        let mut rng = rng();
        let a = Identity::generate(&mut rng);
        let short = seal(&mut rng, &[a.recipient()], b"x").unwrap();
        let longer = seal(&mut rng, &[a.recipient()], &[7u8; 3000]).unwrap();
        assert_eq!(short.len(), longer.len());
    }

    #[test]
    fn low_order_recipient_is_refused() {
        let mut rng = rng();
        assert_eq!(
            seal(&mut rng, &[RecipientKey([0u8; 32])], b"x"),
            Err(SealError::BadRecipient)
        );
        assert!(matches!(
            seal(&mut rng, &[], b"x"),
            Err(SealError::RecipientCount { .. })
        ));
    }

    #[test]
    fn truncation_extension_and_version_are_caught() {
        let mut rng = rng();
        let a = Identity::generate(&mut rng);
        let sealed = seal(&mut rng, &[a.recipient()], &vec![1u8; 100_000]).unwrap();
        assert!(open(&a, &sealed[..sealed.len() - 1]).is_err());
        // Dropping the whole last chunk leaves a non-final chunk last: the flag catches it.
        let first_chunk_end = 7 + STANZA_SIZE + NONCE_SIZE + MAC_SIZE + CHUNK_SIZE + TAG_SIZE;
        assert_eq!(
            open(&a, &sealed[..first_chunk_end]),
            Err(OpenError::CannotDecrypt)
        );
        let mut longer = sealed.clone();
        longer.extend_from_slice(&[0u8; 40]);
        assert_eq!(open(&a, &longer), Err(OpenError::CannotDecrypt));
        let mut v2 = sealed.clone();
        v2[4] = 2;
        assert_eq!(open(&a, &v2), Err(OpenError::UnsupportedVersion));
        assert_eq!(open(&a, b"LOKT"), Err(OpenError::Malformed));
        assert_eq!(open(&a, b""), Err(OpenError::Malformed));
    }

    /// The server's decoys (loket-format) have the size and frame of a real short report for
    /// the same number of readers, pass the server's frame check, and open to "cannot
    /// decrypt", as an envelope for someone else would.
    #[test]
    fn decoys_look_like_short_reports_and_do_not_open() {
        use rand::Rng as _;
        let mut rng = rng();
        let ids: Vec<Identity> = (0..4).map(|_| Identity::generate(&mut rng)).collect();
        for n in 1..=ids.len() {
            let recipients: Vec<RecipientKey> = ids[..n].iter().map(Identity::recipient).collect();
            let real = seal(&mut rng, &recipients, &[1u8; 700]).unwrap();
            let decoy = loket_format::envelope::decoy_envelope(n, |rest| rng.fill_bytes(rest));
            assert_eq!(decoy.len(), real.len());
            assert_eq!(decoy[..FIXED_SIZE], real[..FIXED_SIZE]);
            assert_eq!(loket_format::check_frame(&real), Ok(()));
            assert_eq!(loket_format::check_frame(&decoy), Ok(()));
            assert_eq!(open(&ids[0], &decoy), Err(OpenError::CannotDecrypt));
        }
        let smallest = seal(&mut rng, &[ids[0].recipient()], b"").unwrap();
        assert_eq!(smallest.len(), loket_format::envelope::MIN_SEALED_LEN);
        assert!(loket_format::check_frame(&smallest[..smallest.len() - 1]).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn seal_open_roundtrip(data in proptest::collection::vec(any::<u8>(), 0..20_000), n in 1usize..5, seed in any::<u64>()) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let ids: Vec<Identity> = (0..n).map(|_| Identity::generate(&mut rng)).collect();
            let recipients: Vec<RecipientKey> = ids.iter().map(Identity::recipient).collect();
            let sealed = seal(&mut rng, &recipients, &data).unwrap();
            for id in &ids {
                let opened = open(id, &sealed).unwrap();
                prop_assert_eq!(opened.as_slice(), data.as_slice());
            }
        }

        /// `seal` and `seal_into` are one encoder: the same RNG gives the same bytes, at every
        /// length around the padding buckets and chunk boundaries.
        #[test]
        fn the_in_memory_sealers_agree(len in prop_oneof![0usize..5000, 65_530usize..65_545, 131_060usize..131_080, 200_000usize..300_000], seed in any::<u64>()) {
            let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let a = Identity::generate(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let sealed = seal(&mut rand::rngs::StdRng::seed_from_u64(seed), &[a.recipient()], &data).unwrap();
            let mut into = vec![9u8; 3];
            let n = seal_into(&mut rand::rngs::StdRng::seed_from_u64(seed), &[a.recipient()], &data, &mut into).unwrap();
            prop_assert_eq!(n, sealed.len());
            prop_assert_eq!(&into[3..], sealed.as_slice());
            prop_assert_eq!(sealed.len(), sealed_len(1, len).unwrap());
            let opened = open(&a, &into[3..]).unwrap();
            prop_assert_eq!(opened.as_slice(), data.as_slice());
        }

        #[test]
        fn any_flipped_bit_fails(bit in 0usize..(8 * (7 + STANZA_SIZE + NONCE_SIZE + MAC_SIZE + 4096 + TAG_SIZE)), seed in any::<u64>()) {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let a = Identity::generate(&mut rng);
            let mut sealed = seal(&mut rng, &[a.recipient()], b"a report").unwrap();
            sealed[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(open(&a, &sealed).is_err());
        }
    }
}
