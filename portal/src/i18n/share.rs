//! Referral with consent (crypto/SPEC.md §9.8): a member asks to involve another role, the
//! reporter grants or refuses. Both apps show the request and the answer in the thread.

pub struct ShareTexts {
    // The team's app.
    pub ask_title: &'static str,
    pub ask_intro: &'static str,
    pub ask_role_label: &'static str,
    pub ask_roles: &'static str,
    pub ask_people: &'static str,
    pub ask_text_label: &'static str,
    pub ask_send: &'static str,
    pub ask_sending: &'static str,
    pub ask_sent: &'static str,
    pub ask_none: &'static str,
    pub ask_failed: fn(&str) -> String,
    // In the thread, for both.
    pub note_ask: fn(&str) -> String,
    pub note_grant: fn(&str) -> String,
    pub note_refuse: fn(&str) -> String,
    // The reporter's follow-up view.
    pub request_title: &'static str,
    pub request_explain: fn(&str) -> String,
    pub request_limits: &'static str,
    pub grant: fn(&str) -> String,
    pub refuse: &'static str,
    pub granting: &'static str,
    pub granted: fn(&str) -> String,
    pub refused: &'static str,
    pub failed: fn(&str) -> String,
}

pub const EN_SHARE: ShareTexts = ShareTexts {
    ask_title: "Involve another role, with the reporter's consent",
    ask_intro: "The reporter sees this request in the thread and decides. Only on their \
                consent can another role, or one person, read the report and the messages so \
                far.",
    ask_role_label: "Role or person to involve",
    ask_roles: "Roles (every member)",
    ask_people: "One person by name",
    ask_text_label: "Why (the reporter reads this)",
    ask_send: "Ask for consent",
    ask_sending: "Sending the request…",
    ask_sent: "The request is in the thread. The reporter decides.",
    ask_none: "Nobody else can be asked: every role and person reads this report already, or \
               may not read it.",
    ask_failed: |why| format!("The request was not sent: {why}"),
    note_ask: |role| format!("Request to involve {role}"),
    note_grant: |role| format!("Consent given: {role} may read the report"),
    note_refuse: |role| format!("Consent refused: {role} does not read the report"),
    request_title: "The team asks your consent",
    request_explain: |role| {
        format!(
            "The team would like {role} to read your report and every message so far, to help \
             you further. Only you can allow this. If you refuse, nothing changes and nobody \
             else reads it."
        )
    },
    request_limits: "Files you attached are not shared: attach them again if they should \
                     read them too. Allowing cannot be undone.",
    grant: |role| format!("Allow {role} to read"),
    refuse: "Refuse",
    granting: "Encrypting your report again for its new readers…",
    granted: |role| format!("{role} can now read your report."),
    refused: "You refused. Nothing was shared.",
    failed: |why| format!("Your answer was not sent: {why}"),
};

pub const NL_SHARE: ShareTexts = ShareTexts {
    ask_title: "Een andere rol betrekken, met toestemming van de melder",
    ask_intro: "De melder ziet dit verzoek in het gesprek en beslist. Alleen met diens \
                toestemming kan een andere rol, of één persoon, de melding en de berichten tot \
                nu toe lezen.",
    ask_role_label: "Te betrekken rol of persoon",
    ask_roles: "Rollen (alle leden)",
    ask_people: "Eén persoon bij naam",
    ask_text_label: "Waarom (de melder leest dit)",
    ask_send: "Toestemming vragen",
    ask_sending: "Verzoek versturen…",
    ask_sent: "Het verzoek staat in het gesprek. De melder beslist.",
    ask_none: "Er is niemand anders om te vragen: elke rol en persoon leest deze melding al, \
               of mag haar niet lezen.",
    ask_failed: |why| format!("Het verzoek is niet verstuurd: {why}"),
    note_ask: |role| format!("Verzoek om {role} te betrekken"),
    note_grant: |role| format!("Toestemming gegeven: {role} mag de melding lezen"),
    note_refuse: |role| format!("Toestemming geweigerd: {role} leest de melding niet"),
    request_title: "Het team vraagt uw toestemming",
    request_explain: |role| {
        format!(
            "Het team wil graag dat {role} uw melding en alle berichten tot nu toe leest, om u \
             verder te helpen. Alleen u kunt dat toestaan. Als u weigert, verandert er niets \
             en leest niemand anders mee."
        )
    },
    request_limits: "Bijlagen worden niet gedeeld: voeg ze opnieuw toe als ook zij ze moeten \
                     lezen. Toestaan kan niet worden teruggedraaid.",
    grant: |role| format!("{role} mag meelezen"),
    refuse: "Weigeren",
    granting: "Uw melding wordt opnieuw versleuteld voor de nieuwe lezers…",
    granted: |role| format!("{role} kan uw melding nu lezen."),
    refused: "U heeft geweigerd. Er is niets gedeeld.",
    failed: |why| format!("Uw antwoord is niet verstuurd: {why}"),
};
