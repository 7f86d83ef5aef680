use std::path::{Path, PathBuf};

use miniapp_package::{RevocationList, TrustAnchors, VersionDocument, keys};

use crate::output::{CliError, read, read_string};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package zip.
    pub package: PathBuf,
    /// The marketplace tree to write (created if missing).
    #[arg(long, value_name = "DIR")]
    pub repo: PathBuf,
    /// The marketplace root private key (PEM).
    #[arg(long, value_name = "ROOT.key")]
    pub root_key: PathBuf,
    /// Validity of the version document and revocation list, like 7d or 12h.
    #[arg(long, default_value = "7d", value_parser = super::duration)]
    pub expires: std::time::Duration,
    /// Staged rollout: only this percentage of hosts (0 to 100, by a stable hash of each host's
    /// install id) gets this version. Republish the same zip with a higher number to widen it.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub rollout: Option<String>,
    /// Kill switch: hosts on this version go back to their backup at their next update check
    /// (repeatable; versions pulled by earlier documents stay pulled).
    #[arg(long = "pull", value_name = "VERSION")]
    pub pull: Vec<String>,
}

/// `ROLLOUT_INVALID` unless `text` is a whole number from 0 to 100.
fn rollout_percent(text: &str) -> Result<u8, CliError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| {
            CliError::new(
                "ROLLOUT_INVALID",
                format!("--rollout {text}: a rollout percentage is a whole number from 0 to 100"),
                Some("pass --rollout 10 for 10% of hosts, 100 (or nothing) for all"),
            )
        })
}

#[derive(clap::Args, Debug)]
pub struct RevokeArgs {
    /// The partner's name, as in its partner record.
    pub partner: String,
    #[arg(long, value_name = "DIR")]
    pub repo: PathBuf,
    #[arg(long, value_name = "ROOT.key")]
    pub root_key: PathBuf,
    #[arg(long, default_value = "7d", value_parser = super::duration)]
    pub expires: std::time::Duration,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Writes `path` so that a server never serves half of it: temp file in the same directory,
/// fsync, rename, fsync the directory.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    miniapp_runtime::write_file_atomic(path, bytes)
        .map_err(|e| CliError::io(&format!("writing {}", path.display()), e))
}

/// A partner name as a file name: letters, digits, `.`, `_`, `-`; anything else becomes `-`.
fn file_name(partner: &str) -> String {
    partner
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_owned()
}

/// The revocation list with `change` applied, the next sequence and a fresh expiry.
fn next_revocations(
    repo: &Path,
    root: &keys::RsaPrivateKey,
    expires: u64,
    change: impl FnOnce(&mut RevocationList),
) -> Result<RevocationList, CliError> {
    let path = repo.join("revoked.json");
    let mut list = match std::fs::read(&path) {
        Ok(b) => RevocationList::from_json(&b).map_err(|e| {
            CliError::new(e.code(), format!("{}: {e}", path.display()), Some(e.hint()))
        })?,
        Err(_) => RevocationList {
            sequence: 0,
            expires: 0,
            partners: Default::default(),
            signature: String::new(),
        },
    };
    change(&mut list);
    list.sequence = now().max(list.sequence + 1);
    list.expires = now() + expires;
    Ok(list.sign(root)?)
}

