//! The one shared `Engine`: a profile that sizes its address-space reservations for the process
//! it runs in (a phone or a server), epoch interruption driven only while guest code runs, and the
//! key that ties a precompiled artifact to the exact engine configuration that wrote it.

#[cfg(feature = "cranelift")]
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::error::RuntimeError;

/// How often the epoch advances while guest code runs; CPU budgets are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// WebAssembly page size: reservations are whole pages.
const WASM_PAGE: usize = 64 << 10;

/// Under `device`, the most address space the pool may reserve for linear memories. A phone app
/// without extended virtual addressing gets a few GiB for everything (iOS): the pool takes at most
/// half of the smallest such budget we target (2 GiB); at the default 64 MiB limit, 10 slots take
/// 640 MiB.
const DEVICE_POOL_MEMORY_BYTES: usize = 1 << 30;

/// Under `device`, the guard after each linear memory. Small: bounds are checked explicitly
/// (the reservation is far below 4 GiB anyway), the guard only lets Cranelift fold small offsets.
const DEVICE_GUARD_BYTES: u64 = 64 << 10;

/// The largest per-app memory limit `device` accepts: two pool slots must still fit the budget.
pub const DEVICE_MAX_MEMORY_BYTES: usize = DEVICE_POOL_MEMORY_BYTES / 2 - (64 << 10);

/// Named engine configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineProfile {
    /// For phones (the default): linear-memory reservations sized from the per-app memory limit
    /// with small guards and explicit bounds checks, a pool of a few slots. Starts inside a 2 GiB
    /// address space.
    #[default]
    Device,
    /// For hosts with a large address space: 4 GiB reservations with guard regions (no bounds
    /// checks in compiled code) and a pool of 1,000 instances. Reserves terabytes of address
    /// space at start.
    Server,
}

impl EngineProfile {
    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineProfile::Device => "device",
            EngineProfile::Server => "server",
        }
    }
}

impl std::str::FromStr for EngineProfile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "device" => Ok(EngineProfile::Device),
            "server" => Ok(EngineProfile::Server),
            other => Err(format!(
                "unknown engine profile `{other}`: expected `device` or `server`"
            )),
        }
    }
}

impl std::fmt::Display for EngineProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Engine settings a host may choose. Start from [`EngineOptions::device`] (the default) or
/// [`EngineOptions::server`] and change fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// How reservations are sized (see [`EngineProfile`]).
    pub profile: EngineProfile,
    /// Use the pooling allocator (fast instantiation, fixed capacity). Off: on-demand allocation.
    pub pooling: bool,
    /// Capacity of the pool: live component instances at once. Under `device` the pool may be
    /// smaller: it holds as many slots as its address-space budget allows.
    pub max_instances: u32,
    /// Largest linear memory any instance may reserve (bytes). Under `device` the runtime sets it
    /// to the per-app memory limit ([`crate::Limits::memory_bytes`]).
    pub max_memory_bytes: usize,
    /// Count wasm fuel, for deterministic CPU budgets ([`crate::Limits::fuel`]); costs speed.
    pub fuel: bool,
    /// How guest code executes: native code from Cranelift, or Pulley bytecode for hosts that
    /// forbid JIT (iOS). Artifacts of the two are cached apart (the compatibility key differs).
    pub backend: Backend,
}

impl EngineOptions {
    /// The phone profile: a pool of at most 10 instances, reservations sized from the memory limit.
    pub fn device() -> Self {
        EngineOptions {
            profile: EngineProfile::Device,
            pooling: true,
            max_instances: 10,
            max_memory_bytes: 64 << 20,
            fuel: false,
            backend: Backend::Cranelift,
        }
    }

    /// The server profile: 1,000 pooled instances with 4 GiB reservations and guards.
    pub fn server() -> Self {
        EngineOptions {
            profile: EngineProfile::Server,
            pooling: true,
            max_instances: 1000,
            max_memory_bytes: 256 << 20,
            fuel: false,
            backend: Backend::Cranelift,
        }
    }

    /// The options of a named profile.
    pub fn for_profile(profile: EngineProfile) -> Self {
        match profile {
            EngineProfile::Device => Self::device(),
            EngineProfile::Server => Self::server(),
        }
    }
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self::device()
    }
}

