//! The real components through the real runtime: grants, denials, storage, tokens, consent.

use std::sync::Arc;

use miniapp_package::{AppId, Permission};
use miniapp_runtime::HostServices;
use miniapp_runtime::capabilities::auth::DevIdentity;
use miniapp_runtime::capabilities::consent::ScriptedConsent;
use miniapp_runtime::capabilities::payment::DevPaymentProcessor;
use miniapp_runtime::capabilities::secure_storage::MemoryKeystore;
use miniapp_runtime::capabilities::ui::{RecordingUi, UiEvent};
use miniapp_runtime::tokens::{LoginCodes, verify_token};
use miniapp_scenarios::{ALL_BRIDGE, World, guests, manifest, package, probe_script, run_app};
use serde_json::{Value, json};

fn id(s: &str) -> AppId {
    AppId::parse(s).unwrap()
}

struct Host {
    services: HostServices,
    payments: Arc<DevPaymentProcessor>,
    consent: Arc<ScriptedConsent>,
    ui: Arc<RecordingUi>,
    keystore: Arc<MemoryKeystore>,
}

fn host(declined: &[Permission]) -> Host {
    let payments = Arc::new(DevPaymentProcessor::default());
    let consent = Arc::new(ScriptedConsent::declining(declined));
    let ui = Arc::new(RecordingUi::default());
    let keystore = Arc::new(MemoryKeystore::default());
    let mut services = HostServices::development();
    services.payment = payments.clone();
    services.consent = consent.clone();
    services.ui = ui.clone();
    services.keystore = keystore.clone();
    Host {
        services,
        payments,
        consent,
        ui,
        keystore,
    }
}

fn run(
    rt: &miniapp_runtime::Runtime,
    app: &str,
    params: &str,
) -> Result<String, miniapp_runtime::RuntimeError> {
    run_app(rt, app, params, None)
}

fn probe(rt: &miniapp_runtime::Runtime, app: &str, calls: &[(&str, Value)]) -> Vec<Value> {
    let out = run(rt, app, &probe_script(calls)).unwrap();
    serde_json::from_str(&out).unwrap()
}

