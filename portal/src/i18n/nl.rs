//! Nederlands.

use loket_client::ClientError;
use loket_crypto::{CodeError, KeyFileError};
use loket_wire::ErrorCode;

use super::{TeamTexts, Texts};

fn error_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MalformedRequest | ErrorCode::InvalidField | ErrorCode::UnsupportedMediaType => {
            "De server heeft het verzoek niet geaccepteerd. Laad de pagina opnieuw en probeer het nog eens."
        }
        ErrorCode::UnknownRole => {
            "Een rol die je koos bestaat niet meer. Laad de pagina opnieuw en kies opnieuw."
        }
        ErrorCode::PayloadTooLarge => "Dit is te groot om te versturen.",
        ErrorCode::Unauthorized => "Je sessie is afgelopen. Ontgrendel je sleutel opnieuw.",
        ErrorCode::InvalidProof => {
            "De server heeft het bewijs van je sleutel niet geaccepteerd. Probeer het nog eens."
        }
        ErrorCode::ProofOfWorkRequired | ErrorCode::ProofOfWorkInvalid => {
            "De beschermende puzzel is niet geaccepteerd. Probeer het nog eens."
        }
        ErrorCode::ReportNotFound => {
            "Er is geen melding gevonden bij deze volgcode. Controleer de code en probeer het opnieuw."
        }
        ErrorCode::NotFound => "Dit bestaat niet meer op de server.",
        ErrorCode::RequestTimeout => {
            "De verbinding was te traag om dit op tijd te versturen. Probeer het nog eens."
        }
        ErrorCode::Conflict => {
            "Dit is intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens."
        }
        ErrorCode::RateLimited => {
            "Er komen nu te veel verzoeken binnen. Wacht een paar minuten en probeer het opnieuw."
        }
        ErrorCode::Unavailable => {
            "De dienst is op dit moment niet beschikbaar. Probeer het later opnieuw."
        }
        ErrorCode::Internal => "Er ging iets mis op de server. Probeer het later opnieuw.",
    }
}

fn client_error(e: &ClientError) -> &'static str {
    match e {
        ClientError::DirectoryNotSigned => {
            "Het teamoverzicht is niet ondertekend met de sleutel van deze organisatie."
        }
        ClientError::DirectoryMalformed => "Het teamoverzicht is onleesbaar.",
        ClientError::DirectoryExpired => "Het teamoverzicht is verlopen.",
        ClientError::DirectoryRolledBack => {
            "Het teamoverzicht is ouder dan een dat dit venster al had."
        }
        ClientError::NoReaders => {
            "Niemand vervult de gekozen rollen, dus niemand zou het kunnen lezen."
        }
        ClientError::BadDirectoryKey => "Een sleutel in het teamoverzicht is onbruikbaar.",
        ClientError::Seal => "Het kon niet worden versleuteld.",
        ClientError::TooLong => {
            "De tekst is te lang (hooguit ongeveer 60.000 tekens). Maak hem korter, of voeg de rest toe als bestand."
        }
        ClientError::BadReceipt => {
            "Het ontvangstbewijs van de server kon niet worden gecontroleerd."
        }
        ClientError::CannotShare => {
            "De melding kan niet met die rol worden gedeeld: die leest haar al, of heeft niemand die haar mag lezen."
        }
        ClientError::CannotHandOver => {
            "De zaak kan niet aan dat teamlid worden overgedragen: het teamoverzicht staat niet voor hem of haar in, of hij of zij hoort niet bij de lezers."
        }
        ClientError::HistoryBroken => {
            "De eerdere teamoverzichten kunnen niet worden gecontroleerd."
        }
    }
}

