//! A thread: the report first, then the messages in order.

use leptos::prelude::*;
use loket_client::OpenedMessage;
use loket_wire::api::Directory;
use loket_wire::content::Share;

use crate::browser::hour;
use crate::ctx::use_ctx;
use crate::i18n::Lang;

/// One message of a thread, ready to show. No `Debug`: it holds plaintext.
#[derive(Clone)]
pub struct Entry {
    pub key: String,
    pub from_team: bool,
    /// Who wrote it, in every language.
    pub author: [String; 2],
    pub created: i64,
    /// `None` when the envelope did not open completely: nothing of it is shown.
    pub text: Option<String>,
    /// The name of the file the message vouches for, if any.
    pub attachment: Option<String>,
    /// What the message carries besides its text, in every language: the state of the case
    /// the team shared, or the name and contact details the reporter gave.
    pub note: Option<[String; 2]>,
    /// The shared state's key (`data-status`), for the tests.
    pub status: Option<&'static str>,
    /// A request to involve a role or member, or the answer to one, as `kind:key`
    /// (`data-share`; the key is the role id or `member-` and the member id).
    pub share: Option<String>,
    /// Written by a member who has left, verified against the directory that listed them.
    pub former: bool,
}

impl Entry {
    /// The entry of an opened message, written by `author`; role names come from `dir`.
    pub fn message(
        m: &OpenedMessage,
        from_team: bool,
        author: [String; 2],
        dir: &Directory,
    ) -> Self {
        let share_note = m.share.as_ref().map(|share| {
            Lang::each(|l| {
                let t = l.share();
                let role = l.share_name(dir, share.to());
                match share {
                    Share::Ask { .. } => (t.note_ask)(&role),
                    Share::Grant { .. } => (t.note_grant)(&role),
                    Share::Refuse { .. } => (t.note_refuse)(&role),
                }
            })
        });
        Self {
            key: m.id.to_string(),
            from_team,
            author,
            created: m.created,
            text: m.body.as_ref().map(|b| b.to_string()),
            attachment: m.attachment.as_ref().map(|a| a.name.clone()),
            note: match (&m.status, &m.contact) {
                (Some(state), _) => Some(Lang::each(|l| {
                    let t = l.intake();
                    format!("{}: {}", t.status_title, (t.status)(*state))
                })),
                (None, Some(c)) => Some(Lang::each(|l| {
                    (l.intake().contact_given)(&c.name, &c.reach)
                })),
                (None, None) => share_note,
            },
            status: m.status.map(|s| s.key()),
            share: m.share.as_ref().map(|s| {
                let kind = match s {
                    Share::Ask { .. } => "ask",
                    Share::Grant { .. } => "grant",
                    Share::Refuse { .. } => "refuse",
                };
                format!("{kind}:{}", s.to().key())
            }),
            former: m.former,
        }
    }

    /// What the message says in `lang`. A note that only announces a file carries no text of
    /// its own: each reader sees the announcement in their language. (Older notes carry an
    /// English sentence; it is shown as written.)
    pub fn body(&self, lang: Lang) -> String {
        let t = lang.t();
        match (&self.text, &self.attachment) {
            (None, _) => t.undecryptable.to_owned(),
            (Some(text), Some(name)) if text.trim().is_empty() => (t.attached_file)(name),
            (Some(text), _) => text.clone(),
        }
    }
}

#[component]
pub fn Messages(entries: Vec<Entry>) -> impl IntoView {
    let ctx = use_ctx();
    entries
        .into_iter()
        .map(|e| {
            let class = match (e.from_team, e.text.is_some()) {
                (_, false) => "message undecryptable",
                (true, true) => "message from-team",
                (false, true) => "message from-reporter",
            };
            let author = e.author.clone();
            let attachment = e.attachment.clone();
            let created = hour(e.created);
            let status = e.status;
            let share = e.share.clone();
            let former_mark = e.former.then_some("true");
            let former = e.former.then(|| {
                view! {
                    " · "
                    <span class="former">{move || ctx.lang.get().t().from_former_member}</span>
                }
            });
            let note = e.note.clone().map(|note| {
                view! {
                    <p class="note" data-status=status data-share=share>
                        {move || ctx.lang.get().pick(&note).to_owned()}
                    </p>
                }
            });
            view! {
                <article class=class data-attachment=attachment data-former=former_mark>
                    <p class="meta">
                        <span class="author">
                            {move || ctx.lang.get().pick(&author).to_owned()}
                        </span>
                        {former}
                        " · "
                        <time>{created}</time>
                    </p>
                    {note}
                    <p class="body">{move || e.body(ctx.lang.get())}</p>
                </article>
            }
        })
        .collect_view()
}