#[test]
fn loans_runs_end_to_end_and_handles_declined_location() {
    let world = World::new();
    let h = host(&[Permission::Location]);
    let rt = world.runtime(h.services.clone());
    let perms = [
        Permission::Storage,
        Permission::Auth,
        Permission::Payment,
        Permission::Location,
        Permission::Ui,
    ];
    rt.install_package(&package(
        &manifest("com.acme.loans", "1.0.0", &perms),
        guests::LOANS,
    ))
    .unwrap();

    let out: Value =
        serde_json::from_str(&run(&rt, "com.acme.loans", r#"{"applicant":"Ada"}"#).unwrap())
            .unwrap();
    assert_eq!(
        out["session"], "loginCode",
        "the first launch logs in by code: {out}"
    );
    assert_eq!(out["draftSaved"], true, "{out}");
    assert_eq!(
        out["tokenScopes"],
        json!(["profile"]),
        "scopes are narrowed to what the host allows"
    );
    assert_eq!(out["location"], "declined");
    assert_eq!(out["receipt"]["orderId"], "fee-ada");
    assert_eq!(h.payments.charges().len(), 1);
    assert!(
        h.ui.events()
            .iter()
            .any(|(_, e)| matches!(e, UiEvent::Toast(_)))
    );

    // The session went to the keystore, not to the app's storage; its code is what Acme's
    // backend redeems, once, with the host's key.
    let loans = id("com.acme.loans");
    let stored = h.keystore.entries(&loans);
    let session: Value = serde_json::from_str(&stored["session"]).unwrap();
    let code = session["loginCode"].as_str().unwrap();
    let codes = LoginCodes::default();
    let claims = codes
        .redeem(code, rt.token_public_key_pem(), "com.acme.loans")
        .unwrap();
    assert_eq!(claims.sub, "dev-user");
    assert!(
        codes
            .redeem(code, rt.token_public_key_pem(), "com.acme.loans")
            .is_err()
    );

    // Consent was asked once per sensitive permission; a second launch asks nothing, pays
    // nothing new and reuses the session in secure storage (no new login code).
    let prompts = h.consent.prompts();
    assert_eq!(prompts.len(), 2, "{prompts:?}");
    let again: Value =
        serde_json::from_str(&run(&rt, "com.acme.loans", r#"{"applicant":"Ada"}"#).unwrap())
            .unwrap();
    assert_eq!(again["session"], "secureStorage", "{again}");
    assert_eq!(
        h.keystore.entries(&loans),
        stored,
        "the stored session is kept as it was"
    );
    assert_eq!(
        h.consent.prompts().len(),
        2,
        "after a no, the user is not asked again"
    );
    assert_eq!(
        h.payments.charges().len(),
        1,
        "same order id is not charged twice"
    );

    // The denial was audited.
    let denials: Vec<Value> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "permission_denied")
        .collect();
    assert_eq!(denials.len(), 2);
    assert_eq!(
        denials[0]["details"]["method"],
        "geolocation.currentPosition"
    );
}

#[test]
fn ungranted_calls_are_denied_and_never_reach_the_host_service() {
    let world = World::new();
    // The user declines payment and location; the probe declares every bridge permission.
    let h = host(&[Permission::Payment, Permission::Location]);
    let rt = world.runtime(h.services.clone());
    rt.install_package(&package(
        &manifest("com.acme.probe", "1.0.0", ALL_BRIDGE),
        guests::PROBE,
    ))
    .unwrap();
    let results = probe(
        &rt,
        "com.acme.probe",
        &[
            (
                "payment.pay",
                json!({"orderId": "o-1", "amountMinor": 100, "currency": "EUR", "description": "x"}),
            ),
            ("geolocation.currentPosition", json!({})),
            ("storage.set", json!({"key": "k", "value": "v"})),
            ("device.info", json!({})),
            ("clipboard.writeText", json!({"text": "hello"})),
            ("clipboard.readText", json!({})),
            (
                "ui.modal",
                json!({"title": "t", "message": "m", "buttons": ["OK"]}),
            ),
        ],
    );
    assert_eq!(results[0], json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(results[1], json!({"err": "PERMISSION_DENIED"}));
    assert_eq!(results[2], json!({"ok": null}));
    assert_eq!(results[3]["ok"]["hostVersion"], "1.4.0");
    assert_eq!(results[5], json!({"ok": "hello"}));
    assert_eq!(results[6], json!({"ok": 0}));
    assert!(
        h.payments.charges().is_empty(),
        "the payment service was never called"
    );
    let usage = rt.usage(&id("com.acme.probe"));
    assert_eq!(usage.denials, 2);
    assert!(usage.bridge_calls >= 7);
}

#[test]
fn host_withheld_permissions_are_denied_too() {
    let world = World::new();
    let h = host(&[]);
    let rt = miniapp_runtime::Runtime::new(
        world.home(),
        miniapp_runtime::RuntimeConfig {
            withheld: [Permission::Storage].iter().collect(),
            ..miniapp_runtime::RuntimeConfig::new(h.services.clone())
        },
    )
    .unwrap();
    rt.install_package(&package(
        &manifest("com.acme.probe", "1.0.0", ALL_BRIDGE),
        guests::PROBE,
    ))
    .unwrap();
    let r = probe(
        &rt,
        "com.acme.probe",
        &[
            ("storage.keys", json!({})),
            ("ui.toast", json!({"message": "hi"})),
        ],
    );
    assert_eq!(
        r,
        vec![json!({"err": "PERMISSION_DENIED"}), json!({"ok": null})]
    );
}

#[test]
fn storage_is_isolated_between_apps_and_survives_a_restart() {
    let world = World::new();
    {
        let rt = world.runtime(host(&[]).services);
        for app in ["com.acme.alpha", "com.acme.beta"] {
            rt.install_package(&package(&manifest(app, "1.0.0", ALL_BRIDGE), guests::PROBE))
                .unwrap();
        }
        let r = probe(
            &rt,
            "com.acme.alpha",
            &[(
                "storage.set",
                json!({"key": "secret", "value": "alpha-only"}),
            )],
        );
        assert_eq!(r[0], json!({"ok": null}));
        let r = probe(
            &rt,
            "com.acme.beta",
            &[
                ("storage.get", json!({"key": "secret"})),
                ("storage.keys", json!({})),
            ],
        );
        assert_eq!(
            r,
            vec![json!({"ok": null}), json!({"ok": []})],
            "beta must not see alpha's keys"
        );
    }
    // A new runtime (a host restart) sees alpha's data.
    let rt = world.runtime(host(&[]).services);
    let r = probe(
        &rt,
        "com.acme.alpha",
        &[("storage.get", json!({"key": "secret"}))],
    );
    assert_eq!(r[0], json!({"ok": "alpha-only"}));
}

#[test]
fn tokens_verify_for_the_app_and_never_carry_the_master_credential() {
    let world = World::new();
    let h = host(&[]);
    let identity = DevIdentity::new("dev-user");
    let rt = world.runtime(h.services.clone());
    rt.install_package(&package(
        &manifest("com.acme.probe", "1.0.0", ALL_BRIDGE),
        guests::PROBE,
    ))
    .unwrap();
    let out = run(
        &rt,
        "com.acme.probe",
        &probe_script(&[("auth.getToken", json!({"scopes": ["profile", "admin"]}))]),
    )
    .unwrap();
    assert!(
        !out.contains(identity.master_credential()),
        "the host's credential leaked to the guest"
    );
    let results: Vec<Value> = serde_json::from_str(&out).unwrap();
    let token = &results[0]["ok"];
    assert_eq!(token["scopes"], json!(["profile"]));
    let claims = verify_token(
        token["value"].as_str().unwrap(),
        rt.token_public_key_pem(),
        "com.acme.probe",
    )
    .unwrap();
    assert_eq!(claims.sub, "dev-user");
    assert_eq!(claims.exp - claims.iat, 15 * 60);
    assert_eq!(claims.exp, token["expiresAt"].as_u64().unwrap());
    assert!(
        verify_token(
            token["value"].as_str().unwrap(),
            rt.token_public_key_pem(),
            "com.acme.other"
        )
        .is_err()
    );
}

#[test]
fn unknown_apps_and_guest_failures_have_codes_and_the_host_keeps_serving() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    assert_eq!(
        run(&rt, "com.acme.ghost", "").unwrap_err().code(),
        "APP_NOT_FOUND"
    );
    let hostile = [Permission::Storage, Permission::Location];
    rt.install_package(&package(
        &manifest("com.acme.hostile", "1.0.0", &hostile),
        guests::HOSTILE,
    ))
    .unwrap();
    rt.install_package(&package(
        &manifest("com.acme.minimal", "1.0.0", &[]),
        guests::MINIMAL,
    ))
    .unwrap();

    let e = run(&rt, "com.acme.hostile", "trap").unwrap_err();
    assert_eq!(e.code(), "GUEST_TRAP", "{e}");
    let e = run(&rt, "com.acme.hostile", "err").unwrap_err();
    assert_eq!(e.code(), "GUEST_ERROR");
    assert!(e.to_string().contains("refused"));
    assert_eq!(
        run(&rt, "com.acme.minimal", "still here").unwrap(),
        "still here"
    );
}

fn run_with(
    rt: &miniapp_runtime::Runtime,
    app: &str,
    params: &str,
    limits: miniapp_runtime::Limits,
) -> miniapp_runtime::RuntimeError {
    run_app(rt, app, params, Some(limits)).unwrap_err()
}

#[test]
fn cpu_and_memory_limits_stop_the_guest_with_their_codes() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    let hostile = [Permission::Storage, Permission::Location];
    rt.install_package(&package(
        &manifest("com.acme.hostile", "1.0.0", &hostile),
        guests::HOSTILE,
    ))
    .unwrap();
    let limits = miniapp_runtime::Limits {
        cpu: std::time::Duration::from_millis(100),
        memory_bytes: 16 << 20,
        ..Default::default()
    };
    let e = run_with(&rt, "com.acme.hostile", "loop", limits);
    assert_eq!(e.code(), "CPU_LIMIT", "{e}");
    // A roomy CPU budget, so a loaded machine cannot turn the memory bomb into a CPU_LIMIT.
    let roomy = miniapp_runtime::Limits {
        cpu: std::time::Duration::from_secs(30),
        ..limits
    };
    let e = run_with(&rt, "com.acme.hostile", "memory", roomy);
    assert_eq!(e.code(), "MEMORY_LIMIT", "{e}");
    let e = run_with(&rt, "com.acme.hostile", "recurse", roomy);
    assert_eq!(e.code(), "GUEST_TRAP", "{e}");
    let usage = rt.usage(&id("com.acme.hostile"));
    assert_eq!(usage.traps, 3);
}

#[test]
fn undeclared_imports_are_refused_at_install() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    // pack refuses it too; a package signed without pack's checks is refused by the host.
    let e = rt
        .install_package(&miniapp_scenarios::package_unchecked(
            &manifest("com.acme.probe", "1.0.0", &[Permission::Storage]),
            guests::PROBE,
        ))
        .unwrap_err();
    assert_eq!(e.code(), "IMPORT_NOT_PERMITTED", "{e}");
    assert_eq!(rt.list().unwrap().len(), 0, "nothing was installed");
    let refused: Vec<Value> = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "refused")
        .collect();
    assert_eq!(refused[0]["details"]["code"], "IMPORT_NOT_PERMITTED");
}

