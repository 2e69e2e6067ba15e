//! The admin subcommands: `init`, `org-key`, `directory …`, `member …`, `role …`. A change to
//! roles or members is stored at once; the directory is re-signed here only where the
//! organisation key file is (a demo); otherwise the administrator prepares, has it signed by
//! the key's custodian and publishes it (crypto/SPEC.md §12.4).

use std::path::Path;

use loket_wire::api::SignedDirectory;
use loket_wire::keys::{MemberKeys, OrganisationKey};
use loket_wire::utc_time;

use crate::clock::now;
use crate::directory::{
    DEFAULT_VALID_DAYS, OrganisationSigner, prepare as prepare_body, publish_for, publish_signed,
    published,
};
use crate::store::{MemberId, RoleId, Store, StoreError};

use super::{Cli, CliError, org_key_path};

const NEXT_STEPS: &str = "To publish it: `loket directory prepare --out next.json`, sign it on \
the custodian's machine with `loket-team sign-directory`, then `loket directory publish \
--signed <signed file>` (docs/operations.md).";

/// After an admin change: re-signs with the key file if there is one (a demo); otherwise says
/// how to publish the change.
pub(super) async fn republish(cli: &Cli, store: &Store) -> Result<(), CliError> {
    let path = org_key_path(cli);
    if !path.exists() {
        println!(
            "The change is stored; the published directory does not show it yet. {NEXT_STEPS}"
        );
        return Ok(());
    }
    let signer = OrganisationSigner::load(&path).map_err(CliError::NotRepublished)?;
    let dir = publish_for(store, &signer, now(), DEFAULT_VALID_DAYS).await?;
    println!("Published the signed directory (serial {}).", dir.serial);
    Ok(())
}

/// `loket directory publish` without `--signed`: signs here with the key file.
pub(super) async fn sign_here(cli: &Cli, store: &Store, valid_days: i64) -> Result<(), CliError> {
    let signer = OrganisationSigner::load(&org_key_path(cli))?;
    let dir = publish_for(store, &signer, now(), valid_days).await?;
    println!(
        "Published the signed directory (serial {}, expires {}).",
        dir.serial,
        utc_time(dir.expires)
    );
    Ok(())
}

/// `loket directory prepare`: the unsigned body of the next directory, to a new file.
pub(super) async fn prepare(store: &Store, out: &Path, valid_days: i64) -> Result<(), CliError> {
    let prepared = prepare_body(store, now(), valid_days).await?;
    write_new(out, &prepared.body)?;
    let d = &prepared.directory;
    println!(
        "Wrote the unsigned directory {}: serial {}, {} role(s), {} member(s), expires {}.\n\
         Sign it on the custodian's machine: loket-team sign-directory --key <organisation.key> {}\n\
         Then: loket directory publish --signed <signed file>",
        out.display(),
        d.serial,
        d.roles.len(),
        d.members.len(),
        utc_time(d.expires),
        out.display()
    );
    Ok(())
}

/// `loket directory publish --signed FILE`: a directory signed elsewhere.
pub(super) async fn publish_file(store: &Store, file: &Path) -> Result<(), CliError> {
    let err = |action, reason: String| CliError::File {
        action,
        path: file.display().to_string(),
        reason,
    };
    let text = std::fs::read(file).map_err(|e| err("read", e.to_string()))?;
    let signed: SignedDirectory = serde_json::from_slice(&text).map_err(|e| {
        err(
            "use",
            format!("not a signed directory from `loket-team sign-directory` ({e})"),
        )
    })?;
    let dir = publish_signed(store, &signed, now()).await?;
    println!(
        "Published the signed directory (serial {}, expires {}).",
        dir.serial,
        utc_time(dir.expires)
    );
    Ok(())
}

/// `loket directory status`: what is published, and until when.
pub(super) async fn status(store: &Store) -> Result<(), CliError> {
    match published(store).await? {
        Some(d) => println!(
            "serial:  {}\nissued:  {}\nexpires: {}{}",
            d.serial,
            utc_time(d.issued),
            utc_time(d.expires),
            if d.expires <= now() { " (EXPIRED)" } else { "" }
        ),
        None => println!("No usable directory is published. {NEXT_STEPS}"),
    }
    Ok(())
}

fn write_new(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let err = |reason: String| CliError::File {
        action: "write",
        path: path.display().to_string(),
        reason,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| err(e.to_string()))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| err(e.to_string()))
}

/// `loket init --org-public-key`: the organisation with the custodian's public key; nothing is
/// signed here.
pub(super) async fn init_custodian(
    store: &Store,
    organisation: &str,
    key: &str,
    exists_ok: bool,
) -> Result<(), CliError> {
    let key = OrganisationKey::parse(key).map_err(|e| CliError::OrgPublicKey(e.to_string()))?;
    match store.init_organisation(organisation, now()).await {
        Ok(()) => println!("Initialised instance for {organisation}."),
        Err(StoreError::Conflict) if exists_ok => println!("Instance already initialised."),
        Err(StoreError::Conflict) => return Err(CliError::AlreadyInitialised),
        Err(e) => return Err(e.into()),
    }
    store
        .set_organisation_key(&key.ed25519)
        .await
        .map_err(|e| match e {
            StoreError::Conflict => CliError::OrgPublicKey(
                "another organisation key is already recorded for this instance".into(),
            ),
            e => e.into(),
        })?;
    println!(
        "Organisation key: {}\nFingerprint: {}\nNothing is published yet. {NEXT_STEPS}",
        key.encode(),
        key.fingerprint()
    );
    Ok(())
}

