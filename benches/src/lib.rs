//! Raw-wasmtime baselines for the benchmarks: the same component, engine settings, call and
//! storage backend, without miniapp's layers (install records and digest checks, grant check,
//! tracing span, usage counters, WASI context set-up, limits).
#![deny(unsafe_code)]

use std::path::Path;
use std::sync::Arc;

use miniapp_runtime::EngineOptions;
use miniapp_runtime::storage::AppStorage;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Engine, Store};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "mini-program",
    // Like the runtime: storage (and log) as plain host functions, the rest async.
    imports: {
        "miniapp:bridge/storage": trappable,
        "miniapp:bridge/log": trappable,
        default: async | trappable,
    },
    exports: { default: async },
});

use miniapp::bridge::{storage, types};

/// The host state of the raw baseline: a default WASI context, a resource table and the same
/// storage backend miniapp uses (so `storage.get`/`set` do the same file I/O on both sides).
pub struct Raw {
    pub wasi: wasmtime_wasi::WasiCtx,
    pub table: ResourceTable,
    pub storage: Arc<AppStorage>,
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
    fn set(&mut self, k: String, v: Vec<u8>) -> wasmtime::Result<Result<(), types::BridgeError>> {
        Ok(self.storage.set(&k, &v).map_err(raw_error))
    }
    fn get(&mut self, k: String) -> wasmtime::Result<Result<Option<Vec<u8>>, types::BridgeError>> {
        Ok(self.storage.get(&k).map_err(raw_error))
    }
    fn remove(&mut self, _k: String) -> wasmtime::Result<Result<bool, types::BridgeError>> {
        Ok(Ok(false))
    }
    fn keys(&mut self) -> wasmtime::Result<Result<Vec<String>, types::BridgeError>> {
        Ok(Ok(vec![]))
    }
    fn clear(&mut self) -> wasmtime::Result<Result<(), types::BridgeError>> {
        Ok(Ok(()))
    }
    fn usage(&mut self) -> wasmtime::Result<Result<storage::StorageUsage, types::BridgeError>> {
        let (used_bytes, quota_bytes) = self.storage.usage();
        Ok(Ok(storage::StorageUsage {
            used_bytes,
            quota_bytes,
        }))
    }
}

fn raw_error(e: miniapp_runtime::storage::StorageError) -> types::BridgeError {
    types::BridgeError::Internal(e.to_string())
}

/// Opens (creating it) a storage directory like the one miniapp gives an app.
pub fn raw_storage(dir: &Path) -> Arc<AppStorage> {
    std::fs::create_dir_all(dir).unwrap();
    let dir = cap_std::fs::Dir::open_ambient_dir(dir, cap_std::ambient_authority()).unwrap();
    Arc::new(AppStorage::open(dir, miniapp_runtime::storage::DEFAULT_QUOTA_BYTES).unwrap())
}

/// An engine configured like miniapp's default one (`EngineOptions::default()`, the `device`
/// profile: the same pool, reservations and epoch interruption), so the ratio measures miniapp's
/// layers rather than allocator choices.
pub fn raw_engine() -> Engine {
    raw_engine_with(true)
}

/// [`raw_engine`], with or without epoch interruption. Without it compiled code has no
/// interruption checks (and no way to stop an endless loop): the compute groups measure what
/// those checks cost.
pub fn raw_engine_with(epoch_interruption: bool) -> Engine {
    raw_engine_for(&EngineOptions::default(), epoch_interruption)
}

/// A raw engine configured exactly as miniapp configures `opts` (profile, pool, reservations).
pub fn raw_engine_for(opts: &EngineOptions, epoch_interruption: bool) -> Engine {
    let mut config = miniapp_runtime::wasmtime_config(opts).unwrap();
    config.epoch_interruption(epoch_interruption);
    Engine::new(&config).unwrap()
}

/// A pre-instantiated raw component linking WASI p2 and `types` and `storage` directly.
pub fn raw_pre(engine: &Engine, wasm: &[u8]) -> MiniProgramPre<Raw> {
    raw_pre_of(engine, &Component::new(engine, wasm).unwrap())
}

/// Links an already compiled (or deserialized) component like [`raw_pre`].
pub fn raw_pre_of(engine: &Engine, component: &Component) -> MiniProgramPre<Raw> {
    raw_pre_with(&raw_linker(engine), component)
}

/// The raw linker: WASI p2, `types` and `storage`. A host builds it once per process (miniapp
/// keeps one per grant set).
pub fn raw_linker(engine: &Engine) -> Linker<Raw> {
    let mut linker: Linker<Raw> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    types::add_to_linker::<Raw, HasSelf<Raw>>(&mut linker, |r| r).unwrap();
    storage::add_to_linker::<Raw, HasSelf<Raw>>(&mut linker, |r| r).unwrap();
    linker
}

/// Pre-instantiates `component` with an already built linker.
pub fn raw_pre_with(linker: &Linker<Raw>, component: &Component) -> MiniProgramPre<Raw> {
    MiniProgramPre::new(linker.instantiate_pre(component).unwrap()).unwrap()
}

/// Loads a precompiled artifact the raw way: map the file and deserialize (wasmtime's
/// `deserialize_file`, the fastest load it offers; miniapp maps an unchanged artifact too).
pub fn raw_load(engine: &Engine, artifact: &Path) -> Component {
    // SAFETY: the artifact was written by `Component::serialize` on an engine with this same
    // configuration, in this process, moments before, and nothing writes it afterwards (the
    // runtime makes the same call after checking the artifact's stamp).
    #[allow(unsafe_code)]
    let component = unsafe { Component::deserialize_file(engine, artifact) };
    component.unwrap()
}

pub fn raw_store(engine: &Engine, storage: &Arc<AppStorage>) -> Store<Raw> {
    let wasi = wasmtime_wasi::WasiCtx::builder().build();
    let mut store = Store::new(
        engine,
        Raw {
            wasi,
            table: ResourceTable::new(),
            storage: storage.clone(),
        },
    );
    store.set_epoch_deadline(u64::MAX / 2);
    store
}
