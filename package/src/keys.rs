//! RSA keys: generation, PEM, RSA-PSS-SHA256 signatures and fingerprints.
//!
//! Private keys travel as PKCS#8 PEM (`BEGIN PRIVATE KEY`), public keys as SPKI PEM
//! (`BEGIN PUBLIC KEY`); PKCS#1 PEM (`BEGIN RSA ... KEY`) is also read. Signatures travel as
//! standard base64 (with padding).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::pss::{Signature, SigningKey, VerifyingKey};
use rsa::sha2::Sha256;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::traits::PublicKeyParts;

pub use rsa::pkcs8::der::zeroize::Zeroizing;
// rsa 0.10 renamed them `PrivateKey`/`PublicKey`; our API keeps the names that say RSA.
pub use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};

use crate::error::PackageError;

/// Smallest modulus we generate or accept, in bits.
pub const MIN_KEY_BITS: usize = 2048;
/// Largest modulus we generate or accept, in bits (bounds the cost of a verification).
pub const MAX_KEY_BITS: usize = 4096;
/// Modulus size the CLI should generate.
pub const DEFAULT_KEY_BITS: usize = 3072;

/// Generates an RSA key pair with public exponent 65537. Slow: about a second for 3072 bits.
pub fn generate_keypair(bits: usize) -> Result<(RsaPrivateKey, RsaPublicKey), PackageError> {
    if !(MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
        return Err(key_invalid(format!(
            "{bits}-bit keys are not supported; use {MIN_KEY_BITS} to {MAX_KEY_BITS} bits"
        )));
    }
    let private = RsaPrivateKey::new(&mut getrandom::SysRng, bits)
        .map_err(|e| key_invalid(format!("key generation failed: {e}")))?;
    let public = private.to_public_key();
    Ok((private, public))
}

/// PKCS#8 PEM of a private key, wiped from memory when dropped.
pub fn private_key_to_pem(key: &RsaPrivateKey) -> Result<Zeroizing<String>, PackageError> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| key_invalid(format!("cannot encode the private key: {e}")))
}

/// SPKI PEM of a public key.
pub fn public_key_to_pem(key: &RsaPublicKey) -> Result<String, PackageError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| key_invalid(format!("cannot encode the public key: {e}")))
}

/// Reads a private key from PKCS#8 PEM (or PKCS#1 PEM). `KEY_INVALID` if it is not an RSA
/// private key of an accepted size.
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, PackageError> {
    let key = RsaPrivateKey::from_pkcs8_pem(pem.trim())
        .or_else(|pkcs8| RsaPrivateKey::from_pkcs1_pem(pem.trim()).map_err(|_| pkcs8))
        .map_err(|e| {
            key_invalid(format!(
                "not an RSA private key in PEM ({e}){}",
                wrong_kind_note(pem, "PRIVATE")
            ))
        })?;
    check_size(key.size())?;
    key.validate()
        .map_err(|e| key_invalid(format!("the private key is inconsistent: {e}")))?;
    Ok(key)
}

/// Reads a public key from SPKI PEM (or PKCS#1 PEM). `KEY_INVALID` if it is not an RSA public
/// key of an accepted size.
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, PackageError> {
    let key = RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|spki| RsaPublicKey::from_pkcs1_pem(pem.trim()).map_err(|_| spki))
        .map_err(|e| {
            key_invalid(format!(
                "not an RSA public key in PEM ({e}){}",
                wrong_kind_note(pem, "PUBLIC")
            ))
        })?;
    check_size(key.size())?;
    Ok(key)
}

/// Lower-case hex SHA-256 of the key's SPKI DER, for display (`miniapp key show`).
pub fn public_key_fingerprint(key: &RsaPublicKey) -> String {
    let der = key
        .to_public_key_der()
        .expect("an RSA public key always encodes as SPKI DER");
    hex::encode(crate::digest::sha256(der.as_bytes()))
}

