//! The lifecycle of installed apps in this process, below `Runtime` and `AppInstance` and
//! knowing neither: one slot per app (what this process holds for it in memory), and the
//! version state machine around a launch — activate a staged version, count launch outcomes,
//! roll a crash loop back — with the launch gate of revoked partners.
//!
//! `Runtime::launch` calls [`Apps::before_launch`]; the instance it returns records its own
//! outcome ([`Apps::record_launch`]) when `on-launch` returns, so a host that drives
//! `launch` + `on_launch` itself cannot forget it. `updates` stages versions and refreshes the
//! revocation list through here; nothing here calls back up.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::sync::{Arc, Mutex};

use miniapp_package::{AppId, RevocationList, VerifiedPackage};
use wasmtime::Engine;

use crate::capabilities::bindings::MiniProgramPre;
use crate::error::RuntimeError;
use crate::home::Home;
use crate::install::{InstallOutcome, InstallStore, LoadedApp};
use crate::state::{AppState, HostContext};
use crate::storage::AppStorage;
use crate::usage::{AppUsage, UsageSnapshot};
use miniapp_contract::PermissionSet;

/// Failed launches in a row after which a new version is rolled back to its backup.
pub const CRASH_LOOP_LIMIT: u32 = 3;

/// The revocation list's file in the home.
pub(crate) const REVOKED_FILE: &str = "revoked.json";

/// `InstancePre`s of an app's active version, per (declared, granted) permission sets.
pub(crate) type PreCache = HashMap<(PermissionSet, PermissionSet), MiniProgramPre<AppState>>;

/// What this process holds for one app. Everything but the usage counts is a cache of the
/// home and may be dropped at any time ([`Apps::forget`]).
#[derive(Default)]
pub(crate) struct AppSlot {
    /// The active version, loaded (record + compiled component).
    pub(crate) loaded: Option<Arc<LoadedApp>>,
    pub(crate) pres: PreCache,
    pub(crate) storage: Option<Arc<AppStorage>>,
    /// Counts of this process (bridge calls, launches, guest time…).
    pub(crate) usage: Arc<AppUsage>,
    /// The counts already added to the app's `usage.json`.
    pub(crate) persisted: UsageSnapshot,
    /// What `state.json` said when last read (lets a warm launch skip reading and locking it).
    state: Option<StateSeen>,
}

/// The apps of one runtime: the home, the slots, the launch gate. Shared (`Arc`) by the
/// runtime and its live instances.
pub(crate) struct Apps {
    home: Home,
    engine: Engine,
    engine_key: String,
    host: Arc<HostContext>,
    gate: LaunchGate,
    slots: Mutex<HashMap<AppId, AppSlot>>,
}

/// Which mini-programs may arrive from outside the host's binary (install, over-the-air update).
/// Apps in a bundle ([`crate::bundle`]) ship inside the binary and are not affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodeUpdatePolicy {
    /// Component and web mini-programs alike.
    #[default]
    All,
    /// Only web mini-programs (HTML5/JS run by the platform's WebView): components are refused
    /// with `UPDATE_NOT_ALLOWED`. For the App Store build of an iOS host (docs/ios.md).
    WebOnly,
}

impl CodeUpdatePolicy {
    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeUpdatePolicy::All => "all",
            CodeUpdatePolicy::WebOnly => "web-only",
        }
    }

    /// Refuses a component package under `web-only`.
    pub fn check(self, manifest: &miniapp_package::Manifest) -> Result<(), RuntimeError> {
        if self == CodeUpdatePolicy::WebOnly && manifest.is_component() {
            return Err(RuntimeError::UpdateNotAllowed(format!(
                "`{}` {} is a component app, and this host's code-update policy is web-only: \
                 component apps ship inside the host's binary",
                manifest.id, manifest.version
            )));
        }
        Ok(())
    }
}

impl std::str::FromStr for CodeUpdatePolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "all" => Ok(CodeUpdatePolicy::All),
            "web-only" => Ok(CodeUpdatePolicy::WebOnly),
            other => Err(format!(
                "unknown code-update policy `{other}`: expected `all` or `web-only`"
            )),
        }
    }
}

