//! English.

use loket_client::ClientError;
use loket_crypto::{CodeError, KeyFileError};
use loket_wire::ErrorCode;

use super::{TeamTexts, Texts};

fn error_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MalformedRequest | ErrorCode::InvalidField | ErrorCode::UnsupportedMediaType => {
            "The server did not accept the request. Reload the page and try again."
        }
        ErrorCode::UnknownRole => {
            "A role you chose no longer exists. Reload the page and choose again."
        }
        ErrorCode::PayloadTooLarge => "This is too large to send.",
        ErrorCode::Unauthorized => "Your session has ended. Unlock your key again.",
        ErrorCode::InvalidProof => "The server did not accept the proof of your key. Try again.",
        ErrorCode::ProofOfWorkRequired | ErrorCode::ProofOfWorkInvalid => {
            "The protective puzzle was not accepted. Try again."
        }
        ErrorCode::ReportNotFound => "No report found for this code. Check the code and try again.",
        ErrorCode::NotFound => "This no longer exists on the server.",
        ErrorCode::RequestTimeout => "The connection was too slow to send this in time. Try again.",
        ErrorCode::Conflict => "This was changed in the meantime. Reload and try again.",
        ErrorCode::RateLimited => "Too many requests right now. Wait a few minutes and try again.",
        ErrorCode::Unavailable => "The service is not available right now. Try again later.",
        ErrorCode::Internal => "Something went wrong on the server. Try again later.",
    }
}

fn client_error(e: &ClientError) -> &'static str {
    match e {
        ClientError::DirectoryNotSigned => {
            "The team directory is not signed by this organisation's key."
        }
        ClientError::DirectoryMalformed => "The team directory cannot be read.",
        ClientError::DirectoryExpired => "The team directory has expired.",
        ClientError::DirectoryRolledBack => {
            "The team directory is older than one this page already had."
        }
        ClientError::NoReaders => "Nobody holds the chosen roles, so nobody could read it.",
        ClientError::BadDirectoryKey => "A key in the team directory is not usable.",
        ClientError::Seal => "It could not be encrypted.",
        ClientError::TooLong => {
            "The text is too long (at most about 60,000 characters). Shorten it, or add the rest as a file."
        }
        ClientError::BadReceipt => "The server's receipt could not be checked.",
        ClientError::CannotShare => {
            "The report cannot be shared with that role: it reads the report already, or has nobody who may read it."
        }
        ClientError::CannotHandOver => {
            "The case cannot be handed to that member: the team directory does not vouch for them, or they are not one of its readers."
        }
        ClientError::HistoryBroken => "The earlier team directories cannot be verified.",
    }
}

fn code_error(e: &CodeError) -> String {
    match e {
        CodeError::InvalidCharacter => {
            "The code contains a character that codes never use. Check it and try again.".into()
        }
        CodeError::WrongLength { expected, found } => format!(
            "The code has {found} characters; it should have {expected}. Check it and try again."
        ),
        CodeError::Typo => {
            "The code contains a typo: one of its characters is wrong. Check it and try again."
                .into()
        }
        CodeError::BadSalt => "This portal's settings are damaged; keys cannot be derived.".into(),
    }
}

fn key_file_error(e: &KeyFileError) -> String {
    match e {
        KeyFileError::NotAKeyFile => "This is not a Loket member key file.".into(),
        KeyFileError::UnsupportedVersion => "This key file's version is not supported.".into(),
        KeyFileError::Corrupt => "The key file is damaged.".into(),
        KeyFileError::ExcessiveWork => "The key file asks for more work than allowed.".into(),
        KeyFileError::WrongPassphrase => "Wrong passphrase. Try again.".into(),
        KeyFileError::WeakPassphrase { min } => {
            format!("The passphrase is too short (at least {min} characters).")
        }
    }
}