fn code_error(e: &CodeError) -> String {
    match e {
        CodeError::InvalidCharacter => {
            "De code bevat een teken dat in volgcodes niet voorkomt. Controleer de code en probeer het opnieuw."
                .into()
        }
        CodeError::WrongLength { expected, found } => format!(
            "De code heeft {found} tekens; dat moeten er {expected} zijn. Controleer de code en \
             probeer het opnieuw."
        ),
        CodeError::Typo => {
            "De code bevat een typefout: een van de tekens klopt niet. Controleer de code en \
             probeer het opnieuw."
                .into()
        }
        CodeError::BadSalt => {
            "De instellingen van dit portaal zijn beschadigd; er kunnen geen sleutels worden \
             afgeleid."
                .into()
        }
    }
}

fn key_file_error(e: &KeyFileError) -> String {
    match e {
        KeyFileError::NotAKeyFile => "Dit is geen sleutelbestand voor Loket-teamleden.".into(),
        KeyFileError::UnsupportedVersion => {
            "De versie van dit sleutelbestand wordt niet ondersteund.".into()
        }
        KeyFileError::Corrupt => "Het sleutelbestand is beschadigd.".into(),
        KeyFileError::ExcessiveWork => {
            "Het sleutelbestand vraagt meer rekenwerk dan is toegestaan.".into()
        }
        KeyFileError::WrongPassphrase => "Verkeerd wachtwoord. Probeer het opnieuw.".into(),
        KeyFileError::WeakPassphrase { min } => {
            format!("Het wachtwoord is te kort (minstens {min} tekens).")
        }
    }
}

