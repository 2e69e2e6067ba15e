//! A period's facts counted into the annual report's tables: every answer has its row, even at
//! zero, so that a table has the same shape every year.

use loket_wire::content::{
    AgeBand, CaseStatus, Channel, DecisionOutcome, Handling, Nature, ReferralTarget, StaffCategory,
    Stage,
};

use super::{CaseFact, Due, Fact, RecordFact, year_month};

/// A row of a table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Row {
    Role(String),
    Staff(StaffCategory),
    Age(AgeBand),
    Unit(String),
    /// No answer: left empty, or no statistics part at all.
    Unanswered,
    /// A calendar month: year and month (1–12).
    Month(i64, u32),
    Channel(Channel),
    Nature(Nature),
    Handling(Handling),
    Referral(ReferralTarget),
    Stage(Stage),
    Status(CaseStatus),
    Outcome(DecisionOutcome),
    Due(Due),
}

impl Row {
    /// The row's key in the CSV files: the answer's own key, a role's or unit's name as the
    /// directory writes it, `YYYY-MM` for a month.
    pub fn key(&self) -> String {
        match self {
            Self::Role(s) | Self::Unit(s) => s.clone(),
            Self::Staff(x) => x.key().into(),
            Self::Age(x) => x.key().into(),
            Self::Unanswered => "unanswered".into(),
            Self::Month(y, m) => format!("{y:04}-{m:02}"),
            Self::Channel(x) => x.key().into(),
            Self::Nature(x) => x.key().into(),
            Self::Handling(x) => x.key().into(),
            Self::Referral(x) => x.key().into(),
            Self::Stage(x) => x.key().into(),
            Self::Status(x) => x.key().into(),
            Self::Outcome(x) => x.key().into(),
            Self::Due(x) => x.key().into(),
        }
    }
}

/// The tables, in the order the page and the printable report show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableId {
    /// Reports by the role they were sent to (the annual report's channels).
    Role,
    Timeline,
    Staff,
    Age,
    Unit,
    /// How the first contact reached the team (the cases the member reads).
    Contact,
    Nature,
    Handling,
    Referral,
    Stage,
    Status,
    Outcome,
    FirstResponse,
    Acknowledgement,
    Feedback,
}

impl TableId {
    pub const ALL: [Self; 15] = [
        Self::Role,
        Self::Timeline,
        Self::Staff,
        Self::Age,
        Self::Unit,
        Self::Contact,
        Self::Nature,
        Self::Handling,
        Self::Referral,
        Self::Stage,
        Self::Status,
        Self::Outcome,
        Self::FirstResponse,
        Self::Acknowledgement,
        Self::Feedback,
    ];

    /// Its key in element ids and CSV file names.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::Timeline => "timeline",
            Self::Staff => "staff",
            Self::Age => "age",
            Self::Unit => "unit",
            Self::Contact => "contact",
            Self::Nature => "nature",
            Self::Handling => "handling",
            Self::Referral => "referral",
            Self::Stage => "stage",
            Self::Status => "status",
            Self::Outcome => "outcome",
            Self::FirstResponse => "first_response",
            Self::Acknowledgement => "acknowledgement",
            Self::Feedback => "feedback",
        }
    }

    /// Counted over every report (statistics parts and the server's listing), rather than
    /// over the cases the member reads.
    pub const fn every_report(self) -> bool {
        matches!(
            self,
            Self::Role | Self::Timeline | Self::Staff | Self::Age | Self::Unit
        )
    }
}

/// One table: its rows with their counts, and the number its percentages are of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub id: TableId,
    /// What the percentages are of: the reports or cases the table counts.
    pub base: u32,
    /// Several rows may count one report (what happened, handling), so the rows may add up
    /// to more than `base`.
    pub multi: bool,
    pub rows: Vec<(Row, u32)>,
}

impl Table {
    /// The share of `count` in `base`, in whole percent, rounded half up; 0 of nothing.
    pub fn percent(&self, count: u32) -> u32 {
        if self.base == 0 {
            0
        } else {
            (count * 200 + self.base) / (self.base * 2)
        }
    }
}

/// The days a report counts in, both included (Unix seconds of their midnights, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    pub fn holds(&self, day: i64) -> bool {
        (self.from..=self.to).contains(&day)
    }
}

/// The figures besides the tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Every report of the period: made in the portal or registered.
    pub reports: u32,
    /// Of which registered from another channel.
    pub registered: u32,
    /// Cases of the period the member reads.
    pub read: u32,
    /// Of those, with a case record.
    pub recorded: u32,
    /// Signals (not reports) among the cases read.
    pub signals: u32,
    /// The people who reported the recorded cases (a joint report counts each).
    pub reporters: u32,
    /// Conversations held in the recorded cases.
    pub conversations: u32,
}

impl Figures {
    /// Conversations per reporter, in hundredths (the annual report's 2.5 is 250).
    pub fn conversations_per_reporter(&self) -> u32 {
        (self.conversations * 100)
            .checked_div(self.reporters)
            .unwrap_or(0)
    }
}

