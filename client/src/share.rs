//! Referral with consent (crypto/SPEC.md §9.8). Only the reporter can widen a report's
//! readers: a member asks in the thread, and on a grant the reporter's browser signs the report
//! again with the new role among its roles and seals it, and every message of the thread that
//! verifies, to the new readers. Each message's signed body is sealed again unchanged, so its
//! author's signature stays valid. The server only swaps envelopes it cannot read.

use loket_crypto::sign;
use loket_crypto::{MemberSecretKey, ReporterKeys};
use loket_wire::B64;
use loket_wire::api::{Directory, ResealedMessage, ThreadMessage};
use loket_wire::content::{CONTENT_VERSION, Content, Share, ShareTo};

use crate::{
    ClientError, OpenedReport, open_report, open_signed_message, seal_reporter_content, seal_signed,
};

/// Whether `to` can be added to `report`'s readers. A role: one of the directory, not yet among
/// the report's roles, with at least one member the reporter did not keep out. A member: one
/// of the directory whom the reporter did not keep out and who does not read the report yet.
pub fn may_share(dir: &Directory, report: &OpenedReport, to: &ShareTo) -> bool {
    match to {
        ShareTo::Role(role) => {
            dir.roles.iter().any(|r| &r.id == role)
                && !report.roles.contains(role)
                && dir
                    .members_of(std::slice::from_ref(role))
                    .any(|m| !report.excluded.contains(&m.id))
        }
        ShareTo::Member(member) => dir.members.iter().any(|m| {
            &m.id == member
                && !report.excluded.contains(member)
                && !report.members.contains(member)
                && !m.roles.iter().any(|r| report.roles.contains(r))
        }),
    }
}

fn share_message(text: &str, share: Share) -> Content {
    Content::Message {
        v: CONTENT_VERSION,
        text: text.to_owned(),
        attachment: None,
        status: None,
        contact: None,
        share: Some(share),
    }
}

/// Step 1: a member asks the reporter's consent to involve `to`, with `text` saying why. An
/// ordinary team message (§9.6) sealed to the report's current readers.
pub fn seal_share_request<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    member: &MemberSecretKey,
    text: &str,
    to: &ShareTo,
) -> Result<B64, ClientError> {
    if !may_share(dir, report, to) {
        return Err(ClientError::CannotShare);
    }
    let content = share_message(text, Share::Ask { to: to.clone() });
    seal_signed(
        rng,
        &report.readers(dir)?,
        member,
        &sign::thread_context(report_id),
        &content,
    )
}

/// The reporter refuses: an ordinary answer (§9.4) that says so. Nothing else changes.
pub fn seal_share_refusal<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    keys: &ReporterKeys,
    text: &str,
    to: &ShareTo,
) -> Result<B64, ClientError> {
    let content = share_message(text, Share::Refuse { to: to.clone() });
    seal_reporter_content(rng, dir, report, report_id, keys, &content)
}

/// What the reporter sends to grant a request (`POST /thread/share`). No `Debug`.
pub struct Grant {
    /// The report, signed again with the role among its roles, sealed to the new readers.
    pub envelope: B64,
    /// Every message that verified, its signed body sealed again to the new readers.
    pub messages: Vec<ResealedMessage>,
    /// The reporter's answer that grants it, sealed to the new readers.
    pub answer: B64,
}

