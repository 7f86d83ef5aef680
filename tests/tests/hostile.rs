//! Hostile guests: whatever a mini-program does, it gets a precise error and the host keeps
//! serving others. Each test prints the figure the sandbox issue asks for.

use std::sync::Arc;
use std::time::{Duration, Instant};

use miniapp_package::{AppId, Permission};
use miniapp_runtime::capabilities::consent::ScriptedConsent;
use miniapp_runtime::{HostServices, Limits, Runtime, RuntimeError};
use miniapp_scenarios::{World, guests, manifest, package, run_app};
use serde_json::Value;

const HOSTILE: &str = "com.acme.hostile";
const MINIMAL: &str = "com.acme.minimal";

fn setup(world: &World, config: miniapp_runtime::RuntimeConfig) -> Runtime {
    let rt = Runtime::new(world.home(), config).unwrap();
    // Location is declared but the user declines it: the denied-calls mode hits the denial stub.
    let perms = [Permission::Storage, Permission::Location];
    rt.install_package(&package(
        &manifest(HOSTILE, "1.0.0", &perms),
        guests::HOSTILE,
    ))
    .unwrap();
    rt.install_package(&package(&manifest(MINIMAL, "1.0.0", &[]), guests::MINIMAL))
        .unwrap();
    rt
}

fn setup_default(world: &World) -> Runtime {
    setup(world, miniapp_runtime::RuntimeConfig::new(services()))
}

fn services() -> HostServices {
    let mut s = HostServices::development();
    s.consent = Arc::new(ScriptedConsent::declining(&[Permission::Location]));
    s
}

fn run(
    rt: &Runtime,
    app: &str,
    params: &str,
    limits: Option<Limits>,
) -> Result<String, RuntimeError> {
    run_app(rt, app, params, limits)
}

/// After every hostile act, another app still launches and answers.
fn still_serving(rt: &Runtime) {
    assert_eq!(run(rt, MINIMAL, "next", None).unwrap(), "next");
}

#[test]
fn infinite_loop_is_stopped_by_the_cpu_budget() {
    let world = World::new();
    let rt = setup_default(&world);
    let limits = Limits {
        cpu: Duration::from_millis(200),
        ..Limits::default()
    };
    let start = Instant::now();
    let e = run(&rt, HOSTILE, "loop", Some(limits)).unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.code(), "CPU_LIMIT", "{e}");
    assert!(e.to_string().contains("200 ms"), "{e}");
    println!("figure: infinite loop → CPU_LIMIT after {took:?} with a 200 ms budget");
    assert!(
        took < Duration::from_secs(5),
        "the deadline must actually stop the loop ({took:?})"
    );
    still_serving(&rt);
}

