//! `Host`: one runtime on one home directory, for a foreign host app.
//!
//! Async methods run on the host's own small tokio runtime (the foreign side only awaits a join
//! handle), so Kotlin coroutines, Swift tasks and Python's asyncio all drive them the same way,
//! and a guest never runs on the caller's UI thread.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use miniapp_runtime::package::{AppId, Permission};
use miniapp_runtime::{
    Backend, EngineOptions, Home, LaunchOptions, Limits, Runtime, RuntimeConfig, RuntimeError,
    Updater, UpdaterService, json_bridge,
};
use tracing::instrument::WithSubscriber;

use crate::error::MiniappError;
use crate::inspector::{Inspector, InspectorListener};
use crate::lifecycle::{AppSession, DroppedCaches, MemoryLevel};
use crate::services::{ForeignFetcher, HostServices};

/// Limits and timeouts of a host. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HostOptions {
    /// CPU time one guest call may take (`CPU_LIMIT` past it).
    #[uniffi(default = 1000)]
    pub cpu_ms: u64,
    /// Linear memory of one instance (`MEMORY_LIMIT` past it).
    #[uniffi(default = 64)]
    pub memory_mb: u64,
    /// How long a call to a host service (consent, payment, UI, biometrics, ...; sync ones too)
    /// may take before the guest's call is answered `UNAVAILABLE`: a payment sheet waits for the
    /// user, so this is generous by default.
    #[uniffi(default = 120000)]
    pub service_timeout_ms: u64,
    /// Run guest code on wasmtime's Pulley interpreter instead of native code: no executable
    /// memory is mapped. Always on in an iOS build (iOS forbids JIT).
    #[uniffi(default = false)]
    pub pulley: bool,
    /// The marketplace's root URL: when set, a mini-program's `updates.check` looks there for its
    /// own update (through the host's `HttpFetcher`, verified like `Host::update`). Unset,
    /// `updates.check` answers `UNAVAILABLE`; `updates.status` works either way.
    #[uniffi(default = None)]
    pub marketplace_url: Option<String>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            cpu_ms: 1000,
            memory_mb: 64,
            service_timeout_ms: 120_000,
            pulley: false,
            marketplace_url: None,
        }
    }
}

/// One installed mini-program.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InstalledApp {
    pub id: String,
    pub version: String,
    /// The permissions its manifest declares (what it may get; consent and host policy decide
    /// what it is granted at launch).
    pub permissions: Vec<String>,
}

impl From<miniapp_runtime::InstalledApp> for InstalledApp {
    fn from(a: miniapp_runtime::InstalledApp) -> Self {
        InstalledApp {
            id: a.id.to_string(),
            version: a.version.to_string(),
            permissions: a.permissions,
        }
    }
}

/// What a WebView needs to show an installed web mini-program.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WebApp {
    pub id: String,
    pub version: String,
    /// The verified, extracted files of the active version: serve pages from here only.
    pub files_dir: String,
    /// The page to open first, relative to `files_dir` (the manifest's entryPoint).
    pub entry_point: String,
    /// Send this `Content-Security-Policy` with every page: the app's `allowedDomains` as the
    /// runtime's network rule for WebViews.
    pub content_security_policy: String,
}

/// What `rollback` did: the version left and the one now active.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Rollback {
    pub from_version: String,
    pub to_version: String,
}

/// What `update` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UpdateOutcome {
    /// The active version is the marketplace's.
    UpToDate { version: String },
    /// This version is already staged; it activates at the next launch.
    AlreadyPending { version: String },
    /// The marketplace version was rolled back from on this host; it is not installed again.
    SkippedRolledBack { version: String },
    /// The marketplace rolls this version out to a share of hosts (`percent`), and this host's
    /// bucket is outside it: nothing was downloaded.
    NotInRollout { version: String, percent: u8 },
    /// The marketplace pulled this version: it is not installed.
    Pulled { version: String },
    /// The active version was pulled by the marketplace; the app moved back to `to`.
    MovedBack { from: String, to: String },
    /// Staged as pending (activates at the next run), or installed as active when the app was
    /// not installed.
    Staged {
        /// The active version when it was staged (none: the app was not installed).
        previous: Option<String>,
        version: String,
        bytes: u64,
        activated: bool,
    },
}

