//! The organisation's recovery key (crypto/SPEC.md §9.12): made once, on a machine of the
//! organisation's choosing, and kept nowhere whole. `recovery-keygen` splits its secret into
//! shares (Shamir's scheme over GF(256), the blahaj crate) of which any `threshold` give it
//! back; fewer tell nothing about it. Its public key goes into the directory
//! (`loket recovery-key`), and a case of a role with one member is sealed to it too.
//! `recover` joins the shares on the machine of a member who lost their key and was added
//! again with a new one, and hands that member's cases to the new key with it — the same
//! handover a colleague's app makes (§9.11), opened with the recovery key instead.

use std::path::{Path, PathBuf};

use blahaj::{Share, Sharks};
use loket_crypto::{MemberPublicKey, MemberSecretKey};
use loket_wire::B64;
use loket_wire::api::Directory;
use loket_wire::keys::OrganisationKey;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::export::files;
use crate::export::remote::{Remote, fetch_directory, fetch_history};
use crate::serve::Upstream;

/// One share as a file holds it (JSON). It names the public key it belongs to, so shares of
/// different keys are not mixed.
#[derive(Serialize, Deserialize)]
struct ShareFile {
    kind: String,
    v: u32,
    public_key: String,
    threshold: u8,
    shares: u8,
    number: u8,
    share: B64,
}

const KIND: &str = "loket-recovery-share";

/// Why recovery failed. Messages are for people; none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("a threshold of 2 to {0} shares, please (and at most 255 shares)")]
    BadCounts(u8),
    #[error("cannot read or write {path}: {why}")]
    File { path: PathBuf, why: String },
    #[error("{0} is not a Loket recovery share")]
    NotAShare(PathBuf),
    #[error("the shares belong to different recovery keys")]
    Mixed,
    #[error("{given} different shares given; this key needs {needed}")]
    TooFew { given: usize, needed: u8 },
    #[error("the shares do not give the recovery key they name")]
    WrongSecret,
    #[error("the team directory lists no recovery key, or another one")]
    NotListed,
    #[error("{0}")]
    Server(String),
}

/// `loket-team recovery-keygen`: a new recovery key, split into `shares` files in `out`
/// (created, readable by its owner only) of which `threshold` recover it. Returns the public
/// key, for `loket recovery-key --key`.
pub fn keygen(out: &Path, shares: u8, threshold: u8) -> Result<MemberPublicKey, RecoveryError> {
    if threshold < 2 || threshold > shares || shares == u8::MAX {
        return Err(RecoveryError::BadCounts(shares));
    }
    let written = |e: crate::export::ExportError| RecoveryError::File {
        path: out.to_path_buf(),
        why: e.to_string(),
    };
    // A new or empty folder only its owner can open (0700); each share a new file (0600).
    files::prepare(out).map_err(written)?;
    let key = MemberSecretKey::generate(&mut rand::rng());
    let public = key.public();
    let secret = key.to_recovery_secret();
    let dealer = Sharks(threshold).dealer_rng(secret.as_slice(), &mut rand::rng());
    for (i, share) in dealer.take(usize::from(shares)).enumerate() {
        let number = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let file = ShareFile {
            kind: KIND.into(),
            v: 1,
            public_key: public.encode(),
            threshold,
            shares,
            number,
            share: B64(Vec::from(&share)),
        };
        let json = Zeroizing::new(serde_json::to_string_pretty(&file).map_err(|e| {
            RecoveryError::File {
                path: out.to_path_buf(),
                why: e.to_string(),
            }
        })?);
        let path = out.join(format!("recovery-share-{number}-of-{shares}.json"));
        files::write(&path, json.as_bytes()).map_err(written)?;
    }
    Ok(public)
}

fn read_share(path: &Path) -> Result<ShareFile, RecoveryError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| RecoveryError::File {
            path: path.to_path_buf(),
            why: e.to_string(),
        })?,
    );
    let file: ShareFile =
        serde_json::from_str(&text).map_err(|_| RecoveryError::NotAShare(path.to_path_buf()))?;
    if file.kind != KIND || file.v != 1 {
        return Err(RecoveryError::NotAShare(path.to_path_buf()));
    }
    Ok(file)
}