pub const NL: Texts = Texts {
    lang_name: "Nederlands",
    lang_switch: "Taal",
    nav_report: "Melding maken",
    nav_followup: "Mijn melding",
    nav_team: "Team",
    team_moves: "Voor teamleden: de app van het team draait op je eigen computer, met \
        loket-team.",
    footer_encrypted: "Je melding wordt in deze browser versleuteld voordat hij wordt verstuurd. \
        De server bewaart alleen versleutelde gegevens en kan ze niet lezen; hij bewaart geen \
        IP-adressen, geen cookies en geen accounts.",
    footer_fingerprint: "Vingerafdruk van de organisatiesleutel: ",
    start_failed: "Het portaal kon niet starten. Laad de pagina opnieuw.",
    dir_untrusted: "Er is niets versleuteld of verstuurd: het teamoverzicht is niet te vertrouwen.",
    dir_not_loaded: "Het teamoverzicht is nog niet geladen; wacht even en probeer het opnieuw.",
    dir_no_org_key: "Dit portaal is gebouwd zonder de sleutel van de organisatie en kan dus niet \
        controleren voor wie het versleutelt. Er kan niets worden verstuurd. (Bouw het met \
        LOKET_ORG_KEY.)",
    dir_not_signed: "Het teamoverzicht van de server is niet ondertekend door deze organisatie. \
        Er wordt niets versleuteld of verstuurd. Laat het team dit via een ander kanaal weten.",
    dir_expired: "Het teamoverzicht van de server is verlopen, dus dit portaal kan niet nagaan voor wie het \
        zou versleutelen. Er is niets versleuteld of verstuurd. Probeer het later opnieuw; blijft \
        dit zo, meld het dan aan de organisatie.",
    dir_rolled_back: "De server stuurde een ouder teamoverzicht dan dit venster al had. Dit portaal weigert het: \
        er is niets versleuteld of verstuurd. Laad de pagina later opnieuw; blijft dit zo, meld \
        het dan aan de organisatie.",
    dir_load_failed: |e| {
        format!("Het teamoverzicht kan niet worden geladen. {e} Laad de pagina opnieuw.")
    },
    network: "De server is niet bereikbaar; controleer je verbinding en probeer het opnieuw.",
    error_code,
    client_error,
    code_error,
    pow_progress: |what, done| {
        format!(
            "{what} Een kleine puzzel oplossen die Loket beschermt tegen overbelasting: {done} %"
        )
    },
    undecryptable: "Dit bericht kan niet worden ontsleuteld en wordt niet getoond.",
    attached_file: |name| format!("Bestand bijgevoegd: {name}"),
    encrypt_and_send: "Versleutelen en versturen",
    report_title: "Melding maken",
    report_intro: "Beschrijf wat er is gebeurd, in je eigen woorden en zoveel als je wilt delen. \
        Je hoeft je naam niet te noemen. Alleen de mensen in de rollen die je kiest, kunnen je \
        melding lezen.",
    report_label: "Je melding",
    report_readers: "Wie mag hem lezen",
    team_loading: "Het team wordt geladen…",
    role_nobody: "nog niemand vervult deze rol",
    role_read_by: |names| format!("gelezen door {names}"),
    report_write_first: "Schrijf eerst je melding.",
    report_choose_role: "Kies ten minste één rol die je melding mag lezen.",
    report_encrypting: "Je melding wordt in deze browser versleuteld…",
    report_no_readers: "Nog niemand vervult de rollen die je koos, dus niemand zou je melding \
        kunnen lezen. Kies een andere rol.",
    report_not_sent: |why| format!("Je melding is niet verstuurd. {why}"),
    report_pow: "De melding wordt verstuurd.",
    report_sending: "De versleutelde melding wordt verstuurd…",
    report_sent: "Je melding is verstuurd. Bewaar je volgcode: die zie je alleen nu.",
    code_title: "Je volgcode",
    code_warning: "Schrijf deze code op of bewaar hem op een plek waar alleen jij bij kunt. Het is \
        de enige weg terug naar je melding en de antwoorden van het team. Je ziet hem alleen deze \
        ene keer: niemand, ook het team en de server niet, kan hem terughalen.",
    code_derived: (
        "Je sleutels zijn in deze browser uit de code afgeleid in ",
        " ms.",
    ),
    code_saved: "Ik heb mijn code bewaard",
    code_saved_info: "Kom met je code terug onder “Mijn melding” om het antwoord van het team te \
        lezen.",
    followup_title: "Terug naar je melding",
    followup_intro: "Vul de volgcode in die je kreeg toen je je melding verstuurde, om de \
        antwoorden van het team te lezen en te reageren.",
    code_label: "Volgcode",
    open: "Openen",
    deriving: "Je sleutels worden in deze browser uit de code afgeleid…",
    fetch_pow: "Je melding wordt opgehaald.",
    fetching: "Je melding wordt opgehaald…",
    not_found: "Er is geen melding gevonden bij deze volgcode. Controleer de code en probeer het \
        opnieuw.",
    thread_title: "Je melding",
    sent_at: |when| format!("Verstuurd {when}"),
    you_report: "Jij (melding)",
    you: "Jij",
    the_team: "Het team",
    from_former_member: "van een voormalig teamlid",
    answer_label: "Je antwoord",
    answer_write_first: "Schrijf eerst je antwoord.",
    answer_no_readers: "Niemand vervult nog de rollen van deze melding; je antwoord is niet \
        verstuurd.",
    answer_not_sent: |why| format!("Je antwoord is niet verstuurd. {why}"),
    answer_pow: "Je antwoord wordt verstuurd.",
    answer_sending: "Je versleutelde antwoord wordt verstuurd…",
    answer_sent: "Je antwoord is verstuurd.",
    open_first: "Open eerst je melding met je volgcode.",
    close: "Sluiten",
    attach_label: |mib| format!("Bestand bijvoegen (hier versleuteld, hooguit {mib} MiB)"),
    attach: "Versleutelen en bijvoegen",
    file_choose: "Kies eerst een bestand.",
    file_reading: "Het bestand wordt gelezen…",
    file_unreadable: "Het bestand kon niet worden gelezen.",
    file_encrypting: "Het bestand wordt in deze browser versleuteld…",
    file_pow: "Het bestand wordt geüpload.",
    file_uploading: |percent| format!("Het versleutelde bestand wordt geüpload: {percent} %"),
    file_note_pow: "Het bestand wordt aangekondigd.",
    file_note_sending: "Het ondertekende bericht over het bestand wordt verstuurd…",
    file_attached: "Je bestand is versleuteld en bijgevoegd.",
    file_not_attached: |why| format!("Je bestand is niet bijgevoegd. {why}"),
    withdraw: "Mijn melding intrekken…",
    withdraw_warning: "Intrekken verwijdert je melding en elk bericht in dit gesprek van de server, \
        direct en voorgoed. Het team kan hem dan niet meer lezen of beantwoorden.",
    withdraw_confirm: "Mijn melding verwijderen",
    withdraw_keep: "Bewaren",
    withdraw_pow: "Je melding wordt verwijderd.",
    withdrawing: "Je melding wordt verwijderd…",
    withdrawn: "Je melding en alle berichten erin zijn van de server verwijderd. Je volgcode \
        opent niets meer.",
    withdraw_failed: |why| format!("Je melding is niet verwijderd. {why}"),
    // Attachments: metadata removal and streamed upload (reporter/pages/follow_up/attach.rs)
    file_checking: "Het bestand wordt op verborgen gegevens (metadata) gecontroleerd…",
    file_not_cleaned: |why| {
        format!(
            "Het bestand is niet verstuurd: de verborgen gegevens (zoals de auteur of een locatie) \
             konden er niet uit worden gehaald, omdat {why}. Sla het opnieuw op (bijvoorbeeld \
             afdrukken als pdf of een schermafbeelding maken) en probeer het nog eens."
        )
    },
    scrub_error: |e| match e {
        loket_scrub::ScrubError::Malformed => "het niet aan zijn bestandsformaat voldoet".into(),
        loket_scrub::ScrubError::Encrypted => "het met een wachtwoord is beveiligd".into(),
        loket_scrub::ScrubError::Unsupported => {
            "het is opgebouwd op een manier die dit portaal niet kan opschonen".into()
        }
        loket_scrub::ScrubError::TooLarge => format!(
            "pdf- en Office-bestanden alleen tot {} MiB worden opgeschoond",
            loket_scrub::IN_MEMORY_LIMIT >> 20
        ),
    },
    file_removed: |list| format!("Verwijderd vóór het versleutelen: {list}."),
    file_nothing_removed: "Er zijn geen verborgen gegevens (metadata) in gevonden.",
    file_not_checked: "Bestanden van dit type worden niet op verborgen gegevens (metadata) gecontroleerd: het is verstuurd zoals het is.",
    removed_name: |r| match r {
        loket_scrub::Removed::Exif => "Exif (camera, tijdstip, gps-locatie)",
        loket_scrub::Removed::Xmp => "XMP-metadata",
        loket_scrub::Removed::Iptc => "IPTC-gegevens (auteur, bijschrift)",
        loket_scrub::Removed::Comment => "opmerkingen",
        loket_scrub::Removed::OtherSegments => "andere ingebedde gegevens",
        loket_scrub::Removed::Text => "tekstvelden (auteur, beschrijving)",
        loket_scrub::Removed::Time => "het tijdstip van de laatste wijziging",
        loket_scrub::Removed::Trailing => "gegevens na de afbeelding (zoals verdere afbeeldingen)",
        loket_scrub::Removed::DocumentInfo => "de documentinformatie (auteur, maker, data)",
        loket_scrub::Removed::DocumentProperties => {
            "de documenteigenschappen (auteur, laatst bewerkt door, bedrijf, manager)"
        }
    },
};

