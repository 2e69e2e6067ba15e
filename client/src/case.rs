//! The team's case records and the contacts members register from other channels
//! (crypto/SPEC.md §9.10). A case record is sealed to the case's team readers only: the
//! reporter never reads the internal notes, and the server never reads anything of it. Each
//! version is signed by the member who saved it in context `case/` ‖ report id; the highest
//! version that opens and verifies is the record.

use loket_crypto::Identity;
use loket_crypto::sign::{self, Signer};
use loket_wire::B64;
use loket_wire::api::{CaseVersion, Directory, Keep};
use loket_wire::content::{CONTENT_VERSION, CaseRecord, Channel, Content, Intake, Stage};

use crate::{ClientError, member_readers, seal_signed};

/// Who reads a case: the roles (and the members kept out) inside the report or the
/// registered contact, never the server's routing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CaseReaders {
    pub roles: Vec<String>,
    /// Members who read the case by name, besides the roles' members (SPEC §9.8).
    pub members: Vec<String>,
    pub excluded: Vec<String>,
}

/// SPEC §9.10: a version of the case record of `report_id`, signed by `member` and sealed to
/// the members of the case's roles except the excluded ones (not to the reporter).
pub fn seal_case_record<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    readers: &CaseReaders,
    report_id: &str,
    member: &impl Signer,
    record: &CaseRecord,
) -> Result<B64, ClientError> {
    let recipients = member_readers(dir, &readers.roles, &readers.members, &readers.excluded)?;
    let content = Content::Case {
        v: CONTENT_VERSION,
        record: record.clone(),
    };
    seal_signed(
        rng,
        &recipients,
        member,
        &sign::case_context(report_id),
        &content,
    )
}

/// What the server learns of a record: how long to keep the case. A formal complaint is kept
/// five years after its decision day, and held while it awaits one; everything else follows
/// the rule of last activity (docs/api.md "Retention").
pub fn keep(record: &CaseRecord) -> Keep {
    match (record.stage, &record.decision) {
        (Stage::Formal, Some(decision)) => match decision.unix() {
            Some(decided) => Keep::Decided { decided },
            None => Keep::Hold,
        },
        (Stage::Formal, None) => Keep::Hold,
        _ => Keep::Activity,
    }
}

/// Opens one version of a case record: `None` unless it decrypts, is signed in this case's
/// context by the directory member the server names as its author, and parses.
pub fn open_case_record(
    identity: &Identity,
    dir: &Directory,
    report_id: &str,
    version: &CaseVersion,
) -> Option<CaseRecord> {
    let plain = zeroize::Zeroizing::new(loket_crypto::open(identity, &version.envelope.0).ok()?);
    let verified = sign::verify_body(&plain, &sign::case_context(report_id)).ok()?;
    if verified.signer != member_signing_key(dir, &version.author, Some(version.created))? {
        return None;
    }
    match serde_json::from_slice(verified.body).ok()? {
        Content::Case { record, .. } => Some(record),
        _ => None,
    }
}

/// The record of a case: of the versions that open and verify, the one with the highest
/// `version` (the later stored one on a tie), with its index in `versions`.
pub fn latest_case_record(
    identity: &Identity,
    dir: &Directory,
    report_id: &str,
    versions: &[CaseVersion],
) -> Option<(usize, CaseRecord)> {
    versions
        .iter()
        .enumerate()
        .filter_map(|(i, v)| open_case_record(identity, dir, report_id, v).map(|r| (i, r)))
        .max_by_key(|(i, r)| (r.version, *i))
}

/// The signing key of `member_id`: a member of `dir`, or a former member of its verified chain
/// (SPEC §12.6) — listed at `hour` if one is given.
fn member_signing_key(dir: &Directory, member_id: &str, hour: Option<i64>) -> Option<[u8; 32]> {
    let listed = dir.members.iter().find(|m| m.id == member_id);
    let former = || match hour {
        Some(hour) => crate::history::former_member(dir, member_id, hour).map(|f| &f.member),
        None => dir
            .former
            .iter()
            .find(|f| f.member.id == member_id)
            .map(|f| &f.member),
    };
    listed.or_else(former).and_then(|m| m.ed25519.array())
}

/// A first contact through another channel, or a signal, as a member registers it. No
/// `Debug`: it holds plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct ContactCase {
    pub roles: Vec<String>,
    pub channel: Channel,
    pub signal: bool,
    /// The day of the contact (`YYYY-MM-DD`), if given.
    pub on: Option<String>,
    pub text: String,
    pub intake: Option<Intake>,
}

impl ContactCase {
    /// Who reads the case: the members of its roles.
    pub fn readers(&self) -> CaseReaders {
        CaseReaders {
            roles: self.roles.clone(),
            excluded: Vec::new(),
            ..CaseReaders::default()
        }
    }
}