/// How compiled guest code runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Cranelift compiles to the host's machine code (needs executable memory).
    #[default]
    Cranelift,
    /// Cranelift compiles to Pulley bytecode, run by wasmtime's portable interpreter: no
    /// executable memory is ever mapped, so it works where JIT is forbidden. Slower.
    Pulley,
}

impl Backend {
    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Cranelift => "cranelift",
            Backend::Pulley => "pulley",
        }
    }
}

impl std::str::FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "cranelift" | "native" => Ok(Backend::Cranelift),
            "pulley" => Ok(Backend::Pulley),
            other => Err(format!(
                "unknown engine backend `{other}`: expected `cranelift` or `pulley`"
            )),
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pulley's target triple for this host's pointer width and byte order.
fn pulley_target() -> &'static str {
    match (
        cfg!(target_pointer_width = "64"),
        cfg!(target_endian = "little"),
    ) {
        (true, true) => "pulley64",
        (true, false) => "pulley64be",
        (false, true) => "pulley32",
        (false, false) => "pulley32be",
    }
}

/// What engine a runtime got: the profile asked for, and how it was actually built.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineReport {
    pub profile: EngineProfile,
    pub backend: Backend,
    /// `pooling` or `on-demand`.
    pub allocator: &'static str,
    /// Live instances the pool holds (`None` on demand: bounded by address space only).
    pub pool_instances: Option<u32>,
    /// Address space reserved per linear memory (bytes), guard excluded.
    pub memory_reservation_bytes: u64,
    /// Guard region after each linear memory (bytes).
    pub memory_guard_bytes: u64,
    /// Set when the configuration asked for did not fit and a smaller one was used: what and why.
    pub fallback: Option<String>,
}

impl serde::Serialize for EngineProfile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for Backend {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One configuration to try: the allocator and the reservation sizes.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    pool_instances: Option<u32>,
    reservation: u64,
    guard: u64,
}

fn round_to_pages(bytes: usize) -> usize {
    bytes.div_ceil(WASM_PAGE).max(1) * WASM_PAGE
}

/// The configurations to try, best first. Each later one reserves less address space; the last
/// reserves only the memory limit itself per live memory, with no guard.
fn attempts(opts: &EngineOptions) -> Result<Vec<Attempt>, RuntimeError> {
    let memory = round_to_pages(opts.max_memory_bytes) as u64;
    let mut list = Vec::new();
    match opts.profile {
        EngineProfile::Server => {
            // wasmtime's defaults on 64-bit hosts: 4 GiB reservations, 32 MiB guards.
            let (reservation, guard) = (4u64 << 30, 32u64 << 20);
            if opts.pooling {
                list.push(Attempt {
                    pool_instances: Some(opts.max_instances),
                    reservation,
                    guard,
                });
            }
            list.push(Attempt {
                pool_instances: None,
                reservation,
                guard,
            });
        }
        EngineProfile::Device => {
            if opts.max_memory_bytes > DEVICE_MAX_MEMORY_BYTES {
                return Err(RuntimeError::MemoryLimitTooLarge {
                    requested_mb: (opts.max_memory_bytes >> 20) as u64,
                    max_mb: (DEVICE_MAX_MEMORY_BYTES >> 20) as u64,
                    profile: "device",
                });
            }
            let slots = (DEVICE_POOL_MEMORY_BYTES as u64 / (memory + DEVICE_GUARD_BYTES)) as u32;
            if opts.pooling && slots >= 1 {
                list.push(Attempt {
                    pool_instances: Some(opts.max_instances.min(slots)),
                    reservation: memory,
                    guard: DEVICE_GUARD_BYTES,
                });
            }
            list.push(Attempt {
                pool_instances: None,
                reservation: memory,
                guard: DEVICE_GUARD_BYTES,
            });
        }
    }
    list.push(Attempt {
        pool_instances: None,
        reservation: memory,
        guard: 0,
    });
    Ok(list)
}

