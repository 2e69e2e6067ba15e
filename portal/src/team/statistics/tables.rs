//! The counted period on the page: the key figures, each table with its bars (SVG) and its CSV
//! file, the months as a timeline (SVG), and the pattern signals across roles. The page shows
//! the true counts, for the member who counted them; what leaves the machine hides small ones.

use leptos::prelude::*;
use loket_client::stats::csv::{self, Headings};
use loket_client::stats::patterns::{Grid, Quarter};
use loket_client::stats::tables::{Figures, Row, Table, TableId};
use loket_portal::browser::save_file;
use loket_portal::{Lang, use_ctx};
use loket_wire::api::Directory;

use super::print::PrintableReport;
use super::{Counted, Stats};

/// A row's label in `lang`.
pub fn label(lang: Lang, dir: &Directory, row: &Row) -> String {
    match row {
        Row::Role(id) => lang.role_name(dir, id),
        Row::Unit(name) => name.clone(),
        Row::Staff(x) => (lang.intake().staff)(*x).into(),
        Row::Age(x) => (lang.intake().age)(*x).into(),
        Row::Unanswered => lang.stats().unanswered.into(),
        Row::Month(y, m) => format!("{} {y}", (lang.stats().month)(*m)),
        Row::Channel(x) => (lang.case().channel)(*x).into(),
        Row::Nature(x) => (lang.intake().nature)(*x).into(),
        Row::Handling(x) => (lang.case().handling)(*x).into(),
        Row::Referral(x) => (lang.case().referral)(*x).into(),
        Row::Stage(x) => (lang.case().stage)(*x).into(),
        Row::Status(x) => (lang.case().status)(*x).into(),
        Row::Outcome(x) => (lang.case().decision_outcome)(*x).into(),
        Row::Due(x) => (lang.stats().due)(*x).into(),
    }
}

/// A quarter as the report writes it: `2026 Q1`.
pub fn quarter_name((y, q): Quarter) -> String {
    format!("{y} Q{q}")
}

/// Hundredths as a decimal number in `lang`: `2.50` or `2,50`.
pub fn decimal(lang: Lang, hundredths: u32) -> String {
    let sep = if lang == Lang::Nl { ',' } else { '.' };
    format!("{}{sep}{:02}", hundredths / 100, hundredths % 100)
}

/// The key figures, as (element id, label, value) in `lang`.
pub fn figures(lang: Lang, f: &Figures) -> Vec<(&'static str, &'static str, u32)> {
    let t = lang.stats();
    vec![
        ("fig-reports", t.fig_reports, f.reports),
        ("fig-registered", t.fig_registered, f.registered),
        ("fig-read", t.fig_read, f.read),
        ("fig-recorded", t.fig_recorded, f.recorded),
        ("fig-reporters", t.fig_reporters, f.reporters),
        ("fig-signals", t.fig_signals, f.signals),
    ]
}

/// Offers `text` as the CSV file `name`.
fn download(name: &str, text: &str) {
    if let Ok(url) = save_file(name, text.as_bytes()) {
        // The browser has the file once the click is handled.
        let _ = web_sys::Url::revoke_object_url(&url);
    }
}

fn headings(lang: Lang, id: TableId) -> Headings<'static> {
    let t = lang.stats();
    Headings {
        row: (t.table_title)(id),
        count: t.col_count,
        percent: t.col_percent,
        total: t.col_total,
    }
}

/// A bar of `share` percent, as SVG.
fn bar(share: u32) -> impl IntoView {
    view! {
        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect width=share.min(100).to_string() height="10"></rect>
        </svg>
    }
}

#[component]
fn TableView(table: Table, stats: Stats, dir: Directory) -> impl IntoView {
    let ctx = use_ctx();
    let id = table.id;
    let lang = ctx.lang.get_untracked();
    let t = lang.stats();
    let note = if id.every_report() {
        t.every_report_note
    } else {
        t.cases_note
    };
    let max = table.rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let rows = table
        .rows
        .iter()
        .map(|(row, n)| {
            view! {
                <tr data-row=row.key()>
                    <th scope="row">{label(lang, &dir, row)}</th>
                    <td class="chart">{bar(n * 100 / max)}</td>
                    <td class="count">{*n}</td>
                    <td class="percent">{table.percent(*n)}</td>
                </tr>
            }
        })
        .collect_view();
    let csv_name = format!(
        "loket-{}-{}-{}.csv",
        id.key(),
        stats.from.get_untracked(),
        stats.to.get_untracked()
    );
    let base = table.base;
    let multi = table.multi;
    let chart =
        (id == TableId::Timeline).then(|| timeline((t.table_title)(id), &rows_of(&table.rows)));
    let save = move |_| {
        let lang = ctx.lang.get_untracked();
        let text = csv::table(
            &table,
            stats.threshold(),
            |r| label(lang, &dir, r),
            &headings(lang, id),
        );
        download(&csv_name, &text);
    };
    view! {
        <section class="stats-table" data-table=id.key()>
            <h3>{(t.table_title)(id)}</h3>
            <p class="muted small">{note} {multi.then_some(" ")} {multi.then_some(t.multi_note)}</p>
            {chart}
            <table id=format!("stats-{}", id.key())>
                <thead>
                    <tr>
                        <th scope="col"></th>
                        <th scope="col"></th>
                        <th scope="col">{t.col_count}</th>
                        <th scope="col">{t.col_percent}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr data-row="total">
                        <th scope="row">{t.col_total}</th>
                        <td></td>
                        <td class="count">{base}</td>
                        <td class="percent">"100"</td>
                    </tr>
                </tfoot>
            </table>
            <button class="csv" data-csv=id.key() on:click=save>{t.csv}</button>
        </section>
    }
}

