//! The annual report, counted on a team member's own machine (issue 14, docs/statistics.md).
//!
//! Two sources, both decrypted here and nowhere else:
//! - every report's statistics part (staff category, age band, unit), opened with the team's
//!   statistics key, with the day and roles the server lists for it (`GET /team/statistics`);
//! - the case records the member reads: what happened, handling, stage, outcome,
//!   conversations, the people of a joint report, and the regulation's deadlines.
//!
//! [`fact`] turns one report into a [`Fact`]; [`tables::Report::count`] counts a period's facts
//! into tables; [`suppress`] hides small counts for what leaves the machine (CSV, the printable
//! page); [`patterns`] compares units across roles per quarter, from the statistics parts only.

pub mod csv;
pub mod patterns;
pub mod suppress;
pub mod tables;

use loket_crypto::Identity;
use loket_wire::api::{Directory, InboxItem, StatisticsItem};
use loket_wire::content::{
    AgeBand, CaseRecord, CaseStatus, Channel, DecisionOutcome, Handling, Nature, ReferralTarget,
    StaffCategory, Stage,
};
use serde::{Deserialize, Serialize};

use crate::case::{ContactCase, latest_case_record, open_contact};

/// What the statistics count of one report. No `Debug`: it holds decrypted answers.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct Fact {
    pub report_id: String,
    /// The day it arrived (Unix seconds of its midnight, UTC).
    pub day: i64,
    pub roles: Vec<String>,
    /// Registered by a member from another channel.
    pub registered: bool,
    /// Whether its statistics part opened (a registered contact has none).
    pub answered: bool,
    pub staff: Option<StaffCategory>,
    pub age: Option<AgeBand>,
    pub unit: Option<String>,
    /// Present when the member reads the case.
    pub case: Option<CaseFact>,
}

/// What the statistics count of a case the member reads.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct CaseFact {
    pub channel: Channel,
    pub signal: bool,
    /// The latest case record that verifies, if a member wrote one.
    pub record: Option<RecordFact>,
    /// The 24-hour first response and the 7-day acknowledgement: `None` for a registered
    /// contact, where they do not apply.
    pub first_response: Option<Due>,
    pub acknowledgement: Option<Due>,
    /// The three months' feedback: met when the case was closed in time.
    pub feedback: Due,
}

/// The counted part of a case record.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct RecordFact {
    pub status: CaseStatus,
    pub stage: Stage,
    pub what: Vec<Nature>,
    pub handling: Vec<Handling>,
    pub referred_to: Vec<ReferralTarget>,
    pub conversations: u32,
    pub reporters: u32,
    pub outcome: Option<DecisionOutcome>,
}

impl RecordFact {
    pub fn of(r: &CaseRecord) -> Self {
        Self {
            status: r.status,
            stage: r.stage,
            what: r.what.clone(),
            handling: r.handling.clone(),
            referred_to: r.referred_to.clone(),
            conversations: r.conversations,
            reporters: r.reporters.max(1),
            outcome: r.decision.as_ref().map(|d| d.outcome),
        }
    }
}

/// A deadline of the regulation, as it stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    Met,
    Missed,
    Open,
}

impl Due {
    pub const ALL: [Self; 3] = [Self::Met, Self::Missed, Self::Open];

    pub const fn key(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "missed",
            Self::Open => "open",
        }
    }

    /// Done at `done` (if it was) against `due`, judged `now`.
    pub fn judge(done: Option<i64>, due: i64, now: i64) -> Self {
        match done {
            Some(at) if at <= due => Self::Met,
            Some(_) => Self::Missed,
            None if now > due => Self::Missed,
            None => Self::Open,
        }
    }
}

/// What the member's keys open of the reports they read, by report id.
pub struct Readable<'a> {
    pub identity: &'a Identity,
    pub dir: &'a Directory,
    /// The member's inbox: every case they read (a registered contact's with its envelope,
    /// where its channel is).
    pub inbox: &'a [InboxItem],
    pub now: i64,
}

