//! `partner.json`: the marketplace's signed statement of which key may publish which app ids
//! with which permissions, and until when.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::PackageError;
use crate::keys::{self, RsaPrivateKey, RsaPublicKey};
use crate::manifest::{AppId, DomainPattern, Permission};

/// Largest `partner.json` we read, in bytes.
pub const MAX_PARTNER_RECORD_BYTES: usize = 64 * 1024;

/// First line of the payload the root key signs: keeps a partner-record signature from being
/// valid for any other message signed with the root key.
pub const PARTNER_PAYLOAD_PREFIX: &[u8] = b"miniapp-partner-v1\n";

/// The fields of a partner record that the marketplace root key signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnsignedPartnerRecord {
    /// The partner's display name, e.g. `Acme Loans Ltd`.
    pub partner: String,
    /// The partner's RSA public key, SPKI PEM.
    pub public_key: String,
    /// The permissions the partner's apps may declare.
    pub allowed_permissions: BTreeSet<Permission>,
    /// The app-id prefix the partner owns, e.g. `com.acme` (owns `com.acme` and `com.acme.*`).
    /// Checked with the rules of an [`AppId`], so it has at least two labels.
    pub namespace: AppId,
    /// Start of validity, unix seconds.
    pub issued_at: u64,
    /// End of validity (exclusive), unix seconds.
    pub expires_at: u64,
    /// The domains (exact or `*.`) the partner's manifests may list in `allowedDomains`; none
    /// when absent. Left out of the JSON when empty, so records issued before this field keep
    /// their signed bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_domains: Vec<DomainPattern>,
}

/// `partner.json`: an [`UnsignedPartnerRecord`] plus the marketplace root's signature over
/// [`UnsignedPartnerRecord::signed_payload`].
///
/// Anyone can build one of these; only [`PartnerRecord::verify`] says whether to trust it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerRecord {
    /// See [`UnsignedPartnerRecord::partner`].
    pub partner: String,
    /// See [`UnsignedPartnerRecord::public_key`].
    pub public_key: String,
    /// See [`UnsignedPartnerRecord::allowed_permissions`].
    pub allowed_permissions: BTreeSet<Permission>,
    /// See [`UnsignedPartnerRecord::namespace`].
    pub namespace: AppId,
    /// See [`UnsignedPartnerRecord::issued_at`].
    pub issued_at: u64,
    /// See [`UnsignedPartnerRecord::expires_at`].
    pub expires_at: u64,
    /// See [`UnsignedPartnerRecord::allowed_domains`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_domains: Vec<DomainPattern>,
    /// Base64 RSA-PSS-SHA256 signature by the marketplace root key.
    pub signature: String,
}

impl UnsignedPartnerRecord {
    /// What the root key signs: [`PARTNER_PAYLOAD_PREFIX`] followed by the compact serde_json of
    /// this struct (fields in declaration order, permissions sorted, no whitespace).
    pub fn signed_payload(&self) -> Vec<u8> {
        let mut payload = PARTNER_PAYLOAD_PREFIX.to_vec();
        serde_json::to_writer(&mut payload, self).expect("a partner record always serializes");
        payload
    }
}

impl PartnerRecord {
    /// Signs `record` with the marketplace root key. Refuses (`KEY_INVALID`) a record whose
    /// public key is not a usable RSA public key, and (`PARTNER_UNTRUSTED`) one that is never
    /// valid (`expiresAt <= issuedAt`).
    pub fn issue(
        record: UnsignedPartnerRecord,
        root: &RsaPrivateKey,
    ) -> Result<PartnerRecord, PackageError> {
        keys::public_key_from_pem(&record.public_key)?;
        if record.expires_at <= record.issued_at {
            return Err(untrusted(format!(
                "expiresAt ({}) must be after issuedAt ({})",
                describe_time(record.expires_at),
                describe_time(record.issued_at)
            )));
        }
        check_partner_domains(&record.allowed_domains)?;
        let signature = keys::sign_pss_sha256(root, &record.signed_payload())?;
        let UnsignedPartnerRecord {
            partner,
            public_key,
            allowed_permissions,
            namespace,
            issued_at,
            expires_at,
            allowed_domains,
        } = record;
        Ok(PartnerRecord {
            partner,
            public_key,
            allowed_permissions,
            namespace,
            issued_at,
            expires_at,
            allowed_domains,
            signature: keys::signature_to_base64(&signature),
        })
    }

    /// The signed fields.
    pub fn unsigned(&self) -> UnsignedPartnerRecord {
        UnsignedPartnerRecord {
            partner: self.partner.clone(),
            public_key: self.public_key.clone(),
            allowed_permissions: self.allowed_permissions.clone(),
            namespace: self.namespace.clone(),
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            allowed_domains: self.allowed_domains.clone(),
        }
    }

