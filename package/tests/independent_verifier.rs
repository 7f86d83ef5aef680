//! Packages checked by an implementation that shares no code with this crate: the Python
//! verifier in `tests/independent/verify_package.py`, written from `docs/package-format.md`
//! only, with the `cryptography` package. Also checks the committed test vectors in
//! `docs/test-vectors/package-v2/` (regenerate with `MINIAPP_WRITE_VECTORS=1`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use miniapp_package::keys;
use miniapp_package::{Archive, Manifest, PartnerRecord, SIGNATURE_PATH, TrustAnchors, verify};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent/verify_package.py")
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/test-vectors/package-v2")
}

/// Runs the Python verifier; (exit code, stdout). Fails clearly when the tool is missing.
fn python_verify(package: &Path, root_pem: &str, now: u64) -> (i32, String) {
    let probe = Command::new("python3")
        .args(["-c", "import cryptography"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "the independent verifier needs python3 with the `cryptography` package: \
             `python3 -m pip install cryptography` (or apt-get install python3-cryptography); \
             .ci/run installs it"
        ),
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.pub.pem");
    std::fs::write(&root, root_pem).unwrap();
    let out = Command::new("python3")
        .arg(script())
        .arg(package)
        .arg(&root)
        .arg(now.to_string())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
            + &String::from_utf8_lossy(&out.stderr),
    )
}

fn root_pem() -> String {
    keys::public_key_to_pem(&root().1).unwrap()
}

fn write_zip(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("package.zip");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn a_packed_package_verifies_independently_with_the_same_digest() {
    let v = open_and_verify(package()).unwrap();
    let (_dir, zip) = write_zip(package());
    let (code, out) = python_verify(&zip, &root_pem(), NOW);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, format!("ok {}", v.digest_hex()));
}

#[test]
fn the_independent_verifier_refuses_what_this_crate_refuses() {
    let mut changed = entries();
    changed.get_mut("index.html").unwrap().push(b' ');
    let mut added = entries();
    added.insert("extra.txt".into(), Vec::new());
    let mut removed = entries();
    removed.remove("assets/logo.png");
    let mut manifest_reformatted = entries();
    let m = Manifest::from_json(&manifest_reformatted["manifest.json"]).unwrap();
    manifest_reformatted.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    let mut other_signer = entries();
    let list = miniapp_package::envelope::Envelope::from_json(&other_signer[SIGNATURE_PATH])
        .unwrap()
        .payload;
    let forged = miniapp_package::envelope::Envelope::sign(
        miniapp_package::digest::PACKAGE_PAYLOAD_TYPE,
        list,
        &[&globex().0],
    )
    .unwrap();
    other_signer.insert(SIGNATURE_PATH.into(), forged.to_json());
    for (what, e) in [
        ("changed entry", changed),
        ("added entry", added),
        ("removed entry", removed),
        ("reformatted manifest", manifest_reformatted),
        ("another key", other_signer),
    ] {
        let bytes = rezip(&e);
        assert_eq!(outcome(&bytes), "SIGNATURE_INVALID", "{what}");
        let (_dir, zip) = write_zip(&bytes);
        let (code, out) = python_verify(&zip, &root_pem(), NOW);
        assert_eq!(code, 1, "{what}: {out}");
        assert!(out.starts_with("refused:"), "{what}: {out}");
    }
    // A foreign root, and a record outside its validity window.
    let (_dir, zip) = write_zip(package());
    let foreign = keys::public_key_to_pem(&foreign_root().1).unwrap();
    assert_eq!(python_verify(&zip, &foreign, NOW).0, 1);
    assert_eq!(python_verify(&zip, &root_pem(), EXPIRES).0, 1);
}

/// The committed vector: its entries, its root key and the instant to verify at.
fn read_vector() -> (BTreeMap<String, Vec<u8>>, String, u64, String) {
    let dir = vectors();
    let mut entries = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("package")).unwrap() {
        let e = e.unwrap();
        entries.insert(
            e.file_name().into_string().unwrap(),
            std::fs::read(e.path()).unwrap(),
        );
    }
    let root = std::fs::read_to_string(dir.join("root.pub.pem")).unwrap();
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let mut now = 0;
    let mut digest = String::new();
    for line in expected.lines() {
        if let Some(n) = line.strip_prefix("now ") {
            now = n.parse().unwrap();
        }
        if let Some(d) = line.strip_prefix("digest ") {
            digest = d.to_owned();
        }
    }
    (entries, root, now, digest)
}

#[test]
fn the_committed_vectors_verify_in_both_implementations() {
    if std::env::var_os("MINIAPP_WRITE_VECTORS").is_some() {
        write_vectors();
    }
    let (entries, root, now, digest) = read_vector();
    let bytes = zip(entries.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
    let anchors = TrustAnchors::new(keys::public_key_from_pem(&root).unwrap()).at(now);
    let v = verify(&Archive::open(&bytes).unwrap(), &anchors, &host()).unwrap();
    assert_eq!(v.digest_hex(), digest);
    let list = miniapp_package::envelope::Envelope::from_json(&entries[SIGNATURE_PATH])
        .unwrap()
        .payload;
    assert_eq!(
        std::fs::read(vectors().join("entry-list.txt")).unwrap(),
        list,
        "entry-list.txt is the envelope's payload"
    );
    let (code, out) = python_verify(&vectors().join("package"), &root, now);
    assert_eq!((code, out), (0, format!("ok {digest}")));
}

/// Writes a small all-text web app package, signed with fresh keys, as the vector.
fn write_vectors() {
    let dir = vectors();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("package")).unwrap();
    let record = PartnerRecord::issue(
        unsigned_record(
            "Acme Loans",
            &acme().1,
            "com.acme",
            &[miniapp_package::Permission::Storage],
        ),
        &root().0,
    )
    .unwrap();
    let manifest = Manifest::from_json(
        br#"{"id":"com.acme.hello","version":"1.0.0","minHostVersion":"1.0.0",
             "entryPoint":"index.html","permissions":["storage"],
             "allowedDomains":["api.acme.com"]}"#,
    )
    .unwrap();
    let files = BTreeMap::from([(
        "index.html".to_owned(),
        b"<!doctype html><title>Hello</title><p>Hello from a test vector.</p>\n".to_vec(),
    )]);
    let bytes = miniapp_package::pack(&manifest, &files, &record, &acme().0).unwrap();
    let archive = Archive::open(&bytes).unwrap();
    for (path, data) in archive.entries() {
        std::fs::write(dir.join("package").join(path), data).unwrap();
    }
    let v = verify(&archive, &anchors(), &host()).unwrap();
    let list = miniapp_package::envelope::Envelope::from_json(&archive.entries()[SIGNATURE_PATH])
        .unwrap()
        .payload;
    std::fs::write(dir.join("entry-list.txt"), list).unwrap();
    std::fs::write(dir.join("root.pub.pem"), root_pem()).unwrap();
    std::fs::write(
        dir.join("partner.pub.pem"),
        keys::public_key_to_pem(&acme().1).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("expected.txt"),
        format!("now {NOW}\ndigest {}\n", v.digest_hex()),
    )
    .unwrap();
}
