//! What a package signature covers, and the package digest.
//!
//! # Version 2 (what `pack` writes): an entry list signed as exact bytes
//!
//! ```text
//! list = "miniapp-package-v2\n"
//!        *( <lower-case hex SHA-256> SP <decimal size> SP <path> "\n" )
//! ```
//! One line per archive entry except `signature.dsse.json` (so `manifest.json` and
//! `partner.json` are covered byte for byte), sorted by the bytes of their path. The list is the
//! payload of the DSSE envelope stored as `signature.dsse.json` ([`crate::envelope`]); the
//! package digest is SHA-256 of the list. `docs/package-format.md` specifies it for other
//! implementations.
//!
//! # Version 1 (legacy, still verified)
//!
//! ```text
//! payload  = "miniapp-package-v1\n"
//!            "manifest" NUL <decimal length of M> NUL M "\n"
//!            *( <path> NUL <decimal size in bytes> NUL <lower-case hex SHA-256> "\n" )
//! M        = compact serde_json of the Manifest with `signature` = None
//!            (fields in declaration order; permissions sorted; no whitespace)
//! ```
//!
//! The lines are for every archive entry except `manifest.json` (so `partner.json` is
//! included), sorted by the bytes of their path. Paths cannot hold NUL or newlines (the archive
//! rules refuse control characters) and M is length-prefixed, so the payload parses one way only.
//!
//! The package signature (base64 RSA-PSS-SHA256 in `manifest.json`'s `signature`) is over the
//! payload; the package digest is SHA-256 of the payload. What is signed is the manifest's
//! meaning, not its bytes: re-indenting `manifest.json` or reordering its keys keeps the
//! signature valid, while changing any value breaks it.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::manifest::Manifest;
use crate::pack::{MANIFEST_PATH, SIGNATURE_PATH};

/// First line of a version-2 entry list.
pub const ENTRY_LIST_HEADER: &[u8] = b"miniapp-package-v2\n";
/// The DSSE `payloadType` of a package signature envelope.
pub const PACKAGE_PAYLOAD_TYPE: &str = "application/vnd.miniapp.package-entries.v2";

/// The version-2 entry list of `entries` (any order; `signature.dsse.json` is left out).
pub fn entry_list<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = entries
        .into_iter()
        .filter(|(path, _)| *path != SIGNATURE_PATH)
        .collect();
    entries.sort_unstable_by_key(|(path, _)| path.as_bytes());
    let mut list = ENTRY_LIST_HEADER.to_vec();
    for (path, data) in entries {
        list.extend_from_slice(hex::encode(Sha256::digest(data)).as_bytes());
        list.push(b' ');
        list.extend_from_slice(data.len().to_string().as_bytes());
        list.push(b' ');
        list.extend_from_slice(path.as_bytes());
        list.push(b'\n');
    }
    list
}

/// Parses a version-2 entry list into path → (size, SHA-256). Strict: the header, sorted
/// unique paths, lower-case hex, decimal sizes without leading zeros, a final newline.
pub fn parse_entry_list(list: &[u8]) -> Result<BTreeMap<String, (u64, [u8; 32])>, String> {
    let body = list
        .strip_prefix(ENTRY_LIST_HEADER)
        .ok_or("it does not start with `miniapp-package-v2`")?;
    let text = std::str::from_utf8(body).map_err(|_| "it is not UTF-8")?;
    let mut out = BTreeMap::new();
    let mut previous: Option<&str> = None;
    let lines = text
        .strip_suffix('\n')
        .map_or(Vec::new(), |t| t.split('\n').collect());
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("its last line does not end with a newline".into());
    }
    for line in lines {
        let bad = || {
            format!(
                "line `{}` is not `<sha256> <size> <path>`",
                line.escape_debug()
            )
        };
        let mut parts = line.splitn(3, ' ');
        let (Some(hash), Some(size), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let hash_ok = hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let size_ok = !size.is_empty()
            && size.len() <= 20
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        if !hash_ok || !size_ok || path.is_empty() {
            return Err(bad());
        }
        if previous.is_some_and(|p| p.as_bytes() >= path.as_bytes()) {
            return Err(format!(
                "path `{}` is out of order or repeated",
                path.escape_debug()
            ));
        }
        previous = Some(path);
        let mut digest = [0u8; 32];
        hex::decode_to_slice(hash, &mut digest).map_err(|_| bad())?;
        out.insert(path.to_owned(), (size.parse().map_err(|_| bad())?, digest));
    }
    Ok(out)
}