    /// Pretty JSON, as written to `partner.json`.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a partner record always serializes")
    }

    /// Parses `partner.json`. `PARTNER_UNTRUSTED` if it is too large or not a partner record.
    /// Parsing says nothing about trust: call [`PartnerRecord::verify`].
    pub fn from_json(bytes: &[u8]) -> Result<PartnerRecord, PackageError> {
        if bytes.len() > MAX_PARTNER_RECORD_BYTES {
            return Err(untrusted(format!(
                "partner.json is {} bytes; the limit is {MAX_PARTNER_RECORD_BYTES}",
                bytes.len()
            )));
        }
        serde_json::from_slice(bytes)
            .map_err(|e| untrusted(format!("partner.json is not a valid partner record: {e}")))
    }

    /// Checks the root's signature and the validity window at `now_unix`, and returns the
    /// partner's public key. `PARTNER_UNTRUSTED`, saying which check failed.
    /// Whether `root` signed this record (nothing else is checked).
    pub fn is_signed_by(&self, root: &RsaPublicKey) -> bool {
        keys::signature_from_base64(&self.signature).is_some_and(|sig| {
            keys::verify_pss_sha256(root, &self.unsigned().signed_payload(), &sig)
        })
    }

    pub fn verify(&self, root: &RsaPublicKey, now_unix: u64) -> Result<RsaPublicKey, PackageError> {
        let signature = keys::signature_from_base64(&self.signature)
            .ok_or_else(|| untrusted("its signature is not standard base64".to_owned()))?;
        if !keys::verify_pss_sha256(root, &self.unsigned().signed_payload(), &signature) {
            return Err(untrusted(format!(
                "the record for partner `{}` is not signed by this host's marketplace root key, \
                 or was changed after it was issued",
                self.partner
            )));
        }
        if now_unix < self.issued_at {
            return Err(untrusted(format!(
                "the record for partner `{}` is not valid until {}; it is now {} (check the \
                 device clock)",
                self.partner,
                describe_time(self.issued_at),
                describe_time(now_unix)
            )));
        }
        if now_unix >= self.expires_at {
            return Err(untrusted(format!(
                "the record for partner `{}` expired at {}; it is now {}",
                self.partner,
                describe_time(self.expires_at),
                describe_time(now_unix)
            )));
        }
        keys::public_key_from_pem(&self.public_key).map_err(|e| {
            untrusted(format!(
                "the record for partner `{}` holds an unusable key: {e}",
                self.partner
            ))
        })
    }
}

/// `DOMAIN_NOT_ALLOWED` for a partner record pattern no marketplace may grant (see
/// [`DomainPattern::refusal`]). Checked when a record is issued and when a package is verified.
pub(crate) fn check_partner_domains(domains: &[DomainPattern]) -> Result<(), PackageError> {
    for d in domains {
        if let Some(reason) = d.refusal() {
            return Err(PackageError::DomainNotAllowed {
                domain: d.as_str().to_owned(),
                reason: format!("the partner record may not grant it: {reason}"),
            });
        }
    }
    Ok(())
}

