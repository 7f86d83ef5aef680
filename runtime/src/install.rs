//! The install store: a verified package into a home (layout in [`crate::home`]), its versions
//! and artifact, and loading it back with every digest checked.
//!
//! An install extracts into a temp dir, renames it into place, writes the artifact, and only then
//! flips `state.json`; a crash at any point leaves the previous state launchable.

use std::collections::BTreeMap;
use std::io;

use cap_std::fs::Dir;
use miniapp_package::{AppId, Manifest, VerifiedPackage};
use serde::{Deserialize, Serialize};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::artifacts::{artifact_stamp, deserialize, deserialize_mapped, read_with_stamp};
use crate::error::RuntimeError;
use crate::fsutil;
use crate::home::{Home, sha256_hex};
use crate::tokens::now_unix;
use miniapp_contract::PermissionSet;

/// `<home>/apps/<id>/state.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppVersions {
    pub active: Option<semver::Version>,
    #[serde(default)]
    pub pending: Option<semver::Version>,
    #[serde(default)]
    pub backup: Option<semver::Version>,
    #[serde(default)]
    pub failed_launches: u32,
    /// The version a rollback left; updates skip it (and anything older).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_from: Option<semver::Version>,
}

/// `<home>/apps/<id>/<version>/install.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallRecord {
    pub manifest: Manifest,
    pub partner: String,
    pub package_digest: String,
    pub installed_at: u64,
    /// sha256 of every extracted file.
    pub files: BTreeMap<String, String>,
    /// sha256 of the precompiled artifact, per engine compatibility key.
    pub artifacts: BTreeMap<String, String>,
    /// The artifact file's identity right after it was written (device, inode, ctime, size),
    /// per engine key. A load whose file still has exactly this identity skips re-hashing it:
    /// any write or replacement changes the inode or the ctime, which no unprivileged process
    /// can set back. Anything else (a copied or restored home) falls back to the sha256.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub artifact_stamps: BTreeMap<String, String>,
}

impl InstallRecord {
    pub fn declared(&self) -> PermissionSet {
        self.manifest.permissions.iter().collect()
    }
}

/// Summary of one installed app, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstalledApp {
    pub id: AppId,
    pub version: semver::Version,
    pub partner: String,
    pub permissions: Vec<String>,
    pub package_digest: String,
    pub installed_at: u64,
    pub backup: Option<semver::Version>,
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallOutcome {
    pub app: InstalledApp,
    /// False when this exact package was already the active version.
    pub changed: bool,
    pub compile_ms: f64,
}

/// Installs verified packages into a home and loads them back for launch. A host gets it from
/// [`crate::Runtime::install_store`] for read-only queries (versions, records, usage, the list);
/// every write (install, stage, activate, roll back, uninstall, launch outcomes) goes through the
/// [`crate::Runtime`], which keeps its caches, its audit log and the code-update policy in step.
#[derive(Debug)]
pub struct InstallStore<'h> {
    home: &'h Home,
    engine: &'h Engine,
    engine_key: &'h str,
}

/// A verified, installed app, ready to instantiate.
#[derive(Clone)]
pub(crate) struct LoadedApp {
    pub(crate) record: InstallRecord,
    pub(crate) component: Component,
}

impl<'h> InstallStore<'h> {
    /// `engine_key`: the engine's compatibility key (see `engine::compatibility_key`).
    pub(crate) fn with_key(home: &'h Home, engine: &'h Engine, engine_key: &'h str) -> Self {
        InstallStore {
            home,
            engine,
            engine_key,
        }
    }

    fn apps(&self) -> Result<Dir, RuntimeError> {
        Ok(self.home.dir.open_dir("apps")?)
    }

