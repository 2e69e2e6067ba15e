//! The printable annual report, in Dutch or English, laid out like the team's own: the period,
//! the key figures, each table, the units per quarter, then the team's findings, trends and
//! recommendations. It is meant to leave the machine (printed, or saved as a PDF by the
//! browser), so every count below the threshold shows as "< 5", with its complementary cells
//! (loket_client::stats::suppress). The style sheet prints this section alone.

use leptos::prelude::*;
use loket_client::stats::patterns::Grid;
use loket_client::stats::suppress::{hide_grid, hide_table, show};
use loket_client::stats::tables::Table;
use loket_portal::{Lang, use_ctx};
use loket_wire::api::Directory;

use super::tables::{decimal, figures, label, quarter_name};
use super::{Counted, Stats};

fn printed_table(
    lang: Lang,
    dir: &Directory,
    table: &Table,
    threshold: u32,
) -> impl IntoView + use<> {
    let t = lang.stats();
    let counts: Vec<u32> = table.rows.iter().map(|(_, n)| *n).collect();
    let (hidden, total_hidden) = hide_table(&counts, table.base, threshold);
    let rows = table
        .rows
        .iter()
        .zip(hidden)
        .map(|((row, n), hidden)| {
            let percent = (!hidden).then(|| table.percent(*n).to_string());
            view! {
                <tr data-row=row.key()>
                    <th scope="row">{label(lang, dir, row)}</th>
                    <td class="count">{show(*n, hidden, threshold)}</td>
                    <td class="percent">{percent}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{(t.table_title)(table.id)}</h2>
        <table data-table=table.id.key()>
            <thead>
                <tr>
                    <th scope="col"></th>
                    <th scope="col">{t.col_count}</th>
                    <th scope="col">{t.col_percent}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr data-row="total">
                    <th scope="row">{t.col_total}</th>
                    <td class="count">{show(table.base, total_hidden, threshold)}</td>
                    <td class="percent">{(!total_hidden).then_some("100")}</td>
                </tr>
            </tfoot>
        </table>
    }
}

fn printed_grid(lang: Lang, grid: &Grid, threshold: u32) -> impl IntoView + use<> {
    let t = lang.stats();
    let (cells, row_totals, col_totals, grand) = hide_grid(&grid.counts, threshold);
    let head = grid
        .quarters
        .iter()
        .map(|q| view! { <th scope="col">{quarter_name(*q)}</th> })
        .collect_view();
    let rows = grid
        .units
        .iter()
        .enumerate()
        .map(|(r, unit)| {
            let counts = grid.counts.get(r).cloned().unwrap_or_default();
            let flags = cells.get(r).cloned().unwrap_or_default();
            let total: u32 = counts.iter().sum();
            let tds = counts
                .iter()
                .zip(flags)
                .map(|(n, h)| view! { <td class="count">{show(*n, h, threshold)}</td> })
                .collect_view();
            let hidden = row_totals.get(r).copied().unwrap_or(true);
            view! {
                <tr data-unit=unit.clone()>
                    <th scope="row">{unit.clone()}</th>
                    {tds}
                    <td class="count total">{show(total, hidden, threshold)}</td>
                </tr>
            }
        })
        .collect_view();
    let sums = grid.column_totals();
    let grand_total: u32 = sums.iter().sum();
    let foot = sums
        .iter()
        .zip(col_totals)
        .map(|(n, h)| view! { <td class="count">{show(*n, h, threshold)}</td> })
        .collect_view();
    view! {
        <h2>{t.patterns_title}</h2>
        <table data-table="patterns">
            <thead>
                <tr>
                    <th scope="col">{t.unit_heading}</th>
                    {head}
                    <th scope="col">{t.col_total}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr data-row="total">
                    <th scope="row">{t.col_total}</th>
                    {foot}
                    <td class="count total">{show(grand_total, grand, threshold)}</td>
                </tr>
            </tfoot>
        </table>
    }
}

/// The report itself, in `lang`.
fn report(lang: Lang, counted: &Counted, stats: Stats) -> impl IntoView + use<> {
    let t = lang.stats();
    let threshold = stats.threshold();
    let f = &counted.report.figures;
    let key_figures = figures(lang, f)
        .into_iter()
        .map(|(id, text, n)| {
            view! { <dt>{text}</dt> <dd data-figure=id>{show(n, n > 0 && n < threshold, threshold)}</dd> }
        })
        .collect_view();
    let tables = counted
        .report
        .tables
        .iter()
        .map(|table| printed_table(lang, &counted.dir, table, threshold))
        .collect_view();
    let paragraphs = stats
        .text
        .get()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| view! { <p>{p.trim().to_owned()}</p> })
        .collect_view();
    view! {
        <h1>{t.report_heading}</h1>
        <p>{(t.report_period)(&stats.from.get(), &stats.to.get())}</p>
        <p class="small">{(t.report_hidden)(threshold)}</p>
        <h2>{t.figures_title}</h2>
        <dl>
            {key_figures}
            <dt>{t.fig_conversations}</dt>
            <dd data-figure="fig-conversations">{decimal(lang, f.conversations_per_reporter())}</dd>
        </dl>
        {tables}
        {printed_grid(lang, &counted.grid, threshold)}
        <h2>{t.report_text_title}</h2>
        <div id="print-team-text">{paragraphs}</div>
    }
}

#[component]
pub fn PrintableReport(counted: Counted, stats: Stats) -> impl IntoView {
    let ctx = use_ctx();
    let t = move || ctx.lang.get().stats();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let languages = Lang::ALL
        .iter()
        .map(|l| view! { <option value=l.code() selected=*l == stats.print_lang.get_untracked()>{l.code().to_uppercase()}</option> })
        .collect_view();
    view! {
        <section class="stats-print-controls">
            <h3>{move || t().print_title}</h3>
            <label for="print-lang">{move || t().print_lang}</label>
            <select
                id="print-lang"
                on:change=move |ev| {
                    if let Some(l) = Lang::from_code(&event_target_value(&ev)) {
                        stats.print_lang.set(l);
                    }
                }
            >
                {languages}
            </select>
            <label for="print-text">{move || t().print_text_label}</label>
            <textarea
                id="print-text"
                rows="6"
                prop:value=move || stats.text.get()
                on:input=move |ev| stats.text.set(event_target_value(&ev))
            ></textarea>
            <button id="print" on:click=print>{move || t().print}</button>
        </section>
        <article id="stats-print" class="printable" lang=move || stats.print_lang.get().code()>
            {move || report(stats.print_lang.get(), &counted, stats)}
        </article>
    }
}