/// `loket init`: the organisation, a new organisation key if there is none, the first
/// signed directory.
pub(super) async fn init(
    cli: &Cli,
    store: &Store,
    organisation: &str,
    exists_ok: bool,
) -> Result<(), CliError> {
    match store.init_organisation(organisation, now()).await {
        Ok(()) => println!("Initialised instance for {organisation}."),
        Err(StoreError::Conflict) if exists_ok => println!("Instance already initialised."),
        Err(StoreError::Conflict) => return Err(CliError::AlreadyInitialised),
        Err(e) => return Err(e.into()),
    }
    let path = org_key_path(cli);
    if !path.exists() {
        OrganisationSigner::generate()?.save_new(&path)?;
        println!(
            "Created the organisation key {} (keep it safe; it signs the team directory).",
            path.display()
        );
    }
    if store.signed_directory().await?.is_none() {
        republish(cli, store).await?;
    }
    let signer = OrganisationSigner::load(&path)?;
    println!(
        "Organisation key: {}\nFingerprint: {}",
        signer.public().encode(),
        signer.public().fingerprint()
    );
    Ok(())
}

/// `loket org-key`: the organisation's public key, which the portal is built with.
pub(super) async fn org_key(store: &Store) -> Result<(), CliError> {
    let org = store
        .organisation()
        .await?
        .ok_or(CliError::NotInitialised)?;
    let key = org
        .organisation_key
        .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
        .ok_or(CliError::NoOrganisationKey)?;
    let key = OrganisationKey { ed25519: key };
    println!("{}", key.encode());
    eprintln!("fingerprint: {}", key.fingerprint());
    Ok(())
}

pub(super) async fn add_member(
    cli: &Cli,
    store: &Store,
    name: &str,
    roles: &[String],
    key: &str,
) -> Result<(), CliError> {
    let keys = MemberKeys::parse(key).map_err(|e| CliError::MemberKey(e.to_string()))?;
    let role_ids: Vec<RoleId> = roles.iter().map(RoleId::from).collect();
    let id = match store.add_member(name, &keys, &role_ids, now()).await {
        Ok(id) => id,
        Err(StoreError::Conflict) => return Err(CliError::DuplicateMember),
        Err(e) => return Err(e.into()),
    };
    println!(
        "Added member {id} ({name}), roles {}, fingerprint {}",
        roles.join(", "),
        keys.fingerprint()
    );
    republish(cli, store).await
}

pub(super) async fn list_members(store: &Store) -> Result<(), CliError> {
    for m in store.members().await? {
        let roles: Vec<&str> = m.roles.iter().map(RoleId::as_str).collect();
        println!(
            "{}\t{}\t{}\t{}",
            m.id,
            m.name,
            roles.join(","),
            m.keys.fingerprint()
        );
    }
    Ok(())
}

pub(super) async fn remove_member(cli: &Cli, store: &Store, id: &str) -> Result<(), CliError> {
    store.remove_member(&MemberId::from(id)).await?;
    println!("Removed member {id}.");
    republish(cli, store).await
}

pub(super) async fn add_role(
    cli: &Cli,
    store: &Store,
    id: &str,
    en: (&str, &str),
    nl: Option<(&str, &str)>,
) -> Result<(), CliError> {
    store.add_role(&RoleId::from(id), en, nl).await?;
    println!("Added role {id}.");
    republish(cli, store).await
}

/// Sets the statistics key (the X25519 half of a member-style public key) and the units.
pub(super) async fn set_recovery_key(
    cli: &Cli,
    store: &Store,
    key: Option<&str>,
) -> Result<(), CliError> {
    let key = key
        .map(|k| MemberKeys::parse(k).map_err(|e| CliError::MemberKey(e.to_string())))
        .transpose()?;
    store
        .set_recovery_key(key.as_ref().map(|k| &k.x25519))
        .await?;
    match &key {
        Some(k) => println!(
            "Recovery key set (fingerprint {}): cases of a role with one member are sealed to \
             it too.",
            k.fingerprint()
        ),
        None => println!("No recovery key."),
    }
    republish(cli, store).await
}

pub(super) async fn set_statistics(
    cli: &Cli,
    store: &Store,
    key: Option<&str>,
    units: &[String],
) -> Result<(), CliError> {
    let key = key
        .map(|k| MemberKeys::parse(k).map_err(|e| CliError::MemberKey(e.to_string())))
        .transpose()?;
    let mut units = units.to_vec();
    units.dedup();
    if units
        .iter()
        .any(|u| u.trim().is_empty() || u.len() > loket_wire::api::MAX_UNIT_LEN)
    {
        return Err(CliError::BadUnit);
    }
    store
        .set_statistics(key.as_ref().map(|k| &k.x25519), &units)
        .await?;
    match &key {
        Some(k) => println!(
            "Statistics key set (fingerprint {}), {} units.",
            k.fingerprint(),
            units.len()
        ),
        None => println!("No statistics key: reporters send no statistics part."),
    }
    republish(cli, store).await
}

pub(super) async fn list_roles(store: &Store) -> Result<(), CliError> {
    for r in store.roles().await? {
        let nl = r.nl.map(|(name, _)| name).unwrap_or_default();
        println!("{}\t{}\t{}\t{}", r.id, r.name, nl, r.description);
    }
    Ok(())
}
