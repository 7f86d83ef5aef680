//! `Runtime`: one engine, one home, the caches; `launch` turns an installed app into an
//! [`AppInstance`] (`InstancePre::instantiate` + state setup).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use miniapp_package::{AppId, Permission, VerifiedPackage};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimitsBuilder, Trap};
use wasmtime_wasi::WasiCtxBuilder;
#[cfg(feature = "wasi-http")]
use wasmtime_wasi_http::WasiHttpCtx;

use crate::audit::AuditLog;
use crate::capabilities::bindings::{MiniProgram, MiniProgramPre};
use crate::capabilities::consent::{ConsentService, ConsentState, ConsentStore};
use crate::capabilities::network::NetworkPolicy;
#[cfg(feature = "wasi-http")]
use crate::capabilities::network::{AppNetwork, NetworkHooks, NetworkService, NoNetwork};
use crate::capabilities::{HostServices, link_bridge};
use crate::engine::{
    EPOCH_TICK, EngineOptions, EngineProfile, EngineReport, EpochTicker, build_engine,
};
use crate::error::RuntimeError;
use crate::home::Home;
use crate::install::{InstallOutcome, InstallStore, InstalledApp, LoadedApp};
use crate::lifecycle::Apps;
use crate::state::{
    AppContext, AppLimiter, AppState, HostContext, InstalledVersions, InstanceInfo,
};
use crate::storage::{AppStorage, DEFAULT_QUOTA_BYTES};
use crate::tokens::TokenPolicy;
use crate::usage::{AppUsage, UsageSnapshot};
use crate::wasi_log::GuestOutput;
use miniapp_contract::{LifecycleEvent, MemoryLevel, PermissionSet};

/// Per-instance limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU time one guest call may take (epoch deadline).
    pub cpu: Duration,
    /// Linear memory of one instance, all memories counted together.
    pub memory_bytes: usize,
    /// Storage quota per app.
    pub storage_quota_bytes: u64,
    /// Deterministic budget per guest call, in wasm fuel units; needs [`EngineOptions::fuel`].
    /// Running out is reported as `CPU_LIMIT`, like the time budget.
    pub fuel: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu: Duration::from_secs(1),
            memory_bytes: 64 << 20,
            storage_quota_bytes: DEFAULT_QUOTA_BYTES,
            fuel: None,
        }
    }
}

/// How a host configures its runtime.
pub struct RuntimeConfig {
    pub services: HostServices,
    pub limits: Limits,
    pub engine: EngineOptions,
    pub token_policy: TokenPolicy,
    /// Permissions this host never grants, whatever the manifest says.
    pub withheld: PermissionSet,
    /// Write `<home>/audit.log`.
    pub audit: bool,
    /// Rules for outbound HTTP beyond each app's `allowedDomains` (loopback, timeouts).
    pub network: NetworkPolicy,
    /// Which apps may be installed or updated over the air (`web-only` on an App Store build).
    pub code_updates: crate::lifecycle::CodeUpdatePolicy,
}

impl RuntimeConfig {
    /// A configuration with the host's services and everything else at its default: the `device`
    /// engine profile, default limits, audit on. There is no `Default`: which services answer
    /// consent and payments is the host's choice ([`HostServices::development`] says yes to
    /// every consent and fakes payments).
    pub fn new(services: HostServices) -> Self {
        RuntimeConfig {
            services,
            limits: Limits::default(),
            engine: EngineOptions::default(),
            token_policy: TokenPolicy::default(),
            withheld: PermissionSet::EMPTY,
            audit: true,
            network: NetworkPolicy::default(),
            code_updates: Default::default(),
        }
    }
}

/// Options of one launch.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// Overrides the runtime's limits for this launch.
    pub limits: Option<Limits>,
}

/// What [`Runtime::memory_warning`] dropped; each is rebuilt on demand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DroppedCaches {
    /// Compiled components (one per app that had one loaded).
    pub components: usize,
    /// `InstancePre`s (per app and grant set).
    pub instance_pres: usize,
    /// Linkers per grant set (`critical` only).
    pub linkers: usize,
    /// Storage handles of apps with no live instance or bridge context (`critical` only).
    pub storage_handles: usize,
}

/// Timings of one launch, for the demo and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTimings {
    /// Loading (or compiling) the component, 0 when it was cached in memory.
    pub load_ms: f64,
    /// Linking and `instantiate_pre`, 0 when cached.
    pub link_ms: f64,
    pub instantiate_ms: f64,
}

