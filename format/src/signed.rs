//! What is signed in Loket, byte for byte, and the one strict Ed25519 verification everyone
//! uses: signed bodies (SPEC.md §11), the team session proof (§9.5) and the signed team
//! directory (§12.3). Signing itself (secret keys) lives in the crypto crate.

use crate::labels;

/// Magic of a signed body (SPEC.md §11.1).
pub const MAGIC: &[u8; 4] = b"LKSG";
/// The only signed-body version written and read.
pub const VERSION: u8 = 1;
/// An Ed25519 public key.
pub const PUBLIC_KEY_SIZE: usize = 32;
/// An Ed25519 signature.
pub const SIGNATURE_SIZE: usize = 64;
/// Bytes before the body: magic, version, signer key, signature.
pub const HEADER_LEN: usize = MAGIC.len() + 1 + PUBLIC_KEY_SIZE + SIGNATURE_SIZE;
/// Context of a report (the first message of a thread; it has no id yet).
pub const REPORT_CONTEXT: &[u8] = b"report";
/// Prefix of the context of a later message in a thread: `thread/` ‖ report id.
pub const THREAD_CONTEXT_PREFIX: &[u8] = b"thread/";
/// Prefix of the context of a case record: `case/` ‖ report id (SPEC.md §9.10).
pub const CASE_CONTEXT_PREFIX: &[u8] = b"case/";

/// A signed body whose signature does not verify, or that is not a signed body at all. One
/// error for every cause, like an envelope that cannot be decrypted.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[error("the signature is not valid")]
pub struct SignatureError;

/// Strict Ed25519 verification (RFC 8032 §5.1.7: non-canonical encodings and small-order keys
/// are refused). The one check of every signature in Loket.
pub fn verify(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

/// `label` ‖ `rest`.
fn labelled(label: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(label.len() + rest.len());
    m.extend_from_slice(label);
    m.extend_from_slice(rest);
    m
}

/// The bytes the server's receipt key signs for a receipt (SPEC.md §9.2):
/// `"loket/v1/signed-receipt" ‖ envelope_sha256[32] ‖ received[8]`, the hour as a signed 64-bit
/// big-endian integer.
pub fn receipt_message(envelope_sha256: &[u8; 32], received: i64) -> Vec<u8> {
    let mut rest = Vec::with_capacity(40);
    rest.extend_from_slice(envelope_sha256);
    rest.extend_from_slice(&received.to_be_bytes());
    labelled(labels::RECEIPT, &rest)
}

/// Context of the statistics part of a report (SPEC.md §9.2).
pub const STATISTICS_CONTEXT: &[u8] = b"statistics";

/// The bytes the organisation signs for a directory `body` (SPEC.md §12.3).
pub fn directory_signed_message(body: &[u8]) -> Vec<u8> {
    labelled(labels::DIRECTORY, body)
}

/// The bytes a member signs to prove possession of their key for a team session (§9.5):
/// `"loket/v1/team-session" ‖ len(salt)[4] ‖ salt ‖ challenge`, where `salt` is the
/// deployment salt of the instance's signed directory. The salt binds the proof to one
/// instance: a proof made for one instance cannot open a session on another, even one that
/// lists the same member and accepts the same challenge.
pub fn session_proof_message(deployment_salt: &[u8], challenge: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(
        labels::SESSION_PROOF.len() + 4 + deployment_salt.len() + challenge.len(),
    );
    m.extend_from_slice(labels::SESSION_PROOF);
    m.extend_from_slice(&(deployment_salt.len() as u32).to_be_bytes());
    m.extend_from_slice(deployment_salt);
    m.extend_from_slice(challenge);
    m
}

/// The context of a message in the thread of `report_id`: a signed message cannot be moved
/// to another thread (SPEC.md §11.2).
pub fn thread_context(report_id: &str) -> Vec<u8> {
    labelled(THREAD_CONTEXT_PREFIX, report_id.as_bytes())
}

/// The context of a version of the case record of `report_id`: a record cannot be moved to
/// another case, nor passed off as a thread message (SPEC.md §9.10).
pub fn case_context(report_id: &str) -> Vec<u8> {
    labelled(CASE_CONTEXT_PREFIX, report_id.as_bytes())
}

/// What the signature of a signed body covers (SPEC.md §11.2):
/// `"loket/v1/signed-body" ‖ len(context)[4] ‖ context ‖ body`.
pub fn signed_message(context: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(labels::SIGNED_BODY.len() + 4 + context.len() + body.len());
    m.extend_from_slice(labels::SIGNED_BODY);
    m.extend_from_slice(&(context.len() as u32).to_be_bytes());
    m.extend_from_slice(context);
    m.extend_from_slice(body);
    m
}

/// A signed body (SPEC.md §11.1): magic, version, `signer`, `signature` (made over
/// [`signed_message`]) and `body`.
pub fn signed_body(signer: &[u8; 32], signature: &[u8; 64], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(signer);
    out.extend_from_slice(signature);
    out.extend_from_slice(body);
    out
}

/// A body whose signature checked out, and the key that made it. The caller decides whether
/// that key is the one it expected (a member in the signed directory, the reporter's key).
#[derive(Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    /// The Ed25519 public key that signed.
    pub signer: [u8; 32],
    /// The body it signed.
    pub body: &'a [u8],
}

