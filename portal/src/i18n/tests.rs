//! Every text exists and is not empty in both languages; Dutch differs from English except
//! where a word is the same in both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn all_codes() -> impl Iterator<Item = ErrorCode> {
    [
        ErrorCode::MalformedRequest,
        ErrorCode::InvalidField,
        ErrorCode::UnknownRole,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidProof,
        ErrorCode::ProofOfWorkRequired,
        ErrorCode::ProofOfWorkInvalid,
        ErrorCode::ReportNotFound,
        ErrorCode::NotFound,
        ErrorCode::RequestTimeout,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ]
    .into_iter()
}

fn all_client_errors() -> Vec<ClientError> {
    vec![
        ClientError::DirectoryNotSigned,
        ClientError::DirectoryMalformed,
        ClientError::DirectoryExpired,
        ClientError::DirectoryRolledBack,
        ClientError::NoReaders,
        ClientError::BadDirectoryKey,
        ClientError::Seal,
        ClientError::TooLong,
        ClientError::BadReceipt,
    ]
}

fn all_code_errors() -> Vec<CodeError> {
    vec![
        CodeError::InvalidCharacter,
        CodeError::WrongLength {
            expected: 24,
            found: 23,
        },
        CodeError::Typo,
        CodeError::BadSalt,
    ]
}

fn all_key_file_errors() -> Vec<KeyFileError> {
    vec![
        KeyFileError::NotAKeyFile,
        KeyFileError::UnsupportedVersion,
        KeyFileError::Corrupt,
        KeyFileError::ExcessiveWork,
        KeyFileError::WrongPassphrase,
        KeyFileError::WeakPassphrase { min: 10 },
    ]
}

