//! The signed team directory (crypto/SPEC.md §12). The organisation's Ed25519 key signs the
//! list of roles, members and their public keys; portals are built with its public half and
//! refuse any directory it did not sign. Only the admin commands use the secret key, read from
//! a file outside the database; `loket serve` serves the stored signed copy and never needs it.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use loket_wire::B64;
use loket_wire::api::{Directory, Member, Role};
use loket_wire::keys::{OrganisationKey, directory_signed_message};

use crate::store::{SignedDirectoryRow, Store, StoreError};

const BEGIN: &str = "-----BEGIN LOKET ORGANISATION KEY-----";
const END: &str = "-----END LOKET ORGANISATION KEY-----";

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot read the organisation key {path}: {reason}")]
    ReadKey { path: String, reason: String },
    #[error("cannot write the organisation key {path}: {reason}")]
    WriteKey { path: String, reason: String },
    #[error("no randomness available: {0}")]
    Random(String),
    #[error("this organisation key is not the one this instance was initialised with")]
    WrongKey,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot encode the directory: {0}")]
    Encode(String),
}

/// The organisation's signing key. Zeroized on drop (ed25519-dalek), never printed.
pub struct OrganisationSigner(SigningKey);

impl std::fmt::Debug for OrganisationSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrganisationSigner")
            .field("public", &self.public().encode())
            .finish_non_exhaustive()
    }
}

impl OrganisationSigner {
    pub fn generate() -> Result<Self, DirectoryError> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| DirectoryError::Random(e.to_string()))?;
        Ok(Self::from_seed(&seed))
    }

    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(seed))
    }

    pub fn public(&self) -> OrganisationKey {
        OrganisationKey {
            ed25519: self.0.verifying_key().to_bytes(),
        }
    }

    /// The key file's text: the seed in base64 between armor lines.
    pub fn to_armored(&self) -> zeroize::Zeroizing<String> {
        let seed = zeroize::Zeroizing::new(self.0.to_bytes());
        zeroize::Zeroizing::new(format!("{BEGIN}\n{}\n{END}\n", STANDARD.encode(*seed)))
    }

    pub fn from_armored(text: &str) -> Option<Self> {
        let body = text.trim().strip_prefix(BEGIN)?.strip_suffix(END)?.trim();
        let bytes = zeroize::Zeroizing::new(STANDARD.decode(body).ok()?);
        let seed: zeroize::Zeroizing<[u8; 32]> =
            zeroize::Zeroizing::new(bytes.as_slice().try_into().ok()?);
        Some(Self::from_seed(&seed))
    }

    /// Reads the key file at `path`.
    pub fn load(path: &Path) -> Result<Self, DirectoryError> {
        let err = |reason: String| DirectoryError::ReadKey {
            path: path.display().to_string(),
            reason,
        };
        let text =
            zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?);
        Self::from_armored(&text).ok_or_else(|| err("not a Loket organisation key file".into()))
    }

    /// Writes a new key file at `path`, readable by its owner only; never overwrites.
    pub fn save_new(&self, path: &Path) -> Result<(), DirectoryError> {
        let err = |reason: String| DirectoryError::WriteKey {
            path: path.display().to_string(),
            reason,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| err(e.to_string()))?;
        file.write_all(self.to_armored().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| err(e.to_string()))
    }

    fn sign(&self, body: &[u8]) -> [u8; 64] {
        self.0.sign(&directory_signed_message(body)).to_bytes()
    }
}

/// Builds the directory from the database, signs it with `signer` under the next serial and
/// stores it. Refuses a key other than the one recorded at `loket init`.
pub async fn publish(
    store: &Store,
    signer: &OrganisationSigner,
    now: i64,
) -> Result<Directory, DirectoryError> {
    let org = store
        .organisation()
        .await?
        .ok_or(StoreError::NotInitialised)?;
    match &org.organisation_key {
        Some(k) if k.as_slice() == signer.public().ed25519.as_slice() => {}
        Some(_) => return Err(DirectoryError::WrongKey),
        None => store.set_organisation_key(&signer.public().ed25519).await?,
    }
    let serial = store
        .signed_directory()
        .await?
        .map_or(1, |row| row.serial + 1);
    let roles = store.roles().await?;
    let members = store.members().await?;
    let directory = Directory {
        organisation: org.name,
        serial,
        issued: now,
        deployment_salt: B64(org.deployment_salt),
        roles: roles
            .into_iter()
            .map(|r| Role {
                id: r.id.into_string(),
                name: r.name,
                description: r.description,
            })
            .collect(),
        members: members
            .into_iter()
            .map(|m| Member {
                fingerprint: m.keys.fingerprint(),
                id: m.id.into_string(),
                name: m.name,
                roles: m.roles.into_iter().map(|r| r.into_string()).collect(),
                x25519: B64(m.keys.x25519.to_vec()),
                ed25519: B64(m.keys.ed25519.to_vec()),
            })
            .collect(),
    };
    let body = serde_json::to_vec(&directory).map_err(|e| DirectoryError::Encode(e.to_string()))?;
    let signature = signer.sign(&body);
    store
        .save_signed_directory(&SignedDirectoryRow {
            serial,
            body,
            signature: signature.to_vec(),
        })
        .await?;
    tracing::info!(serial, "published the signed team directory");
    Ok(directory)
}
