//! The chain of signed directories (crypto/SPEC.md §12.6): each directory names the SHA-256 of
//! the body before it, so a client that holds the current directory can check every earlier
//! one the server keeps, and learn who was a member when. A message of a member the current
//! directory no longer lists then still verifies against the directory that listed them, and
//! the apps show it as "from a former member", never as unverifiable.

use loket_wire::api::{Directory, DirectoryHistory, FormerMember};
use loket_wire::keys::OrganisationKey;
use sha2::{Digest, Sha256};

use crate::{ClientError, verify_directory};

/// Checks `history` (oldest first) against the organisation key and against `current`, the
/// directory already verified: every signature, every link (`previous` is the SHA-256 of the
/// body before), and that the chain ends in `current`. Returns the members earlier directories
/// listed and `current` does not, with when they were listed. `HistoryBroken` if anything does
/// not check out: then no former member is trusted. Expired directories are fine here: they
/// only vouch for who was a member then.
pub fn verify_history(
    history: &DirectoryHistory,
    current: &Directory,
    organisation: &OrganisationKey,
) -> Result<Vec<FormerMember>, ClientError> {
    let mut chain: Vec<Directory> = Vec::with_capacity(history.directories.len());
    let mut previous_body: Option<&[u8]> = None;
    for signed in &history.directories {
        let dir = verify_directory(signed, organisation).map_err(|_| ClientError::HistoryBroken)?;
        if let Some(body) = previous_body {
            let link = Sha256::digest(body).to_vec();
            if dir.previous.as_ref().map(|p| &p.0) != Some(&link) {
                return Err(ClientError::HistoryBroken);
            }
        }
        previous_body = Some(&signed.body.0);
        chain.push(dir);
    }
    if chain.last() != Some(current) {
        return Err(ClientError::HistoryBroken);
    }
    Ok(former_members(&chain))
}

/// The members of `chain` (oldest first, ending in the current directory) whom its last
/// directory does not list, each with the time from the first directory that listed them to
/// the first later one that did not.
fn former_members(chain: &[Directory]) -> Vec<FormerMember> {
    let Some(current) = chain.last() else {
        return Vec::new();
    };
    let mut out: Vec<FormerMember> = Vec::new();
    for (i, dir) in chain.iter().enumerate() {
        for member in &dir.members {
            let listed_now = current.members.iter().any(|m| m.id == member.id);
            if listed_now || out.iter().any(|f| f.member.id == member.id) {
                continue;
            }
            let until = chain
                .iter()
                .skip(i + 1)
                .find(|later| !later.members.iter().any(|m| m.id == member.id))
                .map_or(current.issued, |later| later.issued);
            out.push(FormerMember {
                member: member.clone(),
                from: dir.issued,
                until,
            });
        }
    }
    out
}

/// The former member `id` of `dir` (filled from the verified chain) if they were listed at
/// `hour`: the directory that listed them was in force when the message was written.
pub fn former_member<'a>(dir: &'a Directory, id: &str, hour: i64) -> Option<&'a FormerMember> {
    const HOUR: i64 = 3600;
    dir.former
        .iter()
        .find(|f| f.member.id == id && f.from - HOUR <= hour && hour <= f.until)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::tests::{World, world};
    use loket_wire::B64;
    use loket_wire::api::SignedDirectory;

    /// The world's directory (m1 in ccp, m2 the ombudsperson), then one without m2, issued a
    /// day later and chained to it.
    fn two_directories(w: &World) -> (DirectoryHistory, Directory) {
        let first = w.signed.clone();
        let mut next = w.dir.clone();
        next.serial = 2;
        next.issued = 86_400;
        next.members.retain(|m| m.id != "m2");
        next.previous = Some(B64(Sha256::digest(&first.body.0).to_vec()));
        let body = serde_json::to_vec(&next).unwrap();
        let second = w.sign(body);
        (
            DirectoryHistory {
                directories: vec![first, second],
            },
            next,
        )
    }

    #[test]
    fn a_chain_ending_in_the_current_directory_names_its_former_members() {
        let w = world();
        let (history, current) = two_directories(&w);
        let former = verify_history(&history, &current, &w.org_key()).unwrap();
        assert_eq!(former.len(), 1);
        assert_eq!(former[0].member.id, "m2");
        assert_eq!((former[0].from, former[0].until), (0, 86_400));
        let mut dir = current.clone();
        dir.former = former;
        assert!(former_member(&dir, "m2", 3_600).is_some());
        assert!(former_member(&dir, "m2", 2 * 86_400).is_none());
        assert!(former_member(&dir, "m1", 3_600).is_none());
    }

    #[test]
    fn a_broken_link_a_forged_directory_or_another_end_is_refused() {
        let w = world();
        let (history, current) = two_directories(&w);
        // A directory left out between two links.
        let mut skipped = history.clone();
        skipped.directories.remove(0);
        skipped.directories.insert(0, w.sign(b"{}".to_vec()));
        assert!(verify_history(&skipped, &current, &w.org_key()).is_err());
        // A directory the organisation did not sign.
        let mut forged = history.clone();
        forged.directories[0] = SignedDirectory {
            body: forged.directories[0].body.clone(),
            signature: B64(vec![0; 64]),
        };
        assert!(verify_history(&forged, &current, &w.org_key()).is_err());
        // A chain that does not end in the directory the client holds.
        assert_eq!(
            verify_history(&history, &w.dir, &w.org_key()),
            Err(ClientError::HistoryBroken)
        );
    }

    /// A reply by m2, who then left: unverifiable against the current directory alone,
    /// verified (and marked as a former member's) with the chain, unless dated after m2 left.
    #[test]
    fn a_former_members_reply_verifies_against_the_directory_that_listed_them() {
        use crate::{open_report, open_thread, seal_report, seal_team_message};
        use loket_wire::api::{Author, ThreadMessage};
        let mut w = world();
        let roles = vec!["ombudsperson".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &roles, &w.reporter, "what happened").unwrap();
        let opened = open_report(&w.reporter.identity, &report).unwrap();
        let reply = seal_team_message(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.other_role_member,
            "we can help",
        )
        .unwrap();
        let message = |created| ThreadMessage {
            id: 1,
            author: Author::Member {
                member_id: "m2".into(),
            },
            created,
            envelope: reply.clone(),
        };
        let (history, mut current) = two_directories(&w);
        let open = |dir: &Directory, created| {
            open_thread(
                &w.reporter.identity,
                dir,
                "r1",
                &report,
                &[message(created)],
            )
            .unwrap()
            .messages
            .remove(0)
        };
        assert!(open(&current, 3_600).body.is_none());
        current.former = verify_history(&history, &current, &w.org_key()).unwrap();
        let seen = open(&current, 3_600);
        assert_eq!(
            seen.body.as_deref().map(String::as_str),
            Some("we can help")
        );
        assert!(seen.former);
        assert!(open(&current, 3 * 86_400).body.is_none());
    }
}