fn config_for(opts: &EngineOptions, attempt: &Attempt) -> Result<Config, RuntimeError> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    config.consume_fuel(opts.fuel);
    if opts.backend == Backend::Pulley {
        config
            .target(pulley_target())
            .map_err(|e| RuntimeError::EngineUnavailable(format!("Pulley: {e}")))?;
    }
    // Memories never move: the reservation is the most a memory may grow to.
    config
        .memory_reservation(attempt.reservation)
        .memory_guard_size(attempt.guard)
        .memory_reservation_for_growth(0)
        .guard_before_linear_memory(opts.profile == EngineProfile::Server);
    if let Some(n) = attempt.pool_instances {
        let mut pool = PoolingAllocationConfig::default();
        // Components from componentize-py/jco hold many core instances, memories and tables.
        pool.total_component_instances(n)
            .max_core_instances_per_component(64)
            .max_memories_per_component(16)
            .max_tables_per_component(32)
            .total_stacks(n)
            .max_memory_size(opts.max_memory_bytes);
        match opts.profile {
            EngineProfile::Server => {
                pool.total_core_instances(n * 8)
                    .total_memories(n * 2)
                    .total_tables(n * 4);
            }
            // Every slot of the budget is a memory; core instances and tables are small.
            EngineProfile::Device => {
                pool.total_core_instances(n * 8)
                    .total_memories(n)
                    .total_tables(n * 8);
            }
        }
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Ok(config)
}

/// The wasmtime `Config` that [`EngineOptions`] asks for first (before any fallback): what a raw
/// wasmtime baseline uses to be configured exactly like the runtime.
pub fn wasmtime_config(opts: &EngineOptions) -> Result<Config, RuntimeError> {
    config_for(opts, &attempts(opts)?[0])
}

/// Can this engine actually reserve one memory of the full size? On demand nothing is reserved
/// until a memory is created, so creating the engine proves nothing; one probe does.
fn probe_memory(engine: &Engine, opts: &EngineOptions) -> Result<(), String> {
    let pages = (round_to_pages(opts.max_memory_bytes) / WASM_PAGE) as u32;
    let mut store = wasmtime::Store::new(engine, ());
    wasmtime::Memory::new(&mut store, wasmtime::MemoryType::new(1, Some(pages)))
        .map(drop)
        .map_err(|e| format!("{e:#}"))
}

/// Builds the engine for `opts`, falling back to configurations that reserve less address space
/// when one does not fit this process (say, a phone's few GiB), and saying which it took.
pub(crate) fn build_engine(opts: &EngineOptions) -> Result<(Engine, EngineReport), RuntimeError> {
    let attempts = attempts(opts)?;
    let mut failures: Vec<String> = Vec::new();
    for attempt in &attempts {
        let config = config_for(opts, attempt)?;
        let built = Engine::new(&config).map_err(|e| format!("{e:#}"));
        let built = built.and_then(|engine| {
            if attempt.pool_instances.is_none() {
                probe_memory(&engine, opts)?;
            }
            Ok(engine)
        });
        match built {
            Ok(engine) => {
                let fallback = (!failures.is_empty()).then(|| {
                    format!(
                        "the {} engine did not fit this process ({}); using {}",
                        opts.profile,
                        failures.join("; "),
                        describe(attempt)
                    )
                });
                if let Some(why) = &fallback {
                    tracing::warn!(target: "miniapp::engine", "{why}");
                }
                let report = EngineReport {
                    profile: opts.profile,
                    backend: opts.backend,
                    allocator: if attempt.pool_instances.is_some() {
                        "pooling"
                    } else {
                        "on-demand"
                    },
                    pool_instances: attempt.pool_instances,
                    memory_reservation_bytes: attempt.reservation,
                    memory_guard_bytes: attempt.guard,
                    fallback,
                };
                return Ok((engine, report));
            }
            Err(e) => failures.push(format!("{}: {e}", describe(attempt))),
        }
    }
    let limit = match address_space_limit() {
        Some(l) => format!("the process may map {} MiB", l >> 20),
        None => "no address-space limit is visible".into(),
    };
    Err(RuntimeError::EngineUnavailable(format!(
        "{limit}, and no engine configuration fit it: {}",
        failures.join("; ")
    )))
}

fn describe(a: &Attempt) -> String {
    let alloc = match a.pool_instances {
        Some(n) => format!("a pool of {n} instances"),
        None => "on-demand allocation".into(),
    };
    format!(
        "{alloc} with {} MiB reservations and {} KiB guards",
        a.reservation >> 20,
        a.guard >> 10
    )
}

