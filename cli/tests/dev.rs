//! `miniapp dev` through the real (debug) binary over real HTTP: per-app origins, the bridge
//! through the runtime's dispatcher, the inspector's recording, and that recording replayed by
//! the Rust guest mock (`miniapp_sdk::mock::MockBridge::replay`); component apps rebuilt by a
//! real nested `cargo build` when their source changes, and prebuilt components reloaded. The
//! browser tests are in web/e2e/.
#![cfg(any(debug_assertions, feature = "dev"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod support;

use miniapp_sdk::mock::MockBridge;
use miniapp_sdk::{
    Error, PaymentRequest, auth, geolocation, log, payment, secure_storage, storage, ui,
};
use serde_json::{Value, json};
use support::{BridgeSocket, Simulator};

fn web_app(dir: &Path, id: &str, permissions: &[&str]) {
    web_app_reaching(dir, id, permissions, &[]);
}

fn web_app_reaching(dir: &Path, id: &str, permissions: &[&str], allowed_domains: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        json!({"id": id, "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "index.html", "permissions": permissions,
               "allowedDomains": allowed_domains})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html><head><title>{id}</title></head><body>hello {id}</body></html>"
        ),
    )
    .unwrap();
}

#[test]
fn dev_serves_each_app_on_its_origin_with_the_bridge_and_a_replayable_recording() {
    let src = tempfile::tempdir().unwrap();
    let probe = src.path().join("probe");
    let other = src.path().join("other");
    web_app(&probe, "com.acme.probe", &["storage", "payment", "ui"]);
    web_app(&other, "com.acme.other", &["storage"]);
    let net = src.path().join("net");
    web_app_reaching(
        &net,
        "com.acme.net",
        &["network"],
        &["api.acme.com", "*.cdn.acme.com"],
    );
    let sim = Simulator::start(&[&probe, &other, &net]);

    // Pages: the entry point with the simulator script first in <head>; the SDK; no escapes.
    let (status, head, page) = sim.http("GET", "com.acme.probe.localhost", "/", &[], "");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(
        page.starts_with("<!doctype html><html><head><script>window.__MINIAPP_SIMULATOR__ = true;"),
        "{page}"
    );
    assert!(page.contains("hello com.acme.probe"));
    let (_, _, other_page) = sim.http("GET", "com.acme.other.localhost", "/index.html", &[], "");
    assert!(other_page.contains("hello com.acme.other"));

    // Each page carries the CSP a host's WebView applies: without `network`, the page reaches
    // its own origin (and the simulator's sockets) only; with it, allowedDomains over https,
    // plus loopback because this is development.
    let csp = |head: &str| -> String {
        let line = head
            .lines()
            .find_map(|l| l.strip_prefix("content-security-policy: "))
            .unwrap_or_else(|| panic!("no CSP in {head}"));
        line.to_owned()
    };
    let connect_src = |csp: &str| -> String {
        let d = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("connect-src "));
        d.unwrap_or_else(|| panic!("no connect-src in {csp}"))
            .to_owned()
    };
    let probe_csp = csp(&head);
    assert_eq!(
        connect_src(&probe_csp),
        format!(
            "connect-src 'self' ws://com.acme.probe.localhost:{}",
            sim.port
        )
    );
    assert!(
        probe_csp.contains("script-src 'self' 'unsafe-inline';"),
        "{probe_csp}"
    );
    let (status, net_head, _) = sim.http("GET", "com.acme.net.localhost", "/", &[], "");
    assert_eq!(status, 200);
    assert_eq!(
        connect_src(&csp(&net_head)),
        format!(
            "connect-src 'self' https://api.acme.com https://*.cdn.acme.com \
             http://localhost:* http://127.0.0.1:* http://[::1]:* ws://com.acme.net.localhost:{}",
            sim.port
        )
    );
    let (status, head, sdk) = sim.http(
        "GET",
        "com.acme.probe.localhost",
        "/__sdk/index.js",
        &[],
        "",
    );
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript") && sdk.contains("export default function connect"));
    for escape in [
        "/../other/index.html",
        "/a/../../other/index.html",
        "/%2e%2e/other/index.html",
    ] {
        let (status, _, _) = sim.http("GET", "com.acme.probe.localhost", escape, &[], "");
        assert_eq!(status, 404, "{escape}");
    }
    let (status, _, _) = sim.http("GET", "com.acme.nobody.localhost", "/", &[], "");
    assert_eq!(status, 404);

    // The bridge, through the runtime's dispatcher with the manifest's permissions.
    let app = "com.acme.probe";
    let answers = [
        sim.bridge(
            app,
            1,
            "storage.set",
            json!({"key": "greeting", "value": "hi"}),
        ),
        sim.bridge(app, 2, "storage.get", json!({"key": "greeting"})),
        sim.bridge(
            app,
            3,
            "payment.pay",
            json!({"orderId": "o-1", "amountMinor": 250, "currency": "EUR", "description": "tea"}),
        ),
        sim.bridge(app, 4, "ui.toast", json!({"message": "Paid"})),
        sim.bridge(app, 5, "geolocation.currentPosition", json!({})),
        sim.bridge(app, 6, "storage.get", json!({"key": "missing"})),
    ];
    assert_eq!(answers[0]["result"], Value::Null);
    assert_eq!(answers[1]["result"], "hi");
    assert_eq!(answers[2]["result"]["amountMinor"], 250);
    assert_eq!(answers[4]["error"]["code"], "PERMISSION_DENIED");
    // Per-app bridge storage: the other app does not see the greeting.
    let theirs = sim.bridge(
        "com.acme.other",
        1,
        "storage.get",
        json!({"key": "greeting"}),
    );
    assert_eq!(theirs["result"], Value::Null);
    // A page of one app may not use another app's bridge.
    let (status, _, _) = sim.http(
        "POST",
        "com.acme.probe.localhost",
        "/__bridge",
        &[(
            "Origin",
            &format!("http://com.acme.other.localhost:{}", sim.port),
        )],
        &json!({"id": 9, "method": "storage.get", "params": {"key": "greeting"}}).to_string(),
    );
    assert_eq!(status, 403);
    // Nor its bridge socket: WebSockets ignore CORS, so the simulator checks the Origin itself
    // (a browser page is also stopped earlier by its CSP; other clients are not).
    let origin = |app: &str| format!("http://{app}.localhost:{}", sim.port);
    let probe_host = "com.acme.probe.localhost";
    assert_eq!(sim.upgrade(probe_host, &origin("com.acme.other")), 403);
    assert_eq!(sim.upgrade(probe_host, &origin("com.acme.probe")), 101);

    // The inspector lives on the simulator's origin only, never on an app's.
    let (status, _, _) = sim.http("GET", "com.acme.probe.localhost", "/__inspector", &[], "");
    assert_eq!(status, 404);
    let (status, _, page) = sim.http("GET", "localhost", "/__inspector", &[], "");
    assert_eq!(status, 200);
    assert!(page.contains("Bridge Inspector"));

    let (status, _, body) = sim.http(
        "GET",
        "localhost",
        "/__inspector/recording.json?app=com.acme.probe",
        &[],
        "",
    );
    assert_eq!(status, 200);
    let recording: Value = serde_json::from_str(&body).unwrap();
    let calls = recording.as_array().unwrap();
    assert_eq!(calls.len(), 6, "{body}");
    assert_eq!(
        calls[0],
        json!({"method": "storage.set", "params": {"key": "greeting", "value": "hi"}, "result": null})
    );
    assert_eq!(calls[4]["error"]["code"], "PERMISSION_DENIED");
    let (_, _, all) = sim.http("GET", "localhost", "/__inspector/recording.json", &[], "");
    assert_eq!(
        serde_json::from_str::<Value>(&all)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // The Rust guest mock replays it: the same calls get the host's answers.
    let mock = MockBridge::new().replay(&body).unwrap().install();
    storage::set("greeting", b"hi").unwrap();
    assert_eq!(
        storage::get("greeting").unwrap().as_deref(),
        Some(&b"hi"[..])
    );
    let receipt = payment::pay(PaymentRequest::new("o-1", 250, "EUR", "tea")).unwrap();
    assert_eq!(
        receipt,
        serde_json::from_value(answers[2]["result"].clone()).unwrap()
    );
    ui::toast("Paid").unwrap();
    assert_eq!(
        geolocation::current_position(),
        Err(Error::PermissionDenied)
    );
    assert_eq!(storage::get("missing").unwrap(), None);
    assert_eq!(mock.replay_remaining(), 0);
}

