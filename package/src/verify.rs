//! [`verify`]: the only way to turn an [`Archive`] into a [`VerifiedPackage`].

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::archive::Archive;
use crate::digest;
use crate::error::PackageError;
use crate::keys::{self, RsaPublicKey};
use crate::manifest::{Manifest, Permission};
use crate::pack::{MANIFEST_PATH, PARTNER_PATH};
use crate::partner::PartnerRecord;

/// What a host trusts: the marketplace root key, and the time at which partner records are
/// judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchors {
    /// The marketplace root public key that signs partner records.
    pub root_public_key: RsaPublicKey,
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
            now_unix,
        }
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

    /// SHA-256 of the signed payload (see [`crate::digest`]).
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
/// 3. the manifest's `signature` is a valid signature by the partner's key of the
///    [digest payload](crate::digest) — `SIGNATURE_INVALID`;
/// 4. the app id lies in the partner's namespace — `NAMESPACE_VIOLATION`;
/// 5. every permission is allowed to the partner — `PERMISSION_NOT_ALLOWED`;
/// 6. the entry point is in the package — `ENTRY_POINT_MISSING`;
/// 7. `minHostVersion <= host_version` — `HOST_VERSION_INCOMPATIBLE`.
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
    let partner_public_key = partner.verify(&anchors.root_public_key, anchors.now_unix)?;

    let signature =
        manifest
            .signature
            .as_deref()
            .ok_or_else(|| PackageError::SignatureInvalid {
                reason: "manifest.json has no `signature`; the package was never signed".to_owned(),
            })?;
    let signature =
        keys::signature_from_base64(signature).ok_or_else(|| PackageError::SignatureInvalid {
            reason: "the `signature` in manifest.json is not standard base64".to_owned(),
        })?;
    let payload = digest::signed_payload(&manifest, archive.entries());
    if !keys::verify_pss_sha256(&partner_public_key, &payload, &signature) {
        return Err(PackageError::SignatureInvalid {
            reason: format!(
                "the package contents do not match the signature by partner `{}`: an entry or a \
                 manifest field was changed, added or removed after signing, or another key \
                 signed it",
                partner.partner
            ),
        });
    }

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

    Ok(VerifiedPackage {
        digest: digest::sha256(&payload),
        manifest,
        partner,
        partner_public_key,
        files: archive.entries().clone(),
        archive_bytes_len: archive.archive_bytes_len(),
    })
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
        assert_eq!(v.files().len(), files().len() + 2);
        assert_eq!(v.files(), archive.entries());
        assert_eq!(v.archive_bytes_len(), bytes.len());
        assert_eq!(
            v.digest(),
            digest::package_digest(v.manifest(), archive.entries())
        );
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
