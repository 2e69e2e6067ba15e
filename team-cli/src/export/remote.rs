//! The API calls of an export, the same as the team's app makes them (portal/src/team/): the
//! signed directory, a session opened by signing a challenge (crypto/SPEC.md §9.5), the inbox
//! page by page, each case, and the pieces of its attachments. HTTPS as `serve` speaks it
//! (src/serve.rs): rustls, the system's trusted certificates, no redirects.

use std::time::Duration;

use loket_crypto::MemberSecretKey;
use loket_wire::B64;
use loket_wire::api::{
    AttachmentInfo, Challenge, Directory, DirectoryHistory, HandedOver, Handovers, INBOX_PAGE_MAX,
    Inbox, InboxItem, PostHandover, Session, SessionRequest, SignedDirectory, TeamReport,
};
use loket_wire::keys::session_proof_message;
use loket_wire::paths::{self, route};
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::ExportError;
use crate::serve::Upstream;

/// A signed-in member's connection to the server. The session token is wiped when it drops.
pub(crate) struct Remote<'k> {
    base: String,
    http: reqwest::Client,
    key: &'k MemberSecretKey,
    member_id: String,
    salt: Vec<u8>,
    token: Zeroizing<String>,
}

fn client() -> Result<reqwest::Client, ExportError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(300))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ExportError::Network(e.to_string()))
}

/// The error of a request that got no answer, with reqwest's causes (refused, name not
/// found, a certificate this machine does not trust).
fn unreachable(path: &str, e: &reqwest::Error) -> ExportError {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        why.push_str(": ");
        why.push_str(&inner.to_string());
        source = inner.source();
    }
    ExportError::Network(format!("{path}: {why}"))
}