/// RSA-PSS signature with SHA-256 and MGF1-SHA-256, salt length 32, over `msg`. RSA blinding
/// is on (rsa 0.10 always blinds with the RNG it is given). Fails only for a key too small to
/// hold the encoding, which [`MIN_KEY_BITS`] excludes.
pub fn sign_pss_sha256(key: &RsaPrivateKey, msg: &[u8]) -> Result<Vec<u8>, PackageError> {
    SigningKey::<Sha256>::new(key.clone())
        .try_sign_with_rng(&mut getrandom::SysRng, msg)
        .map(|s| s.to_vec())
        .map_err(|e| key_invalid(format!("cannot sign with this key: {e}")))
}

/// Whether `sig` is a valid [`sign_pss_sha256`] signature of `msg` under `key`.
pub fn verify_pss_sha256(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = Signature::try_from(sig) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(msg, &sig)
        .is_ok()
}

/// Standard base64 with padding, as signatures travel in JSON.
pub fn signature_to_base64(sig: &[u8]) -> String {
    BASE64.encode(sig)
}

/// Decodes a [`signature_to_base64`] string; `None` if it is not standard base64.
pub fn signature_from_base64(text: &str) -> Option<Vec<u8>> {
    // A 4096-bit signature is 684 base64 characters; refuse to decode anything much longer.
    if text.len() > 1024 {
        return None;
    }
    BASE64.decode(text).ok()
}

fn check_size(bytes: usize) -> Result<(), PackageError> {
    let bits = bytes * 8;
    if (MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(key_invalid(format!(
            "the key has {bits} bits; use {MIN_KEY_BITS} to {MAX_KEY_BITS} bits"
        )))
    }
}

/// A note for the common mistake of passing a public key where a private one is expected (and
/// back), or a key of another algorithm.
fn wrong_kind_note(pem: &str, wanted: &str) -> &'static str {
    if pem.contains("BEGIN ENCRYPTED PRIVATE KEY") {
        return "; encrypted private keys are not supported: decrypt it to PKCS#8 PEM first";
    }
    let other = if wanted == "PRIVATE" {
        "PUBLIC KEY-----"
    } else {
        "PRIVATE KEY-----"
    };
    if pem.contains(other) {
        if wanted == "PRIVATE" {
            "; this is a public key, and signing needs the private key"
        } else {
            "; this is a private key: share only the public key"
        }
    } else if pem.contains("BEGIN EC ") || pem.contains("BEGIN OPENSSH") {
        "; only RSA keys are supported"
    } else {
        ""
    }
}

fn key_invalid(reason: String) -> PackageError {
    PackageError::KeyInvalid { reason }
}

/// Keys for this crate's unit tests, generated once per test binary (generation is slow).
#[cfg(test)]
pub(crate) mod test_keys {
    use std::sync::OnceLock;

    use super::*;

    fn pair(
        cell: &'static OnceLock<(RsaPrivateKey, RsaPublicKey)>,
    ) -> &'static (RsaPrivateKey, RsaPublicKey) {
        cell.get_or_init(|| generate_keypair(2048).unwrap())
    }

    pub(crate) fn root() -> &'static (RsaPrivateKey, RsaPublicKey) {
        static CELL: OnceLock<(RsaPrivateKey, RsaPublicKey)> = OnceLock::new();
        pair(&CELL)
    }

    pub(crate) fn partner() -> &'static (RsaPrivateKey, RsaPublicKey) {
        static CELL: OnceLock<(RsaPrivateKey, RsaPublicKey)> = OnceLock::new();
        pair(&CELL)
    }

    pub(crate) fn other() -> &'static (RsaPrivateKey, RsaPublicKey) {
        static CELL: OnceLock<(RsaPrivateKey, RsaPublicKey)> = OnceLock::new();
        pair(&CELL)
    }
}

#[cfg(test)]
mod tests {
    use super::test_keys::{other, partner};
    use super::*;

    #[test]
    fn pem_round_trips() {
        let (private, public) = partner();
        let private_pem = private_key_to_pem(private).unwrap();
        assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(&private_key_from_pem(&private_pem).unwrap(), private);
        let public_pem = public_key_to_pem(public).unwrap();
        assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(&public_key_from_pem(&public_pem).unwrap(), public);
    }