/// One report as the statistics count it: its statistics part opened with `stats` (when the
/// member holds the statistics key), and its case when the member reads it.
pub fn fact(item: &StatisticsItem, stats: Option<&Identity>, case: Option<CaseFact>) -> Fact {
    let part = stats
        .zip(item.statistics.as_ref())
        .and_then(|(key, envelope)| crate::open_statistics(key, envelope));
    Fact {
        report_id: item.report_id.clone(),
        day: item.day,
        roles: item.roles.clone(),
        registered: item.registered,
        answered: part.is_some(),
        staff: part.as_ref().and_then(|p| p.staff),
        age: part.as_ref().and_then(|p| p.age),
        unit: part.and_then(|p| p.unit),
        case,
    }
}

impl Readable<'_> {
    /// The case facts of `item`, a case of the member's inbox.
    pub fn case(&self, item: &InboxItem) -> CaseFact {
        let record = latest_case_record(
            self.identity,
            self.dir,
            &item.report_id,
            item.case.as_slice(),
        );
        let contact = item
            .registered_by
            .as_deref()
            .zip(item.contact.as_ref())
            .and_then(|(by, envelope)| open_contact(self.identity, self.dir, by, envelope));
        case_fact(
            item,
            record.map(|(_, r)| r).as_ref(),
            contact.as_ref(),
            self.now,
        )
    }

    /// Every report of `items` as the statistics count it.
    pub fn facts(&self, items: &[StatisticsItem], stats: Option<&Identity>) -> Vec<Fact> {
        let mine: std::collections::HashMap<&str, &InboxItem> = self
            .inbox
            .iter()
            .map(|i| (i.report_id.as_str(), i))
            .collect();
        items
            .iter()
            .map(|item| {
                let case = mine.get(item.report_id.as_str()).map(|i| self.case(i));
                fact(item, stats, case)
            })
            .collect()
    }
}

/// The case facts of an inbox item with its opened record and, for a registered contact, its
/// opened contact.
pub fn case_fact(
    item: &InboxItem,
    record: Option<&CaseRecord>,
    contact: Option<&ContactCase>,
    now: i64,
) -> CaseFact {
    let registered = item.registered_by.is_some();
    let d = &item.deadlines;
    let closed_at = record
        .filter(|r| r.status == CaseStatus::Closed)
        .and(item.case.as_ref())
        .map(|v| v.created);
    CaseFact {
        channel: match (registered, contact) {
            (false, _) => Channel::Portal,
            (true, Some(c)) => c.channel,
            (true, None) => Channel::Other,
        },
        signal: contact.is_some_and(|c| c.signal),
        record: record.map(RecordFact::of),
        first_response: (!registered)
            .then(|| Due::judge(item.first_response, d.first_response_due, now)),
        acknowledgement: (!registered)
            .then(|| Due::judge(item.first_response, d.acknowledgement_due, now)),
        feedback: Due::judge(closed_at, d.feedback_due, now),
    }
}

/// The civil year and month (1–12) of a Unix time, UTC.
pub fn year_month(unix: i64) -> (i64, u32) {
    // Days since 1970-01-01 to a proleptic Gregorian date (the civil-from-days algorithm).
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, u32::try_from(month).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_wire::content::day_unix;

    #[test]
    fn year_month_inverts_days() {
        for (date, y, m) in [
            ("1970-01-01", 1970, 1),
            ("2024-02-29", 2024, 2),
            ("2024-03-01", 2024, 3),
            ("2026-12-31", 2026, 12),
            ("2000-01-01", 2000, 1),
        ] {
            let unix = day_unix(date).unwrap_or_default();
            assert_eq!(year_month(unix), (y, m), "{date}");
            assert_eq!(year_month(unix + 86_399), (y, m), "{date} late");
        }
    }

    #[test]
    fn deadlines_are_judged_by_when_they_were_done() {
        assert_eq!(Due::judge(Some(10), 10, 100), Due::Met);
        assert_eq!(Due::judge(Some(11), 10, 100), Due::Missed);
        assert_eq!(Due::judge(None, 10, 11), Due::Missed);
        assert_eq!(Due::judge(None, 10, 10), Due::Open);
    }
}
