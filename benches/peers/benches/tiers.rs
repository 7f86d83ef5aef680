//! The interpreter tier: the same core module (`core/`, `miniapp-kernels`' SHA-256 and sort with
//! plain exports and no imports) on
//! - wasmtime + Cranelift with miniapp's engine settings (`device` profile): the JIT tier;
//! - wasmtime + Pulley with miniapp's settings: what an iOS host runs;
//! - wasmtime + Pulley without epoch interruption, and with the `server` profile's reservations
//!   (guard pages instead of explicit bounds checks): how much of Pulley's cost is our settings;
//! - wasmi 2 (a pure-Rust interpreter, eager translation): the reference interpreter;
//! - native Rust (the same kernels).
//!
//! Each engine's answer is checked against native before it is timed. `bash benches/run.sh`
//! runs it; BENCHMARKING.md has the figures.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use miniapp_runtime::{Backend, EngineOptions, wasmtime_config};

const WASM: &[u8] = include_bytes!(env!("CORE_KERNELS_WASM"));
const SHA256_BYTES: u32 = 64 << 10;
const SORT_NUMBERS: u32 = 100_000;

/// A kernel on one engine: `call(export, arg)` returns the export's answer.
trait Engine {
    fn call(&mut self, export: &str, arg: u32) -> u32;
}

struct Wasmtime {
    store: wasmtime::Store<()>,
    instance: wasmtime::Instance,
}

impl Wasmtime {
    fn new(opts: &EngineOptions, epoch: bool) -> Wasmtime {
        let mut config = wasmtime_config(opts).expect("miniapp's engine settings");
        config.epoch_interruption(epoch);
        let engine = wasmtime::Engine::new(&config).expect("engine");
        let module = wasmtime::Module::new(&engine, WASM).expect("compile the core kernels");
        let mut store = wasmtime::Store::new(&engine, ());
        // Interruption is checked but never due: the check's cost is what is measured.
        store.set_epoch_deadline(u64::MAX / 2);
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiate");
        Wasmtime { store, instance }
    }
}

impl Engine for Wasmtime {
    fn call(&mut self, export: &str, arg: u32) -> u32 {
        let f = self
            .instance
            .get_typed_func::<u32, u32>(&mut self.store, export)
            .expect("export");
        f.call(&mut self.store, arg).expect("call")
    }
}

struct Wasmi {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
}

impl Wasmi {
    fn new() -> Wasmi {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, WASM).expect("wasmi: parse the core kernels");
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("wasmi: instantiate");
        Wasmi { store, instance }
    }
}

impl Engine for Wasmi {
    fn call(&mut self, export: &str, arg: u32) -> u32 {
        let f = self
            .instance
            .get_typed_func::<u32, u32>(&self.store, export)
            .expect("export");
        f.call(&mut self.store, arg).expect("call")
    }
}

fn options(backend: Backend, server: bool) -> EngineOptions {
    let mut opts = if server {
        EngineOptions::server()
    } else {
        EngineOptions::device()
    };
    opts.backend = backend;
    // One instance: no pool to size.
    opts.pooling = false;
    opts
}

fn tiers(c: &mut Criterion) {
    let native_sha = {
        let d = miniapp_kernels::sha256_workload(SHA256_BYTES as usize);
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    };
    let native_sort = miniapp_kernels::sort_workload(SORT_NUMBERS as usize);
    let mut engines: Vec<(&str, Box<dyn Engine>)> = vec![
        (
            "cranelift",
            Box::new(Wasmtime::new(&options(Backend::Cranelift, false), true)),
        ),
        (
            "pulley",
            Box::new(Wasmtime::new(&options(Backend::Pulley, false), true)),
        ),
        (
            "pulley_no_epoch",
            Box::new(Wasmtime::new(&options(Backend::Pulley, false), false)),
        ),
        (
            "pulley_server_no_epoch",
            Box::new(Wasmtime::new(&options(Backend::Pulley, true), false)),
        ),
        ("wasmi", Box::new(Wasmi::new())),
    ];
    for (name, engine) in &mut engines {
        assert_eq!(engine.call("sha256", SHA256_BYTES), native_sha, "{name}");
        assert_eq!(engine.call("sort", SORT_NUMBERS), native_sort, "{name}");
    }
    for (group, export, arg) in [
        ("tier_sha256_64kib", "sha256", SHA256_BYTES),
        ("tier_sort_100k", "sort", SORT_NUMBERS),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        for (name, engine) in &mut engines {
            g.bench_function(*name, |b| b.iter(|| engine.call(export, black_box(arg))));
        }
        g.bench_function("native", |b| {
            b.iter(|| match export {
                "sha256" => miniapp_kernels::sha256_workload(black_box(arg) as usize)[0] as u32,
                _ => miniapp_kernels::sort_workload(black_box(arg) as usize),
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = tiers
}
criterion_main!(group);
