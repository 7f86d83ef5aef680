//! [`verify`]: the only way to turn an [`Archive`] into a [`VerifiedPackage`].

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::archive::Archive;
use crate::digest;
use crate::envelope::Envelope;
use crate::error::PackageError;
use crate::keys::{self, RsaPublicKey};
use crate::manifest::{Manifest, Permission};
use crate::pack::{MANIFEST_PATH, PARTNER_PATH, SIGNATURE_PATH};
use crate::partner::PartnerRecord;

/// What a host trusts: the marketplace root key, and the time at which partner records are
/// judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchors {
    /// The marketplace root public key that signs partner records.
    pub root_public_key: RsaPublicKey,
    /// The other keys of the current root (see [`crate::root`]); any root key may sign.
    pub other_root_keys: Vec<RsaPublicKey>,
    /// Now, in unix seconds.
    pub now_unix: u64,
}

impl TrustAnchors {
    /// Trusts `root_public_key`, judging partner records at the current system time.
    pub fn new(root_public_key: RsaPublicKey) -> TrustAnchors {
        let now_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        TrustAnchors {
            root_public_key,
            other_root_keys: Vec::new(),
            now_unix,
        }
    }

    /// Trusts every key of a root; `None` if `keys` is empty.
    pub fn from_root_keys(mut keys: Vec<RsaPublicKey>) -> Option<TrustAnchors> {
        if keys.is_empty() {
            return None;
        }
        let first = keys.remove(0);
        Some(TrustAnchors {
            other_root_keys: keys,
            ..TrustAnchors::new(first)
        })
    }

    /// Every root key, the first one first.
    pub fn root_keys(&self) -> impl Iterator<Item = &RsaPublicKey> {
        std::iter::once(&self.root_public_key).chain(&self.other_root_keys)
    }

    /// The same anchors, judging partner records at `now_unix` instead.
    pub fn at(self, now_unix: u64) -> TrustAnchors {
        TrustAnchors { now_unix, ..self }
    }
}

/// A package whose partner record, signature and policy checks all passed. Only [`verify`]
/// makes one.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    manifest: Manifest,
    partner: PartnerRecord,
    partner_public_key: RsaPublicKey,
    digest: [u8; 32],
    files: BTreeMap<String, Vec<u8>>,
    archive_bytes_len: usize,
}

impl VerifiedPackage {
    /// The manifest, with its signature.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The partner record, verified against the root key.
    pub fn partner(&self) -> &PartnerRecord {
        &self.partner
    }

    /// The partner's public key, which signed the package.
    pub fn partner_public_key(&self) -> &RsaPublicKey {
        &self.partner_public_key
    }

    /// SHA-256 of what the partner signed: the entry list (version 2) or the legacy payload
    /// (see [`crate::digest`]).
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// [`VerifiedPackage::digest`] in lower-case hex.
    pub fn digest_hex(&self) -> String {
        hex::encode(self.digest)
    }

    /// Every entry, `manifest.json` and `partner.json` included.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// The bytes of the manifest's `entryPoint`.
    pub fn entry_point_bytes(&self) -> &[u8] {
        self.files
            .get(&self.manifest.entry_point)
            .map(Vec::as_slice)
            .expect("verify checked the entry point is present")
    }

    /// Length of the zip the package was read from.
    pub fn archive_bytes_len(&self) -> usize {
        self.archive_bytes_len
    }
}