/// The process's address-space limit (`RLIMIT_AS`), where the platform shows it.
pub fn address_space_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Hex key of everything that makes a precompiled artifact loadable by this engine.
#[cfg(feature = "cranelift")]
pub(crate) fn compatibility_key(
    engine: &Engine,
    _opts: &EngineOptions,
    _report: &EngineReport,
) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Without a compiler wasmtime offers no compatibility hash: the key is a digest of the settings
/// we chose (target, wasm features, tunables). It only keeps caches apart; the artifact's own
/// header is checked against the engine when it is deserialized, whatever the key.
#[cfg(not(feature = "cranelift"))]
pub(crate) fn compatibility_key(
    engine: &Engine,
    opts: &EngineOptions,
    report: &EngineReport,
) -> String {
    use sha2::Digest as _;
    let attempt = Attempt {
        pool_instances: report.pool_instances,
        reservation: report.memory_reservation_bytes,
        guard: report.memory_guard_bytes,
    };
    let settings = match config_for(opts, &attempt) {
        Ok(config) => format!("{config:?}"),
        Err(e) => e.to_string(),
    };
    let digest = sha2::Sha256::digest(format!(
        "{settings} pulley={} target={}",
        engine.is_pulley(),
        target_name(opts.backend)
    ));
    format!("lean-{}", hex::encode(&digest[..8]))
}

/// The target triple artifacts of `backend` are compiled for on this host: what a bundle made
/// for this runtime must name.
pub fn target_name(backend: Backend) -> String {
    match backend {
        Backend::Pulley => pulley_target().to_string(),
        Backend::Cranelift => host_triple(),
    }
}

/// This host's target triple as Rust spells it (`aarch64-apple-ios`, `x86_64-unknown-linux-gnu`).
pub fn host_triple() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "ios" if cfg!(target_abi = "sim") => format!("{arch}-apple-ios-sim"),
        "ios" => format!("{arch}-apple-ios"),
        "macos" => format!("{arch}-apple-darwin"),
        "android" => format!("{arch}-linux-android"),
        "linux" if cfg!(target_env = "musl") => format!("{arch}-unknown-linux-musl"),
        "linux" => format!("{arch}-unknown-linux-gnu"),
        "windows" => format!("{arch}-pc-windows-msvc"),
        os => format!("{arch}-unknown-{os}"),
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] while at least one guest call is running, and
/// sleeps on a condition variable otherwise: an idle runtime never wakes the CPU. The thread is
/// started on the first guest call, so a process that never runs guest code has none, and it is
/// never joined, so it never delays process exit. It stops when the last handle is dropped.
pub(crate) struct EpochTicker {
    shared: Arc<TickerShared>,
}

struct TickerShared {
    engine: wasmtime::EngineWeak,
    /// Guest calls in progress on any store of this engine.
    active: AtomicUsize,
    started: AtomicBool,
    stop: AtomicBool,
    /// Epoch increments so far (observable in tests).
    ticks: std::sync::atomic::AtomicU64,
    /// Held by the ticker while it checks `active`, and by a caller waking it.
    wake: Mutex<()>,
    cv: Condvar,
}

impl std::fmt::Debug for EpochTicker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpochTicker")
            .field("active", &self.shared.active.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Keeps the epoch ticking while it lives: hold one across each guest call.
pub(crate) struct GuestRunning {
    shared: Arc<TickerShared>,
}

impl EpochTicker {
    pub(crate) fn new(engine: &Engine) -> Self {
        EpochTicker {
            shared: Arc::new(TickerShared {
                engine: engine.weak(),
                active: AtomicUsize::new(0),
                started: AtomicBool::new(false),
                stop: AtomicBool::new(false),
                ticks: Default::default(),
                wake: Mutex::new(()),
                cv: Condvar::new(),
            }),
        }
    }

    /// Marks a guest call as running until the returned guard is dropped.
    pub(crate) fn enter(&self) -> GuestRunning {
        let shared = &self.shared;
        if shared.active.fetch_add(1, Ordering::SeqCst) == 0 {
            if !shared.started.swap(true, Ordering::SeqCst) {
                spawn_ticker(shared.clone());
            }
            // Taking the lock orders this wake-up after the ticker's check of `active`.
            drop(shared.wake.lock().unwrap());
            shared.cv.notify_one();
        }
        GuestRunning {
            shared: shared.clone(),
        }
    }

    /// Whether the ticker thread exists (tests: a runtime that ran nothing has none).
    #[cfg(test)]
    pub(crate) fn started(&self) -> bool {
        self.shared.started.load(Ordering::SeqCst)
    }
}

impl Drop for EpochTicker {
    /// Stops the thread at its next wake-up: no runtime or instance uses it any more.
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        drop(self.shared.wake.lock().unwrap());
        self.shared.cv.notify_one();
    }
}

