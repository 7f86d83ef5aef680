//! Shared fixtures for the integration tests: real keys (generated once per test binary), a
//! real signed package, and raw zip builders for packages `pack` would refuse to make.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::sync::OnceLock;

use miniapp_package::keys::{self, RsaPrivateKey, RsaPublicKey};
use miniapp_package::{
    AppId, Archive, MANIFEST_PATH, Manifest, PARTNER_PATH, PackageError, PartnerRecord, Permission,
    TrustAnchors, UnsignedPartnerRecord, VerifiedPackage, digest, pack, verify,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The time at which the tests verify: inside every record's validity window.
pub const NOW: u64 = 1_750_000_000;
pub const ISSUED: u64 = 1_700_000_000;
pub const EXPIRES: u64 = 1_800_000_000;

type Pair = (RsaPrivateKey, RsaPublicKey);

fn pair(cell: &'static OnceLock<Pair>) -> &'static Pair {
    cell.get_or_init(|| keys::generate_keypair(2048).unwrap())
}

/// The marketplace root the host trusts.
pub fn root() -> &'static Pair {
    static CELL: OnceLock<Pair> = OnceLock::new();
    pair(&CELL)
}

/// Some other root, which the host does not trust.
pub fn foreign_root() -> &'static Pair {
    static CELL: OnceLock<Pair> = OnceLock::new();
    pair(&CELL)
}

/// Partner Acme, namespace `com.acme`.
pub fn acme() -> &'static Pair {
    static CELL: OnceLock<Pair> = OnceLock::new();
    pair(&CELL)
}

/// Partner Globex, namespace `com.globex`, also trusted by the root.
pub fn globex() -> &'static Pair {
    static CELL: OnceLock<Pair> = OnceLock::new();
    pair(&CELL)
}

pub fn unsigned_record(
    name: &str,
    key: &RsaPublicKey,
    namespace: &str,
    permissions: &[Permission],
) -> UnsignedPartnerRecord {
    UnsignedPartnerRecord {
        partner: name.into(),
        public_key: keys::public_key_to_pem(key).unwrap(),
        allowed_permissions: permissions.iter().copied().collect(),
        namespace: AppId::parse(namespace).unwrap(),
        issued_at: ISSUED,
        expires_at: EXPIRES,
        allowed_domains: vec![miniapp_package::DomainPattern::parse("*.acme.com").unwrap()],
    }
}

/// Acme's record, issued by the root: storage, ui and payment allowed.
pub fn acme_record() -> &'static PartnerRecord {
    static CELL: OnceLock<PartnerRecord> = OnceLock::new();
    CELL.get_or_init(|| {
        let u = unsigned_record(
            "Acme Loans",
            &acme().1,
            "com.acme",
            &[Permission::Storage, Permission::Ui, Permission::Payment],
        );
        PartnerRecord::issue(u, &root().0).unwrap()
    })
}

/// Globex's record, issued by the root: every permission.
pub fn globex_record() -> &'static PartnerRecord {
    static CELL: OnceLock<PartnerRecord> = OnceLock::new();
    CELL.get_or_init(|| {
        let u = unsigned_record("Globex", &globex().1, "com.globex", &Permission::ALL);
        PartnerRecord::issue(u, &root().0).unwrap()
    })
}

pub fn manifest() -> Manifest {
    manifest_with_version("1.2.0")
}

