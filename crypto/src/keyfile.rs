//! The member key file (SPEC.md §8): both secret seeds, sealed with XChaCha20-Poly1305 under
//! Argon2id(passphrase); the public keys and KDF parameters in the clear but authenticated.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use loket_format::base32;
use zeroize::Zeroizing;

use crate::error::KeyFileError;
use crate::keys::{MemberPublicKey, MemberSecretKey};
use crate::reader::Reader;

pub const MAGIC: &[u8; 4] = b"LKKF";
pub const VERSION: u8 = 1;
pub const BEGIN: &str = "-----BEGIN LOKET MEMBER KEY-----";
pub const END: &str = "-----END LOKET MEMBER KEY-----";
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// Default Argon2id cost for key files: m = 64 MiB, t = 3, p = 1.
pub const DEFAULT_PARAMS: KdfParams = KdfParams {
    m_kib: 64 * 1024,
    t: 3,
    p: 1,
};
const HEADER_LEN: usize = 4 + 1 + 12 + 16 + 24 + 64;
const SEALED_LEN: usize = 64 + 16;

/// Argon2id parameters stored in a key file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// Bounds a reader accepts, so that a hostile file cannot ask for hours of work.
    fn acceptable(&self) -> bool {
        (8 * 1024..=1024 * 1024).contains(&self.m_kib)
            && (1..=10).contains(&self.t)
            && (1..=4).contains(&self.p)
    }
}

fn kek(
    passphrase: &str,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, KeyFileError> {
    let p = Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|_| KeyFileError::Corrupt)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|_| KeyFileError::Corrupt)?;
    Ok(key)
}

/// Writes `key` as an armored key file protected by `passphrase`.
pub fn encrypt<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    key: &MemberSecretKey,
    passphrase: &str,
    params: KdfParams,
) -> Result<String, KeyFileError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyFileError::WeakPassphrase {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    if !params.acceptable() {
        return Err(KeyFileError::ExcessiveWork);
    }
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    let mut nonce = [0u8; 24];
    rng.fill_bytes(&mut nonce);
    let public = key.public();
    let mut bytes = Vec::with_capacity(HEADER_LEN + SEALED_LEN);
    bytes.extend_from_slice(MAGIC);
    bytes.push(VERSION);
    for v in [params.m_kib, params.t, params.p] {
        bytes.extend_from_slice(&v.to_be_bytes());
    }
    bytes.extend_from_slice(&salt);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&public.x25519);
    bytes.extend_from_slice(&public.ed25519);
    let (x, ed) = key.seeds();
    let (x, ed) = (Zeroizing::new(x), Zeroizing::new(ed));
    let mut seeds = Zeroizing::new([0u8; 64]);
    let (first, second) = seeds.split_at_mut(32);
    first.copy_from_slice(x.as_slice());
    second.copy_from_slice(ed.as_slice());
    let kek = kek(passphrase, &salt, params)?;
    let sealed = XChaCha20Poly1305::new(&(*kek).into())
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: seeds.as_slice(),
                aad: &bytes,
            },
        )
        .map_err(|_| KeyFileError::Corrupt)?;
    bytes.extend_from_slice(&sealed);
    let body = STANDARD.encode(&bytes);
    let mut out = String::with_capacity(body.len() + 80);
    out.push_str(BEGIN);
    out.push('\n');
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    Ok(out)
}

/// A parsed, still locked key file.
#[derive(Debug)]
pub struct LockedKey {
    bytes: Vec<u8>,
    pub params: KdfParams,
    pub public: MemberPublicKey,
}

/// Parses an armored key file without unlocking it.
pub fn parse(armored: &str) -> Result<LockedKey, KeyFileError> {
    let text = armored.trim();
    let inner = text
        .strip_prefix(BEGIN)
        .and_then(|t| t.strip_suffix(END))
        .ok_or(KeyFileError::NotAKeyFile)?;
    let b64: String = inner.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD.decode(b64).map_err(|_| KeyFileError::Corrupt)?;
    let mut r = Reader::new(&bytes);
    if r.take(4) != Some(MAGIC.as_slice()) {
        return Err(KeyFileError::NotAKeyFile);
    }
    if r.u8() != Some(VERSION) {
        return Err(KeyFileError::UnsupportedVersion);
    }
    let (Some(m_kib), Some(t), Some(p)) = (r.u32(), r.u32(), r.u32()) else {
        return Err(KeyFileError::Corrupt);
    };
    let params = KdfParams { m_kib, t, p };
    r.take(16 + 24).ok_or(KeyFileError::Corrupt)?;
    let (Some(x25519), Some(ed25519)) = (r.array::<32>(), r.array::<32>()) else {
        return Err(KeyFileError::Corrupt);
    };
    if r.rest().len() != SEALED_LEN {
        return Err(KeyFileError::Corrupt);
    }
    if !params.acceptable() {
        return Err(KeyFileError::ExcessiveWork);
    }
    Ok(LockedKey {
        bytes,
        params,
        public: MemberPublicKey { x25519, ed25519 },
    })
}

