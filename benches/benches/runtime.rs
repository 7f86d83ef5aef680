//! miniapp beside a baseline measured in the same run, one criterion group per measurement:
//! the group's `raw_wasmtime` (or `native`, `raw_serde`) function is the baseline, `miniapp` is
//! ours. `benches/run.sh` turns the medians into the ratio table of BENCHMARKING.md
//! (`benches/report.py`); the group names here are the keys it reads.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use miniapp_benches::{
    raw_engine, raw_engine_with, raw_linker, raw_load, raw_pre, raw_pre_of, raw_pre_with,
    raw_storage, raw_store,
};
use miniapp_package::{AppId, Permission};
use miniapp_runtime::{
    Backend, EngineOptions, HostServices, LaunchOptions, Runtime, RuntimeConfig, json_bridge,
};
use miniapp_scenarios::{World, guests, manifest, package};
use wasmtime::component::Component;

/// Bridge calls per on-launch in the call benchmarks; the table divides by these.
const CALLS: usize = 1000;
/// `storage.set` is a crash-safe write (fsync of file and directory): fewer per iteration.
const SETS: usize = 20;
const SHA256_BYTES: usize = 1 << 20;
const SORT_NUMBERS: usize = 100_000;
/// Pulley interprets: a smaller input keeps the run short; the table compares per byte.
const PULLEY_SHA256_BYTES: usize = 64 << 10;

const APP: &str = "com.acme.bench";

fn tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A runtime without the audit log (a host may turn it off; it is not what is measured here).
fn runtime(world: &World, backend: Backend) -> Runtime {
    Runtime::new(
        world.home(),
        RuntimeConfig {
            engine: EngineOptions {
                backend,
                ..EngineOptions::default()
            },
            audit: false,
            ..RuntimeConfig::new(HostServices::development())
        },
    )
    .unwrap()
}

fn bench_package() -> Vec<u8> {
    package(
        &manifest(APP, "1.0.0", &[Permission::Storage]),
        guests::BENCH,
    )
}