/// Every field, rendered with sample arguments. The pattern names every field (no `..`), so
/// a new text that is not listed here does not compile.
fn render_texts(t: &Texts) -> Vec<(&'static str, String)> {
    let Texts {
        lang_name,
        lang_switch,
        nav_report,
        nav_followup,
        nav_team,
        team_moves,
        footer_encrypted,
        footer_fingerprint,
        start_failed,
        dir_untrusted,
        dir_not_loaded,
        dir_no_org_key,
        dir_not_signed,
        dir_expired,
        dir_rolled_back,
        dir_load_failed,
        network,
        error_code,
        client_error,
        code_error,
        pow_progress,
        undecryptable,
        attached_file,
        encrypt_and_send,
        report_title,
        report_intro,
        report_label,
        report_readers,
        team_loading,
        role_nobody,
        role_read_by,
        report_write_first,
        report_choose_role,
        report_encrypting,
        report_no_readers,
        report_not_sent,
        report_pow,
        report_sending,
        report_sent,
        code_title,
        code_warning,
        code_derived,
        code_saved,
        code_saved_info,
        followup_title,
        followup_intro,
        code_label,
        open,
        deriving,
        fetch_pow,
        fetching,
        not_found,
        thread_title,
        sent_at,
        you_report,
        you,
        the_team,
        answer_label,
        answer_write_first,
        answer_no_readers,
        answer_not_sent,
        answer_pow,
        answer_sending,
        answer_sent,
        open_first,
        close,
        attach_label,
        attach,
        file_choose,
        file_reading,
        file_unreadable,
        file_encrypting,
        file_pow,
        file_uploading,
        file_note_pow,
        file_note_sending,
        file_attached,
        file_not_attached,
        withdraw,
        withdraw_warning,
        withdraw_confirm,
        withdraw_keep,
        withdraw_pow,
        withdrawing,
        withdrawn,
        withdraw_failed,
        // Attachments: metadata removal and streamed upload
        file_checking,
        file_not_cleaned,
        scrub_error,
        file_removed,
        file_nothing_removed,
        file_not_checked,
        removed_name,
    } = t;
    vec![
        ("lang_name", lang_name.to_string()),
        ("lang_switch", lang_switch.to_string()),
        ("nav_report", nav_report.to_string()),
        ("nav_followup", nav_followup.to_string()),
        ("nav_team", nav_team.to_string()),
        ("team_moves", team_moves.to_string()),
        ("footer_encrypted", footer_encrypted.to_string()),
        ("footer_fingerprint", footer_fingerprint.to_string()),
        ("start_failed", start_failed.to_string()),
        ("dir_untrusted", dir_untrusted.to_string()),
        ("dir_not_loaded", dir_not_loaded.to_string()),
        ("dir_no_org_key", dir_no_org_key.to_string()),
        ("dir_not_signed", dir_not_signed.to_string()),
        ("dir_expired", dir_expired.to_string()),
        ("dir_rolled_back", dir_rolled_back.to_string()),
        ("dir_load_failed", dir_load_failed("X")),
        ("network", network.to_string()),
        (
            "error_code",
            all_codes().map(error_code).collect::<Vec<_>>().join("|"),
        ),
        (
            "client_error",
            all_client_errors()
                .iter()
                .map(client_error)
                .collect::<Vec<_>>()
                .join("|"),
        ),
        (
            "code_error",
            all_code_errors()
                .iter()
                .map(code_error)
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("pow_progress", pow_progress("X", 7)),
        ("undecryptable", undecryptable.to_string()),
        ("attached_file", attached_file("X")),
        ("encrypt_and_send", encrypt_and_send.to_string()),
        ("report_title", report_title.to_string()),
        ("report_intro", report_intro.to_string()),
        ("report_label", report_label.to_string()),
        ("report_readers", report_readers.to_string()),
        ("team_loading", team_loading.to_string()),
        ("role_nobody", role_nobody.to_string()),
        ("role_read_by", role_read_by("X")),
        ("report_write_first", report_write_first.to_string()),
        ("report_choose_role", report_choose_role.to_string()),
        ("report_encrypting", report_encrypting.to_string()),
        ("report_no_readers", report_no_readers.to_string()),
        ("report_not_sent", report_not_sent("X")),
        ("report_pow", report_pow.to_string()),
        ("report_sending", report_sending.to_string()),
        ("report_sent", report_sent.to_string()),
        ("code_title", code_title.to_string()),
        ("code_warning", code_warning.to_string()),
        (
            "code_derived",
            format!("{}{}", code_derived.0, code_derived.1),
        ),
        ("code_saved", code_saved.to_string()),
        ("code_saved_info", code_saved_info.to_string()),
        ("followup_title", followup_title.to_string()),
        ("followup_intro", followup_intro.to_string()),
        ("code_label", code_label.to_string()),
        ("open", open.to_string()),
        ("deriving", deriving.to_string()),
        ("fetch_pow", fetch_pow.to_string()),
        ("fetching", fetching.to_string()),
        ("not_found", not_found.to_string()),
        ("thread_title", thread_title.to_string()),
        ("sent_at", sent_at("X")),
        ("you_report", you_report.to_string()),
        ("you", you.to_string()),
        ("the_team", the_team.to_string()),
        ("answer_label", answer_label.to_string()),
        ("answer_write_first", answer_write_first.to_string()),
        ("answer_no_readers", answer_no_readers.to_string()),
        ("answer_not_sent", answer_not_sent("X")),
        ("answer_pow", answer_pow.to_string()),
        ("answer_sending", answer_sending.to_string()),
        ("answer_sent", answer_sent.to_string()),
        ("open_first", open_first.to_string()),
        ("close", close.to_string()),
        ("attach_label", attach_label(7)),
        ("attach", attach.to_string()),
        ("file_choose", file_choose.to_string()),
        ("file_reading", file_reading.to_string()),
        ("file_unreadable", file_unreadable.to_string()),
        ("file_encrypting", file_encrypting.to_string()),
        ("file_pow", file_pow.to_string()),
        ("file_uploading", file_uploading(7)),
        ("file_note_pow", file_note_pow.to_string()),
        ("file_note_sending", file_note_sending.to_string()),
        ("file_attached", file_attached.to_string()),
        ("file_not_attached", file_not_attached("X")),
        ("withdraw", withdraw.to_string()),
        ("withdraw_warning", withdraw_warning.to_string()),
        ("withdraw_confirm", withdraw_confirm.to_string()),
        ("withdraw_keep", withdraw_keep.to_string()),
        ("withdraw_pow", withdraw_pow.to_string()),
        ("withdrawing", withdrawing.to_string()),
        ("withdrawn", withdrawn.to_string()),
        ("withdraw_failed", withdraw_failed("X")),
        // Attachments: metadata removal and streamed upload
        ("file_checking", file_checking.to_string()),
        ("file_not_cleaned", file_not_cleaned("X")),
        (
            "scrub_error",
            loket_scrub::ScrubError::ALL.map(scrub_error).join("|"),
        ),
        ("file_removed", file_removed("X")),
        ("file_nothing_removed", file_nothing_removed.to_string()),
        ("file_not_checked", file_not_checked.to_string()),
        (
            "removed_name",
            loket_scrub::Removed::ALL.map(removed_name).join("|"),
        ),
    ]
}

/// Every field, rendered with sample arguments. The pattern names every field (no `..`), so
/// a new text that is not listed here does not compile.
fn render_teamtexts(t: &TeamTexts) -> Vec<(&'static str, String)> {
    let TeamTexts {
        signin_title,
        signin_intro,
        key_file_label,
        passphrase_label,
        unlock,
        unlocking,
        key_file_error,
        not_in_directory,
        signing_in,
        sign_in_failed,
        session_ended,
        unlock_first,
        inbox_title,
        refresh,
        lock,
        locked,
        idle_locked,
        inbox_empty,
        inbox_failed,
        due_closed,
        due_feedback,
        due_overdue,
        due_first,
        message_count,
        report_title,
        report_failed,
        received_for,
        reporter_report,
        reporter,
        former_member,
        attachments_title,
        file_label,
        decrypt_save,
        upload_incomplete,
        upload_incomplete_error,
        downloading,
        checking_file,
        file_mismatch,
        file_saved,
        download_refused,
        download_failed,
        reply_label,
        reply_write_first,
        reply_undecryptable,
        reply_sending,
        reply_sent,
        reply_not_sent,
        closed_no_complaint,
        closed_formal,
        closed_dates,
        close_label,
        close_no_complaint,
        close_formal,
        close_warning,
        close_confirm,
        cancel,
        closing,
        case_closed,
        close_failed,
        load_more,
        spam_badge,
        spam_mark,
        spam_note,
        spam_unmark,
        spam_delete,
        spam_delete_warning,
        spam_deleted,
        spam_failed,
    } = t;
    vec![
        ("signin_title", signin_title.to_string()),
        ("signin_intro", signin_intro.to_string()),
        ("key_file_label", key_file_label.to_string()),
        ("passphrase_label", passphrase_label.to_string()),
        ("unlock", unlock.to_string()),
        ("unlocking", unlocking.to_string()),
        (
            "key_file_error",
            all_key_file_errors()
                .iter()
                .map(key_file_error)
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("not_in_directory", not_in_directory.to_string()),
        ("signing_in", signing_in.to_string()),
        ("sign_in_failed", sign_in_failed("X")),
        ("session_ended", session_ended.to_string()),
        ("unlock_first", unlock_first.to_string()),
        ("inbox_title", inbox_title.to_string()),
        ("refresh", refresh.to_string()),
        ("lock", lock.to_string()),
        ("locked", locked.to_string()),
        ("idle_locked", idle_locked(15)),
        ("idle_locked_one", idle_locked(1)),
        ("inbox_empty", inbox_empty.to_string()),
        ("inbox_failed", inbox_failed("X")),
        ("due_closed", due_closed("X")),
        ("due_feedback", due_feedback("X")),
        ("due_overdue", due_overdue.to_string()),
        ("due_first", due_first("X")),
        ("message_count", message_count(7)),
        ("report_title", report_title.to_string()),
        ("report_failed", report_failed("X")),
        ("received_for", received_for("X", "Y")),
        ("reporter_report", reporter_report.to_string()),
        ("reporter", reporter.to_string()),
        ("former_member", former_member.to_string()),
        ("attachments_title", attachments_title.to_string()),
        ("file_label", file_label("X", 7)),
        ("decrypt_save", decrypt_save.to_string()),
        ("upload_incomplete", upload_incomplete.to_string()),
        (
            "upload_incomplete_error",
            upload_incomplete_error.to_string(),
        ),
        ("downloading", downloading(7)),
        ("checking_file", checking_file.to_string()),
        ("file_mismatch", file_mismatch.to_string()),
        ("file_saved", file_saved("X", 7)),
        ("download_refused", download_refused.to_string()),
        ("download_failed", download_failed("X")),
        ("reply_label", reply_label.to_string()),
        ("reply_write_first", reply_write_first.to_string()),
        ("reply_undecryptable", reply_undecryptable.to_string()),
        ("reply_sending", reply_sending.to_string()),
        ("reply_sent", reply_sent.to_string()),
        ("reply_not_sent", reply_not_sent("X")),
        ("closed_no_complaint", closed_no_complaint.to_string()),
        ("closed_formal", closed_formal.to_string()),
        ("closed_dates", closed_dates("X", "Y")),
        ("close_label", close_label.to_string()),
        ("close_no_complaint", close_no_complaint.to_string()),
        ("close_formal", close_formal.to_string()),
        ("close_warning", close_warning(2, 5)),
        ("close_confirm", close_confirm.to_string()),
        ("cancel", cancel.to_string()),
        ("closing", closing.to_string()),
        ("case_closed", case_closed("X")),
        ("close_failed", close_failed("X")),
        ("load_more", load_more.to_string()),
        ("spam_badge", spam_badge.to_string()),
        ("spam_mark", spam_mark.to_string()),
        ("spam_note", spam_note.to_string()),
        ("spam_unmark", spam_unmark.to_string()),
        ("spam_delete", spam_delete.to_string()),
        ("spam_delete_warning", spam_delete_warning.to_string()),
        ("spam_deleted", spam_deleted.to_string()),
        ("spam_failed", spam_failed("X")),
    ]
}

/// Every answer of a closed list, rendered and joined.
fn each<T: Copy>(all: &[T], say: fn(T) -> &'static str) -> String {
    all.iter().map(|a| say(*a)).collect::<Vec<_>>().join("|")
}

/// Every field of the intake texts, with every answer. The pattern names every field.
fn render_intake(t: &IntakeTexts) -> Vec<(&'static str, String)> {
    use loket_wire::content::{
        About, AgeBand, CaseState, Nature, Purpose, Relation, StaffCategory, When,
    };
    let IntakeTexts {
        what_legend,
        nature,
        about_legend,
        about,
        relation_label,
        relation,
        not_said,
        person_label,
        person_hint,
        when_label,
        when,
        purpose_legend,
        purpose,
        exclude_legend,
        exclude_hint,
        exclude_member,
        report_what_first,
        stats_legend,
        stats_intro,
        staff_label,
        staff,
        age_label,
        age,
        unit_label,
        know_title,
        know_confidential,
        know_formal,
        know_students,
        know_answer,
        know_outside,
        know_device,
        leave_quickly,
        receipt_title,
        receipt_intro,
        receipt_download,
        receipt_bad,
        status_title,
        status,
        status_explained,
        contact_title,
        contact_intro,
        contact_name,
        contact_reach,
        contact_send,
        contact_missing,
        contact_sent,
        contact_given,
        received_hour,
        status_share,
        status_keep,
        intake_title,
        excluded_members,
    } = t;
    vec![
        ("what_legend", what_legend.to_string()),
        ("nature", each(Nature::ALL, *nature)),
        ("about_legend", about_legend.to_string()),
        ("about", each(About::ALL, *about)),
        ("relation_label", relation_label.to_string()),
        ("relation", each(Relation::ALL, *relation)),
        ("not_said", not_said.to_string()),
        ("person_label", person_label.to_string()),
        ("person_hint", person_hint.to_string()),
        ("when_label", when_label.to_string()),
        ("when", each(When::ALL, *when)),
        ("purpose_legend", purpose_legend.to_string()),
        ("purpose", each(Purpose::ALL, *purpose)),
        ("exclude_legend", exclude_legend.to_string()),
        ("exclude_hint", exclude_hint.to_string()),
        ("exclude_member", exclude_member("X")),
        ("report_what_first", report_what_first.to_string()),
        ("stats_legend", stats_legend.to_string()),
        ("stats_intro", stats_intro.to_string()),
        ("staff_label", staff_label.to_string()),
        ("staff", each(StaffCategory::ALL, *staff)),
        ("age_label", age_label.to_string()),
        ("age", each(AgeBand::ALL, *age)),
        ("unit_label", unit_label.to_string()),
        ("know_title", know_title.to_string()),
        ("know_confidential", know_confidential.to_string()),
        ("know_formal", know_formal.to_string()),
        ("know_students", know_students.to_string()),
        ("know_answer", know_answer.to_string()),
        ("know_outside", know_outside.to_string()),
        ("know_device", know_device.to_string()),
        ("leave_quickly", leave_quickly.to_string()),
        ("receipt_title", receipt_title.to_string()),
        ("receipt_intro", receipt_intro.to_string()),
        ("receipt_download", receipt_download.to_string()),
        ("receipt_bad", receipt_bad.to_string()),
        ("status_title", status_title.to_string()),
        ("status", each(CaseState::ALL, *status)),
        ("status_explained", each(CaseState::ALL, *status_explained)),
        ("contact_title", contact_title.to_string()),
        ("contact_intro", contact_intro.to_string()),
        ("contact_name", contact_name.to_string()),
        ("contact_reach", contact_reach.to_string()),
        ("contact_send", contact_send.to_string()),
        ("contact_missing", contact_missing.to_string()),
        ("contact_sent", contact_sent.to_string()),
        ("contact_given", contact_given("X", "Y")),
        ("received_hour", received_hour("X")),
        ("status_share", status_share.to_string()),
        ("status_keep", status_keep.to_string()),
        ("intake_title", intake_title.to_string()),
        ("excluded_members", excluded_members("X")),
    ]
}

/// Texts that are the same word in both languages.
const SAME: [&str; 2] = ["nav_team", "file_label"];

fn check(en: Vec<(&'static str, String)>, nl: Vec<(&'static str, String)>) {
    assert_eq!(en.len(), nl.len());
    for ((name, en), (_, nl)) in en.iter().zip(&nl) {
        assert!(!en.trim().is_empty(), "EN {name} is empty");
        assert!(!nl.trim().is_empty(), "NL {name} is empty");
        for part in en.split('|').chain(nl.split('|')) {
            assert!(!part.trim().is_empty(), "{name} has an empty case");
        }
        if !SAME.contains(name) {
            assert_ne!(en, nl, "NL {name} is the English text");
        }
    }
}

#[test]
fn every_text_exists_in_both_languages() {
    check(render_texts(&EN), render_texts(&NL));
    check(render_teamtexts(&EN_TEAM), render_teamtexts(&NL_TEAM));
    check(render_intake(&EN_INTAKE), render_intake(&NL_INTAKE));
}

#[test]
fn every_error_code_has_its_own_sentence_per_language() {
    for code in all_codes() {
        assert_ne!((EN.error_code)(code), (NL.error_code)(code), "{code:?}");
    }
}

#[test]
fn the_language_comes_from_the_browser_preferences() {
    assert_eq!(Lang::from_preferences(["nl-NL", "en"]), Lang::Nl);
    assert_eq!(Lang::from_preferences(["de-DE", "NL"]), Lang::Nl);
    assert_eq!(Lang::from_preferences(["en-GB", "nl"]), Lang::En);
    assert_eq!(Lang::from_preferences(["fr"]), Lang::En);
    assert_eq!(Lang::from_preferences([]), Lang::En);
}
