//! The one shared `Engine`: pooling allocator, epoch interruption, and the key that ties a
//! precompiled artifact to the exact engine configuration that wrote it.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::error::RuntimeError;

/// How often the epoch advances; CPU budgets are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Engine settings a host may choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineOptions {
    /// Use the pooling allocator (fast instantiation, fixed capacity). Off: on-demand allocation.
    pub pooling: bool,
    /// Capacity of the pool: live component instances at once.
    pub max_instances: u32,
    /// Largest linear memory any instance may reserve (bytes); per-app limits are lower.
    pub max_memory_bytes: usize,
    /// Count wasm fuel, for deterministic CPU budgets ([`crate::Limits::fuel`]); costs speed.
    pub fuel: bool,
    /// How guest code executes: native code from Cranelift, or Pulley bytecode for hosts that
    /// forbid JIT (iOS). Artifacts of the two are cached apart (the compatibility key differs).
    pub backend: Backend,
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

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            pooling: true,
            max_instances: 1000,
            max_memory_bytes: 256 << 20,
            fuel: false,
            backend: Backend::Cranelift,
        }
    }
}

pub(crate) fn build_engine(opts: &EngineOptions) -> Result<Engine, RuntimeError> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    config.consume_fuel(opts.fuel);
    if opts.backend == Backend::Pulley {
        config
            .target(pulley_target())
            .map_err(|e| RuntimeError::CompileFailed(format!("engine configuration: {e}")))?;
    }
    if opts.pooling {
        let mut pool = PoolingAllocationConfig::default();
        let n = opts.max_instances;
        pool.total_component_instances(n)
            // Components from componentize-py/jco hold many core instances, memories and tables.
            .max_core_instances_per_component(64)
            .max_memories_per_component(16)
            .max_tables_per_component(32)
            .total_core_instances(n * 8)
            .total_memories(n * 2)
            .total_tables(n * 4)
            .total_stacks(n)
            .max_memory_size(opts.max_memory_bytes);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&config)
        .map_err(|e| RuntimeError::CompileFailed(format!("engine configuration: {e}")))
}

/// Hex key of everything that makes a precompiled artifact loadable by this engine.
pub(crate) fn compatibility_key(engine: &Engine) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
#[derive(Debug)]
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
}

impl EpochTicker {
    pub(crate) fn start(engine: &Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, flag) = (engine.weak(), stop.clone());
        std::thread::Builder::new()
            .name("miniapp-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match engine.upgrade() {
                        Some(e) => e.increment_epoch(),
                        None => break,
                    }
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker { stop }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
