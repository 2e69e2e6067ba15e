//! A realistic encrypted data set for the annual report (issue 14, docs/load.md "A data set
//! for the annual report"), made through the real API as the portal and the team's app would
//! make it: reports sealed with loket-client to the directory's members, each with a
//! statistics part sealed to the statistics key, a first reply and a case record written by a
//! member who reads the case, and contacts registered from other channels.
//!
//! What is chosen (roles, intake, statistics answers, the case records) comes from a seeded RNG,
//! in one sequence before anything is sent, so a seed gives the same data set whatever the
//! concurrency; the cryptography's randomness is the operating system's. The shares follow the
//! team's annual report: CCP 43 %, ombudsperson 29 %, confidential advisers 28 %; intimidation
//! 29 %, work conflict 25 %, cooperation 17 %, sexual harassment 12 %, the rest spread; advice
//! alone in about 60 % of the cases; about 2.5 conversations a case; one joint report in ten.
//!
//! Two shortcuts, both client-side work the server never sees: reports are signed and sealed
//! with a small pool of reporter keys (one Argon2id each, before the run), and each is sent
//! with a fresh random lookup token instead of one derived from its own code — so nobody can
//! follow a generated report up, which a data set for counting does not need.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use loket_client::StatisticsPart;
use loket_client::case::{CaseReaders, ContactCase, keep, seal_case_record, seal_contact};
use loket_crypto::{FollowUpCode, MemberSecretKey, ReporterKeys};
use loket_wire::B64;
use loket_wire::api::{
    Challenge, Directory, PostCase, PostReply, RegisterContact, Registered, Session,
    SessionRequest, SignedDirectory, SubmitReport, SubmitReportResponse, TeamReport,
};
use loket_wire::content::{
    About, AgeBand, CaseRecord, CaseStatus, Channel, Decision, DecisionOutcome, Handling, Intake,
    Nature, Purpose, ReferralTarget, Relation, StaffCategory, Stage, When,
};
use loket_wire::keys::OrganisationKey;
use loket_wire::paths::{self, route};
use loket_wire::pow::{self, PowChallenge, PowPurpose, PowRequest};
use rand::rngs::StdRng;
use rand::{Rng as _, RngExt as _, SeedableRng as _};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What to make, and where. No `Debug`: it holds the members' secret keys.
pub struct DatasetConfig {
    /// Base URL of the server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// Reports and registered contacts in all.
    pub reports: usize,
    /// Seeds every choice (not the cryptography's randomness).
    pub seed: u64,
    /// The members who write the casework, with their secret keys: each case's reply and record
    /// is written by one of them who holds one of its roles. Roles none of them holds get no
    /// cases.
    pub members: Vec<(String, MemberSecretKey)>,
    /// The directory must verify with this key (as `loket-load --org-key` does).
    pub org_key: OrganisationKey,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Share of the cases that are contacts registered from other channels.
    pub registered_share: f64,
    /// Reporter keys to sign and seal with (one Argon2id each, before the run).
    pub reporter_keys: usize,
    /// Counts the cases made, for a progress display.
    pub progress: Option<Arc<AtomicUsize>>,
}

impl DatasetConfig {
    /// The defaults for everything but the server, its key and the members.
    pub fn new(
        url: &str,
        org_key: OrganisationKey,
        members: Vec<(String, MemberSecretKey)>,
    ) -> Self {
        Self {
            url: url.to_owned(),
            reports: 1000,
            seed: 1,
            members,
            org_key,
            concurrency: 16,
            registered_share: 0.15,
            reporter_keys: 4,
            progress: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url.trim_end_matches('/'))
    }
}

