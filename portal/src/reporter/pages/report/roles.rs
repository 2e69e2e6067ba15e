//! The roles of the signed directory, each with who holds it, to choose the readers; and the
//! members of the chosen roles, to keep someone out (the regulation's article 16).

use crate::i18n::Lang;
use crate::use_ctx;
use leptos::prelude::*;
use loket_wire::api::{Directory, Role};

/// A role's name and description in `lang` (the directory's Dutch texts when it has them).
fn role_text(role: &Role, lang: Lang) -> (String, String) {
    lang.role_text(role)
}

/// Who holds `role`, by name.
fn holders(dir: &Directory, role: &Role) -> Vec<String> {
    dir.members
        .iter()
        .filter(|m| m.roles.contains(&role.id))
        .map(|m| m.name.clone())
        .collect()
}

#[component]
fn RoleOption(role: Role, holders: Vec<String>, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let ctx = use_ctx();
    let id = role.id.clone();
    let checked = {
        let id = id.clone();
        move || chosen.get().contains(&id)
    };
    let toggle = {
        let id = id.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            chosen.update(|c| {
                c.retain(|r| r != &id);
                if on {
                    c.push(id.clone());
                }
            });
        }
    };
    let readers = move || {
        let t = ctx.t();
        if holders.is_empty() {
            t.role_nobody.to_owned()
        } else {
            (t.role_read_by)(&holders.join(", "))
        }
    };
    let text = move || role_text(&role, ctx.lang.get());
    let name = {
        let text = text.clone();
        move || text().0
    };
    view! {
        <label class="role">
            <input type="checkbox" id=format!("role-{id}") prop:checked=checked on:change=toggle />
            <span>
                <strong>{name}</strong>
                <span class="muted">" — " {move || text().1}</span>
                <span class="readers">{readers}</span>
            </span>
        </label>
    }
}

#[component]
pub fn RoleChoice(chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let Some(dir) = ctx.directory.get() else {
            return view! { <p class="muted">{move || ctx.t().team_loading}</p> }.into_any();
        };
        dir.roles
            .iter()
            .map(|role| {
                let holders = holders(&dir, role);
                view! { <RoleOption role=role.clone() holders=holders chosen=chosen /> }
            })
            .collect_view()
            .into_any()
    }
}

/// The members of the chosen roles, each with a box to keep them out of the readers.
#[component]
pub fn ExcludeChoice(
    chosen: RwSignal<Vec<String>>,
    excluded: RwSignal<Vec<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let roles = chosen.get();
        let dir = ctx.directory.get()?;
        let members: Vec<_> = dir.members_of(&roles).cloned().collect();
        if members.is_empty() {
            return None;
        }
        let boxes = members
            .into_iter()
            .map(|m| {
                let id = m.id.clone();
                let checked = {
                    let id = id.clone();
                    move || excluded.with(|e| e.contains(&id))
                };
                let toggle = {
                    let id = id.clone();
                    move |ev| {
                        let on = event_target_checked(&ev);
                        excluded.update(|e| {
                            e.retain(|x| x != &id);
                            if on {
                                e.push(id.clone());
                            }
                        });
                    }
                };
                view! {
                    <label class="choice">
                        <input
                            type="checkbox"
                            id=format!("exclude-{id}")
                            prop:checked=checked
                            on:change=toggle
                        />
                        <span>{move || (ctx.intake().exclude_member)(&m.name)}</span>
                    </label>
                }
            })
            .collect_view();
        Some(view! {
            <fieldset id="exclude">
                <legend>{move || ctx.intake().exclude_legend}</legend>
                <p class="muted small">{move || ctx.intake().exclude_hint}</p>
                {boxes}
            </fieldset>
        })
    }
}
