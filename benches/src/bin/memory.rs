//! Resident memory (RSS from /proc/self/statm) with 1, 100 and 1,000 live instances of the bench
//! app, and before/after 10,000 launches; `miniapp` or `raw_wasmtime` (the same component on an
//! engine configured alike), one per process so neither disturbs the other's figures.
//! Prints one JSON object; `benches/run.sh` saves it for the report.
//!
//! With `device`, the same under the device profile (the runtime's default), up to as many live
//! instances as its pool holds, and the address space the engine reserved at start.
//!
//! Usage: `memory miniapp|raw_wasmtime [server|device]`

use std::sync::Arc;

use miniapp_benches::{raw_engine_for, raw_pre, raw_storage, raw_store};
use miniapp_package::{AppId, Permission};
use miniapp_runtime::{EngineOptions, HostServices, LaunchOptions, Runtime, RuntimeConfig};
use miniapp_scenarios::{World, guests, manifest, package};
use serde_json::json;

const SERVER_LIVE: [usize; 3] = [1, 100, 1000];
const LAUNCHES: usize = 10_000;

/// Virtual address space of this process (VmSize), in KiB.
fn vm_size_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize")
}

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

/// Something that can start an instance of the bench app and call `on-launch("noop")`.
trait Launcher {
    type Instance;
    fn launch(&self) -> Self::Instance;
}

struct Miniapp {
    rt: Runtime,
    app: AppId,
    tokio: tokio::runtime::Runtime,
    _world: World,
}

impl Launcher for Miniapp {
    type Instance = miniapp_runtime::AppInstance;
    fn launch(&self) -> Self::Instance {
        let mut inst = self
            .tokio
            .block_on(self.rt.launch(&self.app, LaunchOptions::default()))
            .unwrap();
        self.tokio.block_on(inst.on_launch("noop")).unwrap();
        inst
    }
}

struct Raw {
    engine: wasmtime::Engine,
    pre: miniapp_benches::MiniProgramPre<miniapp_benches::Raw>,
    storage: Arc<miniapp_runtime::storage::AppStorage>,
    tokio: tokio::runtime::Runtime,
    _scratch: tempfile::TempDir,
}

impl Launcher for Raw {
    type Instance = (
        wasmtime::Store<miniapp_benches::Raw>,
        miniapp_benches::MiniProgram,
    );
    fn launch(&self) -> Self::Instance {
        let mut store = raw_store(&self.engine, &self.storage);
        let inst = self
            .tokio
            .block_on(self.pre.instantiate_async(&mut store))
            .unwrap();
        self.tokio
            .block_on(
                inst.miniapp_bridge_lifecycle()
                    .call_on_launch(&mut store, "noop"),
            )
            .unwrap()
            .unwrap();
        (store, inst)
    }
}

fn measure<L: Launcher>(launcher: &L, live_counts: &[usize]) -> serde_json::Value {
    drop(launcher.launch());
    let base = rss_kib();
    let mut live = Vec::new();
    let mut figures = Vec::new();
    for &n in live_counts {
        while live.len() < n {
            live.push(launcher.launch());
        }
        let rss = rss_kib();
        figures.push(json!({
            "instances": n,
            "rss_kib": rss,
            "per_instance_kib": (rss.saturating_sub(base)) as f64 / n as f64,
        }));
    }
    drop(live);
    let before = rss_kib();
    let start = std::time::Instant::now();
    for _ in 0..LAUNCHES {
        drop(launcher.launch());
    }
    let took = start.elapsed();
    let after = rss_kib();
    json!({
        "base_rss_kib": base,
        "live": figures,
        "launches": LAUNCHES,
        "launches_seconds": took.as_secs_f64(),
        "rss_before_launches_kib": before,
        "rss_after_launches_kib": after,
    })
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let profile: miniapp_runtime::EngineProfile = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "server".into())
        .parse()
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2);
        });
    let options = match profile {
        miniapp_runtime::EngineProfile::Server => EngineOptions {
            max_instances: 1100,
            ..EngineOptions::server()
        },
        miniapp_runtime::EngineProfile::Device => EngineOptions::device(),
    };
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let vm_before = vm_size_kib();
    let figures = match which.as_str() {
        "miniapp" => {
            let world = World::new();
            let rt = Runtime::new(
                world.home(),
                RuntimeConfig {
                    engine: options,
                    audit: false,
                    ..RuntimeConfig::new(HostServices::development())
                },
            )
            .unwrap();
            let reserved_kib = vm_size_kib().saturating_sub(vm_before);
            let live: Vec<usize> = match rt.engine_report().pool_instances {
                Some(n) if profile == miniapp_runtime::EngineProfile::Device => vec![1, n as usize],
                _ => SERVER_LIVE.to_vec(),
            };
            rt.install_package(&package(
                &manifest("com.acme.bench", "1.0.0", &[Permission::Storage]),
                guests::BENCH,
            ))
            .unwrap();
            let mut f = measure(
                &Miniapp {
                    rt,
                    app: AppId::parse("com.acme.bench").unwrap(),
                    tokio,
                    _world: world,
                },
                &live,
            );
            f["engine_reserved_kib"] = json!(reserved_kib);
            f
        }
        "raw_wasmtime" => {
            let engine = raw_engine_for(&options, true);
            let reserved_kib = vm_size_kib().saturating_sub(vm_before);
            let pool = match profile {
                // The device pool's capacity at the default 64 MiB limit (engine.rs tests it).
                miniapp_runtime::EngineProfile::Device => vec![1, 10],
                miniapp_runtime::EngineProfile::Server => SERVER_LIVE.to_vec(),
            };
            let pre = raw_pre(&engine, guests::BENCH);
            let scratch = tempfile::tempdir().unwrap();
            let storage = raw_storage(&scratch.path().join("data"));
            let mut f = measure(
                &Raw {
                    engine,
                    pre,
                    storage,
                    tokio,
                    _scratch: scratch,
                },
                &pool,
            );
            f["engine_reserved_kib"] = json!(reserved_kib);
            f
        }
        other => {
            eprintln!("usage: memory miniapp|raw_wasmtime [server|device] (got `{other}`)");
            std::process::exit(2);
        }
    };
    println!(
        "{}",
        json!({ "runtime": which, "profile": profile.as_str(), "figures": figures })
    );
}
