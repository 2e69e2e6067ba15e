//! `case.md`: a case for people to read, in the member's language (src/export/texts.rs).
//!
//! What the reporter or a member wrote is shown as it is, but inert: free text in fenced
//! blocks, short texts (names, file names) with every punctuation mark escaped, so nothing in
//! a report can become a link, an image that loads from elsewhere, or HTML in a Markdown
//! viewer.

use std::fmt::Write as _;

use loket_wire::api::{AuditAction, AuditEntry, Directory};
use loket_wire::content::{CaseRecord, Intake, Share, ShareTo};
use loket_wire::utc_time;

use super::case::{ExportedCase, ExportedContact, ExportedMessage, ExportedReport, Writer};
use super::texts::Lang;

/// A short text on one line, read as plain text: the characters that could start emphasis,
/// code, a link, an image, HTML, an entity or a table are escaped (CommonMark allows a
/// backslash before any ASCII punctuation), and so are the `:` of `://` and the `.` of `www.`,
/// which GitHub's Markdown would otherwise turn into links.
pub(crate) fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let link_colon = c == ':' && chars.get(i + 1..i + 3) == Some(&['/', '/'][..]);
        let www_dot = c == '.'
            && i >= 3
            && chars
                .get(i - 3..i)
                .is_some_and(|w| w.iter().all(|x| x.eq_ignore_ascii_case(&'w')));
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '&' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ if link_colon || www_dot => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Free text as a fenced block: a fence of more backticks than any run inside it.
pub(crate) fn fenced(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!(
        "{fence}text\n{}\n{fence}\n",
        text.trim_end_matches(['\r', '\n'])
    )
}

fn writer(w: &Writer, lang: Lang) -> String {
    match w {
        Writer::Reporter => lang.words().reporter.to_owned(),
        Writer::Member {
            name: Some(name), ..
        } => escape(name),
        Writer::Member {
            member_id,
            name: None,
        } => format!("{} ({})", lang.words().former_member, escape(member_id)),
    }
}

fn share_note(dir: &Directory, share: &Share, lang: Lang) -> String {
    let to = match share.to() {
        ShareTo::Role(role) => lang.role_name(dir, role),
        ShareTo::Member(id) => dir
            .members
            .iter()
            .find(|m| &m.id == id)
            .map_or_else(|| id.clone(), |m| m.name.clone()),
    };
    let t = lang.share();
    let to = escape(&to);
    match share {
        Share::Ask { .. } => (t.note_ask)(&to),
        Share::Grant { .. } => (t.note_grant)(&to),
        Share::Refuse { .. } => (t.note_refuse)(&to),
    }
}

/// The whole `case.md`.
pub(crate) fn render(case: &ExportedCase, dir: &Directory, lang: Lang) -> String {
    let w = lang.words();
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", (w.case)(&escape(&case.report_id)));
    let roles: Vec<String> = case
        .roles
        .iter()
        .map(|r| escape(&lang.role_name(dir, r)))
        .collect();
    let _ = writeln!(md, "- {}: {}", w.received, utc_time(case.received));
    let _ = writeln!(md, "- {}: {}", w.roles, roles.join(", "));
    if case.spam {
        let _ = writeln!(md, "- {}", w.spam);
    }
    match case.deletes {
        Some(at) => {
            let _ = writeln!(md, "- {}", (lang.case().deletes_on)(&utc_time(at)));
        }
        None => {
            let _ = writeln!(md, "- {}", lang.case().kept_for_decision);
        }
    }
    md.push('\n');
    if let Some(report) = &case.report {
        report_section(&mut md, report, dir, lang);
    }
    if let Some(contact) = &case.contact {
        contact_section(&mut md, contact, lang);
    }
    if case.kind == "report" {
        thread_section(&mut md, case, dir, lang);
    }
    attachments_section(&mut md, case, lang);
    record_section(&mut md, case, lang);
    audit_section(&mut md, &case.audit, dir, lang);
    problems_section(&mut md, &case.problems, lang);
    md
}

fn intake_lines(md: &mut String, intake: &Intake, lang: Lang) {
    let t = lang.intake();
    let mut line = |q: &str, a: String| {
        let _ = writeln!(md, "- {q} **{a}**");
    };
    if !intake.what.is_empty() {
        let what: Vec<&str> = intake.what.iter().map(|n| (t.nature)(*n)).collect();
        line(t.what_legend, what.join(", "));
    }
    if let Some(a) = intake.about {
        line(t.about_legend, (t.about)(a).to_owned());
    }
    if let Some(r) = intake.relation {
        line(t.relation_label, (t.relation)(r).to_owned());
    }
    if let Some(p) = &intake.person {
        line(t.person_label, escape(p));
    }
    if let Some(when) = intake.when {
        line(t.when_label, (t.when)(when).to_owned());
    }
    if let Some(p) = intake.purpose {
        line(t.purpose_legend, (t.purpose)(p).to_owned());
    }
}

