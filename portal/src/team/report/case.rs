//! The case record (crypto/SPEC.md §9.10): status, stage, what happened, handling, referral,
//! conversations, internal notes and a formal complaint's decision, sealed to the case's team
//! readers and signed by the member who saves it. Every save is a new version; all versions
//! stay readable. The server learns only how long to keep the case.

use leptos::prelude::*;
use loket_client::case::{CaseReaders, keep, seal_case_record};
use loket_portal::api::team as api;
use loket_portal::browser::{day, hour, now_unix};
use loket_portal::{Ctx, Lang, use_ctx};
use loket_wire::api::PostCase;
use loket_wire::content::{
    CaseRecord, CaseStatus, Decision, DecisionOutcome, Handling, Nature, ReferralTarget, Stage,
    day_unix,
};

use super::{ReportView, VersionView};
use crate::actions::{refresh, session_failed};
use crate::app::{Team, use_team};
use crate::vault;

/// Days before deletion from which the inbox and the case warn (a month).
pub const WARN_DAYS: i64 = 31;

/// A select over every answer of a closed list, with a first option for "none" when `none`
/// gives its label (the inbox's filters: "All"). `get` and `set` read and write the choice.
pub fn choose<T>(
    id: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    label: fn(Lang, T) -> &'static str,
    none: Option<fn(Lang) -> &'static str>,
    get: impl Fn() -> Option<T> + Copy + Send + Sync + 'static,
    set: impl Fn(Option<T>) + Send + Sync + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let ctx = use_ctx();
    let none = none.map(|none| {
        view! {
            <option value="" selected=move || get().is_none()>
                {move || none(ctx.lang.get())}
            </option>
        }
    });
    view! {
        <select
            id=id
            on:change=move |ev| {
                let v = event_target_value(&ev);
                set(all.iter().copied().find(|x| key(*x) == v));
            }
        >
            {none}
            {all
                .iter()
                .map(|x| {
                    let x = *x;
                    view! {
                        <option value=key(x) selected=move || get() == Some(x)>
                            {move || label(ctx.lang.get(), x)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// A select that always holds one answer of a closed list.
fn select<T>(
    id: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    label: fn(Lang, T) -> &'static str,
    value: RwSignal<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let set = move |x: Option<T>| {
        if let Some(x) = x {
            value.set(x);
        }
    };
    choose(id, all, key, label, None, move || Some(value.get()), set)
}

/// One checkbox per answer of a closed list, ids `{prefix}-{key}`.
pub fn checkboxes<T>(
    prefix: &'static str,
    all: &'static [T],
    key: fn(T) -> &'static str,
    label: fn(Lang, T) -> &'static str,
    values: RwSignal<Vec<T>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let ctx = use_ctx();
    all.iter()
        .map(|x| {
            let x = *x;
            let toggle = move |_| {
                values.update(|v| match v.iter().position(|y| *y == x) {
                    Some(i) => {
                        v.remove(i);
                    }
                    None => v.push(x),
                })
            };
            view! {
                <label class="choice">
                    <input
                        type="checkbox"
                        id=format!("{prefix}-{}", key(x))
                        prop:checked=move || values.with(|v| v.contains(&x))
                        on:change=toggle
                    />
                    <span>{move || label(ctx.lang.get(), x)}</span>
                </label>
            }
        })
        .collect_view()
}

/// The form's fields, each a signal, filled from the current record.
#[derive(Clone, Copy)]
struct Fields {
    status: RwSignal<CaseStatus>,
    stage: RwSignal<Stage>,
    what: RwSignal<Vec<Nature>>,
    handling: RwSignal<Vec<Handling>>,
    referred: RwSignal<Vec<ReferralTarget>>,
    conversations: RwSignal<String>,
    reporters: RwSignal<String>,
    notes: RwSignal<String>,
    decision_date: RwSignal<String>,
    decision_outcome: RwSignal<DecisionOutcome>,
}

impl Fields {
    fn new(record: &CaseRecord) -> Self {
        Self {
            status: RwSignal::new(record.status),
            stage: RwSignal::new(record.stage),
            what: RwSignal::new(record.what.clone()),
            handling: RwSignal::new(record.handling.clone()),
            referred: RwSignal::new(record.referred_to.clone()),
            conversations: RwSignal::new(record.conversations.to_string()),
            reporters: RwSignal::new(record.reporters.to_string()),
            notes: RwSignal::new(record.notes.clone()),
            decision_date: RwSignal::new(
                record
                    .decision
                    .as_ref()
                    .map(|d| d.date.clone())
                    .unwrap_or_default(),
            ),
            decision_outcome: RwSignal::new(
                record
                    .decision
                    .as_ref()
                    .map_or(DecisionOutcome::Founded, |d| d.outcome),
            ),
        }
    }

    /// The next version after `previous`; `None` when the decision date is not a day.
    fn record(&self, previous: &CaseRecord, version: u32, now: i64) -> Option<CaseRecord> {
        let stage = self.stage.get_untracked();
        let date = self.decision_date.get_untracked().trim().to_owned();
        let decision = if date.is_empty() {
            None
        } else {
            day_unix(&date)?;
            Some(Decision {
                date,
                outcome: self.decision_outcome.get_untracked(),
            })
        };
        Some(CaseRecord {
            version,
            status: self.status.get_untracked(),
            stage,
            stage_since: if stage == previous.stage && previous.stage_since > 0 {
                previous.stage_since
            } else {
                loket_wire::to_hour(now)
            },
            what: self.what.get_untracked(),
            handling: self.handling.get_untracked(),
            referred_to: self.referred.get_untracked(),
            conversations: self
                .conversations
                .get_untracked()
                .trim()
                .parse()
                .unwrap_or(0),
            // At least the one who reported.
            reporters: self
                .reporters
                .get_untracked()
                .trim()
                .parse()
                .unwrap_or(1)
                .max(1),
            notes: self.notes.get_untracked(),
            decision,
        })
    }
}

/// The record the form starts from: the current one, or a new case's with the reporter's
/// answers to "what happened".
fn current(view: &ReportView) -> CaseRecord {
    if let Some(r) = &view.record {
        return r.clone();
    }
    let what = view
        .opened
        .as_ref()
        .and_then(|o| o.intake.as_ref())
        .or_else(|| view.contact.as_ref().and_then(|c| c.intake.as_ref()))
        .map(|i| i.what.clone())
        .unwrap_or_default();
    let mut first = CaseRecord::first(what, view.received);
    first.version = 0;
    first
}

/// Seals `record` as the next version of the case `report_id` for its `readers`, saves it, and
/// shows the case again.
pub async fn save(
    ctx: Ctx,
    team: Team,
    report_id: String,
    readers: CaseReaders,
    record: CaseRecord,
) {
    let (Some(dir), Some(token)) = (ctx.directory.get_untracked(), vault::session_token()) else {
        return;
    };
    ctx.busy("case-saving", |l| l.case().saving.into());
    let sealed = vault::with_member(|m| {
        seal_case_record(
            &mut rand::rng(),
            &dir,
            &readers,
            &report_id,
            &m.key,
            &record,
        )
    });
    let envelope = match sealed {
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            let why = |l: Lang| (l.t().client_error)(&e);
            return ctx.error("case-not-saved", |l| (l.case().save_failed)(why(l)));
        }
        None => return ctx.error("unlock-first", |l| l.team().unlock_first.into()),
    };
    let body = PostCase {
        envelope,
        keep: keep(&record),
    };
    match api::save_case(&token, &report_id, &body).await {
        Ok(_) => {
            let n = record.version;
            ctx.info("case-saved", move |l| (l.case().saved)(n));
            refresh(ctx, team, report_id).await;
        }
        Err(e) => {
            if !session_failed(ctx, team, &e) {
                ctx.error("case-not-saved", |l| (l.case().save_failed)(e.text(l)));
            }
        }
    }
}

/// What retention will do with the case, as the server said.
#[component]
fn Deletes(deletes: Option<i64>) -> impl IntoView {
    let ctx = use_ctx();
    let soon = deletes.is_some_and(|d| d - now_unix() < WARN_DAYS * 86_400);
    let kind = match (deletes, soon) {
        (None, _) => "held",
        (Some(_), true) => "soon",
        (Some(_), false) => "dated",
    };
    let text = move || {
        let t = ctx.lang.get().case();
        match deletes {
            None => t.kept_for_decision.to_owned(),
            Some(d) if soon => (t.deletes_soon)(&day(d)),
            Some(d) => (t.deletes_on)(&day(d)),
        }
    };
    view! {
        <p id="case-deletes" class="muted small" class:warning=soon data-deletes=kind>
            {text}
        </p>
    }
}

/// Every version, newest first, each readable on its own.
#[component]
fn Versions(versions: Vec<VersionView>) -> impl IntoView {
    let ctx = use_ctx();
    let items = versions
        .into_iter()
        .rev()
        .map(|v| {
            let when = hour(v.created);
            let n = v.record.as_ref().map_or(0, |r| r.version);
            let line = move || {
                let lang = ctx.lang.get();
                (lang.case().version_line)(n, lang.pick(&v.author), &when)
            };
            let body = v.record.map(|r| {
                move || {
                    let lang = ctx.lang.get();
                    let t = lang.case();
                    let mut parts = vec![(t.status)(r.status).to_owned(), (t.stage)(r.stage).to_owned()];
                    parts.extend(r.handling.iter().map(|h| (t.handling)(*h).to_owned()));
                    if !r.notes.is_empty() {
                        parts.push(r.notes.clone());
                    }
                    parts.join(" · ")
                }
            });
            let readable = body.is_some();
            view! {
                <li class="case-version" data-version=n data-readable=readable.to_string()>
                    <span class="muted small">{line}</span>
                    " "
                    {match body {
                        Some(b) => view! { <span>{b}</span> }.into_any(),
                        None => {
                            view! { <span class="muted">{move || ctx.lang.get().case().version_unreadable}</span> }
                                .into_any()
                        }
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <h4>{move || ctx.lang.get().case().versions_title}</h4>
        <ol id="case-versions" class="case-versions">{items}</ol>
    }
}

#[component]
pub fn CaseRecordCard(view: ReportView) -> impl IntoView {
    let ctx = use_ctx();
    let team = use_team();
    let record = current(&view);
    let fields = Fields::new(&record);
    let version = record.version;
    let has_record = view.record.is_some();
    let reporter_state = view.reporter_state;
    let is_report = view.registered_by.is_none();
    let versions = view.versions.clone();
    let deletes = view.deletes;
    let submit = {
        let view = view.clone();
        move |_| {
            if ctx.is_busy() {
                return;
            }
            let Some(next) = fields.record(&record, record.version + 1, now_unix()) else {
                return ctx.error("case-decision-date", |l| l.case().decision_date_bad.into());
            };
            let Some(readers) = view.readers() else {
                return ctx.error("reply-undecryptable", |l| {
                    l.team().reply_undecryptable.into()
                });
            };
            let id = view.report_id.clone();
            leptos::task::spawn_local(save(ctx, team, id, readers, next));
        }
    };
    let t = move || ctx.lang.get().case();
    let formal = move || fields.stage.get() == Stage::Formal;
    view! {
        <div id="case-record" class="case-record" data-version=version>
            <h3>{move || t().case_title}</h3>
            <Show when=move || !has_record>
                <p class="muted small" id="case-new">{move || t().no_record}</p>
            </Show>
            <Deletes deletes=deletes />
            <Show when=move || is_report>
                <p id="reporter-sees" class="muted small">
                    {move || match reporter_state {
                        Some(s) => (t().reporter_sees)((ctx.intake().status)(s)),
                        None => t().reporter_told_nothing.to_owned(),
                    }}
                </p>
            </Show>
            <div class="row">
                <label for="case-status">{move || t().status_label}</label>
                {select("case-status", CaseStatus::ALL, CaseStatus::key, |l, s| (l.case().status)(s), fields.status)}
                <label for="case-stage">{move || t().stage_label}</label>
                {select("case-stage", Stage::ALL, Stage::key, |l, s| (l.case().stage)(s), fields.stage)}
            </div>
            <fieldset>
                <legend>{move || t().what_label}</legend>
                {checkboxes("case-what", Nature::ALL, Nature::key, |l, n| (l.intake().nature)(n), fields.what)}
            </fieldset>
            <fieldset>
                <legend>{move || t().handling_label}</legend>
                {checkboxes("case-handling", Handling::ALL, Handling::key, |l, h| (l.case().handling)(h), fields.handling)}
            </fieldset>
            <Show when=move || fields.handling.with(|h| h.contains(&Handling::Referral))>
                <fieldset>
                    <legend>{move || t().referred_label}</legend>
                    {checkboxes("case-referred", ReferralTarget::ALL, ReferralTarget::key, |l, r| (l.case().referral)(r), fields.referred)}
                </fieldset>
            </Show>
            <label for="case-conversations">{move || t().conversations_label}</label>
            <input
                id="case-conversations"
                type="number"
                min="0"
                prop:value=move || fields.conversations.get()
                on:input=move |ev| fields.conversations.set(event_target_value(&ev))
            />
            <label for="case-reporters">{move || t().reporters_label}</label>
            <input
                id="case-reporters"
                type="number"
                min="1"
                prop:value=move || fields.reporters.get()
                on:input=move |ev| fields.reporters.set(event_target_value(&ev))
            />
            <label for="case-notes">{move || t().notes_label}</label>
            <textarea
                id="case-notes"
                rows="4"
                prop:value=move || fields.notes.get()
                on:input=move |ev| fields.notes.set(event_target_value(&ev))
            ></textarea>
            <Show when=formal>
                <div class="row">
                    <label for="case-decision-date">{move || t().decision_date_label}</label>
                    <input
                        id="case-decision-date"
                        type="date"
                        prop:value=move || fields.decision_date.get()
                        on:input=move |ev| fields.decision_date.set(event_target_value(&ev))
                    />
                    <label for="case-decision-outcome">{move || t().decision_outcome_label}</label>
                    {select("case-decision-outcome", DecisionOutcome::ALL, DecisionOutcome::key, |l, o| (l.case().decision_outcome)(o), fields.decision_outcome)}
                </div>
            </Show>
            <button id="save-case" class="primary" on:click=submit disabled=move || ctx.is_busy()>
                {move || t().save}
            </button>
            <Versions versions=versions />
        </div>
    }
}