/// First line of every version-1 payload: keeps a package signature from being valid for any
/// other message signed with the same key.
pub const PAYLOAD_PREFIX: &[u8] = b"miniapp-package-v1\n";

/// The canonical signed payload of a package with this `manifest` and these `entries` (by path;
/// an entry `manifest.json`, if present, is ignored: the manifest is represented by `manifest`).
pub fn signed_payload(manifest: &Manifest, entries: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    payload_of(
        manifest,
        entries.iter().map(|(p, d)| (p.as_str(), d.as_slice())),
    )
}

/// [`signed_payload`] of entries given in any order.
pub(crate) fn payload_of<'a>(
    manifest: &Manifest,
    entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = entries
        .into_iter()
        .filter(|(path, _)| *path != MANIFEST_PATH)
        .collect();
    entries.sort_unstable_by_key(|(path, _)| *path);
    let unsigned = Manifest {
        signature: None,
        ..manifest.clone()
    };
    let manifest_json =
        serde_json::to_vec(&unsigned).expect("a Manifest always serializes to JSON");
    let mut payload =
        Vec::with_capacity(PAYLOAD_PREFIX.len() + manifest_json.len() + 32 + entries.len() * 100);
    payload.extend_from_slice(PAYLOAD_PREFIX);
    payload.extend_from_slice(b"manifest\0");
    payload.extend_from_slice(manifest_json.len().to_string().as_bytes());
    payload.push(0);
    payload.extend_from_slice(&manifest_json);
    payload.push(b'\n');
    for (path, data) in entries {
        payload.extend_from_slice(path.as_bytes());
        payload.push(0);
        payload.extend_from_slice(data.len().to_string().as_bytes());
        payload.push(0);
        payload.extend_from_slice(hex::encode(Sha256::digest(data)).as_bytes());
        payload.push(b'\n');
    }
    payload
}