fn rows_of(rows: &[(Row, u32)]) -> Vec<(String, u32)> {
    rows.iter().map(|(r, n)| (r.key(), *n)).collect()
}

/// The months as columns of an SVG chart, named `name` (the table below gives its numbers).
fn timeline(name: &'static str, months: &[(String, u32)]) -> impl IntoView + use<> {
    let max = months.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let width = months.len().max(1) * 20;
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, (month, n))| {
            let h = n * 90 / max;
            view! {
                <rect x=(i * 20 + 3).to_string() y=(100 - h).to_string() width="14" height=h.to_string()>
                    <title>{format!("{month}: {n}")}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <svg
            class="timeline"
            id="stats-timeline-chart"
            viewBox=format!("0 0 {width} 100")
            role="img"
            aria-label=name
        >
            {bars}
        </svg>
    }
}

/// The pattern signals: the grid of units and quarters, and the flagged units.
#[component]
fn Patterns(
    grid: Grid,
    signals: Vec<loket_client::stats::patterns::Signal>,
    stats: Stats,
    dir: Directory,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.lang.get_untracked();
    let t = lang.stats();
    let head = grid
        .quarters
        .iter()
        .map(|q| view! { <th scope="col">{quarter_name(*q)}</th> })
        .collect_view();
    let body = grid
        .units
        .iter()
        .zip(&grid.counts)
        .map(|(unit, counts)| {
            let cells = counts
                .iter()
                .map(|n| view! { <td>{*n}</td> })
                .collect_view();
            view! {
                <tr data-unit=unit.clone()>
                    <th scope="row">{unit.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let flagged = signals
        .iter()
        .map(|s| {
            let roles: Vec<String> = s.roles.iter().map(|r| lang.role_name(&dir, r)).collect();
            let line = (t.signal_line)(&s.unit, &quarter_name(s.quarter), s.reports, &roles.join(", "));
            view! {
                <li data-unit=s.unit.clone() data-quarter=quarter_name(s.quarter) data-roles=s.roles.len()>
                    {line}
                </li>
            }
        })
        .collect_view();
    let none = signals
        .is_empty()
        .then(|| view! { <li class="muted">{t.no_signals}</li> });
    let name = format!(
        "loket-patterns-{}-{}.csv",
        stats.from.get_untracked(),
        stats.to.get_untracked()
    );
    let save = move |_| {
        let t = ctx.lang.get_untracked().stats();
        download(
            &name,
            &csv::grid(&grid, stats.threshold(), t.unit_heading, t.col_total),
        );
    };
    view! {
        <section class="stats-table" data-table="patterns">
            <h3>{t.patterns_title}</h3>
            <p class="muted small">{t.patterns_intro}</p>
            <ul id="stats-signals">{flagged} {none}</ul>
            <table id="stats-patterns">
                <thead>
                    <tr>
                        <th scope="col">{t.unit_heading}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <button class="csv" data-csv="patterns" on:click=save>{t.csv}</button>
        </section>
    }
}

#[component]
pub fn Results(counted: Counted, stats: Stats) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.lang.get();
    let dir = counted.dir.clone();
    let t = lang.stats();
    let f = counted.report.figures.clone();
    let figures = figures(lang, &f)
        .into_iter()
        .map(|(id, text, n)| view! { <dt>{text}</dt> <dd id=id>{n}</dd> })
        .collect_view();
    let tables = counted
        .report
        .tables
        .iter()
        .cloned()
        .map(|table| view! { <TableView table=table stats=stats dir=dir.clone() /> })
        .collect_view();
    view! {
        <div id="stats-results">
            <h3>{t.figures_title}</h3>
            <dl id="stats-figures">
                {figures}
                <dt>{t.fig_conversations}</dt>
                <dd id="fig-conversations">{decimal(lang, f.conversations_per_reporter())}</dd>
            </dl>
            {tables}
            <Patterns grid=counted.grid.clone() signals=counted.signals.clone() stats=stats dir=dir.clone() />
            <PrintableReport counted=counted stats=stats />
        </div>
    }
}
