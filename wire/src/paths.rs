//! Every path of the API, defined once: the server's router mounts the route templates under
//! [`PREFIX`], and the apps, the tools and the tests build their URLs with the functions here,
//! so none of them can drift from the others.

use crate::pow::PowPurpose;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// Route templates relative to [`PREFIX`], in axum's syntax (`{id}` is a path parameter).
pub mod route {
    /// `GET`: the signed team directory.
    pub const DIRECTORY: &str = "/directory";
    /// `POST`: a proof-of-work challenge.
    pub const POW: &str = "/pow";
    /// `POST`: submit a report.
    pub const REPORTS: &str = "/reports";
    /// `POST`: read a thread with a lookup token.
    pub const THREAD: &str = "/thread";
    /// `POST`: the reporter answers in a thread.
    pub const THREAD_MESSAGES: &str = "/thread/messages";
    /// `POST`: the reporter withdraws a report.
    pub const THREAD_WITHDRAW: &str = "/thread/withdraw";
    /// `POST`: the reporter lets another role read the report (referral with consent).
    pub const THREAD_SHARE: &str = "/thread/share";
    /// `POST`: the reporter starts an attachment upload.
    pub const THREAD_ATTACHMENTS: &str = "/thread/attachments";
    /// `GET`: the state of an upload.
    pub const UPLOAD: &str = "/uploads/{key}";
    /// `PUT`: one piece of an upload.
    pub const UPLOAD_PIECE: &str = "/uploads/{key}/{index}";
    /// `POST`: a team login challenge.
    pub const TEAM_CHALLENGE: &str = "/team/challenge";
    /// `POST`: a team session for a signed challenge.
    pub const TEAM_SESSION: &str = "/team/session";
    /// `POST`: end the team session.
    pub const TEAM_LOGOUT: &str = "/team/logout";
    /// `GET`: the member's inbox.
    pub const TEAM_INBOX: &str = "/team/inbox";
    /// `GET`: one report with its thread.
    pub const TEAM_REPORT: &str = "/team/reports/{id}";
    /// `POST`: a member replies.
    pub const TEAM_REPORT_MESSAGES: &str = "/team/reports/{id}/messages";
    /// `POST`: close a case with its outcome.
    pub const TEAM_REPORT_CLOSE: &str = "/team/reports/{id}/close";
    /// `POST`: mark a report as spam, or take the mark back (audited).
    pub const TEAM_REPORT_SPAM: &str = "/team/reports/{id}/spam";
    /// `POST`: delete a report marked as spam, with everything of it (audited).
    pub const TEAM_REPORT_DELETE: &str = "/team/reports/{id}/delete";
    /// `POST`: a new version of a case's record.
    pub const TEAM_REPORT_CASE: &str = "/team/reports/{id}/case";
    /// `POST`: a contact from another channel, registered as a case.
    pub const TEAM_CASES: &str = "/team/cases";
    /// `GET`: one piece of an attachment, for the team.
    pub const TEAM_ATTACHMENT_PIECE: &str = "/team/attachments/{id}/{index}";

    /// `GET`: cases to hand to a member who joined later; `POST`: one case handed over.
    pub const TEAM_HANDOVERS: &str = "/team/handovers";
    /// `GET`: every published directory as signed, oldest first (crypto/SPEC.md §12.6).
    pub const DIRECTORY_HISTORY: &str = "/directory/history";
    /// `GET`: for the annual report, every report's day, roles and statistics part, a page at
    /// a time (never one the member was kept out of, never spam).
    pub const TEAM_STATISTICS: &str = "/team/statistics";

    /// Every route, for checks that the router mounts each one and the docs list each one.
    pub const ALL: [&str; 25] = [
        DIRECTORY,
        POW,
        REPORTS,
        THREAD,
        THREAD_MESSAGES,
        THREAD_WITHDRAW,
        THREAD_SHARE,
        THREAD_ATTACHMENTS,
        UPLOAD,
        UPLOAD_PIECE,
        TEAM_CHALLENGE,
        TEAM_SESSION,
        TEAM_LOGOUT,
        TEAM_INBOX,
        TEAM_REPORT,
        TEAM_REPORT_MESSAGES,
        TEAM_REPORT_CLOSE,
        TEAM_REPORT_SPAM,
        TEAM_REPORT_DELETE,
        TEAM_REPORT_CASE,
        TEAM_CASES,
        TEAM_ATTACHMENT_PIECE,
        TEAM_HANDOVERS,
        DIRECTORY_HISTORY,
        TEAM_STATISTICS,
    ];
}

/// The full path of a route without parameters, e.g. `api(route::THREAD)` is `/api/v1/thread`.
pub fn api(route: &str) -> String {
    format!("{PREFIX}{route}")
}

/// The full path of `route` with its parameters filled in, in order of appearance.
/// `fill(route::TEAM_REPORT, &["r1"])` is `/api/v1/team/reports/r1`. Parameters are ids the
/// server made (URL-safe); a missing one leaves its placeholder, which the server answers 404.
pub fn fill(route: &str, params: &[&str]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + route.len() + 32);
    out.push_str(PREFIX);
    let mut params = params.iter();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        match params.next() {
            Some(p) => out.push_str(p),
            None => out.push_str(&rest[open..open + close + 1]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The proof of work a route needs in its body, if any (docs/api.md, "Proof of work").
pub fn pow_purpose(route: &str) -> Option<PowPurpose> {
    match route {
        route::REPORTS => Some(PowPurpose::Submit),
        route::THREAD
        | route::THREAD_MESSAGES
        | route::THREAD_WITHDRAW
        | route::THREAD_SHARE
        | route::THREAD_ATTACHMENTS => Some(PowPurpose::Check),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_parameters_in_order() {
        assert_eq!(
            fill(route::TEAM_ATTACHMENT_PIECE, &["a1", "7"]),
            "/api/v1/team/attachments/a1/7"
        );
        assert_eq!(fill(route::THREAD, &[]), api(route::THREAD));
        assert_eq!(
            fill(route::TEAM_REPORT, &[]),
            "/api/v1/team/reports/{id}",
            "a missing parameter stays a placeholder"
        );
    }

    #[test]
    fn every_route_is_unique_and_relative() {
        for (i, a) in route::ALL.iter().enumerate() {
            assert!(a.starts_with('/') && !a.starts_with(PREFIX), "{a}");
            for b in &route::ALL[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
