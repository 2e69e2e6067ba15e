//! The annual report's statistics (issue 14, docs/statistics.md), counted on the member's own
//! machine: every report's statistics part (with the team's statistics key, when the member
//! has it) and the case records the member reads are fetched as ciphertext, decrypted in a Web
//! Worker (src/tally.rs) and counted for the chosen period. The page shows the figures, bar
//! charts and tables, and the pattern signals across roles; the CSV files and the printable
//! report hide small counts. Nothing is sent to the server but the requests for ciphertext.

mod fetch;
mod print;
mod tables;

use leptos::prelude::*;
use loket_client::stats::Fact;
use loket_client::stats::patterns::{Grid, Signal, patterns};
use loket_client::stats::suppress::DEFAULT_THRESHOLD;
use loket_client::stats::tables::{Period, Report};
use loket_portal::browser::{day, now_ms, now_unix};
use loket_portal::work::Ran;
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::api::Directory;
use loket_wire::content::day_unix;

use crate::app::{Team, use_team};

/// What the statistics view holds: the facts once counted, and the choices.
#[derive(Clone, Copy)]
pub struct Stats {
    pub facts: RwSignal<Vec<Fact>>,
    pub counted: RwSignal<bool>,
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
    pub threshold: RwSignal<String>,
    pub pattern_threshold: RwSignal<String>,
    pub print_lang: RwSignal<Lang>,
    pub text: RwSignal<String>,
}

impl Stats {
    fn new(lang: Lang) -> Self {
        let today = day(now_unix());
        let year = today.get(..4).unwrap_or("2026").to_owned();
        Self {
            facts: RwSignal::new(Vec::new()),
            counted: RwSignal::new(false),
            from: RwSignal::new(format!("{year}-01-01")),
            to: RwSignal::new(today),
            threshold: RwSignal::new(DEFAULT_THRESHOLD.to_string()),
            pattern_threshold: RwSignal::new(DEFAULT_THRESHOLD.to_string()),
            print_lang: RwSignal::new(lang),
            text: RwSignal::new(String::new()),
        }
    }

    /// The chosen period, when it is two days in order.
    pub fn period(&self) -> Option<Period> {
        let from = day_unix(self.from.get().trim())?;
        let to = day_unix(self.to.get().trim())?;
        (from <= to).then_some(Period { from, to })
    }

    /// The team's threshold below which counts are hidden (at least 1).
    pub fn threshold(&self) -> u32 {
        number(self.threshold.get(), DEFAULT_THRESHOLD)
    }

    fn pattern_threshold(&self) -> u32 {
        number(self.pattern_threshold.get(), DEFAULT_THRESHOLD)
    }
}

fn number(s: String, default: u32) -> u32 {
    s.trim().parse::<u32>().map_or(default, |n| n.max(1))
}

/// The counted period: the report, and the pattern grid with its signals.
#[derive(Clone, PartialEq)]
pub struct Counted {
    pub dir: Directory,
    pub report: Report,
    pub grid: Grid,
    pub signals: Vec<Signal>,
}

fn count(ctx: Ctx, stats: Stats) -> Option<Counted> {
    if !stats.counted.get() {
        return None;
    }
    let period = stats.period()?;
    let dir = ctx.directory.get()?;
    let roles: Vec<String> = dir.roles.iter().map(|r| r.id.clone()).collect();
    let threshold = stats.pattern_threshold();
    stats.facts.with(|facts| {
        let report = Report::count(facts, &roles, &dir.units, period);
        let (grid, signals) = patterns(facts, period, &dir.units, &roles, threshold);
        Some(Counted {
            dir: dir.clone(),
            report,
            grid,
            signals,
        })
    })
}