pub fn run(a: Args) -> Result<(), CliError> {
    let expires = a.expires.as_secs();
    let rollout = a.rollout.as_deref().map(rollout_percent).transpose()?;
    let mut pulled = std::collections::BTreeSet::new();
    for v in &a.pull {
        pulled.insert(semver::Version::parse(v.trim()).map_err(|e| {
            CliError::new(
                "VERSION_INVALID",
                format!("--pull {v}: {e}"),
                Some("name the version to pull like 1.3.0"),
            )
        })?);
    }
    let root = keys::private_key_from_pem(&read_string(&a.root_key)?)?;
    let bytes = read(&a.package)?;
    let archive = miniapp_package::Archive::open(&bytes)?;
    // The marketplace checks the trust chain; host compatibility is each host's own check.
    let any_host = semver::Version::new(u64::MAX, 0, 0);
    let pkg = miniapp_package::verify(
        &archive,
        &TrustAnchors::new(root.to_public_key()),
        &any_host,
    )?;
    let m = pkg.manifest();
    let app_dir = a.repo.join("mini-programs").join(m.id.as_str());
    let doc_path = app_dir.join("version");
    let previous = match std::fs::read(&doc_path) {
        Ok(b) => Some(VersionDocument::from_json(&b).map_err(|e| {
            CliError::new(
                e.code(),
                format!("{}: {e}", doc_path.display()),
                Some(e.hint()),
            )
        })?),
        Err(_) => None,
    };
    if let Some(p) = &previous
        && p.version > m.version
    {
        return Err(CliError::new(
            "VERSION_NOT_NEWER",
            format!(
                "{} {} is older than the published {}",
                m.id, m.version, p.version
            ),
            Some("publish a version newer than the current one"),
        ));
    }
    if let Some(p) = &previous {
        pulled.extend(p.pulled_versions.iter().cloned());
    }
    let sha256 = hex::encode(miniapp_package::digest::sha256(&bytes));
    let zip_name = format!("{}.zip", m.version);
    let zip_path = app_dir.join(&zip_name);
    if let Ok(existing) = std::fs::read(&zip_path)
        && existing != bytes
    {
        return Err(CliError::new(
            "VERSION_EXISTS",
            format!(
                "{} {} is already published with other contents",
                m.id, m.version
            ),
            Some("published versions never change: bump the version and pack again"),
        ));
    }
    let doc = VersionDocument {
        id: m.id.clone(),
        version: m.version.clone(),
        min_host_version: m.min_host_version.clone(),
        url: format!("mini-programs/{}/{zip_name}", m.id),
        size: bytes.len() as u64,
        sha256,
        sequence: now().max(previous.map_or(0, |p| p.sequence + 1)),
        expires: now() + expires,
        rollout_percent: rollout,
        pulled_versions: pulled,
        signature: String::new(),
    };
    doc.check_rollout()
        .map_err(|e| CliError::new(e.code(), e.to_string(), Some(e.hint())))?;
    let doc = doc.sign(&root)?;
    let revoked = next_revocations(&a.repo, &root, expires, |_| {})?;
    // The zip and partner record first: a client never sees a document naming a missing zip.
    write_atomic(&zip_path, &bytes)?;
    let partner = pkg.partner();
    write_atomic(
        &a.repo
            .join("partners")
            .join(format!("{}.json", file_name(&partner.partner))),
        partner.to_json_pretty().as_bytes(),
    )?;
    write_atomic(&doc_path, doc.to_json_pretty().as_bytes())?;
    write_atomic(
        &a.repo.join("revoked.json"),
        revoked.to_json_pretty().as_bytes(),
    )?;
    println!(
        "published {} {} ({} bytes, sha256 {}) to {}; version document sequence {}{}{}",
        doc.id,
        doc.version,
        doc.size,
        doc.sha256,
        a.repo.display(),
        doc.sequence,
        doc.rollout_percent
            .map(|p| format!("; rolling out to {p}% of hosts"))
            .unwrap_or_default(),
        if doc.pulled_versions.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = doc.pulled_versions.iter().map(|v| v.to_string()).collect();
            format!("; pulled: {}", list.join(", "))
        }
    );
    Ok(())
}

pub fn revoke(a: RevokeArgs) -> Result<(), CliError> {
    let expires = a.expires.as_secs();
    let root = keys::private_key_from_pem(&read_string(&a.root_key)?)?;
    let partner = a.partner.clone();
    let list = next_revocations(&a.repo, &root, expires, |l| {
        l.partners.insert(partner);
    })?;
    write_atomic(
        &a.repo.join("revoked.json"),
        list.to_json_pretty().as_bytes(),
    )?;
    println!(
        "revoked partner `{}`; revocation list sequence {}",
        a.partner, list.sequence
    );
    Ok(())
}
