//! Marketplace root metadata, rotated the TUF way: a root names its keys and how many of them
//! (`threshold`) must sign the next root. A home moves to a new root only if a threshold of the
//! keys it trusts now *and* a threshold of the new root's own keys signed it, and only forwards.
//!
//! ```text
//! root.json = DSSE envelope { payloadType: ROOT_PAYLOAD_TYPE,
//!                             payload: base64(JSON {"version", "threshold", "keys": [SPKI PEM]}),
//!                             signatures: [...] }
//! ```
//! The keys of the current root sign partner records, version documents and revocation lists
//! (one signature by any of them). A home made with a single root key has the implicit root
//! `{version: 1, threshold: 1, keys: [that key]}`.

use serde::{Deserialize, Serialize};

use crate::envelope::{Envelope, EnvelopeSignature, pae};
use crate::keys::{self, RsaPrivateKey, RsaPublicKey};

/// `payloadType` of a root envelope.
pub const ROOT_PAYLOAD_TYPE: &str = "application/vnd.miniapp.root+json";
/// Most keys a root may list.
pub const MAX_ROOT_KEYS: usize = 16;

/// Why a root was refused. The home's trust is unchanged whenever one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RootError {
    /// Not a root file: bad JSON, unknown fields, wrong payload type, bad keys or threshold.
    /// Code: `ROOT_INVALID`.
    #[error("the root metadata is invalid: {0}")]
    Invalid(String),
    /// The new root's version is not above the trusted one. Code: `ROOT_ROLLBACK`.
    #[error("the root has version {offered}, but this home already trusts version {trusted}")]
    Rollback { trusted: u64, offered: u64 },
    /// Too few of the required keys signed. Code: `ROOT_THRESHOLD_NOT_MET`.
    #[error("the new root is signed by {signed} of the {which} root's keys; it needs {threshold}")]
    ThresholdNotMet {
        which: &'static str,
        signed: usize,
        threshold: u32,
    },
}

impl RootError {
    pub fn code(&self) -> &'static str {
        match self {
            RootError::Invalid(_) => "ROOT_INVALID",
            RootError::Rollback { .. } => "ROOT_ROLLBACK",
            RootError::ThresholdNotMet { .. } => "ROOT_THRESHOLD_NOT_MET",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            RootError::Invalid(_) => {
                "make the root with `miniapp root create` and sign it with `miniapp root sign`"
            }
            RootError::Rollback { .. } => {
                "a root can only move forward: create the next root with a higher version"
            }
            RootError::ThresholdNotMet { .. } => {
                "sign the new root with `miniapp root sign` by enough keys of the current root and of the new one"
            }
        }
    }
}

/// What a root says: its version, its keys (SPKI PEM) and how many must sign the next root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RootMetadata {
    pub version: u64,
    pub threshold: u32,
    pub keys: Vec<String>,
}

impl RootMetadata {
    /// The root of a home made with one root key.
    pub fn implicit(root_public_pem: &str) -> RootMetadata {
        RootMetadata {
            version: 1,
            threshold: 1,
            keys: vec![root_public_pem.to_owned()],
        }
    }