/// Verifies a package, in this order, returning the first failure:
///
/// 1. `manifest.json` is present and valid — `MANIFEST_INVALID`;
/// 2. `partner.json` is present, valid, signed by the root key and within its validity window
///    at `anchors.now_unix` — `PARTNER_UNTRUSTED`;
/// 3. the package is signed by the partner's key — `SIGNATURE_INVALID`: `signature.dsse.json`
///    (version 2) is a DSSE envelope whose entry list names exactly the other entries, byte for
///    byte; without it (version 1, legacy) the manifest's `signature` covers the
///    [digest payload](crate::digest);
/// 4. the app id lies in the partner's namespace — `NAMESPACE_VIOLATION`;
/// 5. every `allowedDomains` entry is covered by the partner record's domains and is neither a
///    public-suffix wildcard, a loopback/local name nor an address (nor is any partner
///    domain) — `DOMAIN_NOT_ALLOWED`; every permission is allowed to the partner —
///    `PERMISSION_NOT_ALLOWED`;
/// 6. the entry point is in the package — `ENTRY_POINT_MISSING`;
/// 7. `minHostVersion <= host_version` — `HOST_VERSION_INCOMPATIBLE`;
/// 8. a component entry point parses (`COMPONENT_INVALID`) and imports only what its declared
///    permissions grant — `IMPORT_NOT_PERMITTED`, `IMPORT_UNKNOWN` (the check every install runs).
///
/// Integrity comes before policy, so a policy error is only ever reported for a package that
/// its partner really signed.
pub fn verify(
    archive: &Archive,
    anchors: &TrustAnchors,
    host_version: &semver::Version,
) -> Result<VerifiedPackage, PackageError> {
    let manifest_json =
        archive
            .get(MANIFEST_PATH)
            .ok_or_else(|| PackageError::ManifestInvalid {
                reason: "the package has no manifest.json at its root".to_owned(),
            })?;
    let manifest = Manifest::from_json(manifest_json)?;

    let partner_json = archive
        .get(PARTNER_PATH)
        .ok_or_else(|| PackageError::PartnerUntrusted {
            reason: "the package has no partner.json at its root".to_owned(),
        })?;
    let partner = PartnerRecord::from_json(partner_json)?;
    // The root key that signed the record, if any; otherwise the first, for its error.
    let root = anchors
        .root_keys()
        .find(|k| partner.is_signed_by(k))
        .unwrap_or(&anchors.root_public_key);
    let partner_public_key = partner.verify(root, anchors.now_unix)?;

    let digest = match archive.get(SIGNATURE_PATH) {
        Some(envelope) => check_entry_list_signature(
            archive,
            envelope,
            &manifest,
            &partner_public_key,
            &partner.partner,
        )?,
        None => check_legacy_signature(archive, &manifest, &partner_public_key, &partner.partner)?,
    };

    check_partner_policy(&manifest, &partner)?;

    if archive.get(&manifest.entry_point).is_none() {
        return Err(PackageError::EntryPointMissing {
            entry_point: manifest.entry_point.clone(),
        });
    }
    if manifest.min_host_version > *host_version {
        return Err(PackageError::HostVersionIncompatible {
            required: manifest.min_host_version.clone(),
            current: host_version.clone(),
        });
    }
    check_entry_point_imports(&manifest, archive.entries())?;

    Ok(VerifiedPackage {
        digest,
        manifest,
        partner,
        partner_public_key,
        files: archive.entries().clone(),
        archive_bytes_len: archive.archive_bytes_len(),
    })
}

fn not_signed_by(partner: &str) -> PackageError {
    PackageError::SignatureInvalid {
        reason: format!(
            "the package contents do not match the signature by partner `{partner}`: an entry or \
             a manifest field was changed, added or removed after signing, or another key signed \
             it"
        ),
    }
}

/// Version 2: `signature.dsse.json` is the partner's DSSE envelope over the entry list, and the
/// list names exactly the other entries with their sizes and SHA-256. Returns SHA-256 of the
/// list (the package digest).
fn check_entry_list_signature(
    archive: &Archive,
    envelope: &[u8],
    manifest: &Manifest,
    partner_key: &RsaPublicKey,
    partner: &str,
) -> Result<[u8; 32], PackageError> {
    let invalid = |reason: String| PackageError::SignatureInvalid { reason };
    if manifest.signature.is_some() {
        return Err(invalid(format!(
            "manifest.json has a `signature`, but a package with {SIGNATURE_PATH} is signed \
             there, not in the manifest"
        )));
    }
    let envelope = Envelope::from_json(envelope)
        .map_err(|e| invalid(format!("{SIGNATURE_PATH} is not readable: {e}")))?;
    if envelope.payload_type != digest::PACKAGE_PAYLOAD_TYPE {
        return Err(invalid(format!(
            "{SIGNATURE_PATH} has payloadType `{}`; expected `{}`",
            envelope.payload_type.escape_debug(),
            digest::PACKAGE_PAYLOAD_TYPE
        )));
    }
    if envelope.signed_by(&[partner_key]).is_empty() {
        return Err(not_signed_by(partner));
    }
    let list = digest::parse_entry_list(&envelope.payload)
        .map_err(|e| invalid(format!("the signed entry list is malformed: {e}")))?;
    let entries = archive
        .entries()
        .iter()
        .filter(|(p, _)| p.as_str() != SIGNATURE_PATH);
    let mut count = 0;
    for (path, data) in entries {
        count += 1;
        let matches = list.get(path).is_some_and(|(size, hash)| {
            *size == data.len() as u64 && *hash == digest::sha256(data)
        });
        if !matches {
            return Err(not_signed_by(partner));
        }
    }
    if count != list.len() {
        return Err(not_signed_by(partner));
    }
    Ok(digest::sha256(&envelope.payload))
}