async fn body<T: DeserializeOwned>(path: &str, res: reqwest::Response) -> Result<T, ExportError> {
    let status = res.status();
    if !status.is_success() {
        return Err(ExportError::Refused {
            path: path.to_owned(),
            status: status.as_u16(),
        });
    }
    let bytes = res.bytes().await.map_err(|e| unreachable(path, &e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ExportError::Network(format!("{path}: an answer that does not parse: {e}")))
}

/// `GET /api/v1/directory`, not yet verified.
pub(crate) async fn fetch_directory(upstream: &Upstream) -> Result<SignedDirectory, ExportError> {
    fetch_public(upstream, route::DIRECTORY).await
}

/// `GET /api/v1/directory/history`, not yet verified (crypto/SPEC.md §12.6).
pub(crate) async fn fetch_history(upstream: &Upstream) -> Result<DirectoryHistory, ExportError> {
    fetch_public(upstream, route::DIRECTORY_HISTORY).await
}

/// `GET` of a route that needs no session.
async fn fetch_public<T: DeserializeOwned>(
    upstream: &Upstream,
    route: &str,
) -> Result<T, ExportError> {
    let path = paths::api(route);
    let res = client()?
        .get(format!("{}{path}", upstream.as_str()))
        .send()
        .await
        .map_err(|e| unreachable(&path, &e))?;
    body(&path, res).await
}

impl<'k> Remote<'k> {
    /// Opens a session for `member_id` with `key` on the instance of the verified `dir`.
    pub(crate) async fn sign_in(
        upstream: &Upstream,
        dir: &Directory,
        key: &'k MemberSecretKey,
        member_id: &str,
    ) -> Result<Self, ExportError> {
        let mut remote = Self {
            base: upstream.as_str().to_owned(),
            http: client()?,
            key,
            member_id: member_id.to_owned(),
            salt: dir.deployment_salt.0.clone(),
            token: Zeroizing::new(String::new()),
        };
        remote.session().await?;
        Ok(remote)
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        json: &impl serde::Serialize,
        bearer: bool,
    ) -> Result<T, ExportError> {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(json);
        if bearer {
            req = req.bearer_auth(self.token.as_str());
        }
        let res = req.send().await.map_err(|e| unreachable(path, &e))?;
        body(path, res).await
    }

    /// SPEC §9.5: challenge, proof, session.
    async fn session(&mut self) -> Result<(), ExportError> {
        let challenge: Challenge = self
            .post(
                &paths::api(route::TEAM_CHALLENGE),
                &serde_json::json!({}),
                false,
            )
            .await?;
        let signature = self
            .key
            .sign(&session_proof_message(&self.salt, &challenge.challenge.0));
        let request = SessionRequest {
            member_id: self.member_id.clone(),
            challenge: challenge.challenge,
            signature: B64(signature.to_vec()),
        };
        let session: Session = self
            .post(&paths::api(route::TEAM_SESSION), &request, false)
            .await?;
        self.token = Zeroizing::new(session.token);
        Ok(())
    }

    async fn send_get(&self, path: &str) -> Result<reqwest::Response, ExportError> {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_str())
            .send()
            .await
            .map_err(|e| unreachable(path, &e))
    }

    /// A GET with the session; a session that ended (it lasts an hour) is opened again once.
    async fn get(&mut self, path: &str) -> Result<reqwest::Response, ExportError> {
        let res = self.send_get(path).await?;
        if res.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(res);
        }
        self.session().await?;
        self.send_get(path).await
    }

    /// The cases owed to this member (`GET /team/handovers?own=true`, SPEC §9.12).
    pub(crate) async fn own_handovers(&mut self) -> Result<Handovers, ExportError> {
        let path = format!("{}?own=true", paths::api(route::TEAM_HANDOVERS));
        let res = self.get(&path).await?;
        body(&path, res).await
    }

    /// Hands one case over (`POST /team/handovers`, SPEC §9.11).
    pub(crate) async fn hand_over(&self, post: &PostHandover) -> Result<HandedOver, ExportError> {
        self.post(&paths::api(route::TEAM_HANDOVERS), post, true)
            .await
    }

    /// Every case of the member's inbox, page by page, newest first.
    pub(crate) async fn inbox(&mut self) -> Result<Vec<InboxItem>, ExportError> {
        let mut all = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let mut path = format!("{}?limit={INBOX_PAGE_MAX}", paths::api(route::TEAM_INBOX));
            if let Some(cursor) = &before {
                // A cursor is digits, a dot and hex digits (portal/src/api/team.rs): nothing to
                // escape, and anything else is not followed.
                if !cursor
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.')
                {
                    return Err(ExportError::Network(
                        "the inbox answered a cursor that is not one".into(),
                    ));
                }
                path.push_str("&before=");
                path.push_str(cursor);
            }
            let res = self.get(&path).await?;
            let page: Inbox = body(&path, res).await?;
            let last = page.next.is_none() || page.reports.is_empty();
            all.extend(page.reports);
            if last {
                return Ok(all);
            }
            before = page.next;
        }
    }

    /// One case with its thread, attachments' list and case record versions.
    pub(crate) async fn report(&mut self, report_id: &str) -> Result<TeamReport, ExportError> {
        let path = paths::fill(route::TEAM_REPORT, &[report_id]);
        let res = self.get(&path).await?;
        body(&path, res).await
    }

    /// The whole ciphertext of an attachment, piece by piece.
    pub(crate) async fn attachment(&mut self, info: &AttachmentInfo) -> Result<Vec<u8>, String> {
        let mut ciphertext = Vec::new();
        for index in 0..info.pieces {
            let path = paths::fill(
                route::TEAM_ATTACHMENT_PIECE,
                &[&info.attachment_id, &index.to_string()],
            );
            let res = self.get(&path).await.map_err(|e| e.to_string())?;
            if !res.status().is_success() {
                return Err(format!("piece {index} answered {}", res.status()));
            }
            let bytes = res.bytes().await.map_err(|e| e.to_string())?;
            ciphertext.extend_from_slice(&bytes);
        }
        Ok(ciphertext)
    }

    /// Ends the session on the server; a failure only leaves it to expire within the hour.
    pub(crate) async fn sign_out(self) {
        let path = paths::api(route::TEAM_LOGOUT);
        let _ = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_str())
            .json(&serde_json::json!({}))
            .send()
            .await;
    }
}
