//! The follow-up code (SPEC.md §7): 19 random symbols of Crockford's base-32 alphabet
//! (95 bits) and one check symbol, shown as five groups of four. Argon2id turns the code into
//! a master secret; HKDF derives the lookup token and the reporter's X25519 and Ed25519 keys
//! from it.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::envelope::hkdf32;
use crate::error::CodeError;
use crate::keys::Identity;
use crate::labels;
use crate::sign::SigningSecret;

/// Crockford's base-32 alphabet: no I, L, O or U (defined in loket-format).
pub use loket_format::base32::ALPHABET;
use loket_format::base32::{self, symbol};
/// Random symbols in a code (5 bits each: 95 bits of entropy).
pub const DATA_SYMBOLS: usize = 19;
/// Symbols in a code, including the check symbol.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;
/// Argon2id cost for turning a code into a master secret: m = 64 MiB, t = 3, p = 1.
pub const ARGON2_M_KIB: u32 = 64 * 1024;
pub const ARGON2_T: u32 = 3;
pub const ARGON2_P: u32 = 1;

/// A follow-up code, normalised (upper case, no separators). Never printed by `Debug`.
pub struct FollowUpCode(Zeroizing<Vec<u8>>);

/// What a code unlocks: the token the server indexes (by its SHA-256) and the reporter's key.
pub struct ReporterKeys {
    pub lookup_token: Zeroizing<[u8; 32]>,
    pub identity: Identity,
    /// Signs the reporter's report and answers (SPEC.md §11).
    pub signing: SigningSecret,
}

/// Weighted sum with odd weights modulo 32: every single-symbol substitution changes it, and
/// so does every swap of neighbouring symbols except those whose values differ by exactly 16.
fn check_value(values: &[u8]) -> u8 {
    let sum = values
        .iter()
        .enumerate()
        .fold(0usize, |acc, (i, &v)| acc + (2 * i + 1) * usize::from(v));
    (sum % 32) as u8
}

impl FollowUpCode {
    /// A fresh code from the caller's CSPRNG.
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut values = Zeroizing::new([0u8; DATA_SYMBOLS]);
        rng.fill_bytes(values.as_mut());
        for v in values.iter_mut() {
            *v &= 31; // 256 is a multiple of 32: uniform
        }
        let mut code = Zeroizing::new(Vec::with_capacity(CODE_SYMBOLS));
        code.extend(values.iter().map(|&v| symbol(v)));
        code.push(symbol(check_value(values.as_ref())));
        Self(code)
    }

    /// Reads a code as a person typed it: case-insensitive, hyphens and spaces ignored,
    /// I/L read as 1 and O as 0. A wrong check symbol is caught here, before any network call.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut values = Zeroizing::new(Vec::with_capacity(CODE_SYMBOLS));
        for c in input.bytes() {
            if c == b'-' || c.is_ascii_whitespace() {
                continue;
            }
            values.push(base32::value(c).ok_or(CodeError::InvalidCharacter)?);
        }
        if values.len() != CODE_SYMBOLS {
            return Err(CodeError::WrongLength {
                expected: CODE_SYMBOLS,
                found: values.len(),
            });
        }
        let (data, check) = values.split_at(DATA_SYMBOLS);
        if check != [check_value(data)] {
            return Err(CodeError::Typo);
        }
        Ok(Self(Zeroizing::new(
            values.iter().map(|&v| symbol(v)).collect(),
        )))
    }

    /// The code as shown to the reporter: `XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub fn display(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(base32::grouped_len(CODE_SYMBOLS)));
        base32::push_grouped(&mut out, self.0.iter().map(|&c| char::from(c)), '-');
        out
    }

    /// Argon2id(code, deployment salt) → master secret → lookup token and reporter key.
    /// Costs 64 MiB and about a third of a second in a browser, on purpose.
    pub fn derive(&self, deployment_salt: &[u8]) -> Result<ReporterKeys, CodeError> {
        Ok(ReporterKeys::from_master(&self.stretch(deployment_salt)?))
    }

    /// The slow half of [`derive`](Self::derive): Argon2id(code, deployment salt), the master
    /// secret. Apart so that a browser can run it in a Web Worker and keep its page responsive.
    pub fn stretch(&self, deployment_salt: &[u8]) -> Result<MasterSecret, CodeError> {
        if !(16..=64).contains(&deployment_salt.len()) {
            return Err(CodeError::BadSalt);
        }
        let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(32))
            .map_err(|_| CodeError::BadSalt)?;
        let mut master = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(&self.0, deployment_salt, master.as_mut())
            .map_err(|_| CodeError::BadSalt)?;
        Ok(MasterSecret(master))
    }
}