/// Linkers per (declared, granted) permission sets: what is linked depends on nothing else, so
/// every app with the same grants shares one (WASI alone is a few hundred host functions).
type LinkerCache = HashMap<(PermissionSet, PermissionSet), Arc<Linker<AppState>>>;

/// The embeddable runtime. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Runtime {
    engine: Engine,
    /// How the engine was built (profile, allocator, reservations, any fallback).
    engine_report: EngineReport,
    /// The largest linear memory the engine reserves: no launch may ask for more.
    max_memory_bytes: usize,
    ticker: Arc<EpochTicker>,
    /// The home, the per-app slots and their version lifecycle; shared with live instances.
    apps: Arc<Apps>,
    host: Arc<HostContext>,
    limits: Limits,
    fuel_enabled: bool,
    network: Arc<NetworkPolicy>,
    code_updates: crate::lifecycle::CodeUpdatePolicy,
    linkers: Mutex<LinkerCache>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("home", &self.apps.home().path())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Opens the runtime on an initialised home.
    pub fn new(home: &Path, config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        let home = Home::open(home)?;
        let mut engine_options = config.engine.clone();
        if engine_options.profile == EngineProfile::Device {
            // Reserve what the app may use, not more: a phone's address space is small.
            engine_options.max_memory_bytes = config.limits.memory_bytes;
        }
        let (engine, engine_report) = build_engine(&engine_options)?;
        let audit = if config.audit {
            AuditLog::open(&home.path().join("audit.log"))?
        } else {
            AuditLog::disabled()
        };
        let host = Arc::new(HostContext {
            services: config.services.into_map(),
            tokens: home.token_issuer()?,
            audit,
            host_version: home.trust().host_version.clone(),
            token_policy: config.token_policy,
            redact: crate::capabilities::redact,
            consent: ConsentStore::open(home.dir())?,
            withheld: config.withheld,
        });
        let engine_key = crate::engine::compatibility_key(&engine, &engine_options, &engine_report);
        let apps = Arc::new(Apps::new(home, engine.clone(), engine_key, host.clone())?);
        Ok(Runtime {
            ticker: Arc::new(EpochTicker::new(&engine)),
            engine_report,
            max_memory_bytes: engine_options.max_memory_bytes,
            engine,
            apps,
            host,
            limits: config.limits,
            fuel_enabled: config.engine.fuel,
            network: Arc::new(config.network),
            code_updates: config.code_updates,
            linkers: Mutex::default(),
        })
    }

    pub fn home(&self) -> &Home {
        self.apps.home()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How the engine was built: profile, allocator, reservations, and any fallback taken
    /// because the asked-for configuration did not fit this process.
    pub fn engine_report(&self) -> &EngineReport {
        &self.engine_report
    }

    /// Which apps may be installed or updated over the air.
    pub fn code_update_policy(&self) -> crate::lifecycle::CodeUpdatePolicy {
        self.code_updates
    }

    /// The outbound-HTTP rules this runtime applies (also what a web page's CSP is built from).
    pub fn network_policy(&self) -> &NetworkPolicy {
        &self.network
    }

    /// The install store, for read-only queries (its writes are the runtime's own).
    pub fn install_store(&self) -> InstallStore<'_> {
        self.apps.install_store()
    }

    /// Installs a verified package (extract, precompile, flip `state.json`) and audits it.
    pub fn install(&self, pkg: &VerifiedPackage) -> Result<InstallOutcome, RuntimeError> {
        let id = pkg.manifest().id.clone();
        let result = self
            .code_updates
            .check(pkg.manifest())
            .and_then(|()| self.install_store().install(pkg));
        match &result {
            Ok(o) => self.host.audit.record(
                "install",
                Some(&id),
                serde_json::json!({"version": o.app.version.to_string(), "digest": o.app.package_digest, "changed": o.changed}),
            ),
            Err(e) => self.audit_refusal(Some(&id), e),
        }
        self.forget(&id);
        result
    }

    /// Opens, verifies (against this home's root key and host version) and installs package bytes.
    pub fn install_package(&self, bytes: &[u8]) -> Result<InstallOutcome, RuntimeError> {
        match self.verify_package(bytes) {
            Ok(pkg) => self.install(&pkg),
            Err(e) => {
                self.audit_refusal(None, &e);
                Err(e)
            }
        }
    }

    /// Opens and verifies package bytes against this home's root key and host version.
    pub fn verify_package(&self, bytes: &[u8]) -> Result<VerifiedPackage, RuntimeError> {
        let verified = miniapp_package::Archive::open(bytes).and_then(|archive| {
            let anchors = self.home().trust_anchors().map_err(|e| match e {
                RuntimeError::Package(p) => p,
                other => miniapp_package::PackageError::KeyInvalid {
                    reason: other.to_string(),
                },
            })?;
            miniapp_package::verify(&archive, &anchors, &self.home().trust().host_version)
        });
        Ok(verified?)
    }

    /// Drops what this process holds in memory for `app` (its active version changed).
    pub(crate) fn forget(&self, app: &AppId) {
        self.apps.forget(app);
    }

    pub(crate) fn audit(&self, event: &str, app: Option<&AppId>, details: serde_json::Value) {
        self.apps.audit(event, app, details);
    }

    /// The apps' slots and version lifecycle (for `updates` and `bundle`).
    pub(crate) fn apps(&self) -> &Apps {
        &self.apps
    }

    /// Records a refused install or launch in the audit log.
    pub fn audit_refusal(&self, app: Option<&AppId>, e: &RuntimeError) {
        self.apps.audit_refusal(app, e);
    }

    /// Stages a verified package as the app's pending version: installed beside the active one,
    /// it becomes active at the app's next launch.
    pub fn stage(&self, pkg: &VerifiedPackage) -> Result<InstallOutcome, RuntimeError> {
        self.apps.stage(pkg, self.code_updates)
    }

    /// Returns `app` to its backup version. Returns `(left, now active)`.
    pub fn rollback(
        &self,
        app: &AppId,
    ) -> Result<(semver::Version, semver::Version), RuntimeError> {
        self.apps.rollback(app, "requested")
    }

    pub fn list(&self) -> Result<Vec<InstalledApp>, RuntimeError> {
        self.install_store().list()
    }

    pub fn uninstall(&self, app: &AppId, purge_data: bool) -> Result<(), RuntimeError> {
        self.install_store().uninstall(app, purge_data)?;
        self.apps.slot(app, |s| {
            s.loaded = None;
            s.pres.clear();
            s.storage = None;
        });
        self.host.audit.record(
            "uninstall",
            Some(app),
            serde_json::json!({"purgeData": purge_data}),
        );
        Ok(())
    }

    /// The host's token public key (PEM), for partner backends.
    pub fn token_public_key_pem(&self) -> &str {
        self.host.tokens.public_key_pem()
    }

    /// (used, quota) bytes of an app's storage.
    pub fn storage_usage(&self, app: &AppId) -> Result<(u64, u64), RuntimeError> {
        Ok(self.storage_of(app, None)?.usage())
    }

    /// Usage counters of an app in this process.
    pub fn usage(&self, app: &AppId) -> UsageSnapshot {
        self.usage_of(app).snapshot()
    }

    /// Usage of an app over its lifetime: what earlier processes persisted plus this process's
    /// counts not yet persisted.
    pub fn usage_totals(&self, app: &AppId) -> Result<UsageSnapshot, RuntimeError> {
        let stored = self.install_store().stored_usage(app)?;
        let (now, persisted) = self.apps.slot(app, |s| (s.usage.snapshot(), s.persisted));
        Ok(stored.add_delta(&now, &persisted))
    }

    /// Adds this process's usage counts to each app's `usage.json` (hosts call it at shutdown or
    /// periodically; the CLI after every run).
    pub fn persist_usage(&self) -> Result<(), RuntimeError> {
        let mut changed: Vec<(AppId, UsageSnapshot, UsageSnapshot)> = Vec::new();
        self.apps.each_slot(|app, s| {
            let now = s.usage.snapshot();
            if now != s.persisted {
                changed.push((app.clone(), now, s.persisted));
            }
        });
        let store = self.install_store();
        for (app, now, before) in changed {
            let total = store.stored_usage(&app)?.add_delta(&now, &before);
            store.store_usage(&app, &total)?;
            self.apps.slot(&app, |s| s.persisted = now);
        }
        Ok(())
    }

    fn usage_of(&self, app: &AppId) -> Arc<AppUsage> {
        self.apps.slot(app, |s| s.usage.clone())
    }

    /// The app's storage; a launch passes the quota of its limits, which then holds for the app
    /// whatever an earlier launch had. A query (`None`) changes nothing.
    fn storage_of(
        &self,
        app: &AppId,
        launch_quota: Option<u64>,
    ) -> Result<Arc<AppStorage>, RuntimeError> {
        if let Some(s) = self.apps.slot(app, |s| s.storage.clone()) {
            if let Some(quota) = launch_quota {
                s.set_quota(quota);
            }
            return Ok(s);
        }
        let quota = launch_quota.unwrap_or(self.limits.storage_quota_bytes);
        // Opened outside the slots' lock (it reads the disk); the first one in wins.
        let storage = Arc::new(AppStorage::open(self.home().data_dir(app)?, quota)?);
        Ok(self
            .apps
            .slot(app, |s| s.storage.get_or_insert(storage).clone()))
    }

    fn loaded_app(&self, app: &AppId) -> Result<(Arc<LoadedApp>, f64), RuntimeError> {
        if let Some(l) = self.apps.slot(app, |s| s.loaded.clone()) {
            return Ok((l, 0.0));
        }
        let start = Instant::now();
        let loaded = Arc::new(self.install_store().load(app)?);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        self.apps.slot(app, |s| s.loaded = Some(loaded.clone()));
        Ok((loaded, ms))
    }

    /// Forgets compiled components and `InstancePre`s held in memory (the next launch of each app
    /// is a cold start). Linkers per grant set stay: they belong to no app.
    pub fn clear_caches(&self) {
        self.apps.drop_caches(false);
    }

    /// The host's answer to the system's memory warning: drops what this process can rebuild
    /// and reports it. `Moderate`: every app's compiled component and `InstancePre`s (the next
    /// launch of each app reloads its artifact from the home: a cold start). `Critical`: also
    /// the linkers per grant set and the storage handles no live instance or bridge context
    /// holds. Live instances keep running on what they hold. The runtime does not know the
    /// host's live instances: deliver [`LifecycleEvent::MemoryWarning`] to them
    /// ([`AppInstance::deliver`]) and to open pages ([`crate::json_bridge::event_message`]).
    pub fn memory_warning(&self, level: MemoryLevel) -> DroppedCaches {
        let critical = level == MemoryLevel::Critical;
        let (components, instance_pres, storage_handles) = self.apps.drop_caches(critical);
        let linkers = if critical {
            std::mem::take(&mut *self.linkers.lock().unwrap()).len()
        } else {
            0
        };
        let dropped = DroppedCaches {
            components,
            instance_pres,
            linkers,
            storage_handles,
        };
        tracing::info!(target: "miniapp::memory", %level, ?dropped, "memory warning: caches dropped");
        dropped
    }

    /// grants = declared ∩ consented (for sensitive permissions) ∩ not withheld by the host.
    async fn grants(
        &self,
        app: &AppId,
        declared: PermissionSet,
    ) -> Result<PermissionSet, RuntimeError> {
        let mut grants = declared.difference(self.host.withheld);
        for p in declared.iter().filter(|p| p.is_sensitive()) {
            let answer = match self.host.consent.answer(app, p) {
                Some(a) => a,
                None => {
                    let a = self
                        .host
                        .services
                        .get::<dyn ConsentService>()
                        .ask(app, p)
                        .await;
                    self.host.consent.remember(app, p, Some(a))?;
                    self.host.audit.record(
                        "consent",
                        Some(app),
                        serde_json::json!({"permission": p.as_str(), "granted": a}),
                    );
                    a
                }
            };
            if !answer {
                grants.remove(p);
            }
        }
        Ok(grants)
    }

    /// The remembered consent answers of an app's sensitive permissions.
    pub fn consent_state(&self, app: &AppId) -> Vec<ConsentState> {
        Permission::ALL
            .into_iter()
            .filter(|p| p.is_sensitive())
            .map(|p| ConsentState {
                permission: p,
                granted: self.host.consent.answer(app, p),
            })
            .collect()
    }

    /// Forgets the user's answer (the next launch asks again), or sets it.
    pub fn set_consent(
        &self,
        app: &AppId,
        permission: Permission,
        granted: Option<bool>,
    ) -> Result<(), RuntimeError> {
        self.host.consent.remember(app, permission, granted)?;
        self.host.audit.record(
            "consent_changed",
            Some(app),
            serde_json::json!({"permission": permission.as_str(), "granted": granted}),
        );
        Ok(())
    }

    fn instance_pre(
        &self,
        loaded: &LoadedApp,
        declared: PermissionSet,
        grants: PermissionSet,
    ) -> Result<(MiniProgramPre<AppState>, f64), RuntimeError> {
        let app = &loaded.record.manifest.id;
        let key = (declared, grants);
        if let Some(pre) = self.apps.slot(app, |s| s.pres.get(&key).cloned()) {
            return Ok((pre, 0.0));
        }
        let start = Instant::now();
        let linker = self.linker(declared, grants)?;
        let pre = linker
            .instantiate_pre(&loaded.component)
            .and_then(MiniProgramPre::new)
            .map_err(|e| RuntimeError::InstantiateFailed(format!("{e:#}")))?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        self.apps.slot(app, |s| s.pres.insert(key, pre.clone()));
        Ok((pre, ms))
    }

    /// The linker for one grant set, built on first use.
    fn linker(
        &self,
        declared: PermissionSet,
        grants: PermissionSet,
    ) -> Result<Arc<Linker<AppState>>, RuntimeError> {
        if let Some(l) = self.linkers.lock().unwrap().get(&(declared, grants)) {
            return Ok(l.clone());
        }
        let mut linker: Linker<AppState> = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .and_then(|()| link_bridge(&mut linker, declared, grants))
            .map_err(|e| RuntimeError::InstantiateFailed(format!("linking: {e:#}")))?;
        let linker = Arc::new(linker);
        self.linkers
            .lock()
            .unwrap()
            .insert((declared, grants), linker.clone());
        Ok(linker)
    }

    /// The bridge context of an installed app, for the JSON bridge (web mini-programs).
    pub async fn app_context(&self, app: &AppId) -> Result<AppContext, RuntimeError> {
        let versions = self.install_store().versions(app)?;
        let version = versions
            .active
            .ok_or_else(|| RuntimeError::AppNotFound(app.to_string()))?;
        let record = self.install_store().record(app, &version)?;
        self.context_for(app, record.declared(), version).await
    }

    /// The bridge context of a web app served from its source dir by the simulator (`miniapp dev`),
    /// which has no install record: declared = the manifest's permissions, then the same consent,
    /// host policy and storage as [`Runtime::app_context`]. Nothing here checks a signature, so a
    /// host must never use it for code it did not write itself (hence the `dev` feature).
    #[cfg(feature = "dev")]
    pub async fn dev_context(
        &self,
        package: &crate::DevPackage,
    ) -> Result<AppContext, RuntimeError> {
        let manifest = package.manifest();
        self.context_for(
            &manifest.id,
            manifest.permissions.iter().collect(),
            manifest.version.clone(),
        )
        .await
    }

    /// For the simulator (`miniapp dev`): compiles a component built from source and makes it
    /// what [`Runtime::launch`] and [`Runtime::run`] start for `manifest.id` in this process, with
    /// declared = the manifest's permissions. The import check runs; no signature is checked,
    /// nothing is written to the home, and on an error the previously loaded component stays.
    /// Like [`Runtime::dev_context`], never for code the host did not write itself.
    #[cfg(all(feature = "dev", feature = "cranelift"))]
    pub fn dev_load(&self, package: &crate::DevPackage) -> Result<(), RuntimeError> {
        let manifest = package.manifest();
        let Some(component) = package.component().filter(|_| manifest.is_component()) else {
            return Err(RuntimeError::CompileFailed(format!(
                "`{}` is a web mini-program (entryPoint {})",
                manifest.id, manifest.entry_point
            )));
        };
        let component = wasmtime::component::Component::new(&self.engine, component)
            .map_err(|e| RuntimeError::CompileFailed(format!("{e:#}")))?;
        let record = crate::install::InstallRecord {
            manifest: manifest.clone(),
            partner: "(miniapp dev)".into(),
            package_digest: String::new(),
            installed_at: crate::tokens::now_unix(),
            files: Default::default(),
            artifacts: Default::default(),
            artifact_stamps: Default::default(),
        };
        self.install_store()
            .check_imports(&component, record.declared())?;
        self.forget(&manifest.id);
        let loaded = Arc::new(LoadedApp { record, component });
        self.apps.slot(&manifest.id, |s| s.loaded = Some(loaded));
        Ok(())
    }

    async fn context_for(
        &self,
        app: &AppId,
        declared: PermissionSet,
        version: semver::Version,
    ) -> Result<AppContext, RuntimeError> {
        let grants = self.grants(app, declared).await?;
        let installed: Arc<dyn InstalledVersions> = self.apps.clone();
        Ok(AppContext {
            app: app.clone(),
            declared,
            grants,
            storage: self.storage_of(app, Some(self.limits.storage_quota_bytes))?,
            usage: self.usage_of(app),
            host: self.host.clone(),
            host_wait_us: Default::default(),
            asked_again: Default::default(),
            instance: Arc::new(InstanceInfo::new(version, Some(installed), false)),
        })
    }

    /// Launches an installed app: a fresh instance with its own store. Call
    /// [`AppInstance::on_launch`] next. How the launch ends is recorded for the app's version
    /// (a guest failure here, or `on-launch`'s result): [`CRASH_LOOP_LIMIT`] guest failures
    /// in a row roll a new version back to its backup.
    ///
    /// [`CRASH_LOOP_LIMIT`]: crate::lifecycle::CRASH_LOOP_LIMIT
    pub async fn launch(
        &self,
        app: &AppId,
        options: LaunchOptions,
    ) -> Result<AppInstance, RuntimeError> {
        let instance = self.instantiate(app, options).await;
        if let Err(e) = &instance {
            self.apps.record_launch(app, Err(e));
        }
        instance
    }

    async fn instantiate(
        &self,
        app: &AppId,
        options: LaunchOptions,
    ) -> Result<AppInstance, RuntimeError> {
        let limits = options.limits.unwrap_or(self.limits);
        if limits.memory_bytes > self.max_memory_bytes {
            return Err(RuntimeError::MemoryLimitTooLarge {
                requested_mb: (limits.memory_bytes >> 20) as u64,
                max_mb: (self.max_memory_bytes >> 20) as u64,
                profile: self.engine_report.profile.as_str(),
            });
        }
        if limits.fuel.is_some() && !self.fuel_enabled {
            return Err(RuntimeError::InstantiateFailed(
                "a fuel budget needs an engine built with EngineOptions { fuel: true, .. }".into(),
            ));
        }
        self.apps.before_launch(app)?;
        let (loaded, load_ms) = self.loaded_app(app)?;
        self.apps.gate().check(app, &loaded.record.partner)?;
        let declared = loaded.record.declared();
        let grants = self.grants(app, declared).await?;
        let (pre, link_ms) = self.instance_pre(&loaded, declared, grants)?;

        let start = Instant::now();
        let usage = self.usage_of(app);
        usage.launches.fetch_add(1, Ordering::Relaxed);
        let installed: Arc<dyn InstalledVersions> = self.apps.clone();
        let ctx = AppContext {
            app: app.clone(),
            declared,
            grants,
            storage: self.storage_of(app, Some(limits.storage_quota_bytes))?,
            usage,
            host: self.host.clone(),
            host_wait_us: Default::default(),
            asked_again: Default::default(),
            instance: Arc::new(InstanceInfo::new(
                loaded.record.manifest.version.clone(),
                Some(installed),
                true,
            )),
        };
        // No preopens, no env, no args, no network: WASI is only clocks, random and stdio.
        let wasi = WasiCtxBuilder::new()
            .stdout(GuestOutput::stdout(app, ctx.usage.clone()))
            .stderr(GuestOutput::stderr(app, ctx.usage.clone()))
            .build();
        // `wasi:http` is linked only for apps that declare `network`; the hooks hold the policy.
        #[cfg(feature = "wasi-http")]
        let http_hooks: Box<dyn wasmtime_wasi_http::WasiHttpHooks + Send> =
            if declared.contains(Permission::Network) {
                Box::new(NetworkHooks {
                    ctx: ctx.clone(),
                    net: AppNetwork {
                        allowed: loaded.record.manifest.allowed_domains.clone().into(),
                        policy: self.network.clone(),
                        service: self.host.services.get::<dyn NetworkService>().clone(),
                    },
                    granted: grants.contains(Permission::Network),
                })
            } else {
                Box::new(NoNetwork)
            };
        let limiter = AppLimiter::new(
            limits.memory_bytes,
            StoreLimitsBuilder::new()
                .table_elements(100_000)
                .instances(256)
                .tables(256)
                .memories(32)
                .build(),
        );
        let mut store = Store::new(
            &self.engine,
            AppState {
                ctx,
                cpu: crate::state::CpuBudget::new(limits.cpu),
                wasi,
                table: ResourceTable::new(),
                limiter,
                #[cfg(feature = "wasi-http")]
                http: WasiHttpCtx::new(),
                #[cfg(feature = "wasi-http")]
                http_hooks,
            },
        );
        store.limiter(|s| &mut s.limiter);
        // Past the deadline, stop the guest only if its own time is spent (see `CpuBudget`).
        store.epoch_deadline_callback(|store| {
            let state = store.data();
            Ok(match state.cpu.left(&state.ctx.host_wait_us) {
                Some(left) => wasmtime::UpdateDeadline::Continue(epoch_ticks(left)),
                None => wasmtime::UpdateDeadline::Interrupt,
            })
        });
        let mut instance = AppInstance {
            store,
            bindings: None,
            ticker: self.ticker.clone(),
            apps: self.apps.clone(),
            limits,
        };
        instance.arm()?;
        let call_start = Instant::now();
        let running = self.ticker.enter();
        let bindings = pre.instantiate_async(&mut instance.store).await;
        drop(running);
        instance.account(call_start);
        if let Err(e) = &bindings
            && let Some(full) = e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>()
        {
            return Err(RuntimeError::InstanceLimit(full.to_string()));
        }
        let bindings = instance.classify(bindings)?;
        instance.bindings = Some(bindings);
        let timings = LaunchTimings {
            load_ms,
            link_ms,
            instantiate_ms: start.elapsed().as_secs_f64() * 1e3,
        };
        let _ = instance.info().launch.set(timings);
        Ok(instance)
    }

    /// Launches and calls `on-launch` in one step; returns the guest's answer.
    pub async fn run(
        &self,
        app: &AppId,
        params: &str,
        options: LaunchOptions,
    ) -> Result<String, RuntimeError> {
        self.launch(app, options).await?.on_launch(params).await
    }
}