pub fn manifest_with_version(version: &str) -> Manifest {
    Manifest::from_json(
        format!(
            r#"{{"id":"com.acme.loans","version":"{version}","minHostVersion":"1.1.0",
                "entryPoint":"app.wasm","permissions":["storage","payment"],
                "allowedDomains":["api.acme.com","*.cdn.acme.com"]}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

/// Deterministic incompressible-ish bytes.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

pub fn files() -> BTreeMap<String, Vec<u8>> {
    files_with_seed(1)
}

pub fn files_with_seed(seed: u64) -> BTreeMap<String, Vec<u8>> {
    // A component with no imports: the header, then the noise in one custom section.
    let mut wasm = b"\0asm\x0d\0\x01\0".to_vec();
    let mut section = vec![4];
    section.extend(b"note");
    section.extend(noise(3000, seed));
    wasm.push(0);
    let mut len = section.len();
    while len >= 0x80 {
        wasm.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    wasm.push(len as u8);
    wasm.extend(section);
    BTreeMap::from([
        ("app.wasm".to_owned(), wasm),
        ("assets/logo.png".to_owned(), noise(500, seed + 100)),
        (
            "assets/strings/en.json".to_owned(),
            br#"{"hello":"Hello"}"#.to_vec(),
        ),
        (
            "index.html".to_owned(),
            b"<!doctype html><title>Loans</title>".to_vec(),
        ),
    ])
}

/// The signed package under test, packed once.
pub fn package() -> &'static [u8] {
    static CELL: OnceLock<Vec<u8>> = OnceLock::new();
    CELL.get_or_init(|| pack(&manifest(), &files(), acme_record(), &acme().0).unwrap())
}

/// The entries of [`package`], `manifest.json` and `partner.json` included.
pub fn entries() -> BTreeMap<String, Vec<u8>> {
    Archive::open(package()).unwrap().entries().clone()
}

pub fn anchors() -> TrustAnchors {
    TrustAnchors::new(root().1.clone()).at(NOW)
}

pub fn host() -> semver::Version {
    semver::Version::new(1, 4, 0)
}

pub fn open_and_verify(bytes: &[u8]) -> Result<VerifiedPackage, PackageError> {
    verify(&Archive::open(bytes)?, &anchors(), &host())
}

/// The error code `bytes` is refused with, or `"OK"`.
pub fn outcome(bytes: &[u8]) -> &'static str {
    match open_and_verify(bytes) {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
}

/// A zip of `entries` in the given order, written directly (no checks). Names ending in `/`
/// become directory entries.
pub fn zip<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        if let Some(dir) = name.strip_suffix('/') {
            w.add_directory(dir, options()).unwrap();
        } else {
            w.start_file(name, options()).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// A zip of `entries`, `manifest.json` and `partner.json` first as `pack` writes them.
pub fn rezip(entries: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let first = [MANIFEST_PATH, PARTNER_PATH];
    let ordered = first
        .iter()
        .filter_map(|p| entries.get_key_value(*p))
        .chain(entries.iter().filter(|(p, _)| !first.contains(&p.as_str())));
    zip(ordered.map(|(p, d)| (p.as_str(), d.as_slice())))
}

/// `entries` (without `manifest.json`) plus a `manifest.json` signed by `key` over them: a
/// correctly signed package that skips every check `pack` makes.
pub fn signed_entries(
    manifest: &Manifest,
    entries: &BTreeMap<String, Vec<u8>>,
    key: &RsaPrivateKey,
) -> BTreeMap<String, Vec<u8>> {
    let payload = digest::signed_payload(manifest, entries);
    let signature = keys::sign_pss_sha256(key, &payload).unwrap();
    let signed = Manifest {
        signature: Some(keys::signature_to_base64(&signature)),
        ..manifest.clone()
    };
    let mut out = entries.clone();
    out.insert(
        MANIFEST_PATH.into(),
        serde_json::to_vec_pretty(&signed).unwrap(),
    );
    out
}

/// [`files`] plus Acme's `partner.json`, signed with `key` for `manifest`, zipped.
pub fn sign_and_zip(manifest: &Manifest, key: &RsaPrivateKey) -> Vec<u8> {
    let mut e = files();
    e.insert(
        PARTNER_PATH.into(),
        acme_record().to_json_pretty().into_bytes(),
    );
    rezip(&signed_entries(manifest, &e, key))
}

/// A version-1 (legacy) package's entries: the signature in manifest.json over the meaning of
/// the manifest, no `signature.dsse.json`. Hosts still verify these.
pub fn legacy_entries() -> BTreeMap<String, Vec<u8>> {
    let mut e = files();
    e.insert(
        PARTNER_PATH.into(),
        acme_record().to_json_pretty().into_bytes(),
    );
    signed_entries(&manifest(), &e, &acme().0)
}

/// [`legacy_entries`] with `manifest.json` edited as JSON, keeping its signature.
pub fn with_legacy_manifest_json(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut e = legacy_entries();
    let mut json: serde_json::Value = serde_json::from_slice(&e[MANIFEST_PATH]).unwrap();
    edit(&mut json);
    e.insert(
        MANIFEST_PATH.into(),
        serde_json::to_vec_pretty(&json).unwrap(),
    );
    rezip(&e)
}

/// [`entries`] with `manifest.json` edited as JSON.
pub fn with_manifest_json(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut e = entries();
    let mut json: serde_json::Value = serde_json::from_slice(&e[MANIFEST_PATH]).unwrap();
    edit(&mut json);
    e.insert(
        MANIFEST_PATH.into(),
        serde_json::to_vec_pretty(&json).unwrap(),
    );
    rezip(&e)
}

/// Replaces every occurrence of `from` with `to` (same length) in raw bytes.
pub fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = haystack.to_vec();
    let mut i = 0;
    let mut replaced = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            replaced += 1;
        }
        i += 1;
    }
    assert!(replaced > 0, "nothing to replace");
    out
}

/// Whether an accepted package is exactly the original: same manifest (signature included),
/// same paths, same bytes for every entry but `manifest.json` (whose meaning is what is signed).
pub fn same_as(v: &VerifiedPackage, original: &BTreeMap<String, Vec<u8>>) -> bool {
    let original_manifest = Manifest::from_json(&original[MANIFEST_PATH]).unwrap();
    v.manifest() == &original_manifest
        && Manifest::from_json(&v.files()[MANIFEST_PATH]).as_ref() == Ok(&original_manifest)
        && v.files().keys().eq(original.keys())
        && v.files()
            .iter()
            .filter(|(p, _)| p.as_str() != MANIFEST_PATH)
            .all(|(p, d)| original.get(p) == Some(d) || same_envelope(p, d, original))
}

/// The DSSE envelope is JSON around the signed payload; its JSON layout and the `keyid` hints
/// are not signed (DSSE), so it counts as the same envelope when payload type, payload and
/// signatures are.
fn same_envelope(path: &str, data: &[u8], original: &BTreeMap<String, Vec<u8>>) -> bool {
    use miniapp_package::envelope::Envelope;
    let signed = |b: &[u8]| {
        Envelope::from_json(b).ok().map(|e| {
            let sigs: Vec<String> = e.signatures.into_iter().map(|s| s.sig).collect();
            (e.payload_type, e.payload, sigs)
        })
    };
    path == miniapp_package::SIGNATURE_PATH
        && signed(data).is_some()
        && signed(data) == original.get(path).and_then(|o| signed(o))
}