impl LockedKey {
    /// Unlocks the key with `passphrase`.
    pub fn unlock(&self, passphrase: &str) -> Result<MemberSecretKey, KeyFileError> {
        let (header, sealed) = self
            .bytes
            .split_at_checked(HEADER_LEN)
            .ok_or(KeyFileError::Corrupt)?;
        let salt = header.get(17..33).ok_or(KeyFileError::Corrupt)?;
        let nonce: [u8; 24] = header
            .get(33..57)
            .and_then(|n| n.try_into().ok())
            .ok_or(KeyFileError::Corrupt)?;
        let kek = kek(passphrase, salt, self.params)?;
        let seeds = Zeroizing::new(
            XChaCha20Poly1305::new(&(*kek).into())
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: sealed,
                        aad: header,
                    },
                )
                .map_err(|_| KeyFileError::WrongPassphrase)?,
        );
        let (x, ed) = seeds.split_at_checked(32).ok_or(KeyFileError::Corrupt)?;
        let (Ok(x), Ok(ed)) = (<[u8; 32]>::try_from(x), <[u8; 32]>::try_from(ed)) else {
            return Err(KeyFileError::Corrupt);
        };
        let key = MemberSecretKey::from_seeds(x, ed);
        if key.public() != self.public {
            return Err(KeyFileError::Corrupt);
        }
        Ok(key)
    }
}

/// A random passphrase of 24 base-32 symbols (120 bits) in groups of four.
pub fn generate_passphrase<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; 24]);
    rng.fill_bytes(raw.as_mut());
    let mut out = Zeroizing::new(String::with_capacity(base32::grouped_len(raw.len())));
    let symbols = raw
        .iter()
        .map(|&b| char::from(base32::symbol(b)).to_ascii_lowercase());
    base32::push_grouped(&mut out, symbols, '-');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const FAST: KdfParams = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };

    #[test]
    fn roundtrip_and_wrong_passphrase() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let key = MemberSecretKey::generate(&mut rng);
        let file = encrypt(&mut rng, &key, "correct horse battery", FAST).unwrap();
        assert!(file.starts_with(BEGIN));
        let locked = parse(&file).unwrap();
        assert_eq!(locked.public, key.public());
        assert_eq!(
            locked.unlock("correct horse battery").unwrap().public(),
            key.public()
        );
        assert_eq!(
            locked.unlock("wrong horse battery").unwrap_err(),
            KeyFileError::WrongPassphrase
        );
    }

    #[test]
    fn tampering_and_junk_are_refused() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(10);
        let key = MemberSecretKey::generate(&mut rng);
        let file = encrypt(&mut rng, &key, "correct horse battery", FAST).unwrap();
        assert_eq!(parse("hello").unwrap_err(), KeyFileError::NotAKeyFile);
        assert_eq!(
            encrypt(&mut rng, &key, "short", FAST).unwrap_err(),
            KeyFileError::WeakPassphrase { min: 10 }
        );
        // Swap in another member's public key: the AAD no longer matches.
        let other = MemberSecretKey::generate(&mut rng);
        let mut bytes = STANDARD
            .decode(
                file.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .unwrap();
        bytes[57..89].copy_from_slice(&other.public().x25519);
        let forged = format!("{BEGIN}\n{}\n{END}\n", STANDARD.encode(&bytes));
        assert_eq!(
            parse(&forged)
                .unwrap()
                .unlock("correct horse battery")
                .unwrap_err(),
            KeyFileError::WrongPassphrase
        );
        // A file asking for 4 GiB of memory is refused before any work.
        bytes[5..9].copy_from_slice(&(4u32 * 1024 * 1024).to_be_bytes());
        let greedy = format!("{BEGIN}\n{}\n{END}\n", STANDARD.encode(&bytes));
        assert_eq!(parse(&greedy).unwrap_err(), KeyFileError::ExcessiveWork);
    }

    #[test]
    fn debug_never_prints_secrets() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let key = MemberSecretKey::generate(&mut rng);
        assert!(format!("{key:?}").contains("[redacted]"));
        let pass = generate_passphrase(&mut rng);
        assert_eq!(pass.len(), 29);
    }
}
