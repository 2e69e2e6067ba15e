//! The signed team directory (crypto/SPEC.md §12). The organisation's Ed25519 key signs the
//! list of roles, members and their public keys; portals are built with its public half and
//! refuse any directory it did not sign, or that has expired.
//!
//! In production the key never comes near the server: [`prepare`] writes the unsigned body,
//! the custodian signs it on their own machine (`loket-team sign-directory`), and
//! [`publish_signed`] checks and stores the result. [`publish`] signs here, with a key file:
//! for the demo (`loket serve --demo`) and the tests.

use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use loket_format::keys::{organisation_key_file, parse_organisation_key_file};
use loket_wire::api::{Directory, Member, Role, RoleText, SignedDirectory};
use loket_wire::keys::{OrganisationKey, directory_signed_message};
use loket_wire::{B64, utc_time};

use sha2::{Digest, Sha256};

use crate::clock::DAY;
use crate::store::{SignedDirectoryRow, Store, StoreError};

/// How long a directory is valid when nobody says otherwise (`--valid-days`).
pub const DEFAULT_VALID_DAYS: i64 = 90;

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
    #[error("no organisation key is recorded for this instance: run `loket init`")]
    NoOrganisationKey,
    #[error("the signed directory is not signed by this instance's organisation key")]
    NotSigned,
    #[error("the file is not a signed or unsigned Loket directory: {0}")]
    Malformed(String),
    #[error("serial {offered} is not newer than the published serial {published}: prepare again")]
    StaleSerial { offered: i64, published: i64 },
    #[error("the directory expired at {0}: prepare and sign a new one")]
    Expired(String),
    #[error(
        "the directory does not match this instance ({0}): roles or members changed since it \
         was prepared; prepare and sign again"
    )]
    Mismatch(&'static str),
    #[error("--valid-days must be between 1 and 3650")]
    BadValidity,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot encode the directory: {0}")]
    Encode(String),
    #[error("cannot derive the receipt key: {0}")]
    Receipt(#[from] crate::policy::PolicyError),
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

    /// The key file's text: the seed in base64 between armor lines (SPEC.md §12.1).
    pub fn to_armored(&self) -> zeroize::Zeroizing<String> {
        let seed = zeroize::Zeroizing::new(self.0.to_bytes());
        organisation_key_file(&seed)
    }

    pub fn from_armored(text: &str) -> Option<Self> {
        parse_organisation_key_file(text).map(|seed| Self::from_seed(&seed))
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

    /// The signature over a directory `body` (SPEC.md §12.3).
    pub fn sign(&self, body: &[u8]) -> [u8; 64] {
        self.0.sign(&directory_signed_message(body)).to_bytes()
    }
}

/// A directory body ready to be signed: the parsed [`Directory`] and its exact bytes, which the
/// signature will cover.
#[derive(Debug)]
pub struct Prepared {
    pub directory: Directory,
    pub body: Vec<u8>,
}

/// The directory as the database says it is now, with the given serial and times.
async fn build(
    store: &Store,
    serial: i64,
    issued: i64,
    expires: i64,
) -> Result<Directory, DirectoryError> {
    let org = store
        .organisation()
        .await?
        .ok_or(StoreError::NotInitialised)?;
    let roles = store.roles().await?;
    let members = store.members().await?;
    let receipts = crate::policy::receipt::Receipts::new(&store.server_secret().await?)?;
    Ok(Directory {
        units: org.units,
        statistics_key: org.statistics_key.map(B64),
        receipt_key: Some(B64(receipts.public_key().to_vec())),
        recovery_key: org.recovery_key.map(B64),
        previous: store
            .signed_directory()
            .await?
            .map(|row| B64(Sha256::digest(&row.body).to_vec())),
        former: Vec::new(),
        organisation: org.name,
        serial,
        issued,
        expires,
        deployment_salt: B64(org.deployment_salt),
        roles: roles
            .into_iter()
            .map(|r| Role {
                id: r.id.into_string(),
                name: r.name,
                description: r.description,
                nl: r
                    .nl
                    .map(|(name, description)| RoleText { name, description }),
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
    })
}

/// The unsigned body of the next directory (SPEC.md §12.4): the current roles and members,
/// the published serial plus one, issued `now`, valid `valid_days` days.
pub async fn prepare(store: &Store, now: i64, valid_days: i64) -> Result<Prepared, DirectoryError> {
    if !(1..=3650).contains(&valid_days) {
        return Err(DirectoryError::BadValidity);
    }
    let serial = store
        .signed_directory()
        .await?
        .map_or(1, |row| row.serial + 1);
    let directory = build(store, serial, now, now + valid_days * DAY).await?;
    let body = serde_json::to_vec(&directory).map_err(|e| DirectoryError::Encode(e.to_string()))?;
    Ok(Prepared { directory, body })
}

/// The organisation key recorded for this instance.
pub async fn recorded_key(store: &Store) -> Result<OrganisationKey, DirectoryError> {
    let org = store
        .organisation()
        .await?
        .ok_or(StoreError::NotInitialised)?;
    org.organisation_key
        .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
        .map(|ed25519| OrganisationKey { ed25519 })
        .ok_or(DirectoryError::NoOrganisationKey)
}

/// Checks a directory signed elsewhere and stores it (SPEC.md §12.4): the signature must be by
/// the recorded organisation key, the serial newer than the published one, the expiry in the
/// future, and the body must say what the database says now (a directory prepared before a
/// member was removed would list them again).
pub async fn publish_signed(
    store: &Store,
    signed: &SignedDirectory,
    now: i64,
) -> Result<Directory, DirectoryError> {
    let key = recorded_key(store).await?;
    let signature: [u8; 64] = signed.signature.array().ok_or(DirectoryError::NotSigned)?;
    if !key.verify_directory(&signed.body.0, &signature) {
        return Err(DirectoryError::NotSigned);
    }
    let offered: Directory = serde_json::from_slice(&signed.body.0)
        .map_err(|e| DirectoryError::Malformed(e.to_string()))?;
    if offered.expires <= now {
        return Err(DirectoryError::Expired(utc_time(offered.expires)));
    }
    if let Some(row) = store.signed_directory().await?
        && offered.serial <= row.serial
    {
        return Err(DirectoryError::StaleSerial {
            offered: offered.serial,
            published: row.serial,
        });
    }
    let current = build(store, offered.serial, offered.issued, offered.expires).await?;
    let mismatch = if current.organisation != offered.organisation {
        Some("organisation")
    } else if current.deployment_salt != offered.deployment_salt {
        Some("deployment salt")
    } else if current.roles != offered.roles {
        Some("roles")
    } else if current.members != offered.members {
        Some("members")
    } else if current.units != offered.units || current.statistics_key != offered.statistics_key {
        Some("statistics key or units")
    } else if current.receipt_key != offered.receipt_key {
        Some("receipt key")
    } else if current.recovery_key != offered.recovery_key {
        Some("recovery key")
    } else if current.previous != offered.previous {
        Some("the directory it follows")
    } else {
        None
    };
    if let Some(what) = mismatch {
        return Err(DirectoryError::Mismatch(what));
    }
    store_signed(
        store,
        offered.serial,
        signed.body.0.clone(),
        signature.to_vec(),
    )
    .await?;
    Ok(offered)
}

async fn store_signed(
    store: &Store,
    serial: i64,
    body: Vec<u8>,
    signature: Vec<u8>,
) -> Result<(), DirectoryError> {
    let published = store.signed_directory().await?.map_or(0, |row| row.serial);
    store
        .save_signed_directory(&SignedDirectoryRow {
            serial,
            body,
            signature,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict => DirectoryError::StaleSerial {
                offered: serial,
                published,
            },
            e => e.into(),
        })?;
    tracing::info!(serial, "published the signed team directory");
    Ok(())
}

/// Builds the directory from the database, signs it here with `signer` under the next serial,
/// valid [`DEFAULT_VALID_DAYS`], and stores it. Refuses a key other than the one recorded at
/// `loket init`; records it if none is. For the demo and the tests: a real instance's key
/// stays with its custodian ([`prepare`], [`publish_signed`]).
pub async fn publish(
    store: &Store,
    signer: &OrganisationSigner,
    now: i64,
) -> Result<Directory, DirectoryError> {
    publish_for(store, signer, now, DEFAULT_VALID_DAYS).await
}

/// [`publish`], valid `valid_days` days.
pub async fn publish_for(
    store: &Store,
    signer: &OrganisationSigner,
    now: i64,
    valid_days: i64,
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
    let Prepared { directory, body } = prepare(store, now, valid_days).await?;
    let signature = signer.sign(&body);
    store_signed(store, directory.serial, body, signature.to_vec()).await?;
    Ok(directory)
}

/// The published directory, parsed; `None` when nothing is published, or when what is stored
/// does not parse as this version's directory (one from before `expires` existed), which
/// needs publishing again just the same.
pub async fn published(store: &Store) -> Result<Option<Directory>, DirectoryError> {
    Ok(store
        .signed_directory()
        .await?
        .and_then(|row| serde_json::from_slice(&row.body).ok()))
}

/// Whether the demo should re-sign: nothing usable is published, or it expires within half of
/// `valid_days`.
pub fn due_for_signing(published: Option<&Directory>, now: i64, valid_days: i64) -> bool {
    published.is_none_or(|d| d.expires - now < valid_days * DAY / 2)
}
