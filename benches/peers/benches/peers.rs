//! The same workloads on miniapp, Extism 1.30 (its own wasmtime), QuickJS (rquickjs) and native
//! Rust, in one run on one machine. Groups are named `peer_*`; inside a group each function is
//! one runtime. `benches/report.py` reads the medians into BENCHMARKING.md.
//!
//! Workloads: `noop` (start-up only), 1,000 host calls that read the app's storage usage
//! (`AppStorage::usage`, the same backend everywhere), SHA-256 of 1 MiB and a sort of 100,000
//! numbers (`miniapp-kernels` in wasm and native; `programs/bench.js` in QuickJS).
//!
//! Extism runs two plugins. `extism*` rows: `plugin/`, a Rust plugin built with extism-pdk (what
//! an Extism user ships) running the bench guest's workloads with the same kernels; its host
//! function is declared with `#[host_fn]` and returns its value through Extism's kernel memory.
//! `extism_wat*` rows: `programs/plugin.wat`, a hand-written module whose host function returns
//! an `i64` directly: a floor for Extism's start-up and host-call cost.
//!
//! The bench also writes `peer_sizes.json` (the byte size of each runtime's wasm) beside
//! criterion's results, for the report.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use miniapp_package::{AppId, Permission};
use miniapp_runtime::storage::AppStorage;
use miniapp_runtime::{HostServices, LaunchOptions, Runtime, RuntimeConfig};
use miniapp_scenarios::{World, guests, manifest, package};

const APP: &str = "com.acme.bench";
const CALLS: usize = 1000;
const SHA256_BYTES: usize = 1 << 20;
const SORT_NUMBERS: usize = 100_000;
const JS_PROGRAM: &str = include_str!("../programs/bench.js");
const PLUGIN_WAT: &str = include_str!("../programs/plugin.wat");
/// The extism-pdk plugin, built by `build.rs` from `plugin/`.
const PLUGIN_PDK: &[u8] = include_bytes!(env!("EXTISM_PLUGIN_WASM"));

fn storage(dir: &std::path::Path) -> Arc<AppStorage> {
    std::fs::create_dir_all(dir).unwrap();
    let dir = cap_std::fs::Dir::open_ambient_dir(dir, cap_std::ambient_authority()).unwrap();
    Arc::new(AppStorage::open(dir, miniapp_runtime::storage::DEFAULT_QUOTA_BYTES).unwrap())
}

// The PDK plugin's host function, the idiomatic way: `host_fn!` stores the returned value in
// Extism's kernel memory and returns its handle, which the plugin's `#[host_fn]` import reads.
extism::host_fn!(storage_usage(storage: Arc<AppStorage>;) -> u64 {
    let storage = storage.get()?;
    let used = storage.lock().unwrap().usage().0;
    Ok(used)
});

/// The PDK plugin, with `storage_usage` defined.
fn extism_pdk_builder(storage: &Arc<AppStorage>) -> extism::PluginBuilder<'static> {
    extism::PluginBuilder::new(PLUGIN_PDK)
        .with_wasi(false)
        .with_function(
            "storage_usage",
            [],
            [extism::PTR],
            extism::UserData::new(storage.clone()),
            storage_usage,
        )
}

/// Runs one workload in the PDK plugin (`run(params)`, like the guest's `on-launch`).
fn extism_run(plugin: &mut extism::Plugin, params: &str) -> String {
    plugin.call::<&str, String>("run", params).unwrap()
}

/// The WAT plugin's host function: the storage usage as a plain `i64` result.
fn extism_wat_usage(storage: &Arc<AppStorage>) -> extism::Function {
    let storage = storage.clone();
    extism::Function::new(
        "storage_usage",
        [],
        [extism::ValType::I64],
        extism::UserData::new(()),
        move |_plugin, _inputs, outputs, _data| {
            outputs[0] = extism::Val::I64(storage.usage().0 as i64);
            Ok(())
        },
    )
}

fn extism_wat_builder(wasm: &[u8], storage: &Arc<AppStorage>) -> extism::PluginBuilder<'static> {
    extism::PluginBuilder::new(wasm.to_vec())
        .with_wasi(false)
        .with_functions([extism_wat_usage(storage)])
}

