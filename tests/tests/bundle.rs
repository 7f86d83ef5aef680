//! Bundles (`miniapp bundle`): packages verified and precompiled for a target into a read-only
//! dir a host ships inside its binary. One made for this target runs, also on a runtime built
//! without the compiler; every altered, foreign or mismatched bundle is refused with its code and
//! nothing of it is installed.

use std::path::{Path, PathBuf};

use miniapp_package::{AppId, Permission, TrustAnchors};
use miniapp_runtime::bundle::{BundleIndex, BundleOptions, INDEX_FILE, write_bundle};
use miniapp_runtime::{
    Backend, EngineOptions, HostServices, Limits, Runtime, RuntimeConfig, host_triple,
};
use miniapp_scenarios::{
    ALL_BRIDGE, HOST_VERSION, World, guests, keys, manifest, package, partner_record, probe_script,
    run_app,
};
use serde_json::json;
use sha2::Digest as _;

fn shop() -> Vec<u8> {
    let k = keys();
    let partner = partner_record("acme", "com.acme", &k.partner.1, &Permission::ALL);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop-web");
    miniapp_package::pack_dir(&dir, &partner, &k.partner.0).unwrap()
}

fn probe(version: &str) -> Vec<u8> {
    package(
        &manifest("com.acme.probe", version, ALL_BRIDGE),
        guests::PROBE,
    )
}

fn engine(backend: Backend) -> EngineOptions {
    EngineOptions {
        backend,
        max_memory_bytes: Limits::default().memory_bytes,
        ..EngineOptions::device()
    }
}

/// Writes a bundle of `zips` under `dir/name`; returns its path and pinned index digest.
fn bundle(
    dir: &Path,
    name: &str,
    zips: &[Vec<u8>],
    target: &str,
    backend: Backend,
) -> (PathBuf, String) {
    let out = dir.join(name);
    let summary = write_bundle(
        zips,
        &TrustAnchors::new(keys().root.1.clone()),
        &semver::Version::parse(HOST_VERSION).unwrap(),
        &BundleOptions {
            target: target.to_string(),
            backend,
            engine: engine(backend),
        },
        &out,
    )
    .unwrap();
    let pinned = std::fs::read_to_string(out.join("index.sha256")).unwrap();
    assert_eq!(pinned.trim(), summary.index_sha256);
    (out, summary.index_sha256)
}

fn runtime(world: &World, backend: Backend) -> Runtime {
    Runtime::new(
        world.home(),
        RuntimeConfig {
            engine: EngineOptions {
                backend,
                ..EngineOptions::device()
            },
            ..RuntimeConfig::new(HostServices::development())
        },
    )
    .unwrap()
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(b))
}

/// Rewrites the index with `edit` and returns the new pin (what a re-signed, altered bundle has).
fn edit_index(dir: &Path, edit: impl FnOnce(&mut BundleIndex)) -> String {
    let path = dir.join(INDEX_FILE);
    let mut index: BundleIndex = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut index);
    let bytes = serde_json::to_vec_pretty(&index).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    sha256_hex(&bytes)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn assert_refused(rt: &Runtime, dir: &Path, pin: &str, code: &str) {
    let e = rt.install_bundle(dir, pin).unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert!(
        rt.list().unwrap().is_empty(),
        "nothing installed after {code}"
    );
    let e = run_app(rt, "com.acme.probe", "{}", None).unwrap_err();
    assert_eq!(e.code(), "APP_NOT_FOUND", "nothing launches after {code}");
}

#[test]
fn a_bundle_for_this_target_installs_and_runs_without_compiling() {
    let world = World::new();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, pin) = bundle(
        tmp.path(),
        "b",
        &[probe("1.0.0"), shop()],
        &host_triple(),
        Backend::Pulley,
    );
    let index: BundleIndex =
        serde_json::from_slice(&std::fs::read(dir.join(INDEX_FILE)).unwrap()).unwrap();
    assert_eq!(index.engine_target, "pulley64");
    assert!(index.apps[0].artifact.is_some() && index.apps[1].artifact.is_none());

    let rt = runtime(&world, Backend::Pulley);
    let installed = rt.install_bundle(&dir, &pin).unwrap();
    assert_eq!(installed.len(), 2);
    let script = probe_script(&[
        ("storage.set", json!({"key": "k", "value": "v"})),
        ("storage.get", json!({"key": "k"})),
    ]);
    let out = run_app(&rt, "com.acme.probe", &script, None).unwrap();
    let answers: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(answers[1]["ok"], "v", "{out}");
    // The bundle's artifact is the one installed: the cache holds exactly its bytes.
    let artifact = std::fs::read(dir.join(index.apps[0].artifact.as_ref().unwrap())).unwrap();
    let cached: Vec<_> = std::fs::read_dir(world.home().join("cache"))
        .unwrap()
        .map(|d| d.unwrap().path().join("com.acme.probe-1.0.0.cwasm"))
        .collect();
    assert_eq!(cached.len(), 1);
    assert_eq!(std::fs::read(&cached[0]).unwrap(), artifact);
    // Installing it again at the next start changes nothing.
    let again = rt.install_bundle(&dir, &pin).unwrap();
    assert!(again.iter().all(|o| !o.changed), "{again:?}");
    // The web mini-program came along.
    let ids: Vec<String> = rt
        .list()
        .unwrap()
        .iter()
        .map(|a| a.id.to_string())
        .collect();
    assert!(ids.contains(&"com.acme.shop".to_string()), "{ids:?}");
}