/// Version 1 (legacy): the manifest's `signature` over the [digest payload](crate::digest).
fn check_legacy_signature(
    archive: &Archive,
    manifest: &Manifest,
    partner_key: &RsaPublicKey,
    partner: &str,
) -> Result<[u8; 32], PackageError> {
    let signature =
        manifest
            .signature
            .as_deref()
            .ok_or_else(|| PackageError::SignatureInvalid {
                reason: format!(
                    "the package has neither {SIGNATURE_PATH} nor a `signature` in \
                     manifest.json; it was never signed"
                ),
            })?;
    let signature =
        keys::signature_from_base64(signature).ok_or_else(|| PackageError::SignatureInvalid {
            reason: "the `signature` in manifest.json is not standard base64".to_owned(),
        })?;
    let payload = digest::signed_payload(manifest, archive.entries());
    if !keys::verify_pss_sha256(partner_key, &payload, &signature) {
        return Err(not_signed_by(partner));
    }
    Ok(digest::sha256(&payload))
}

/// A component entry point imports only what the manifest's permissions grant. Shared by
/// [`verify`] and [`crate::pack`].
pub(crate) fn check_entry_point_imports(
    manifest: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), PackageError> {
    match files.get(&manifest.entry_point) {
        Some(bytes) if manifest.is_component() => {
            crate::imports::check_component_imports(bytes, &manifest.permissions)
        }
        _ => Ok(()),
    }
}

/// The app id lies in the partner's namespace and its permissions are all allowed. Shared by
/// [`verify`] and [`crate::pack`], so a partner learns at pack time what installs would refuse.
pub(crate) fn check_partner_policy(
    manifest: &Manifest,
    partner: &PartnerRecord,
) -> Result<(), PackageError> {
    if !manifest.id.is_in_namespace(partner.namespace.as_str()) {
        return Err(PackageError::NamespaceViolation {
            id: manifest.id.to_string(),
            namespace: partner.namespace.to_string(),
            partner: partner.partner.clone(),
        });
    }
    crate::partner::check_partner_domains(&partner.allowed_domains)?;
    for d in &manifest.allowed_domains {
        if let Some(reason) = d.refusal() {
            return Err(PackageError::DomainNotAllowed {
                domain: d.as_str().to_owned(),
                reason,
            });
        }
        if !partner.allowed_domains.iter().any(|p| p.covers(d)) {
            return Err(PackageError::DomainNotAllowed {
                domain: d.as_str().to_owned(),
                reason: format!(
                    "the partner record of `{}` does not list it (it lists: {})",
                    partner.partner,
                    list_domains(&partner.allowed_domains)
                ),
            });
        }
    }
    let denied: Vec<Permission> = manifest
        .permissions
        .difference(&partner.allowed_permissions)
        .copied()
        .collect();
    if !denied.is_empty() {
        return Err(PackageError::PermissionNotAllowed {
            denied,
            partner: partner.partner.clone(),
        });
    }
    Ok(())
}

