//! Pattern signals across roles (issue 14): reports per unit per quarter, from the statistics
//! parts and the server's listing only, so that no member reads another role's case. A unit is
//! flagged in a quarter when its reports reached two or more roles (independent reports that
//! no single role sees together) or reached the team's threshold.

use std::collections::{BTreeMap, BTreeSet};

use super::Fact;
use super::tables::Period;
use super::year_month;

/// A calendar quarter: year and quarter (1–4).
pub type Quarter = (i64, u32);

/// The quarter of a Unix time.
pub fn quarter(unix: i64) -> Quarter {
    let (y, m) = year_month(unix);
    (y, m.div_ceil(3))
}

/// Reports per unit (rows) per quarter (columns) of a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub units: Vec<String>,
    pub quarters: Vec<Quarter>,
    pub counts: Vec<Vec<u32>>,
}

impl Grid {
    /// Each quarter's reports over every unit.
    pub fn column_totals(&self) -> Vec<u32> {
        (0..self.quarters.len())
            .map(|c| {
                self.counts
                    .iter()
                    .map(|row| row.get(c).copied().unwrap_or(0))
                    .sum()
            })
            .collect()
    }
}

/// A unit flagged in a quarter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    pub unit: String,
    pub quarter: Quarter,
    pub reports: u32,
    /// The roles its reports reached, in the directory's order.
    pub roles: Vec<String>,
}

/// The grid and the signals of `period`: `units` are the directory's (each gets its row),
/// `roles` its roles (for their order), `threshold` the number of reports in a quarter that
/// flags a unit whatever the roles.
pub fn patterns(
    facts: &[Fact],
    period: Period,
    units: &[String],
    roles: &[String],
    threshold: u32,
) -> (Grid, Vec<Signal>) {
    let mut quarters: Vec<Quarter> = Vec::new();
    let (mut q, end) = (quarter(period.from), quarter(period.to));
    while q <= end {
        quarters.push(q);
        q = if q.1 == 4 {
            (q.0 + 1, 1)
        } else {
            (q.0, q.1 + 1)
        };
    }
    let mut units: Vec<String> = units.to_vec();
    let mut cells: BTreeMap<(usize, Quarter), (u32, BTreeSet<String>)> = BTreeMap::new();
    for f in facts.iter().filter(|f| period.holds(f.day)) {
        let Some(unit) = &f.unit else { continue };
        let row = match units.iter().position(|u| u == unit) {
            Some(i) => i,
            None => {
                units.push(unit.clone());
                units.len() - 1
            }
        };
        let cell = cells.entry((row, quarter(f.day))).or_default();
        cell.0 += 1;
        cell.1.extend(f.roles.iter().cloned());
    }
    let counts = (0..units.len())
        .map(|r| {
            quarters
                .iter()
                .map(|q| cells.get(&(r, *q)).map_or(0, |c| c.0))
                .collect()
        })
        .collect();
    let rank = |r: &String| roles.iter().position(|x| x == r).unwrap_or(usize::MAX);
    let signals = cells
        .iter()
        .filter(|(_, (n, reached))| reached.len() >= 2 || *n >= threshold)
        .map(|((row, q), (n, reached))| {
            let mut reached: Vec<String> = reached.iter().cloned().collect();
            reached.sort_by_key(|r| (rank(r), r.clone()));
            Signal {
                unit: units.get(*row).cloned().unwrap_or_default(),
                quarter: *q,
                reports: *n,
                roles: reached,
            }
        })
        .collect();
    (
        Grid {
            units,
            quarters,
            counts,
        },
        signals,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_wire::content::day_unix;

    fn fact(date: &str, unit: Option<&str>, roles: &[&str]) -> Fact {
        Fact {
            report_id: String::new(),
            day: day_unix(date).unwrap_or_default(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            registered: false,
            answered: unit.is_some(),
            staff: None,
            age: None,
            unit: unit.map(str::to_owned),
            case: None,
        }
    }

    #[test]
    fn a_unit_whose_reports_reach_two_roles_is_flagged() {
        let facts = [
            fact("2026-01-10", Some("Law"), &["ccp"]),
            fact("2026-02-10", Some("Law"), &["vp"]),
            fact("2026-04-10", Some("Law"), &["vp"]),
            fact("2026-01-11", Some("Science"), &["ccp"]),
            fact("2026-01-12", Some("Science"), &["ccp"]),
            fact("2026-01-13", Some("Science"), &["ccp"]),
            fact("2026-01-14", None, &["ombuds"]),
        ];
        let period = Period {
            from: day_unix("2026-01-01").unwrap_or_default(),
            to: day_unix("2026-06-30").unwrap_or_default(),
        };
        let units = ["Science".to_string(), "Law".to_string()];
        let roles = ["ccp".to_string(), "vp".to_string()];
        let (grid, signals) = patterns(&facts, period, &units, &roles, 3);
        assert_eq!(grid.quarters, [(2026, 1), (2026, 2)]);
        assert_eq!(grid.counts, [vec![3, 0], vec![2, 1]]);
        assert_eq!(
            signals,
            [
                Signal {
                    unit: "Science".into(),
                    quarter: (2026, 1),
                    reports: 3,
                    roles: vec!["ccp".into()],
                },
                Signal {
                    unit: "Law".into(),
                    quarter: (2026, 1),
                    reports: 2,
                    roles: vec!["ccp".into(), "vp".into()],
                },
            ]
        );
        assert_eq!(
            quarter(day_unix("2026-12-31").unwrap_or_default()),
            (2026, 4)
        );
    }
}