/// SHA-256 of [`signed_payload`]: identifies a package's signed contents.
pub fn package_digest(manifest: &Manifest, entries: &BTreeMap<String, Vec<u8>>) -> [u8; 32] {
    sha256(&signed_payload(manifest, entries))
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{DomainPattern, Permission};

    fn manifest() -> Manifest {
        Manifest::from_json(
            br#"{"id":"com.acme.loans","version":"1.0.0","minHostVersion":"1.0.0",
                 "entryPoint":"app.wasm","permissions":["storage"],
                 "allowedDomains":["api.acme.com"]}"#,
        )
        .unwrap()
    }

    fn entries() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("app.wasm".to_owned(), b"\0asm\x01\0\0\0".to_vec()),
            ("partner.json".to_owned(), b"{}".to_vec()),
            ("assets/logo.png".to_owned(), vec![7; 100]),
        ])
    }

    #[test]
    fn entry_list_is_exactly_as_documented_and_parses_back() {
        let e = BTreeMap::from([
            ("b c".to_owned(), b"xy".to_vec()),
            ("a".to_owned(), Vec::new()),
            (SIGNATURE_PATH.to_owned(), b"ignored".to_vec()),
        ]);
        let list = entry_list(e.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
        let expected = format!(
            "miniapp-package-v2\n{} 0 a\n{} 2 b c\n",
            hex::encode(Sha256::digest(b"")),
            hex::encode(Sha256::digest(b"xy")),
        );
        assert_eq!(String::from_utf8(list.clone()).unwrap(), expected);
        let parsed = parse_entry_list(&list).unwrap();
        assert_eq!(parsed["b c"], (2, Sha256::digest(b"xy").into()));
        assert_eq!(parse_entry_list(ENTRY_LIST_HEADER).unwrap().len(), 0);
        let h = hex::encode(Sha256::digest(b""));
        for bad in [
            "miniapp-package-v1\n".to_owned(),
            format!("miniapp-package-v2\n{h} 0 a"),
            format!("miniapp-package-v2\n{h} 0 b\n{h} 0 a\n"),
            format!("miniapp-package-v2\n{h} 0 a\n{h} 0 a\n"),
            format!("miniapp-package-v2\n{} 0 a\n", h.to_uppercase()),
            format!("miniapp-package-v2\n{h} 01 a\n"),
            format!("miniapp-package-v2\n{h} 0 \n"),
            format!("miniapp-package-v2\n{h} 0\n"),
            format!("miniapp-package-v2\n{h} 99999999999999999999999 a\n"),
        ] {
            assert!(parse_entry_list(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn layout_is_exactly_as_documented() {
        let m = manifest();
        let e = BTreeMap::from([
            ("b".to_owned(), b"xy".to_vec()),
            ("a".to_owned(), Vec::new()),
        ]);
        let json = r#"{"id":"com.acme.loans","version":"1.0.0","minHostVersion":"1.0.0","entryPoint":"app.wasm","permissions":["storage"],"allowedDomains":["api.acme.com"]}"#;
        let expected = format!(
            "miniapp-package-v1\nmanifest\0{}\0{json}\na\00\0{}\nb\02\0{}\n",
            json.len(),
            hex::encode(Sha256::digest(b"")),
            hex::encode(Sha256::digest(b"xy")),
        );
        assert_eq!(String::from_utf8(signed_payload(&m, &e)).unwrap(), expected);
    }

    #[test]
    fn the_signature_and_the_manifest_entry_are_not_part_of_the_payload() {
        let m = manifest();
        let signed = Manifest {
            signature: Some("c2ln".into()),
            ..m.clone()
        };
        let mut with_manifest = entries();
        with_manifest.insert(MANIFEST_PATH.into(), b"anything".to_vec());
        assert_eq!(
            package_digest(&m, &entries()),
            package_digest(&signed, &with_manifest)
        );
    }

    #[test]
    fn every_change_changes_the_digest() {
        let m = manifest();
        let base = package_digest(&m, &entries());
        let mut seen = vec![base];
        let mut differs = |d: [u8; 32], what: &str| {
            assert!(!seen.contains(&d), "{what} did not change the digest");
            seen.push(d);
        };

        for path in entries().keys() {
            let mut e = entries();
            e.get_mut(path).unwrap()[0] ^= 1;
            differs(package_digest(&m, &e), &format!("a bit of {path}"));
        }
        let mut e = entries();
        e.insert("extra.txt".into(), Vec::new());
        differs(package_digest(&m, &e), "an added empty entry");
        let mut e = entries();
        e.remove("assets/logo.png");
        differs(package_digest(&m, &e), "a removed entry");
        let mut e = entries();
        let data = e.remove("assets/logo.png").unwrap();
        e.insert("assets/logo2.png".into(), data);
        differs(package_digest(&m, &e), "a renamed entry");

        let changes: [fn(&mut Manifest); 6] = [
            |m| m.version = semver::Version::new(1, 0, 1),
            |m| m.min_host_version = semver::Version::new(0, 9, 0),
            |m| m.id = crate::manifest::AppId::parse("com.acme.other").unwrap(),
            |m| m.entry_point = "other.wasm".into(),
            |m| {
                m.permissions.insert(Permission::Payment);
            },
            |m| {
                m.allowed_domains
                    .push(DomainPattern::parse("*.acme.com").unwrap())
            },
        ];
        for change in changes {
            let mut m2 = m.clone();
            change(&mut m2);
            differs(package_digest(&m2, &entries()), "a manifest field");
        }
    }

    #[test]
    fn entry_boundaries_cannot_be_shifted() {
        // Moving bytes from one entry's end to the next entry's start changes the digest.
        let m = manifest();
        let a = BTreeMap::from([
            ("a".to_owned(), b"xy".to_vec()),
            ("b".to_owned(), b"z".to_vec()),
        ]);
        let b = BTreeMap::from([
            ("a".to_owned(), b"x".to_vec()),
            ("b".to_owned(), b"yz".to_vec()),
        ]);
        assert_ne!(package_digest(&m, &a), package_digest(&m, &b));
    }
}