fn list_domains(domains: &[crate::DomainPattern]) -> String {
    if domains.is_empty() {
        return "no domains".to_owned();
    }
    let names: Vec<&str> = domains.iter().map(|d| d.as_str()).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{other, partner, root};
    use crate::pack::pack;
    use crate::pack::tests::{files, manifest};
    use crate::partner::tests::{ISSUED, record};

    fn anchors() -> TrustAnchors {
        TrustAnchors::new(root().1.clone()).at(ISSUED + 60)
    }

    fn host() -> semver::Version {
        semver::Version::new(1, 4, 0)
    }

    #[test]
    fn a_packed_package_verifies_and_exposes_its_contents() {
        let bytes = pack(&manifest(), &files(), &record(), &partner().0).unwrap();
        let archive = Archive::open(&bytes).unwrap();
        let v = verify(&archive, &anchors(), &host()).unwrap();
        assert_eq!(
            Manifest {
                signature: None,
                ..v.manifest().clone()
            },
            manifest()
        );
        assert_eq!(v.partner(), &record());
        assert_eq!(v.partner_public_key(), &partner().1);
        assert_eq!(v.entry_point_bytes(), files()["app.wasm"].as_slice());
        assert_eq!(v.files().len(), files().len() + 3);
        assert_eq!(v.files(), archive.entries());
        assert_eq!(v.archive_bytes_len(), bytes.len());
        let envelope = Envelope::from_json(archive.get(SIGNATURE_PATH).unwrap()).unwrap();
        assert_eq!(v.digest(), digest::sha256(&envelope.payload));
        assert_eq!(v.digest_hex(), hex::encode(v.digest()));
    }

    #[test]
    fn a_changed_entry_breaks_the_signature() {
        let bytes = pack(&manifest(), &files(), &record(), &partner().0).unwrap();
        let mut entries = Archive::open(&bytes).unwrap().entries().clone();
        entries.get_mut("index.html").unwrap().push(b' ');
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (p, d) in &entries {
            w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, d).unwrap();
        }
        let archive = Archive::open(&w.finish().unwrap().into_inner()).unwrap();
        assert_eq!(
            verify(&archive, &anchors(), &host()).unwrap_err().code(),
            "SIGNATURE_INVALID"
        );
    }

    /// Signs and zips without pack's checks, as a careless or hostile partner could.
    fn pack_unchecked(m: &Manifest, files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
        let partner_json = record().to_json_pretty().into_bytes();
        let mut all = files.clone();
        all.insert(PARTNER_PATH.into(), partner_json);
        let payload = digest::signed_payload(m, &all);
        let sig = keys::sign_pss_sha256(&partner().0, &payload).unwrap();
        let signed = Manifest {
            signature: Some(keys::signature_to_base64(&sig)),
            ..m.clone()
        };
        all.insert(MANIFEST_PATH.into(), serde_json::to_vec(&signed).unwrap());
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (p, d) in &all {
            w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, d).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn verify_refuses_undeclared_imports_like_install_does() {
        let mut m = manifest();
        m.permissions = [Permission::Storage].into();
        let mut f = files();
        f.insert(
            "app.wasm".into(),
            crate::imports::tests::component_importing(&["miniapp:bridge/payment@0.1.0"]),
        );
        assert_eq!(
            pack(&m, &f, &record(), &partner().0).unwrap_err().code(),
            "IMPORT_NOT_PERMITTED"
        );
        let archive = Archive::open(&pack_unchecked(&m, &f)).unwrap();
        assert_eq!(
            verify(&archive, &anchors(), &host()).unwrap_err(),
            PackageError::ImportNotPermitted {
                interface: "miniapp:bridge/payment@0.1.0".into(),
                permission: Permission::Payment
            }
        );
        f.insert("app.wasm".into(), b"\0asm\x0d\0\x01\0\x07".to_vec());
        let archive = Archive::open(&pack_unchecked(&m, &f)).unwrap();
        assert_eq!(
            verify(&archive, &anchors(), &host()).unwrap_err().code(),
            "COMPONENT_INVALID"
        );
        // Declared, it verifies.
        m.permissions.insert(Permission::Payment);
        f.insert(
            "app.wasm".into(),
            crate::imports::tests::component_importing(&["miniapp:bridge/payment@0.1.0"]),
        );
        let archive = Archive::open(&pack_unchecked(&m, &f)).unwrap();
        verify(&archive, &anchors(), &host()).unwrap();
    }

    fn domains_outcome(manifest_domains: &[&str], record: &PartnerRecord) -> (String, String) {
        let mut m = manifest();
        m.allowed_domains = manifest_domains
            .iter()
            .map(|d| crate::DomainPattern::parse(d).unwrap())
            .collect();
        let packed = pack(&m, &files(), record, &partner().0)
            .err()
            .map_or("OK".into(), |e| e.code().to_owned());
        let partner_json = record.to_json_pretty().into_bytes();
        let mut all = files();
        all.insert(PARTNER_PATH.into(), partner_json);
        let sig = keys::sign_pss_sha256(&partner().0, &digest::signed_payload(&m, &all)).unwrap();
        let signed = Manifest {
            signature: Some(keys::signature_to_base64(&sig)),
            ..m
        };
        all.insert(MANIFEST_PATH.into(), serde_json::to_vec(&signed).unwrap());
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (p, d) in &all {
            w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, d).unwrap();
        }
        let archive = Archive::open(&w.finish().unwrap().into_inner()).unwrap();
        let verified = verify(&archive, &anchors(), &host())
            .err()
            .map_or("OK".into(), |e| e.code().to_owned());
        (packed, verified)
    }

    #[test]
    fn manifest_domains_must_be_listed_in_the_partner_record() {
        let both = |c: &str| (c.to_owned(), c.to_owned());
        // The record lists api.acme.com and *.cdn.acme.com.
        assert_eq!(domains_outcome(&["api.acme.com"], &record()), both("OK"));
        assert_eq!(
            domains_outcome(&["img.cdn.acme.com", "*.eu.cdn.acme.com"], &record()),
            both("OK")
        );
        for refused in [
            &["evil.example"][..],
            &["api.acme.com", "web.acme.com"],
            &["*.acme.com"],
            &["cdn.acme.com"],
            &["*.com"],
            &["*.co.uk"],
            &["localhost"],
            &["127.0.0.1"],
            &["192.168.0.10"],
        ] {
            assert_eq!(
                domains_outcome(refused, &record()),
                both("DOMAIN_NOT_ALLOWED"),
                "{refused:?}"
            );
        }
        // A record the root signed with a public suffix wildcard (skipping `issue`'s check) is
        // refused at verify, even for a manifest domain it would cover.
        let mut u = crate::partner::tests::unsigned();
        u.allowed_domains = vec![crate::DomainPattern::parse("*.co.uk").unwrap()];
        let sig = keys::sign_pss_sha256(&root().0, &u.signed_payload()).unwrap();
        let mut wide = PartnerRecord::issue(crate::partner::tests::unsigned(), &root().0).unwrap();
        wide.allowed_domains = u.allowed_domains.clone();
        wide.signature = keys::signature_to_base64(&sig);
        wide.verify(&root().1, ISSUED + 60).unwrap();
        assert_eq!(
            domains_outcome(&["shop.acme.co.uk"], &wide),
            both("DOMAIN_NOT_ALLOWED")
        );
    }

    #[test]
    fn trust_anchors_new_uses_the_current_time() {
        let a = TrustAnchors::new(root().1.clone());
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(now.abs_diff(a.now_unix) < 60);
        assert_eq!(a.at(5).now_unix, 5);
    }

    #[test]
    fn host_version_is_compared_with_semver() {
        let bytes = pack(&manifest(), &files(), &record(), &partner().0).unwrap();
        let archive = Archive::open(&bytes).unwrap();
        assert!(verify(&archive, &anchors(), &semver::Version::new(1, 0, 0)).is_ok());
        let pre = semver::Version::parse("1.0.0-beta.1").unwrap();
        assert_eq!(
            verify(&archive, &anchors(), &pre).unwrap_err(),
            PackageError::HostVersionIncompatible {
                required: semver::Version::new(1, 0, 0),
                current: pre.clone(),
            }
        );
    }

    #[test]
    fn the_root_key_is_the_anchor() {
        let bytes = pack(&manifest(), &files(), &record(), &partner().0).unwrap();
        let archive = Archive::open(&bytes).unwrap();
        let foreign = TrustAnchors::new(other().1.clone()).at(ISSUED + 60);
        assert_eq!(
            verify(&archive, &foreign, &host()).unwrap_err().code(),
            "PARTNER_UNTRUSTED"
        );
    }

    #[test]
    fn missing_metadata_entries_have_their_own_codes() {
        let zip_of = |entries: &[(&str, &[u8])]| {
            let map: BTreeMap<String, Vec<u8>> = entries
                .iter()
                .map(|(p, d)| (p.to_string(), d.to_vec()))
                .collect();
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (p, d) in &map {
                w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
                    .unwrap();
                std::io::Write::write_all(&mut w, d).unwrap();
            }
            Archive::open(&w.finish().unwrap().into_inner()).unwrap()
        };
        let partner_json = record().to_json_pretty();
        let unsigned = serde_json::to_vec(&manifest()).unwrap();
        let partner_json = partner_json.as_bytes();
        let code = |entries: &[(&str, &[u8])]| {
            verify(&zip_of(entries), &anchors(), &host())
                .unwrap_err()
                .code()
        };
        assert_eq!(
            code(&[("app.wasm", b"x"), ("partner.json", partner_json)]),
            "MANIFEST_INVALID"
        );
        assert_eq!(
            code(&[("app.wasm", b"x"), ("manifest.json", &unsigned)]),
            "PARTNER_UNTRUSTED"
        );
        assert_eq!(
            code(&[
                ("app.wasm", b"x"),
                ("manifest.json", &unsigned),
                ("partner.json", partner_json),
            ]),
            "SIGNATURE_INVALID"
        );
    }
}
