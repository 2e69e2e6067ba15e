//! The roles of the signed directory, each with who holds it, to choose the readers.

use leptos::prelude::*;
use loket_portal::use_ctx;
use loket_wire::api::{Directory, Role};

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
    view! {
        <label class="role">
            <input type="checkbox" id=format!("role-{id}") prop:checked=checked on:change=toggle />
            <span>
                <strong>{role.name}</strong>
                <span class="muted">" — " {role.description}</span>
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