/// Argon2id of a follow-up code: everything the reporter's keys are derived from (SPEC.md
/// §7). No `Debug`, wiped when dropped.
pub struct MasterSecret(Zeroizing<[u8; 32]>);

impl MasterSecret {
    /// A master secret computed elsewhere (the browser's Web Worker) and handed over.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The 32 bytes, to hand back from the Web Worker.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl ReporterKeys {
    /// The fast half of [`FollowUpCode::derive`]: the lookup token and the reporter's keys,
    /// each an HKDF of the master secret under its own label.
    pub fn from_master(master: &MasterSecret) -> Self {
        let master = master.0.as_slice();
        let token = hkdf32(master, &[], labels::LOOKUP_TOKEN);
        let reporter = hkdf32(master, &[], labels::REPORTER_X25519);
        let signing = hkdf32(master, &[], labels::REPORTER_ED25519);
        ReporterKeys {
            lookup_token: token,
            identity: Identity::from_bytes(*reporter),
            signing: SigningSecret::from_seed(*signing),
        }
    }
}

impl std::fmt::Debug for FollowUpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FollowUpCode([redacted])")
    }
}

impl std::fmt::Debug for ReporterKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReporterKeys([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn generated_codes_parse_back() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let code = FollowUpCode::generate(&mut rng);
            let shown = code.display();
            assert_eq!(shown.len(), 24);
            let again = FollowUpCode::parse(&shown.to_lowercase()).unwrap();
            assert_eq!(again.display(), shown);
        }
    }

    #[test]
    fn confusable_letters_are_read_as_digits() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let code = FollowUpCode::generate(&mut rng);
        let typed = code.display().replace('1', "l").replace('0', "O");
        assert_eq!(
            FollowUpCode::parse(&typed).unwrap().display(),
            code.display()
        );
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(
            FollowUpCode::parse("ABCD").unwrap_err(),
            CodeError::WrongLength {
                expected: 20,
                found: 4
            }
        );
        assert_eq!(
            FollowUpCode::parse("ABCD-EFGH-JKMN-PQRS-TVW!").unwrap_err(),
            CodeError::InvalidCharacter
        );
        assert_eq!(
            FollowUpCode::parse("ABCD-EFGH-JKMN-PQRS-TVWU").unwrap_err(),
            CodeError::InvalidCharacter
        );
    }

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let code = FollowUpCode::parse(
            &FollowUpCode::generate(&mut rand::rngs::StdRng::seed_from_u64(3)).display(),
        )
        .unwrap();
        let a = code.derive(&[1u8; 16]).unwrap();
        let b = code.derive(&[1u8; 16]).unwrap();
        let c = code.derive(&[2u8; 16]).unwrap();
        assert_eq!(*a.lookup_token, *b.lookup_token);
        assert_eq!(a.identity.recipient(), b.identity.recipient());
        assert_ne!(*a.lookup_token, *c.lookup_token);
        assert_ne!(
            a.lookup_token.as_slice(),
            a.identity.recipient().0.as_slice()
        );
        assert_eq!(code.derive(&[1u8; 8]).unwrap_err(), CodeError::BadSalt);
        assert_eq!(format!("{code:?}"), "FollowUpCode([redacted])");
    }

    proptest! {
        #[test]
        fn every_single_substitution_is_caught(seed in any::<u64>(), pos in 0usize..CODE_SYMBOLS, delta in 1u8..32) {
            let code = FollowUpCode::generate(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let mut typed: Vec<u8> = code.0.to_vec();
            let v = base32::value(typed[pos]).unwrap();
            typed[pos] = symbol((v + delta) % 32);
            prop_assert_eq!(FollowUpCode::parse(std::str::from_utf8(&typed).unwrap()).unwrap_err(), CodeError::Typo);
        }
    }
}