/// One live instance of a mini-program.
pub struct AppInstance {
    store: Store<AppState>,
    bindings: Option<MiniProgram>,
    ticker: Arc<EpochTicker>,
    /// Where the launch's outcome goes (once: the first `on-launch` is the launch).
    apps: Arc<Apps>,
    limits: Limits,
}

impl AppInstance {
    pub fn app(&self) -> &AppId {
        &self.store.data().ctx.app
    }

    /// Permissions granted to this instance.
    pub fn grants(&self) -> PermissionSet {
        self.store.data().ctx.grants
    }

    /// How long this launch took (set before the instance is handed out).
    pub fn timings(&self) -> LaunchTimings {
        self.info().launch.get().copied().unwrap_or_default()
    }

    /// What the instance knows about itself (shared with its bridge calls: `performance`,
    /// `updates`).
    fn info(&self) -> &InstanceInfo {
        &self.store.data().ctx.instance
    }

    /// Sets the CPU budget (epoch deadline, and fuel when configured) for the next guest call.
    fn arm(&mut self) -> Result<(), RuntimeError> {
        let state = self.store.data_mut();
        state.cpu.budget = self.limits.cpu;
        state.cpu.start(&state.ctx.host_wait_us);
        self.store.set_epoch_deadline(epoch_ticks(self.limits.cpu));
        if let Some(fuel) = self.limits.fuel {
            self.store
                .set_fuel(fuel)
                .map_err(|e| RuntimeError::InstantiateFailed(e.to_string()))?;
        }
        Ok(())
    }

