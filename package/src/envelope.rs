//! DSSE envelopes (<https://github.com/secure-systems-lab/dsse>): a payload carried as exact
//! bytes (base64 in JSON) with signatures over `PAE(payloadType, payload)`, so any backend with
//! base64, SHA-256 and RSA-PSS checks them without reproducing anyone's JSON serializer.
//!
//! ```text
//! PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//! LEN(s)          = ASCII decimal byte length of s, no leading zeros
//! ```
//! Signatures here are RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt
//! ([`keys::sign_pss_sha256`]); `keyid` is the lower-case hex SHA-256 of the signer's SPKI DER
//! ([`keys::public_key_fingerprint`]) and is only a hint: verifiers try their keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use crate::error::PackageError;
use crate::keys::{self, RsaPrivateKey, RsaPublicKey};

/// Largest envelope we parse, in bytes (1000 entries of the package payload fit in ~350 KiB).
pub const MAX_ENVELOPE_BYTES: usize = 1024 * 1024;
/// Most signatures an envelope may carry (bounds the work of a verification).
pub const MAX_SIGNATURES: usize = 16;

/// One signature of an [`Envelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// Hex SHA-256 of the signer's SPKI DER; a hint, not trusted.
    #[serde(default)]
    pub keyid: String,
    /// Standard base64 (with padding) of the raw RSA-PSS signature.
    pub sig: String,
}

/// A DSSE envelope as JSON: `{"payloadType", "payload" (base64), "signatures": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvelopeJson {
    payload_type: String,
    payload: String,
    signatures: Vec<EnvelopeSignature>,
}

/// A parsed envelope: its type, its payload bytes and its signatures (not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<EnvelopeSignature>,
}

/// The DSSE pre-authentication encoding: what is signed.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// An envelope of `payload` signed by each of `signers`.
    pub fn sign(
        payload_type: &str,
        payload: Vec<u8>,
        signers: &[&RsaPrivateKey],
    ) -> Result<Envelope, PackageError> {
        let pae = pae(payload_type, &payload);
        let signatures = signers
            .iter()
            .map(|k| {
                Ok(EnvelopeSignature {
                    keyid: keys::public_key_fingerprint(&k.to_public_key()),
                    sig: keys::signature_to_base64(&keys::sign_pss_sha256(k, &pae)?),
                })
            })
            .collect::<Result<_, PackageError>>()?;
        Ok(Envelope {
            payload_type: payload_type.to_owned(),
            payload,
            signatures,
        })
    }

    /// Compact JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&EnvelopeJson {
            payload_type: self.payload_type.clone(),
            payload: BASE64.encode(&self.payload),
            signatures: self.signatures.clone(),
        })
        .expect("an envelope serializes")
    }

    /// Parses envelope JSON, bounded; the reason as text if it is not one.
    pub fn from_json(bytes: &[u8]) -> Result<Envelope, String> {
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(format!(
                "it is {} bytes; the limit is {MAX_ENVELOPE_BYTES}",
                bytes.len()
            ));
        }
        let json: EnvelopeJson =
            serde_json::from_slice(bytes).map_err(|e| format!("not a DSSE envelope: {e}"))?;
        if json.signatures.len() > MAX_SIGNATURES {
            return Err(format!("more than {MAX_SIGNATURES} signatures"));
        }
        let payload = BASE64
            .decode(&json.payload)
            .map_err(|_| "its payload is not standard base64".to_owned())?;
        Ok(Envelope {
            payload_type: json.payload_type,
            payload,
            signatures: json.signatures,
        })
    }

    /// The distinct `keys` (by index) that signed this envelope's PAE.
    pub fn signed_by(&self, keys: &[&RsaPublicKey]) -> Vec<usize> {
        let pae = pae(&self.payload_type, &self.payload);
        let sigs: Vec<Vec<u8>> = self
            .signatures
            .iter()
            .filter_map(|s| keys::signature_from_base64(&s.sig))
            .collect();
        (0..keys.len())
            .filter(|&i| {
                sigs.iter()
                    .any(|s| keys::verify_pss_sha256(keys[i], &pae, s))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{other, partner};

    #[test]
    fn pae_is_as_specified() {
        assert_eq!(
            pae("application/x", b"hello world"),
            b"DSSEv1 13 application/x 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn envelopes_round_trip_and_name_their_signers() {
        let e = Envelope::sign("t", b"body".to_vec(), &[&partner().0]).unwrap();
        let back = Envelope::from_json(&e.to_json()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.signed_by(&[&other().1, &partner().1]), vec![1]);
        let mut changed = back.clone();
        changed.payload.push(b'!');
        assert!(changed.signed_by(&[&partner().1]).is_empty());
        let mut retyped = back.clone();
        retyped.payload_type = "u".into();
        assert!(retyped.signed_by(&[&partner().1]).is_empty());
        for junk in [
            &b"{}"[..],
            b"[]",
            b"{\"payloadType\":\"t\",\"payload\":\"%\",\"signatures\":[]}",
        ] {
            assert!(Envelope::from_json(junk).is_err());
        }
        let extra = String::from_utf8(e.to_json())
            .unwrap()
            .replacen('{', "{\"x\":1,", 1);
        assert!(Envelope::from_json(extra.as_bytes()).is_err());
    }
}