pub const NL_TEAM: TeamTexts = TeamTexts {
    signin_title: "Inloggen voor het team",
    signin_intro: "Gebruik een vertrouwde computer. Plak je sleutelbestand; het wordt in deze \
        browser met je wachtwoord ontgrendeld en nergens heen gestuurd.",
    key_file_label: "Sleutelbestand",
    passphrase_label: "Wachtwoord",
    unlock: "Ontgrendelen",
    unlocking: "Je sleutel wordt in deze browser ontgrendeld…",
    key_file_error,
    not_in_directory: "Deze sleutel staat niet in het teamoverzicht van deze server. Vraag de \
        beheerder om hem toe te voegen.",
    signing_in: "Bezig met inloggen…",
    sign_in_failed: |why| format!("Inloggen is niet gelukt. {why}"),
    session_ended: "Je sessie is afgelopen. Ontgrendel je sleutel opnieuw.",
    unlock_first: "Ontgrendel eerst je sleutel.",
    inbox_title: "Postvak",
    refresh: "Vernieuwen",
    lock: "Vergrendelen",
    locked: "Vergrendeld en uitgelogd. Je sleutel staat niet meer in het geheugen van deze browser.",
    idle_locked: |m| match m {
        1 => "Vergrendeld na een minuut zonder gebruik, en uitgelogd. Je sleutel staat niet meer \
            in het geheugen van deze browser."
            .into(),
        m => format!(
            "Vergrendeld na {m} minuten zonder gebruik, en uitgelogd. Je sleutel staat niet meer \
             in het geheugen van deze browser."
        ),
    },
    inbox_empty: "Nog geen meldingen voor jouw rollen.",
    inbox_failed: |why| format!("Het postvak kan niet worden geladen. {why}"),
    message_count: |n| match n {
        1 => "1 bericht".to_owned(),
        n => format!("{n} berichten"),
    },
    report_title: "Melding",
    report_failed: |why| format!("De melding kan niet worden geopend. {why}"),
    received_for: |when, roles| format!("Ontvangen {when} · voor {roles}"),
    reporter_report: "Melder (melding)",
    reporter: "Melder",
    former_member: "Een voormalig teamlid",
    handed_over: |n| match n {
        1 => "1 zaak is overgedragen aan een later toegetreden teamlid: die kan haar nu lezen."
            .into(),
        n => format!(
            "{n} zaken zijn overgedragen aan later toegetreden teamleden: zij kunnen ze nu lezen."
        ),
    },
    attachments_title: "Bijlagen",
    file_label: |name, size| format!("{name} ({size} bytes)"),
    decrypt_save: "Ontsleutelen en opslaan",
    upload_incomplete: "Upload niet compleet",
    upload_incomplete_error: "De upload van dit bestand is niet compleet.",
    downloading: |percent| format!("Het versleutelde bestand wordt gedownload: {percent} %"),
    checking_file: "Het bestand wordt gecontroleerd en ontsleuteld…",
    file_mismatch: "Dit bestand klopt niet met wat het ondertekende bericht van de melder zegt, of \
        kan niet worden ontsleuteld. Het is niet geopend.",
    file_saved: |name, size| format!("Ontsleuteld en gecontroleerd: {name} ({size} bytes)."),
    download_refused: "De browser heeft de download niet aangenomen.",
    download_failed: |why| format!("Het bestand kon niet worden gedownload. {why}"),
    reply_label: "Antwoord aan de melder",
    reply_write_first: "Schrijf eerst je antwoord.",
    reply_undecryptable: "Deze melding kan niet worden ontsleuteld en dus niet worden beantwoord.",
    reply_sending: "Je versleutelde antwoord wordt verstuurd…",
    reply_sent: "Je antwoord is verstuurd.",
    reply_not_sent: |why| format!("Je antwoord is niet verstuurd. {why}"),
    cancel: "Annuleren",
    load_more: "Oudere meldingen tonen",
    spam_badge: "spam (ongewenst)",
    spam_mark: "Markeren als spam",
    spam_note: "Gemarkeerd als spam. Verwijder de melding, of haal de markering weg als het een echte melding is.",
    spam_unmark: "Geen spam",
    spam_delete: "Deze melding verwijderen",
    spam_delete_warning: "De melding, de berichten en de bestanden worden definitief van de server verwijderd. Dit wordt vastgelegd met je naam.",
    spam_deleted: "De melding is verwijderd.",
    spam_failed: |why| format!("Dat is niet gelukt. {why}"),
};