    /// Adds a guest call's time and the instance's peak memory to the app's usage.
    fn account(&self, call_start: Instant) {
        let data = self.store.data();
        let usage = &data.ctx.usage;
        let us = call_start.elapsed().as_micros() as u64;
        usage.guest_time_us.fetch_add(us, Ordering::Relaxed);
        data.ctx
            .instance
            .guest_time_us
            .fetch_add(us, Ordering::Relaxed);
        usage
            .peak_memory_bytes
            .fetch_max(data.limiter.memory_peak as u64, Ordering::Relaxed);
    }

    /// Maps a wasmtime error to what the host can act on.
    fn classify<T>(&mut self, r: wasmtime::Result<T>) -> Result<T, RuntimeError> {
        let e = match r {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let usage = &self.store.data().ctx.usage;
        usage.traps.fetch_add(1, Ordering::Relaxed);
        let err = if self
            .store
            .data()
            .limiter
            .memory_limit_hit
            .load(Ordering::Relaxed)
        {
            RuntimeError::MemoryLimit {
                limit_mb: (self.limits.memory_bytes >> 20) as u64,
            }
        } else if let Some(trap) = e.downcast_ref::<Trap>() {
            match trap {
                Trap::Interrupt | Trap::OutOfFuel => RuntimeError::CpuLimit {
                    budget_ms: self.limits.cpu.as_millis() as u64,
                },
                _ => RuntimeError::GuestTrap(short_trap_message(&e)),
            }
        } else {
            RuntimeError::GuestTrap(short_trap_message(&e))
        };
        self.store.data().ctx.host.audit.record(
            "guest_failed",
            Some(&self.store.data().ctx.app),
            serde_json::json!({"code": err.code(), "message": err.to_string()}),
        );
        Err(err)
    }

    fn failed() -> RuntimeError {
        // A trapped instance is poisoned in wasmtime; refuse further calls clearly.
        RuntimeError::GuestTrap("this instance has already failed".into())
    }

    /// Calls the guest's `on-launch`; its `Err` becomes [`RuntimeError::GuestError`]. The
    /// first call's result is the launch's outcome for the app's version (see
    /// [`Runtime::launch`]).
    pub async fn on_launch(&mut self, params: &str) -> Result<String, RuntimeError> {
        let start = Instant::now();
        let result = self.call_on_launch(params).await;
        // The first `on-launch` is the launch: its time and its outcome are recorded once.
        let ms = start.elapsed().as_secs_f64() * 1e3;
        if self.info().on_launch_ms.set(ms).is_ok() {
            let app = self.app().clone();
            self.apps.record_launch(&app, result.as_ref().map(|_| ()));
        }
        result
    }

    async fn call_on_launch(&mut self, params: &str) -> Result<String, RuntimeError> {
        self.arm()?;
        let bindings = self.bindings.as_ref().ok_or_else(Self::failed)?;
        let call_start = Instant::now();
        let running = self.ticker.enter();
        let r = bindings
            .miniapp_bridge_lifecycle()
            .call_on_launch(&mut self.store, params)
            .await;
        drop(running);
        self.account(call_start);
        match self.classify(r) {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(msg)) => Err(RuntimeError::GuestError(msg)),
            Err(e) => {
                self.bindings = None;
                Err(e)
            }
        }
    }