fn launches(c: &mut Criterion) {
    let tokio = tokio();
    let world = World::new();
    let rt = runtime(&world, Backend::Cranelift);
    rt.install_package(&bench_package()).unwrap();
    let app = AppId::parse(APP).unwrap();
    let engine = raw_engine();
    let scratch = tempfile::tempdir().unwrap();
    let storage = raw_storage(&scratch.path().join("data"));
    // The raw side loads the same kind of artifact from disk: serialized by an engine configured
    // like the runtime's.
    let artifact: PathBuf = scratch.path().join("bench.cwasm");
    let component = Component::new(&engine, guests::BENCH).unwrap();
    std::fs::write(&artifact, component.serialize().unwrap()).unwrap();
    let pre = raw_pre_of(&engine, &component);

    // Both sides keep their linker across cold starts (miniapp: one per grant set).
    let linker = raw_linker(&engine);
    let mut g = c.benchmark_group("cold_start");
    g.bench_function("raw_wasmtime", |b| {
        b.iter(|| {
            let component = raw_load(&engine, &artifact);
            let pre = raw_pre_with(&linker, &component);
            let mut store = raw_store(&engine, &storage);
            let inst = tokio.block_on(pre.instantiate_async(&mut store)).unwrap();
            tokio
                .block_on(
                    inst.miniapp_bridge_lifecycle()
                        .call_on_launch(&mut store, "noop"),
                )
                .unwrap()
                .unwrap()
        })
    });
    g.bench_function("miniapp", |b| {
        b.iter(|| {
            rt.clear_caches();
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            tokio.block_on(inst.on_launch("noop")).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("warm_start");
    g.bench_function("raw_wasmtime", |b| {
        b.iter(|| {
            let mut store = raw_store(&engine, &storage);
            let inst = tokio.block_on(pre.instantiate_async(&mut store)).unwrap();
            tokio
                .block_on(
                    inst.miniapp_bridge_lifecycle()
                        .call_on_launch(&mut store, "noop"),
                )
                .unwrap()
                .unwrap()
        })
    });
    g.bench_function("miniapp", |b| {
        b.iter(|| {
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            tokio.block_on(inst.on_launch("noop")).unwrap()
        })
    });
    g.finish();

    // Guest→host bridge calls and host→guest calls, on one live instance each side.
    let mut raw_st = raw_store(&engine, &storage);
    let raw = tokio.block_on(pre.instantiate_async(&mut raw_st)).unwrap();
    let mut ours = tokio
        .block_on(rt.launch(&app, LaunchOptions::default()))
        .unwrap();
    let set_once = "set:1";
    tokio.block_on(ours.on_launch(set_once)).unwrap();
    tokio
        .block_on(
            raw.miniapp_bridge_lifecycle()
                .call_on_launch(&mut raw_st, set_once),
        )
        .unwrap()
        .unwrap();
    let cases = [
        ("host_to_guest_call", "noop".to_string()),
        ("bridge_noop_x1000", format!("usage:{CALLS}")),
        ("bridge_get_x1000", format!("get:{CALLS}")),
        ("bridge_set_x20", format!("set:{SETS}")),
    ];
    for (group, params) in &cases {
        let mut g = c.benchmark_group(*group);
        if params.starts_with("set:") {
            // Each iteration is ~20 fsync'd writes: the fewest samples criterion allows.
            g.sample_size(10);
        }
        g.bench_function("raw_wasmtime", |b| {
            b.iter(|| {
                tokio
                    .block_on(
                        raw.miniapp_bridge_lifecycle()
                            .call_on_launch(&mut raw_st, params),
                    )
                    .unwrap()
                    .unwrap()
            })
        });
        g.bench_function("miniapp", |b| {
            b.iter(|| tokio.block_on(ours.on_launch(params)).unwrap())
        });
        g.finish();
    }

    // The same Rust kernels compiled to wasm (run by miniapp) and to native code. Two more
    // functions split the gap: raw wasmtime configured like miniapp (epoch interruption on: the
    // checks that make CPU_LIMIT possible), and raw wasmtime with no interruption checks at all.
    let plain_engine = raw_engine_with(false);
    let mut plain_st = raw_store(&plain_engine, &storage);
    let plain = tokio
        .block_on(raw_pre(&plain_engine, guests::BENCH).instantiate_async(&mut plain_st))
        .unwrap();
    let kernels = [
        (
            "sha256_1mib",
            format!("sha256:{SHA256_BYTES}"),
            miniapp_kernels::hex(&miniapp_kernels::sha256_workload(SHA256_BYTES)),
        ),
        (
            "sort_100k",
            format!("sort:{SORT_NUMBERS}"),
            miniapp_kernels::sort_workload(SORT_NUMBERS).to_string(),
        ),
    ];
    for (group, params, expected) in &kernels {
        assert_eq!(&tokio.block_on(ours.on_launch(params)).unwrap(), expected);
        let mut g = c.benchmark_group(*group);
        g.sample_size(20);
        g.bench_function("native", |b| match *group {
            "sha256_1mib" => b.iter(|| miniapp_kernels::sha256_workload(black_box(SHA256_BYTES))),
            _ => b.iter(|| miniapp_kernels::sort_workload(black_box(SORT_NUMBERS))),
        });
        for (name, inst, st) in [
            ("raw_no_epochs", &plain, &mut plain_st),
            ("raw_wasmtime", &raw, &mut raw_st),
        ] {
            let answer = tokio
                .block_on(
                    inst.miniapp_bridge_lifecycle()
                        .call_on_launch(&mut *st, params),
                )
                .unwrap()
                .unwrap();
            assert_eq!(&answer, expected);
            g.bench_function(name, |b| {
                b.iter(|| {
                    tokio
                        .block_on(
                            inst.miniapp_bridge_lifecycle()
                                .call_on_launch(&mut *st, params),
                        )
                        .unwrap()
                        .unwrap()
                })
            });
        }
        g.bench_function("miniapp", |b| {
            b.iter(|| tokio.block_on(ours.on_launch(params)).unwrap())
        });
        g.finish();
    }

    // The web path: one JSON request (storage.get of the key set above) through the JSON bridge,
    // against parsing, calling the same storage and answering with serde_json directly.
    let ctx = tokio.block_on(rt.app_context(&app)).unwrap();
    let request = r#"{"id":7,"method":"storage.get","params":{"key":"bench"}}"#;
    let mut g = c.benchmark_group("json_dispatch");
    g.bench_function("raw_serde", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(request)).unwrap();
            let key = v["params"]["key"].as_str().unwrap();
            let bytes = storage.get(key).unwrap().unwrap_or_default();
            let value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
            });
            serde_json::json!({"id": v["id"], "result": value}).to_string()
        })
    });
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(json_bridge::dispatch_str(&ctx, black_box(request))))
    });
    g.finish();
}