#[test]
fn foreign_altered_or_mismatched_bundles_are_refused_and_nothing_launches() {
    let world = World::new();
    let tmp = tempfile::tempdir().unwrap();
    let rt = runtime(&world, Backend::Pulley);
    let here = host_triple();

    // Another target (same Pulley bytecode width, but made for an iPhone).
    let (ios, pin) = bundle(
        tmp.path(),
        "ios",
        &[probe("1.0.0")],
        "aarch64-apple-ios",
        Backend::Pulley,
    );
    assert_refused(&rt, &ios, &pin, "BUNDLE_TARGET_MISMATCH");

    // Native code for Android: a Pulley runtime lacks that engine; a native one here is another target.
    let (android, pin) = bundle(
        tmp.path(),
        "android",
        &[probe("1.0.0")],
        "aarch64-linux-android",
        Backend::Cranelift,
    );
    assert_refused(&rt, &android, &pin, "BUNDLE_ENGINE_UNAVAILABLE");
    let native = runtime(&world, Backend::Cranelift);
    assert_refused(&native, &android, &pin, "BUNDLE_TARGET_MISMATCH");

    let (good, pin) = bundle(
        tmp.path(),
        "good",
        &[probe("1.0.0")],
        &here,
        Backend::Pulley,
    );
    let artifact_name = "artifacts/com.acme.probe-1.0.0.cwasm";
    let package_name = "packages/com.acme.probe-1.0.0.zip";

    // The index was changed after the host pinned it.
    let changed = tmp.path().join("changed");
    copy_dir(&good, &changed);
    edit_index(&changed, |i| i.runtime_version = "9.9.9".into());
    assert_refused(&rt, &changed, &pin, "BUNDLE_INDEX_CHANGED");

    // A tampered artifact (one byte), the pinned index unchanged.
    let tampered = tmp.path().join("tampered");
    copy_dir(&good, &tampered);
    let mut bytes = std::fs::read(tampered.join(artifact_name)).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(tampered.join(artifact_name), &bytes).unwrap();
    assert_refused(&rt, &tampered, &pin, "BUNDLE_ARTIFACT_TAMPERED");

    // An index that does not match its packages: another version's zip in the entry's place,
    // and an index re-pinned to claim a version its package is not.
    let swapped = tmp.path().join("swapped");
    copy_dir(&good, &swapped);
    std::fs::write(swapped.join(package_name), probe("1.0.1")).unwrap();
    assert_refused(&rt, &swapped, &pin, "BUNDLE_INDEX_MISMATCH");
    let relabelled = tmp.path().join("relabelled");
    copy_dir(&good, &relabelled);
    let repin = edit_index(&relabelled, |i| {
        i.apps[0].version = semver::Version::new(2, 0, 0)
    });
    assert_refused(&rt, &relabelled, &repin, "BUNDLE_INDEX_MISMATCH");

    // Another engine version: the artifact written by a wasmtime that names itself otherwise
    // (digests redone, as a bundle honestly built by another release would have them).
    let other_engine = tmp.path().join("other-engine");
    copy_dir(&good, &other_engine);
    let mut config = miniapp_runtime::wasmtime_config(&engine(Backend::Pulley)).unwrap();
    config.target("pulley64").unwrap();
    config
        .module_version(wasmtime::ModuleVersionStrategy::Custom("47.0.0".into()))
        .unwrap();
    let bytes = wasmtime::Engine::new(&config)
        .unwrap()
        .precompile_component(guests::PROBE)
        .unwrap();
    std::fs::write(other_engine.join(artifact_name), &bytes).unwrap();
    let digest = sha256_hex(&bytes);
    let repin = edit_index(&other_engine, |i| i.apps[0].artifact_sha256 = Some(digest));
    assert_refused(&rt, &other_engine, &repin, "BUNDLE_ENGINE_MISMATCH");

    // Another engine configuration: built for a 32 MiB memory limit, opened by a 64 MiB host.
    let out = tmp.path().join("small");
    let summary = write_bundle(
        &[probe("1.0.0")],
        &TrustAnchors::new(keys().root.1.clone()),
        &semver::Version::parse(HOST_VERSION).unwrap(),
        &BundleOptions {
            target: here.clone(),
            backend: Backend::Pulley,
            engine: EngineOptions {
                max_memory_bytes: 32 << 20,
                ..engine(Backend::Pulley)
            },
        },
        &out,
    )
    .unwrap();
    assert_refused(&rt, &out, &summary.index_sha256, "BUNDLE_ENGINE_MISMATCH");

    // A package whose partner record another root signed (digests redone, index re-pinned).
    let foreign_root = tmp.path().join("foreign-root");
    copy_dir(&good, &foreign_root);
    let k = keys();
    let unsigned = miniapp_package::UnsignedPartnerRecord {
        partner: "acme".into(),
        public_key: miniapp_package::keys::public_key_to_pem(&k.partner.1).unwrap(),
        allowed_permissions: Permission::ALL.iter().copied().collect(),
        namespace: AppId::parse("com.acme").unwrap(),
        issued_at: miniapp_scenarios::now() - 60,
        expires_at: miniapp_scenarios::now() + 86_400,
        allowed_domains: vec![],
    };
    let stranger = miniapp_package::PartnerRecord::issue(unsigned, &k.other_partner.0).unwrap();
    let files =
        std::collections::BTreeMap::from([("app.wasm".to_string(), guests::PROBE.to_vec())]);
    let zip = miniapp_package::pack(
        &manifest("com.acme.probe", "1.0.0", ALL_BRIDGE),
        &files,
        &stranger,
        &k.partner.0,
    )
    .unwrap();
    let digest = sha256_hex(&zip);
    std::fs::write(foreign_root.join(package_name), &zip).unwrap();
    let repin = edit_index(&foreign_root, |i| i.apps[0].package_sha256 = digest);
    assert_refused(&rt, &foreign_root, &repin, "PARTNER_UNTRUSTED");

    // After all that, the good bundle still installs and runs.
    rt.install_bundle(&good, &pin).unwrap();
    run_app(&rt, "com.acme.probe", &probe_script(&[]), None).unwrap();
}

