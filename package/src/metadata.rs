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
    /// `rolloutPercent` is not a whole number from 0 to 100. Code: `ROLLOUT_INVALID`.
    #[error("{what} has rolloutPercent {value}; it must be a whole number from 0 to 100")]
    RolloutInvalid { what: String, value: String },
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
            MetadataError::RolloutInvalid { .. } => "ROLLOUT_INVALID",
        }
    }

    /// Whether this means "do not trust this document" (a bad signature, an expired document);
    /// a rollout percentage out of range is a publisher's mistake, not a verification failure.
    pub fn is_verification_failure(&self) -> bool {
        !matches!(self, MetadataError::RolloutInvalid { .. })
    }

    pub fn hint(&self) -> &'static str {
        match self {
            MetadataError::Invalid { .. } => {
                "Do not trust this server: the marketplace root key did not sign this document."
            }
            MetadataError::Expired { .. } => {
                "The marketplace must publish a fresh document (or the device clock is wrong)."
            }
            MetadataError::RolloutInvalid { .. } => {
                "Publish with a rollout percentage from 0 to 100."
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
    /// Staged rollout: only hosts whose [`rollout_bucket`] is below this get `version`
    /// (absent: every host). 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout_percent: Option<u8>,
    /// Kill switch: versions hosts must leave (back to their backup) at their next update check
    /// and never install.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub pulled_versions: BTreeSet<semver::Version>,
    /// Base64 RSA-PSS-SHA256 by the marketplace root key over [`VersionDocument::signed_payload`].
    #[serde(default)]
    pub signature: String,
}

/// Which of 100 rollout buckets a host falls in for one app version: the first 8 bytes
/// (big-endian) of SHA-256(`install_id` `\n` `app id` `\n` `version`) modulo 100. A host is in a
/// rollout of `p` percent iff its bucket is below `p`; raising `p` only adds hosts.
pub fn rollout_bucket(install_id: &str, app: &AppId, version: &semver::Version) -> u8 {
    let digest = crate::digest::sha256(format!("{install_id}\n{app}\n{version}").as_bytes());
    let first: [u8; 8] = digest[..8].try_into().expect("sha256 has 32 bytes");
    (u64::from_be_bytes(first) % 100) as u8
}

// Fields added later are left out of the payload when absent, so documents signed before
// they existed keep verifying.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    rollout_percent: Option<u8>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pulled_versions: &'a BTreeSet<semver::Version>,
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
            rollout_percent: self.rollout_percent,
            pulled_versions: &self.pulled_versions,
        };
        let mut payload = VERSION_PAYLOAD_PREFIX.to_vec();
        serde_json::to_writer(&mut payload, &body).expect("serializes");
        payload
    }

    /// Sets `signature` with the root key. `ROLLOUT_INVALID` (as a package error's metadata
    /// code) is the caller's to check first with [`VersionDocument::check_rollout`].
    pub fn sign(mut self, root: &RsaPrivateKey) -> Result<Self, crate::PackageError> {
        self.signature =
            keys::signature_to_base64(&keys::sign_pss_sha256(root, &self.signed_payload())?);
        Ok(self)
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("serializes")
    }

    /// `ROLLOUT_INVALID` unless the rollout percentage is absent or 0 to 100.
    pub fn check_rollout(&self) -> Result<(), MetadataError> {
        match self.rollout_percent {
            Some(p) if p > 100 => Err(MetadataError::RolloutInvalid {
                what: format!("the version document of `{}`", self.id),
                value: p.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// Whether a host with `install_id` gets `version` (see [`rollout_bucket`]).
    pub fn in_rollout(&self, install_id: &str) -> bool {
        self.rollout_percent
            .is_none_or(|p| rollout_bucket(install_id, &self.id, &self.version) < p)
    }

    /// Parses a document; says nothing about trust (see [`VersionDocument::verify`]). A
    /// `rolloutPercent` that is not a whole number from 0 to 100 is `ROLLOUT_INVALID`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, MetadataError> {
        let what = "the version document";
        let raw: serde_json::Value = parse(bytes, what)?;
        if let Some(v) = raw.get("rolloutPercent")
            && v.as_u64().is_none_or(|p| p > 100)
        {
            return Err(MetadataError::RolloutInvalid {
                what: what.to_owned(),
                value: v.to_string(),
            });
        }
        serde_json::from_value(raw).map_err(|e| MetadataError::Invalid {
            what: what.to_owned(),
            reason: e.to_string(),
        })
    }

    /// [`VersionDocument::verify`] with whichever of the root's keys signed it.
    pub fn verify_any<'k>(
        &self,
        roots: impl IntoIterator<Item = &'k RsaPublicKey>,
        now_unix: u64,
    ) -> Result<(), MetadataError> {
        let payload = self.signed_payload();
        verify_any(roots, &payload, &self.signature, |k| {
            self.verify(k, now_unix)
        })
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

    /// [`RevocationList::verify`] with whichever of the root's keys signed it.
    pub fn verify_any<'k>(
        &self,
        roots: impl IntoIterator<Item = &'k RsaPublicKey>,
        now_unix: u64,
    ) -> Result<(), MetadataError> {
        let payload = self.signed_payload();
        verify_any(roots, &payload, &self.signature, |k| {
            self.verify(k, now_unix)
        })
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

/// `verify` with the first of `roots` that signed `payload` (or the first root, for its error).
fn verify_any<'k>(
    roots: impl IntoIterator<Item = &'k RsaPublicKey>,
    payload: &[u8],
    signature: &str,
    verify: impl Fn(&RsaPublicKey) -> Result<(), MetadataError>,
) -> Result<(), MetadataError> {
    let sig = keys::signature_from_base64(signature);
    let mut first = None;
    for root in roots {
        if sig
            .as_ref()
            .is_some_and(|s| keys::verify_pss_sha256(root, payload, s))
        {
            return verify(root);
        }
        first.get_or_insert(root);
    }
    match first {
        Some(root) => verify(root),
        None => Err(MetadataError::Invalid {
            what: "a marketplace document".into(),
            reason: "this host trusts no root key".into(),
        }),
    }
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
            rollout_percent: None,
            pulled_versions: BTreeSet::new(),
            signature: String::new(),
        }
    }

    #[test]
    fn rollout_and_pulled_versions_are_signed_and_optional() {
        let plain = doc().sign(&root().0).unwrap();
        let json = plain.to_json_pretty();
        assert!(
            !json.contains("rollout") && !json.contains("pulled"),
            "{json}"
        );
        // What a document without the new fields signs is what it signed before they existed.
        let mut old_payload = VERSION_PAYLOAD_PREFIX.to_vec();
        old_payload.extend_from_slice(
            br#"{"id":"com.acme.loans","version":"1.2.0","minHostVersion":"1.0.0","url":"mini-programs/com.acme.loans/1.2.0.zip","size":1234,"sha256":""#,
        );
        old_payload.extend_from_slice("ab".repeat(32).as_bytes());
        old_payload.extend_from_slice(br#"","sequence":7,"expires":1800000060}"#);
        assert_eq!(plain.signed_payload(), old_payload);

        let staged = VersionDocument {
            rollout_percent: Some(25),
            pulled_versions: [semver::Version::new(1, 1, 0)].into(),
            ..doc()
        }
        .sign(&root().0)
        .unwrap();
        let back = VersionDocument::from_json(staged.to_json_pretty().as_bytes()).unwrap();
        assert_eq!(back, staged);
        back.verify(&root().1, NOW).unwrap();
        let tampers: [fn(&mut VersionDocument); 4] = [
            |d| d.rollout_percent = Some(100),
            |d| d.rollout_percent = None,
            |d| d.pulled_versions.clear(),
            |d| {
                d.pulled_versions.insert(semver::Version::new(1, 2, 0));
            },
        ];
        for t in tampers {
            let mut bad = staged.clone();
            t(&mut bad);
            assert_eq!(
                bad.verify(&root().1, NOW).unwrap_err().code(),
                "METADATA_INVALID"
            );
        }
    }

    #[test]
    fn rollout_percentages_outside_0_to_100_are_rollout_invalid() {
        let json = doc().to_json_pretty();
        for bad in ["101", "255", "1000", "-1", "50.5", "\"50\"", "null"] {
            let text = json.replacen('{', &format!("{{\"rolloutPercent\":{bad},"), 1);
            let err = VersionDocument::from_json(text.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "ROLLOUT_INVALID", "{bad}: {err}");
        }
        for good in ["0", "100", "37"] {
            let text = json.replacen('{', &format!("{{\"rolloutPercent\":{good},"), 1);
            VersionDocument::from_json(text.as_bytes()).unwrap();
        }
        let built = VersionDocument {
            rollout_percent: Some(101),
            ..doc()
        };
        assert_eq!(built.check_rollout().unwrap_err().code(), "ROLLOUT_INVALID");
        VersionDocument {
            rollout_percent: Some(100),
            ..doc()
        }
        .check_rollout()
        .unwrap();
    }

    #[test]
    fn rollout_buckets_are_stable_spread_and_grow_with_the_percentage() {
        let app = AppId::parse("com.acme.loans").unwrap();
        let v = semver::Version::new(1, 2, 0);
        // sha256("host-1\ncom.acme.loans\n1.2.0")[..8] as big-endian u64, mod 100, computed with
        // `printf 'host-1\ncom.acme.loans\n1.2.0' | sha256sum` and Python.
        assert_eq!(rollout_bucket("host-1", &app, &v), 49);
        let ids: Vec<String> = (0..2000).map(|i| format!("host-{i}")).collect();
        let count = |p: u8| {
            ids.iter()
                .filter(|id| {
                    VersionDocument {
                        rollout_percent: Some(p),
                        ..doc()
                    }
                    .in_rollout(id)
                })
                .count()
        };
        assert_eq!(count(0), 0);
        assert_eq!(count(100), 2000);
        let ten = count(10);
        assert!((120..=280).contains(&ten), "10% of 2000 hosts: {ten}");
        // Raising the percentage only adds hosts.
        for id in &ids {
            let at = |p| {
                VersionDocument {
                    rollout_percent: Some(p),
                    ..doc()
                }
                .in_rollout(id)
            };
            assert!(!at(10) || at(50), "{id}");
        }
        assert!(doc().in_rollout("anyone"), "no percentage: everyone");
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
