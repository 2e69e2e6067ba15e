//! The envelope pool: sealed once before the run, sent many times.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::FollowUpCode;
use loket_wire::api::{Directory, SignedDirectory};
use loket_wire::paths::{self, route};
use rand::Rng as _;

use crate::{Config, LoadError};

/// The envelopes of a run.
#[derive(Clone, Debug)]
pub struct Envelopes {
    /// Real envelopes sealed with loket-client, or `LOKT\x01` + random bytes.
    pub sealed: bool,
    /// Readers per sealed envelope (members of the roles, plus the reporter).
    pub readers: usize,
    /// Size of each envelope in bytes.
    pub bytes: usize,
    /// Base64 of each envelope, ready to send.
    b64: Vec<Arc<str>>,
}

impl Envelopes {
    /// Envelopes in the pool.
    pub fn len(&self) -> usize {
        self.b64.len()
    }

    pub fn is_empty(&self) -> bool {
        self.b64.is_empty()
    }

    /// The base64 of envelope `i` (any `i`: it wraps around the pool).
    pub(crate) fn get(&self, i: usize) -> Arc<str> {
        match self.b64.len() {
            0 => Arc::from(""),
            n => Arc::clone(&self.b64[i % n]),
        }
    }

    /// Seals the pool, or makes fake envelopes when nobody could read real ones.
    pub(crate) async fn prepare(
        config: &Config,
        http: &reqwest::Client,
    ) -> Result<Self, LoadError> {
        let dir = directory(config, http).await?;
        let readers = dir.members_of(&config.roles).count();
        if config.fake_envelopes || readers == 0 {
            return Ok(Self::fake(config));
        }
        // One code for the whole pool: one Argon2id (the expensive step of a real reporter),
        // done once here, off the clock.
        let config = config.clone();
        tokio::task::spawn_blocking(move || Self::seal(&config, &dir))
            .await
            .map_err(|e| LoadError::Seal(e.to_string()))?
    }

    fn fake(config: &Config) -> Self {
        // The shape of an envelope to one reader in the padding bucket of `envelope_size`
        // (the server refuses other sizes), filled with random bytes.
        let padded = config
            .envelope_size
            .saturating_sub(loket_format::envelope::header_len(1) + 16);
        let envelopes: Vec<Vec<u8>> = (0..config.pool)
            .map(|_| {
                loket_format::envelope::sized_decoy(1, padded, |rest| rand::rng().fill_bytes(rest))
            })
            .collect();
        let bytes = envelopes.first().map_or(0, Vec::len);
        let b64 = envelopes
            .iter()
            .map(|env| Arc::from(STANDARD.encode(env)))
            .collect();
        Self {
            sealed: false,
            readers: 0,
            bytes,
            b64,
        }
    }

    fn seal(config: &Config, dir: &Directory) -> Result<Self, LoadError> {
        let code = FollowUpCode::generate(&mut rand::rng());
        let keys = code
            .derive(&dir.deployment_salt.0)
            .map_err(|e| LoadError::Seal(e.to_string()))?;
        // The signed body adds a few hundred bytes of JSON and signature to the text; leave 1 KiB
        // so the padded plaintext falls in the bucket of `envelope_size` (16 KiB for 16384).
        let text_len = config.envelope_size.saturating_sub(1024).max(1);
        let mut b64 = Vec::with_capacity(config.pool);
        let mut bytes = 0;
        for _ in 0..config.pool {
            let mut raw = vec![0u8; text_len];
            rand::rng().fill_bytes(&mut raw);
            let text: String = raw.iter().map(|b| char::from(b'a' + b % 26)).collect();
            let sealed =
                loket_client::seal_report(&mut rand::rng(), dir, &config.roles, &keys, &text)
                    .map_err(|e| LoadError::Seal(e.to_string()))?;
            bytes = sealed.0.len();
            b64.push(Arc::from(STANDARD.encode(&sealed.0)));
        }
        Ok(Self {
            sealed: true,
            readers: dir.members_of(&config.roles).count() + 1,
            bytes,
            b64,
        })
    }
}

/// The directory as the server publishes it: verified with `org_key` if given, otherwise only
/// parsed (the load tool is not a reporter's client; a real portal always verifies).
async fn directory(config: &Config, http: &reqwest::Client) -> Result<Directory, LoadError> {
    let url = config.url(&paths::api(route::DIRECTORY));
    let res = http
        .get(&url)
        .send()
        .await
        .map_err(|e| LoadError::Http(format!("{url}: {e}")))?;
    if !res.status().is_success() {
        return Err(LoadError::Directory(format!(
            "{url} answered {}",
            res.status()
        )));
    }
    let signed: SignedDirectory = res
        .json()
        .await
        .map_err(|e| LoadError::Directory(e.to_string()))?;
    match &config.org_key {
        Some(key) => loket_client::verify_directory(&signed, key)
            .map_err(|e| LoadError::Directory(e.to_string())),
        None => {
            serde_json::from_slice(&signed.body.0).map_err(|e| LoadError::Directory(e.to_string()))
        }
    }
}