/// Why a data set could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("bad settings: {0}")]
    Config(String),
    #[error("{0}: no answer ({1})")]
    Http(&'static str, String),
    #[error("{0}: the server answered {1}")]
    Status(&'static str, u16),
    #[error("{0}: unreadable answer")]
    Answer(&'static str),
    #[error("the directory: {0}")]
    Directory(String),
    #[error("sealing failed: {0}")]
    Seal(String),
}

/// One case as it was made: everything a test needs to count the truth itself. No `Debug`:
/// the case record and the statistics answers are plaintext.
pub struct GeneratedCase {
    pub report_id: String,
    /// The hour the server received it.
    pub received: i64,
    pub roles: Vec<String>,
    /// The statistics part as sent (each answer may be empty); `None` for a registered
    /// contact, which has none.
    pub statistics: Option<StatisticsPart>,
    /// A contact a member registered from another channel.
    pub registered: bool,
    /// How it reached the team (`Portal` for a report).
    pub channel: Channel,
    /// A registered signal rather than a contact.
    pub signal: bool,
    /// What the reporter's intake said happened (the registered contact's, for those).
    pub what: Vec<Nature>,
    /// The member who wrote the reply and the record, if anyone did.
    pub member: Option<String>,
    /// A first reply was posted.
    pub replied: bool,
    /// The case record posted, if any.
    pub record: Option<CaseRecord>,
}

/// The cases made, in the order of the seeded choices.
pub struct Dataset {
    pub cases: Vec<GeneratedCase>,
}

/// A case as the truth file writes it: the facts a member (and the holder of the statistics
/// key) can see, no texts.
#[derive(Serialize)]
struct TruthCase<'a> {
    report_id: &'a str,
    received: i64,
    roles: &'a [String],
    registered: bool,
    channel: Channel,
    signal: bool,
    what: &'a [Nature],
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<TruthStatistics<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    replied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<TruthRecord<'a>>,
}

#[derive(Serialize)]
struct TruthStatistics<'a> {
    staff: Option<StaffCategory>,
    age: Option<AgeBand>,
    unit: Option<&'a str>,
}

/// A case record without its notes.
#[derive(Serialize)]
struct TruthRecord<'a> {
    status: CaseStatus,
    stage: Stage,
    what: &'a [Nature],
    handling: &'a [Handling],
    referred_to: &'a [ReferralTarget],
    conversations: u32,
    reporters: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'a Decision>,
}

impl Dataset {
    /// The truth file of `loket-dataset --out`: the cases as JSON, without any text.
    pub fn truth(&self) -> serde_json::Value {
        let cases: Vec<TruthCase<'_>> = self
            .cases
            .iter()
            .map(|c| TruthCase {
                report_id: &c.report_id,
                received: c.received,
                roles: &c.roles,
                registered: c.registered,
                channel: c.channel,
                signal: c.signal,
                what: &c.what,
                statistics: c.statistics.as_ref().map(|s| TruthStatistics {
                    staff: s.staff,
                    age: s.age,
                    unit: s.unit.as_deref(),
                }),
                member: c.member.as_deref(),
                replied: c.replied,
                record: c.record.as_ref().map(|r| TruthRecord {
                    status: r.status,
                    stage: r.stage,
                    what: &r.what,
                    handling: &r.handling,
                    referred_to: &r.referred_to,
                    conversations: r.conversations,
                    reporters: r.reporters,
                    decision: r.decision.as_ref(),
                }),
            })
            .collect();
        serde_json::json!({ "cases": cases })
    }
}

/// What one case will be, chosen before anything is sent.
struct Plan {
    roles: Vec<String>,
    /// `Some` for a registered contact: its channel and whether it is a signal.
    contact: Option<(Channel, bool)>,
    intake: Intake,
    statistics: StatisticsPart,
    /// Index into the configured members: who writes the casework.
    member: usize,
    reply: bool,
    record: Option<CaseRecord>,
    /// Which reporter key of the pool signs it.
    reporter: usize,
}

/// Makes the data set described by `config` on its server.
pub async fn generate(config: &DatasetConfig) -> Result<Dataset, DatasetError> {
    if config.concurrency == 0 || config.reporter_keys == 0 {
        return Err(DatasetError::Config(
            "concurrency and reporter keys must be at least 1".into(),
        ));
    }
    if !(0.0..=1.0).contains(&config.registered_share) {
        return Err(DatasetError::Config(
            "the share of registered contacts is between 0 and 1".into(),
        ));
    }
    let http = reqwest::Client::new();
    let dir = directory(config, &http).await?;
    if dir.statistics_key.is_none() || dir.units.is_empty() {
        return Err(DatasetError::Directory(
            "it lists no statistics key or no units (set them with `loket statistics`)".into(),
        ));
    }
    let plans = plan(config, &dir)?;
    let reporters = reporter_pool(&dir, config.reporter_keys).await?;
    let mut sessions = Vec::with_capacity(config.members.len());
    for (id, key) in &config.members {
        sessions.push(login(config, &http, &dir, id, key).await?);
    }
    let run = Run {
        config,
        http,
        dir,
        reporters,
        sessions,
    };
    let cases = futures_util::stream::iter(plans.into_iter().map(Ok::<Plan, DatasetError>))
        .map_ok(|plan| run.make(plan))
        .try_buffered(config.concurrency)
        .try_collect()
        .await?;
    Ok(Dataset { cases })
}

