//! Handovers (crypto/SPEC.md §9.11): a member who joins a role reads the role's earlier cases
//! once a current member's app wraps each envelope's content key to the newcomer's key too.
//! The app checks the newcomer against the signed directory (the key's fingerprint, and that
//! the case's own readers, inside its sealed content, include them) before it hands anything
//! over; the server only splices the longer headers in, and cannot add a reader itself.

use loket_crypto::{Identity, MemberPublicKey, RecipientKey, add_readers};
use loket_wire::B64;
use loket_wire::api::{CaseHeader, Directory, Handover, Member, MessageHeader, PostHandover};

use crate::ClientError;
use crate::case::CaseReaders;

/// Whether `member` of `dir` is one of the case's readers: a member of one of its roles, or
/// named by the reporter, and not kept out.
fn reads(member: &Member, readers: &CaseReaders) -> bool {
    !readers.excluded.contains(&member.id)
        && (readers.members.contains(&member.id)
            || member.roles.iter().any(|r| readers.roles.contains(r)))
}

/// The newcomer's key from the signed directory, if the fingerprint the directory lists is the
/// keys' own.
fn newcomer_key(member: &Member) -> Option<RecipientKey> {
    let keys = MemberPublicKey {
        x25519: member.x25519.array()?,
        ed25519: member.ed25519.array()?,
    };
    (keys.fingerprint() == member.fingerprint).then_some(RecipientKey(keys.x25519))
}

/// The readers a case's sealed content names: a report's (SPEC §9.2) or a registered
/// contact's (§9.10). `None` if it does not open and verify for `identity`.
fn case_readers(identity: &Identity, dir: &Directory, item: &Handover) -> Option<CaseReaders> {
    match &item.registered_by {
        Some(by) => crate::case::open_contact(identity, dir, by, &item.envelope)
            .map(|contact| contact.readers()),
        None => crate::open_report(identity, &item.envelope).map(|report| CaseReaders {
            roles: report.roles,
            members: report.members,
            excluded: report.excluded,
        }),
    }
}

/// SPEC §9.11: hands the case of `item` to the member it names. Refused
/// (`ClientError::CannotHandOver`) unless the member is in the verified directory `dir` with a
/// fingerprint that matches their keys, the case's own content (which `identity` must open and
/// verify) makes them a reader, and the report's envelope opens. A message or case record
/// `identity` cannot open is left out: it stays as it was.
pub fn hand_over<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    identity: &Identity,
    dir: &Directory,
    item: &Handover,
) -> Result<PostHandover, ClientError> {
    let member = dir
        .members
        .iter()
        .find(|m| m.id == item.member_id)
        .ok_or(ClientError::CannotHandOver)?;
    let key = newcomer_key(member).ok_or(ClientError::CannotHandOver)?;
    let readers = case_readers(identity, dir, item).ok_or(ClientError::CannotHandOver)?;
    if !reads(member, &readers) {
        return Err(ClientError::CannotHandOver);
    }
    let mut wrap = |envelope: &B64| add_readers(rng, identity, &envelope.0, &[key]).ok();
    let header = wrap(&item.envelope).ok_or(ClientError::CannotHandOver)?;
    let messages = item
        .messages
        .iter()
        .filter_map(|m| {
            wrap(&m.header).map(|header| MessageHeader {
                id: m.id,
                header: B64(header),
            })
        })
        .collect();
    let cases = item
        .cases
        .iter()
        .filter_map(|c| {
            wrap(&c.header).map(|header| CaseHeader {
                id: c.id.clone(),
                header: B64(header),
            })
        })
        .collect();
    Ok(PostHandover {
        report_id: item.report_id.clone(),
        member_id: item.member_id.clone(),
        header: B64(header),
        messages,
        cases,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::tests::{World, world};
    use crate::{open_report, seal_report, seal_team_message};
    use loket_crypto::MemberSecretKey;

    /// The world of the client's tests with `m3`, who joins `ccp` after a report to it was
    /// sealed: the report and a reply in its thread.
    fn joined_later() -> (World, MemberSecretKey, B64, B64) {
        let mut w = world();
        let ccp = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &ccp, &w.reporter, "what happened").unwrap();
        let opened = open_report(&w.reporter.identity, &report).unwrap();
        let reply =
            seal_team_message(&mut w.rng, &w.dir, &opened, "r1", &w.member, "thank you").unwrap();
        let newcomer = MemberSecretKey::generate(&mut w.rng);
        let p = newcomer.public();
        w.dir.members.push(Member {
            id: "m3".into(),
            name: "m3".into(),
            roles: vec!["ccp".into()],
            x25519: B64(p.x25519.to_vec()),
            ed25519: B64(p.ed25519.to_vec()),
            fingerprint: p.fingerprint(),
        });
        (w, newcomer, report, reply)
    }

    fn item(report: &B64, reply: &B64, member_id: &str) -> Handover {
        let head = |e: &B64| {
            let count = loket_format::envelope::read_fixed(&e.0).unwrap();
            B64(e.0[..loket_format::envelope::header_len(count)].to_vec())
        };
        Handover {
            report_id: "r1".into(),
            member_id: member_id.into(),
            envelope: report.clone(),
            registered_by: None,
            messages: vec![MessageHeader {
                id: 7,
                header: head(reply),
            }],
            cases: Vec::new(),
        }
    }

    #[test]
    fn a_reader_hands_a_case_to_a_newcomer_of_its_role_only() {
        let (mut w, newcomer, report, reply) = joined_later();
        assert!(open_report(newcomer.identity(), &report).is_none());
        let post = hand_over(
            &mut w.rng,
            w.member.identity(),
            &w.dir,
            &item(&report, &reply, "m3"),
        )
        .unwrap();
        let extend =
            |e: &B64, h: &B64| B64(loket_format::envelope::extend_header(&e.0, &h.0).unwrap());
        let report_now = extend(&report, &post.header);
        assert_eq!(
            open_report(newcomer.identity(), &report_now).unwrap().text,
            "what happened"
        );
        assert_eq!(post.messages.len(), 1);
        let reply_now = extend(&reply, &post.messages[0].header);
        assert!(loket_crypto::open(newcomer.identity(), &reply_now.0).is_ok());

        // Not to a member of another role, not to someone outside the directory, and not by a
        // member who cannot open the report.
        let cases = [
            (w.member.identity(), "m2"),
            (w.member.identity(), "stranger"),
            (w.other_role_member.identity(), "m3"),
        ];
        for (by, to) in cases {
            assert_eq!(
                hand_over(&mut w.rng, by, &w.dir, &item(&report, &reply, to)),
                Err(ClientError::CannotHandOver)
            );
        }
    }

    #[test]
    fn a_directory_entry_whose_fingerprint_is_not_its_keys_is_refused() {
        let (mut w, _, report, reply) = joined_later();
        if let Some(m3) = w.dir.members.iter_mut().find(|m| m.id == "m3") {
            m3.fingerprint = "AAAA AAAA AAAA AAAA".into();
        }
        assert_eq!(
            hand_over(
                &mut w.rng,
                w.member.identity(),
                &w.dir,
                &item(&report, &reply, "m3")
            ),
            Err(ClientError::CannotHandOver)
        );
    }
}