impl From<miniapp_runtime::UpdateOutcome> for UpdateOutcome {
    fn from(o: miniapp_runtime::UpdateOutcome) -> Self {
        use miniapp_runtime::UpdateOutcome as U;
        match o {
            U::UpToDate { version } => UpdateOutcome::UpToDate {
                version: version.to_string(),
            },
            U::AlreadyPending { version } => UpdateOutcome::AlreadyPending {
                version: version.to_string(),
            },
            U::SkippedRolledBack { version } => UpdateOutcome::SkippedRolledBack {
                version: version.to_string(),
            },
            U::NotInRollout { version, percent } => UpdateOutcome::NotInRollout {
                version: version.to_string(),
                percent,
            },
            U::Pulled { version } => UpdateOutcome::Pulled {
                version: version.to_string(),
            },
            U::MovedBack { from, to } => UpdateOutcome::MovedBack {
                from: from.to_string(),
                to: to.to_string(),
            },
            U::Staged {
                from,
                version,
                bytes,
                activated,
                ..
            } => UpdateOutcome::Staged {
                previous: from.map(|v| v.to_string()),
                version: version.to_string(),
                bytes,
                activated,
            },
        }
    }
}

pub(crate) struct Inner {
    runtime: Arc<Runtime>,
    fetcher: Arc<ForeignFetcher>,
    inspector: Inspector,
}

/// The runtime for one host app: a home directory, its installed mini-programs, the host's
/// services. Share one per process; every method may be called from any thread.
#[derive(uniffi::Object)]
pub struct Host {
    inner: Arc<Inner>,
    /// `Some` until drop (see `Drop`).
    tokio: Option<tokio::runtime::Runtime>,
}

impl Drop for Host {
    fn drop(&mut self) {
        // Dropping a tokio runtime blocks for its tasks, which is refused inside async code.
        if let Some(rt) = self.tokio.take() {
            rt.shutdown_background();
        }
    }
}

/// An app id from the host: one that cannot be valid cannot be installed either.
fn app_id(id: &str) -> Result<AppId, MiniappError> {
    AppId::parse(id).map_err(|_| RuntimeError::AppNotFound(id.to_owned()).into())
}

/// Creates the home, or opens it when it exists with the same root key and host version.
fn open_home(path: &Path, host_version: &str, root_pem: &str) -> Result<(), RuntimeError> {
    let version = semver::Version::parse(host_version).map_err(|e| {
        RuntimeError::HomeInvalid(format!(
            "host version `{host_version}` is not a semantic version: {e}"
        ))
    })?;
    if !path.join("trust.json").exists() {
        Home::init(path, root_pem, version)?;
        return Ok(());
    }
    let home = Home::open(path)?;
    let trust = home.trust();
    if trust.root_public_key.trim() != root_pem.trim() || trust.host_version != version {
        // Re-initialising would forget the revocation sequence this home has seen.
        return Err(RuntimeError::HomeInvalid(format!(
            "`{}` was initialised for host version {} with another root key or version; \
             use a new home directory",
            path.display(),
            trust.host_version
        )));
    }
    Ok(())
}

impl Host {
    fn tokio(&self) -> &tokio::runtime::Runtime {
        self.tokio.as_ref().expect("the runtime lives until drop")
    }

    /// Runs `work` on the host's runtime (under its inspector when one listens) and waits.
    pub(crate) async fn spawned<T, F>(
        &self,
        work: impl FnOnce(Arc<Inner>) -> F,
    ) -> Result<T, MiniappError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, MiniappError>> + Send + 'static,
    {
        let future = work(self.inner.clone());
        let handle = match self.inner.inspector.dispatch() {
            Some(d) => self.tokio().spawn(future.with_subscriber(d)),
            None => self.tokio().spawn(future),
        };
        handle.await.map_err(|e| MiniappError::Failed {
            code: "INTERNAL".into(),
            reason: format!("the call failed inside the runtime: {e}"),
        })?
    }
}