/// Fetches, decrypts and counts; says how long it took (`data-ms`, for the benchmark).
async fn run(
    ctx: Ctx,
    team: Team,
    stats: Stats,
    key: String,
    pass: String,
    elapsed: RwSignal<Option<(f64, Ran)>>,
) {
    let started = now_ms();
    ctx.busy("counting", |l| l.stats().counting.into());
    match fetch::facts(ctx, key, pass).await {
        Ok((facts, ran)) => {
            let n = u32::try_from(facts.len()).unwrap_or(u32::MAX);
            stats.facts.set(facts);
            stats.counted.set(true);
            let ms = now_ms() - started;
            elapsed.set(Some((ms, ran)));
            let secs = format!("{:.1}", ms / 1000.0);
            ctx.info("counted", move |l| (l.stats().counted)(n, &secs));
        }
        Err(e) => {
            if !e.session_ended(ctx, team) {
                ctx.error("count-failed", move |l| e.text(l));
            }
        }
    }
}

#[component]
pub fn StatisticsCard() -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let stats = Stats::new(ctx.lang.get_untracked());
    let elapsed = RwSignal::new(None::<(f64, Ran)>);
    let key_input = NodeRef::<leptos::html::Textarea>::new();
    let pass_input = NodeRef::<leptos::html::Input>::new();
    let counted = Memo::new(move |_| count(ctx, stats));
    let start = move |_| {
        if ctx.is_busy() {
            return;
        }
        let value = |el: Option<web_sys::HtmlTextAreaElement>| el.map(|e| e.value());
        let key = value(key_input.get_untracked()).unwrap_or_default();
        let pass = pass_input
            .get_untracked()
            .map(|e| e.value())
            .unwrap_or_default();
        leptos::task::spawn_local(run(ctx, team, stats, key, pass, elapsed));
    };
    let t = move || ctx.lang.get().stats();
    let number_input = |id: &'static str, signal: RwSignal<String>| {
        view! {
            <input
                id=id
                type="number"
                min="1"
                prop:value=move || signal.get()
                on:input=move |ev| signal.set(event_target_value(&ev))
            />
        }
    };
    let date_input = |id: &'static str, signal: RwSignal<String>| {
        view! {
            <input
                id=id
                type="date"
                prop:value=move || signal.get()
                on:input=move |ev| signal.set(event_target_value(&ev))
            />
        }
    };
    view! {
        <section class="card statistics" id="statistics">
            <div class="row">
                <h2>{move || t().title}</h2>
                <button id="stats-close" on:click=move |_| team.statistics.set(false)>
                    {move || t().close}
                </button>
            </div>
            <p class="muted">{move || t().intro}</p>
            <label for="stats-key">{move || t().key_label}</label>
            <textarea id="stats-key" rows="4" spellcheck="false" node_ref=key_input></textarea>
            <label for="stats-passphrase">{move || t().key_passphrase}</label>
            <input id="stats-passphrase" type="password" autocomplete="off" node_ref=pass_input />
            <p class="muted small">{move || t().key_none}</p>
            <div class="stats-choices">
                <div>
                    <label for="stats-from">{move || t().from_label}</label>
                    {date_input("stats-from", stats.from)}
                </div>
                <div>
                    <label for="stats-to">{move || t().to_label}</label>
                    {date_input("stats-to", stats.to)}
                </div>
                <div>
                    <label for="stats-threshold">{move || t().threshold_label}</label>
                    {number_input("stats-threshold", stats.threshold)}
                </div>
                <div>
                    <label for="stats-pattern-threshold">{move || t().pattern_label}</label>
                    {number_input("stats-pattern-threshold", stats.pattern_threshold)}
                </div>
            </div>
            <button id="stats-count" class="primary" on:click=start disabled=move || ctx.is_busy()>
                {move || t().count}
            </button>
            <Show when=move || stats.counted.get() && stats.period().is_none()>
                <p class="error" id="stats-period-bad">{move || t().period_bad}</p>
            </Show>
            // How long it took and where it was decrypted (the tests and the benchmark read it).
            <p
                class="muted small"
                id="stats-elapsed"
                data-ms=move || elapsed.get().map(|(ms, _)| format!("{ms:.0}"))
                data-ran=move || elapsed.get().map(|(_, ran)| ran.name())
            ></p>
            // Drawn again in the other language when the language switches.
            {move || {
                ctx.lang.track();
                counted.get().map(|c| view! { <tables::Results counted=c stats=stats /> })
            }}
        </section>
    }
}