/// The directory, verified with the organisation key.
async fn directory(
    config: &DatasetConfig,
    http: &reqwest::Client,
) -> Result<Directory, DatasetError> {
    let res = http
        .get(config.url(&paths::api(route::DIRECTORY)))
        .send()
        .await
        .map_err(|e| DatasetError::Http("directory", e.to_string()))?;
    let signed: SignedDirectory = answer("directory", res).await?;
    loket_client::verify_directory(&signed, &config.org_key)
        .map_err(|e| DatasetError::Directory(e.to_string()))
}

/// The pool of reporter keys: `n` follow-up codes, each through Argon2id once.
async fn reporter_pool(dir: &Directory, n: usize) -> Result<Vec<ReporterKeys>, DatasetError> {
    let salt = dir.deployment_salt.0.clone();
    tokio::task::spawn_blocking(move || {
        (0..n)
            .map(|_| {
                FollowUpCode::generate(&mut rand::rng())
                    .derive(&salt)
                    .map_err(|e| DatasetError::Seal(e.to_string()))
            })
            .collect()
    })
    .await
    .map_err(|e| DatasetError::Seal(e.to_string()))?
}

/// A team session for `member_id` (crypto/SPEC.md §9.5): a challenge signed with its key.
async fn login(
    config: &DatasetConfig,
    http: &reqwest::Client,
    dir: &Directory,
    member_id: &str,
    key: &MemberSecretKey,
) -> Result<String, DatasetError> {
    let res = http
        .post(config.url(&paths::api(route::TEAM_CHALLENGE)))
        .json(&serde_json::json!({}))
        .send()
        .await
        .map_err(|e| DatasetError::Http("challenge", e.to_string()))?;
    let challenge: Challenge = answer("challenge", res).await?;
    let proof = key.sign(&loket_wire::keys::session_proof_message(
        &dir.deployment_salt.0,
        &challenge.challenge.0,
    ));
    let req = SessionRequest {
        member_id: member_id.to_owned(),
        challenge: challenge.challenge,
        signature: B64(proof.to_vec()),
    };
    let res = http
        .post(config.url(&paths::api(route::TEAM_SESSION)))
        .json(&req)
        .send()
        .await
        .map_err(|e| DatasetError::Http("session", e.to_string()))?;
    let session: Session = answer("session", res).await?;
    Ok(session.token)
}

/// The body of a successful answer, parsed; its status otherwise.
async fn answer<T: DeserializeOwned>(
    what: &'static str,
    res: reqwest::Response,
) -> Result<T, DatasetError> {
    let status = res.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(DatasetError::Status(what, status));
    }
    res.json().await.map_err(|_| DatasetError::Answer(what))
}

/// Everything the cases share while they are made.
struct Run<'a> {
    config: &'a DatasetConfig,
    http: reqwest::Client,
    dir: Directory,
    reporters: Vec<ReporterKeys>,
    /// The session token of each configured member, in the same order.
    sessions: Vec<String>,
}

/// How often a request the server was too busy for (429, 503) is tried again.
const RETRIES: u32 = 5;

