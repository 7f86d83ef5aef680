//! The `device` engine profile (the default) in one process: live instances of the loans app side
//! by side, the pool's capacity as a clear error, memory limits the profile cannot reserve, and CPU
//! limits still enforced by an epoch ticker that only runs during guest calls. `.ci/phone-limits`
//! runs this file again under `ulimit -v 2097152`.

use std::time::{Duration, Instant};

use miniapp_package::{AppId, Permission};
use miniapp_runtime::{
    EngineOptions, EngineProfile, HostServices, LaunchOptions, Limits, RuntimeConfig,
};
use miniapp_scenarios::{World, block_on, guests, manifest, package, run_app};
use serde_json::Value;

const LOANS_PERMS: [Permission; 5] = [
    Permission::Storage,
    Permission::Auth,
    Permission::Payment,
    Permission::Location,
    Permission::Ui,
];

fn loans_runtime(world: &World) -> miniapp_runtime::Runtime {
    let rt = world.runtime(HostServices::development());
    rt.install_package(&package(
        &manifest("com.acme.loans", "1.0.0", &LOANS_PERMS),
        guests::LOANS,
    ))
    .unwrap();
    rt
}

#[test]
fn eight_live_loans_instances_then_the_pool_limit_is_a_clear_error() {
    let world = World::new();
    let rt = loans_runtime(&world);
    let report = rt.engine_report().clone();
    assert_eq!(report.profile, EngineProfile::Device);
    assert_eq!(report.allocator, "pooling", "{report:?}");
    assert_eq!(
        report.memory_reservation_bytes,
        64 << 20,
        "sized from the app limit"
    );
    let capacity = report.pool_instances.unwrap() as usize;
    assert!(capacity >= 8, "{report:?}");

    let app = AppId::parse("com.acme.loans").unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut live = Vec::new();
    for i in 0..8 {
        let mut inst = tokio
            .block_on(rt.launch(&app, LaunchOptions::default()))
            .unwrap();
        let out: Value = serde_json::from_str(
            &tokio
                .block_on(inst.on_launch(&format!(r#"{{"applicant":"A{i}"}}"#)))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(out["draftSaved"], true, "{out}");
        live.push(inst);
    }
    // All eight still answer after the others started.
    for inst in &mut live {
        tokio.block_on(inst.on_event("ping", "{}")).unwrap();
    }
    while live.len() < capacity {
        live.push(
            tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap(),
        );
    }
    let e = tokio
        .block_on(rt.launch(&app, LaunchOptions::default()))
        .err()
        .expect("one more than the pool holds");
    assert_eq!(e.code(), "INSTANCE_LIMIT", "{e}");
    // Dropping one frees its slot.
    live.pop();
    tokio
        .block_on(rt.launch(&app, LaunchOptions::default()))
        .unwrap();
}

#[test]
fn a_launch_asking_for_more_memory_than_the_engine_reserves_is_refused() {
    let world = World::new();
    let rt = loans_runtime(&world);
    let limits = Limits {
        memory_bytes: 128 << 20,
        ..Limits::default()
    };
    let e = run_app(&rt, "com.acme.loans", "{}", Some(limits)).unwrap_err();
    assert_eq!(e.code(), "MEMORY_LIMIT_TOO_LARGE", "{e}");
    assert!(e.to_string().contains("128 MiB"), "{e}");

    // A runtime configured with the bigger limit reserves for it and runs.
    let rt = miniapp_runtime::Runtime::new(
        world.home(),
        RuntimeConfig {
            limits,
            ..RuntimeConfig::new(HostServices::development())
        },
    )
    .unwrap();
    assert_eq!(rt.engine_report().memory_reservation_bytes, 128 << 20);
    run_app(&rt, "com.acme.loans", r#"{"applicant":"Ada"}"#, None).unwrap();
}

#[test]
fn cpu_limits_hold_with_a_ticker_that_sleeps_between_calls() {
    let world = World::new();
    let rt = world.runtime(HostServices::development());
    rt.install_package(&package(
        &manifest(
            "com.acme.hostile",
            "1.0.0",
            &[Permission::Storage, Permission::Location],
        ),
        guests::HOSTILE,
    ))
    .unwrap();
    // Idle first: nothing ticks, and the next call still gets its whole budget and no more.
    std::thread::sleep(Duration::from_millis(50));
    let limits = Limits {
        cpu: Duration::from_millis(100),
        ..Limits::default()
    };
    for _ in 0..2 {
        let start = Instant::now();
        let e = run_app(&rt, "com.acme.hostile", "loop", Some(limits)).unwrap_err();
        assert_eq!(e.code(), "CPU_LIMIT", "{e}");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the loop was stopped ({:?})",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn an_artifact_of_the_other_profile_is_recompiled_not_misloaded() {
    let world = World::new();
    let rt = loans_runtime(&world);
    drop(rt);
    // Installed under device; the server engine has another compatibility key.
    let server = miniapp_runtime::Runtime::new(
        world.home(),
        RuntimeConfig {
            engine: EngineOptions::server(),
            ..RuntimeConfig::new(HostServices::development())
        },
    )
    .unwrap();
    let out = block_on(server.run(
        &AppId::parse("com.acme.loans").unwrap(),
        r#"{"applicant":"Ada"}"#,
        LaunchOptions::default(),
    ))
    .unwrap();
    assert!(out.contains("draftSaved"), "{out}");
    let caches = std::fs::read_dir(world.home().join("cache"))
        .unwrap()
        .count();
    assert_eq!(caches, 2, "one artifact dir per engine configuration");
}