/// Writes each runtime's wasm size to `peer_sizes.json` where criterion writes its results
/// (`$CRITERION_HOME`, else `<target dir>/criterion`; this binary is `<target dir>/<profile>/deps/*`).
fn write_sizes(sizes: &[(&str, usize)]) {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.ancestors().nth(3)?.join("criterion"))
        });
    let Some(dir) = dir else {
        eprintln!("peer_sizes.json not written: no criterion directory");
        return;
    };
    let json: serde_json::Map<String, serde_json::Value> = sizes
        .iter()
        .map(|(name, bytes)| (name.to_string(), (*bytes).into()))
        .collect();
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            dir.join("peer_sizes.json"),
            serde_json::to_string_pretty(&json).unwrap(),
        )
    });
    if let Err(e) = written {
        eprintln!("peer_sizes.json not written to {}: {e}", dir.display());
    }
}

/// A QuickJS runtime and context with the bench program loaded and `storageUsage` defined.
struct Js {
    _runtime: rquickjs::Runtime,
    context: rquickjs::Context,
}

impl Js {
    fn new(storage: &Arc<AppStorage>) -> Js {
        let runtime = rquickjs::Runtime::new().unwrap();
        let context = rquickjs::Context::full(&runtime).unwrap();
        let storage = storage.clone();
        context.with(|ctx| {
            let usage =
                rquickjs::Function::new(ctx.clone(), move || storage.usage().0 as f64).unwrap();
            ctx.globals().set("storageUsage", usage).unwrap();
            ctx.eval::<(), _>(JS_PROGRAM).unwrap();
        });
        Js {
            _runtime: runtime,
            context,
        }
    }

    fn on_launch(&self, params: &str) -> String {
        self.context.with(|ctx| {
            let f: rquickjs::Function = ctx.globals().get("onLaunch").unwrap();
            f.call((params,)).unwrap()
        })
    }
}