    #[test]
    fn pkcs1_pem_is_read_too() {
        use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
        let (private, public) = partner();
        let pem = private.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert_eq!(&private_key_from_pem(&pem).unwrap(), private);
        let pem = public.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert_eq!(&public_key_from_pem(&pem).unwrap(), public);
    }

    #[test]
    fn bad_pem_is_key_invalid_and_says_why() {
        let (private, public) = partner();
        let public_pem = public_key_to_pem(public).unwrap();
        let err = private_key_from_pem(&public_pem).unwrap_err();
        assert_eq!(err.code(), "KEY_INVALID");
        assert!(err.to_string().contains("this is a public key"), "{err}");

        let private_pem = private_key_to_pem(private).unwrap();
        let err = public_key_from_pem(&private_pem).unwrap_err();
        assert_eq!(err.code(), "KEY_INVALID");
        assert!(err.to_string().contains("this is a private key"), "{err}");

        for junk in [
            "",
            "hello",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            assert_eq!(public_key_from_pem(junk).unwrap_err().code(), "KEY_INVALID");
            assert_eq!(
                private_key_from_pem(junk).unwrap_err().code(),
                "KEY_INVALID"
            );
        }
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let err = private_key_from_pem(encrypted).unwrap_err();
        assert!(
            err.to_string()
                .contains("encrypted private keys are not supported"),
            "{err}"
        );
        // An Ed25519 key in PKCS#8 is well-formed PEM but not RSA.
        let ed25519 = "-----BEGIN PRIVATE KEY-----\n\
                       MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                       -----END PRIVATE KEY-----\n";
        assert_eq!(
            private_key_from_pem(ed25519).unwrap_err().code(),
            "KEY_INVALID"
        );
    }

    #[test]
    fn small_keys_are_refused() {
        assert_eq!(generate_keypair(1024).unwrap_err().code(), "KEY_INVALID");
        let small = RsaPrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
        let pem = private_key_to_pem(&small).unwrap();
        let err = private_key_from_pem(&pem).unwrap_err();
        assert!(err.to_string().contains("1024 bits"), "{err}");
        let pem = public_key_to_pem(&small.to_public_key()).unwrap();
        assert_eq!(public_key_from_pem(&pem).unwrap_err().code(), "KEY_INVALID");
    }

    #[test]
    fn signatures_verify_only_for_their_key_and_message() {
        let (private, public) = partner();
        let sig = sign_pss_sha256(private, b"payload").unwrap();
        assert_eq!(sig.len(), 256);
        assert!(verify_pss_sha256(public, b"payload", &sig));
        assert!(!verify_pss_sha256(public, b"payloaD", &sig));
        assert!(!verify_pss_sha256(&other().1, b"payload", &sig));
        let mut bad = sig.clone();
        bad[100] ^= 1;
        assert!(!verify_pss_sha256(public, b"payload", &bad));
        assert!(!verify_pss_sha256(public, b"payload", &sig[..255]));
        assert!(!verify_pss_sha256(public, b"payload", &[]));
        // PSS is randomized: two signatures of one message differ, and both verify.
        let sig2 = sign_pss_sha256(private, b"payload").unwrap();
        assert_ne!(sig, sig2);
        assert!(verify_pss_sha256(public, b"payload", &sig2));
    }

    #[test]
    fn base64_round_trips_and_refuses_junk() {
        let sig = vec![0, 1, 2, 250, 251, 252];
        let text = signature_to_base64(&sig);
        assert_eq!(text, "AAEC+vv8");
        assert_eq!(signature_from_base64(&text), Some(sig));
        assert_eq!(signature_from_base64("AAEC-vv8"), None, "URL-safe alphabet");
        assert_eq!(signature_from_base64("not base64!"), None);
    }

    #[test]
    fn fingerprints_identify_keys() {
        let a = public_key_fingerprint(&partner().1);
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(a, public_key_fingerprint(&partner().1));
        assert_ne!(a, public_key_fingerprint(&other().1));
    }
}
