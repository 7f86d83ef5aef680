//! Updates through the library: an in-memory marketplace behind the `Fetcher` trait, real keys,
//! real packages, real components. (The CLI's HTTP path and SIGKILLs are in cli/tests/faults.rs.)

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use miniapp_package::{AppId, RevocationList, VersionDocument};
use miniapp_runtime::{
    FetchBody, FetchError, FetchResponse, Fetcher, HostServices, LaunchOptions, Runtime,
    RuntimeError, UpdateOutcome, Updater, UpdaterService, json_bridge,
};
use miniapp_scenarios::{
    ALL_BRIDGE, World, guests, keys, manifest, now, package, probe_events, probe_script,
};
use serde_json::json;
use sha2::Digest;

const APP: &str = "com.acme.app";
const BASE: &str = "http://market.test";

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// The zip's connection drops after this many bytes.
    DropAfter(usize),
    /// The zip is replaced by as many random bytes.
    Garbage,
    /// Every body never ends.
    Endless,
    /// The zip's body never ends.
    EndlessZip,
}

#[derive(Default)]
struct Market {
    files: Mutex<HashMap<String, Vec<u8>>>,
    fault: Mutex<Option<Fault>>,
    requests: Mutex<Vec<(String, Option<u64>)>>,
}

struct Chunks {
    queue: VecDeque<Result<Bytes, FetchError>>,
    endless: bool,
}

#[async_trait]
impl FetchBody for Chunks {
    async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError> {
        if self.endless {
            return Ok(Some(Bytes::from(vec![b'x'; 64 * 1024])));
        }
        self.queue.pop_front().transpose()
    }
}

#[async_trait]
impl Fetcher for Market {
    async fn get(&self, url: &str, range_from: Option<u64>) -> Result<FetchResponse, FetchError> {
        let path = url.strip_prefix(BASE).unwrap().trim_start_matches('/');
        self.requests
            .lock()
            .unwrap()
            .push((path.to_owned(), range_from));
        let fault = self.fault.lock().unwrap().unwrap_or(Fault::None);
        let Some(mut bytes) = self.files.lock().unwrap().get(path).cloned() else {
            return Ok(FetchResponse {
                status: 404,
                range_start: None,
                body: Box::new(Chunks {
                    queue: VecDeque::new(),
                    endless: false,
                }),
            });
        };
        let zip = path.ends_with(".zip");
        if zip && fault == Fault::Garbage {
            bytes = (0..bytes.len()).map(|i| (i * 7919 % 251) as u8).collect();
        }
        let start = range_from.unwrap_or(0) as usize;
        let body = &bytes[start.min(bytes.len())..];
        let mut queue: VecDeque<_> = body
            .chunks(8 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        if let (true, Fault::DropAfter(n)) = (zip, fault) {
            queue = body[..n.min(body.len())]
                .chunks(8 * 1024)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            queue.push_back(Err(FetchError("connection reset by peer".into())));
        }
        Ok(FetchResponse {
            status: if range_from.is_some() { 206 } else { 200 },
            range_start: range_from,
            body: Box::new(Chunks {
                queue,
                endless: fault == Fault::Endless || (zip && fault == Fault::EndlessZip),
            }),
        })
    }
}

impl Market {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        self.files.lock().unwrap().insert(path.to_owned(), bytes);
    }

    fn fault(&self, f: Fault) {
        *self.fault.lock().unwrap() = Some(f);
    }

    /// Publishes `zip` as `version` with a signed document.
    fn publish(&self, version: &str, zip: &[u8], sequence: u64, min_host: &str, expires: u64) {
        let url = format!("mini-programs/{APP}/{version}.zip");
        self.put(&url, zip.to_vec());
        let doc = version_doc(version, zip, sequence, min_host, expires, &url);
        self.put(
            &format!("mini-programs/{APP}/version"),
            doc.to_json_pretty().into_bytes(),
        );
    }

