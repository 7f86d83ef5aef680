//! Writes the packages the foreign-language host tests install (`ffi/test.sh` runs it):
//! `cargo run -p miniapp-ffi --example fixtures -- DIR`.
//!
//! ```text
//! DIR/root.pub.pem                      the marketplace root public key
//! DIR/probe.zip                         com.acme.probe 1.0.0: the probe guest, every bridge permission
//! DIR/probe-tampered.zip                the same with one byte of app.wasm changed after signing
//! DIR/hostile.zip                       com.acme.hostile 1.0.0: loops, traps (storage, location)
//! DIR/shop.zip                          com.acme.shop: the web example (examples/shop-web)
//! DIR/market/mini-programs/com.acme.probe/{version,1.1.0.zip}   a marketplace offering probe 1.1.0
//! ```
//! Keys are fresh on every run; nothing here is committed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use miniapp_package::{
    AppId, Manifest, PartnerRecord, Permission, RsaPrivateKey, UnsignedPartnerRecord,
    VersionDocument, keys,
};

const BRIDGE: &[Permission] = Permission::WITH_INTERFACE;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn manifest(id: &str, version: &str, permissions: &[Permission]) -> Manifest {
    Manifest {
        id: AppId::parse(id).expect("valid id"),
        version: semver::Version::parse(version).expect("valid version"),
        min_host_version: semver::Version::new(1, 0, 0),
        entry_point: "app.wasm".into(),
        permissions: permissions.iter().copied().collect::<BTreeSet<_>>(),
        allowed_domains: vec![],
        signature: None,
    }
}

/// The same zip with the last byte of `name` flipped: what a man in the middle would send.
fn tamper(zip_bytes: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("our zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let entry_name = entry.name().expect("utf-8 name").into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        if entry_name == name {
            *bytes.last_mut().expect("non-empty") ^= 0x01;
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file(entry_name, options).expect("start entry");
        out.write_all(&bytes).expect("write entry");
    }
    out.finish().expect("finish zip").into_inner()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: fixtures DIR"));
    let (root, root_pub) = keys::generate_keypair(2048).expect("root key");
    let (partner_key, partner_pub) = keys::generate_keypair(2048).expect("partner key");
    let partner: PartnerRecord = PartnerRecord::issue(
        UnsignedPartnerRecord {
            partner: "acme".into(),
            public_key: keys::public_key_to_pem(&partner_pub).expect("pem"),
            allowed_permissions: Permission::ALL.into_iter().collect(),
            allowed_domains: vec![],
            namespace: AppId::parse("com.acme").expect("valid namespace"),
            issued_at: now() - 60,
            expires_at: now() + 86_400,
        },
        &root,
    )
    .expect("partner record");
    let pack = |m: &Manifest, component: &[u8], key: &RsaPrivateKey| {
        let files = BTreeMap::from([("app.wasm".to_string(), component.to_vec())]);
        miniapp_package::pack(m, &files, &partner, key).expect("pack")
    };

    write(
        &out.join("root.pub.pem"),
        keys::public_key_to_pem(&root_pub).expect("pem").as_bytes(),
    );
    let probe = pack(
        &manifest("com.acme.probe", "1.0.0", BRIDGE),
        miniapp_guests::PROBE,
        &partner_key,
    );
    write(&out.join("probe.zip"), &probe);
    write(&out.join("probe-tampered.zip"), &tamper(&probe, "app.wasm"));
    write(
        &out.join("hostile.zip"),
        &pack(
            &manifest(
                "com.acme.hostile",
                "1.0.0",
                &[Permission::Storage, Permission::Location],
            ),
            miniapp_guests::HOSTILE,
            &partner_key,
        ),
    );
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop-web");
    write(
        &out.join("shop.zip"),
        &miniapp_package::pack_dir(&shop, &partner, &partner_key).expect("pack shop-web"),
    );

    // A marketplace tree (what `miniapp publish` writes) offering probe 1.1.0.
    let next = pack(
        &manifest("com.acme.probe", "1.1.0", BRIDGE),
        miniapp_guests::PROBE,
        &partner_key,
    );
    let app_dir = out.join("market/mini-programs/com.acme.probe");
    write(&app_dir.join("1.1.0.zip"), &next);
    let doc = VersionDocument {
        id: AppId::parse("com.acme.probe").expect("valid id"),
        version: semver::Version::new(1, 1, 0),
        min_host_version: semver::Version::new(1, 0, 0),
        url: "mini-programs/com.acme.probe/1.1.0.zip".into(),
        size: next.len() as u64,
        sha256: hex_sha256(&next),
        sequence: now(),
        expires: now() + 86_400,
        rollout_percent: None,
        pulled_versions: Default::default(),
        signature: String::new(),
    }
    .sign(&root)
    .expect("sign version document");
    write(&app_dir.join("version"), doc.to_json_pretty().as_bytes());
    println!("fixtures written to {}", out.display());
}

fn hex_sha256(bytes: &[u8]) -> String {
    miniapp_package::digest::sha256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
