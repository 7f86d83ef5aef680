//! The same workloads on miniapp, Extism 1.30 (its own wasmtime), QuickJS (rquickjs) and native
//! Rust, in one run on one machine. Groups are named `peer_*`; inside a group each function is
//! one runtime. `benches/report.py` reads the medians into BENCHMARKING.md.
//!
//! Workloads: `noop` (start-up only), 1,000 host calls that read the app's storage usage
//! (`AppStorage::usage`, the same backend everywhere), SHA-256 of 1 MiB and a sort of 100,000
//! numbers (`miniapp-kernels` in wasm and native; `programs/bench.js` in QuickJS).

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

fn storage(dir: &std::path::Path) -> Arc<AppStorage> {
    std::fs::create_dir_all(dir).unwrap();
    let dir = cap_std::fs::Dir::open_ambient_dir(dir, cap_std::ambient_authority()).unwrap();
    Arc::new(AppStorage::open(dir, miniapp_runtime::storage::DEFAULT_QUOTA_BYTES).unwrap())
}

/// Extism's host function: the storage usage, like the `storage.usage` bridge call.
fn extism_usage(storage: &Arc<AppStorage>) -> extism::Function {
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

fn extism_builder(wasm: &[u8], storage: &Arc<AppStorage>) -> extism::PluginBuilder<'static> {
    extism::PluginBuilder::new(wasm.to_vec())
        .with_wasi(false)
        .with_functions([extism_usage(storage)])
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
            services: HostServices::development(),
            audit: false,
            ..RuntimeConfig::default()
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
    // Extism as configured by default (its wasmtime compilation cache on) and with no cache.
    g.bench_function("extism", |b| {
        b.iter(|| {
            let mut plugin = extism_builder(&plugin_wasm, &storage).build().unwrap();
            plugin.call::<&[u8], Vec<u8>>("noop", b"").unwrap()
        })
    });
    g.bench_function("extism_no_cache", |b| {
        b.iter(|| {
            let mut plugin = extism_builder(&plugin_wasm, &storage)
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

    let compiled = extism_builder(&plugin_wasm, &storage).compile().unwrap();
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
            plugin.call::<&[u8], Vec<u8>>("noop", b"").unwrap()
        })
    });
    g.finish();

    let mut ours = tokio
        .block_on(rt.launch(&app, LaunchOptions::default()))
        .unwrap();
    let mut plugin = extism::Plugin::new_from_compiled(&compiled).unwrap();
    let js = Js::new(&storage);
    let usage = format!("usage:{CALLS}");
    let mut g = c.benchmark_group("peer_host_call_x1000");
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&usage)).unwrap())
    });
    g.bench_function("extism", |b| {
        b.iter(|| plugin.call::<&[u8], Vec<u8>>("usage_x1000", b"").unwrap())
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
    assert_eq!(js.on_launch(&sha), expected);
    let mut g = c.benchmark_group("peer_sha256_1mib");
    g.sample_size(10);
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&sha)).unwrap())
    });
    g.bench_function("quickjs", |b| b.iter(|| js.on_launch(&sha)));
    g.bench_function("native", |b| {
        b.iter(|| miniapp_kernels::sha256_workload(black_box(SHA256_BYTES)))
    });
    g.finish();

    let sort = format!("sort:{SORT_NUMBERS}");
    let expected = miniapp_kernels::sort_workload(SORT_NUMBERS).to_string();
    assert_eq!(tokio.block_on(ours.on_launch(&sort)).unwrap(), expected);
    assert_eq!(js.on_launch(&sort), expected);
    let mut g = c.benchmark_group("peer_sort_100k");
    g.sample_size(10);
    g.bench_function("miniapp", |b| {
        b.iter(|| tokio.block_on(ours.on_launch(&sort)).unwrap())
    });
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
