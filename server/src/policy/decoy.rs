//! The envelope frame and decoys. The server cannot open an envelope; it checks only the
//! frame (magic, version, least size; crypto/SPEC.md §4), so obvious garbage is refused before
//! it is stored. And it answers an unknown follow-up code with a decoy thread of the same
//! status, shape and size as a real one, the same every time for the same code, which nobody
//! can open — so nobody watching the answers can tell a known code from an unknown one.
//!
//! The frame and the decoy's layout come from loket-format, the crate of byte layouts without
//! cipher code that loket-crypto writes its envelopes with too, so they cannot drift.

use std::sync::{Arc, Mutex};

use hmac::Mac as _;
use loket_format::envelope;
use loket_format::labels;
use loket_wire::api::Thread;
use loket_wire::{B64, HOUR};

use super::{PolicyError, derive, mac_of};
use crate::clock::DAY;
use crate::store::LookupHash;

/// Checks the shape of a report or message envelope: its frame, its stanzas, and a payload of
/// exactly one padding bucket's sealed size, at most 64 KiB of padded plaintext
/// (`loket_format::envelope::check_shape`; crypto/SPEC.md §4–§6).
pub fn check_envelope(bytes: &[u8]) -> Result<(), PolicyError> {
    envelope::check_shape(bytes).map_err(|e| match e {
        envelope::ShapeError::TooLarge => PolicyError::EnvelopeTooLarge,
        _ => PolicyError::InvalidEnvelope,
    })
}

/// Seconds the count of readers per role is reused for sizing decoys.
const READERS_FRESH: i64 = 30;

/// The decoy key, and how many members hold each role (sizes the decoys), cached.
pub struct Decoys {
    key: [u8; 32],
    readers: Mutex<Option<(i64, Arc<Vec<i64>>)>>,
}

impl std::fmt::Debug for Decoys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decoys([redacted])")
    }
}

impl Decoys {
    pub fn new(secret: &[u8; 32]) -> Result<Self, PolicyError> {
        Ok(Self {
            key: derive(secret, labels::DECOY_KEY)?,
            readers: Mutex::new(None),
        })
    }

    /// The readers per role as remembered at most 30 seconds before `now`.
    pub fn cached_readers(&self, now: i64) -> Option<Arc<Vec<i64>>> {
        self.readers.lock().ok().and_then(|c| {
            c.as_ref()
                .filter(|(at, _)| now - at < READERS_FRESH)
                .map(|(_, r)| Arc::clone(r))
        })
    }

    /// Remembers the readers per role counted at `now`.
    pub fn remember_readers(&self, now: i64, readers: Arc<Vec<i64>>) {
        if let Ok(mut c) = self.readers.lock() {
            *c = Some((now, readers));
        }
    }

    /// Deterministic pseudo-random bytes for the decoy of `hash` (HMAC-SHA-256 in counter
    /// mode): the same unknown code always gets the same decoy.
    pub fn bytes(
        &self,
        hash: &LookupHash,
        label: &[u8],
        len: usize,
    ) -> Result<Vec<u8>, PolicyError> {
        // Key once, then clone the keyed state for each 32-byte block.
        let keyed = mac_of(&self.key, &[label, hash.as_bytes()])?;
        let mut out = Vec::with_capacity(len + 32);
        let mut counter = 0u32;
        while out.len() < len {
            let mut block = keyed.clone();
            block.update(&counter.to_be_bytes());
            out.extend_from_slice(&block.finalize().into_bytes());
            counter = counter.wrapping_add(1);
        }
        out.truncate(len);
        Ok(out)
    }

    /// The decoy thread of an unknown `hash` at `now`, sized like a fresh report to one of the
    /// roles (`per_role`: readers of each role).
    pub fn thread(
        &self,
        hash: &LookupHash,
        per_role: &[i64],
        now: i64,
        receipts: &super::receipt::Receipts,
    ) -> Result<Thread, PolicyError> {
        let seed = self.bytes(hash, b"thread", 32)?;
        let pick = seed.first().copied().map_or(0, usize::from);
        let readers = per_role
            .get(pick % per_role.len().max(1))
            .and_then(|n| usize::try_from(*n).ok())
            .unwrap_or(1);
        // A report envelope to every reader and the reporter's own key, of a short report
        // (crypto/SPEC.md §4–6): the frame of a real one, filled with the decoy's bytes.
        let recipients = readers.clamp(1, envelope::MAX_RECIPIENTS - 1) + 1;
        let envelope = envelope::try_decoy_envelope(recipients, |rest| {
            let bytes = self.bytes(hash, b"envelope", rest.len())?;
            rest.copy_from_slice(&bytes);
            Ok::<(), PolicyError>(())
        })?;
        let id: String = seed
            .get(1..17)
            .unwrap_or_default()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let received = decoy_arrival(&seed, now);
        // A real signature over the decoy's envelope, as for a stored report.
        let receipt = receipts.sign(&envelope, received);
        Ok(Thread {
            report_id: id,
            received,
            envelope: B64(envelope),
            messages: Vec::new(),
            receipt,
        })
    }
}

/// Arrival: an hour in the 30 days before the start of the current 30-day period, so it is in
/// the past and stays the same for a month (docs/api.md notes this limit of decoys).
fn decoy_arrival(seed: &[u8], now: i64) -> i64 {
    let age_hours = seed
        .get(17..21)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| i64::from(u32::from_be_bytes(b) % (30 * 24)));
    let period = now - now.rem_euclid(30 * DAY);
    period - (age_hours + 1) * HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoy_is_stable_well_framed_and_sized_by_role() {
        let d = Decoys::new(&[1; 32]).unwrap();
        let r = super::super::receipt::Receipts::new(&[1; 32]).unwrap();
        let hash = LookupHash::from([2; 32]);
        let a = d.thread(&hash, &[3], 10 * DAY, &r).unwrap();
        let b = d.thread(&hash, &[3], 10 * DAY + 60, &r).unwrap();
        assert_eq!(a, b);
        check_envelope(&a.envelope.0).unwrap();
        assert_eq!(a.envelope.0.len(), envelope::sealed_len(4, 0).unwrap());
        assert_eq!(envelope::read_fixed(&a.envelope.0), Ok(4));
        assert!(a.envelope.0.len() > envelope::FIXED_SIZE);
        assert!(a.received < 10 * DAY);
        assert!(check_envelope(b"LOKT\x01").is_err());
        let mut odd = a.envelope.0.clone();
        odd.push(0);
        assert!(matches!(
            check_envelope(&odd),
            Err(PolicyError::InvalidEnvelope)
        ));
    }
}
