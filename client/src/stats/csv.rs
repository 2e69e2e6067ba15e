//! The tables as CSV files (RFC 4180: comma-separated, quoted where needed, CRLF), with small
//! counts hidden (super::suppress): the files leave the member's machine.

use super::patterns::Grid;
use super::suppress::{hide_grid, hide_table, show};
use super::tables::{Row, Table};

/// A field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-` or
/// `@` is prefixed with `'` so that a spreadsheet does not read a unit's name as a formula.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn line(fields: &[String]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// The column headings of a table's file, in the reader's language.
pub struct Headings<'a> {
    pub row: &'a str,
    pub count: &'a str,
    pub percent: &'a str,
    pub total: &'a str,
}

/// One table: `key,<row>,<count>,<percent>` per row, then its total. A hidden count shows as
/// "< 5" and its percentage stays empty.
pub fn table(
    t: &Table,
    threshold: u32,
    label: impl Fn(&Row) -> String,
    h: &Headings<'_>,
) -> String {
    let counts: Vec<u32> = t.rows.iter().map(|(_, n)| *n).collect();
    let (hidden, total_hidden) = hide_table(&counts, t.base, threshold);
    let mut out = line(&["key".into(), h.row.into(), h.count.into(), h.percent.into()]);
    for ((row, n), hidden) in t.rows.iter().zip(hidden) {
        let percent = if hidden {
            String::new()
        } else {
            t.percent(*n).to_string()
        };
        out.push_str(&line(&[
            row.key(),
            label(row),
            show(*n, hidden, threshold),
            percent,
        ]));
    }
    let total_percent = if total_hidden { "" } else { "100" };
    out.push_str(&line(&[
        "total".into(),
        h.total.into(),
        show(t.base, total_hidden, threshold),
        total_percent.into(),
    ]));
    out
}

/// The pattern grid: a unit per row, a quarter per column, with the totals, small counts
/// hidden across rows and columns.
pub fn grid(g: &Grid, threshold: u32, unit_heading: &str, total: &str) -> String {
    let (cells, row_totals, col_totals, grand) = hide_grid(&g.counts, threshold);
    let mut head = vec![unit_heading.to_owned()];
    head.extend(g.quarters.iter().map(|(y, q)| format!("{y}-Q{q}")));
    head.push(total.to_owned());
    let mut out = line(&head);
    for (r, unit) in g.units.iter().enumerate() {
        let mut fields = vec![unit.clone()];
        let counts = g.counts.get(r).map(Vec::as_slice).unwrap_or_default();
        let flags = cells.get(r).map(Vec::as_slice).unwrap_or_default();
        fields.extend(
            counts
                .iter()
                .zip(flags)
                .map(|(n, h)| show(*n, *h, threshold)),
        );
        let sum = counts.iter().sum();
        fields.push(show(
            sum,
            row_totals.get(r).copied().unwrap_or(true),
            threshold,
        ));
        out.push_str(&line(&fields));
    }
    let mut fields = vec![total.to_owned()];
    let sums = g.column_totals();
    fields.extend(
        sums.iter()
            .zip(&col_totals)
            .map(|(n, h)| show(*n, *h, threshold)),
    );
    fields.push(show(sums.iter().sum(), grand, threshold));
    out.push_str(&line(&fields));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tables::TableId;
    use loket_wire::content::Stage;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Science"), "Science");
        assert_eq!(field("Law, Faculty of"), "\"Law, Faculty of\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
    }

    #[test]
    fn a_table_file_hides_small_counts_and_their_percentages() {
        let t = Table {
            id: TableId::Stage,
            base: 24,
            multi: false,
            rows: vec![
                (Row::Stage(Stage::Melding), 18),
                (Row::Stage(Stage::Informal), 4),
                (Row::Stage(Stage::Formal), 2),
            ],
        };
        let h = Headings {
            row: "Stage",
            count: "Count",
            percent: "%",
            total: "Total",
        };
        let csv = table(&t, 5, |r| r.key().to_uppercase(), &h);
        assert_eq!(
            csv,
            "key,Stage,Count,%\r\nmelding,MELDING,18,75\r\ninformal,INFORMAL,< 5,\r\n\
             formal,FORMAL,< 5,\r\ntotal,Total,24,100\r\n"
        );
    }
}