fn member_names(dir: &Directory, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            dir.members
                .iter()
                .find(|m| &m.id == id)
                .map_or_else(|| escape(id), |m| escape(&m.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn report_section(md: &mut String, report: &ExportedReport, dir: &Directory, lang: Lang) {
    let _ = writeln!(md, "## {}\n", lang.words().report);
    md.push_str(&fenced(&report.text));
    if let Some(intake) = &report.intake {
        let _ = writeln!(md, "\n### {}\n", lang.intake().intake_title);
        intake_lines(md, intake, lang);
    }
    if !report.excluded.is_empty() {
        let names = member_names(dir, &report.excluded);
        let _ = writeln!(md, "\n{}", (lang.intake().excluded_members)(&names));
    }
    md.push('\n');
}

fn contact_section(md: &mut String, contact: &ExportedContact, lang: Lang) {
    let t = lang.case();
    let _ = writeln!(md, "## {}\n", t.contact_title_case);
    let by = writer(&contact.registered_by, lang);
    let day = contact.on.as_deref().map(escape).unwrap_or_default();
    let summary = (t.contact_summary)((t.channel)(contact.channel), &day);
    let signal = if contact.signal {
        format!("{} · ", t.signal_badge)
    } else {
        String::new()
    };
    let _ = writeln!(md, "{signal}{summary} ({by})\n");
    md.push_str(&fenced(&contact.text));
    if let Some(intake) = &contact.intake {
        let _ = writeln!(md, "\n### {}\n", lang.intake().intake_title);
        intake_lines(md, intake, lang);
    }
    md.push('\n');
}

fn message(md: &mut String, m: &ExportedMessage, case: &ExportedCase, dir: &Directory, lang: Lang) {
    let w = lang.words();
    let _ = writeln!(
        md,
        "### {} · {}\n",
        writer(&m.author, lang),
        utc_time(m.created)
    );
    let Some(text) = &m.text else {
        let _ = writeln!(md, "*{}*\n", w.problems);
        return;
    };
    md.push_str(&fenced(text));
    let mut notes = Vec::new();
    if let Some(state) = m.status {
        notes.push(format!(
            "{}: {}",
            w.shared_state,
            (lang.intake().status)(state)
        ));
    }
    if let Some(c) = &m.contact {
        notes.push((lang.intake().contact_given)(
            &escape(&c.name),
            &escape(&c.reach),
        ));
    }
    if let Some(share) = &m.share {
        notes.push(share_note(dir, share, lang));
    }
    if let Some(id) = &m.attachment_id
        && let Some(a) = case.attachments.iter().find(|a| &a.attachment_id == id)
    {
        let name = escape(a.name.as_deref().unwrap_or_default());
        notes.push(format!("{}: {name}", w.attachment));
    }
    if !notes.is_empty() {
        md.push('\n');
    }
    for note in notes {
        let _ = writeln!(md, "- {note}");
    }
    md.push('\n');
}

fn thread_section(md: &mut String, case: &ExportedCase, dir: &Directory, lang: Lang) {
    let w = lang.words();
    let _ = writeln!(md, "## {}\n", w.thread);
    if case.messages.is_empty() {
        let _ = writeln!(md, "{}\n", w.no_messages);
    }
    for m in &case.messages {
        message(md, m, case, dir, lang);
    }
}

fn attachments_section(md: &mut String, case: &ExportedCase, lang: Lang) {
    if case.attachments.is_empty() {
        return;
    }
    let w = lang.words();
    let _ = writeln!(md, "## {}\n", w.attachments);
    for a in &case.attachments {
        let name = a
            .name
            .as_deref()
            .map_or_else(|| escape(&a.attachment_id), escape);
        let size = a
            .size
            .map(|s| format!(" ({})", (w.bytes)(s)))
            .unwrap_or_default();
        let saved = match (&a.file, &a.problem) {
            (Some(file), _) => format!("{} `{file}`", w.saved_as),
            (None, Some(why)) => format!("{}: {}", w.not_saved, escape(why)),
            (None, None) => w.not_saved.to_owned(),
        };
        let _ = writeln!(md, "- {name}{size}: {saved}");
    }
    md.push('\n');
}

fn record_lines(md: &mut String, r: &CaseRecord, lang: Lang) {
    let t = lang.case();
    let _ = writeln!(md, "- {}: {}", t.status_label, (t.status)(r.status));
    let _ = writeln!(
        md,
        "- {}: {} ({})",
        t.stage_label,
        (t.stage)(r.stage),
        utc_time(r.stage_since)
    );
    let join = |items: Vec<&str>| items.join(", ");
    if !r.what.is_empty() {
        let what = join(r.what.iter().map(|n| (lang.intake().nature)(*n)).collect());
        let _ = writeln!(md, "- {}: {what}", t.what_label);
    }
    if !r.handling.is_empty() {
        let handling = join(r.handling.iter().map(|h| (t.handling)(*h)).collect());
        let _ = writeln!(md, "- {}: {handling}", t.handling_label);
    }
    if !r.referred_to.is_empty() {
        let to = join(r.referred_to.iter().map(|x| (t.referral)(*x)).collect());
        let _ = writeln!(md, "- {}: {to}", t.referred_label);
    }
    let _ = writeln!(md, "- {}: {}", t.conversations_label, r.conversations);
    let _ = writeln!(md, "- {}: {}", t.reporters_label, r.reporters);
    if let Some(d) = &r.decision {
        let _ = writeln!(md, "- {}: {}", t.decision_date_label, escape(&d.date));
        let outcome = (t.decision_outcome)(d.outcome);
        let _ = writeln!(md, "- {}: {outcome}", t.decision_outcome_label);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(md, "\n{}:\n", t.notes_label);
        md.push_str(&fenced(&r.notes));
    }
}

fn record_section(md: &mut String, case: &ExportedCase, lang: Lang) {
    let t = lang.case();
    let _ = writeln!(md, "## {}\n", t.case_title);
    let Some(latest) = &case.case_record else {
        let _ = writeln!(md, "{}\n", lang.words().no_record);
        return;
    };
    let who = writer(&latest.author, lang);
    let line = (t.version_line)(latest.record.version, &who, &utc_time(latest.created));
    let _ = writeln!(md, "{line}\n");
    record_lines(md, &latest.record, lang);
    if case.case_versions.len() > 1 {
        let _ = writeln!(md, "\n### {}\n", t.versions_title);
        for v in &case.case_versions {
            let who = writer(&v.author, lang);
            match &v.record {
                Some(r) => {
                    let line = (t.version_line)(r.version, &who, &utc_time(v.created));
                    let _ = writeln!(md, "- {line}");
                }
                None => {
                    let _ = writeln!(
                        md,
                        "- {} ({who}, {})",
                        t.version_unreadable,
                        utc_time(v.created)
                    );
                }
            }
        }
    }
    md.push('\n');
}

fn audit_section(md: &mut String, audit: &[AuditEntry], dir: &Directory, lang: Lang) {
    if audit.is_empty() {
        return;
    }
    let t = lang.case();
    let _ = writeln!(md, "## {}\n", t.audit_title);
    for entry in audit {
        let who = match (&entry.member_id, entry.action) {
            (Some(id), _) => writer(&Writer::member(dir, id), lang),
            (None, AuditAction::Shared) => t.audit_reporter.to_owned(),
            (None, _) => t.audit_server.to_owned(),
        };
        let what = (t.audit_action)(entry.action);
        let _ = writeln!(md, "- {} · {who} · {what}", utc_time(entry.hour));
    }
    md.push('\n');
}

fn problems_section(md: &mut String, problems: &[String], lang: Lang) {
    let w = lang.words();
    let _ = writeln!(md, "## {}\n", w.problems);
    if problems.is_empty() {
        let _ = writeln!(md, "{}", w.no_problems);
    }
    for p in problems {
        let _ = writeln!(md, "- {}", escape(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_text_stays_inert() {
        assert_eq!(escape("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(
            escape("see https://www.example.org, 12:00"),
            "see https\\://www\\.example.org, 12:00"
        );
        assert_eq!(escape("![x](y)"), "\\!\\[x\\](y)");
        assert_eq!(escape("a\nb"), "a b");
        let block = fenced("look: ```not the end``` really");
        assert!(block.starts_with("````text\n"));
        assert!(block.ends_with("\n````\n"));
        assert!(fenced("plain").starts_with("```text\n"));
    }
}