impl Drop for GuestRunning {
    fn drop(&mut self) {
        self.shared.active.fetch_sub(1, Ordering::SeqCst);
    }
}

fn spawn_ticker(shared: Arc<TickerShared>) {
    let spawned = std::thread::Builder::new()
        .name("miniapp-epoch".into())
        .spawn(move || {
            loop {
                {
                    let mut guard = shared.wake.lock().unwrap();
                    while shared.active.load(Ordering::SeqCst) == 0
                        && !shared.stop.load(Ordering::SeqCst)
                    {
                        guard = shared.cv.wait(guard).unwrap();
                    }
                }
                if shared.stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(EPOCH_TICK);
                match shared.engine.upgrade() {
                    Some(e) => {
                        e.increment_epoch();
                        shared.ticks.fetch_add(1, Ordering::Relaxed);
                    }
                    None => return,
                }
            }
        });
    if spawned.is_err() {
        // No thread, no deadlines: say so rather than let guests run unbounded silently.
        tracing::error!(target: "miniapp::engine", "could not start the epoch thread; CPU limits are not enforced");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_print() {
        for p in [EngineProfile::Device, EngineProfile::Server] {
            assert_eq!(p.as_str().parse::<EngineProfile>().unwrap(), p);
        }
        let e = "phone".parse::<EngineProfile>().unwrap_err();
        assert!(e.contains("`device` or `server`"), "{e}");
        assert_eq!(EngineOptions::default().profile, EngineProfile::Device);
    }

    #[test]
    fn device_reserves_from_the_memory_limit() {
        let opts = EngineOptions {
            max_memory_bytes: 64 << 20,
            ..EngineOptions::device()
        };
        let first = attempts(&opts).unwrap()[0];
        assert_eq!(first.reservation, 64 << 20);
        assert_eq!(first.guard, DEVICE_GUARD_BYTES);
        // The default 10 instances: 10 slots of 64 MiB + guard fit the 1 GiB budget.
        assert_eq!(first.pool_instances, Some(10));
        let big = EngineOptions {
            max_memory_bytes: 256 << 20,
            ..EngineOptions::device()
        };
        // Bigger slots, fewer of them: 1 GiB / (256 MiB + guard) = 3.
        assert_eq!(attempts(&big).unwrap()[0].pool_instances, Some(3));
        let (engine, report) = build_engine(&opts).unwrap();
        assert_eq!(report.allocator, "pooling");
        assert_eq!(report.memory_reservation_bytes, 64 << 20);
        assert!(report.fallback.is_none());
        drop(engine);
    }

    #[test]
    fn a_memory_limit_beyond_the_device_budget_is_refused_with_a_code() {
        let opts = EngineOptions {
            max_memory_bytes: 4 << 30,
            ..EngineOptions::device()
        };
        let e = build_engine(&opts).unwrap_err();
        assert_eq!(e.code(), "MEMORY_LIMIT_TOO_LARGE");
        assert!(e.to_string().contains("4096 MiB"), "{e}");
    }

    #[test]
    fn the_ticker_runs_only_while_a_guest_call_runs() {
        let engine = Engine::default();
        let ticker = EpochTicker::new(&engine);
        let ticks = || ticker.shared.ticks.load(Ordering::SeqCst);
        assert!(!ticker.started(), "no thread before the first guest call");
        {
            let _running = ticker.enter();
            std::thread::sleep(EPOCH_TICK * 6);
        }
        assert!(
            ticks() >= 2,
            "the epoch advanced while a call ran ({})",
            ticks()
        );
        std::thread::sleep(EPOCH_TICK * 3); // the ticker sees no call and parks
        let parked = ticks();
        std::thread::sleep(EPOCH_TICK * 8);
        assert_eq!(ticks(), parked, "no tick while no guest runs");
        {
            let _a = ticker.enter();
            let _b = ticker.enter(); // nested and concurrent calls share the one thread
            std::thread::sleep(EPOCH_TICK * 4);
        }
        assert!(ticks() > parked, "it wakes again for the next call");
    }
}