    /// Delivers a standard lifecycle event: `on-event` with its wire name and JSON payload.
    pub async fn deliver(&mut self, event: &LifecycleEvent) -> Result<(), RuntimeError> {
        self.on_event(event.name(), &event.payload_json()).await
    }

    /// Tells the app of a newer version staged for it (by the host's updater, another process,
    /// or the app's own `updates.check`) that it does not know of yet: delivers `updateReady`
    /// and returns the version, once per version and instance. A host calls it after its
    /// updater staged a version while the app runs (and may whenever it shows the app). The
    /// version runs from the app's next launch, never under this instance.
    pub async fn notify_update_ready(&mut self) -> Result<Option<semver::Version>, RuntimeError> {
        let info = self.store.data().ctx.instance.clone();
        let Some(staged) = info.staged(self.app())? else {
            return Ok(None);
        };
        {
            let mut known = info.update_known.lock().unwrap();
            if known.as_ref() == Some(&staged) {
                return Ok(None);
            }
            *known = Some(staged.clone());
        }
        let event = LifecycleEvent::UpdateReady {
            version: staged.to_string(),
        };
        self.deliver(&event).await?;
        Ok(Some(staged))
    }

    /// Delivers any host event to the guest, by name (the host's own events; for the standard
    /// ones use [`AppInstance::deliver`]).
    pub async fn on_event(&mut self, name: &str, payload: &str) -> Result<(), RuntimeError> {
        self.arm()?;
        let bindings = self.bindings.as_ref().ok_or_else(Self::failed)?;
        let call_start = Instant::now();
        let running = self.ticker.enter();
        let r = bindings
            .miniapp_bridge_lifecycle()
            .call_on_event(&mut self.store, name, payload)
            .await;
        drop(running);
        self.account(call_start);
        self.classify(r).inspect_err(|_| self.bindings = None)
    }
}

