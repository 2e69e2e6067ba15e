//! Crockford's base 32 (SPEC.md §3, §7): the alphabet of follow-up codes, fingerprints and
//! generated passphrases, and how they are grouped for people (groups of four symbols).

/// Crockford's base-32 alphabet: the digits and the letters without I, L, O and U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols per group when a code, fingerprint or passphrase is shown.
pub const GROUP: usize = 4;

/// The symbol (upper case ASCII) of the low five bits of `value`.
pub fn symbol(value: u8) -> u8 {
    ALPHABET
        .get(usize::from(value & 31))
        .copied()
        .unwrap_or(b'0')
}

/// The value of a symbol as a person may type it: case-insensitive, `I` and `L` read as `1`,
/// `O` as `0`; `None` for anything else (including `U`).
pub fn value(symbol: u8) -> Option<u8> {
    let c = match symbol.to_ascii_uppercase() {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u8::try_from(p).ok())
}

/// Appends `symbols` to `out` in groups of [`GROUP`], separated by `separator`. The caller
/// owns `out` (a secret is written into a zeroizing string).
pub fn push_grouped(out: &mut String, symbols: impl IntoIterator<Item = char>, separator: char) {
    for (i, c) in symbols.into_iter().enumerate() {
        if i > 0 && i % GROUP == 0 {
            out.push(separator);
        }
        out.push(c);
    }
}

/// The length of `symbols` ASCII symbols once grouped (see [`push_grouped`]).
pub fn grouped_len(symbols: usize) -> usize {
    symbols + symbols.saturating_sub(1) / GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_reads_back() {
        for v in 0..32u8 {
            assert_eq!(value(symbol(v)), Some(v));
            assert_eq!(value(symbol(v).to_ascii_lowercase()), Some(v));
        }
        assert_eq!(value(b'l'), Some(1));
        assert_eq!(value(b'I'), Some(1));
        assert_eq!(value(b'o'), Some(0));
        assert_eq!(value(b'U'), None);
        assert_eq!(value(b'-'), None);
        assert_eq!(symbol(32 + 5), b'5');
    }

    #[test]
    fn grouping() {
        let mut s = String::new();
        push_grouped(&mut s, "ABCDEFGHJ".chars(), '-');
        assert_eq!(s, "ABCD-EFGH-J");
        assert_eq!(grouped_len(9), s.len());
        assert_eq!(grouped_len(20), 24);
        assert_eq!(grouped_len(16), 19);
        assert_eq!(grouped_len(0), 0);
    }
}
