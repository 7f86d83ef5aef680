//! Warm launch and one bridge call, miniapp vs raw wasmtime, in the same run.
//! After criterion's own report it prints a ratio table from the estimates it wrote.

use std::time::Duration;

use criterion::{Criterion, criterion_group};
use miniapp_benches::{raw_engine, raw_pre, raw_store};
use miniapp_package::{AppId, Permission};
use miniapp_runtime::{HostServices, LaunchOptions};
use miniapp_scenarios::{World, guests, manifest, package};

/// Bridge calls per on-launch in the call benchmark; the per-call figure divides by this.
const CALLS: u32 = 1000;

fn benches(c: &mut Criterion) {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = World::new();
    let rt = world.runtime(HostServices::development());
    rt.install_package(&package(
        &manifest("com.acme.bench", "1.0.0", &[Permission::Storage]),
        guests::BENCH,
    ))
    .unwrap();
    let app = AppId::parse("com.acme.bench").unwrap();
    let engine = raw_engine();
    let pre = raw_pre(&engine, guests::BENCH);

    let mut g = c.benchmark_group("instantiate");
    g.bench_function("raw_wasmtime", |b| {
        b.iter(|| {
            let mut store = raw_store(&engine);
            tokio.block_on(pre.instantiate_async(&mut store)).unwrap()
        })
    });
    g.bench_function("miniapp", |b| {
        b.iter(|| {
            tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap()
        })
    });
    g.finish();

    let params = CALLS.to_string();
    let mut g = c.benchmark_group("bridge_call_x1000");
    g.bench_function("raw_wasmtime", |b| {
        let mut store = raw_store(&engine);
        let inst = tokio.block_on(pre.instantiate_async(&mut store)).unwrap();
        b.iter(|| {
            tokio
                .block_on(
                    inst.miniapp_bridge_lifecycle()
                        .call_on_launch(&mut store, &params),
                )
                .unwrap()
                .unwrap()
        })
    });
    g.bench_function("miniapp", |b| {
        let mut inst = tokio
            .block_on(rt.launch(&app, LaunchOptions::default()))
            .unwrap();
        b.iter(|| tokio.block_on(inst.on_launch(&params)).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = group;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}

fn median_ns(group: &str, bench: &str) -> Option<f64> {
    let dir = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = format!("{dir}/criterion/{group}/{bench}/new/estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    println!("\n| measurement | raw wasmtime | miniapp | ratio |\n|---|---|---|---|");
    for (group, label, per) in [
        ("instantiate", "instantiate (warm launch)", 1.0),
        (
            "bridge_call_x1000",
            "one bridge call (storage.usage)",
            f64::from(CALLS),
        ),
    ] {
        if let (Some(raw), Some(ours)) = (
            median_ns(group, "raw_wasmtime"),
            median_ns(group, "miniapp"),
        ) {
            let (raw, ours) = (raw / per, ours / per);
            println!(
                "| {label} | {:.2} µs | {:.2} µs | {:.2}× |",
                raw / 1e3,
                ours / 1e3,
                ours / raw
            );
        }
    }
}