/// Epoch ticks in `d`, at least one.
fn epoch_ticks(d: Duration) -> u64 {
    (d.as_micros() / EPOCH_TICK.as_micros()).max(1) as u64
}

/// The trap reason and the first few guest frames, not the whole chain.
fn short_trap_message(e: &wasmtime::Error) -> String {
    let mut msg = match e.downcast_ref::<Trap>() {
        Some(t) => t.to_string(),
        None => e.to_string(),
    };
    if let Some(bt) = e.downcast_ref::<wasmtime::WasmBacktrace>() {
        let frames: Vec<String> = bt
            .frames()
            .iter()
            .take(5)
            .map(|f| {
                f.func_name()
                    .map(|n| format!("{:#}", rustc_demangle::demangle(n)))
                    .unwrap_or_else(|| format!("<func {}>", f.func_index()))
            })
            .collect();
        if !frames.is_empty() {
            msg.push_str(&format!(" (at {})", frames.join(" <- ")));
        }
    }
    msg
}

/// A blocking façade for hosts without an async runtime: owns a small tokio runtime.
pub struct BlockingRuntime {
    tokio: tokio::runtime::Runtime,
    inner: Runtime,
}

impl BlockingRuntime {
    pub fn new(home: &Path, config: RuntimeConfig) -> Result<Self, RuntimeError> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(BlockingRuntime {
            tokio,
            inner: Runtime::new(home, config)?,
        })
    }

    pub fn runtime(&self) -> &Runtime {
        &self.inner
    }

    /// Launches `app` and calls `on-launch(params)`.
    pub fn run(&self, app: &AppId, params: &str) -> Result<String, RuntimeError> {
        self.tokio
            .block_on(self.inner.run(app, params, LaunchOptions::default()))
    }

    /// Runs any future of the runtime to completion.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.tokio.block_on(f)
    }
}
