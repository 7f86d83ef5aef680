//! Many apps at once: 1,000 live instances in the pooling allocator, 10,000 launches from four
//! threads with resident memory measured before and after, and traps in one app beside calls of
//! another. Its own test binary, so other tests do not share the pool or disturb the RSS figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use miniapp_package::{AppId, Permission};
use miniapp_runtime::{EngineOptions, HostServices, LaunchOptions, Runtime, RuntimeConfig};
use miniapp_scenarios::{World, guests, manifest, package};

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

#[test]
fn a_thousand_live_instances_ten_thousand_launches_and_isolated_traps() {
    let world = World::new();
    let config = RuntimeConfig {
        engine: EngineOptions {
            max_instances: 1100,
            ..EngineOptions::server()
        },
        audit: false,
        ..RuntimeConfig::new(HostServices::development())
    };
    let rt = Arc::new(Runtime::new(world.home(), config).unwrap());
    rt.install_package(&package(
        &manifest("com.acme.minimal", "1.0.0", &[]),
        guests::MINIMAL,
    ))
    .unwrap();
    let hostile = [Permission::Storage, Permission::Location];
    rt.install_package(&package(
        &manifest("com.acme.hostile", "1.0.0", &hostile),
        guests::HOSTILE,
    ))
    .unwrap();
    let minimal = AppId::parse("com.acme.minimal").unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // 1,000 live instances.
    tokio
        .block_on(rt.run(&minimal, "warm", LaunchOptions::default()))
        .unwrap();
    let before_live = rss_kib();
    let mut live = Vec::new();
    for i in 0..1000 {
        let mut inst = tokio
            .block_on(rt.launch(&minimal, LaunchOptions::default()))
            .unwrap();
        assert_eq!(
            tokio.block_on(inst.on_launch(&i.to_string())).unwrap(),
            i.to_string()
        );
        live.push(inst);
    }
    let with_live = rss_kib();
    println!(
        "figure: 1,000 live instances: RSS {} → {} MiB, {:.1} KiB per live instance",
        before_live / 1024,
        with_live / 1024,
        (with_live.saturating_sub(before_live)) as f64 / 1000.0
    );
    drop(live);

    // Warm up, then 10,000 launches from 4 threads; every 10th launch on thread 0 is a trap.
    let run_batch = |per_thread: usize| {
        let ok = Arc::new(AtomicUsize::new(0));
        let traps = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|s| {
            for t in 0..4 {
                let (rt, ok, traps, minimal) =
                    (rt.clone(), ok.clone(), traps.clone(), minimal.clone());
                s.spawn(move || {
                    let tokio = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    let hostile = AppId::parse("com.acme.hostile").unwrap();
                    for i in 0..per_thread {
                        if t == 0 && i % 10 == 0 {
                            let e = tokio
                                .block_on(rt.run(&hostile, "trap", LaunchOptions::default()))
                                .unwrap_err();
                            assert_eq!(e.code(), "GUEST_TRAP");
                            traps.fetch_add(1, Ordering::Relaxed);
                        }
                        let out = tokio
                            .block_on(rt.run(&minimal, "x", LaunchOptions::default()))
                            .unwrap();
                        assert_eq!(out, "x", "a trap elsewhere must not disturb this app");
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        (ok.load(Ordering::Relaxed), traps.load(Ordering::Relaxed))
    };
    run_batch(250);
    let before = rss_kib();
    let start = std::time::Instant::now();
    let (ok, traps) = run_batch(2500);
    let took = start.elapsed();
    let after = rss_kib();
    assert_eq!(ok, 10_000);
    assert_eq!(traps, 250);
    println!(
        "figure: 10,000 launches on 4 threads in {took:?} (+{traps} traps): RSS {} → {} MiB",
        before / 1024,
        after / 1024
    );
    assert!(
        after < before + 64 * 1024,
        "resident memory must stay flat ({before} → {after} KiB)"
    );
    let usage = rt.usage(&minimal);
    assert_eq!(usage.launches, 1 + 1000 + 1000 + 10_000);
}
