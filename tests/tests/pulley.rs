//! Pulley (no-JIT) mode: the same installed package runs with the same results as under
//! Cranelift, its artifacts are cached apart, and the limits still hold.

use miniapp_package::Permission;
use miniapp_runtime::capabilities::consent::ScriptedConsent;
use miniapp_runtime::{Backend, EngineOptions, HostServices, Limits, Runtime, RuntimeConfig};
use miniapp_scenarios::{ALL_BRIDGE, World, guests, manifest, package, probe_script, run_app};
use serde_json::json;

fn runtime(world: &World, backend: Backend) -> Runtime {
    Runtime::new(
        world.home(),
        RuntimeConfig {
            engine: EngineOptions {
                backend,
                ..EngineOptions::default()
            },
            ..RuntimeConfig::new(HostServices {
                consent: std::sync::Arc::new(ScriptedConsent::declining(&[Permission::Location])),
                ..HostServices::development()
            })
        },
    )
    .unwrap()
}

fn cache_dirs(world: &World) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(world.home().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn an_app_installed_under_cranelift_runs_the_same_under_pulley() {
    let world = World::new();
    let native = runtime(&world, Backend::Cranelift);
    assert!(!native.engine().is_pulley());
    native
        .install_package(&package(
            &manifest("com.acme.probe", "1.0.0", ALL_BRIDGE),
            guests::PROBE,
        ))
        .unwrap();
    let script = probe_script(&[
        ("storage.set", json!({"key": "k", "value": "v"})),
        ("storage.get", json!({"key": "k"})),
        ("device.info", json!({})),
        ("geolocation.currentPosition", json!({})),
    ]);
    let on_native = run_app(&native, "com.acme.probe", &script, None).unwrap();
    assert_eq!(cache_dirs(&world).len(), 1);

    let pulley = runtime(&world, Backend::Pulley);
    assert!(pulley.engine().is_pulley());
    let on_pulley = run_app(&pulley, "com.acme.probe", &script, None).unwrap();
    assert_eq!(on_pulley, on_native);
    let answers: Vec<serde_json::Value> = serde_json::from_str(&on_pulley).unwrap();
    assert_eq!(answers[1]["ok"], "v", "{on_pulley}");
    assert_eq!(answers[3]["err"], "PERMISSION_DENIED");

    // The Pulley artifact was compiled on first use and cached under its own engine key.
    let dirs = cache_dirs(&world);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for d in &dirs {
        assert!(d.join("com.acme.probe-1.0.0.cwasm").is_file(), "{d:?}");
    }
    // Both runtimes keep working from their own artifacts.
    assert_eq!(
        run_app(&native, "com.acme.probe", &script, None).unwrap(),
        on_native
    );
}

#[test]
fn limits_hold_under_pulley() {
    let world = World::new();
    let rt = runtime(&world, Backend::Pulley);
    rt.install_package(&package(
        &manifest(
            "com.acme.hostile",
            "1.0.0",
            &[Permission::Storage, Permission::Location],
        ),
        guests::HOSTILE,
    ))
    .unwrap();
    let limits = Limits {
        cpu: std::time::Duration::from_millis(100),
        memory_bytes: 16 << 20,
        ..Limits::default()
    };
    let e = run_app(&rt, "com.acme.hostile", "loop", Some(limits)).unwrap_err();
    assert_eq!(e.code(), "CPU_LIMIT", "{e}");
    let roomy = Limits {
        cpu: std::time::Duration::from_secs(60),
        ..limits
    };
    let e = run_app(&rt, "com.acme.hostile", "memory", Some(roomy)).unwrap_err();
    assert_eq!(e.code(), "MEMORY_LIMIT", "{e}");
    let e = run_app(&rt, "com.acme.hostile", "trap", Some(roomy)).unwrap_err();
    assert_eq!(e.code(), "GUEST_TRAP", "{e}");
}
