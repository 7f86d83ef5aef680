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
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            pooling: true,
            max_instances: 1000,
            max_memory_bytes: 256 << 20,
            fuel: false,
        }
    }
}

pub(crate) fn build_engine(opts: &EngineOptions) -> Result<Engine, RuntimeError> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    config.consume_fuel(opts.fuel);
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
