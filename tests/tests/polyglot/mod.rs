//! Shared by `python.rs` and `javascript.rs`: mini-programs written in another language, built
//! from source by that language's component toolchain against `wit/` (world `mini-program`, or
//! `storage-app` for the guests written with the SDKs in `sdk/`), then packed, installed and run
//! like any partner's package.
//!
//! The toolchains are not Rust crates: the test command (`bash test.sh`) installs them
//! (componentize-py with pip, ComponentizeJS with npm into `tests/programs/js/node_modules`). A
//! missing toolchain fails the test, naming the install step. Built components are cached under
//! `target/tmp/polyglot/`, keyed by a hash of the toolchain's version, the build command, the
//! sources and `wit/`, so a rerun does not rebuild them.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miniapp_package::{AppId, Permission};
use miniapp_runtime::HostServices;
use miniapp_runtime::capabilities::consent::ScriptedConsent;
use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use miniapp_scenarios::{ALL_BRIDGE, World, manifest, package, package_unchecked, run_app};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bridge's WIT directory.
pub fn wit_dir() -> PathBuf {
    repo().join("wit")
}

/// Runs `program --version` and returns its trimmed output; panics, naming the install step,
/// when the program cannot be run or reports another version than `expected`.
pub fn tool_version(program: &Path, expected: &str, install: &str) -> String {
    let out = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{}` ({e}). Install it: {install} (`bash test.sh` does).",
                program.display()
            )
        });
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success() && version.contains(expected),
        "`{} --version` said {version:?} (stderr: {}), this test pins {expected}. \
         Install it: {install} (`bash test.sh` does).",
        program.display(),
        String::from_utf8_lossy(&out.stderr).trim(),
    );
    version
}

/// A component built from source, and how long the toolchain took (`None`: from the cache).
pub struct Built {
    pub bytes: Vec<u8>,
    pub path: PathBuf,
    pub componentize: Option<Duration>,
}

/// The component `build` writes to the path it is given, cached under `target/tmp/polyglot/`
/// by a hash of `key` (every input of the build, as `(name, bytes)`) and of every file of `wit/`.
pub fn build_cached(
    lang: &str,
    key: &[(&str, Vec<u8>)],
    build: impl FnOnce(&Path) -> Command,
) -> Built {
    let mut hash = Sha256::new();
    let mut inputs: Vec<(String, Vec<u8>)> = key
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.clone()))
        .collect();
    inputs.extend(dir_files(&wit_dir(), "wit"));
    for (name, bytes) in &inputs {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let digest = hex::encode(hash.finalize());
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("polyglot");
    std::fs::create_dir_all(&cache).unwrap();
    let path = cache.join(format!("{lang}-{}.wasm", &digest[..16]));
    if let Ok(bytes) = std::fs::read(&path) {
        return Built {
            bytes,
            path,
            componentize: None,
        };
    }

    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("app.wasm");
    let mut cmd = build(&out);
    cmd.current_dir(work.path()).stdin(Stdio::null());
    let start = Instant::now();
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let took = start.elapsed();
    assert!(
        output.status.success() && out.is_file(),
        "building the {lang} component failed ({}): {cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let bytes = std::fs::read(&out).unwrap();
    // Write then rename: a concurrent or interrupted run never leaves half a component.
    let partial = cache.join(format!(
        "{lang}-{}.wasm.{}",
        &digest[..16],
        std::process::id()
    ));
    std::fs::write(&partial, &bytes).unwrap();
    std::fs::rename(&partial, &path).unwrap();
    Built {
        bytes,
        path,
        componentize: Some(took),
    }
}

/// Every file under `dir`, as `(path relative to it, prefixed by `prefix`, bytes)`, sorted.
fn dir_files(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = format!("{prefix}/{}", path.file_name().unwrap().to_string_lossy());
        if path.is_dir() {
            files.extend(dir_files(&path, &name));
        } else {
            files.push((name, std::fs::read(&path).unwrap()));
        }
    }
    files
}

/// What one run showed on `tracing`: the Bridge Inspector's records and the guest's log lines.
#[derive(Debug, Default, Clone)]
pub struct Observed {
    /// `(method, outcome)` of every bridge call, in order.
    pub calls: Vec<(String, String)>,
    /// `(level, message)` of every guest log line (the log interface, stdout and stderr).
    pub log: Vec<(String, String)>,
}

/// Runs `f` with a subscriber that records bridge calls and guest log lines.
pub fn observe<T>(f: impl FnOnce() -> T) -> (T, Observed) {
    let seen = Arc::new(Mutex::new(Observed::default()));
    let calls = seen.clone();
    let subscriber = tracing_subscriber::registry()
        .with(BridgeInspector::new(move |r: &BridgeCallRecord| {
            calls
                .lock()
                .unwrap()
                .calls
                .push((r.method.clone(), r.outcome.clone()))
        }))
        .with(GuestLog(seen.clone()));
    let out = tracing::subscriber::with_default(subscriber, f);
    let observed = seen.lock().unwrap().clone();
    (out, observed)
}

/// Records the events of the runtime's guest-log target.
struct GuestLog(Arc<Mutex<Observed>>);

impl<S: Subscriber> Layer<S> for GuestLog {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "miniapp::guest" {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0
            .lock()
            .unwrap()
            .log
            .push((event.metadata().level().as_str().to_lowercase(), message.0));
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

/// Prints one measured figure the way the other scenario tests do.
pub fn figure(what: &str, took: Duration) {
    eprintln!("figure: {what}: {:.1} ms", took.as_secs_f64() * 1e3);
}

/// The scenario both guests (`tests/programs/python/app.py`, `tests/programs/js/app.js`) are
/// written for: installed as `app` by partner `acme`, launched twice with the user declining
/// location, then once with bad params. `language` is what the guest reports itself as;
/// `lang` prefixes its log lines.
/// The environment variable `.ci/phone-limits` sets to a phone's address space, in bytes.
pub const ADDRESS_SPACE_VAR: &str = "MINIAPP_TEST_ADDRESS_SPACE";

/// Under `.ci/phone-limits`: limits this process's address space (RLIMIT_AS, with util-linux's
/// `prlimit`) once the component toolchain has run — it needs more than a phone gives (V8 alone
/// reserves GiBs) and is not what a phone runs — and before the runtime starts, so install,
/// compile and launch happen inside the limit.
fn limit_address_space() {
    let Ok(bytes) = std::env::var(ADDRESS_SPACE_VAR) else {
        return;
    };
    let status = Command::new("prlimit")
        .arg(format!("--pid={}", std::process::id()))
        .arg(format!("--as={bytes}"))
        .stdin(Stdio::null())
        .status()
        .expect("prlimit (util-linux) runs");
    assert!(status.success(), "prlimit --as={bytes} failed");
    assert_eq!(
        miniapp_runtime::address_space_limit().map(|l| l.to_string()),
        Some(bytes.clone()),
        "the limit is in force"
    );
    eprintln!("address space limited to {bytes} bytes from here on");
}

pub fn scenario(app: &str, lang: &str, language: &str, built: &Built) {
    eprintln!(
        "{lang} component: {} ({:.1} MB)",
        built.path.display(),
        built.bytes.len() as f64 / 1e6
    );
    match built.componentize {
        Some(took) => figure(&format!("{lang}: componentize"), took),
        None => eprintln!("{lang}: component from the cache, not rebuilt"),
    }
    let world = World::new(); // also generates the fixture keys, outside the timings below
    limit_address_space();
    let consent = Arc::new(ScriptedConsent::declining(&[Permission::Location]));
    let mut services = HostServices::development();
    services.consent = consent.clone();
    let rt = world.runtime(services);

    // The toolchain imports every interface of the world, used or not, so a manifest has to
    // declare each of them: declaring only what the code calls is refused.
    let start = Instant::now();
    // (`pack` refuses such a package already; signed without its checks, the host refuses it too.)
    let err = rt
        .install_package(&package_unchecked(
            &manifest(app, "1.0.0", &[Permission::Storage]),
            &built.bytes,
        ))
        .unwrap_err();
    assert_eq!(err.code(), "IMPORT_NOT_PERMITTED", "{err}");
    assert!(
        err.to_string().contains("`miniapp:bridge/"),
        "names the interface: {err}"
    );
    figure(
        &format!("{lang}: refused install (the import check needs the compiled component)"),
        start.elapsed(),
    );

    let start = Instant::now();
    rt.install_package(&package(&manifest(app, "1.0.0", ALL_BRIDGE), &built.bytes))
        .unwrap_or_else(|e| panic!("installing the {lang} component: error[{}]: {e}", e.code()));
    figure(
        &format!("{lang}: install (verify, import check, Cranelift compile)"),
        start.elapsed(),
    );

    let launch = |name: &str| {
        let params = json!({ "name": name }).to_string();
        let start = Instant::now();
        let (out, seen) = observe(|| run_app(&rt, app, &params, None));
        let took = start.elapsed();
        let out = out.unwrap_or_else(|e| panic!("{lang} on-launch: error[{}]: {e}", e.code()));
        let answer: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{lang} answered {out:?}, not JSON: {e}"));
        (answer, seen, took)
    };

    // First launch: the storage round trip, and the denial arriving in the guest as an error.
    let (answer, seen, took) = launch("Ada");
    figure(
        &format!("{lang}: first run (load, link, instantiate, on-launch)"),
        took,
    );
    eprintln!(
        "{lang} answered {answer}\n{lang} bridge calls {:?}\n{lang} log {:?}",
        seen.calls, seen.log
    );
    assert_eq!(
        answer,
        json!({
            "language": language,
            "launches": 1,
            "greeting": "hello, Ada",
            "missing": true,
            "keys": ["greeting/Ada", "launches"],
            "location": "PERMISSION_DENIED",
        })
    );
    let ok = |m: &str| (m.to_string(), "ok".to_string());
    assert_eq!(
        seen.calls,
        [
            ok("log.log"),
            ok("storage.get"),
            ok("storage.set"),
            ok("storage.set"),
            ok("storage.get"),
            (
                "geolocation.currentPosition".into(),
                "PERMISSION_DENIED".into()
            ),
            ok("storage.get"),
            ok("storage.keys"),
        ],
        "the bridge calls the inspector saw"
    );
    let line = |level: &str, m: String| (level.to_string(), m);
    for expected in [
        line("info", format!("{lang} guest launched for Ada")),
        line("info", format!("stdout from {language}")),
    ] {
        assert!(
            seen.log.contains(&expected),
            "guest log {:?} lacks {expected:?}",
            seen.log
        );
    }
    assert_eq!(
        consent
            .prompts()
            .iter()
            .filter(|(_, p)| *p == Permission::Location)
            .count(),
        1,
        "the user was asked for location once"
    );

    // Second launch: the counter written by the first launch is read back.
    let (answer, seen, took) = launch("Grace");
    figure(&format!("{lang}: second run"), took);
    assert_eq!(answer["launches"], 2, "{answer}");
    assert_eq!(answer["greeting"], "hello, Grace", "{answer}");
    assert_eq!(
        answer["keys"],
        json!(["greeting/Ada", "greeting/Grace", "launches"])
    );
    assert_eq!(answer["location"], "PERMISSION_DENIED");
    assert_eq!(seen.calls.len(), 8, "{:?}", seen.calls);

    // An `err` from the guest is a failed launch with the guest's own message.
    let err = run_app(&rt, app, "{}", None).unwrap_err();
    assert_eq!(err.code(), "GUEST_ERROR", "{err}");
    assert!(
        err.to_string()
            .contains(r#"params need a non-empty "name""#),
        "{err}"
    );

    // Both denials were audited and counted.
    let denied: Vec<Value> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "permission_denied")
        .collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert!(
        denied
            .iter()
            .all(|d| d["details"]["method"] == "geolocation.currentPosition"),
        "{denied:?}"
    );
    let usage = rt.usage(&AppId::parse(app).unwrap());
    assert_eq!(usage.launches, 3);
    assert_eq!(usage.denials, 2);
}