/// A period's figures and tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    pub figures: Figures,
    pub tables: Vec<Table>,
}

/// A table's rows at zero, then counted.
struct Counter {
    rows: Vec<(Row, u32)>,
    base: u32,
}

impl Counter {
    fn new(rows: impl IntoIterator<Item = Row>) -> Self {
        Self {
            rows: rows.into_iter().map(|r| (r, 0)).collect(),
            base: 0,
        }
    }

    /// Counts one report or case in each of `rows` (appended when not listed yet).
    fn add(&mut self, rows: impl IntoIterator<Item = Row>) {
        self.base += 1;
        for row in rows {
            match self.rows.iter_mut().find(|(r, _)| *r == row) {
                Some((_, n)) => *n += 1,
                None => self.rows.push((row, 1)),
            }
        }
    }

    fn table(self, id: TableId, multi: bool) -> Table {
        Table {
            id,
            base: self.base,
            multi,
            rows: self.rows,
        }
    }
}

/// The months of a period, in order.
fn months(period: Period) -> Vec<Row> {
    let (mut y, mut m) = year_month(period.from);
    let end = year_month(period.to);
    let mut out = Vec::new();
    while (y, m) <= end {
        out.push(Row::Month(y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn one_of<T>(x: Option<T>, row: impl Fn(T) -> Row) -> Vec<Row> {
    vec![x.map_or(Row::Unanswered, row)]
}

impl Report {
    /// Counts the facts of `period`; `roles` and `units` are the directory's, so that each has
    /// its row at zero (any other a report names is appended).
    pub fn count(facts: &[Fact], roles: &[String], units: &[String], period: Period) -> Self {
        let facts: Vec<&Fact> = facts.iter().filter(|f| period.holds(f.day)).collect();
        let mut tables = every_report_tables(&facts, roles, units, period);
        let cases: Vec<&CaseFact> = facts.iter().filter_map(|f| f.case.as_ref()).collect();
        tables.extend(case_tables(&cases));
        let recorded: Vec<&RecordFact> = cases.iter().filter_map(|c| c.record.as_ref()).collect();
        let figures = Figures {
            reports: count(facts.iter().copied(), |_| true),
            registered: count(facts.iter().copied(), |f| f.registered),
            read: count(cases.iter().copied(), |_| true),
            recorded: count(recorded.iter().copied(), |_| true),
            signals: count(cases.iter().copied(), |c| c.signal),
            reporters: recorded.iter().map(|r| r.reporters).sum(),
            conversations: recorded.iter().map(|r| r.conversations).sum(),
        };
        Self {
            period,
            figures,
            tables,
        }
    }

    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

fn count<T>(items: impl Iterator<Item = T>, pass: impl Fn(&T) -> bool) -> u32 {
    u32::try_from(items.filter(|x| pass(x)).count()).unwrap_or(u32::MAX)
}

/// The tables of every report: role, month, staff category, age band, unit.
fn every_report_tables(
    facts: &[&Fact],
    roles: &[String],
    units: &[String],
    period: Period,
) -> Vec<Table> {
    let mut role = Counter::new(roles.iter().cloned().map(Row::Role));
    let mut month = Counter::new(months(period));
    let mut staff = Counter::new(StaffCategory::ALL.iter().copied().map(Row::Staff));
    let mut age = Counter::new(AgeBand::ALL.iter().copied().map(Row::Age));
    let mut unit = Counter::new(units.iter().cloned().map(Row::Unit));
    for rows in [&mut staff, &mut age, &mut unit] {
        rows.rows.push((Row::Unanswered, 0));
    }
    for f in facts {
        role.add(f.roles.iter().cloned().map(Row::Role));
        let (y, m) = year_month(f.day);
        month.add([Row::Month(y, m)]);
        staff.add(one_of(f.staff, Row::Staff));
        age.add(one_of(f.age, Row::Age));
        unit.add(one_of(f.unit.clone(), Row::Unit));
    }
    let multi_role = facts.iter().any(|f| f.roles.len() > 1);
    vec![
        role.table(TableId::Role, multi_role),
        month.table(TableId::Timeline, false),
        staff.table(TableId::Staff, false),
        age.table(TableId::Age, false),
        unit.table(TableId::Unit, false),
    ]
}

/// The tables of the cases the member reads.
fn case_tables(cases: &[&CaseFact]) -> Vec<Table> {
    let mut contact = Counter::new(Channel::ALL.iter().copied().map(Row::Channel));
    let mut nature = Counter::new(Nature::ALL.iter().copied().map(Row::Nature));
    let mut handling = Counter::new(Handling::ALL.iter().copied().map(Row::Handling));
    let mut referral = Counter::new(ReferralTarget::ALL.iter().copied().map(Row::Referral));
    let mut stage = Counter::new(Stage::ALL.iter().copied().map(Row::Stage));
    let mut status = Counter::new(CaseStatus::ALL.iter().copied().map(Row::Status));
    let mut outcome = Counter::new(DecisionOutcome::ALL.iter().copied().map(Row::Outcome));
    let dues = || Counter::new(Due::ALL.iter().copied().map(Row::Due));
    let (mut first, mut ack, mut feedback) = (dues(), dues(), dues());
    for c in cases {
        contact.add([Row::Channel(c.channel)]);
        if let Some(due) = c.first_response {
            first.add([Row::Due(due)]);
        }
        if let Some(due) = c.acknowledgement {
            ack.add([Row::Due(due)]);
        }
        feedback.add([Row::Due(c.feedback)]);
        let Some(r) = &c.record else { continue };
        nature.add(r.what.iter().copied().map(Row::Nature));
        handling.add(r.handling.iter().copied().map(Row::Handling));
        if r.handling.contains(&Handling::Referral) {
            referral.add(r.referred_to.iter().copied().map(Row::Referral));
        }
        stage.add([Row::Stage(r.stage)]);
        status.add([Row::Status(r.status)]);
        if let Some(o) = r.outcome {
            outcome.add([Row::Outcome(o)]);
        }
    }
    vec![
        contact.table(TableId::Contact, false),
        nature.table(TableId::Nature, true),
        handling.table(TableId::Handling, true),
        referral.table(TableId::Referral, true),
        stage.table(TableId::Stage, false),
        status.table(TableId::Status, false),
        outcome.table(TableId::Outcome, false),
        first.table(TableId::FirstResponse, false),
        ack.table(TableId::Acknowledgement, false),
        feedback.table(TableId::Feedback, false),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_wire::content::day_unix;

    fn day(date: &str) -> i64 {
        day_unix(date).unwrap_or_default()
    }

    fn report(day_: &str, roles: &[&str], staff: Option<StaffCategory>) -> Fact {
        Fact {
            report_id: format!("r{day_}{roles:?}"),
            day: day(day_),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            registered: false,
            answered: true,
            staff,
            age: None,
            unit: Some("Science".into()),
            case: None,
        }
    }

    fn record(what: &[Nature], conversations: u32, reporters: u32) -> CaseFact {
        CaseFact {
            channel: Channel::Portal,
            signal: false,
            record: Some(RecordFact {
                status: CaseStatus::Closed,
                stage: Stage::Informal,
                what: what.to_vec(),
                handling: vec![Handling::Advice],
                referred_to: vec![ReferralTarget::Hr],
                conversations,
                reporters,
                outcome: None,
            }),
            first_response: Some(Due::Met),
            acknowledgement: Some(Due::Met),
            feedback: Due::Open,
        }
    }

    fn rows(t: &Table) -> Vec<(String, u32)> {
        t.rows.iter().map(|(r, n)| (r.key(), *n)).collect()
    }

    #[test]
    fn a_period_counts_its_own_days_only() {
        let mut a = report("2026-01-31", &["ccp"], Some(StaffCategory::Phd));
        a.case = Some(record(&[Nature::Intimidation, Nature::Bullying], 3, 2));
        let b = report("2026-03-01", &["ccp", "vp"], None);
        let outside = report("2025-12-31", &["vp"], Some(StaffCategory::Phd));
        let period = Period {
            from: day("2026-01-01"),
            to: day("2026-03-31"),
        };
        let roles = ["ccp".to_string(), "vp".to_string(), "ombuds".to_string()];
        let r = Report::count(&[a, b, outside], &roles, &["Science".into()], period);
        assert_eq!(r.figures.reports, 2);
        assert_eq!(r.figures.read, 1);
        assert_eq!(r.figures.reporters, 2);
        assert_eq!(r.figures.conversations_per_reporter(), 150);
        let role = r.table(TableId::Role).map(rows).unwrap_or_default();
        assert_eq!(
            role,
            [("ccp".into(), 2), ("vp".into(), 1), ("ombuds".into(), 0)]
        );
        let months = r.table(TableId::Timeline).map(rows).unwrap_or_default();
        assert_eq!(
            months,
            [
                ("2026-01".into(), 1),
                ("2026-02".into(), 0),
                ("2026-03".into(), 1)
            ]
        );
        let staff = r.table(TableId::Staff).map(rows).unwrap_or_default();
        assert!(staff.contains(&("phd".into(), 1)) && staff.contains(&("unanswered".into(), 1)));
        let nature = r.table(TableId::Nature);
        assert_eq!(nature.map(|t| (t.base, t.multi)), Some((1, true)));
        assert_eq!(
            nature
                .map(rows)
                .unwrap_or_default()
                .iter()
                .filter(|(_, n)| *n == 1)
                .count(),
            2
        );
    }

    #[test]
    fn percentages_round_half_up() {
        let t = Table {
            id: TableId::Stage,
            base: 8,
            multi: false,
            rows: Vec::new(),
        };
        assert_eq!((t.percent(1), t.percent(3), t.percent(8)), (13, 38, 100));
    }
}