/// `2025-01-31T12:00:00Z (unix 1738324800)`.
pub(crate) fn describe_time(unix: u64) -> String {
    // Days to civil date, proleptic Gregorian (Howard Hinnant's algorithm); u64 seconds fit.
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z (unix {unix})",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn untrusted(reason: String) -> PackageError {
    PackageError::PartnerUntrusted { reason }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::test_keys::{other, partner, root};

    pub(crate) const ISSUED: u64 = 1_700_000_000;
    pub(crate) const EXPIRES: u64 = 1_900_000_000;

    pub(crate) fn unsigned() -> UnsignedPartnerRecord {
        UnsignedPartnerRecord {
            partner: "Acme Loans".into(),
            public_key: keys::public_key_to_pem(&partner().1).unwrap(),
            allowed_permissions: [Permission::Storage, Permission::Ui, Permission::Payment].into(),
            namespace: AppId::parse("com.acme").unwrap(),
            issued_at: ISSUED,
            expires_at: EXPIRES,
            allowed_domains: vec![
                crate::DomainPattern::parse("api.acme.com").unwrap(),
                crate::DomainPattern::parse("*.cdn.acme.com").unwrap(),
            ],
        }
    }

    /// Issued once: PSS signatures are randomized, so tests comparing records need one issue.
    pub(crate) fn record() -> PartnerRecord {
        static RECORD: std::sync::OnceLock<PartnerRecord> = std::sync::OnceLock::new();
        RECORD
            .get_or_init(|| PartnerRecord::issue(unsigned(), &root().0).unwrap())
            .clone()
    }

    #[test]
    fn an_issued_record_verifies_and_yields_the_partner_key() {
        let r = record();
        assert_eq!(r.verify(&root().1, ISSUED + 1).unwrap(), partner().1);
        assert_eq!(r.unsigned(), unsigned());
    }

    #[test]
    fn json_round_trips_and_is_strict() {
        let r = record();
        let json = r.to_json_pretty();
        assert!(json.contains("\"allowedPermissions\""), "{json}");
        assert_eq!(PartnerRecord::from_json(json.as_bytes()).unwrap(), r);
        let extra = json.replacen("{", "{\"admin\": true,", 1);
        assert_eq!(
            PartnerRecord::from_json(extra.as_bytes())
                .unwrap_err()
                .code(),
            "PARTNER_UNTRUSTED"
        );
        let bad_ns = json.replace("\"com.acme\"", "\"acme\"");
        assert_eq!(
            PartnerRecord::from_json(bad_ns.as_bytes())
                .unwrap_err()
                .code(),
            "PARTNER_UNTRUSTED"
        );
        let huge = vec![b' '; MAX_PARTNER_RECORD_BYTES + 1];
        assert_eq!(
            PartnerRecord::from_json(&huge).unwrap_err().code(),
            "PARTNER_UNTRUSTED"
        );
    }

    fn reason(e: PackageError) -> String {
        assert_eq!(e.code(), "PARTNER_UNTRUSTED", "{e}");
        e.to_string()
    }

    #[test]
    fn expiry_and_not_yet_valid_are_refused_with_dates() {
        let r = record();
        assert!(r.verify(&root().1, ISSUED).is_ok(), "valid from issuedAt");
        assert!(r.verify(&root().1, EXPIRES - 1).is_ok());
        let expired = reason(r.verify(&root().1, EXPIRES).unwrap_err());
        assert!(
            expired.contains("expired at 2030-03-17T17:46:40Z"),
            "{expired}"
        );
        let early = reason(r.verify(&root().1, ISSUED - 1).unwrap_err());
        assert!(
            early.contains("not valid until 2023-11-14T22:13:20Z"),
            "{early}"
        );
    }

    #[test]
    fn a_wrong_root_or_any_tampered_field_is_refused() {
        let r = record();
        let wrong_root = reason(r.verify(&other().1, ISSUED + 1).unwrap_err());
        assert!(
            wrong_root.contains("not signed by this host's marketplace root key"),
            "{wrong_root}"
        );

        let tampers: [fn(&mut PartnerRecord); 6] = [
            |r| r.partner.push('!'),
            |r| r.public_key = keys::public_key_to_pem(&other().1).unwrap(),
            |r| {
                r.allowed_permissions.insert(Permission::Location);
            },
            |r| r.namespace = AppId::parse("com.evil").unwrap(),
            |r| r.expires_at += 1,
            |r| r.issued_at -= 1,
        ];
        for tamper in tampers {
            let mut t = record();
            tamper(&mut t);
            assert_ne!(t, r);
            reason(t.verify(&root().1, ISSUED + 1).unwrap_err());
        }
        let mut t = record();
        t.signature = "***".into();
        assert!(reason(t.verify(&root().1, ISSUED + 1).unwrap_err()).contains("base64"));
    }

    #[test]
    fn a_record_that_is_never_valid_or_holds_a_bad_key_is_not_issued() {
        let mut u = unsigned();
        u.expires_at = u.issued_at;
        assert_eq!(
            PartnerRecord::issue(u, &root().0).unwrap_err().code(),
            "PARTNER_UNTRUSTED"
        );
        let mut u = unsigned();
        u.public_key = "not a key".into();
        assert_eq!(
            PartnerRecord::issue(u, &root().0).unwrap_err().code(),
            "KEY_INVALID"
        );
    }

    #[test]
    fn public_suffix_wildcards_are_not_issued_and_legacy_records_keep_their_bytes() {
        for bad in ["*.com", "*.co.uk", "localhost", "127.0.0.1"] {
            let mut u = unsigned();
            u.allowed_domains = vec![DomainPattern::parse(bad).unwrap()];
            assert_eq!(
                PartnerRecord::issue(u, &root().0).unwrap_err().code(),
                "DOMAIN_NOT_ALLOWED",
                "{bad}"
            );
        }
        // No domains: the payload is what it was before the field existed.
        let mut u = unsigned();
        u.allowed_domains.clear();
        let payload = String::from_utf8(u.signed_payload()).unwrap();
        assert!(!payload.contains("allowedDomains"), "{payload}");
        assert!(
            payload.ends_with(&format!("\"expiresAt\":{EXPIRES}}}")),
            "{payload}"
        );
        let r = PartnerRecord::issue(u, &root().0).unwrap();
        let back = PartnerRecord::from_json(r.to_json_pretty().as_bytes()).unwrap();
        assert!(back.allowed_domains.is_empty());
        back.verify(&root().1, ISSUED + 1).unwrap();
        // Domains are signed: adding one breaks the signature.
        let mut widened = back.clone();
        widened
            .allowed_domains
            .push(DomainPattern::parse("evil.example").unwrap());
        reason(widened.verify(&root().1, ISSUED + 1).unwrap_err());
    }

    #[test]
    fn dates_are_rendered_in_utc() {
        assert_eq!(describe_time(0), "1970-01-01T00:00:00Z (unix 0)");
        assert_eq!(
            describe_time(951_782_400),
            "2000-02-29T00:00:00Z (unix 951782400)"
        );
        assert_eq!(
            describe_time(4_102_444_799),
            "2099-12-31T23:59:59Z (unix 4102444799)"
        );
    }
}
