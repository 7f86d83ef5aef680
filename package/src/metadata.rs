//! Marketplace metadata, signed by the marketplace root key: the per-app `version` document and
//! the `revoked.json` partner revocation list.
//!
//! ```text
//! <repo>/mini-programs/<id>/version         VersionDocument
//! <repo>/mini-programs/<id>/<version>.zip
//! <repo>/partners/<partner>.json            PartnerRecord
//! <repo>/revoked.json                       RevocationList
//! ```
//! Both documents carry an expiry (a replayed stale copy is refused once it expires) and a
//! `sequence` that only grows (a host refuses one older than what it has seen). What a document
//! signs is a type prefix line and the compact JSON of its fields in declaration order, without
//! the signature, so a signature for one document type is never valid for another.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::keys::{self, RsaPrivateKey, RsaPublicKey};
use crate::manifest::AppId;
use crate::partner::describe_time;

/// Largest metadata document we read, in bytes.
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

/// First line of what the root key signs for a [`VersionDocument`].
pub const VERSION_PAYLOAD_PREFIX: &[u8] = b"miniapp-version-v1\n";
/// First line of what the root key signs for a [`RevocationList`].
pub const REVOCATION_PAYLOAD_PREFIX: &[u8] = b"miniapp-revoked-v1\n";

/// Why a metadata document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Not parseable, too large, or not signed by the root key. Code: `METADATA_INVALID`.
    #[error("{what} is invalid: {reason}")]
    Invalid { what: String, reason: String },
    /// Past its expiry. Code: `METADATA_EXPIRED`.
    #[error("{what} expired at {expired}; it is now {now}")]
    Expired {
        what: String,
        expired: String,
        now: String,
    },
}

impl MetadataError {
    pub fn code(&self) -> &'static str {
        match self {
            MetadataError::Invalid { .. } => "METADATA_INVALID",
            MetadataError::Expired { .. } => "METADATA_EXPIRED",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            MetadataError::Invalid { .. } => {
                "Do not trust this server: the marketplace root key did not sign this document."
            }
            MetadataError::Expired { .. } => {
                "The marketplace must publish a fresh document (or the device clock is wrong)."
            }
        }
    }
}

/// `<repo>/mini-programs/<id>/version`: the current version of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionDocument {
    pub id: AppId,
    pub version: semver::Version,
    pub min_host_version: semver::Version,
    /// Where the zip is: relative to the repository root, or an absolute http(s) URL.
    pub url: String,
    /// Exact size of the zip in bytes.
    pub size: u64,
    /// Lower-case hex sha256 of the zip.
    pub sha256: String,
    /// Grows with every document published for this app.
    pub sequence: u64,
    /// End of validity (exclusive), unix seconds.
    pub expires: u64,
    /// Base64 RSA-PSS-SHA256 by the marketplace root key over [`VersionDocument::signed_payload`].
    #[serde(default)]
    pub signature: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionBody<'a> {
    id: &'a AppId,
    version: &'a semver::Version,
    min_host_version: &'a semver::Version,
    url: &'a str,
    size: u64,
    sha256: &'a str,
    sequence: u64,
    expires: u64,
}

impl VersionDocument {
    /// What the root key signs.
    pub fn signed_payload(&self) -> Vec<u8> {
        let body = VersionBody {
            id: &self.id,
            version: &self.version,
            min_host_version: &self.min_host_version,
            url: &self.url,
            size: self.size,
            sha256: &self.sha256,
            sequence: self.sequence,
            expires: self.expires,
        };
        let mut payload = VERSION_PAYLOAD_PREFIX.to_vec();
        serde_json::to_writer(&mut payload, &body).expect("serializes");
        payload
    }

    /// Sets `signature` with the root key.
    pub fn sign(mut self, root: &RsaPrivateKey) -> Result<Self, crate::PackageError> {
        self.signature =
            keys::signature_to_base64(&keys::sign_pss_sha256(root, &self.signed_payload())?);
        Ok(self)
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("serializes")
    }