/// Steps 2 and 3: the reporter grants the request to involve `to`. The thread must be the
/// reporter's own (the report opens with the code's key and is signed by the code's signing
/// key); a message that does not open or verify is left out, as is every attachment (its
/// signed message vouches for the ciphertext, which cannot change).
#[allow(clippy::too_many_arguments)]
pub fn grant_share<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    keys: &ReporterKeys,
    report_id: &str,
    report: &B64,
    messages: &[ThreadMessage],
    text: &str,
    to: &ShareTo,
) -> Result<Grant, ClientError> {
    use loket_crypto::sign::Signer as _;
    let opened = open_report(&keys.identity, report).ok_or(ClientError::CannotShare)?;
    let own = opened.reporter_signing_key == keys.signing.verifying_key()
        && opened.reporter_key.0 == keys.identity.recipient().0;
    if !own || !may_share(dir, &opened, to) {
        return Err(ClientError::CannotShare);
    }
    let mut widened = opened.clone();
    match to {
        ShareTo::Role(role) => widened.roles.push(role.clone()),
        ShareTo::Member(member) => widened.members.push(member.clone()),
    }
    let recipients = widened.readers(dir)?;
    let content = Content::Report {
        v: CONTENT_VERSION,
        roles: widened.roles.clone(),
        reporter_key: B64(widened.reporter_key.0.to_vec()),
        reporter_signing_key: B64(widened.reporter_signing_key.to_vec()),
        text: widened.text.clone(),
        intake: widened.intake.clone(),
        excluded: widened.excluded.clone(),
        members: widened.members.clone(),
    };
    let envelope = seal_signed(
        rng,
        &recipients,
        &keys.signing,
        sign::REPORT_CONTEXT,
        &content,
    )?;
    let mut resealed = Vec::with_capacity(messages.len());
    for m in messages {
        let Some((signed, _)) = open_signed_message(
            &keys.identity,
            dir,
            &opened,
            report_id,
            &m.author,
            &m.envelope,
        ) else {
            continue;
        };
        let envelope = loket_crypto::seal(rng, &recipients, &signed)
            .map(B64)
            .map_err(|_| ClientError::Seal)?;
        resealed.push(ResealedMessage { id: m.id, envelope });
    }
    let answer = share_message(text, Share::Grant { to: to.clone() });
    let answer = seal_reporter_content(rng, dir, &widened, report_id, keys, &answer)?;
    Ok(Grant {
        envelope,
        messages: resealed,
        answer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::world;
    use crate::{open_thread, seal_report, seal_reporter_message, seal_team_message};
    use loket_wire::api::Author;

    fn ombuds() -> ShareTo {
        ShareTo::Role("ombudsperson".into())
    }

    fn message(id: i64, author: Author, envelope: B64) -> ThreadMessage {
        ThreadMessage {
            id,
            author,
            created: 0,
            envelope,
        }
    }

    /// A grant: the other role's member reads the report and every message, each still
    /// verified as its author's; a refusal changes nothing; a request for a role that already
    /// reads the report, or an unknown one, is refused by the client.
    #[test]
    fn a_granted_share_lets_the_new_role_read_everything_a_refusal_nothing() {
        let mut w = world();
        let ccp = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &ccp, &w.reporter, "what happened").unwrap();
        let opened = open_report(&w.reporter.identity, &report).unwrap();
        let first =
            seal_reporter_message(&mut w.rng, &w.dir, &opened, "r1", &w.reporter, "more").unwrap();
        let reply =
            seal_team_message(&mut w.rng, &w.dir, &opened, "r1", &w.member, "thank you").unwrap();
        let ask = seal_share_request(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.member,
            "May the ombudsperson read along?",
            &ombuds(),
        )
        .unwrap();
        for to in [
            ShareTo::Role("ccp".into()),
            ShareTo::Role("nobody".into()),
            ShareTo::Member("m1".into()),
            ShareTo::Member("nobody".into()),
        ] {
            assert_eq!(
                seal_share_request(&mut w.rng, &w.dir, &opened, "r1", &w.member, "", &to)
                    .unwrap_err(),
                ClientError::CannotShare
            );
        }
        let m1 = Author::Member {
            member_id: "m1".into(),
        };
        let mut thread = vec![
            message(1, Author::Reporter, first),
            message(2, m1.clone(), reply),
            message(3, m1.clone(), ask),
        ];
        let seen = open_thread(&w.reporter.identity, &w.dir, "r1", &report, &thread).unwrap();
        assert_eq!(seen.open_share_requests(), vec![ombuds()]);
        // The other role reads nothing yet.
        assert!(open_report(w.other_role_member.identity(), &report).is_none());

        // A refusal closes the request and widens nothing.
        let no = seal_share_refusal(
            &mut w.rng,
            &w.dir,
            &opened,
            "r1",
            &w.reporter,
            "No",
            &ombuds(),
        )
        .unwrap();
        thread.push(message(4, Author::Reporter, no));
        let seen = open_thread(&w.reporter.identity, &w.dir, "r1", &report, &thread).unwrap();
        assert!(seen.open_share_requests().is_empty());
        assert_eq!(seen.messages[3].share, Some(Share::Refuse { to: ombuds() }));

        // A forged message (signed by somebody else) is not sealed again.
        let stranger = MemberSecretKey::generate(&mut w.rng);
        let forged =
            seal_team_message(&mut w.rng, &w.dir, &opened, "r1", &stranger, "forged").unwrap();
        thread.push(message(5, m1.clone(), forged));

        let grant = grant_share(
            &mut w.rng,
            &w.dir,
            &w.reporter,
            "r1",
            &report,
            &thread,
            "Yes",
            &ombuds(),
        )
        .unwrap();
        assert_eq!(
            grant.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        let mut widened: Vec<ThreadMessage> = grant
            .messages
            .iter()
            .zip(&thread)
            .map(|(r, m)| message(r.id, m.author.clone(), r.envelope.clone()))
            .collect();
        widened.push(message(6, Author::Reporter, grant.answer.clone()));
        for reader in [w.other_role_member.identity(), w.member.identity()] {
            let seen = open_thread(reader, &w.dir, "r1", &grant.envelope, &widened).unwrap();
            assert_eq!(seen.report.roles, vec!["ccp", "ombudsperson"]);
            assert_eq!(seen.report.text, "what happened");
            let texts: Vec<_> = seen
                .messages
                .iter()
                .map(|m| m.body.as_deref().map(String::as_str))
                .collect();
            assert_eq!(
                texts,
                vec![
                    Some("more"),
                    Some("thank you"),
                    Some("May the ombudsperson read along?"),
                    Some("No"),
                    Some("Yes")
                ]
            );
            assert!(seen.open_share_requests().is_empty());
        }
        // The reporter's own view still opens, and a second grant for the role is refused.
        let mine = open_thread(
            &w.reporter.identity,
            &w.dir,
            "r1",
            &grant.envelope,
            &widened,
        )
        .unwrap();
        assert_eq!(
            grant_share(
                &mut w.rng,
                &w.dir,
                &w.reporter,
                "r1",
                &grant.envelope,
                &widened,
                "again",
                &ombuds()
            )
            .err(),
            Some(ClientError::CannotShare)
        );
        assert_eq!(mine.messages.len(), 5);
    }

    /// Only a member may ask and only the reporter may answer: anything else is read without it.
    #[test]
    fn requests_count_only_from_members_and_answers_only_from_the_reporter() {
        let mut w = world();
        let ccp = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &ccp, &w.reporter, "text").unwrap();
        let opened = open_report(&w.reporter.identity, &report).unwrap();
        let by_reporter = share_message("ask", Share::Ask { to: ombuds() });
        let by_reporter =
            seal_reporter_content(&mut w.rng, &w.dir, &opened, "r1", &w.reporter, &by_reporter)
                .unwrap();
        let by_member = share_message("grant", Share::Grant { to: ombuds() });
        let by_member = seal_signed(
            &mut w.rng,
            &opened.readers(&w.dir).unwrap(),
            &w.member,
            &sign::thread_context("r1"),
            &by_member,
        )
        .unwrap();
        let thread = vec![
            message(1, Author::Reporter, by_reporter),
            message(
                2,
                Author::Member {
                    member_id: "m1".into(),
                },
                by_member,
            ),
        ];
        let seen = open_thread(&w.reporter.identity, &w.dir, "r1", &report, &thread).unwrap();
        assert!(seen.messages.iter().all(|m| m.share.is_none()));
        assert!(seen.messages.iter().all(|m| m.body.is_some()));
    }

    /// A grant to one member by name: she reads the report and is among its members; the
    /// roles stay as they were.
    #[test]
    fn a_member_named_in_a_grant_reads_the_report() {
        let mut w = world();
        let ccp = vec!["ccp".to_string()];
        let report = seal_report(&mut w.rng, &w.dir, &ccp, &w.reporter, "text").unwrap();
        let to = ShareTo::Member("m2".into());
        let grant =
            grant_share(&mut w.rng, &w.dir, &w.reporter, "r1", &report, &[], "", &to).unwrap();
        let seen = open_report(w.other_role_member.identity(), &grant.envelope).unwrap();
        assert_eq!(seen.roles, ["ccp"]);
        assert_eq!(seen.members, ["m2"]);
        assert!(!may_share(&w.dir, &seen, &to));
        let answer = message(1, Author::Reporter, grant.answer);
        let opened = open_thread(
            w.other_role_member.identity(),
            &w.dir,
            "r1",
            &grant.envelope,
            &[answer],
        )
        .unwrap();
        assert_eq!(opened.messages[0].share, Some(Share::Grant { to }));
    }
}