pub const EN: Texts = Texts {
    lang_name: "English",
    lang_switch: "Language",
    nav_report: "Make a report",
    nav_followup: "Follow up",
    nav_team: "Team",
    team_moves: "For team members: the team's app runs on your own computer, with loket-team.",
    footer_encrypted: "Your report is encrypted in this browser before it is sent. The server stores \
        only ciphertext and cannot read it; it keeps no IP addresses, no cookies and no accounts.",
    footer_fingerprint: "Organisation key fingerprint: ",
    start_failed: "The portal failed to start. Reload the page.",
    dir_untrusted: "Nothing was encrypted or sent: the team directory cannot be trusted.",
    dir_not_loaded: "The team directory has not loaded yet; wait a moment and try again.",
    dir_no_org_key: "This portal was built without its organisation's key, so it cannot check whom \
        it encrypts to. Nothing can be sent. (Build it with LOKET_ORG_KEY set.)",
    dir_not_signed: "The team directory from the server is not signed by this organisation. \
        Nothing will be encrypted or sent. Please tell the team by another channel.",
    dir_expired: "The team directory from the server has expired, so this portal cannot trust whom it would \
        encrypt to. Nothing was encrypted or sent. Try again later; if it lasts, tell the \
        organisation.",
    dir_rolled_back: "The server sent an older team directory than the one this page already had. This portal \
        refuses it: nothing was encrypted or sent. Reload the page later; if it lasts, tell the \
        organisation.",
    dir_load_failed: |e| {
        format!("Cannot load the team directory. {e} Reload the page to try again.")
    },
    network: "The server could not be reached; check your connection and try again.",
    error_code,
    client_error,
    code_error,
    pow_progress: |what, done| {
        format!("{what} Solving a small puzzle that protects Loket from floods: {done} %")
    },
    undecryptable: "This message cannot be decrypted and is not shown.",
    attached_file: |name| format!("Attached a file: {name}"),
    encrypt_and_send: "Encrypt and send",
    report_title: "Make a report",
    report_intro: "Describe what happened, in your own words and as much as you want to share. \
        You do not need to give your name. Only the people in the roles you choose can read it.",
    report_label: "Your report",
    report_readers: "Who may read it",
    team_loading: "Loading the team…",
    role_nobody: "nobody holds this role yet",
    role_read_by: |names| format!("read by {names}"),
    report_write_first: "Write your report first.",
    report_choose_role: "Choose at least one role that may read your report.",
    report_encrypting: "Encrypting your report in this browser…",
    report_no_readers: "Nobody holds the roles you chose yet, so nobody could read your report. \
        Choose another role.",
    report_not_sent: |why| format!("Your report was not sent. {why}"),
    report_pow: "Sending the report.",
    report_sending: "Sending the encrypted report…",
    report_sent: "Your report was sent. Keep your follow-up code: it is shown only now.",
    code_title: "Your follow-up code",
    code_warning: "Write this code down or keep it somewhere only you can reach. It is the only \
        way back to your report and the team's answers. It is shown only this once: nobody, not \
        the team and not the server, can recover it.",
    code_derived: (
        "Your keys were derived from the code in this browser in ",
        " ms.",
    ),
    code_saved: "I have saved my code",
    code_saved_info: "Come back with your code under “Follow up” to read the team's answer.",
    followup_title: "Follow up on your report",
    followup_intro: "Enter the follow-up code you received when you sent your report, to read the \
        team's answers and to reply.",
    code_label: "Follow-up code",
    open: "Open",
    deriving: "Deriving your keys from the code in this browser…",
    fetch_pow: "Fetching your report.",
    fetching: "Fetching your report…",
    not_found: "No report found for this code. Check the code and try again.",
    thread_title: "Your report",
    sent_at: |when| format!("Sent {when}"),
    you_report: "You (report)",
    you: "You",
    the_team: "The team",
    from_former_member: "from a former team member",
    answer_label: "Your answer",
    answer_write_first: "Write your answer first.",
    answer_no_readers: "Nobody holds the roles of this report any more; your answer was not sent.",
    answer_not_sent: |why| format!("Your answer was not sent. {why}"),
    answer_pow: "Sending your answer.",
    answer_sending: "Sending your encrypted answer…",
    answer_sent: "Your answer was sent.",
    open_first: "Open your report with your code first.",
    close: "Close",
    attach_label: |mib| format!("Attach a file (encrypted here, at most {mib} MiB)"),
    attach: "Encrypt and attach",
    file_choose: "Choose a file first.",
    file_reading: "Reading the file…",
    file_unreadable: "The file could not be read.",
    file_encrypting: "Encrypting the file in this browser…",
    file_pow: "Uploading the file.",
    file_uploading: |percent| format!("Uploading the encrypted file: {percent} %"),
    file_note_pow: "Announcing the file.",
    file_note_sending: "Sending the signed note about the file…",
    file_attached: "Your file was encrypted and attached.",
    file_not_attached: |why| format!("Your file was not attached. {why}"),
    withdraw: "Withdraw my report…",
    withdraw_warning: "Withdrawing deletes your report and every message in this thread from the \
        server, at once and for good. The team can no longer read or answer it.",
    withdraw_confirm: "Delete my report",
    withdraw_keep: "Keep it",
    withdraw_pow: "Deleting your report.",
    withdrawing: "Deleting your report…",
    withdrawn: "Your report and every message in it were deleted from the server. Your code no \
        longer opens anything.",
    withdraw_failed: |why| format!("Your report was not deleted. {why}"),
    // Attachments: metadata removal and streamed upload (reporter/pages/follow_up/attach.rs)
    file_checking: "Looking for hidden details (metadata) in the file…",
    file_not_cleaned: |why| {
        format!(
            "The file was not sent: its hidden details (such as the author or a location) could \
             not be removed, because {why}. Save it anew (for example print it to PDF or take a \
             screenshot) and try again."
        )
    },
    scrub_error: |e| match e {
        loket_scrub::ScrubError::Malformed => "it does not follow its file format".into(),
        loket_scrub::ScrubError::Encrypted => "it is protected with a password".into(),
        loket_scrub::ScrubError::Unsupported => {
            "it is built in a way this portal cannot clean".into()
        }
        loket_scrub::ScrubError::TooLarge => format!(
            "PDF and Office files are cleaned only up to {} MiB",
            loket_scrub::IN_MEMORY_LIMIT >> 20
        ),
    },
    file_removed: |list| format!("Removed before encryption: {list}."),
    file_nothing_removed: "No hidden details (metadata) were found in it.",
    file_not_checked: "Files of this type are not checked for hidden details (metadata): it was sent as it is.",
    removed_name: |r| match r {
        loket_scrub::Removed::Exif => "Exif (camera, time, GPS position)",
        loket_scrub::Removed::Xmp => "XMP metadata",
        loket_scrub::Removed::Iptc => "IPTC data (author, caption)",
        loket_scrub::Removed::Comment => "comments",
        loket_scrub::Removed::OtherSegments => "other embedded data",
        loket_scrub::Removed::Text => "text fields (author, description)",
        loket_scrub::Removed::Time => "the time of the last change",
        loket_scrub::Removed::Trailing => "data after the image (such as further images)",
        loket_scrub::Removed::DocumentInfo => "the document information (author, creator, dates)",
        loket_scrub::Removed::DocumentProperties => {
            "the document properties (author, last editor, company, manager)"
        }
    },
};