    fn revoke(&self, partners: &[&str], sequence: u64, expires: u64) {
        let list = RevocationList {
            sequence,
            expires,
            partners: partners.iter().map(|p| p.to_string()).collect(),
            signature: String::new(),
        }
        .sign(&keys().root.0)
        .unwrap();
        self.put("revoked.json", list.to_json_pretty().into_bytes());
    }
}

fn version_doc(
    version: &str,
    zip: &[u8],
    sequence: u64,
    min_host: &str,
    expires: u64,
    url: &str,
) -> VersionDocument {
    VersionDocument {
        id: AppId::parse(APP).unwrap(),
        version: semver::Version::parse(version).unwrap(),
        min_host_version: semver::Version::parse(min_host).unwrap(),
        url: url.to_owned(),
        size: zip.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(zip)),
        sequence,
        expires,
        rollout_percent: None,
        pulled_versions: Default::default(),
        signature: String::new(),
    }
    .sign(&keys().root.0)
    .unwrap()
}

fn id() -> AppId {
    AppId::parse(APP).unwrap()
}

/// v1 echoes its params (`minimal`); v2 answers `[]` to an empty probe script (`probe`).
fn v1() -> Vec<u8> {
    package(&manifest(APP, "1.0.0", &[]), guests::MINIMAL)
}
fn v2() -> Vec<u8> {
    package(&manifest(APP, "2.0.0", ALL_BRIDGE), guests::PROBE)
}
fn v3() -> Vec<u8> {
    package(&manifest(APP, "3.0.0", ALL_BRIDGE), guests::PROBE)
}
fn v2_hostile() -> Vec<u8> {
    package(&manifest(APP, "2.0.0", ALL_BRIDGE), guests::HOSTILE)
}

const SCRIPT: &str = r#"{"calls":[]}"#;

fn tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn setup() -> (World, Arc<Runtime>, Arc<Market>, Updater) {
    let world = World::new();
    let rt = Arc::new(world.runtime(HostServices::development()));
    rt.install_package(&v1()).unwrap();
    let market = Arc::new(Market::default());
    let updater = Updater::new(market.clone(), BASE);
    (world, rt, market, updater)
}

async fn update(rt: &Runtime, updater: &Updater) -> Result<UpdateOutcome, RuntimeError> {
    updater.update(rt, &id(), &mut |_| {}).await
}

fn active(rt: &Runtime) -> String {
    let v = rt.install_store().versions(&id()).unwrap();
    v.active.unwrap().to_string()
}

