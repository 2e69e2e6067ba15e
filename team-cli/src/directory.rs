//! The organisation key's custodian: making the key and signing the team directory that
//! `loket directory prepare` wrote (crypto/SPEC.md §12.3, §12.4). The custodian sees what
//! they sign — organisation, serial, expiry, roles, members and their fingerprints — and
//! signs the file's bytes exactly as they are.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use loket_crypto::sign::{Signer, SigningSecret};
use loket_format::keys::{organisation_key_file, parse_organisation_key_file};
use loket_wire::api::{Directory, SignedDirectory};
use loket_wire::keys::{OrganisationKey, directory_signed_message};
use loket_wire::{B64, utc_time};

use crate::write_new;

/// `loket-team org-keygen`: a new organisation key file.
pub(crate) fn org_keygen<R: rand::CryptoRng + ?Sized>(
    rng: &mut R,
    out: &Path,
) -> Result<(), String> {
    if out.exists() {
        return Err(format!(
            "{} exists; refusing to overwrite a key file",
            out.display()
        ));
    }
    let key = SigningSecret::generate(rng);
    write_new(out, &organisation_key_file(&key.seed()))?;
    let public = OrganisationKey {
        ed25519: key.verifying_key(),
    };
    println!("key file:         {}", out.display());
    println!("organisation key: {}", public.encode());
    println!("fingerprint:      {}", public.fingerprint());
    Ok(())
}

fn load_key(path: &Path) -> Result<SigningSecret, String> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
    );
    let seed = parse_organisation_key_file(&text)
        .ok_or_else(|| format!("{} is not a Loket organisation key file", path.display()))?;
    Ok(SigningSecret::from_seed(*seed))
}

/// What the custodian is asked to sign, in words.
fn summary(dir: &Directory, key: &OrganisationKey) -> String {
    let mut s = format!(
        "Organisation:  {}\nSigning key:   {} (fingerprint {})\nSerial:        {}\n\
         Issued:        {}\nExpires:       {}\nRoles:\n",
        dir.organisation,
        key.encode(),
        key.fingerprint(),
        dir.serial,
        utc_time(dir.issued),
        utc_time(dir.expires),
    );
    for r in &dir.roles {
        s.push_str(&format!("  {:<24} {}\n", r.id, r.name));
    }
    s.push_str("Members (compare each fingerprint with the member, in person or by phone):\n");
    for m in &dir.members {
        s.push_str(&format!(
            "  {}  {}  [{}]\n",
            m.fingerprint,
            m.name,
            m.roles.join(", ")
        ));
    }
    if dir.members.is_empty() {
        s.push_str("  (none)\n");
    }
    s
}

fn confirm() -> Result<bool, String> {
    eprint!("Sign this directory? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// `loket-team sign-directory`.
pub(crate) fn sign(
    unsigned: &Path,
    key_file: &Path,
    out: Option<PathBuf>,
    yes: bool,
) -> Result<(), String> {
    let body =
        std::fs::read(unsigned).map_err(|e| format!("cannot read {}: {e}", unsigned.display()))?;
    let dir: Directory = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "{} is not an unsigned directory from `loket directory prepare`: {e}",
            unsigned.display()
        )
    })?;
    let key = load_key(key_file)?;
    let public = OrganisationKey {
        ed25519: key.verifying_key(),
    };
    print!("{}", summary(&dir, &public));
    if !yes && !confirm()? {
        return Err("not signed".into());
    }
    let signature = key.sign(&directory_signed_message(&body));
    let signed = SignedDirectory {
        body: B64(body),
        signature: B64(signature.to_vec()),
    };
    let json = serde_json::to_string(&signed).map_err(|e| e.to_string())?;
    let out = out.unwrap_or_else(|| {
        let mut name = unsigned.as_os_str().to_owned();
        name.push(".signed");
        PathBuf::from(name)
    });
    write_new(&out, &json)?;
    println!(
        "Signed. Publish it on the server: loket directory publish --signed {}",
        out.display()
    );
    Ok(())
}

/// `loket-team verify-receipt`: checks a reporter's receipt file with the organisation key.
pub(crate) fn verify_receipt(path: &Path, org_key: &str) -> Result<(), String> {
    let organisation =
        OrganisationKey::parse(org_key).map_err(|e| format!("the organisation key: {e}"))?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: loket_wire::api::ReceiptFile = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a Loket receipt: {e}", path.display()))?;
    let dir = loket_client::verify_receipt_file(&file, &organisation)
        .map_err(|e| format!("the receipt does not verify: {e}"))?;
    let hash: String = file
        .receipt
        .envelope_sha256
        .0
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("valid receipt of {}", dir.organisation);
    println!(
        "received:        the hour starting {}",
        utc_time(file.receipt.received)
    );
    println!("envelope SHA-256: {hash}");
    Ok(())
}
