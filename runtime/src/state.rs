//! Per-instance state (`Store<AppState>`) and what is shared by every instance of a host.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use miniapp_package::AppId;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::audit::AuditLog;
use crate::bridge::AppUsage;
use crate::capabilities::HostServices;
use crate::grants::PermissionSet;
use crate::storage::AppStorage;
use crate::tokens::TokenIssuer;

/// Shared by every app of one host: services, the token key, the audit log, host facts.
#[derive(Debug)]
pub struct HostContext {
    pub(crate) services: HostServices,
    pub(crate) tokens: TokenIssuer,
    pub(crate) audit: AuditLog,
    pub(crate) host_version: semver::Version,
    pub(crate) token_policy: crate::capabilities::auth::TokenPolicy,
}

/// What a bridge call may see: who is calling, what it was granted, and its own storage.
/// Used by both transports (component linker and JSON dispatcher).
#[derive(Debug, Clone)]
pub struct AppContext {
    pub(crate) app: AppId,
    pub(crate) grants: PermissionSet,
    pub(crate) storage: Arc<AppStorage>,
    pub(crate) usage: Arc<AppUsage>,
    pub(crate) host: Arc<HostContext>,
}

impl AppContext {
    pub fn app(&self) -> &AppId {
        &self.app
    }
    pub fn grants(&self) -> PermissionSet {
        self.grants
    }
}

/// Enforces memory/table/instance limits and remembers whether one was hit, so that the trap
/// that follows is reported as `MEMORY_LIMIT` rather than a generic guest trap.
#[derive(Debug)]
pub(crate) struct AppLimiter {
    pub(crate) limits: StoreLimits,
    pub(crate) memory_limit_hit: AtomicBool,
}

impl ResourceLimiter for AppLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = self.limits.memory_growing(current, desired, maximum)?;
        if !ok {
            self.memory_limit_hit.store(true, Ordering::Relaxed);
        }
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = self.limits.table_growing(current, desired, maximum)?;
        if !ok {
            self.memory_limit_hit.store(true, Ordering::Relaxed);
        }
        Ok(ok)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }
    fn tables(&self) -> usize {
        self.limits.tables()
    }
    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// The data of one instance's `Store`.
pub struct AppState {
    pub(crate) ctx: AppContext,
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limiter: AppLimiter,
}

impl WasiView for AppState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