#[test]
fn one_runtime_launches_v1_updates_in_the_background_and_its_next_launch_runs_v2() {
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    market.publish("2.0.0", &v2(), 2, "1.0.0", now() + 3600);
    let run = |rt: &Runtime| tokio.block_on(rt.run(&id(), SCRIPT, LaunchOptions::default()));
    assert_eq!(run(&rt).unwrap(), SCRIPT, "v1 echoes");

    let mut phases = Vec::new();
    let bg = {
        let rt = rt.clone();
        tokio.spawn(async move {
            let outcome = updater
                .update(&rt, &id(), &mut |p| phases.push(format!("{p:?}")))
                .await;
            (outcome, phases)
        })
    };
    let (outcome, phases) = tokio.block_on(bg).unwrap();
    match outcome.unwrap() {
        UpdateOutcome::Staged {
            version, activated, ..
        } => {
            assert_eq!(version.to_string(), "2.0.0");
            assert!(!activated);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        phases.iter().any(|p| p.starts_with("Downloading")),
        "{phases:?}"
    );
    let v = rt.install_store().versions(&id()).unwrap();
    assert_eq!(v.pending.unwrap().to_string(), "2.0.0");
    assert_eq!(active(&rt), "1.0.0", "staged, not yet active");

    // The same runtime (v1 cached in memory) runs v2 at its next launch.
    assert_eq!(run(&rt).unwrap(), "[]", "v2 answers the probe script");
    let v = rt.install_store().versions(&id()).unwrap();
    assert_eq!(
        (v.active.unwrap().to_string(), v.backup.unwrap().to_string()),
        ("2.0.0".into(), "1.0.0".into())
    );
    assert!(v.pending.is_none());
    assert!(world.audit().iter().any(|l| l["event"] == "activated"));

    // Nothing newer: up to date. Rollback returns to v1 in the same runtime, and updates skip v2.
    let t = tokio.block_on(update(&rt, &Updater::new(market.clone(), BASE)));
    assert!(matches!(t.unwrap(), UpdateOutcome::UpToDate { .. }));
    rt.rollback(&id()).unwrap();
    assert_eq!(run(&rt).unwrap(), SCRIPT, "v1 again");
    let t = tokio.block_on(update(&rt, &Updater::new(market.clone(), BASE)));
    assert!(matches!(
        t.unwrap(),
        UpdateOutcome::SkippedRolledBack { .. }
    ));
    assert_eq!(rt.rollback(&id()).unwrap_err().code(), "NO_BACKUP");
    // Installing an older version by hand is refused; the active one stays.
    rt.install_package(&package(&manifest(APP, "2.0.0", ALL_BRIDGE), guests::PROBE))
        .unwrap();
    assert_eq!(
        rt.install_package(&v1()).unwrap_err().code(),
        "DOWNGRADE_REFUSED"
    );
    assert_eq!(active(&rt), "2.0.0");
}

#[test]
fn a_version_failing_three_launches_in_a_row_is_rolled_back_with_an_audit_line() {
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    market.publish("2.0.0", &v2_hostile(), 2, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    let run = |p: &str| tokio.block_on(rt.run(&id(), p, LaunchOptions::default()));
    // Two failures, then a success resets the counter.
    assert_eq!(run("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(run("err").unwrap_err().code(), "GUEST_ERROR");
    assert_eq!(
        rt.install_store().versions(&id()).unwrap().failed_launches,
        2
    );
    run("read-host-file").unwrap();
    assert_eq!(
        rt.install_store().versions(&id()).unwrap().failed_launches,
        0
    );
    assert_eq!(run("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(run("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(active(&rt), "2.0.0", "two failures are not a crash loop");
    assert_eq!(run("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(active(&rt), "1.0.0", "the third failure rolls back");
    assert_eq!(run("trap").unwrap(), "trap", "v1 (minimal) echoes");
    let rollback: Vec<_> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "rollback")
        .collect();
    assert_eq!(rollback.len(), 1);
    assert_eq!(rollback[0]["details"]["reason"], "crash_loop");
    assert_eq!(rollback[0]["details"]["from"], "2.0.0");
    let again = tokio.block_on(update(&rt, &updater)).unwrap();
    assert!(
        matches!(again, UpdateOutcome::SkippedRolledBack { .. }),
        "{again:?}"
    );
}

#[test]
fn a_host_driving_launch_and_on_launch_itself_gets_the_same_crash_loop_rollback() {
    // The instance records its launch's outcome: a host that never calls `run` (nor anything
    // else) still has a crash-looping version rolled back.
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    market.publish("2.0.0", &v2_hostile(), 2, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    let launch = |p: &str| {
        tokio.block_on(async {
            let mut instance = rt.launch(&id(), LaunchOptions::default()).await?;
            let first = instance.on_launch(p).await;
            // Later calls on the same instance are not launches and count for nothing.
            let _ = instance.on_launch("read-host-file").await;
            first
        })
    };
    assert_eq!(launch("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(launch("err").unwrap_err().code(), "GUEST_ERROR");
    assert_eq!(active(&rt), "2.0.0", "two failures are not a crash loop");
    assert_eq!(launch("trap").unwrap_err().code(), "GUEST_TRAP");
    assert_eq!(active(&rt), "1.0.0", "the third failure rolls back");
    let reasons: Vec<_> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "rollback")
        .map(|l| l["details"]["reason"].clone())
        .collect();
    assert_eq!(reasons, ["crash_loop"]);
}

#[test]
fn apps_of_a_revoked_partner_refuse_to_launch_once_the_list_is_fetched() {
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    let run = |rt: &Runtime| tokio.block_on(rt.run(&id(), "hi", LaunchOptions::default()));
    assert_eq!(run(&rt).unwrap(), "hi");
    assert!(
        tokio
            .block_on(updater.refresh_revocations(&rt))
            .unwrap()
            .is_none()
    );
    market.revoke(&["someone-else"], 5, now() + 3600);
    tokio.block_on(updater.refresh_revocations(&rt)).unwrap();
    assert_eq!(run(&rt).unwrap(), "hi");
    market.revoke(&["acme"], 6, now() + 3600);
    tokio.block_on(updater.refresh_revocations(&rt)).unwrap();
    let e = run(&rt).unwrap_err();
    assert_eq!(e.code(), "PARTNER_REVOKED", "{e}");
    // Stored in the home: a new runtime refuses too.
    let fresh = world.runtime(HostServices::development());
    assert_eq!(run(&fresh).unwrap_err().code(), "PARTNER_REVOKED");
    // An older list (replayed) and an expired one are refused; the stored list stays.
    market.revoke(&[], 5, now() + 3600);
    let e = tokio
        .block_on(updater.refresh_revocations(&rt))
        .unwrap_err();
    assert_eq!(e.code(), "METADATA_ROLLBACK");
    market.revoke(&[], 7, now() - 1);
    let e = tokio
        .block_on(updater.refresh_revocations(&rt))
        .unwrap_err();
    assert_eq!(e.code(), "METADATA_EXPIRED");
    assert_eq!(run(&rt).unwrap_err().code(), "PARTNER_REVOKED");
}

#[test]
fn expired_replayed_forged_and_incompatible_documents_leave_the_app_untouched() {
    let (_world, rt, market, updater) = setup();
    let tokio = tokio();
    let doc_path = format!("mini-programs/{APP}/version");
    let code = |m: &Market| {
        let _ = m;
        tokio
            .block_on(update(&rt, &updater))
            .map(|o| format!("{o:?}"))
            .unwrap_err()
            .code()
    };

    market.publish("2.0.0", &v2(), 2, "1.0.0", now() - 1);
    assert_eq!(code(&market), "METADATA_EXPIRED");

    let forged = {
        let mut d = version_doc("2.0.0", &v2(), 3, "1.0.0", now() + 60, "x.zip");
        d.signature = VersionDocument {
            sequence: 99,
            ..d.clone()
        }
        .sign(&keys().other_partner.0)
        .unwrap()
        .signature;
        d
    };
    market.put(&doc_path, forged.to_json_pretty().into_bytes());
    assert_eq!(code(&market), "METADATA_INVALID");
    market.put(&doc_path, b"<html>502 Bad Gateway</html>".to_vec());
    assert_eq!(code(&market), "METADATA_INVALID");

    market.publish("2.0.0", &v2(), 4, "9.1.0", now() + 3600);
    let e = tokio.block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(e.code(), "HOST_UPDATE_REQUIRED");
    assert!(e.to_string().contains("9.1.0"), "{e}");

    // A valid but older document than one already seen: replay.
    market.publish("1.0.0", &v1(), 3, "1.0.0", now() + 3600);
    assert_eq!(code(&market), "METADATA_ROLLBACK");

    // Endless or huge version documents.
    market.fault(Fault::Endless);
    let e = tokio.block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(e.code(), "DOWNLOAD_FAILED");
    assert!(e.to_string().contains("more than"), "{e}");
    market.fault(Fault::None);

    assert_eq!(active(&rt), "1.0.0");
    let v = rt.install_store().versions(&id()).unwrap();
    assert!(v.pending.is_none());
    assert_eq!(
        tokio
            .block_on(rt.run(&id(), "still v1", LaunchOptions::default()))
            .unwrap(),
        "still v1"
    );
}

#[test]
fn an_older_fresh_document_is_a_refused_downgrade() {
    let world = World::new();
    let rt = world.runtime(HostServices::development());
    rt.install_package(&v2()).unwrap();
    let market = Arc::new(Market::default());
    let updater = Updater::new(market.clone(), BASE);
    market.publish("1.0.0", &v1(), 1, "1.0.0", now() + 3600);
    let e = tokio().block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(e.code(), "DOWNGRADE_REFUSED");
    assert_eq!(active(&rt), "2.0.0");
}

#[test]
fn dropped_garbage_and_endless_downloads_fail_clearly_then_a_resume_uses_range() {
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    let zip = v2();
    market.publish("2.0.0", &zip, 2, "1.0.0", now() + 3600);
    let fails = |f: Fault| {
        market.fault(f);
        let e = tokio.block_on(update(&rt, &updater)).unwrap_err();
        assert_eq!(active(&rt), "1.0.0");
        assert!(
            rt.install_store()
                .versions(&id())
                .unwrap()
                .pending
                .is_none()
        );
        e
    };
    let e = fails(Fault::EndlessZip);
    assert_eq!(e.code(), "DOWNLOAD_FAILED");
    assert!(e.to_string().contains("more than the"), "{e}");
    let e = fails(Fault::Garbage);
    assert_eq!(e.code(), "DIGEST_MISMATCH", "{e}");
    let e = fails(Fault::DropAfter(zip.len() / 3));
    assert_eq!(e.code(), "DOWNLOAD_FAILED");
    assert!(e.to_string().contains("resume"), "{e}");
    let part = world.home().join(format!("updates/{APP}-2.0.0.part"));
    assert_eq!(
        std::fs::metadata(&part).unwrap().len(),
        (zip.len() / 3) as u64
    );

    market.fault(Fault::None);
    market.requests.lock().unwrap().clear();
    match tokio.block_on(update(&rt, &updater)).unwrap() {
        UpdateOutcome::Staged { resumed_from, .. } => {
            assert_eq!(resumed_from, (zip.len() / 3) as u64)
        }
        other => panic!("{other:?}"),
    }
    let requests = market.requests.lock().unwrap().clone();
    assert!(
        requests.contains(&(
            format!("mini-programs/{APP}/2.0.0.zip"),
            Some((zip.len() / 3) as u64)
        )),
        "{requests:?}"
    );
    assert!(
        !part.exists(),
        "the partial download is removed once staged"
    );
}

#[test]
fn a_signed_document_over_a_tampered_package_is_refused_by_package_verification() {
    let (_world, rt, market, updater) = setup();
    let mut zip = v2();
    // Flip a byte inside the archive: the document (signed over these bytes) matches, the
    // partner's package signature does not.
    let at = zip.len() / 2;
    zip[at] ^= 0x55;
    market.publish("2.0.0", &zip, 2, "1.0.0", now() + 3600);
    let e = tokio().block_on(update(&rt, &updater)).unwrap_err();
    assert!(
        ["SIGNATURE_INVALID", "ARCHIVE_INVALID", "UNSAFE_ARCHIVE"].contains(&e.code()),
        "{e}"
    );
    assert_eq!(active(&rt), "1.0.0");
}

#[test]
fn a_version_staged_by_another_process_is_activated_at_the_next_warm_launch() {
    let (world, rt, _market, _updater) = setup();
    let tokio = tokio();
    let run = |rt: &Runtime| tokio.block_on(rt.run(&id(), SCRIPT, LaunchOptions::default()));
    // Warm: v1 loaded, state.json read and remembered.
    for _ in 0..3 {
        assert_eq!(run(&rt).unwrap(), SCRIPT, "v1 echoes");
    }
    // Another runtime on the same home (another process, e.g. `miniapp update`) stages v2.
    let other = world.runtime(HostServices::development());
    let v2 = other.verify_package(&v2()).unwrap();
    other.stage(&v2).unwrap();
    // A warm runtime looks at state.json again at most every 250 ms (its own writes at once).
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        run(&rt).unwrap(),
        "[]",
        "the warm runtime noticed state.json changed"
    );
    assert_eq!(active(&rt), "2.0.0");
}

/// The version document for `version` with `pulled` in its kill switch, signed by `signer`.
fn pulled_doc(
    version: &str,
    zip: &[u8],
    sequence: u64,
    pulled: &[&str],
    signer: &miniapp_package::RsaPrivateKey,
) -> Vec<u8> {
    let url = format!("mini-programs/{APP}/{version}.zip");
    VersionDocument {
        pulled_versions: pulled
            .iter()
            .map(|v| semver::Version::parse(v).unwrap())
            .collect(),
        signature: String::new(),
        ..version_doc(version, zip, sequence, "1.0.0", now() + 3600, &url)
    }
    .sign(signer)
    .unwrap()
    .to_json_pretty()
    .into_bytes()
}

#[test]
fn a_pulled_staged_version_is_dropped_before_it_activates() {
    let (world, rt, market, updater) = setup();
    let tokio = tokio();
    let zip = v2();
    market.publish("2.0.0", &zip, 2, "1.0.0", now() + 3600);
    let staged = tokio.block_on(update(&rt, &updater)).unwrap();
    assert!(matches!(staged, UpdateOutcome::Staged { .. }), "{staged:?}");
    let doc = pulled_doc("2.0.0", &zip, 3, &["2.0.0"], &keys().root.0);
    market.put(&format!("mini-programs/{APP}/version"), doc);
    let outcome = tokio.block_on(update(&rt, &updater)).unwrap();
    assert!(
        matches!(&outcome, UpdateOutcome::Pulled { version } if version.to_string() == "2.0.0"),
        "{outcome:?}"
    );
    let v = rt.install_store().versions(&id()).unwrap();
    assert_eq!(v.pending, None);
    let run = tokio.block_on(rt.run(&id(), SCRIPT, LaunchOptions::default()));
    assert_eq!(
        run.unwrap(),
        SCRIPT,
        "v1 still launches; v2 never activated"
    );
    assert!(
        world
            .audit()
            .iter()
            .any(|l| l["event"] == "pulled" && l["details"]["discarded"] == "pending"),
        "{:?}",
        world.audit()
    );
}

#[test]
fn after_a_root_rotation_documents_and_records_signed_only_by_the_old_root_are_refused() {
    use miniapp_package::{RootMetadata, SignedRoot, keys as k};
    let (world, _rt, market, updater) = setup();
    let tokio = tokio();
    let new_root = &keys().other_partner;
    let mut root = SignedRoot::create(RootMetadata {
        version: 2,
        threshold: 1,
        keys: vec![k::public_key_to_pem(&new_root.1).unwrap()],
    })
    .unwrap();
    root.sign(&keys().root.0).unwrap();
    root.sign(&new_root.0).unwrap();
    let mut home = miniapp_runtime::Home::open(world.home()).unwrap();
    home.rotate_root(&root.to_json()).unwrap();
    let rt = world.runtime(HostServices::development());

    // The old root's version document: not signed by any key this home trusts now.
    let zip = v2();
    market.publish("2.0.0", &zip, 2, "1.0.0", now() + 3600);
    let err = tokio.block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(err.code(), "METADATA_INVALID", "{err}");
    // The new root's document passes; the package's partner record is still the old root's.
    let doc = pulled_doc("2.0.0", &zip, 3, &[], &new_root.0);
    market.put(&format!("mini-programs/{APP}/version"), doc);
    let err = tokio.block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(err.code(), "PARTNER_UNTRUSTED", "{err}");
    assert_eq!(active(&rt), "1.0.0");
}

/// A web mini-program under the same id: HTML5/JS the platform's WebView runs.
fn web(version: &str) -> Vec<u8> {
    let mut m = manifest(APP, version, &[]);
    m.entry_point = "index.html".into();
    let k = keys();
    let partner = miniapp_scenarios::partner_record(
        "acme",
        "com.acme",
        &k.partner.1,
        &miniapp_package::Permission::ALL,
    );
    let files = std::collections::BTreeMap::from([(
        "index.html".to_string(),
        format!("<!doctype html><p>{version}</p>").into_bytes(),
    )]);
    miniapp_package::pack(&m, &files, &partner, &k.partner.0).unwrap()
}

#[test]
fn under_web_only_components_are_refused_over_the_air_while_web_apps_update() {
    let world = World::new();
    let rt = Runtime::new(
        world.home(),
        miniapp_runtime::RuntimeConfig {
            code_updates: miniapp_runtime::CodeUpdatePolicy::WebOnly,
            ..miniapp_runtime::RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )
    .unwrap();
    assert_eq!(
        "web-only"
            .parse::<miniapp_runtime::CodeUpdatePolicy>()
            .unwrap(),
        rt.code_update_policy()
    );
    // An install of a component: refused, nothing written.
    let e = rt.install_package(&v1()).unwrap_err();
    assert_eq!(e.code(), "UPDATE_NOT_ALLOWED", "{e}");
    assert!(rt.list().unwrap().is_empty());

    let market = Arc::new(Market::default());
    let updater = Updater::new(market.clone(), BASE);
    let tokio = tokio();
    // Web versions install and update over the air.
    market.publish("1.0.0", &web("1.0.0"), 1, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    assert_eq!(active(&rt), "1.0.0");
    market.publish("1.1.0", &web("1.1.0"), 2, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    let v = rt.install_store().versions(&id()).unwrap();
    assert_eq!(v.pending.unwrap().to_string(), "1.1.0");

    // A component update of the same app: refused with the code, the web app untouched.
    market.publish("2.0.0", &v2(), 3, "1.0.0", now() + 3600);
    let e = tokio.block_on(update(&rt, &updater)).unwrap_err();
    assert_eq!(e.code(), "UPDATE_NOT_ALLOWED", "{e}");
    let v = rt.install_store().versions(&id()).unwrap();
    assert_eq!(active(&rt), "1.0.0");
    assert_eq!(v.pending.unwrap().to_string(), "1.1.0");
    assert!(
        world
            .audit()
            .iter()
            .any(|l| l["details"]["code"] == "UPDATE_NOT_ALLOWED"),
        "the refusal is audited"
    );
}

/// `updates.status` / `updates.check` from the probe component and from the JSON bridge: the
/// app's own check goes through the runtime's `UpdaterService` (the same verified path as the
/// host's updates) and stages the next version, which runs from the next launch.
#[test]
fn a_mini_program_checks_for_its_own_update_from_both_transports() {
    let world = World::new();
    let market = Arc::new(Market::default());
    let service = UpdaterService::new(Updater::new(market.clone(), BASE));
    let rt = Arc::new(world.runtime(HostServices {
        updates: service.clone(),
        ..HostServices::development()
    }));
    service.attach(&rt);
    rt.install_package(&v2()).unwrap();
    let tokio = tokio();
    let component = |calls: &[(&str, serde_json::Value)]| -> Vec<serde_json::Value> {
        let out = tokio
            .block_on(rt.run(&id(), &probe_script(calls), LaunchOptions::default()))
            .unwrap();
        serde_json::from_str(&out).unwrap()
    };
    let web = |method: &str| -> serde_json::Value {
        tokio.block_on(async {
            let ctx = rt.app_context(&id()).await.unwrap();
            let request = json!({"id": 1, "method": method, "params": {}});
            json_bridge::dispatch(&ctx, &request).await
        })
    };
    let status =
        |current: &str, pending: Option<&str>| json!({"current": current, "pending": pending});

    // The marketplace has nothing for the app yet: the check fails clearly, nothing changes.
    let out = component(&[("updates.status", json!({})), ("updates.check", json!({}))]);
    assert_eq!(out[0], json!({"ok": status("2.0.0", None)}));
    assert_eq!(out[1], json!({"err": "UNAVAILABLE"}));
    assert_eq!(web("updates.check")["error"]["code"], "UNAVAILABLE");

    market.publish("3.0.0", &v3(), 3, "1.0.0", now() + 3600);
    let out = component(&[("updates.check", json!({})), ("updates.status", json!({}))]);
    let staged = json!({"ok": status("2.0.0", Some("3.0.0"))});
    assert_eq!(out, [staged.clone(), staged]);
    assert_eq!(
        active(&rt),
        "2.0.0",
        "staged under the running instance, not applied"
    );
    // A web page of the same app sees the same; checking again finds it already staged.
    assert_eq!(
        web("updates.status")["result"],
        status("2.0.0", Some("3.0.0"))
    );
    assert_eq!(
        web("updates.check")["result"],
        status("2.0.0", Some("3.0.0"))
    );

    // The next launch runs it.
    let out = component(&[("updates.status", json!({}))]);
    assert_eq!(out, [json!({"ok": status("3.0.0", None)})]);
    assert_eq!(active(&rt), "3.0.0");
    assert!(
        world.audit().iter().any(|l| l["event"] == "activated"),
        "activated like any update"
    );
}

/// A version staged while the app runs (the host's updater) is told to the running instance
/// once, as the `updateReady` lifecycle event; an instance that already saw it in an `updates`
/// answer is not told again.
#[test]
fn a_running_app_is_told_once_of_a_version_staged_under_it() {
    let world = World::new();
    let rt = Arc::new(world.runtime(HostServices::development()));
    rt.install_package(&v2()).unwrap();
    let market = Arc::new(Market::default());
    let updater = Updater::new(market.clone(), BASE);
    let tokio = tokio();

    let mut running = tokio
        .block_on(rt.launch(&id(), LaunchOptions::default()))
        .unwrap();
    tokio.block_on(running.on_launch(SCRIPT)).unwrap();
    assert_eq!(tokio.block_on(running.notify_update_ready()).unwrap(), None);
    market.publish("3.0.0", &v3(), 3, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    let told = tokio.block_on(running.notify_update_ready()).unwrap();
    assert_eq!(told.map(|v| v.to_string()).as_deref(), Some("3.0.0"));
    assert_eq!(
        tokio.block_on(running.notify_update_ready()).unwrap(),
        None,
        "once"
    );
    let seen = probe_events(&rt, APP);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["name"], "updateReady");
    assert_eq!(seen[0]["parsed"]["payload"], json!({"version": "3.0.0"}));
    drop(running);

    // The next launch runs 3.0.0; a 4.0.0 staged under it, seen by the app itself first.
    let mut running = tokio
        .block_on(rt.launch(&id(), LaunchOptions::default()))
        .unwrap();
    let v4 = package(&manifest(APP, "4.0.0", ALL_BRIDGE), guests::PROBE);
    market.publish("4.0.0", &v4, 4, "1.0.0", now() + 3600);
    tokio.block_on(update(&rt, &updater)).unwrap();
    let answer = tokio
        .block_on(running.on_launch(&probe_script(&[("updates.status", json!({}))])))
        .unwrap();
    assert!(answer.contains(r#""pending":"4.0.0""#), "{answer}");
    assert_eq!(
        tokio.block_on(running.notify_update_ready()).unwrap(),
        None,
        "already known"
    );
    assert_eq!(probe_events(&rt, APP).len(), 1);
}
