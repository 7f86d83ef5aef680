//! `miniapp-runtime`: runs verified, installed mini-programs.
//!
//! A [`Runtime`] owns one wasmtime `Engine` (pooling allocator, epoch interruption), a home
//! directory ([`Home`]) with its [`InstallStore`], and caches of compiled components and
//! `InstancePre`s per grant set. [`Runtime::launch`] creates an [`AppInstance`] whose only door to
//! the world is the bridge: the interfaces the app was granted are linked to the host's
//! [`HostServices`], the declared-but-not-granted ones to a stub answering `permission-denied`.
//!
//! The crate denies `unsafe` except in one place: deserializing a precompiled artifact whose
//! digest was checked against the install record (or a pinned bundle index).
#![deny(unsafe_code)]

mod artifacts;
mod audit;
pub mod bridge;
pub mod bundle;
pub mod capabilities;
#[cfg(feature = "dev")]
mod dev;
mod engine;
mod error;
mod fsutil;
mod home;
pub mod inspector;
mod install;
pub mod json_bridge;
mod lifecycle;
mod runtime;
mod state;
pub mod storage;
pub mod tokens;
pub mod updates;
mod usage;
mod wasi_log;

pub use bridge::{BridgeError, Method, SPAN_TARGET};
pub use capabilities::HostServices;
pub use capabilities::network::{
    NetworkPolicy, NetworkService, SystemNetwork, web_content_security_policy,
};
#[cfg(feature = "dev")]
pub use dev::DevPackage;
pub use engine::{
    Backend, DEVICE_MAX_MEMORY_BYTES, EPOCH_TICK, EngineOptions, EngineProfile, EngineReport,
    address_space_limit, host_triple, target_name, wasmtime_config,
};
pub use error::RuntimeError;
pub use fsutil::write_file_atomic;
pub use home::{Home, KeyRotation, RootRotation, TrustConfig};
pub use install::{
    AppVersions, InstallOutcome, InstallRecord, InstallStore, InstalledApp, component_import_names,
};
pub use miniapp_contract::{LifecycleEvent, MemoryLevel, PermissionSet};
pub use miniapp_package as package;
pub use runtime::{
    AppInstance, BlockingRuntime, DroppedCaches, LaunchOptions, LaunchTimings, Limits, Runtime,
    RuntimeConfig,
};
pub use state::AppContext;
pub use updates::{
    CodeUpdatePolicy, FetchBody, FetchError, FetchResponse, Fetcher, UpdateOutcome, UpdateProgress,
    Updater, UpdaterService,
};
pub use usage::UsageSnapshot;