/// Verify (no wasmtime involved: measured alone) and install, against compiling and
/// serializing the component with raw wasmtime, which is most of an install.
fn installs(c: &mut Criterion) {
    let bytes = bench_package();
    let world = World::new();
    let rt = runtime(&world, Backend::Cranelift);

    let mut g = c.benchmark_group("verify");
    g.sample_size(20);
    g.bench_function("miniapp", |b| {
        b.iter(|| rt.verify_package(black_box(&bytes)).unwrap())
    });
    g.finish();

    let engine = raw_engine();
    let scratch = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("install");
    g.sample_size(10);
    g.bench_function("raw_wasmtime", |b| {
        b.iter(|| {
            let component = Component::new(&engine, guests::BENCH).unwrap();
            std::fs::write(
                scratch.path().join("bench.cwasm"),
                component.serialize().unwrap(),
            )
            .unwrap()
        })
    });
    g.bench_function("miniapp", |b| {
        b.iter_batched(
            || {
                let world = World::new();
                let rt = runtime(&world, Backend::Cranelift);
                (world, rt)
            },
            |(world, rt)| {
                rt.install_package(&bytes).unwrap();
                (world, rt)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// Pulley (interpreted, no executable memory) against Cranelift, both through miniapp.
fn backends(c: &mut Criterion) {
    let tokio = tokio();
    let app = AppId::parse(APP).unwrap();
    let bytes = bench_package();
    let worlds = [World::new(), World::new()];
    let runtimes: Vec<(&str, Arc<Runtime>)> = [
        ("cranelift", Backend::Cranelift),
        ("pulley", Backend::Pulley),
    ]
    .into_iter()
    .zip(&worlds)
    .map(|((name, backend), world)| {
        let rt = runtime(world, backend);
        rt.install_package(&bytes).unwrap();
        (name, Arc::new(rt))
    })
    .collect();

    let mut g = c.benchmark_group("pulley_warm_start");
    for (name, rt) in &runtimes {
        g.bench_function(*name, |b| {
            b.iter(|| {
                let mut inst = tokio
                    .block_on(rt.launch(&app, LaunchOptions::default()))
                    .unwrap();
                tokio.block_on(inst.on_launch("noop")).unwrap()
            })
        });
    }
    g.finish();

    let sha = format!("sha256:{PULLEY_SHA256_BYTES}");
    let usage = format!("usage:{CALLS}");
    for (group, params) in [
        ("pulley_bridge_noop_x1000", &usage),
        ("pulley_sha256_64kib", &sha),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(20);
        for (name, rt) in &runtimes {
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            g.bench_function(*name, |b| {
                b.iter(|| tokio.block_on(inst.on_launch(params)).unwrap())
            });
        }
        g.finish();
    }
}

/// The `device` profile (the default: bounds-checked code in small reservations, a small pool)
/// against `server` (4 GiB reservations with guards, no bounds checks) and native code.
fn profiles(c: &mut Criterion) {
    let tokio = tokio();
    let app = AppId::parse(APP).unwrap();
    let bytes = bench_package();
    let worlds = [World::new(), World::new()];
    let runtimes: Vec<(&str, Runtime)> = [
        ("device", EngineOptions::device()),
        ("server", EngineOptions::server()),
    ]
    .into_iter()
    .zip(&worlds)
    .map(|((name, engine), world)| {
        let rt = Runtime::new(
            world.home(),
            RuntimeConfig {
                engine,
                audit: false,
                ..RuntimeConfig::new(HostServices::development())
            },
        )
        .unwrap();
        assert_eq!(rt.engine_report().profile.as_str(), name);
        rt.install_package(&bytes).unwrap();
        (name, rt)
    })
    .collect();

    let mut g = c.benchmark_group("profile_warm_start");
    for (name, rt) in &runtimes {
        g.bench_function(*name, |b| {
            b.iter(|| {
                let mut inst = tokio
                    .block_on(rt.launch(&app, LaunchOptions::default()))
                    .unwrap();
                tokio.block_on(inst.on_launch("noop")).unwrap()
            })
        });
    }
    g.finish();

    for (group, params, native) in [
        (
            "profile_sha256_1mib",
            format!("sha256:{SHA256_BYTES}"),
            (|| {
                black_box(miniapp_kernels::sha256_workload(black_box(SHA256_BYTES)));
            }) as fn(),
        ),
        (
            "profile_sort_100k",
            format!("sort:{SORT_NUMBERS}"),
            (|| {
                black_box(miniapp_kernels::sort_workload(black_box(SORT_NUMBERS)));
            }) as fn(),
        ),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(20);
        g.bench_function("native", |b| b.iter(native));
        for (name, rt) in &runtimes {
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            g.bench_function(*name, |b| {
                b.iter(|| tokio.block_on(inst.on_launch(&params)).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = launches, installs, backends, profiles
}
criterion_main!(group);
