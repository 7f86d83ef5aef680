//! The tamper matrix: a real signed package, changed one way at a time, must be refused with
//! one exact error code. The first test shows the untouched package is accepted, so every
//! refusal below is caused by its change.

mod common;

use std::io::Cursor;

use common::*;
use miniapp_package::{
    Archive, ArchiveLimits, MANIFEST_PATH, Manifest, PARTNER_PATH, PackageError, PartnerRecord,
    Permission, SIGNATURE_PATH, UnsafeArchiveRule, keys,
};

fn assert_refused(bytes: &[u8], code: &str) -> PackageError {
    let err = open_and_verify(bytes).expect_err("the tampered package was accepted");
    assert_eq!(err.code(), code, "{err}");
    err
}

fn assert_unsafe(bytes: &[u8], entry: &str, rule: UnsafeArchiveRule) {
    let err = assert_refused(bytes, "UNSAFE_ARCHIVE");
    assert_eq!(
        err,
        PackageError::UnsafeArchive {
            entry: entry.into(),
            rule
        }
    );
    assert!(
        err.to_string().contains(entry),
        "the message names the entry: {err}"
    );
}

/// The signed package's entries with one entry's content changed.
fn with_entry(path: &str, edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut e = entries();
    edit(e.get_mut(path).unwrap());
    rezip(&e)
}

// ---------------------------------------------------------------- the control

#[test]
fn untouched_package_is_accepted() {
    let v = open_and_verify(package()).unwrap();
    assert!(same_as(&v, &entries()));
    assert_eq!(v.manifest().id.as_str(), "com.acme.loans");
    // Re-zipping the same entries (another zip layout, same contents) is still the package.
    assert_eq!(outcome(&rezip(&entries())), "OK");
}

#[test]
fn reformatting_manifest_json_keeps_a_legacy_signature_but_not_an_exact_bytes_one() {
    // Version 1 signed the manifest's meaning: re-indenting keeps it valid.
    let mut e = legacy_entries();
    assert_eq!(outcome(&rezip(&e)), "OK");
    let m = Manifest::from_json(&e[MANIFEST_PATH]).unwrap();
    e.insert(MANIFEST_PATH.into(), serde_json::to_vec(&m).unwrap());
    assert_eq!(outcome(&rezip(&e)), "OK");
    // Version 2 signs the bytes: the same reformatting breaks it.
    let mut e = entries();
    let m = Manifest::from_json(&e[MANIFEST_PATH]).unwrap();
    e.insert(MANIFEST_PATH.into(), serde_json::to_vec(&m).unwrap());
    assert_eq!(outcome(&rezip(&e)), "SIGNATURE_INVALID");
}

// ---------------------------------------------------------------- flipped bytes in entries