/// SPEC §9.10: a registered contact, signed by `member` in context `report` and sealed to the
/// members of its roles.
pub fn seal_contact<R: rand_core::CryptoRng + ?Sized>(
    rng: &mut R,
    dir: &Directory,
    member: &impl Signer,
    contact: &ContactCase,
) -> Result<B64, ClientError> {
    let recipients = member_readers(dir, &contact.roles, &[], &[])?;
    let content = Content::Contact {
        v: CONTENT_VERSION,
        roles: contact.roles.clone(),
        channel: contact.channel,
        signal: contact.signal,
        on: contact.on.clone(),
        text: contact.text.clone(),
        intake: contact.intake.clone(),
    };
    seal_signed(rng, &recipients, member, sign::REPORT_CONTEXT, &content)
}

/// Opens a registered contact: `None` unless it decrypts, parses and is signed by the member
/// the server names as having registered it.
pub fn open_contact(
    identity: &Identity,
    dir: &Directory,
    registered_by: &str,
    envelope: &B64,
) -> Option<ContactCase> {
    let plain = zeroize::Zeroizing::new(loket_crypto::open(identity, &envelope.0).ok()?);
    let verified = sign::verify_body(&plain, sign::REPORT_CONTEXT).ok()?;
    if verified.signer != member_signing_key(dir, registered_by, None)? {
        return None;
    }
    match serde_json::from_slice(verified.body).ok()? {
        Content::Contact {
            roles,
            channel,
            signal,
            on,
            text,
            intake,
            ..
        } => Some(ContactCase {
            roles,
            channel,
            signal,
            on,
            text,
            intake,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::tests::world;
    use loket_wire::content::{CaseStatus, Decision, DecisionOutcome, Nature};

    fn readers() -> CaseReaders {
        CaseReaders {
            roles: vec!["ccp".into()],
            excluded: Vec::new(),
            ..CaseReaders::default()
        }
    }

    #[test]
    fn the_highest_verified_version_is_the_record() {
        let mut w = world();
        let mut first = CaseRecord::first(vec![Nature::Bullying], 3600);
        let v1 = seal_case_record(&mut w.rng, &w.dir, &readers(), "r1", &w.member, &first).unwrap();
        first.version = 2;
        first.status = CaseStatus::InProgress;
        first.notes = "spoke on the phone".into();
        let v2 = seal_case_record(&mut w.rng, &w.dir, &readers(), "r1", &w.member, &first).unwrap();
        let version = |id: &str, author: &str, envelope: &B64| CaseVersion {
            id: id.into(),
            author: author.into(),
            created: 0,
            envelope: envelope.clone(),
        };
        let me = w.member.identity();
        // Stored in any order: version 2 wins, version 1 stays readable.
        let versions = [version("b", "m1", &v2), version("a", "m1", &v1)];
        let (i, latest) = latest_case_record(me, &w.dir, "r1", &versions).unwrap();
        assert_eq!(i, 0);
        assert_eq!(latest.status, CaseStatus::InProgress);
        assert_eq!(latest.notes, "spoke on the phone");
        assert_eq!(
            open_case_record(me, &w.dir, "r1", &versions[1])
                .unwrap()
                .version,
            1
        );
        // Moved to another case, or named as another member's: it does not open.
        assert!(open_case_record(me, &w.dir, "r2", &versions[0]).is_none());
        assert!(open_case_record(me, &w.dir, "r1", &version("c", "m2", &v2)).is_none());
        // Sealed to the case's role only: a member of another role cannot read it.
        assert!(
            open_case_record(w.other_role_member.identity(), &w.dir, "r1", &versions[0]).is_none()
        );
        // A thread message is not a case record.
        assert!(
            open_case_record(me, &w.dir, "r1", &version("d", "m1", &B64(vec![0; 10]))).is_none()
        );
    }

    #[test]
    fn the_server_learns_only_how_long_to_keep() {
        let mut record = CaseRecord::first(Vec::new(), 0);
        assert_eq!(keep(&record), Keep::Activity);
        record.stage = Stage::Formal;
        assert_eq!(keep(&record), Keep::Hold);
        record.decision = Some(Decision {
            date: "2026-11-30".into(),
            outcome: DecisionOutcome::Founded,
        });
        assert_eq!(
            keep(&record),
            Keep::Decided {
                decided: 1_795_996_800
            }
        );
    }

    #[test]
    fn a_registered_contact_opens_only_as_its_members() {
        let mut w = world();
        let contact = ContactCase {
            roles: vec!["ccp".into()],
            channel: Channel::Phone,
            signal: false,
            on: Some("2026-11-02".into()),
            text: "called about a manager".into(),
            intake: None,
        };
        let sealed = seal_contact(&mut w.rng, &w.dir, &w.member, &contact).unwrap();
        let opened = open_contact(w.member.identity(), &w.dir, "m1", &sealed).unwrap();
        assert!(opened == contact);
        // Named as registered by someone else, or opened by another role: nothing.
        assert!(open_contact(w.member.identity(), &w.dir, "m2", &sealed).is_none());
        assert!(open_contact(w.other_role_member.identity(), &w.dir, "m1", &sealed).is_none());
    }
}