impl std::fmt::Display for CodeUpdatePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) fn read_revocations(home: &Home) -> Result<Option<RevocationList>, RuntimeError> {
    match home.dir().read(REVOKED_FILE) {
        Ok(b) => Ok(Some(RevocationList::from_json(&b).map_err(|e| {
            RuntimeError::HomeInvalid(format!("{}/{REVOKED_FILE}: {e}", home.path().display()))
        })?)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What a launch checks before it runs anything: the revoked partners, held in memory.
#[derive(Debug, Default)]
pub(crate) struct LaunchGate {
    revoked: Mutex<BTreeSet<String>>,
}

impl LaunchGate {
    pub(crate) fn open(home: &Home) -> Result<LaunchGate, RuntimeError> {
        let gate = LaunchGate::default();
        if let Some(list) = read_revocations(home)? {
            gate.set(&list);
        }
        Ok(gate)
    }

    pub(crate) fn set(&self, list: &RevocationList) {
        *self.revoked.lock().unwrap() = list.partners.clone();
    }

    pub(crate) fn check(&self, app: &AppId, partner: &str) -> Result<(), RuntimeError> {
        if self.revoked.lock().unwrap().contains(partner) {
            return Err(RuntimeError::PartnerRevoked {
                app: app.to_string(),
                partner: partner.to_owned(),
            });
        }
        Ok(())
    }
}

/// How long a launch trusts what it last read of `state.json` before checking the file again
/// for writes by another process (this process's own writes are noticed at once).
pub(crate) const RESTAT_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// What an app's `state.json` said when last read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StateSeen {
    pub(crate) stamp: crate::home::StateStamp,
    pub(crate) checked: std::time::Instant,
    pub(crate) pending: bool,
    pub(crate) failed_launches: u32,
}

/// Whether a launch failure is the guest's fault (counts towards a crash-loop rollback).
fn is_guest_failure(e: &RuntimeError) -> bool {
    matches!(
        e,
        RuntimeError::GuestTrap(_)
            | RuntimeError::GuestError(_)
            | RuntimeError::CpuLimit { .. }
            | RuntimeError::MemoryLimit { .. }
            | RuntimeError::InstantiateFailed(_)
    )
}

impl Apps {
    pub(crate) fn new(
        home: Home,
        engine: Engine,
        engine_key: String,
        host: Arc<HostContext>,
    ) -> Result<Apps, RuntimeError> {
        Ok(Apps {
            gate: LaunchGate::open(&home)?,
            home,
            engine,
            engine_key,
            host,
            slots: Mutex::default(),
        })
    }

    pub(crate) fn home(&self) -> &Home {
        &self.home
    }

    pub(crate) fn gate(&self) -> &LaunchGate {
        &self.gate
    }

    pub(crate) fn install_store(&self) -> InstallStore<'_> {
        InstallStore::with_key(&self.home, &self.engine, &self.engine_key)
    }

    /// Runs `f` on `app`'s slot (made empty on first use) under the slots' lock: keep it short,
    /// no I/O.
    pub(crate) fn slot<R>(&self, app: &AppId, f: impl FnOnce(&mut AppSlot) -> R) -> R {
        f(self.slots.lock().unwrap().entry(app.clone()).or_default())
    }

    /// Runs `f` on every slot, under the slots' lock.
    pub(crate) fn each_slot(&self, mut f: impl FnMut(&AppId, &mut AppSlot)) {
        for (app, slot) in self.slots.lock().unwrap().iter_mut() {
            f(app, slot);
        }
    }

    /// Drops the caches of every app's slot: compiled components and `InstancePre`s, and with
    /// `storage` the storage handles no live instance or bridge context holds (one that is held
    /// stays: two handles on one directory would count its quota twice). Live instances keep
    /// what they hold; the next launch of each app is a cold start. Returns (components,
    /// instance pres, storage handles) dropped.
    pub(crate) fn drop_caches(&self, storage: bool) -> (usize, usize, usize) {
        let mut dropped = (0, 0, 0);
        self.each_slot(|_, s| {
            dropped.0 += usize::from(s.loaded.take().is_some());
            dropped.1 += s.pres.len();
            s.pres = PreCache::new();
            // Clones of the handle are made under the slots' lock only: a count of 1 stays 1.
            if storage
                && s.storage
                    .as_ref()
                    .is_some_and(|h| Arc::strong_count(h) == 1)
            {
                s.storage = None;
                dropped.2 += 1;
            }
        });
        dropped
    }

    /// Drops what this process holds in memory for `app`'s code (its active version changed).
    pub(crate) fn forget(&self, app: &AppId) {
        self.slot(app, |s| {
            s.loaded = None;
            s.pres.clear();
        });
    }

    pub(crate) fn audit(&self, event: &str, app: Option<&AppId>, details: serde_json::Value) {
        self.host.audit.record(event, app, details);
    }

    /// Records a refused install or launch in the audit log.
    pub(crate) fn audit_refusal(&self, app: Option<&AppId>, e: &RuntimeError) {
        self.audit(
            "refused",
            app,
            serde_json::json!({"code": e.code(), "message": e.to_string()}),
        );
    }

    /// (pending?, failed launches) from `state.json` if it is unchanged since [`Self::read_state`]:
    /// no write by this process since, and (checked with one `stat` at most every
    /// [`RESTAT_AFTER`]) none by another process either.
    fn cached_state(&self, app: &AppId) -> Option<(bool, u32)> {
        let writes = self.home.state_writes();
        let fresh =
            |seen: &StateSeen| seen.stamp.writes == writes && seen.checked.elapsed() < RESTAT_AFTER;
        if let Some(seen) = self.slot(app, |s| s.state.filter(fresh)) {
            return Some((seen.pending, seen.failed_launches));
        }
        let stamp = self.home.state_stamp(app)?;
        self.slot(app, |s| match &mut s.state {
            Some(seen) if seen.stamp == stamp => {
                seen.checked = std::time::Instant::now();
                Some((seen.pending, seen.failed_launches))
            }
            _ => None,
        })
    }

    /// Reads `state.json` and remembers what it said under its stamp (taken first, so a write
    /// racing with the read changes the stamp and the next check reads again).
    fn read_state(&self, app: &AppId) -> Result<crate::install::AppVersions, RuntimeError> {
        let stamp = self.home.state_stamp(app);
        let checked = std::time::Instant::now();
        let v = self.install_store().versions(app)?;
        self.slot(app, |s| {
            s.state = stamp.map(|stamp| StateSeen {
                stamp,
                checked,
                pending: v.pending.is_some(),
                failed_launches: v.failed_launches,
            })
        });
        Ok(v)
    }

    /// Stages a verified package as the app's pending version (see [`crate::Runtime::stage`]).
    pub(crate) fn stage(
        &self,
        pkg: &VerifiedPackage,
        policy: CodeUpdatePolicy,
    ) -> Result<InstallOutcome, RuntimeError> {
        let id = pkg.manifest().id.clone();
        let result = policy
            .check(pkg.manifest())
            .and_then(|()| self.install_store().stage(pkg));
        match &result {
            Ok(o) => self.audit(
                "staged",
                Some(&id),
                serde_json::json!({"version": o.app.version.to_string(), "digest": o.app.package_digest}),
            ),
            Err(e) => self.audit_refusal(Some(&id), e),
        }
        result
    }

    /// Returns `app` to its backup version. Returns `(left, now active)`.
    pub(crate) fn rollback(
        &self,
        app: &AppId,
        reason: &str,
    ) -> Result<(semver::Version, semver::Version), RuntimeError> {
        let (from, to) = self.install_store().rollback(app)?;
        self.forget(app);
        self.audit(
            "rollback",
            Some(app),
            serde_json::json!({"from": from.to_string(), "to": to.to_string(), "reason": reason}),
        );
        Ok((from, to))
    }

    /// Called by a launch first: activates a pending version (a changed active version also
    /// drops what this process holds in memory for the app).
    pub(crate) fn before_launch(&self, app: &AppId) -> Result<(), RuntimeError> {
        // Warm path: state.json unchanged since we read it and nothing pending → one `stat`.
        if let Some((false, _)) = self.cached_state(app) {
            return Ok(());
        }
        let activated = self.install_store().activate_pending(app)?;
        self.read_state(app)?;
        if let Some((from, to)) = activated {
            self.forget(app);
            self.audit(
                "activated",
                Some(app),
                serde_json::json!({"from": from.map(|v| v.to_string()), "to": to.to_string()}),
            );
        }
        Ok(())
    }

    /// Records how a launch ended (instantiation, then `on-launch`): counts guest failures and
    /// rolls a version that failed [`CRASH_LOOP_LIMIT`] times in a row back to its backup; a
    /// success resets the count. Failures that are not the guest's (not installed, revoked…)
    /// count for nothing.
    pub(crate) fn record_launch(&self, app: &AppId, result: Result<(), &RuntimeError>) {
        let store = self.install_store();
        let outcome = match result {
            Ok(()) if matches!(self.cached_state(app), Some((_, 0))) => Ok(None),
            Ok(()) => store
                .record_launch_success(app)
                .and_then(|()| self.read_state(app).map(|_| None)),
            Err(e) if is_guest_failure(e) => store.record_launch_failure(app, CRASH_LOOP_LIMIT),
            Err(_) => Ok(None),
        };
        match outcome {
            Ok(Some((from, to))) => {
                self.forget(app);
                self.audit(
                    "rollback",
                    Some(app),
                    serde_json::json!({"from": from.to_string(), "to": to.to_string(), "reason": "crash_loop", "failures": CRASH_LOOP_LIMIT}),
                );
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("recording the launch of {app} failed: {e}"),
        }
    }
}

impl crate::state::InstalledVersions for Apps {
    fn versions(&self, app: &AppId) -> Result<crate::install::AppVersions, RuntimeError> {
        self.install_store().versions(app)
    }
}
