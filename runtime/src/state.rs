//! Per-instance state (`Store<AppState>`) and what is shared by every instance of a host.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use miniapp_package::AppId;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
#[cfg(feature = "wasi-http")]
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use crate::audit::AuditLog;
use crate::error::RuntimeError;
use crate::storage::AppStorage;
use crate::tokens::TokenIssuer;
use crate::usage::AppUsage;
use miniapp_contract::PermissionSet;

/// Shared by every app of one host: services, the token key, the audit log, host facts.
#[derive(Debug)]
pub struct HostContext {
    pub(crate) services: ServiceMap,
    pub(crate) tokens: TokenIssuer,
    pub(crate) audit: AuditLog,
    pub(crate) host_version: semver::Version,
    pub(crate) token_policy: crate::tokens::TokenPolicy,
    /// Removes secrets from a call's JSON result before a record holds it (each capability
    /// declares its own; the registry puts them together here).
    pub(crate) redact: fn(miniapp_contract::Method, &mut serde_json::Value),
    /// The user's remembered consent answers (asked at launch, or again by `settings.request`).
    pub(crate) consent: crate::capabilities::consent::ConsentStore,
    /// Permissions the host's policy takes away from every app at every launch.
    pub(crate) withheld: PermissionSet,
}

/// The host's services, keyed by their type (`dyn PaymentService`…): a capability takes its
/// own with [`AppContext::service`], and nothing below the capabilities names them.
#[derive(Default)]
pub(crate) struct ServiceMap(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl ServiceMap {
    pub(crate) fn insert<S: ?Sized + Send + Sync + 'static>(&mut self, service: Arc<S>) {
        self.0.insert(TypeId::of::<S>(), Box::new(service));
    }

    /// The service of type `S`. Every capability's service is inserted when the runtime is
    /// built (`HostServices::into_map`), so a missing one is a bug in this crate.
    pub(crate) fn get<S: ?Sized + Send + Sync + 'static>(&self) -> &Arc<S> {
        self.0
            .get(&TypeId::of::<S>())
            .and_then(|s| s.downcast_ref::<Arc<S>>())
            .unwrap_or_else(|| panic!("no {} service", std::any::type_name::<S>()))
    }
}

impl std::fmt::Debug for ServiceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServiceMap({} services)", self.0.len())
    }
}

/// What a bridge call may see: who is calling, what it was granted, and its own storage.
/// Used by both transports (component linker and JSON dispatcher).
#[derive(Debug, Clone)]
pub struct AppContext {
    pub(crate) app: AppId,
    /// What the app's manifest declares (`grants` is a subset of it).
    pub(crate) declared: PermissionSet,
    pub(crate) grants: PermissionSet,
    pub(crate) storage: Arc<AppStorage>,
    pub(crate) usage: Arc<AppUsage>,
    pub(crate) host: Arc<HostContext>,
    /// Microseconds this instance's guest spent waiting on async host services (a payment sheet,
    /// a consent prompt): not CPU time, so not counted against the CPU budget.
    pub(crate) host_wait_us: Arc<AtomicU64>,
    /// Permissions this instance already asked the user about again (`settings.request`): at
    /// most once each per launch, so a mini-program cannot nag.
    pub(crate) asked_again: Arc<std::sync::Mutex<PermissionSet>>,
    /// The version this instance runs and its own figures (`updates`, `performance`).
    pub(crate) instance: Arc<InstanceInfo>,
}

/// What one instance (or one web page's session) knows about itself: the version it runs,
/// where to look for a staged one, and what it measured of its own launch and calls.
pub(crate) struct InstanceInfo {
    pub(crate) version: semver::Version,
    /// The app's installed versions; `None` when nothing can be staged for it (a development
    /// package served by the simulator).
    pub(crate) installed: Option<Arc<dyn InstalledVersions>>,
    /// A component instance (false: a web page, whose launch and code the WebView measures).
    pub(crate) component: bool,
    /// Set once the instance exists (components only).
    pub(crate) launch: std::sync::OnceLock<crate::runtime::LaunchTimings>,
    /// Set when the first `on-launch` returns.
    pub(crate) on_launch_ms: std::sync::OnceLock<f64>,
    pub(crate) bridge_calls: AtomicU64,
    /// Guest calls that returned (`on-launch`, `on-event`, instantiation).
    pub(crate) guest_time_us: AtomicU64,
    /// The staged version this instance already knows of (told by `updateReady`, or seen in an
    /// `updates` answer): it is not told again.
    pub(crate) update_known: std::sync::Mutex<Option<semver::Version>>,
}