    /// The keys, checked: each an accepted RSA public key, no key twice, 1 to
    /// [`MAX_ROOT_KEYS`] of them, and a threshold from 1 to their number.
    pub fn public_keys(&self) -> Result<Vec<RsaPublicKey>, RootError> {
        if self.keys.is_empty() || self.keys.len() > MAX_ROOT_KEYS {
            return Err(RootError::Invalid(format!(
                "it lists {} keys; a root has 1 to {MAX_ROOT_KEYS}",
                self.keys.len()
            )));
        }
        if self.threshold == 0 || self.threshold as usize > self.keys.len() {
            return Err(RootError::Invalid(format!(
                "its threshold is {} with {} keys; it must be 1 to the number of keys",
                self.threshold,
                self.keys.len()
            )));
        }
        let keys = self
            .keys
            .iter()
            .map(|pem| {
                keys::public_key_from_pem(pem)
                    .map_err(|e| RootError::Invalid(format!("one of its keys: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut prints: Vec<String> = keys.iter().map(keys::public_key_fingerprint).collect();
        prints.sort();
        prints.dedup();
        if prints.len() != keys.len() {
            return Err(RootError::Invalid("it lists a key twice".into()));
        }
        Ok(keys)
    }
}

/// A root file: the metadata as exact bytes in a DSSE envelope, with its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRoot {
    metadata: RootMetadata,
    envelope: Envelope,
}

impl SignedRoot {
    /// An unsigned root file for `metadata` (checked).
    pub fn create(metadata: RootMetadata) -> Result<SignedRoot, RootError> {
        metadata.public_keys()?;
        let payload = serde_json::to_vec_pretty(&metadata).expect("serializes");
        Ok(SignedRoot {
            metadata,
            envelope: Envelope {
                payload_type: ROOT_PAYLOAD_TYPE.to_owned(),
                payload,
                signatures: Vec::new(),
            },
        })
    }

    pub fn metadata(&self) -> &RootMetadata {
        &self.metadata
    }

    /// Adds `key`'s signature over the exact payload bytes.
    pub fn sign(&mut self, key: &RsaPrivateKey) -> Result<(), crate::PackageError> {
        let sig = keys::sign_pss_sha256(key, &pae(ROOT_PAYLOAD_TYPE, &self.envelope.payload))?;
        self.envelope.signatures.push(EnvelopeSignature {
            keyid: keys::public_key_fingerprint(&key.to_public_key()),
            sig: keys::signature_to_base64(&sig),
        });
        Ok(())
    }

    pub fn to_json(&self) -> Vec<u8> {
        self.envelope.to_json()
    }

    /// Parses a root file (bounded; unknown fields refused); says nothing about trust.
    pub fn from_json(bytes: &[u8]) -> Result<SignedRoot, RootError> {
        let envelope = Envelope::from_json(bytes).map_err(RootError::Invalid)?;
        if envelope.payload_type != ROOT_PAYLOAD_TYPE {
            return Err(RootError::Invalid(format!(
                "its payloadType is `{}`, not `{ROOT_PAYLOAD_TYPE}`",
                envelope.payload_type
            )));
        }
        let metadata: RootMetadata = serde_json::from_slice(&envelope.payload)
            .map_err(|e| RootError::Invalid(e.to_string()))?;
        metadata.public_keys()?;
        Ok(SignedRoot { metadata, envelope })
    }

    /// Whether a home trusting `trusted` may move to this root: a higher version, signed by
    /// `trusted.threshold` of the trusted keys and by its own threshold of its own keys.
    pub fn check_succeeds(&self, trusted: &RootMetadata) -> Result<(), RootError> {
        let new_keys = self.metadata.public_keys()?;
        let old_keys = trusted.public_keys()?;
        if self.metadata.version <= trusted.version {
            return Err(RootError::Rollback {
                trusted: trusted.version,
                offered: self.metadata.version,
            });
        }
        for (which, keys, threshold) in [
            ("trusted", &old_keys, trusted.threshold),
            ("new", &new_keys, self.metadata.threshold),
        ] {
            let refs: Vec<&RsaPublicKey> = keys.iter().collect();
            let signed = self.envelope.signed_by(&refs).len();
            if signed < threshold as usize {
                return Err(RootError::ThresholdNotMet {
                    which,
                    signed,
                    threshold,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{other, partner, root};

    fn pem(k: &RsaPublicKey) -> String {
        keys::public_key_to_pem(k).unwrap()
    }

    fn v2(threshold: u32) -> SignedRoot {
        SignedRoot::create(RootMetadata {
            version: 2,
            threshold,
            keys: vec![pem(&partner().1), pem(&other().1)],
        })
        .unwrap()
    }

    #[test]
    fn a_root_signed_by_both_thresholds_succeeds_and_round_trips() {
        let trusted = RootMetadata::implicit(&pem(&root().1));
        let mut new = v2(2);
        new.sign(&root().0).unwrap();
        new.sign(&partner().0).unwrap();
        assert_eq!(
            new.check_succeeds(&trusted).unwrap_err(),
            RootError::ThresholdNotMet {
                which: "new",
                signed: 1,
                threshold: 2
            }
        );
        new.sign(&other().0).unwrap();
        let back = SignedRoot::from_json(&new.to_json()).unwrap();
        assert_eq!(back, new);
        back.check_succeeds(&trusted).unwrap();
        // The same root again, or an older one, is a rollback.
        let err = back.check_succeeds(back.metadata()).unwrap_err();
        assert_eq!(err.code(), "ROOT_ROLLBACK");
    }

    #[test]
    fn signatures_by_the_wrong_keys_or_one_key_twice_do_not_count() {
        let trusted = RootMetadata::implicit(&pem(&root().1));
        let mut new = v2(1);
        new.sign(&partner().0).unwrap();
        let err = new.check_succeeds(&trusted).unwrap_err();
        assert_eq!(err.code(), "ROOT_THRESHOLD_NOT_MET");
        assert!(err.to_string().contains("0 of the trusted"), "{err}");
        // A trusted root with threshold 2 is not satisfied by one key signing twice.
        let trusted2 = RootMetadata {
            version: 1,
            threshold: 2,
            keys: vec![pem(&root().1), pem(&other().1)],
        };
        let mut twice = v2(1);
        twice.sign(&root().0).unwrap();
        twice.sign(&root().0).unwrap();
        twice.sign(&partner().0).unwrap();
        let err = twice.check_succeeds(&trusted2).unwrap_err();
        assert_eq!(
            err,
            RootError::ThresholdNotMet {
                which: "trusted",
                signed: 1,
                threshold: 2
            }
        );
        // A signature over other bytes (the payload changed after signing) does not count.
        let mut changed = v2(1);
        changed.sign(&root().0).unwrap();
        changed.sign(&partner().0).unwrap();
        changed.envelope.payload = serde_json::to_vec(&RootMetadata {
            version: 3,
            ..changed.metadata.clone()
        })
        .unwrap();
        let changed = SignedRoot::from_json(&changed.to_json()).unwrap();
        assert_eq!(changed.metadata().version, 3);
        assert_eq!(
            changed.check_succeeds(&trusted).unwrap_err().code(),
            "ROOT_THRESHOLD_NOT_MET"
        );
    }

    #[test]
    fn unknown_fields_bad_thresholds_and_junk_are_root_invalid() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let envelope = |payload: &str, ty: &str| {
            serde_json::json!({"payloadType": ty, "payload": b64.encode(payload), "signatures": []})
                .to_string()
        };
        let k = serde_json::to_string(&pem(&root().1)).unwrap();
        let cases = [
            envelope(
                &format!(r#"{{"version":2,"threshold":1,"keys":[{k}],"admin":true}}"#),
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                &format!(r#"{{"version":2,"threshold":0,"keys":[{k}]}}"#),
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                &format!(r#"{{"version":2,"threshold":2,"keys":[{k}]}}"#),
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                &format!(r#"{{"version":2,"threshold":1,"keys":[{k},{k}]}}"#),
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                r#"{"version":2,"threshold":1,"keys":[]}"#,
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                r#"{"version":2,"threshold":1,"keys":["nope"]}"#,
                ROOT_PAYLOAD_TYPE,
            ),
            envelope(
                &format!(r#"{{"version":2,"threshold":1,"keys":[{k}]}}"#),
                "application/json",
            ),
            String::from_utf8(v2(1).to_json())
                .unwrap()
                .replacen('{', "{\"extra\":1,", 1),
            "{}".into(),
            "null".into(),
        ];
        for case in cases {
            let err = SignedRoot::from_json(case.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "ROOT_INVALID", "{case}: {err}");
        }
        let ok = envelope(
            &format!(r#"{{"version":2,"threshold":1,"keys":[{k}]}}"#),
            ROOT_PAYLOAD_TYPE,
        );
        SignedRoot::from_json(ok.as_bytes()).unwrap();
    }
}