/// The lean build: `miniapp-lean-host` depends on miniapp-runtime without its `cranelift`
/// feature, built by its own cargo invocation so no other crate's features unify into it. It
/// refuses to compile a package, and installs and runs the bundle made here.
#[test]
fn a_runtime_without_the_compiler_runs_a_bundle_and_refuses_to_compile() {
    let world = World::new();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, pin) = bundle(
        tmp.path(),
        "b",
        &[probe("1.0.0")],
        &host_triple(),
        Backend::Pulley,
    );
    let (foreign, foreign_pin) = bundle(
        tmp.path(),
        "ios",
        &[probe("1.0.0")],
        "aarch64-apple-ios",
        Backend::Pulley,
    );
    let zip = tmp.path().join("probe.zip");
    std::fs::write(&zip, probe("1.0.0")).unwrap();

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let lean = |args: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(&cargo)
            .current_dir(&root)
            // Its own target dir: the outer `cargo test` may hold the lock on the shared one.
            .env("CARGO_TARGET_DIR", root.join("target/lean-host"))
            .args([
                "run",
                "--quiet",
                "--locked",
                "-p",
                "miniapp-lean-host",
                "--",
            ])
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
    };
    let home = world.home().to_str().unwrap();

    let refused = lean(&["install", home, zip.to_str().unwrap()]);
    assert_eq!(
        refused["error"]["code"], "COMPILER_UNAVAILABLE",
        "{refused}"
    );

    let refused = lean(&[
        "bundle",
        home,
        foreign.to_str().unwrap(),
        &foreign_pin,
        "com.acme.probe",
        "{}",
    ]);
    assert_eq!(
        refused["error"]["code"], "BUNDLE_TARGET_MISMATCH",
        "{refused}"
    );

    let script = probe_script(&[
        ("storage.set", json!({"key": "k", "value": "lean"})),
        ("storage.get", json!({"key": "k"})),
    ]);
    let ran = lean(&[
        "bundle",
        home,
        dir.to_str().unwrap(),
        &pin,
        "com.acme.probe",
        &script,
    ]);
    assert_eq!(ran["pulley"], true, "{ran}");
    let answers: Vec<serde_json::Value> =
        serde_json::from_str(ran["result"].as_str().unwrap()).unwrap();
    assert_eq!(answers[1]["ok"], "lean", "{ran}");
}