impl Run<'_> {
    /// Sends one request (built anew for each try) and parses the answer; a 429 or 503 is
    /// tried again after a pause.
    async fn send<T: DeserializeOwned>(
        &self,
        what: &'static str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, DatasetError> {
        let mut tries = 0;
        loop {
            let res = build()
                .send()
                .await
                .map_err(|e| DatasetError::Http(what, e.to_string()))?;
            let status = res.status().as_u16();
            if (status == 429 || status == 503) && tries < RETRIES {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200 * u64::from(tries))).await;
                continue;
            }
            return answer(what, res).await;
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        what: &'static str,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> Result<T, DatasetError> {
        let url = self.config.url(path);
        self.send(what, || {
            let req = self.http.post(&url).json(body);
            match token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        })
        .await
    }

    /// A solved proof of work for a submission, or none when the server asks for none.
    async fn pow(&self) -> Result<Option<pow::PowSolution>, DatasetError> {
        let path = paths::api(route::POW);
        let req = PowRequest {
            purpose: PowPurpose::Submit,
        };
        let challenge: PowChallenge = self.post("pow", &path, &req, None).await?;
        if challenge.bits == 0 {
            return Ok(None);
        }
        let solved = if challenge.bits <= 12 {
            pow::solve(&challenge)
        } else {
            tokio::task::spawn_blocking(move || pow::solve(&challenge))
                .await
                .map_err(|e| DatasetError::Seal(e.to_string()))?
        };
        solved
            .map(Some)
            .ok_or(DatasetError::Config("the proof of work is too hard".into()))
    }

    /// Makes one case: the report or the registered contact, then its casework.
    async fn make(&self, plan: Plan) -> Result<GeneratedCase, DatasetError> {
        let (report_id, received) = match plan.contact {
            Some(_) => self.register(&plan).await?,
            None => self.submit(&plan).await?,
        };
        let member = &self.config.members[plan.member];
        let token = &self.sessions[plan.member];
        if plan.reply {
            self.reply(&report_id, &member.1, token).await?;
        }
        if let Some(record) = &plan.record {
            self.save_record(&plan.roles, &report_id, &member.1, token, record)
                .await?;
        }
        if let Some(progress) = &self.config.progress {
            progress.fetch_add(1, Ordering::Relaxed);
        }
        let (channel, signal) = plan.contact.unwrap_or((Channel::Portal, false));
        let worked = plan.reply || plan.record.is_some();
        Ok(GeneratedCase {
            report_id,
            received,
            statistics: plan.contact.is_none().then_some(plan.statistics),
            registered: plan.contact.is_some(),
            channel,
            signal,
            what: plan.intake.what,
            member: worked.then(|| member.0.clone()),
            replied: plan.reply,
            record: plan.record,
            roles: plan.roles,
        })
    }

    /// Submits the planned report as the portal does: the report with its intake sealed to
    /// the roles' members and the reporter, the statistics part to the statistics key.
    async fn submit(&self, plan: &Plan) -> Result<(String, i64), DatasetError> {
        let keys = &self.reporters[plan.reporter % self.reporters.len()];
        let submission = loket_client::Submission {
            text: REPORT_TEXT.to_owned(),
            intake: Some(plan.intake.clone()),
            roles: plan.roles.clone(),
            excluded: Vec::new(),
        };
        let mut rng = rand::rng();
        let envelope = loket_client::seal_submission(&mut rng, &self.dir, keys, &submission)
            .map_err(|e| DatasetError::Seal(e.to_string()))?;
        let statistics = loket_client::seal_statistics(&mut rng, &self.dir, keys, &plan.statistics)
            .map_err(|e| DatasetError::Seal(e.to_string()))?;
        let mut lookup_token = [0u8; 32];
        rng.fill_bytes(&mut lookup_token);
        let body = SubmitReport {
            lookup_token: B64(lookup_token.to_vec()),
            roles: plan.roles.clone(),
            envelope,
            pow: self.pow().await?,
            excluded: Vec::new(),
            statistics,
        };
        let sent: SubmitReportResponse = self
            .post("report", &paths::api(route::REPORTS), &body, None)
            .await?;
        Ok((sent.report_id, sent.received))
    }

    /// Registers the planned contact from another channel as its member would.
    async fn register(&self, plan: &Plan) -> Result<(String, i64), DatasetError> {
        let (channel, signal) = plan.contact.unwrap_or((Channel::Phone, false));
        let contact = ContactCase {
            roles: plan.roles.clone(),
            channel,
            signal,
            on: None,
            text: CONTACT_TEXT.to_owned(),
            intake: Some(plan.intake.clone()),
        };
        let (_, key) = &self.config.members[plan.member];
        let envelope = seal_contact(&mut rand::rng(), &self.dir, key, &contact)
            .map_err(|e| DatasetError::Seal(e.to_string()))?;
        let body = RegisterContact {
            roles: plan.roles.clone(),
            envelope,
        };
        let token = &self.sessions[plan.member];
        let registered: Registered = self
            .post(
                "contact",
                &paths::api(route::TEAM_CASES),
                &body,
                Some(token),
            )
            .await?;
        Ok((registered.report_id, registered.received))
    }

    /// The member opens the report and posts a first reply to the reporter.
    async fn reply(
        &self,
        report_id: &str,
        key: &MemberSecretKey,
        token: &str,
    ) -> Result<(), DatasetError> {
        let url = self
            .config
            .url(&paths::fill(route::TEAM_REPORT, &[report_id]));
        let report: TeamReport = self
            .send("case", || self.http.get(&url).bearer_auth(token))
            .await?;
        let opened = loket_client::open_report(key.identity(), &report.envelope).ok_or(
            DatasetError::Seal("the member cannot open the report".into()),
        )?;
        let envelope = loket_client::seal_team_message(
            &mut rand::rng(),
            &self.dir,
            &opened,
            report_id,
            key,
            REPLY_TEXT,
        )
        .map_err(|e| DatasetError::Seal(e.to_string()))?;
        let path = paths::fill(route::TEAM_REPORT_MESSAGES, &[report_id]);
        let _: serde_json::Value = self
            .post("reply", &path, &PostReply { envelope }, Some(token))
            .await?;
        Ok(())
    }

    /// The member saves the case's record, sealed to the case's team readers.
    async fn save_record(
        &self,
        roles: &[String],
        report_id: &str,
        key: &MemberSecretKey,
        token: &str,
        record: &CaseRecord,
    ) -> Result<(), DatasetError> {
        let readers = CaseReaders {
            roles: roles.to_vec(),
            ..CaseReaders::default()
        };
        let envelope = seal_case_record(
            &mut rand::rng(),
            &self.dir,
            &readers,
            report_id,
            key,
            record,
        )
        .map_err(|e| DatasetError::Seal(e.to_string()))?;
        let body = PostCase {
            envelope,
            keep: keep(record),
        };
        let path = paths::fill(route::TEAM_REPORT_CASE, &[report_id]);
        let _: serde_json::Value = self.post("record", &path, &body, Some(token)).await?;
        Ok(())
    }
}

