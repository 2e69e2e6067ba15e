//! Padding (SPEC.md §6): before sealing, plaintext is padded so that sealed sizes fall into a
//! small set of buckets. Rule: append one 0x80 byte, then zero bytes up to the bucket size —
//! the smallest of 4 KiB, 16 KiB and 64 KiB that fits, and above 64 KiB the Padmé length
//! (at most 12 % overhead, leaking O(log log n) bits of the length).
//!
//! Pure length arithmetic and byte shuffling: the server uses [`padded_len`] to size decoys,
//! the crypto crate to pad before sealing.

/// The padded sizes of small plaintexts: 4 KiB, 16 KiB and 64 KiB.
pub const SMALL_BUCKETS: [usize; 3] = [4 * 1024, 16 * 1024, 64 * 1024];

/// The padded length for a plaintext of `len` bytes (including the 0x80 marker).
pub fn padded_len(len: usize) -> usize {
    let needed = len.saturating_add(1);
    for bucket in SMALL_BUCKETS {
        if needed <= bucket {
            return bucket;
        }
    }
    padme(needed)
}

/// Padmé (Nikitin et al., PETS 2019): round `len` up so that only the top
/// ⌊log2 ⌊log2 len⌋⌋ + 1 bits of the length may be non-zero.
pub fn padme(len: usize) -> usize {
    if len < 2 {
        return len;
    }
    let e = usize::BITS - 1 - len.leading_zeros(); // ⌊log2 len⌋
    let s = u32::BITS - e.leading_zeros(); // ⌊log2 e⌋ + 1
    let last_bits = e - s;
    let mask = (1usize << last_bits) - 1;
    len.saturating_add(mask) & !mask
}

/// Pads `plaintext` (SPEC.md §6).
pub fn pad(plaintext: &[u8]) -> Vec<u8> {
    let total = padded_len(plaintext.len());
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(plaintext);
    out.push(0x80);
    out.resize(total, 0);
    out
}

/// Removes padding; `None` if the marker is missing (the caller reports "cannot decrypt").
pub fn unpad(mut padded: Vec<u8>) -> Option<Vec<u8>> {
    let end = padded.iter().rposition(|&b| b != 0)?;
    if padded.get(end) != Some(&0x80) {
        return None;
    }
    padded.truncate(end);
    Some(padded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_reports_share_one_bucket() {
        assert_eq!(padded_len(0), 4096);
        assert_eq!(padded_len(4095), 4096);
        assert_eq!(padded_len(4096), 16384);
        assert_eq!(padded_len(65535), 65536);
        assert_eq!(padded_len(65536), padme(65537));
    }

    #[test]
    fn few_distinct_sizes_below_one_mib() {
        let sizes: std::collections::BTreeSet<usize> =
            (0..(1usize << 20)).map(padded_len).collect();
        // A million possible lengths, 131 possible sizes: 3 buckets up to 64 KiB, then Padmé's
        // 8 to 16 sizes per doubling.
        assert_eq!(sizes.len(), 131);
    }

    #[test]
    fn unpad_rejects_missing_marker() {
        assert_eq!(unpad(vec![1, 2, 0, 0]), None);
        assert_eq!(unpad(vec![0, 0]), None);
        assert_eq!(unpad(vec![7, 0x80, 0]), Some(vec![7]));
    }

    proptest! {
        #[test]
        fn pad_roundtrip(data in proptest::collection::vec(any::<u8>(), 0..70_000)) {
            let padded = pad(&data);
            prop_assert_eq!(padded.len(), padded_len(data.len()));
            prop_assert_eq!(unpad(padded), Some(data));
        }

        /// Every padded length is one of the small set: 4, 16 or 64 KiB, or a Padmé value
        /// (a fixed point of Padmé: its low bits are zero).
        #[test]
        fn every_length_is_in_the_bucket_set(len in 0usize..(1usize << 34)) {
            let p = padded_len(len);
            prop_assert!(p > len);
            prop_assert!([4096, 16384, 65536].contains(&p) || (p > 65536 && padme(p) == p));
        }

        #[test]
        fn padme_bounds(len in 65_537usize..(1usize << 34)) {
            let p = padme(len);
            prop_assert!(p >= len);
            // Padmé's overhead is below 12 % for these sizes.
            prop_assert!((p - len) as f64 <= len as f64 * 0.12);
        }
    }
}