/// Checks a signed body for `context` (SPEC.md §11.4 steps 2–3); any failure is the same
/// error.
pub fn verify_body<'a>(signed: &'a [u8], context: &[u8]) -> Result<Verified<'a>, SignatureError> {
    let (magic, rest) = signed.split_first_chunk::<4>().ok_or(SignatureError)?;
    let (&version, rest) = rest.split_first().ok_or(SignatureError)?;
    if magic != MAGIC || version != VERSION {
        return Err(SignatureError);
    }
    let (signer, rest) = rest
        .split_first_chunk::<PUBLIC_KEY_SIZE>()
        .ok_or(SignatureError)?;
    let (signature, body) = rest
        .split_first_chunk::<SIGNATURE_SIZE>()
        .ok_or(SignatureError)?;
    let signer = *signer;
    if !verify(&signer, &signed_message(context, body), signature) {
        return Err(SignatureError);
    }
    Ok(Verified { signer, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert_eq!(HEADER_LEN, 101);
        assert_eq!(thread_context("ab"), b"thread/ab");
        assert_eq!(
            directory_signed_message(b"{}"),
            b"loket/v1/directory{}".to_vec()
        );
        assert_eq!(
            session_proof_message(b"salt", b"ch"),
            b"loket/v1/team-session\0\0\0\x04saltch".to_vec()
        );
        assert_eq!(
            signed_message(b"ctx", b"body"),
            b"loket/v1/signed-body\0\0\0\x03ctxbody".to_vec()
        );
        let s = signed_body(&[1; 32], &[2; 64], b"x");
        assert_eq!(s.len(), HEADER_LEN + 1);
        assert_eq!(&s[..5], b"LKSG\x01");
    }

    /// SPEC.md §9.5: a login proof made for the instance with salt A does not open a session
    /// on the instance with salt B, and the length prefix keeps salt and challenge apart.
    #[test]
    fn a_session_proof_is_bound_to_its_instance() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let public = key.verifying_key().to_bytes();
        let challenge = [5u8; 32];
        let salt_a = [1u8; 32];
        let salt_b = [2u8; 32];
        let proof = {
            use ed25519_dalek::Signer;
            key.sign(&session_proof_message(&salt_a, &challenge))
                .to_bytes()
        };
        assert!(verify(
            &public,
            &session_proof_message(&salt_a, &challenge),
            &proof
        ));
        assert!(!verify(
            &public,
            &session_proof_message(&salt_b, &challenge),
            &proof
        ));
        assert_ne!(
            session_proof_message(b"ab", b"c"),
            session_proof_message(b"a", b"bc")
        );
    }

    #[test]
    fn junk_never_verifies() {
        let s = signed_body(&[1; 32], &[2; 64], b"x");
        assert_eq!(verify_body(&s, b"report"), Err(SignatureError));
        assert_eq!(verify_body(&s[..HEADER_LEN - 1], b""), Err(SignatureError));
        assert_eq!(verify_body(b"", b""), Err(SignatureError));
        assert!(!verify(&[0; 32], b"m", &[0; 64]));
    }
}