#[test]
fn dev_pushes_lifecycle_events_to_the_open_pages_of_an_app() {
    let src = tempfile::tempdir().unwrap();
    let shop = src.path().join("shop");
    let notes = src.path().join("notes");
    web_app(&shop, "com.acme.shop", &["storage"]);
    web_app(&notes, "com.acme.notes", &["storage"]);
    let sim = Simulator::start(&[&shop, &notes]);
    let mut pages = [
        BridgeSocket::open(&sim, "com.acme.shop"),
        BridgeSocket::open(&sim, "com.acme.shop"),
    ];
    let mut other = BridgeSocket::open(&sim, "com.acme.notes");

    // One app's pages, each exactly once: the event message of the contract, and nothing
    // else (the next frame on each socket is the answer to its own request).
    let (status, answer) = sim.push_event(
        Some("com.acme.shop"),
        r#"{"event": "memoryWarning", "data": {"level": "critical"}}"#,
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["apps"],
        json!([{"app": "com.acme.shop", "kind": "web", "pages": 2}])
    );
    assert_eq!(answer["standard"], true);
    for (i, page) in pages.iter_mut().enumerate() {
        assert_eq!(
            serde_json::from_str::<Value>(&page.recv()).unwrap(),
            json!({"event": "memoryWarning", "data": {"level": "critical"}})
        );
        let id = i as u64 + 1;
        let response = page.call(id, "storage.get", json!({"key": "k"}));
        assert_eq!(response, json!({"id": id, "result": null}));
    }
    let response = other.call(7, "storage.get", json!({"key": "k"}));
    assert_eq!(
        response,
        json!({"id": 7, "result": null}),
        "notes got shop's event"
    );

    // No app: every app's pages. A name that is no standard event passes through untouched.
    let (status, answer) = sim.push_event(None, r#"{"event": "hide"}"#);
    assert_eq!(status, 200, "{answer}");
    let counts: Vec<(&str, u64)> = answer["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["app"].as_str().unwrap(), a["pages"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("com.acme.notes", 1), ("com.acme.shop", 2)]);
    for page in pages.iter_mut().chain([&mut other]) {
        assert_eq!(page.recv(), r#"{"event":"hide","data":{}}"#);
    }
    let (_, answer) = sim.push_event(
        Some("com.acme.notes"),
        r#"{"event": "back", "data": {"from": "tab"}}"#,
    );
    assert_eq!(answer["standard"], false);
    assert!(
        answer["note"]
            .as_str()
            .unwrap()
            .contains("not a standard event")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&other.recv()).unwrap(),
        json!({"event": "back", "data": {"from": "tab"}})
    );

    // Refused with a stable code, and no page hears of it.
    for (body, says) in [
        (
            r#"{"event": "memoryWarning", "data": {"level": "severe"}}"#,
            "severe",
        ),
        (r#"{"event": "updateReady"}"#, "version"),
        (r#"{"event": "hide", "data": [1]}"#, "JSON object"),
        ("hide", "not JSON"),
    ] {
        let (status, answer) = sim.push_event(Some("com.acme.shop"), body);
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "EVENT_INVALID", "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{answer}"
        );
        assert!(answer["hint"].as_str().unwrap().contains("memoryWarning"));
    }
    let (status, answer) = sim.push_event(Some("com.acme.nobody"), r#"{"event": "hide"}"#);
    assert_eq!(status, 404);
    assert_eq!(answer["code"], "DEV_APP_NOT_SERVED", "{answer}");
    // Only on the simulator's origin, and not from another site's page.
    let (status, _, _) = sim.http(
        "POST",
        "com.acme.shop.localhost",
        "/__event",
        &[],
        r#"{"event": "hide"}"#,
    );
    assert_eq!(status, 404);
    let (status, _, _) = sim.http(
        "POST",
        "localhost",
        "/__event",
        &[("Origin", "http://evil.example")],
        r#"{"event": "hide"}"#,
    );
    assert_eq!(status, 403);
    assert_eq!(
        pages[0].call(9, "storage.get", json!({"key": "k"})),
        json!({"id": 9, "result": null})
    );

    // The inspector sends the standard events too.
    let (_, _, inspector) = sim.http("GET", "localhost", "/__inspector", &[], "");
    assert!(inspector.contains("'/__event'") && inspector.contains("memoryWarning critical"));

    // The CLI's client: the same endpoint, the same checks.
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_miniapp"))
            .args(["dev", "event"])
            .args(args)
            .args(["--port", &sim.port.to_string()])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = cli(&["suspend", "--app", "com.acme.shop"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout.trim(), "com.acme.shop: suspend {} → 2 page(s)");
    for page in &mut pages {
        assert_eq!(page.recv(), r#"{"event":"suspend","data":{}}"#);
    }
    let out = cli(&["updateReady", "--data", r#"{"version":"1.3.0"}"#, "--json"]);
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["data"], json!({"version": "1.3.0"}), "{answer}");
    assert_eq!(answer["apps"].as_array().unwrap().len(), 2);
    assert_eq!(
        other.recv(),
        r#"{"event":"updateReady","data":{"version":"1.3.0"}}"#
    );
    let out = cli(&["memoryWarning", "--data", r#"{"level":"low"}"#]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[EVENT_INVALID]") && stderr.contains("hint:"),
        "{stderr}"
    );
}

#[test]
fn dev_delivers_lifecycle_events_to_a_component_apps_running_instance() {
    let src = tempfile::tempdir().unwrap();
    let app = "com.acme.probe";
    let permissions: Vec<&str> = miniapp_scenarios::ALL_BRIDGE
        .iter()
        .map(|p| p.as_str())
        .collect();
    replace(
        &src.path().join("manifest.json"),
        json!({"id": app, "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "app.wasm", "permissions": permissions})
        .to_string()
        .as_bytes(),
    );
    replace(&src.path().join("app.wasm"), miniapp_guests::PROBE);
    let sim = Simulator::start_with(
        &[src.path()],
        &["--no-reload", "--params", r#"{"calls":[]}"#],
    );
    let status = sim.wait_for_build(app, 0);
    assert_eq!(status["launch"]["ok"], true, "{status:#}");

    // The probe appends what its on-event gets to storage key probe.events.
    let recorded = || {
        let answer = sim.bridge(app, 1, "storage.get", json!({"key": "probe.events"}));
        answer["result"].clone()
    };
    let (status, answer) = sim.push_event(Some(app), r#"{"event": "hide"}"#);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["apps"],
        json!([{"app": app, "kind": "component", "pages": 0, "instances": 1}])
    );
    sim.push_event(
        Some(app),
        r#"{"event": "memoryWarning", "data": {"level": "moderate"}}"#,
    );
    sim.push_event(Some(app), r#"{"event": "back", "data": {"n": 1}}"#);
    let events = recorded();
    let got: Vec<(&str, &str)> = events
        .as_array()
        .unwrap_or_else(|| panic!("{events}"))
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["payload"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("hide", "{}"),
            ("memoryWarning", r#"{"level":"moderate"}"#),
            ("back", r#"{"n":1}"#)
        ]
    );

    // A failed launch leaves no instance running: the answer says so.
    let report = sim.launch(app, "not a script");
    assert_eq!(report["ok"], false, "{report:#}");
    let (status, answer) = sim.push_event(Some(app), r#"{"event": "show"}"#);
    assert_eq!(status, 200);
    assert_eq!(answer["apps"][0]["instances"], 0, "{answer}");
    let note = answer["apps"][0]["note"].as_str().unwrap();
    assert!(note.contains("last launch failed"), "{note}");
    assert_eq!(recorded().as_array().unwrap().len(), 3);
    // The next launch runs again, and gets events again.
    assert_eq!(sim.launch(app, r#"{"calls":[]}"#)["ok"], true);
    let (_, answer) = sim.push_event(Some(app), r#"{"event": "show"}"#);
    assert_eq!(answer["apps"][0]["instances"], 1, "{answer}");
    assert_eq!(recorded().as_array().unwrap().len(), 4);
}

/// The workspace root (for the guest SDK, the lock file and the toolchain file).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Cargo's target dir for the nested guest builds, kept between tests and runs so that only the
/// first build compiles the SDK and wit-bindgen.
fn guest_target_dir() -> String {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("dev-guest-target")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A component crate outside the workspace, as a partner has it: its own `[workspace]`, the SDK
/// by absolute path, the workspace's lock file (no resolution over the network) and toolchain.
/// Its on-launch saves its params (a bridge call) and answers `<tag>:<params>`. Each test gives
/// its own crate name: they share one target dir.
fn component_crate(parent: &Path, crate_name: &str, id: &str, tag: &str) -> PathBuf {
    let dir = parent.join(crate_name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let sdk = workspace().join("guest-sdk");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{crate_name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n\
             [dependencies]\nminiapp-sdk = {{ path = {:?} }}\n\n[workspace]\n",
            sdk.to_str().unwrap()
        ),
    )
    .unwrap();
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        std::fs::copy(workspace().join(file), dir.join(file)).unwrap();
    }
    std::fs::write(
        dir.join("manifest.json"),
        json!({"id": id, "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "app.wasm", "permissions": ["storage"]})
        .to_string(),
    )
    .unwrap();
    write_guest(&dir, tag);
    dir
}

fn write_guest(dir: &Path, tag: &str) {
    let source = format!(
        r#"use miniapp_sdk::{{MiniProgram, storage}};

struct Probe;

impl MiniProgram for Probe {{
    fn on_launch(params: String) -> Result<String, String> {{
        storage::set("params", params.as_bytes()).map_err(|e| e.to_string())?;
        Ok(format!("{tag}:{{params}}"))
    }}
}}

miniapp_sdk::export_mini_program!(Probe);
"#
    );
    replace(&dir.join("src/lib.rs"), source.as_bytes());
}

/// Replaces a file the way editors and build tools do, so the watcher never reads half of it.
fn replace(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp-write");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn dev_builds_a_component_crate_launches_it_and_rebuilds_it_on_change() {
    let src = tempfile::tempdir().unwrap();
    let app = "com.acme.live";
    let dir = component_crate(src.path(), "dev-live-probe", app, "v1");
    let target = guest_target_dir();
    let sim = Simulator::start_with(&[&dir], &["--params", "first", "--target-dir", &target]);

    let status = sim.wait_for_build(app, 0);
    assert_eq!(status["source"], "crate");
    assert_eq!(status["build"]["state"], "ok", "{status:#}");
    assert_eq!(status["loadedBuild"], status["build"]["number"]);
    assert_eq!(status["launch"]["result"], "v1:first", "{status:#}");
    // The launch's bridge calls, as the inspector has them: granted from the manifest.
    let calls = status["launch"]["calls"].as_array().unwrap();
    assert!(
        calls
            .iter()
            .any(|c| c["method"] == "storage.set" && c["outcome"] == "ok"),
        "{status:#}"
    );

    // Launch again with other params, as the page's form does.
    let report = sim.launch(app, "again");
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["result"], "v1:again");
    let page = sim.page(&format!("{app}.localhost"));
    assert!(
        page.contains("window.__MINIAPP_SIMULATOR__") && page.contains("v1:again"),
        "{page}"
    );
    let index = sim.page("localhost");
    assert!(
        index.contains(app) && index.contains("component"),
        "{index}"
    );
    // The app's JSON bridge answers with the same grants and storage.
    let stored = sim.bridge(app, 1, "storage.get", json!({"key": "params"}));
    assert_eq!(stored["result"], "again");

    // Edit the source: the next build's component answers, with the last params.
    let first_build = status["build"]["number"].as_u64().unwrap();
    write_guest(&dir, "v2");
    let status = sim.wait_for_build(app, first_build);
    assert_eq!(status["build"]["state"], "ok", "{status:#}");
    assert_eq!(status["launch"]["result"], "v2:again", "{status:#}");
    assert_eq!(status["launch"]["build"], status["loadedBuild"]);
}

#[test]
fn dev_shows_a_failed_build_and_keeps_serving_the_last_good_component() {
    let src = tempfile::tempdir().unwrap();
    let app = "com.acme.broken";
    let dir = component_crate(src.path(), "dev-broken-probe", app, "good");
    let target = guest_target_dir();
    let sim = Simulator::start_with(&[&dir], &["--target-dir", &target]);
    let status = sim.wait_for_build(app, 0);
    assert_eq!(status["launch"]["result"], "good:", "{status:#}");
    let good_build = status["loadedBuild"].clone();

    replace(
        &dir.join("src/lib.rs"),
        b"pub fn broken() -> u32 { let x = ; x }\n",
    );
    let status = sim.wait_for_build(app, good_build.as_u64().unwrap());
    assert_eq!(status["build"]["state"], "failed", "{status:#}");
    let error = &status["build"]["error"];
    assert_eq!(error["code"], "DEV_BUILD_FAILED", "{status:#}");
    assert!(error["hint"].as_str().unwrap().contains("last good"));
    let output = status["build"]["output"].as_str().unwrap();
    assert!(
        output.contains("error") && output.contains("src/lib.rs"),
        "{output}"
    );
    assert_eq!(status["loadedBuild"], good_build);
    let page = sim.page(&format!("{app}.localhost"));
    assert!(
        page.contains("DEV_BUILD_FAILED") && page.contains("src/lib.rs"),
        "{page}"
    );

    // The last good component still runs.
    let report = sim.launch(app, "still");
    assert_eq!(report["result"], "good:still", "{report:#}");
    assert_eq!(report["build"], good_build);

    // Fixed: built, loaded and launched again with the last params.
    let failed_build = status["build"]["number"].as_u64().unwrap();
    write_guest(&dir, "fixed");
    let status = sim.wait_for_build(app, failed_build);
    assert_eq!(status["build"]["state"], "ok", "{status:#}");
    assert_eq!(status["build"]["error"], Value::Null);
    assert_eq!(status["launch"]["result"], "fixed:still", "{status:#}");
}

#[test]
fn dev_serves_a_prebuilt_component_and_reloads_it_when_it_or_the_manifest_changes() {
    let src = tempfile::tempdir().unwrap();
    let app = "com.acme.loans";
    let manifest = |permissions: &[&str]| {
        json!({"id": app, "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "app.wasm", "permissions": permissions})
        .to_string()
    };
    replace(&src.path().join("manifest.json"), manifest(&[]).as_bytes());
    replace(&src.path().join("app.wasm"), miniapp_guests::MINIMAL);
    let params = r#"{"applicant":"Ada"}"#;
    let sim = Simulator::start_with(&[src.path()], &["--params", params]);

    // `minimal` echoes its params.
    let status = sim.wait_for_build(app, 0);
    assert_eq!(status["source"], "prebuilt");
    assert_eq!(status["launch"]["result"], params, "{status:#}");

    // The loans component imports capabilities this manifest does not declare: refused, and
    // `minimal` keeps running.
    replace(&src.path().join("app.wasm"), miniapp_guests::LOANS);
    let status = sim.wait_for_build(app, 1);
    assert_eq!(status["build"]["state"], "failed", "{status:#}");
    let code = &status["build"]["error"]["code"];
    assert_eq!(code, "IMPORT_NOT_PERMITTED", "{status:#}");
    assert_eq!(sim.launch(app, params)["result"], params);

    // Declared in the manifest: loaded and launched with the new grants.
    replace(
        &src.path().join("manifest.json"),
        manifest(&["storage", "auth", "payment", "location", "ui"]).as_bytes(),
    );
    let status = sim.wait_for_build(app, status["build"]["number"].as_u64().unwrap());
    assert_eq!(status["build"]["state"], "ok", "{status:#}");
    let answer: Value = serde_json::from_str(status["launch"]["result"].as_str().unwrap())
        .unwrap_or_else(|e| panic!("{e}: {status:#}"));
    assert_eq!(answer["draftSaved"], true, "{answer}");
    assert_eq!(answer["receipt"]["orderId"], "fee-ada", "{answer}");

    // The component's calls are on the inspector with their params, and in the recording.
    let calls = status["launch"]["calls"].as_array().unwrap();
    let set = calls.iter().find(|c| c["method"] == "storage.set").unwrap();
    assert_eq!(
        set["params"],
        json!({"key": "draft", "value": DRAFT}).to_string(),
        "{status:#}"
    );
    let (status, _, body) = sim.http(
        "GET",
        "localhost",
        &format!("/__inspector/recording.json?app={app}"),
        &[],
        "",
    );
    assert_eq!(status, 200);
    let recording: Vec<Value> = serde_json::from_str(&body).unwrap();
    // Earlier launches ran `minimal` (one log line each); this launch starts with its own log.
    let first = recording
        .iter()
        .position(|c| c["params"]["message"] == "loan application: Ada asks 100000 over 12 months")
        .unwrap_or_else(|| panic!("the loans launch is not in the recording: {body}"));
    let session = &recording[first..];
    let methods: Vec<&str> = session
        .iter()
        .map(|c| c["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "log.log",
            "ui.setTitle",
            "secureStorage.get",
            "auth.loginCode",
            "secureStorage.set",
            "storage.set",
            "storage.get",
            "auth.getToken",
            "payment.pay",
            "geolocation.currentPosition",
            "ui.toast",
            "storage.keys"
        ],
        "{body}"
    );
    // No session in secure storage yet: logged in by code, the session kept; neither the code
    // nor the stored value is in the records.
    assert_eq!(answer["session"], "loginCode", "{answer}");
    assert_eq!(session[2]["result"], Value::Null, "{body}");
    let code = session[3]["result"]["code"].as_str().unwrap();
    assert!(code.ends_with(".redacted"), "{code}");
    assert_eq!(
        session[4],
        json!({"method": "secureStorage.set", "params": {"key": "session", "value": "redacted"},
               "result": null})
    );
    assert_eq!(
        session[5],
        json!({"method": "storage.set", "params": {"key": "draft", "value": DRAFT}, "result": null})
    );
    assert_eq!(session[6]["result"], DRAFT);
    assert_eq!(
        session[8]["params"],
        json!({"orderId": "fee-ada", "amountMinor": 1500, "currency": "EUR",
               "description": "Loan application fee"})
    );
    assert_eq!(session[8]["result"], answer["receipt"]);
    // The token's claims and expiry are kept, its signature is not.
    let token = &session[7]["result"];
    assert_eq!(token["scopes"], json!(["profile"]));
    assert_eq!(token["expiresAt"], answer["tokenExpiresAt"]);
    let value = token["value"].as_str().unwrap();
    assert_eq!(value.split('.').count(), 3, "{value}");
    assert!(value.ends_with(".redacted"), "{value}");

    // The Rust guest mock replays the component session: the same calls, the host's answers.
    let mock = MockBridge::new()
        .replay(&serde_json::to_string(session).unwrap())
        .unwrap()
        .install();
    log::info("loan application: Ada asks 100000 over 12 months");
    ui::set_title("Loan application").unwrap();
    assert_eq!(secure_storage::get("session").unwrap(), None);
    assert!(auth::login_code().unwrap().code.ends_with(".redacted"));
    secure_storage::set("session", "replayed").unwrap();
    storage::set("draft", DRAFT.as_bytes()).unwrap();
    assert_eq!(storage::get("draft").unwrap().unwrap(), DRAFT.as_bytes());
    let token = auth::token(&["profile", "payments:write"]).unwrap();
    assert_eq!(token.scopes, ["profile"]);
    let receipt = payment::pay(PaymentRequest::new(
        "fee-ada",
        1500,
        "EUR",
        "Loan application fee",
    ))
    .unwrap();
    assert_eq!(serde_json::to_value(&receipt).unwrap(), answer["receipt"]);
    geolocation::current_position().unwrap();
    ui::toast("Application saved").unwrap();
    assert_eq!(storage::keys().unwrap(), ["draft"]);
    assert_eq!(mock.replay_remaining(), 0);
}

/// The draft `examples/loans` saves for `{"applicant":"Ada"}` (its JSON, as stored bytes).
const DRAFT: &str = r#"{"applicant":"Ada","amountMinor":100000,"termMonths":12}"#;

#[test]
fn dev_says_what_a_component_app_needs_and_its_help_teaches_it() {
    let src = tempfile::tempdir().unwrap();
    std::fs::write(
        src.path().join("manifest.json"),
        json!({"id": "com.acme.loans", "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "app.wasm", "permissions": ["storage"]})
        .to_string(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .args(["dev", "--port", "0", "--data"])
        .arg(src.path().join("data"))
        .arg(src.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[DEV_NO_CRATE]")
            && stderr.contains("rebuilds Rust crates only")
            && stderr.contains("hint:")
            && stderr.contains("miniapp run"),
        "{stderr}"
    );

    let help = help_of(&["dev", "--help"]);
    for needed in [
        "cargo build --release --target wasm32-wasip2",
        "--params",
        "--target-dir",
        "DEV_BUILD_FAILED",
        "prebuilt component",
        "/__inspector",
        "miniapp dev event hide",
        "/__event",
        "EVENT_INVALID",
    ] {
        assert!(help.contains(needed), "`{needed}` missing from:\n{help}");
    }
    let help = help_of(&["dev", "event", "--help"]);
    for needed in [
        "memoryWarning",
        r#"{"level":"critical"}"#,
        "updateReady",
        "--app",
        "--port",
        "curl",
        "EVENT_INVALID",
    ] {
        assert!(help.contains(needed), "`{needed}` missing from:\n{help}");
    }
}

/// The `--help` text of `miniapp ARGS`, which must succeed.
fn help_of(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
