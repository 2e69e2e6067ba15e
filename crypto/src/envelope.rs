//! Envelopes (SPEC.md §4–§5): a payload sealed once under a fresh content key, the content
//! key wrapped to each recipient in an X25519 stanza, every header byte authenticated by an
//! HMAC, and the padded payload encrypted in 64 KiB STREAM chunks with a last-chunk flag.

use chacha20poly1305::aead::{Aead, AeadInOut};
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{OpenError, SealError};
use crate::keys::{Identity, RecipientKey};
use crate::reader::Reader;
use crate::{labels, pad, random32};

/// First bytes of every envelope.
pub const MAGIC: &[u8; 4] = b"LOKT";
/// The only envelope version this library writes and reads.
pub const VERSION: u8 = 1;
/// Plaintext bytes per payload chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
/// Poly1305 tag length.
pub const TAG_SIZE: usize = 16;
/// Ephemeral share (32) ‖ wrapped content key (32 + 16).
pub const STANZA_SIZE: usize = 32 + 32 + TAG_SIZE;
/// Upper bound on recipients; keeps a hostile header from costing unbounded work.
pub const MAX_RECIPIENTS: usize = 1024;
pub const NONCE_SIZE: usize = 16;
pub const MAC_SIZE: usize = 32;

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
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&count.to_be_bytes());
    for recipient in recipients {
        let ephemeral = StaticSecret::from(random32(rng));
        let share = PublicKey::from(&ephemeral).to_bytes();
        let shared = ephemeral.diffie_hellman(&PublicKey::from(recipient.0));
        let key = wrap_key(&shared, &share, &recipient.0).ok_or(SealError::BadRecipient)?;
        let body = aead(&key)
            .encrypt(&Nonce::default(), content_key.as_slice())
            .map_err(|_| SealError::TooLarge)?;
        out.extend_from_slice(&share);
        out.extend_from_slice(&body);
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

/// Length of a header with `recipients` stanzas, MAC included.
pub fn header_len(recipients: usize) -> usize {
    FIXED_SIZE + recipients * STANZA_SIZE + NONCE_SIZE + MAC_SIZE
}

/// Bytes before the stanzas: magic, version, count.
pub(crate) const FIXED_SIZE: usize = 7;

/// Reads magic, version and count from the first [`FIXED_SIZE`] bytes (§4.4 steps 1–2).
pub(crate) fn parse_fixed(fixed: &[u8]) -> Result<usize, OpenError> {
    let mut r = Reader::new(fixed);
    if r.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(OpenError::Malformed);
    }
    if r.u8().ok_or(OpenError::Malformed)? != VERSION {
        return Err(OpenError::UnsupportedVersion);
    }
    let count = usize::from(r.u16().ok_or(OpenError::Malformed)?);
    if count == 0 || count > MAX_RECIPIENTS {
        return Err(OpenError::Malformed);
    }
    Ok(count)
}

/// Unwraps the content key from a complete header and checks its MAC (§4.4 steps 3–4).
/// Returns the payload key.
pub(crate) fn open_header(
    identity: &Identity,
    header: &[u8],
) -> Result<Zeroizing<[u8; 32]>, OpenError> {
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

    let own = identity.recipient().0;
    let mut content_key: Option<Zeroizing<[u8; 32]>> = None;
    for stanza in stanzas.chunks_exact(STANZA_SIZE) {
        let (share, body) = stanza.split_at(32);
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
    header_mac(&content_key, authenticated)
        .ok_or(OpenError::CannotDecrypt)?
        .verify_slice(&mac)
        .map_err(|_| OpenError::CannotDecrypt)?;
    Ok(hkdf32(
        content_key.as_slice(),
        payload_nonce,
        labels::PAYLOAD,
    ))
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

    /// Encrypts `chunk` in place and returns its tag: no allocation, no copy (the streaming
    /// sealer writes the chunk, then the tag: ciphertext ‖ tag, SPEC.md §5).
    pub(crate) fn seal_chunk_in_place(
        &mut self,
        chunk: &mut [u8],
        last: bool,
    ) -> Result<[u8; TAG_SIZE], SealError> {
        let nonce = chunk_nonce(self.counter, last);
        self.counter = self.counter.checked_add(1).ok_or(SealError::TooLarge)?;
        self.cipher
            .encrypt_inout_detached(&nonce, b"", chunk.into())
            .map(Into::into)
            .map_err(|_| SealError::TooLarge)
    }

    pub(crate) fn open_chunk(
        &mut self,
        chunk: &[u8],
        last: bool,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let nonce = chunk_nonce(self.counter, last);
        self.counter = self.counter.checked_add(1).ok_or(OpenError::Malformed)?;
        self.cipher
            .decrypt(&nonce, chunk)
            .map(Zeroizing::new)
            .map_err(|_| OpenError::CannotDecrypt)
    }
}

/// Seals `plaintext` to `recipients` (SPEC.md §4.3), in memory. For large payloads use
/// [`crate::stream::seal_stream`], which produces the same bytes in constant memory.
pub fn seal<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    recipients: &[RecipientKey],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let (mut out, payload_key) = seal_header(rng, recipients)?;
    let mut padded = Zeroizing::new(pad::pad(plaintext));
    let chunks = padded.len().div_ceil(CHUNK_SIZE);
    out.reserve(padded.len() + chunks * TAG_SIZE);
    let mut cipher = PayloadCipher::new(&payload_key);
    for (i, chunk) in padded.chunks_mut(CHUNK_SIZE).enumerate() {
        let tag = cipher.seal_chunk_in_place(chunk, i + 1 == chunks)?;
        out.extend_from_slice(chunk);
        out.extend_from_slice(&tag);
    }
    Ok(out)
}

/// Opens an envelope with `identity` (SPEC.md §4.4), in memory. Returns the unpadded plaintext.
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
    let mut padded = Zeroizing::new(Vec::with_capacity(payload.len()));
    for (i, chunk) in payload.chunks(CHUNK_SIZE + TAG_SIZE).enumerate() {
        padded.extend_from_slice(&cipher.open_chunk(chunk, i + 1 == chunks)?);
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