#[test]
fn a_tampered_compiled_artifact_is_refused() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    rt.install_package(&package(
        &manifest("com.acme.minimal", "1.0.0", &[]),
        guests::MINIMAL,
    ))
    .unwrap();
    let cache = world.home().join("cache");
    let engine_dir = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let artifact = engine_dir.join("com.acme.minimal-1.0.0.cwasm");
    // The record holds the artifact's identity (so untouched loads skip re-hashing it)...
    let record: Value = serde_json::from_slice(
        &std::fs::read(
            world
                .home()
                .join("apps/com.acme.minimal/1.0.0/install.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let key = engine_dir.file_name().unwrap().to_str().unwrap();
    assert!(record["artifactStamps"][key].is_string(), "{record}");
    // ...and rewriting the file in place, even with the same size, changes that identity.
    let mut bytes = std::fs::read(&artifact).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&artifact, bytes).unwrap();
    // A fresh runtime has nothing cached in memory, so it must read the artifact from disk.
    let rt = world.runtime(host(&[]).services);
    let e = run(&rt, "com.acme.minimal", "x").unwrap_err();
    assert_eq!(e.code(), "INSTALL_CORRUPTED", "{e}");
}

#[test]
fn a_missing_artifact_is_recompiled_from_the_checked_component() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    rt.install_package(&package(
        &manifest("com.acme.minimal", "1.0.0", &[]),
        guests::MINIMAL,
    ))
    .unwrap();
    std::fs::remove_dir_all(world.home().join("cache")).unwrap();
    let rt = world.runtime(host(&[]).services);
    assert_eq!(run(&rt, "com.acme.minimal", "again").unwrap(), "again");
    // Tampering with the installed component itself is caught before compiling it.
    std::fs::remove_dir_all(world.home().join("cache")).unwrap();
    let wasm = world
        .home()
        .join("apps/com.acme.minimal/1.0.0/files/app.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&wasm, bytes).unwrap();
    let rt = world.runtime(host(&[]).services);
    assert_eq!(
        run(&rt, "com.acme.minimal", "x").unwrap_err().code(),
        "INSTALL_CORRUPTED"
    );
}

#[test]
fn imports_read_without_compiling_are_the_compiled_components_imports() {
    let world = World::new();
    let rt = world.runtime(host(&[]).services);
    for (name, bytes) in guests::ALL {
        let mut read = miniapp_runtime::component_import_names(bytes).unwrap();
        let component = wasmtime::component::Component::new(rt.engine(), bytes).unwrap();
        let mut compiled: Vec<String> = component
            .component_type()
            .imports(rt.engine())
            .map(|(n, _)| n.to_owned())
            .collect();
        read.sort();
        compiled.sort();
        assert_eq!(read, compiled, "{name}");
        assert!(!read.is_empty(), "{name}");
    }
    assert!(
        miniapp_runtime::component_import_names(guests::PROBE)
            .unwrap()
            .iter()
            .any(|n| n.starts_with("miniapp:bridge/payment@"))
    );
    assert_eq!(
        miniapp_runtime::component_import_names(b"not wasm")
            .unwrap_err()
            .code(),
        "COMPILE_FAILED"
    );
}