#[test]
fn fuel_gives_a_deterministic_budget() {
    let world = World::new();
    let config = miniapp_runtime::RuntimeConfig {
        engine: miniapp_runtime::EngineOptions {
            fuel: true,
            ..Default::default()
        },
        ..miniapp_runtime::RuntimeConfig::new(services())
    };
    let rt = setup(&world, config);
    let limits = Limits {
        fuel: Some(5_000_000),
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    let e = run(&rt, HOSTILE, "loop", Some(limits)).unwrap_err();
    assert_eq!(e.code(), "CPU_LIMIT", "{e}");
    // The same budget is plenty for a well-behaved app.
    assert_eq!(run(&rt, MINIMAL, "ok", Some(limits)).unwrap(), "ok");
}

#[test]
fn memory_bomb_hits_the_memory_limit_and_peak_is_reported() {
    let world = World::new();
    let rt = setup_default(&world);
    let limits = Limits {
        memory_bytes: 32 << 20,
        cpu: Duration::from_secs(30),
        ..Limits::default()
    };
    let e = run(&rt, HOSTILE, "memory", Some(limits)).unwrap_err();
    assert_eq!(e.code(), "MEMORY_LIMIT", "{e}");
    let usage = rt.usage(&AppId::parse(HOSTILE).unwrap());
    println!(
        "figure: memory bomb peak linear memory {} MiB (limit 32 MiB)",
        usage.peak_memory_bytes >> 20
    );
    assert!(usage.peak_memory_bytes <= 32 << 20);
    assert!(
        usage.peak_memory_bytes >= 16 << 20,
        "the bomb grew close to the limit"
    );
    still_serving(&rt);
}

#[test]
fn deep_recursion_and_traps_are_guest_traps_with_a_backtrace() {
    let world = World::new();
    let rt = setup_default(&world);
    let e = run(&rt, HOSTILE, "recurse", None).unwrap_err();
    assert_eq!(e.code(), "GUEST_TRAP", "{e}");
    // A Rust guest's shadow stack lives in linear memory and overflows first (out of bounds);
    // other guests hit wasm's own stack limit (stack overflow). Either is a trap, with frames.
    let msg = e.to_string();
    assert!(
        msg.contains("out of bounds") || msg.contains("stack overflow"),
        "{msg}"
    );
    assert!(
        msg.contains("hostile::recurse"),
        "carries a short, demangled backtrace: {msg}"
    );
    let e = run(&rt, HOSTILE, "trap", None).unwrap_err();
    assert_eq!(e.code(), "GUEST_TRAP", "{e}");
    let e = run(&rt, HOSTILE, "err", None).unwrap_err();
    assert_eq!(e.code(), "GUEST_ERROR");
    still_serving(&rt);
}

#[test]
fn storage_flood_stops_at_the_quota() {
    let world = World::new();
    let limits = Limits {
        storage_quota_bytes: 1 << 20,
        ..Limits::default()
    };
    let rt = setup(
        &world,
        miniapp_runtime::RuntimeConfig {
            limits,
            ..miniapp_runtime::RuntimeConfig::new(services())
        },
    );
    let out: Value =
        serde_json::from_str(&run(&rt, HOSTILE, "storage-flood", None).unwrap()).unwrap();
    assert_eq!(out["err"], "QUOTA_EXCEEDED", "{out}");
    let (used, quota) = rt.storage_usage(&AppId::parse(HOSTILE).unwrap()).unwrap();
    assert!(used <= quota, "{used} > {quota}");
    assert!(used > quota / 2, "the flood really wrote ({used} bytes)");
    still_serving(&rt);
}

#[test]
fn each_launch_uses_the_quota_of_its_own_limits() {
    let world = World::new();
    let rt = setup_default(&world);
    let app = AppId::parse(HOSTILE).unwrap();
    // A first launch opens the app's storage under the default quota (10 MiB)...
    run(&rt, HOSTILE, "err", None).unwrap_err();
    assert_eq!(rt.storage_usage(&app).unwrap().1, 10 << 20);
    // ...a later launch with a 64 KiB quota is held to 64 KiB, not to the first one's.
    let small = Limits {
        storage_quota_bytes: 64 << 10,
        ..Limits::default()
    };
    let out: Value =
        serde_json::from_str(&run(&rt, HOSTILE, "storage-flood", Some(small)).unwrap()).unwrap();
    assert_eq!(out["err"], "QUOTA_EXCEEDED", "{out}");
    let (used, quota) = rt.storage_usage(&app).unwrap();
    assert_eq!(quota, 64 << 10);
    assert!(used <= quota, "{used} > {quota}");
    still_serving(&rt);
}

#[test]
fn log_spam_is_rate_limited() {
    let world = World::new();
    let rt = setup_default(&world);
    let start = Instant::now();
    assert_eq!(run(&rt, HOSTILE, "log-spam", None).unwrap(), "100000");
    let usage = rt.usage(&AppId::parse(HOSTILE).unwrap());
    println!(
        "figure: 100,000 log calls in {:?}: {} kept, {} dropped",
        start.elapsed(),
        usage.log_lines,
        usage.log_dropped
    );
    assert_eq!(usage.log_lines + usage.log_dropped, 100_000);
    assert!(
        usage.log_lines <= 200 * 10,
        "at most 200 lines a second are kept"
    );
    still_serving(&rt);
}

#[test]
fn host_files_are_out_of_reach() {
    let world = World::new();
    let rt = setup_default(&world);
    let out = run(&rt, HOSTILE, "read-host-file", None).unwrap();
    assert!(!out.contains("SANDBOX_ESCAPE"), "{out}");
    println!("figure: reading /etc/passwd from a guest fails with: {out}");
}

#[test]
fn a_million_denied_calls_stay_cheap_and_do_not_flood_the_audit_log() {
    let world = World::new();
    let rt = setup_default(&world);
    let start = Instant::now();
    assert_eq!(
        run(
            &rt,
            HOSTILE,
            "denied-calls",
            Some(Limits {
                cpu: Duration::from_secs(60),
                ..Limits::default()
            })
        )
        .unwrap(),
        "1000000"
    );
    let took = start.elapsed();
    let usage = rt.usage(&AppId::parse(HOSTILE).unwrap());
    assert_eq!(usage.denials, 1_000_000);
    let audit_lines = world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "permission_denied")
        .count();
    println!(
        "figure: 1,000,000 denied calls in {took:?} ({:.2} µs each), {audit_lines} audit lines",
        took.as_secs_f64() * 1e6 / 1e6
    );
    assert!(
        audit_lines <= 10 + 20,
        "denials are audited sparsely under a flood ({audit_lines})"
    );
    assert!(audit_lines >= 10);
    still_serving(&rt);
}