    fn app_dir(&self, app: &AppId) -> Result<Option<Dir>, RuntimeError> {
        match self.apps()?.open_dir(app.as_str()) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub fn versions(&self, app: &AppId) -> Result<AppVersions, RuntimeError> {
        let Some(dir) = self.app_dir(app)? else {
            return Ok(AppVersions::default());
        };
        Self::versions_in(app, &dir)
    }

    fn versions_in(app: &AppId, dir: &Dir) -> Result<AppVersions, RuntimeError> {
        match dir.read("state.json") {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| RuntimeError::InstallCorrupted {
                app: app.to_string(),
                what: format!("state.json: {e}"),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(AppVersions::default()),
            Err(e) => Err(e.into()),
        }
    }

    fn write_versions(&self, app_dir: &Dir, v: &AppVersions) -> Result<(), RuntimeError> {
        let written = fsutil::write_atomic(
            app_dir,
            "state.json",
            &serde_json::to_vec_pretty(v).expect("serializes"),
        );
        self.home.note_state_write();
        Ok(written?)
    }

    /// Checks that every import of `component` is provided and permitted by `declared`.
    pub(crate) fn check_imports(
        &self,
        component: &Component,
        declared: PermissionSet,
    ) -> Result<(), RuntimeError> {
        check_import_names(
            component
                .component_type()
                .imports(self.engine)
                .map(|(n, _)| n),
            declared,
        )
    }

    #[cfg(feature = "cranelift")]
    fn compile(&self, bytes: &[u8]) -> Result<(Component, Vec<u8>), RuntimeError> {
        let component = Component::new(self.engine, bytes)
            .map_err(|e| RuntimeError::CompileFailed(format!("{e:#}")))?;
        let artifact = component
            .serialize()
            .map_err(|e| RuntimeError::CompileFailed(e.to_string()))?;
        Ok((component, artifact))
    }

    /// A lean runtime has no compiler: components come precompiled ([`crate::bundle`]).
    #[cfg(not(feature = "cranelift"))]
    fn compile(&self, _bytes: &[u8]) -> Result<(Component, Vec<u8>), RuntimeError> {
        Err(RuntimeError::CompilerUnavailable(
            "this component".to_string(),
        ))
    }

    /// Writes `artifact` for this engine beside an installed version and records its digest.
    fn add_artifact(
        &self,
        app: &AppId,
        version: &semver::Version,
        record: &mut InstallRecord,
        artifact: &[u8],
    ) -> Result<(), RuntimeError> {
        let cache = self.cache_dir()?;
        let name = Self::artifact_name(app, version);
        fsutil::write_atomic(&cache, &name, artifact)?;
        record
            .artifacts
            .insert(self.engine_key.to_string(), sha256_hex(artifact));
        match artifact_stamp(&cache, &name) {
            Some(stamp) => record
                .artifact_stamps
                .insert(self.engine_key.to_string(), stamp),
            None => record.artifact_stamps.remove(self.engine_key),
        };
        let version_dir = self.apps()?.open_dir(format!("{app}/{version}"))?;
        fsutil::write_atomic(
            &version_dir,
            "install.json",
            &serde_json::to_vec_pretty(record).expect("serializes"),
        )?;
        Ok(())
    }

    /// The artifact dir of this engine if it exists (no directory is created on a launch).
    fn existing_cache_dir(&self) -> Result<Option<Dir>, RuntimeError> {
        match self.home.dir.open_dir(format!("cache/{}", self.engine_key)) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn cache_dir(&self) -> Result<Dir, RuntimeError> {
        let cache = self.home.dir.open_dir("cache")?;
        cache.create_dir_all(self.engine_key)?;
        Ok(cache.open_dir(self.engine_key)?)
    }

    fn artifact_name(app: &AppId, version: &semver::Version) -> String {
        format!("{app}-{version}.cwasm")
    }

    /// Installs a verified package: import check, precompile, extract, flip `state.json`.
    pub(crate) fn install(&self, pkg: &VerifiedPackage) -> Result<InstallOutcome, RuntimeError> {
        self.put(pkg, false, None)
    }

    /// Installs a verified package with an artifact precompiled elsewhere (a bundle, whose index
    /// digest the caller checked): no compiler needed. wasmtime refuses an artifact written for
    /// another target or engine configuration.
    pub(crate) fn install_precompiled(
        &self,
        pkg: &VerifiedPackage,
        component: Component,
        artifact: &[u8],
    ) -> Result<InstallOutcome, RuntimeError> {
        self.put(pkg, false, Some((component, artifact)))
    }

    /// Like [`InstallStore::install`], but records the version as `pending`: it becomes active
    /// at the app's next launch ([`InstallStore::activate_pending`]).
    pub(crate) fn stage(&self, pkg: &VerifiedPackage) -> Result<InstallOutcome, RuntimeError> {
        self.put(pkg, true, None)
    }

    fn put(
        &self,
        pkg: &VerifiedPackage,
        stage: bool,
        precompiled: Option<(Component, &[u8])>,
    ) -> Result<InstallOutcome, RuntimeError> {
        let manifest = pkg.manifest();
        let app = &manifest.id;
        let version = &manifest.version;
        let apps = self.apps()?;
        apps.create_dir_all(app.as_str())?;
        let _lock = lock_state(&apps.open_dir(app.as_str())?)?;
        let versions = self.versions(app)?;
        if stage && versions.pending.as_ref() == Some(version) {
            let record = self.record(app, version)?;
            if record.package_digest == pkg.digest_hex() {
                return Ok(InstallOutcome {
                    app: self.summary(app, &record, &versions),
                    changed: false,
                    compile_ms: 0.0,
                });
            }
        }
        if let Some(active) = &versions.active {
            if version < active {
                return Err(RuntimeError::DowngradeRefused(format!(
                    "`{app}` {version} is older than the active {active}; a downgrade is refused"
                )));
            }
            if version == active {
                let mut record = self.record(app, version)?;
                if record.package_digest == pkg.digest_hex() {
                    // A bundle of a host update brings artifacts for its (new) engine.
                    if let Some((_, artifact)) = precompiled
                        && !record.artifacts.contains_key(self.engine_key)
                    {
                        self.add_artifact(app, version, &mut record, artifact)?;
                    }
                    return Ok(InstallOutcome {
                        app: self.summary(app, &record, &versions),
                        changed: false,
                        compile_ms: 0.0,
                    });
                }
                return Err(RuntimeError::DowngradeRefused(format!(
                    "`{app}` {version} is already installed with different contents; publish a new version"
                )));
            }
        }

        let declared: PermissionSet = manifest.permissions.iter().collect();
        let start = std::time::Instant::now();
        let artifact = if manifest.is_component() {
            // Refuse undeclared imports before spending a compile on the package.
            miniapp_package::imports::check_component_imports(
                pkg.entry_point_bytes(),
                &manifest.permissions,
            )?;
            let (component, artifact) = match precompiled {
                Some((component, bytes)) => (component, bytes.to_vec()),
                None => self.compile(pkg.entry_point_bytes())?,
            };
            self.check_imports(&component, declared)?;
            Some(artifact)
        } else {
            None
        };
        let compile_ms = start.elapsed().as_secs_f64() * 1e3;

        let record = InstallRecord {
            manifest: manifest.clone(),
            partner: pkg.partner().partner.clone(),
            package_digest: pkg.digest_hex(),
            installed_at: now_unix(),
            files: pkg
                .files()
                .iter()
                .map(|(p, b)| (p.clone(), sha256_hex(b)))
                .collect(),
            artifacts: artifact
                .as_ref()
                .map(|a| [(self.engine_key.to_string(), sha256_hex(a))].into())
                .unwrap_or_default(),
            artifact_stamps: BTreeMap::new(),
        };
        let mut record = record;
        if let Some(artifact) = &artifact {
            // Written before the record that names it, so its stamp can go in the record.
            let cache = self.cache_dir()?;
            let name = Self::artifact_name(app, version);
            fsutil::write_atomic(&cache, &name, artifact)?;
            if let Some(stamp) = artifact_stamp(&cache, &name) {
                record
                    .artifact_stamps
                    .insert(self.engine_key.to_string(), stamp);
            }
        }

        let app_dir = apps.open_dir(app.as_str())?;
        fsutil::remove_temp_files(&app_dir)?;
        let tmp = format!("{}{}", fsutil::TEMP_PREFIX, version);
        app_dir.create_dir(&tmp)?;
        let tmp_dir = app_dir.open_dir(&tmp)?;
        tmp_dir.create_dir("files")?;
        let files = tmp_dir.open_dir("files")?;
        for (path, bytes) in pkg.files() {
            if let Some((parent, _)) = path.rsplit_once('/') {
                files.create_dir_all(parent)?;
            }
            fsutil::write_atomic(&files, path, bytes)?;
        }
        fsutil::write_atomic(
            &tmp_dir,
            "install.json",
            &serde_json::to_vec_pretty(&record).expect("serializes"),
        )?;
        let version_name = version.to_string();
        if app_dir.exists(&version_name) {
            // Left by an install that crashed before flipping state.json: never active, safe to replace.
            app_dir.remove_dir_all(&version_name)?;
        }
        app_dir.rename(&tmp, &app_dir, &version_name)?;
        fsutil::sync_dir(&app_dir)?;

        let mut next = versions.clone();
        if stage {
            next.pending = Some(version.clone());
        } else {
            next.backup = versions.active.clone();
            next.active = Some(version.clone());
            next.failed_launches = 0;
            next.pending = next.pending.filter(|p| p > version);
        }
        self.write_versions(&app_dir, &next)?;
        self.remove_unreferenced_versions(app, &app_dir, &next)?;
        Ok(InstallOutcome {
            app: self.summary(app, &record, &next),
            changed: true,
            compile_ms,
        })
    }

    /// Makes the pending version active, the active one the backup. Returns `(old active, new
    /// active)`, or `None` when nothing was pending (a stale pending, not newer than the active
    /// version, is dropped).
    #[allow(clippy::type_complexity)]
    pub(crate) fn activate_pending(
        &self,
        app: &AppId,
    ) -> Result<Option<(Option<semver::Version>, semver::Version)>, RuntimeError> {
        let Some(app_dir) = self.app_dir(app)? else {
            return Ok(None);
        };
        let _lock = lock_state(&app_dir)?;
        let v = self.versions(app)?;
        let Some(pending) = v.pending.clone() else {
            return Ok(None);
        };
        fsutil::remove_temp_files(&app_dir)?;
        let mut next = v.clone();
        next.pending = None;
        let fresh = v.active.as_ref().is_none_or(|a| &pending > a);
        if fresh {
            self.record(app, &pending)?;
            next.backup = v.active.clone();
            next.active = Some(pending.clone());
            next.failed_launches = 0;
        }
        self.write_versions(&app_dir, &next)?;
        self.remove_unreferenced_versions(app, &app_dir, &next)?;
        Ok(fresh.then_some((v.active, pending)))
    }

    /// Drops a staged version before it activates (the marketplace pulled it). Returns it.
    pub(crate) fn discard_pending(
        &self,
        app: &AppId,
    ) -> Result<Option<semver::Version>, RuntimeError> {
        let Some(app_dir) = self.app_dir(app)? else {
            return Ok(None);
        };
        let _lock = lock_state(&app_dir)?;
        let v = self.versions(app)?;
        let Some(pending) = v.pending.clone() else {
            return Ok(None);
        };
        let next = AppVersions { pending: None, ..v };
        self.write_versions(&app_dir, &next)?;
        self.remove_unreferenced_versions(app, &app_dir, &next)?;
        Ok(Some(pending))
    }

    /// Returns to the backup version; the version left is remembered so updates skip it.
    /// Returns `(left, now active)`.
    pub(crate) fn rollback(
        &self,
        app: &AppId,
    ) -> Result<(semver::Version, semver::Version), RuntimeError> {
        let app_dir = self
            .app_dir(app)?
            .ok_or_else(|| RuntimeError::AppNotFound(app.to_string()))?;
        let _lock = lock_state(&app_dir)?;
        let v = self.versions(app)?;
        let active = v
            .active
            .clone()
            .ok_or_else(|| RuntimeError::AppNotFound(app.to_string()))?;
        let backup = v
            .backup
            .clone()
            .ok_or_else(|| RuntimeError::NoBackup(app.to_string()))?;
        let next = AppVersions {
            active: Some(backup.clone()),
            pending: None,
            backup: None,
            failed_launches: 0,
            rolled_back_from: Some(active.clone()),
        };
        self.write_versions(&app_dir, &next)?;
        self.remove_unreferenced_versions(app, &app_dir, &next)?;
        Ok((active, backup))
    }

    /// Counts a failed launch of the active version. At `limit` failures in a row, with a backup
    /// kept, rolls back and returns `(left, now active)`.
    pub(crate) fn record_launch_failure(
        &self,
        app: &AppId,
        limit: u32,
    ) -> Result<Option<(semver::Version, semver::Version)>, RuntimeError> {
        let Some(app_dir) = self.app_dir(app)? else {
            return Ok(None);
        };
        let lock = lock_state(&app_dir)?;
        let mut v = self.versions(app)?;
        v.failed_launches = v.failed_launches.saturating_add(1);
        if v.failed_launches >= limit && v.backup.is_some() {
            drop(lock);
            return self.rollback(app).map(Some);
        }
        self.write_versions(&app_dir, &v)?;
        Ok(None)
    }

    /// Resets the failed-launch counter after a launch that worked.
    pub(crate) fn record_launch_success(&self, app: &AppId) -> Result<(), RuntimeError> {
        let Some(app_dir) = self.app_dir(app)? else {
            return Ok(());
        };
        if self.versions(app)?.failed_launches == 0 {
            return Ok(());
        }
        let _lock = lock_state(&app_dir)?;
        let mut v = self.versions(app)?;
        v.failed_launches = 0;
        self.write_versions(&app_dir, &v)
    }

    /// Removes debris of interrupted writes in the app's dir and the artifact cache.
    pub(crate) fn remove_debris(&self, app: &AppId) -> Result<usize, RuntimeError> {
        let mut n = fsutil::remove_temp_files(&self.cache_dir()?)?;
        if let Some(app_dir) = self.app_dir(app)? {
            let _lock = lock_state(&app_dir)?;
            n += fsutil::remove_temp_files(&app_dir)?;
        }
        Ok(n)
    }

    /// Keeps only the active, pending and backup versions.
    fn remove_unreferenced_versions(
        &self,
        app: &AppId,
        app_dir: &Dir,
        v: &AppVersions,
    ) -> Result<(), RuntimeError> {
        let keep: Vec<String> = [&v.active, &v.pending, &v.backup]
            .into_iter()
            .flatten()
            .map(|v| v.to_string())
            .collect();
        for entry in app_dir.entries()? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_dir()
                && !keep.contains(&name)
                && semver::Version::parse(&name).is_ok()
            {
                app_dir.remove_dir_all(&name)?;
                if let Ok(version) = semver::Version::parse(&name) {
                    let _ = self
                        .cache_dir()?
                        .remove_file(Self::artifact_name(app, &version));
                }
            }
        }
        Ok(())
    }

    pub fn record(
        &self,
        app: &AppId,
        version: &semver::Version,
    ) -> Result<InstallRecord, RuntimeError> {
        let dir = self
            .app_dir(app)?
            .ok_or_else(|| RuntimeError::AppNotFound(app.to_string()))?;
        Self::record_in(app, &dir, version)
    }

    fn record_in(
        app: &AppId,
        dir: &Dir,
        version: &semver::Version,
    ) -> Result<InstallRecord, RuntimeError> {
        let bytes = dir.read(format!("{version}/install.json")).map_err(|_| {
            RuntimeError::InstallCorrupted {
                app: app.to_string(),
                what: format!("{version}/install.json is missing"),
            }
        })?;
        serde_json::from_slice(&bytes).map_err(|e| RuntimeError::InstallCorrupted {
            app: app.to_string(),
            what: format!("install.json: {e}"),
        })
    }

    fn summary(&self, app: &AppId, record: &InstallRecord, v: &AppVersions) -> InstalledApp {
        InstalledApp {
            id: app.clone(),
            version: record.manifest.version.clone(),
            partner: record.partner.clone(),
            permissions: record
                .manifest
                .permissions
                .iter()
                .map(|p| p.to_string())
                .collect(),
            package_digest: record.package_digest.clone(),
            installed_at: record.installed_at,
            backup: v.backup.clone(),
        }
    }

    /// The usage totals persisted for an app (zero when none).
    pub fn stored_usage(&self, app: &AppId) -> Result<crate::usage::UsageSnapshot, RuntimeError> {
        let Some(dir) = self.app_dir(app)? else {
            return Ok(Default::default());
        };
        match dir.read("usage.json") {
            Ok(b) => Ok(serde_json::from_slice(&b).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn store_usage(
        &self,
        app: &AppId,
        usage: &crate::usage::UsageSnapshot,
    ) -> Result<(), RuntimeError> {
        let Some(dir) = self.app_dir(app)? else {
            return Ok(());
        };
        Ok(fsutil::write_atomic(
            &dir,
            "usage.json",
            &serde_json::to_vec_pretty(usage).expect("serializes"),
        )?)
    }

    /// Every installed app (active versions), sorted by id.
    pub fn list(&self) -> Result<Vec<InstalledApp>, RuntimeError> {
        let mut out = Vec::new();
        for entry in self.apps()?.entries()? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let Ok(app) = AppId::parse(&name) else {
                continue;
            };
            let versions = self.versions(&app)?;
            if let Some(active) = &versions.active {
                out.push(self.summary(&app, &self.record(&app, active)?, &versions));
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Removes an app's versions and artifacts (its storage is kept unless `purge_data`).
    pub(crate) fn uninstall(&self, app: &AppId, purge_data: bool) -> Result<(), RuntimeError> {
        let versions = self.versions(app)?;
        if versions.active.is_none() {
            return Err(RuntimeError::AppNotFound(app.to_string()));
        }
        let apps = self.apps()?;
        // Renaming first makes the uninstall atomic: a crash leaves debris, never half an app.
        let tmp = format!("{}{}", fsutil::TEMP_PREFIX, app);
        apps.rename(app.as_str(), &apps, &tmp)?;
        fsutil::sync_dir(&apps)?;
        apps.remove_dir_all(&tmp)?;
        let cache = self.cache_dir()?;
        for v in [&versions.active, &versions.backup, &versions.pending]
            .into_iter()
            .flatten()
        {
            let _ = cache.remove_file(Self::artifact_name(app, v));
        }
        if purge_data {
            let data = self.home.dir.open_dir("data")?;
            if data.exists(app.as_str()) {
                data.remove_dir_all(app.as_str())?;
            }
        }
        Ok(())
    }

    /// Loads the active version for launch: checks the artifact against the install record before
    /// deserializing it; recompiles (after checking the component's digest) when the engine
    /// configuration changed.
    pub(crate) fn load(&self, app: &AppId) -> Result<LoadedApp, RuntimeError> {
        let not_found = || RuntimeError::AppNotFound(app.to_string());
        let app_dir = self.app_dir(app)?.ok_or_else(not_found)?;
        let versions = Self::versions_in(app, &app_dir)?;
        let version = versions.active.ok_or_else(not_found)?;
        let mut record = Self::record_in(app, &app_dir, &version)?;
        if !record.manifest.is_component() {
            return Err(RuntimeError::CompileFailed(format!(
                "`{app}` is a web mini-program; open it in a WebView through the JSON bridge"
            )));
        }
        let corrupted = |what: String| RuntimeError::InstallCorrupted {
            app: app.to_string(),
            what,
        };
        let name = Self::artifact_name(app, &version);
        let expected = record.artifacts.get(self.engine_key);
        if let (Some(expected), Some(cache)) = (expected, self.existing_cache_dir()?) {
            // Unchanged since install wrote it: map it instead of reading it (a 35 MB artifact
            // costs a read of 40 ms; a mapping costs nothing until pages are touched).
            let recorded = record.artifact_stamps.get(self.engine_key);
            if recorded.is_some() && artifact_stamp(&cache, &name).as_ref() == recorded {
                let path = self
                    .home
                    .path()
                    .join("cache")
                    .join(self.engine_key)
                    .join(&name);
                let component = deserialize_mapped(self.engine, &path)?;
                // The file wasmtime opened is the one whose stamp was checked, unless it was
                // replaced in between: then its stamp differs now, and the slow path decides.
                if artifact_stamp(&cache, &name).as_ref() == recorded {
                    return Ok(LoadedApp { record, component });
                }
            }
            match read_with_stamp(&cache, &name) {
                Ok((bytes, stamp)) => {
                    // Unchanged since written (see `artifact_stamps`) or matching its digest.
                    let untouched = stamp.is_some()
                        && stamp.as_ref() == record.artifact_stamps.get(self.engine_key);
                    if !untouched && &sha256_hex(&bytes) != expected {
                        return Err(corrupted(format!(
                            "compiled artifact {name} does not match the install record"
                        )));
                    }
                    let component = deserialize(self.engine, &bytes)?;
                    return Ok(LoadedApp { record, component });
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        // No artifact for this engine: compile from the installed component, checked first.
        let entry = record.manifest.entry_point.clone();
        let bytes = app_dir
            .read(format!("{version}/files/{entry}"))
            .map_err(|e| corrupted(format!("{entry}: {e}")))?;
        if record.files.get(&entry) != Some(&sha256_hex(&bytes)) {
            return Err(corrupted(format!(
                "{entry} does not match the install record"
            )));
        }
        let (component, artifact) = self.compile(&bytes)?;
        self.check_imports(&component, record.declared())?;
        let cache = self.cache_dir()?;
        fsutil::write_atomic(&cache, &name, &artifact)?;
        record
            .artifacts
            .insert(self.engine_key.to_string(), sha256_hex(&artifact));
        match artifact_stamp(&cache, &name) {
            Some(stamp) => record
                .artifact_stamps
                .insert(self.engine_key.to_string(), stamp),
            None => record.artifact_stamps.remove(self.engine_key),
        };
        let version_dir = app_dir.open_dir(version.to_string())?;
        fsutil::write_atomic(
            &version_dir,
            "install.json",
            &serde_json::to_vec_pretty(&record).expect("serializes"),
        )?;
        Ok(LoadedApp { record, component })
    }
}

/// Serializes state transitions of one app across threads and processes (released by the
/// kernel when a process dies, so a SIGKILL never leaves it held).
fn lock_state(app_dir: &Dir) -> Result<std::fs::File, RuntimeError> {
    let mut opts = cap_std::fs::OpenOptions::new();
    opts.create(true).write(true);
    let file = app_dir.open_with("state.lock", &opts)?.into_std();
    file.lock()?;
    Ok(file)
}

/// The names a component imports, read without compiling it (the package's parser; a thin
/// wrapper kept for the runtime's callers, with the runtime's `COMPILE_FAILED` for junk).
pub fn component_import_names(bytes: &[u8]) -> Result<Vec<String>, RuntimeError> {
    miniapp_package::imports::component_import_names(bytes)
        .map_err(|e| RuntimeError::CompileFailed(e.to_string()))
}

/// The package's import check (one implementation for `verify` and install) on names read from
/// a compiled component.
pub(crate) fn check_import_names<'a>(
    names: impl Iterator<Item = &'a str>,
    declared: PermissionSet,
) -> Result<(), RuntimeError> {
    let declared = miniapp_package::Permission::ALL
        .into_iter()
        .filter(|p| declared.contains(*p))
        .collect();
    Ok(miniapp_package::imports::check_import_names(
        names, &declared,
    )?)
}