    /// Parses a document; says nothing about trust (see [`VersionDocument::verify`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self, MetadataError> {
        parse(bytes, "the version document")
    }

    /// Checks the root signature, then the expiry at `now_unix`.
    pub fn verify(&self, root: &RsaPublicKey, now_unix: u64) -> Result<(), MetadataError> {
        let what = format!("the version document of `{}`", self.id);
        check_signature(root, &self.signed_payload(), &self.signature, &what)?;
        check_expiry(self.expires, now_unix, what)
    }
}

/// `<repo>/revoked.json`: partners whose apps must no longer launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevocationList {
    /// Grows with every list published.
    pub sequence: u64,
    /// End of validity (exclusive), unix seconds.
    pub expires: u64,
    /// Partner names, as in their partner records.
    pub partners: BTreeSet<String>,
    /// Base64 RSA-PSS-SHA256 by the marketplace root key over [`RevocationList::signed_payload`].
    #[serde(default)]
    pub signature: String,
}

#[derive(Serialize)]
struct RevocationBody<'a> {
    sequence: u64,
    expires: u64,
    partners: &'a BTreeSet<String>,
}

impl RevocationList {
    /// What the root key signs.
    pub fn signed_payload(&self) -> Vec<u8> {
        let body = RevocationBody {
            sequence: self.sequence,
            expires: self.expires,
            partners: &self.partners,
        };
        let mut payload = REVOCATION_PAYLOAD_PREFIX.to_vec();
        serde_json::to_writer(&mut payload, &body).expect("serializes");
        payload
    }

    /// Sets `signature` with the root key.
    pub fn sign(mut self, root: &RsaPrivateKey) -> Result<Self, crate::PackageError> {
        self.signature =
            keys::signature_to_base64(&keys::sign_pss_sha256(root, &self.signed_payload())?);
        Ok(self)
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("serializes")
    }

    /// Parses a list; says nothing about trust (see [`RevocationList::verify`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self, MetadataError> {
        parse(bytes, "the revocation list")
    }

    /// Checks the root signature, then the expiry at `now_unix`.
    pub fn verify(&self, root: &RsaPublicKey, now_unix: u64) -> Result<(), MetadataError> {
        let what = "the revocation list".to_string();
        check_signature(root, &self.signed_payload(), &self.signature, &what)?;
        check_expiry(self.expires, now_unix, what)
    }

    pub fn is_revoked(&self, partner: &str) -> bool {
        self.partners.contains(partner)
    }
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, MetadataError> {
    let invalid = |reason: String| MetadataError::Invalid {
        what: what.to_owned(),
        reason,
    };
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(invalid(format!(
            "it is {} bytes; the limit is {MAX_METADATA_BYTES}",
            bytes.len()
        )));
    }
    serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))
}

fn check_signature(
    root: &RsaPublicKey,
    payload: &[u8],
    signature: &str,
    what: &str,
) -> Result<(), MetadataError> {
    let ok = keys::signature_from_base64(signature)
        .is_some_and(|sig| keys::verify_pss_sha256(root, payload, &sig));
    if ok {
        Ok(())
    } else {
        Err(MetadataError::Invalid {
            what: what.to_owned(),
            reason: "it is not signed by this host's marketplace root key, or was changed after \
                     signing"
                .into(),
        })
    }
}