#[uniffi::export]
impl Host {
    /// Opens the host's home directory, creating it on first use with the marketplace's root
    /// public key (SPKI PEM) and this host app's version.
    #[uniffi::constructor(default(options = None))]
    pub fn open(
        home: String,
        host_version: String,
        root_public_key_pem: String,
        services: HostServices,
        options: Option<HostOptions>,
    ) -> Result<Arc<Host>, MiniappError> {
        let options = options.unwrap_or_default();
        let path = Path::new(&home);
        open_home(path, &host_version, &root_public_key_pem)?;
        let fetcher = Arc::new(ForeignFetcher(services.http.clone()));
        let mut host_services =
            services.into_runtime(Duration::from_millis(options.service_timeout_ms));
        let in_app_updates = options
            .marketplace_url
            .as_deref()
            .map(|url| UpdaterService::new(Updater::new(fetcher.clone(), url)));
        if let Some(service) = &in_app_updates {
            host_services.updates = service.clone();
        }
        let config = RuntimeConfig {
            limits: Limits {
                cpu: Duration::from_millis(options.cpu_ms),
                memory_bytes: usize::try_from(options.memory_mb << 20).unwrap_or(usize::MAX),
                ..Limits::default()
            },
            engine: EngineOptions {
                backend: if options.pulley || cfg!(target_os = "ios") {
                    Backend::Pulley
                } else {
                    Backend::Cranelift
                },
                ..EngineOptions::default()
            },
            ..RuntimeConfig::new(host_services)
        };
        let runtime = Arc::new(Runtime::new(path, config)?);
        if let Some(service) = &in_app_updates {
            service.attach(&runtime);
        }
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("miniapp-host")
            .enable_all()
            .build()
            .map_err(RuntimeError::from)?;
        Ok(Arc::new(Host {
            inner: Arc::new(Inner {
                runtime,
                fetcher,
                inspector: Inspector::new(),
            }),
            tokio: Some(tokio),
        }))
    }

    /// Verifies (signature chain, permissions, host version) and installs a package's bytes.
    pub fn install(&self, package_bytes: Vec<u8>) -> Result<InstalledApp, MiniappError> {
        let outcome = self.inner.runtime.install_package(&package_bytes)?;
        Ok(outcome.app.into())
    }

    /// The installed mini-programs (their active versions).
    pub fn list(&self) -> Result<Vec<InstalledApp>, MiniappError> {
        let apps = self.inner.runtime.list()?;
        Ok(apps.into_iter().map(InstalledApp::from).collect())
    }

    /// Removes an app; its storage too when `purge_data`.
    #[uniffi::method(default(purge_data = false))]
    pub fn uninstall(&self, id: String, purge_data: bool) -> Result<(), MiniappError> {
        Ok(self.inner.runtime.uninstall(&app_id(&id)?, purge_data)?)
    }

    /// Returns an app to its backup version.
    pub fn rollback(&self, id: String) -> Result<Rollback, MiniappError> {
        let (from, to) = self.inner.runtime.rollback(&app_id(&id)?)?;
        Ok(Rollback {
            from_version: from.to_string(),
            to_version: to.to_string(),
        })
    }

    /// Checks the marketplace at `url` (its tree's root) for a newer version of `id`, through
    /// the host's `HttpFetcher`: refreshes the revocation list, then downloads, verifies and
    /// stages it.
    pub async fn update(&self, id: String, url: String) -> Result<UpdateOutcome, MiniappError> {
        self.spawned(move |inner| async move {
            let app = app_id(&id)?;
            let updater = Updater::new(inner.fetcher.clone(), &url);
            updater.refresh_revocations(&inner.runtime).await?;
            let outcome = updater.update(&inner.runtime, &app, &mut |_| {}).await?;
            Ok(outcome.into())
        })
        .await
    }