/// Every file under `sdk/<dir>` of the repository but compiled Python, for a build's cache key.
#[allow(dead_code)] // python.rs only; this module is compiled into each test binary
pub fn sdk_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    dir_files(&repo().join("sdk").join(dir), &format!("sdk/{dir}"))
        .into_iter()
        .filter(|(name, _)| !name.contains("__pycache__"))
        .collect()
}

/// The scenario of the storage-only guests (`tests/programs/python/storage_app.py`,
/// `tests/programs/js/storage-app.js`), built against world `storage-app` and written with their
/// language's guest SDK: refused when the manifest declares nothing (naming the interface),
/// installed with only `storage` declared, run twice without a single consent prompt.
pub fn storage_only_scenario(app: &str, lang: &str, built: &Built) {
    eprintln!(
        "{lang} storage-only component: {} ({:.1} MB)",
        built.path.display(),
        built.bytes.len() as f64 / 1e6
    );
    let world = World::new();
    limit_address_space();
    let consent = Arc::new(ScriptedConsent::allow_all());
    let mut services = HostServices::development();
    services.consent = consent.clone();
    let rt = world.runtime(services);

    // It imports storage, so a manifest that does not declare it is refused, naming it.
    let err = rt
        .install_package(&package_unchecked(
            &manifest(app, "1.0.0", &[]),
            &built.bytes,
        ))
        .unwrap_err();
    assert_eq!(err.code(), "IMPORT_NOT_PERMITTED", "{err}");
    assert!(
        err.to_string().contains("`miniapp:bridge/storage@0.1.0`")
            && err.to_string().contains("`storage` permission"),
        "{err}"
    );

    // Only what it uses: `storage`.
    rt.install_package(&package(
        &manifest(app, "1.0.0", &[Permission::Storage]),
        &built.bytes,
    ))
    .unwrap_or_else(|e| panic!("installing the {lang} component: error[{}]: {e}", e.code()));

    let launch = |name: &str| {
        let params = json!({ "name": name }).to_string();
        let (out, seen) = observe(|| run_app(&rt, app, &params, None));
        let out = out.unwrap_or_else(|e| panic!("{lang} on-launch: error[{}]: {e}", e.code()));
        let answer: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{lang} answered {out:?}, not JSON: {e}"));
        eprintln!(
            "{lang} answered {answer}\n{lang} bridge calls {:?}",
            seen.calls
        );
        (answer, seen)
    };

    let (answer, seen) = launch("Ada");
    assert_eq!(
        answer,
        json!({
            "language": lang,
            "visitors": ["Ada"],
            "keys": ["visitors"],
            // The host's count: a 10-byte header, the key and the value `["Ada"]`.
            "usedBytes": 10 + 8 + 7,
            // The SDK's BridgeError carries the contract's code.
            "invalid": "INVALID_ARGUMENT",
            // geolocation is not in the world: the SDK refuses without reaching the host.
            "location": "not imported",
        })
    );
    let call = |m: &str, outcome: &str| (m.to_string(), outcome.to_string());
    assert_eq!(
        seen.calls,
        [
            call("log.log", "ok"),
            call("storage.get", "ok"),
            call("storage.set", "ok"),
            call("storage.set", "INVALID_ARGUMENT"),
            call("storage.get", "ok"),
            call("storage.keys", "ok"),
            call("storage.usage", "ok"),
        ],
        "the bridge calls the inspector saw"
    );
    let greeting = (
        "info".to_string(),
        format!("{lang} storage-only guest launched for Ada"),
    );
    assert!(seen.log.contains(&greeting), "{:?}", seen.log);

    let (answer, _) = launch("Grace");
    assert_eq!(answer["visitors"], json!(["Ada", "Grace"]), "{answer}");
    assert_eq!(answer["usedBytes"], 10 + 8 + 15, "{answer}");

    assert_eq!(
        consent.prompts(),
        [],
        "an app that declares only storage never asks the user for consent"
    );
    let usage = rt.usage(&AppId::parse(app).unwrap());
    assert_eq!((usage.launches, usage.denials), (2, 0));
}