fn peers(c: &mut Criterion) {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = World::new();
    let rt = Runtime::new(
        world.home(),
        RuntimeConfig {
            audit: false,
            ..RuntimeConfig::new(HostServices::development())
        },
    )
    .unwrap();
    rt.install_package(&package(
        &manifest(APP, "1.0.0", &[Permission::Storage]),
        guests::BENCH,
    ))
    .unwrap();
    let app = AppId::parse(APP).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let storage = storage(&scratch.path().join("data"));
    let plugin_wasm = wat::parse_str(PLUGIN_WAT).unwrap();
    write_sizes(&[
        ("miniapp_bench_component", guests::BENCH.len()),
        ("extism_pdk_plugin", PLUGIN_PDK.len()),
        ("extism_wat_plugin", plugin_wasm.len()),
    ]);
    // The PDK plugin answers like the guest before anything is timed.
    {
        let mut plugin = extism_pdk_builder(&storage).build().unwrap();
        assert_eq!(extism_run(&mut plugin, "noop"), "");
        assert_eq!(
            extism_run(&mut plugin, &format!("usage:{CALLS}")),
            storage.usage().0.to_string()
        );
    }

    let mut g = c.benchmark_group("peer_cold_start");
    g.bench_function("miniapp", |b| {
        b.iter(|| {
            rt.clear_caches();
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            tokio.block_on(inst.on_launch("noop")).unwrap()
        })
    });
    // Extism as configured by default (its wasmtime compilation cache on) and with no cache:
    // the PDK plugin, then the WAT floor.
    g.bench_function("extism", |b| {
        b.iter(|| {
            let mut plugin = extism_pdk_builder(&storage).build().unwrap();
            extism_run(&mut plugin, "noop")
        })
    });
    g.bench_function("extism_no_cache", |b| {
        b.iter(|| {
            let mut plugin = extism_pdk_builder(&storage)
                .with_cache_disabled()
                .build()
                .unwrap();
            extism_run(&mut plugin, "noop")
        })
    });
    g.bench_function("extism_wat", |b| {
        b.iter(|| {
            let mut plugin = extism_wat_builder(&plugin_wasm, &storage).build().unwrap();
            plugin.call::<&[u8], Vec<u8>>("noop", b"").unwrap()
        })
    });
    g.bench_function("extism_wat_no_cache", |b| {
        b.iter(|| {
            let mut plugin = extism_wat_builder(&plugin_wasm, &storage)
                .with_cache_disabled()
                .build()
                .unwrap();
            plugin.call::<&[u8], Vec<u8>>("noop", b"").unwrap()
        })
    });
    g.bench_function("quickjs", |b| {
        b.iter(|| Js::new(&storage).on_launch("noop"))
    });
    g.finish();

    let compiled = extism_pdk_builder(&storage).compile().unwrap();
    let compiled_wat = extism_wat_builder(&plugin_wasm, &storage)
        .compile()
        .unwrap();
    let mut g = c.benchmark_group("peer_warm_start");
    g.bench_function("miniapp", |b| {
        b.iter(|| {
            let mut inst = tokio
                .block_on(rt.launch(&app, LaunchOptions::default()))
                .unwrap();
            tokio.block_on(inst.on_launch("noop")).unwrap()
        })
    });
    g.bench_function("extism", |b| {
        b.iter(|| {
            let mut plugin = extism::Plugin::new_from_compiled(&compiled).unwrap();
            extism_run(&mut plugin, "noop")
        })
    });
    g.bench_function("extism_wat", |b| {
        b.iter(|| {
            let mut plugin = extism::Plugin::new_from_compiled(&compiled_wat).unwrap();
            plugin.call::<&[u8], Vec<u8>>("noop", b"").unwrap()
        })
    });
    g.finish();

    let mut ours = tokio
        .block_on(rt.launch(&app, LaunchOptions::default()))
        .unwrap();
    let mut plugin = extism::Plugin::new_from_compiled(&compiled).unwrap();
    let mut plugin_wat = extism::Plugin::new_from_compiled(&compiled_wat).unwrap();
    let js = Js::new(&storage);
    let usage = format!("usage:{CALLS}");
    let mut g = c.benchmark_group("peer_host_call_x1000");
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&usage)).unwrap())
    });
    g.bench_function("extism", |b| b.iter(|| extism_run(&mut plugin, &usage)));
    g.bench_function("extism_wat", |b| {
        b.iter(|| {
            plugin_wat
                .call::<&[u8], Vec<u8>>("usage_x1000", b"")
                .unwrap()
        })
    });
    g.bench_function("quickjs", |b| b.iter(|| js.on_launch(&usage)));
    g.bench_function("native", |b| {
        b.iter(|| {
            let storage: &AppStorage = black_box(&storage);
            (0..CALLS).fold(0, |_, _| black_box(storage.usage()).0)
        })
    });
    g.finish();

    let sha = format!("sha256:{SHA256_BYTES}");
    let expected = miniapp_kernels::hex(&miniapp_kernels::sha256_workload(SHA256_BYTES));
    assert_eq!(tokio.block_on(ours.on_launch(&sha)).unwrap(), expected);
    assert_eq!(extism_run(&mut plugin, &sha), expected);
    assert_eq!(js.on_launch(&sha), expected);
    let mut g = c.benchmark_group("peer_sha256_1mib");
    g.sample_size(10);
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&sha)).unwrap())
    });
    g.bench_function("extism", |b| b.iter(|| extism_run(&mut plugin, &sha)));
    g.bench_function("quickjs", |b| b.iter(|| js.on_launch(&sha)));
    g.bench_function("native", |b| {
        b.iter(|| miniapp_kernels::sha256_workload(black_box(SHA256_BYTES)))
    });
    g.finish();

    let sort = format!("sort:{SORT_NUMBERS}");
    let expected = miniapp_kernels::sort_workload(SORT_NUMBERS).to_string();
    assert_eq!(tokio.block_on(ours.on_launch(&sort)).unwrap(), expected);
    assert_eq!(extism_run(&mut plugin, &sort), expected);
    assert_eq!(js.on_launch(&sort), expected);
    let mut g = c.benchmark_group("peer_sort_100k");
    g.sample_size(10);
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&sort)).unwrap())
    });
    g.bench_function("extism", |b| b.iter(|| extism_run(&mut plugin, &sort)));
    g.bench_function("quickjs", |b| b.iter(|| js.on_launch(&sort)));
    g.bench_function("native", |b| {
        b.iter(|| miniapp_kernels::sort_workload(black_box(SORT_NUMBERS)))
    });
    g.finish();
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = peers
}
criterion_main!(group);