/// The texts of generated cases: the same for all, since nobody reads them and the counts do
/// not depend on them.
const REPORT_TEXT: &str = "A generated report of the annual report's data set.";
const CONTACT_TEXT: &str = "A generated contact of the annual report's data set.";
const REPLY_TEXT: &str = "Thank you for your report. We will contact you within a week.";

/// The annual report's shares of the roles, by the default roles' ids.
const ROLE_SHARES: [(&str, f64); 3] = [
    ("ccp", 43.0),
    ("ombudsperson", 29.0),
    ("confidential-adviser", 28.0),
];

/// One of `items` with the given weights.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    // Rounding may leave `x` just at the end: then the last item.
    let mut chosen = items[0].0;
    for &(item, w) in items {
        chosen = item;
        if x < w {
            break;
        }
        x -= w;
    }
    chosen
}

/// Every case's choices, from the seed, in one sequence.
fn plan(config: &DatasetConfig, dir: &Directory) -> Result<Vec<Plan>, DatasetError> {
    // The roles a configured member holds in the directory, with the annual report's shares
    // (an equal share for a role it does not name).
    let mut holders: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (id, _)) in config.members.iter().enumerate() {
        let member = dir.members.iter().find(|m| &m.id == id).ok_or_else(|| {
            DatasetError::Config(format!("member {id} is not in the signed directory"))
        })?;
        for role in &member.roles {
            holders.entry(role.clone()).or_default().push(i);
        }
    }
    let roles: Vec<(usize, f64)> = dir
        .roles
        .iter()
        .filter(|r| holders.contains_key(&r.id))
        .enumerate()
        .map(|(i, r)| {
            let share = ROLE_SHARES.iter().find(|(id, _)| *id == r.id);
            (i, share.map_or(10.0, |(_, s)| *s))
        })
        .collect();
    let role_ids: Vec<&str> = dir
        .roles
        .iter()
        .filter(|r| holders.contains_key(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    if roles.is_empty() {
        return Err(DatasetError::Config(
            "no configured member holds a role of the directory".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut plans = Vec::with_capacity(config.reports);
    for _ in 0..config.reports {
        let first = weighted(&mut rng, &roles);
        let mut chosen = vec![role_ids[first].to_owned()];
        // One report in twenty goes to a second role as well.
        if role_ids.len() > 1 && rng.random_bool(0.05) {
            let second = weighted(&mut rng, &roles);
            if second != first {
                chosen.push(role_ids[second].to_owned());
            }
        }
        let writers = &holders[&chosen[0]];
        let member = writers[rng.random_range(0..writers.len())];
        let contact = rng
            .random_bool(config.registered_share)
            .then(|| (weighted(&mut rng, CHANNELS), rng.random_bool(0.1)));
        let intake = intake(&mut rng);
        let statistics = statistics(&mut rng, &dir.units);
        // A contact was registered by its member, who records it; a report is answered and
        // recorded, answered only, or still open.
        let (reply, recorded) = match (contact.is_some(), rng.random::<f64>()) {
            (true, _) => (false, true),
            (false, x) if x < 0.12 => (false, false),
            (false, x) if x < 0.17 => (true, false),
            _ => (true, true),
        };
        let record = recorded.then(|| record(&mut rng, &intake.what));
        plans.push(Plan {
            roles: chosen,
            contact,
            intake,
            statistics,
            member,
            reply,
            record,
            reporter: rng.random_range(0..config.reporter_keys),
        });
    }
    Ok(plans)
}

const CHANNELS: &[(Channel, f64)] = &[
    (Channel::Phone, 35.0),
    (Channel::Email, 30.0),
    (Channel::WalkIn, 20.0),
    (Channel::PhdAdviser, 10.0),
    (Channel::WetenschapVeilig, 5.0),
];

/// The annual report's categories: the four named ones with their shares, the rest spread.
const NATURES: &[(Nature, f64)] = &[
    (Nature::Intimidation, 29.0),
    (Nature::WorkConflict, 25.0),
    (Nature::Cooperation, 17.0),
    (Nature::SexualHarassment, 12.0),
    (Nature::Bullying, 3.4),
    (Nature::Aggression, 3.4),
    (Nature::Discrimination, 3.4),
    (Nature::Integrity, 3.4),
    (Nature::Other, 3.4),
];

fn intake(rng: &mut StdRng) -> Intake {
    let mut what = vec![weighted(rng, NATURES)];
    // One report in five names a second kind of behaviour.
    if rng.random_bool(0.2) {
        let second = weighted(rng, NATURES);
        if !what.contains(&second) {
            what.push(second);
        }
    }
    let pick = |rng: &mut StdRng, n: usize| rng.random_range(0..n);
    Intake {
        what,
        about: Some(if rng.random_bool(0.8) {
            About::Myself
        } else {
            About::Bystander
        }),
        relation: Some(Relation::ALL[pick(rng, Relation::ALL.len())]),
        person: None,
        when: Some(When::ALL[pick(rng, When::ALL.len())]),
        purpose: Some(weighted(
            rng,
            &[
                (Purpose::Advice, 60.0),
                (Purpose::Register, 30.0),
                (Purpose::File, 10.0),
            ],
        )),
    }
}

fn statistics(rng: &mut StdRng, units: &[String]) -> StatisticsPart {
    // One reporter in ten answers nothing; otherwise each answer is left out now and then.
    if rng.random_bool(0.1) {
        return StatisticsPart::default();
    }
    let staff = weighted(
        rng,
        &[
            (StaffCategory::Academic, 30.0),
            (StaffCategory::Support, 30.0),
            (StaffCategory::Phd, 20.0),
            (StaffCategory::Student, 10.0),
            (StaffCategory::Former, 5.0),
            (StaffCategory::Other, 5.0),
        ],
    );
    let age = weighted(
        rng,
        &[
            (AgeBand::Under25, 12.0),
            (AgeBand::From25To34, 33.0),
            (AgeBand::From35To44, 25.0),
            (AgeBand::From45To54, 18.0),
            (AgeBand::From55, 12.0),
        ],
    );
    let unit = units[rng.random_range(0..units.len())].clone();
    StatisticsPart {
        staff: (!rng.random_bool(0.1)).then_some(staff),
        age: (!rng.random_bool(0.15)).then_some(age),
        unit: (!rng.random_bool(0.1)).then_some(unit),
    }
}

const HANDLINGS: &[(Handling, f64)] = &[
    (Handling::Guidance, 35.0),
    (Handling::Mediation, 20.0),
    (Handling::Investigation, 10.0),
    (Handling::Referral, 35.0),
];

const TARGETS: &[(ReferralTarget, f64)] = &[
    (ReferralTarget::Hr, 30.0),
    (ReferralTarget::CompanyDoctor, 20.0),
    (ReferralTarget::Psychologist, 15.0),
    (ReferralTarget::Coach, 10.0),
    (ReferralTarget::VictimSupport, 5.0),
    (ReferralTarget::Police, 5.0),
    (ReferralTarget::LegalHelp, 10.0),
    (ReferralTarget::Other, 5.0),
];

/// A case record as a member would save it after the first weeks.
fn record(rng: &mut StdRng, intake: &[Nature]) -> CaseRecord {
    let mut record = CaseRecord::first(intake.to_vec(), 0);
    // The team classifies one case in seven differently from the reporter.
    if rng.random_bool(0.15) {
        let other = weighted(rng, NATURES);
        if !record.what.contains(&other) {
            record.what.push(other);
        }
    }
    record.stage = weighted(
        rng,
        &[
            (Stage::Melding, 70.0),
            (Stage::Informal, 22.0),
            (Stage::Formal, 8.0),
        ],
    );
    if rng.random_bool(0.6) {
        record.handling = vec![Handling::Advice];
    } else {
        let first = weighted(rng, HANDLINGS);
        record.handling = vec![first];
        if rng.random_bool(0.3) {
            let second = weighted(rng, HANDLINGS);
            if second != first {
                record.handling.push(second);
            }
        }
        record.handling.sort();
        if record.handling.contains(&Handling::Referral) {
            record.referred_to = vec![weighted(rng, TARGETS)];
            if rng.random_bool(0.25) {
                let second = weighted(rng, TARGETS);
                if !record.referred_to.contains(&second) {
                    record.referred_to.push(second);
                }
            }
        }
    }
    record.status = weighted(
        rng,
        &[
            (CaseStatus::Closed, 55.0),
            (CaseStatus::InProgress, 30.0),
            (CaseStatus::New, 5.0),
            (CaseStatus::Referred, 10.0),
        ],
    );
    // About 2.5 conversations a case.
    record.conversations = weighted(
        rng,
        &[
            (0, 5.0),
            (1, 20.0),
            (2, 30.0),
            (3, 25.0),
            (4, 10.0),
            (5, 5.0),
            (7, 5.0),
        ],
    );
    // One report in ten is made by two or three people together.
    record.reporters = if rng.random_bool(0.1) {
        rng.random_range(2..=3)
    } else {
        1
    };
    // Most formal complaints have the committee's decision.
    if record.stage == Stage::Formal && rng.random_bool(0.6) {
        let outcome = weighted(
            rng,
            &[
                (DecisionOutcome::Founded, 25.0),
                (DecisionOutcome::PartlyFounded, 25.0),
                (DecisionOutcome::Unfounded, 30.0),
                (DecisionOutcome::Inadmissible, 10.0),
                (DecisionOutcome::Withdrawn, 10.0),
            ],
        );
        record.decision = Some(Decision {
            date: format!(
                "2026-{:02}-{:02}",
                rng.random_range(1..=6),
                rng.random_range(1..=28)
            ),
            outcome,
        });
        record.status = CaseStatus::Closed;
    }
    record
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The seeded choices follow the annual report's shares, and a seed gives the same ones.
    #[test]
    fn the_shares_follow_the_annual_report() {
        let mut rng = StdRng::seed_from_u64(7);
        let n = 20_000;
        let records: Vec<CaseRecord> = (0..n)
            .map(|_| record(&mut rng, &[Nature::Intimidation]))
            .collect();
        let advice = records
            .iter()
            .filter(|r| r.handling == [Handling::Advice])
            .count() as f64
            / n as f64;
        assert!((0.57..0.63).contains(&advice), "{advice}");
        let conversations = records
            .iter()
            .map(|r| f64::from(r.conversations))
            .sum::<f64>()
            / n as f64;
        assert!((2.4..2.7).contains(&conversations), "{conversations}");
        let joint = records.iter().filter(|r| r.reporters > 1).count() as f64 / n as f64;
        assert!((0.08..0.12).contains(&joint), "{joint}");
        let first: Vec<Nature> = (0..n).map(|_| intake(&mut rng).what[0]).collect();
        let share = |nature| first.iter().filter(|w| **w == nature).count() as f64 / n as f64;
        assert!((0.27..0.31).contains(&share(Nature::Intimidation)));
        assert!((0.23..0.27).contains(&share(Nature::WorkConflict)));
        let again = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50).map(|_| intake(&mut rng).what).collect::<Vec<_>>()
        };
        assert_eq!(again(3), again(3));
        assert_ne!(again(3), again(4));
    }
}
