//! A case's audit trail (issue 13): what was done with it, by whom, to the hour, as the server
//! recorded it; nothing of what the case says.

use leptos::prelude::*;
use loket_portal::browser::hour;
use loket_portal::{Lang, use_ctx};
use loket_wire::api::{AuditEntry, Directory};

use crate::app::member_name;

/// Who did it, in every language: a member by name, the reporter (a share) or the server.
fn who(dir: Option<&Directory>, entry: &AuditEntry) -> [String; 2] {
    match (&entry.member_id, dir) {
        (Some(id), Some(dir)) => member_name(dir, id),
        (Some(id), None) => [id.clone(), id.clone()],
        (None, _) if entry.action == loket_wire::api::AuditAction::Shared => {
            Lang::each(|l| l.case().audit_reporter.into())
        }
        (None, _) => Lang::each(|l| l.case().audit_server.into()),
    }
}

#[component]
pub fn AuditTrail(entries: Vec<AuditEntry>) -> impl IntoView {
    let ctx = use_ctx();
    let dir = ctx.directory.get_untracked();
    let items = entries
        .into_iter()
        .map(|e| {
            let by = who(dir.as_ref(), &e);
            let when = hour(e.hour);
            let action = e.action;
            view! {
                <li data-action=action.key()>
                    <span class="muted small">{when}</span>
                    " · "
                    {move || ctx.lang.get().pick(&by).to_owned()}
                    " "
                    {move || (ctx.lang.get().case().audit_action)(action)}
                </li>
            }
        })
        .collect_view();
    view! {
        <details id="audit" class="audit">
            <summary>{move || ctx.lang.get().case().audit_title}</summary>
            <p class="muted small">{move || ctx.lang.get().case().audit_intro}</p>
            <ol id="audit-trail">{items}</ol>
        </details>
    }
}
