//! The admin subcommands: `init`, `org-key`, `directory publish`, `member …`, `role …`. Every
//! change to roles or members re-signs and publishes the directory.

use loket_wire::keys::{MemberKeys, OrganisationKey};

use crate::clock::now;
use crate::directory::{OrganisationSigner, publish};
use crate::store::{MemberId, RoleId, Store, StoreError};

use super::{Cli, CliError, org_key_path};

/// Signs and publishes the directory after an admin change.
pub(super) async fn republish(cli: &Cli, store: &Store) -> Result<(), CliError> {
    let path = org_key_path(cli);
    let signer = OrganisationSigner::load(&path).map_err(CliError::NotRepublished)?;
    let dir = publish(store, &signer, now()).await?;
    println!("Published the signed directory (serial {}).", dir.serial);
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
    name: &str,
    description: &str,
) -> Result<(), CliError> {
    store.add_role(&RoleId::from(id), name, description).await?;
    println!("Added role {id}.");
    republish(cli, store).await
}

pub(super) async fn list_roles(store: &Store) -> Result<(), CliError> {
    for r in store.roles().await? {
        println!("{}\t{}\t{}", r.id, r.name, r.description);
    }
    Ok(())
}