#[test]
fn flipped_byte_in_manifest_id() {
    // `com.acme.loans` → `com.acme.moans`: still valid, still in the namespace, not signed.
    let bytes = with_entry(MANIFEST_PATH, |m| {
        *m = replace_all(m, b"com.acme.loans", b"com.acme.moans")
    });
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn flipped_byte_in_manifest_syntax() {
    let bytes = with_entry(MANIFEST_PATH, |m| m[0] ^= 0x01); // `{` → `z`
    assert_refused(&bytes, "MANIFEST_INVALID");
}

#[test]
fn flipped_byte_in_the_signature_envelope() {
    let bytes = with_entry(SIGNATURE_PATH, |env| {
        let mut j: serde_json::Value = serde_json::from_slice(env).unwrap();
        let sig = j["signatures"][0]["sig"].as_str().unwrap();
        let mut raw = keys::signature_from_base64(sig).unwrap();
        raw[7] ^= 0x10;
        j["signatures"][0]["sig"] = keys::signature_to_base64(&raw).into();
        *env = serde_json::to_vec(&j).unwrap();
    });
    assert_refused(&bytes, "SIGNATURE_INVALID");
    // A version-2 manifest may not carry a signature of its own.
    let bytes = with_manifest_json(|j| j["signature"] = "AAAA".into());
    assert_refused(&bytes, "SIGNATURE_INVALID");
    // An envelope of another payload type, or junk.
    assert_refused(
        &with_entry(SIGNATURE_PATH, |env| {
            *env = replace_all(env, b"package-entries.v2", b"package-entries.v3")
        }),
        "SIGNATURE_INVALID",
    );
    assert_refused(
        &with_entry(SIGNATURE_PATH, |env| *env = b"{}".to_vec()),
        "SIGNATURE_INVALID",
    );
}

#[test]
fn flipped_byte_in_legacy_manifest_signature() {
    let bytes = with_legacy_manifest_json(|j| {
        let sig = j["signature"].as_str().unwrap();
        let mut raw = keys::signature_from_base64(sig).unwrap();
        raw[7] ^= 0x10;
        j["signature"] = keys::signature_to_base64(&raw).into();
    });
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn flipped_byte_in_partner_record() {
    let bytes = with_entry(PARTNER_PATH, |p| {
        *p = replace_all(p, b"Acme Loans", b"Acme Loens")
    });
    let err = assert_refused(&bytes, "PARTNER_UNTRUSTED");
    assert!(
        err.to_string()
            .contains("not signed by this host's marketplace root key"),
        "{err}"
    );
}

#[test]
fn flipped_byte_in_wasm_entry() {
    let bytes = with_entry("app.wasm", |w| w[1000] ^= 0x01);
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn flipped_byte_in_asset() {
    let bytes = with_entry("assets/logo.png", |a| a[0] ^= 0x80);
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn flipped_byte_in_compressed_stream() {
    // Below the zip layer: the deflate stream or the CRC catches it before any signature check.
    let mut zip = zip::ZipArchive::new(Cursor::new(package())).unwrap();
    let start = zip.by_name("app.wasm").unwrap().data_start().unwrap() as usize;
    let mut bytes = package().to_vec();
    bytes[start + 100] ^= 0x04;
    assert_refused(&bytes, "ARCHIVE_INVALID");
}

// ---------------------------------------------------------------- entries added, removed, moved

#[test]
fn added_entry() {
    let mut e = entries();
    e.insert("assets/extra.js".into(), b"steal()".to_vec());
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn added_empty_entry() {
    let mut e = entries();
    e.insert("empty".into(), Vec::new());
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn removed_entry() {
    let mut e = entries();
    e.remove("assets/logo.png");
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn removed_entry_point_is_an_integrity_failure_first() {
    let mut e = entries();
    e.remove("app.wasm");
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn renamed_entry() {
    let mut e = entries();
    let logo = e.remove("assets/logo.png").unwrap();
    e.insert("assets/logo.jpg".into(), logo);
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn swapped_entry_contents() {
    let mut e = entries();
    let html = e["index.html"].clone();
    let json = e["assets/strings/en.json"].clone();
    e.insert("index.html".into(), json);
    e.insert("assets/strings/en.json".into(), html);
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn removed_manifest() {
    let mut e = entries();
    e.remove(MANIFEST_PATH);
    assert_refused(&rezip(&e), "MANIFEST_INVALID");
}

#[test]
fn removed_partner_record() {
    let mut e = entries();
    e.remove(PARTNER_PATH);
    assert_refused(&rezip(&e), "PARTNER_UNTRUSTED");
}

// ---------------------------------------------------------------- manifest fields changed after signing

#[test]
fn manifest_version_changed() {
    assert_refused(
        &with_manifest_json(|j| j["version"] = "9.9.9".into()),
        "SIGNATURE_INVALID",
    );
}

#[test]
fn manifest_permission_removed() {
    let bytes = with_manifest_json(|j| j["permissions"] = serde_json::json!(["storage"]));
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn manifest_allowed_permission_added() {
    let bytes =
        with_manifest_json(|j| j["permissions"] = serde_json::json!(["storage", "payment", "ui"]));
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn manifest_forbidden_permission_added_is_an_integrity_failure_first() {
    let bytes = with_manifest_json(|j| {
        j["permissions"] = serde_json::json!(["storage", "payment", "location"])
    });
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn manifest_allowed_domains_changed() {
    let bytes = with_manifest_json(|j| j["allowedDomains"] = serde_json::json!(["evil.example"]));
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn manifest_min_host_version_lowered() {
    assert_refused(
        &with_manifest_json(|j| j["minHostVersion"] = "0.1.0".into()),
        "SIGNATURE_INVALID",
    );
}

#[test]
fn manifest_entry_point_changed() {
    let bytes = with_manifest_json(|j| j["entryPoint"] = "index.html".into());
    assert_refused(&bytes, "SIGNATURE_INVALID");
}

#[test]
fn manifest_unknown_field_added() {
    assert_refused(
        &with_manifest_json(|j| j["admin"] = true.into()),
        "MANIFEST_INVALID",
    );
}

#[test]
fn manifest_unknown_permission() {
    let bytes = with_manifest_json(|j| j["permissions"] = serde_json::json!(["root"]));
    let err = assert_refused(&bytes, "MANIFEST_INVALID");
    assert!(err.to_string().contains("root"), "{err}");
}

#[test]
fn legacy_manifest_signature_removed() {
    let bytes = with_legacy_manifest_json(|j| {
        j.as_object_mut().unwrap().remove("signature");
    });
    let err = assert_refused(&bytes, "SIGNATURE_INVALID");
    assert!(err.to_string().contains("never signed"), "{err}");
    // The same for a version-2 package whose envelope is removed.
    let mut e = entries();
    e.remove(SIGNATURE_PATH);
    let err = assert_refused(&rezip(&e), "SIGNATURE_INVALID");
    assert!(err.to_string().contains("never signed"), "{err}");
}

#[test]
fn legacy_manifest_signature_not_base64() {
    assert_refused(
        &with_legacy_manifest_json(|j| j["signature"] = "%%%".into()),
        "SIGNATURE_INVALID",
    );
}

// ---------------------------------------------------------------- keys and partner records

#[test]
fn package_signed_by_another_partners_key() {
    // Acme's record, but Globex's key signed the package.
    assert_refused(&sign_and_zip(&manifest(), &globex().0), "SIGNATURE_INVALID");
}

#[test]
fn partner_record_swapped_for_another_trusted_partner() {
    let mut e = entries();
    e.insert(
        PARTNER_PATH.into(),
        globex_record().to_json_pretty().into_bytes(),
    );
    assert_refused(&rezip(&e), "SIGNATURE_INVALID");
}

#[test]
fn another_trusted_partner_re_signs_the_app() {
    // Globex re-signs Acme's app with its own valid record: the signature holds, the namespace
    // does not.
    let mut e = files();
    e.insert(
        PARTNER_PATH.into(),
        globex_record().to_json_pretty().into_bytes(),
    );
    let bytes = rezip(&signed_entries(&manifest(), &e, &globex().0));
    let err = assert_refused(&bytes, "NAMESPACE_VIOLATION");
    assert!(err.to_string().contains("com.globex"), "{err}");
}

fn package_with_record(record: &PartnerRecord, key: &keys::RsaPrivateKey) -> Vec<u8> {
    let mut e = files();
    e.insert(PARTNER_PATH.into(), record.to_json_pretty().into_bytes());
    rezip(&signed_entries(&manifest(), &e, key))
}

#[test]
fn partner_record_signed_by_a_foreign_root() {
    let u = unsigned_record("Acme Loans", &acme().1, "com.acme", &Permission::ALL);
    let record = PartnerRecord::issue(u, &foreign_root().0).unwrap();
    let err = assert_refused(
        &package_with_record(&record, &acme().0),
        "PARTNER_UNTRUSTED",
    );
    assert!(
        err.to_string()
            .contains("not signed by this host's marketplace root key"),
        "{err}"
    );
}

#[test]
fn partner_record_self_signed_by_the_partner() {
    let u = unsigned_record("Acme Loans", &acme().1, "com.acme", &Permission::ALL);
    let record = PartnerRecord::issue(u, &acme().0).unwrap();
    assert_refused(
        &package_with_record(&record, &acme().0),
        "PARTNER_UNTRUSTED",
    );
}

#[test]
fn partner_record_with_widened_permissions() {
    let mut record = acme_record().clone();
    record.allowed_permissions = Permission::ALL.into_iter().collect();
    assert_refused(
        &package_with_record(&record, &acme().0),
        "PARTNER_UNTRUSTED",
    );
}

#[test]
fn expired_partner_record() {
    let mut u = unsigned_record("Acme Loans", &acme().1, "com.acme", &Permission::ALL);
    u.issued_at = NOW - 1000;
    u.expires_at = NOW;
    let record = PartnerRecord::issue(u, &root().0).unwrap();
    let err = assert_refused(
        &package_with_record(&record, &acme().0),
        "PARTNER_UNTRUSTED",
    );
    assert!(err.to_string().contains("expired at"), "{err}");
}

#[test]
fn not_yet_valid_partner_record() {
    let mut u = unsigned_record("Acme Loans", &acme().1, "com.acme", &Permission::ALL);
    u.issued_at = NOW + 1;
    u.expires_at = NOW + 1000;
    let record = PartnerRecord::issue(u, &root().0).unwrap();
    let err = assert_refused(
        &package_with_record(&record, &acme().0),
        "PARTNER_UNTRUSTED",
    );
    assert!(err.to_string().contains("not valid until"), "{err}");
}

#[test]
fn partner_record_with_unknown_field() {
    let mut e = entries();
    let json = String::from_utf8(e[PARTNER_PATH].clone()).unwrap();
    e.insert(
        PARTNER_PATH.into(),
        json.replacen('{', "{\"root\": true,", 1).into_bytes(),
    );
    assert_refused(&rezip(&e), "PARTNER_UNTRUSTED");
}

// ---------------------------------------------------------------- policy (correctly signed packages)

#[test]
fn id_outside_the_namespace() {
    let mut m = manifest();
    m.id = miniapp_package::AppId::parse("com.acmecorp.loans").unwrap();
    let err = assert_refused(&sign_and_zip(&m, &acme().0), "NAMESPACE_VIOLATION");
    assert!(err.to_string().contains("com.acmecorp.loans"), "{err}");
}

#[test]
fn permission_not_allowed() {
    let mut m = manifest();
    m.permissions.insert(Permission::Location);
    let err = assert_refused(&sign_and_zip(&m, &acme().0), "PERMISSION_NOT_ALLOWED");
    assert_eq!(
        err,
        PackageError::PermissionNotAllowed {
            denied: vec![Permission::Location],
            partner: "Acme Loans".into()
        }
    );
    assert!(err.to_string().contains("`location`"), "{err}");
}

#[test]
fn min_host_version_too_new() {
    let mut m = manifest();
    m.min_host_version = semver::Version::new(2, 0, 0);
    let err = assert_refused(&sign_and_zip(&m, &acme().0), "HOST_VERSION_INCOMPATIBLE");
    assert_eq!(
        err,
        PackageError::HostVersionIncompatible {
            required: semver::Version::new(2, 0, 0),
            current: host()
        }
    );
}

#[test]
fn missing_entry_point() {
    let mut m = manifest();
    m.entry_point = "main.wasm".into();
    let err = assert_refused(&sign_and_zip(&m, &acme().0), "ENTRY_POINT_MISSING");
    assert!(err.to_string().contains("main.wasm"), "{err}");
}

// ---------------------------------------------------------------- unsafe archive shapes

/// The signed package plus one hostile entry.
fn with_hostile(name: &str) -> Vec<u8> {
    let e = entries();
    zip(e
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .chain([(name, &b"pwned"[..])]))
}

#[test]
fn parent_directory_entry() {
    assert_unsafe(
        &with_hostile("../x"),
        "../x",
        UnsafeArchiveRule::ParentComponent,
    );
}

#[test]
fn nested_parent_directory_entry() {
    assert_unsafe(
        &with_hostile("assets/../../etc/x"),
        "assets/../../etc/x",
        UnsafeArchiveRule::ParentComponent,
    );
}

#[test]
fn absolute_entry() {
    assert_unsafe(
        &with_hostile("/abs"),
        "/abs",
        UnsafeArchiveRule::AbsolutePath,
    );
}

#[test]
fn backslash_entry() {
    assert_unsafe(&with_hostile("a\\b"), "a\\b", UnsafeArchiveRule::Backslash);
}

#[test]
fn drive_entry() {
    assert_unsafe(&with_hostile("C:/x"), "C:/x", UnsafeArchiveRule::DrivePath);
}

#[test]
fn control_character_entry() {
    assert_unsafe(
        &with_hostile("a\nb"),
        "a\\u{a}b",
        UnsafeArchiveRule::ControlCharacter,
    );
}

#[test]
fn dot_component_entry() {
    assert_unsafe(
        &with_hostile("assets/./logo.png"),
        "assets/./logo.png",
        UnsafeArchiveRule::EmptyOrDotComponent,
    );
}

#[test]
fn symlink_entry() {
    let e = entries();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (p, d) in &e {
        w.start_file(p.as_str(), options).unwrap();
        std::io::Write::write_all(&mut w, d).unwrap();
    }
    w.add_symlink("assets/passwd", "/etc/passwd", options)
        .unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert_unsafe(&bytes, "assets/passwd", UnsafeArchiveRule::Symlink);
}

#[test]
fn duplicate_entry_name() {
    // The zip writer refuses duplicates: write `index.htmX` and patch it to `index.html`.
    let e = entries();
    let raw = zip(e
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .chain([("index.htmX", &b"<script>evil()</script>"[..])]));
    let bytes = replace_all(&raw, b"index.htmX", b"index.html");
    assert_unsafe(
        &bytes,
        "index.html",
        UnsafeArchiveRule::DuplicateName {
            other: "index.html".into(),
        },
    );
}

#[test]
fn duplicate_entry_name_ignoring_case() {
    assert_unsafe(
        &with_hostile("INDEX.html"),
        "INDEX.html",
        UnsafeArchiveRule::DuplicateName {
            other: "index.html".into(),
        },
    );
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..1001).map(|i| format!("f/{i:04}")).collect();
    let bytes = zip(names.iter().map(|n| (n.as_str(), &b""[..])));
    assert_unsafe(
        &bytes,
        "f/1000",
        UnsafeArchiveRule::TooManyEntries { limit: 1000 },
    );
}

#[test]
fn too_large_entry() {
    let big = vec![0u8; 32 * 1024 * 1024 + 1];
    assert_unsafe(
        &zip([("big.bin", big.as_slice())]),
        "big.bin",
        UnsafeArchiveRule::EntryTooLarge {
            limit: 32 * 1024 * 1024,
        },
    );
}

#[test]
fn too_large_total() {
    let part = vec![0u8; 30 * 1024 * 1024];
    let bytes = zip([
        ("a.bin", part.as_slice()),
        ("b.bin", &part),
        ("c.bin", &part),
    ]);
    assert_unsafe(
        &bytes,
        "c.bin",
        UnsafeArchiveRule::TotalTooLarge {
            limit: 64 * 1024 * 1024,
        },
    );
}

#[test]
fn zip_bomb_ratio() {
    let zeros = vec![0u8; 10 * 1024 * 1024];
    let e = entries();
    let bytes = zip(e
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .chain([("assets/bomb.bin", zeros.as_slice())]));
    assert!(bytes.len() < 100 * 1024, "deflate squeezes zeros ~1000:1");
    assert_unsafe(
        &bytes,
        "assets/bomb.bin",
        UnsafeArchiveRule::CompressionRatio { limit: 100 },
    );
}

#[test]
fn stricter_limits_apply_to_the_signed_package_too() {
    let limits = ArchiveLimits {
        max_entries: 3,
        ..ArchiveLimits::default()
    };
    let err = Archive::open_with(package(), &limits).unwrap_err();
    assert_eq!(err.code(), "UNSAFE_ARCHIVE");
}

// ---------------------------------------------------------------- not a package at all

#[test]
fn not_a_zip() {
    assert_refused(
        b"\0asm\x01\0\0\0 a bare component is not a package",
        "ARCHIVE_INVALID",
    );
}

#[test]
fn empty_file() {
    assert_refused(b"", "ARCHIVE_INVALID");
}

#[test]
fn truncated_package() {
    let bytes = package();
    assert_refused(&bytes[..bytes.len() / 2], "ARCHIVE_INVALID");
    assert_refused(&bytes[..bytes.len() - 1], "ARCHIVE_INVALID");
}

#[test]
fn empty_zip() {
    assert_refused(&zip(std::iter::empty()), "MANIFEST_INVALID");
}

#[test]
fn directory_entries_are_ignored_not_refused() {
    let e = entries();
    let bytes = zip([("assets/", &b""[..])]
        .into_iter()
        .chain(e.iter().map(|(p, d)| (p.as_str(), d.as_slice()))));
    let v = open_and_verify(&bytes).unwrap();
    assert!(same_as(&v, &e));
}