impl InstanceInfo {
    pub(crate) fn new(
        version: semver::Version,
        installed: Option<Arc<dyn InstalledVersions>>,
        component: bool,
    ) -> Self {
        InstanceInfo {
            version,
            installed,
            component,
            launch: Default::default(),
            on_launch_ms: Default::default(),
            bridge_calls: AtomicU64::new(0),
            guest_time_us: AtomicU64::new(0),
            update_known: Default::default(),
        }
    }
}

impl InstanceInfo {
    /// The staged version newer than this instance's, if any.
    pub(crate) fn staged(&self, app: &AppId) -> Result<Option<semver::Version>, RuntimeError> {
        let Some(installed) = &self.installed else {
            return Ok(None);
        };
        Ok(installed
            .versions(app)?
            .pending
            .filter(|p| *p > self.version))
    }
}

impl std::fmt::Debug for InstanceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceInfo")
            .field("version", &self.version)
            .field("component", &self.component)
            .finish_non_exhaustive()
    }
}

/// The install store's view of an app's versions, for `updates.status` (the runtime's `Apps`
/// implements it; capabilities do not name the install store's owner).
pub(crate) trait InstalledVersions: Send + Sync {
    fn versions(&self, app: &AppId) -> Result<crate::install::AppVersions, RuntimeError>;
}

impl AppContext {
    /// The host's service of type `S` (e.g. `ctx.service::<dyn PaymentService>()`).
    pub(crate) fn service<S: ?Sized + Send + Sync + 'static>(&self) -> &Arc<S> {
        self.host.services.get::<S>()
    }

    pub fn app(&self) -> &AppId {
        &self.app
    }
    pub fn grants(&self) -> PermissionSet {
        self.grants
    }
}

/// Enforces the instance's limits: linear memory counted across ALL memories of the instance
/// (a component may hold several), table sizes and counts. Remembers whether a limit was hit, so
/// the trap that follows is reported as `MEMORY_LIMIT` rather than a generic guest trap, and the
/// peak memory, for usage figures.
#[derive(Debug)]
pub(crate) struct AppLimiter {
    pub(crate) memory_limit: usize,
    pub(crate) memory_total: usize,
    pub(crate) memory_peak: usize,
    pub(crate) limits: StoreLimits,
    pub(crate) memory_limit_hit: AtomicBool,
}

impl AppLimiter {
    pub(crate) fn new(memory_limit: usize, limits: StoreLimits) -> Self {
        AppLimiter {
            memory_limit,
            memory_total: 0,
            memory_peak: 0,
            limits,
            memory_limit_hit: AtomicBool::new(false),
        }
    }
}

impl ResourceLimiter for AppLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.memory_total - current.min(self.memory_total) + desired;
        if total > self.memory_limit {
            self.memory_limit_hit.store(true, Ordering::Relaxed);
            return Ok(false);
        }
        self.memory_total = total;
        self.memory_peak = self.memory_peak.max(total);
        Ok(true)
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
    pub(crate) cpu: CpuBudget,
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limiter: AppLimiter,
    #[cfg(feature = "wasi-http")]
    pub(crate) http: WasiHttpCtx,
    /// The outbound-HTTP policy hooks (`capabilities::network`): when the app did not declare
    /// `network`, `wasi:http` is not linked at all and these refuse everything.
    #[cfg(feature = "wasi-http")]
    pub(crate) http_hooks: Box<dyn WasiHttpHooks + Send>,
}

#[cfg(feature = "wasi-http")]
impl WasiHttpView for AppState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut *self.http_hooks,
        }
    }
}

impl WasiView for AppState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The CPU budget of the guest call in progress: wall time since the call started, less the time
/// spent waiting on async host services. Checked each time the epoch deadline passes, so a guest
/// waiting for the user in a payment sheet is not stopped for the user's slowness, and a guest
/// spinning in a loop is stopped once its own time runs out.
#[derive(Debug)]
pub(crate) struct CpuBudget {
    pub(crate) budget: Duration,
    call_start: Instant,
    wait_at_start: u64,
}

impl CpuBudget {
    pub(crate) fn new(budget: Duration) -> Self {
        CpuBudget {
            budget,
            call_start: Instant::now(),
            wait_at_start: 0,
        }
    }

    /// A guest call starts now.
    pub(crate) fn start(&mut self, host_wait_us: &AtomicU64) {
        self.call_start = Instant::now();
        self.wait_at_start = host_wait_us.load(Ordering::Relaxed);
    }

    /// The budget left to the call in progress, or `None` when it is spent.
    pub(crate) fn left(&self, host_wait_us: &AtomicU64) -> Option<Duration> {
        let waited = host_wait_us
            .load(Ordering::Relaxed)
            .saturating_sub(self.wait_at_start);
        let used = self
            .call_start
            .elapsed()
            .saturating_sub(Duration::from_micros(waited));
        self.budget.checked_sub(used).filter(|d| !d.is_zero())
    }
}