    /// Launches a component mini-program and calls its `on-launch(params)`: its answer.
    pub async fn run(&self, id: String, params_json: String) -> Result<String, MiniappError> {
        self.spawned(move |inner| async move {
            let app = app_id(&id)?;
            let answer = inner
                .runtime
                .run(&app, &params_json, LaunchOptions::default())
                .await?;
            Ok(answer)
        })
        .await
    }

    /// Launches a component mini-program and keeps it alive: call `on_launch` on the session,
    /// then send it lifecycle events (`deliver_event`) while the app is open. `run` is launch +
    /// `on_launch` + drop in one call.
    pub async fn launch(self: Arc<Self>, id: String) -> Result<Arc<AppSession>, MiniappError> {
        let host = self.clone();
        let instance = self
            .spawned(move |inner| async move {
                let app = app_id(&id)?;
                Ok(inner.runtime.launch(&app, LaunchOptions::default()).await?)
            })
            .await?;
        Ok(Arc::new(AppSession::new(host, instance)))
    }

    /// The system's memory warning: drops what the runtime can rebuild (compiled components and
    /// pre-linked instances; `Critical`: also linkers and idle storage handles) and says what.
    /// Then deliver `LifecycleEvent::MemoryWarning` to live sessions and open web pages.
    pub fn memory_warning(&self, level: MemoryLevel) -> DroppedCaches {
        self.inner.runtime.memory_warning(level.into()).into()
    }

    /// Answers one JSON-bridge request of a web mini-program's page (`{"id", "method",
    /// "params"}` → `{"id", "result"}` or `{"id", "error": {"code", "message"}}`). A malformed
    /// request is an error response, not an exception; an app that is not installed is.
    pub async fn dispatch_json(
        &self,
        app_id: String,
        request_json: String,
    ) -> Result<String, MiniappError> {
        self.spawned(move |inner| async move {
            let app = self::app_id(&app_id)?;
            let ctx = inner.runtime.app_context(&app).await?;
            Ok(json_bridge::dispatch_str(&ctx, &request_json).await)
        })
        .await
    }

    /// The active version of a web mini-program, for a WebView: where its verified files are and
    /// the CSP to serve them with.
    pub async fn web_app(&self, id: String) -> Result<WebApp, MiniappError> {
        self.spawned(move |inner| async move {
            let app = app_id(&id)?;
            let ctx = inner.runtime.app_context(&app).await?;
            let store = inner.runtime.install_store();
            let version = store
                .versions(&app)?
                .active
                .ok_or_else(|| RuntimeError::AppNotFound(id.clone()))?;
            let record = store.record(&app, &version)?;
            let csp = miniapp_runtime::web_content_security_policy(
                &record.manifest.allowed_domains,
                ctx.grants().contains(Permission::Network),
                inner.runtime.network_policy(),
                &[],
            );
            // The install store's layout: <home>/apps/<id>/<version>/files.
            let files = inner
                .runtime
                .home()
                .path()
                .join("apps")
                .join(app.as_str())
                .join(version.to_string())
                .join("files");
            Ok(WebApp {
                id,
                version: version.to_string(),
                files_dir: files.to_string_lossy().into_owned(),
                entry_point: record.manifest.entry_point.clone(),
                content_security_policy: csp,
            })
        })
        .await
    }

    /// Every finished bridge call of this host goes to `listener` (`None` stops it).
    pub fn set_inspector(&self, listener: Option<Arc<dyn InspectorListener>>) {
        self.inner.inspector.set(listener);
    }

    /// Adds this process's usage counters to each app's `usage.json` (call it when the host app
    /// goes to the background).
    pub fn persist_usage(&self) -> Result<(), MiniappError> {
        Ok(self.inner.runtime.persist_usage()?)
    }

    /// The host's token public key (PEM), for partner backends that verify guest tokens.
    pub fn token_public_key_pem(&self) -> String {
        self.inner.runtime.token_public_key_pem().to_owned()
    }
}