/// Joins the shares in `paths` into the recovery key, checked against the public key they
/// name.
pub fn join(paths: &[PathBuf]) -> Result<MemberSecretKey, RecoveryError> {
    let files = paths
        .iter()
        .map(|p| read_share(p))
        .collect::<Result<Vec<_>, _>>()?;
    let first = files.first().ok_or(RecoveryError::TooFew {
        given: 0,
        needed: 2,
    })?;
    let (public_key, threshold) = (first.public_key.clone(), first.threshold);
    if files
        .iter()
        .any(|f| f.public_key != public_key || f.threshold != threshold)
    {
        return Err(RecoveryError::Mixed);
    }
    let mut numbers: Vec<u8> = files.iter().map(|f| f.number).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.len() < usize::from(threshold) {
        return Err(RecoveryError::TooFew {
            given: numbers.len(),
            needed: threshold,
        });
    }
    let shares = files
        .iter()
        .map(|f| Share::try_from(f.share.0.as_slice()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| RecoveryError::WrongSecret)?;
    let secret = Zeroizing::new(
        Sharks(threshold)
            .recover(shares.as_slice())
            .map_err(|_| RecoveryError::WrongSecret)?,
    );
    let secret: &[u8; 64] = secret
        .as_slice()
        .try_into()
        .map_err(|_| RecoveryError::WrongSecret)?;
    let key = MemberSecretKey::from_recovery_secret(secret);
    if key.public().encode() != public_key {
        return Err(RecoveryError::WrongSecret);
    }
    Ok(key)
}

/// What `recover` did.
pub struct Recovered {
    pub handed: usize,
    pub left: usize,
}

/// `loket-team recover`: signs in as `member` (the new key of a member added again after
/// losing theirs) and hands every case owed to them to their new key, opened with `recovery`.
/// The directory must verify with `organisation` and list `recovery`'s public key.
pub async fn recover(
    upstream: &Upstream,
    organisation: &OrganisationKey,
    recovery: &MemberSecretKey,
    member: &MemberSecretKey,
) -> Result<Recovered, RecoveryError> {
    let server = |e: crate::export::ExportError| RecoveryError::Server(e.to_string());
    let signed = fetch_directory(upstream).await.map_err(server)?;
    let mut dir: Directory = loket_client::verify_directory(&signed, organisation)
        .map_err(|e| RecoveryError::Server(e.to_string()))?;
    if dir.recovery_key.as_ref().map(|k| k.0.as_slice())
        != Some(recovery.public().x25519.as_slice())
    {
        return Err(RecoveryError::NotListed);
    }
    if let Ok(history) = fetch_history(upstream).await {
        dir.former =
            loket_client::history::verify_history(&history, &dir, organisation).unwrap_or_default();
    }
    let public = member.public();
    let me = dir
        .members
        .iter()
        .find(|m| m.x25519.0 == public.x25519 && m.ed25519.0 == public.ed25519)
        .ok_or_else(|| RecoveryError::Server("the new key is not in the team directory".into()))?
        .id
        .clone();
    let mut remote = Remote::sign_in(upstream, &dir, member, &me)
        .await
        .map_err(server)?;
    let mut handed = 0;
    // A page at a time, until a page brings nothing handed: what is left could not be.
    let left = loop {
        let page = remote.own_handovers().await.map_err(server)?;
        let mut left = 0;
        for item in &page.handovers {
            let post = loket_client::handover::hand_over(
                &mut rand::rng(),
                recovery.identity(),
                &dir,
                item,
            );
            match post {
                Ok(post) if remote.hand_over(&post).await.is_ok() => handed += 1,
                _ => left += 1,
            }
        }
        if left == page.handovers.len() {
            break left;
        }
    };
    remote.sign_out().await;
    Ok(Recovered { handed, left })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn share(dir: &Path, n: u8) -> PathBuf {
        dir.join(format!("recovery-share-{n}-of-3.json"))
    }

    #[test]
    fn any_two_of_three_shares_give_the_key_back_and_one_does_not() {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("shares");
        let public = keygen(&dir, 3, 2).unwrap();
        for pair in [[1, 2], [1, 3], [2, 3]] {
            let key = join(&[share(&dir, pair[0]), share(&dir, pair[1])]).unwrap();
            assert_eq!(key.public(), public);
        }
        assert!(matches!(
            join(&[share(&dir, 1)]),
            Err(RecoveryError::TooFew {
                given: 1,
                needed: 2
            })
        ));
        // The same share twice is one share.
        assert!(matches!(
            join(&[share(&dir, 2), share(&dir, 2)]),
            Err(RecoveryError::TooFew {
                given: 1,
                needed: 2
            })
        ));
        // A share of another key is refused, and a damaged one does not give a wrong key.
        let other = work.path().join("other");
        keygen(&other, 3, 2).unwrap();
        assert!(matches!(
            join(&[share(&dir, 1), share(&other, 2)]),
            Err(RecoveryError::Mixed)
        ));
        let text = std::fs::read_to_string(share(&dir, 3)).unwrap();
        let mut file: ShareFile = serde_json::from_str(&text).unwrap();
        if let Some(b) = file.share.0.last_mut() {
            *b ^= 1;
        }
        let damaged = work.path().join("damaged.json");
        std::fs::write(&damaged, serde_json::to_string(&file).unwrap()).unwrap();
        assert!(matches!(
            join(&[share(&dir, 1), damaged]),
            Err(RecoveryError::WrongSecret)
        ));
        assert!(matches!(
            keygen(&work.path().join("x"), 3, 4),
            Err(RecoveryError::BadCounts(3))
        ));
        assert!(matches!(
            keygen(&work.path().join("y"), 3, 1),
            Err(RecoveryError::BadCounts(3))
        ));
    }
}