pub const EN_TEAM: TeamTexts = TeamTexts {
    signin_title: "Team sign-in",
    signin_intro: "Use a trusted machine. Paste your member key file; it is unlocked in this \
        browser with your passphrase and never sent anywhere.",
    key_file_label: "Member key file",
    passphrase_label: "Passphrase",
    unlock: "Unlock",
    unlocking: "Unlocking your key in this browser…",
    key_file_error,
    not_in_directory: "This key is not in this server's team directory. Ask the administrator to \
        add it.",
    signing_in: "Signing in…",
    sign_in_failed: |why| format!("Cannot sign in. {why}"),
    session_ended: "Your session has ended. Unlock your key again.",
    unlock_first: "Unlock your key first.",
    inbox_title: "Inbox",
    refresh: "Refresh",
    lock: "Lock",
    locked: "Locked and signed out. Your key is no longer in this browser's memory.",
    idle_locked: |m| match m {
        1 => "Locked after a minute without use and signed out. Your key is no longer in this \
            browser's memory."
            .into(),
        m => format!(
            "Locked after {m} minutes without use and signed out. Your key is no longer in this \
             browser's memory."
        ),
    },
    inbox_empty: "No reports for your roles yet.",
    inbox_failed: |why| format!("Cannot load the inbox. {why}"),
    message_count: |n| match n {
        1 => "1 message".to_owned(),
        n => format!("{n} messages"),
    },
    report_title: "Report",
    report_failed: |why| format!("Cannot open the report. {why}"),
    received_for: |when, roles| format!("Received {when} · for {roles}"),
    reporter_report: "Reporter (report)",
    reporter: "Reporter",
    former_member: "A former team member",
    handed_over: |n| match n {
        1 => "1 case was handed to a team member who joined later: they can read it now.".into(),
        n => format!(
            "{n} cases were handed to team members who joined later: they can read them now."
        ),
    },
    attachments_title: "Attachments",
    file_label: |name, size| format!("{name} ({size} bytes)"),
    decrypt_save: "Decrypt and save",
    upload_incomplete: "Upload not complete",
    upload_incomplete_error: "This file's upload is not complete.",
    downloading: |percent| format!("Downloading the encrypted file: {percent} %"),
    checking_file: "Checking and decrypting the file…",
    file_mismatch: "This file does not match what the reporter's signed message says, or cannot be \
        decrypted. It was not opened.",
    file_saved: |name, size| format!("Decrypted and verified: {name} ({size} bytes)."),
    download_refused: "The browser did not accept the download.",
    download_failed: |why| format!("The file could not be downloaded. {why}"),
    reply_label: "Reply to the reporter",
    reply_write_first: "Write your reply first.",
    reply_undecryptable: "This report cannot be decrypted, so it cannot be answered.",
    reply_sending: "Sending your encrypted reply…",
    reply_sent: "Your reply was sent.",
    reply_not_sent: |why| format!("Your reply was not sent. {why}"),
    cancel: "Cancel",
    load_more: "Show older reports",
    spam_badge: "spam",
    spam_mark: "Mark as spam",
    spam_note: "Marked as spam. Delete it, or take the mark back if it is a real report.",
    spam_unmark: "Not spam",
    spam_delete: "Delete this report",
    spam_delete_warning: "The report, its messages and its files are deleted from the server for good. This is recorded with your name.",
    spam_deleted: "The report was deleted.",
    spam_failed: |why| format!("That did not work. {why}"),
};
