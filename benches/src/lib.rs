//! Raw-wasmtime baselines for the benchmarks: the same component, engine settings and call,
//! without miniapp's layers (grant check, tracing span, usage counters, WASI context, limits).

use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "mini-program",
    imports: { default: async | trappable },
    exports: { default: async },
});

use miniapp::bridge::{storage, types};

/// The host state of the raw baseline: a default WASI context and a resource table.
pub struct Raw {
    pub wasi: wasmtime_wasi::WasiCtx,
    pub table: ResourceTable,
}

impl wasmtime_wasi::WasiView for Raw {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for Raw {}

impl storage::Host for Raw {
    async fn set(
        &mut self,
        _k: String,
        _v: Vec<u8>,
    ) -> wasmtime::Result<Result<(), types::BridgeError>> {
        Ok(Ok(()))
    }
    async fn get(
        &mut self,
        _k: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, types::BridgeError>> {
        Ok(Ok(None))
    }
    async fn remove(&mut self, _k: String) -> wasmtime::Result<Result<bool, types::BridgeError>> {
        Ok(Ok(false))
    }
    async fn keys(&mut self) -> wasmtime::Result<Result<Vec<String>, types::BridgeError>> {
        Ok(Ok(vec![]))
    }
    async fn clear(&mut self) -> wasmtime::Result<Result<(), types::BridgeError>> {
        Ok(Ok(()))
    }
    async fn usage(
        &mut self,
    ) -> wasmtime::Result<Result<storage::StorageUsage, types::BridgeError>> {
        Ok(Ok(storage::StorageUsage {
            used_bytes: 0,
            quota_bytes: 10 << 20,
        }))
    }
}

/// An engine configured like miniapp's (pooling allocator, epoch interruption), so the ratio
/// measures miniapp's layers rather than allocator choices.
pub fn raw_engine() -> Engine {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(
        PoolingAllocationConfig::default(),
    ));
    Engine::new(&config).unwrap()
}

/// A pre-instantiated raw component linking WASI p2 and `types` and `storage` directly.
pub fn raw_pre(engine: &Engine, wasm: &[u8]) -> MiniProgramPre<Raw> {
    let component = Component::new(engine, wasm).unwrap();
    let mut linker: Linker<Raw> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    types::add_to_linker::<Raw, HasSelf<Raw>>(&mut linker, |r| r).unwrap();
    storage::add_to_linker::<Raw, HasSelf<Raw>>(&mut linker, |r| r).unwrap();
    MiniProgramPre::new(linker.instantiate_pre(&component).unwrap()).unwrap()
}

pub fn raw_store(engine: &Engine) -> Store<Raw> {
    let wasi = wasmtime_wasi::WasiCtx::builder().build();
    let mut store = Store::new(
        engine,
        Raw {
            wasi,
            table: ResourceTable::new(),
        },
    );
    store.set_epoch_deadline(u64::MAX / 2);
    store
}