fn check_expiry(expires: u64, now_unix: u64, what: String) -> Result<(), MetadataError> {
    if now_unix >= expires {
        return Err(MetadataError::Expired {
            what,
            expired: describe_time(expires),
            now: describe_time(now_unix),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{other, root};

    const NOW: u64 = 1_800_000_000;

    fn doc() -> VersionDocument {
        VersionDocument {
            id: AppId::parse("com.acme.loans").unwrap(),
            version: semver::Version::new(1, 2, 0),
            min_host_version: semver::Version::new(1, 0, 0),
            url: "mini-programs/com.acme.loans/1.2.0.zip".into(),
            size: 1234,
            sha256: "ab".repeat(32),
            sequence: 7,
            expires: NOW + 60,
            signature: String::new(),
        }
    }

    #[test]
    fn a_signed_version_document_round_trips_and_verifies() {
        let d = doc().sign(&root().0).unwrap();
        let json = d.to_json_pretty();
        assert!(json.contains("\"minHostVersion\""), "{json}");
        let back = VersionDocument::from_json(json.as_bytes()).unwrap();
        assert_eq!(back, d);
        back.verify(&root().1, NOW).unwrap();
    }

    #[test]
    fn every_tampered_field_wrong_key_and_expiry_are_refused() {
        let d = doc().sign(&root().0).unwrap();
        let tampers: [fn(&mut VersionDocument); 8] = [
            |d| d.id = AppId::parse("com.acme.other").unwrap(),
            |d| d.version = semver::Version::new(9, 0, 0),
            |d| d.min_host_version = semver::Version::new(0, 1, 0),
            |d| d.url.push('x'),
            |d| d.size += 1,
            |d| d.sha256 = "cd".repeat(32),
            |d| d.sequence += 1,
            |d| d.expires += 1,
        ];
        for t in tampers {
            let mut bad = d.clone();
            t(&mut bad);
            assert_eq!(
                bad.verify(&root().1, NOW).unwrap_err().code(),
                "METADATA_INVALID"
            );
        }
        assert_eq!(
            d.verify(&other().1, NOW).unwrap_err().code(),
            "METADATA_INVALID"
        );
        let expired = d.verify(&root().1, NOW + 60).unwrap_err();
        assert_eq!(expired.code(), "METADATA_EXPIRED");
        assert!(expired.to_string().contains("expired at"), "{expired}");
        let mut unsigned = d.clone();
        unsigned.signature = "!!".into();
        assert_eq!(
            unsigned.verify(&root().1, NOW).unwrap_err().code(),
            "METADATA_INVALID"
        );
    }

    #[test]
    fn a_version_signature_is_not_a_revocation_signature() {
        let list = RevocationList {
            sequence: 3,
            expires: NOW + 60,
            partners: ["evil".to_string()].into(),
            signature: String::new(),
        }
        .sign(&root().0)
        .unwrap();
        list.verify(&root().1, NOW).unwrap();
        assert!(list.is_revoked("evil") && !list.is_revoked("acme"));
        let back = RevocationList::from_json(list.to_json_pretty().as_bytes()).unwrap();
        assert_eq!(back, list);
        let mut more = list.clone();
        more.partners.insert("acme".into());
        assert_eq!(
            more.verify(&root().1, NOW).unwrap_err().code(),
            "METADATA_INVALID"
        );
        // Swapping a valid signature from another document type does not work.
        let mut swapped = list.clone();
        swapped.signature = doc().sign(&root().0).unwrap().signature;
        assert!(swapped.verify(&root().1, NOW).is_err());
    }

    #[test]
    fn junk_and_huge_documents_are_invalid_not_panics() {
        for junk in [&b""[..], b"{}", b"[1,2]", b"{\"id\":1}", &[0xff; 10]] {
            assert_eq!(
                VersionDocument::from_json(junk).unwrap_err().code(),
                "METADATA_INVALID"
            );
            assert_eq!(
                RevocationList::from_json(junk).unwrap_err().code(),
                "METADATA_INVALID"
            );
        }
        let huge = vec![b' '; MAX_METADATA_BYTES + 1];
        assert!(VersionDocument::from_json(&huge).is_err());
        let extra = doc().to_json_pretty().replacen('{', "{\"admin\":true,", 1);
        assert!(VersionDocument::from_json(extra.as_bytes()).is_err());
    }
}
