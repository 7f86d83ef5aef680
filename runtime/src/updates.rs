//! Updates from a marketplace tree (see [`miniapp_package::metadata`]): the signed version
//! document, a resumable, size-capped download, full verification, staging as `pending`, and
//! what a launch does with it (activation, crash-loop rollback, revocation).
//!
//! ```text
//! <home>/updates/<id>.json               highest version document seen (version, sequence)
//! <home>/updates/<id>-<version>.part     a download in progress (resumed with Range)
//! <home>/revoked.json                    the last verified revocation list
//! ```
//! HTTP is not here: a host plugs its own stack in through [`Fetcher`] (the CLI has one on
//! hyper), so this crate still builds for phones.

use std::collections::BTreeSet;
use std::io::{self, Read, Seek, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use cap_std::fs::Dir;
use miniapp_package::{AppId, RevocationList, VerifiedPackage, VersionDocument};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::RuntimeError;
use crate::fsutil;
use crate::home::Home;
use crate::runtime::Runtime;
use crate::tokens::now_unix;

/// Failed launches in a row after which a new version is rolled back to its backup.
pub const CRASH_LOOP_LIMIT: u32 = 3;
/// Largest package an update downloads.
pub const MAX_PACKAGE_BYTES: u64 = 256 << 20;

const UPDATES_DIR: &str = "updates";
const REVOKED_FILE: &str = "revoked.json";

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

/// Why a fetch failed, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

/// The body of a response, read chunk by chunk; `None` at its end.
#[async_trait]
pub trait FetchBody: Send {
    async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError>;
}

/// A response: status, where a `206` range starts, and the body.
pub struct FetchResponse {
    pub status: u16,
    /// The first byte position of a `206 Partial Content` (`Content-Range: bytes N-...`).
    pub range_start: Option<u64>,
    pub body: Box<dyn FetchBody>,
}

/// The host's HTTP stack: one GET, optionally from byte `range_from` on.
#[async_trait]
pub trait Fetcher: Send + Sync {
    async fn get(&self, url: &str, range_from: Option<u64>) -> Result<FetchResponse, FetchError>;
}

/// A body that is already in memory (for fetchers that read whole responses, and tests).
pub struct BytesBody(pub Option<Bytes>);

#[async_trait]
impl FetchBody for BytesBody {
    async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError> {
        Ok(self.0.take())
    }
}

/// Where an update is, for progress bars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "camelCase")]
pub enum UpdateProgress {
    Checking,
    Downloading { done: u64, total: u64 },
    Verifying,
    Staging,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum UpdateOutcome {
    /// The active version is the marketplace's.
    UpToDate { version: semver::Version },
    /// This version is already staged; it activates at the next launch.
    AlreadyPending { version: semver::Version },
    /// The marketplace version was rolled back from on this host; it is not installed again.
    SkippedRolledBack { version: semver::Version },
    /// The marketplace rolls this version out to a share of hosts, and this host is not in it.
    #[serde(rename_all = "camelCase")]
    NotInRollout {
        version: semver::Version,
        percent: u8,
    },
    /// The marketplace pulled the version it names; nothing is installed.
    Pulled { version: semver::Version },
    /// The active version was pulled: the app is back on its backup.
    MovedBack {
        from: semver::Version,
        to: semver::Version,
    },
    /// Staged as pending (the app was installed) or installed as active (it was not).
    #[serde(rename_all = "camelCase")]
    Staged {
        from: Option<semver::Version>,
        version: semver::Version,
        bytes: u64,
        resumed_from: u64,
        activated: bool,
    },
}

/// `<home>/updates/<id>.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SeenVersion {
    version: Option<semver::Version>,
    sequence: u64,
}

/// Checks and downloads updates from one marketplace.
pub struct Updater {
    fetcher: Arc<dyn Fetcher>,
    base: String,
    timeout: Duration,
}

impl Updater {
    /// `base_url` is the tree's root, e.g. `http://127.0.0.1:8080`.
    pub fn new(fetcher: Arc<dyn Fetcher>, base_url: &str) -> Updater {
        Updater {
            fetcher,
            base: base_url.trim_end_matches('/').to_owned(),
            timeout: Duration::from_secs(30),
        }
    }

    /// How long a request or one chunk may take before the update gives up (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Updater {
        self.timeout = timeout;
        self
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}/{}", self.base, path.trim_start_matches('/'))
        }
    }

    async fn get(&self, url: &str, range_from: Option<u64>) -> Result<FetchResponse, RuntimeError> {
        match tokio::time::timeout(self.timeout, self.fetcher.get(url, range_from)).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(RuntimeError::DownloadFailed(format!("GET {url}: {e}"))),
            Err(_) => Err(RuntimeError::DownloadFailed(format!(
                "GET {url}: no answer within {:?}",
                self.timeout
            ))),
        }
    }

    async fn chunk(
        &self,
        url: &str,
        body: &mut dyn FetchBody,
    ) -> Result<Option<Bytes>, RuntimeError> {
        match tokio::time::timeout(self.timeout, body.chunk()).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(RuntimeError::DownloadFailed(format!("GET {url}: {e}"))),
            Err(_) => Err(RuntimeError::DownloadFailed(format!(
                "GET {url}: the server stalled for {:?}",
                self.timeout
            ))),
        }
    }

    /// A whole small document; `Ok(None)` on 404; refuses more than `cap` bytes.
    async fn get_small(&self, path: &str, cap: usize) -> Result<Option<Vec<u8>>, RuntimeError> {
        let url = self.url(path);
        let mut r = self.get(&url, None).await?;
        match r.status {
            200 => {}
            404 => return Ok(None),
            s => {
                return Err(RuntimeError::DownloadFailed(format!(
                    "GET {url}: HTTP status {s}"
                )));
            }
        }
        let mut out = Vec::new();
        while let Some(c) = self.chunk(&url, r.body.as_mut()).await? {
            if out.len() + c.len() > cap {
                return Err(RuntimeError::DownloadFailed(format!(
                    "GET {url}: the server sent more than {cap} bytes"
                )));
            }
            out.extend_from_slice(&c);
        }
        Ok(Some(out))
    }

    /// Fetches `revoked.json`, verifies it (signature, expiry, sequence not older than the one
    /// stored) and stores it in the home; from then on this runtime refuses to launch apps of
    /// revoked partners. `Ok(None)` when the marketplace publishes no list.
    pub async fn refresh_revocations(
        &self,
        rt: &Runtime,
    ) -> Result<Option<RevocationList>, RuntimeError> {
        let Some(bytes) = self
            .get_small(REVOKED_FILE, miniapp_package::metadata::MAX_METADATA_BYTES)
            .await?
        else {
            return Ok(None);
        };
        let list = RevocationList::from_json(&bytes)?;
        let home = rt.home();
        list.verify_any(home.trust_anchors()?.root_keys(), now_unix())?;
        let stored = read_revocations(home)?;
        let floor = stored
            .as_ref()
            .map_or(0, |s| s.sequence)
            .max(home.trust().revocation_sequence);
        if list.sequence < floor {
            return Err(RuntimeError::MetadataRollback(format!(
                "the revocation list has sequence {}, older than {floor} seen before",
                list.sequence
            )));
        }
        if stored.as_ref() != Some(&list) {
            fsutil::write_atomic(home.dir(), REVOKED_FILE, list.to_json_pretty().as_bytes())?;
            rt.launch_gate().set(&list);
            rt.audit(
                "revocations",
                None,
                serde_json::json!({"sequence": list.sequence, "partners": list.partners}),
            );
        }
        Ok(Some(list))
    }

    /// Checks the marketplace for `app` and, when it has a newer compatible version, downloads,
    /// verifies and stages it (or installs it, if the app is not installed yet).
    pub async fn update(
        &self,
        rt: &Runtime,
        app: &AppId,
        progress: &mut (dyn FnMut(UpdateProgress) + Send),
    ) -> Result<UpdateOutcome, RuntimeError> {
        progress(UpdateProgress::Checking);
        let updates = updates_dir(rt.home())?;
        fsutil::remove_temp_files(&updates)?;
        fsutil::remove_temp_files(rt.home().dir())?;
        rt.install_store().remove_debris(app)?;

        let path = format!("mini-programs/{app}/version");
        let bytes = self
            .get_small(&path, miniapp_package::metadata::MAX_METADATA_BYTES)
            .await?
            .ok_or_else(|| {
                RuntimeError::DownloadFailed(format!(
                    "GET {}: HTTP status 404 (the marketplace has no `{app}`)",
                    self.url(&path)
                ))
            })?;
        let doc = VersionDocument::from_json(&bytes)?;
        doc.verify_any(rt.home().trust_anchors()?.root_keys(), now_unix())?;
        if &doc.id != app {
            return Err(miniapp_package::MetadataError::Invalid {
                what: format!("the version document at {path}"),
                reason: format!("it is for `{}`", doc.id),
            }
            .into());
        }
        remember_seen(&updates, &doc)?;

        let store = rt.install_store();
        let mut versions = store.versions(app)?;
        // Kill switch first: a pulled active version goes back to its backup, a pulled staged
        // version never activates.
        if let Some(active) = &versions.active
            && doc.pulled_versions.contains(active)
        {
            if versions
                .backup
                .as_ref()
                .is_some_and(|b| !doc.pulled_versions.contains(b))
            {
                let (from, to) = rt.rollback_because(app, "pulled")?;
                return Ok(UpdateOutcome::MovedBack { from, to });
            }
            rt.audit(
                "pulled",
                Some(app),
                serde_json::json!({"version": active.to_string(), "backup": null}),
            );
            return Err(RuntimeError::VersionPulled {
                app: app.to_string(),
                version: active.clone(),
            });
        }
        if let Some(pending) = &versions.pending
            && doc.pulled_versions.contains(pending)
        {
            store.discard_pending(app)?;
            rt.audit(
                "pulled",
                Some(app),
                serde_json::json!({"version": pending.to_string(), "discarded": "pending"}),
            );
            versions.pending = None;
        }
        if doc.pulled_versions.contains(&doc.version) {
            return Ok(UpdateOutcome::Pulled {
                version: doc.version,
            });
        }
        if let Some(active) = &versions.active {
            if let Ok(record) = store.record(app, active) {
                rt.launch_gate().check(app, &record.partner)?;
            }
            if &doc.version < active {
                return Err(RuntimeError::DowngradeRefused(format!(
                    "the marketplace offers `{app}` {}, older than the active {active}; a \
                     downgrade is refused",
                    doc.version
                )));
            }
            if &doc.version == active {
                remove_parts(&updates, app, None)?;
                return Ok(UpdateOutcome::UpToDate {
                    version: doc.version,
                });
            }
        }
        if versions.pending.as_ref() == Some(&doc.version) {
            return Ok(UpdateOutcome::AlreadyPending {
                version: doc.version,
            });
        }
        if versions
            .rolled_back_from
            .as_ref()
            .is_some_and(|r| &doc.version <= r)
        {
            return Ok(UpdateOutcome::SkippedRolledBack {
                version: doc.version,
            });
        }
        if let Some(percent) = doc.rollout_percent
            && !doc.in_rollout(&rt.home().install_id()?)
        {
            return Ok(UpdateOutcome::NotInRollout {
                version: doc.version,
                percent,
            });
        }
        let host = &rt.home().trust().host_version;
        if &doc.min_host_version > host {
            return Err(RuntimeError::HostUpdateRequired {
                app: app.to_string(),
                required: doc.min_host_version,
                current: host.clone(),
            });
        }
        if doc.size > MAX_PACKAGE_BYTES {
            return Err(RuntimeError::DownloadFailed(format!(
                "the package is {} bytes; the limit is {MAX_PACKAGE_BYTES}",
                doc.size
            )));
        }

        let part_name = format!("{app}-{}.part", doc.version);
        remove_parts(&updates, app, Some(&part_name))?;
        let resumed_from = self.download(&updates, &part_name, &doc, progress).await?;

        progress(UpdateProgress::Verifying);
        let mut bytes = Vec::with_capacity(doc.size as usize);
        updates.open(&part_name)?.read_to_end(&mut bytes)?;
        let digest = hex::encode(Sha256::digest(&bytes));
        if digest != doc.sha256 {
            let _ = updates.remove_file(&part_name);
            return Err(RuntimeError::DigestMismatch(format!(
                "the downloaded `{app}` {} has sha256 {digest}, but the signed version document \
                 says {}",
                doc.version, doc.sha256
            )));
        }
        let pkg = match rt.verify_package(&bytes) {
            Ok(p) => p,
            Err(e) => {
                let _ = updates.remove_file(&part_name);
                rt.audit_refusal(Some(app), &e);
                return Err(e);
            }
        };
        check_matches(&pkg, &doc)?;
        rt.launch_gate().check(app, &pkg.partner().partner)?;

        progress(UpdateProgress::Staging);
        let activated = versions.active.is_none();
        let outcome = if activated {
            rt.install(&pkg)?
        } else {
            rt.stage(&pkg)?
        };
        updates.remove_file(&part_name)?;
        Ok(UpdateOutcome::Staged {
            from: versions.active,
            version: outcome.app.version,
            bytes: doc.size,
            resumed_from,
            activated,
        })
    }

    /// Downloads into `updates/<part>`, resuming what is there. Returns where it resumed.
    async fn download(
        &self,
        updates: &Dir,
        part: &str,
        doc: &VersionDocument,
        progress: &mut (dyn FnMut(UpdateProgress) + Send),
    ) -> Result<u64, RuntimeError> {
        let url = self.url(&doc.url);
        let mut opts = cap_std::fs::OpenOptions::new();
        opts.create(true).read(true).write(true);
        let mut file = updates.open_with(part, &opts)?;
        let mut have = file.metadata()?.len();
        if have > doc.size {
            file.set_len(0)?;
            have = 0;
        }
        let resumed_from = have;
        progress(UpdateProgress::Downloading {
            done: have,
            total: doc.size,
        });
        if have == doc.size {
            return Ok(resumed_from);
        }
        let mut r = self.get(&url, (have > 0).then_some(have)).await?;
        match (r.status, r.range_start) {
            (206, Some(start)) if start == have => {}
            (200, _) => have = 0,
            (s, _) => {
                return Err(RuntimeError::DownloadFailed(format!(
                    "GET {url}: HTTP status {s}"
                )));
            }
        }
        file.set_len(have)?;
        file.seek(io::SeekFrom::Start(have))?;
        loop {
            let c = match self.chunk(&url, r.body.as_mut()).await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(RuntimeError::DownloadFailed(m)) => {
                    return Err(RuntimeError::DownloadFailed(format!(
                        "{m} (after {have} of {} bytes; run the update again to resume)",
                        doc.size
                    )));
                }
                Err(e) => return Err(e),
            };
            if have + c.len() as u64 > doc.size {
                drop(file);
                let _ = updates.remove_file(part);
                return Err(RuntimeError::DownloadFailed(format!(
                    "GET {url}: the server sent more than the {} bytes the signed version \
                     document advertises",
                    doc.size
                )));
            }
            file.write_all(&c)?;
            have += c.len() as u64;
            progress(UpdateProgress::Downloading {
                done: have,
                total: doc.size,
            });
        }
        file.sync_all()?;
        if have < doc.size {
            return Err(RuntimeError::DownloadFailed(format!(
                "GET {url}: the connection closed after {have} of {} bytes; run the update again \
                 to resume",
                doc.size
            )));
        }
        Ok(resumed_from)
    }
}

fn check_matches(pkg: &VerifiedPackage, doc: &VersionDocument) -> Result<(), RuntimeError> {
    let m = pkg.manifest();
    if m.id != doc.id || m.version != doc.version {
        return Err(miniapp_package::MetadataError::Invalid {
            what: format!("the version document of `{}`", doc.id),
            reason: format!(
                "it names {} {}, but the package is {} {}",
                doc.id, doc.version, m.id, m.version
            ),
        }
        .into());
    }
    Ok(())
}

fn updates_dir(home: &Home) -> Result<Dir, RuntimeError> {
    home.dir().create_dir_all(UPDATES_DIR)?;
    Ok(home.dir().open_dir(UPDATES_DIR)?)
}

/// Refuses a document older than the highest seen for its app, then remembers it.
fn remember_seen(updates: &Dir, doc: &VersionDocument) -> Result<(), RuntimeError> {
    let name = format!("{}.json", doc.id);
    let seen: SeenVersion = match updates.read(&name) {
        Ok(b) => serde_json::from_slice(&b).unwrap_or_default(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => SeenVersion::default(),
        Err(e) => return Err(e.into()),
    };
    if doc.sequence < seen.sequence || seen.version.as_ref().is_some_and(|v| &doc.version < v) {
        return Err(RuntimeError::MetadataRollback(format!(
            "the version document of `{}` ({}, sequence {}) is older than one this host has seen \
             ({}, sequence {})",
            doc.id,
            doc.version,
            doc.sequence,
            seen.version.map_or("-".into(), |v| v.to_string()),
            seen.sequence
        )));
    }
    if seen.sequence != doc.sequence || seen.version.as_ref() != Some(&doc.version) {
        let next = SeenVersion {
            version: Some(doc.version.clone()),
            sequence: doc.sequence,
        };
        fsutil::write_atomic(
            updates,
            &name,
            &serde_json::to_vec(&next).expect("serializes"),
        )?;
    }
    Ok(())
}

/// Removes partial downloads of `app` other than `keep`.
fn remove_parts(updates: &Dir, app: &AppId, keep: Option<&str>) -> Result<(), RuntimeError> {
    let prefix = format!("{app}-");
    for entry in updates.entries()? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".part") && Some(name.as_str()) != keep {
            updates.remove_file(&name)?;
        }
    }
    Ok(())
}

fn read_revocations(home: &Home) -> Result<Option<RevocationList>, RuntimeError> {
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

    fn set(&self, list: &RevocationList) {
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

impl Runtime {
    /// (pending?, failed launches) from `state.json` if it is unchanged since [`Self::read_state`]:
    /// no write by this process since, and (checked with one `stat` at most every
    /// [`RESTAT_AFTER`]) none by another process either.
    fn cached_state(&self, app: &AppId) -> Option<(bool, u32)> {
        let writes = self.home().state_writes();
        if let Some(seen) = self.state_cache.lock().unwrap().get(app)
            && seen.stamp.writes == writes
            && seen.checked.elapsed() < RESTAT_AFTER
        {
            return Some((seen.pending, seen.failed_launches));
        }
        let stamp = self.home().state_stamp(app)?;
        match self.state_cache.lock().unwrap().get_mut(app) {
            Some(seen) if seen.stamp == stamp => {
                seen.checked = std::time::Instant::now();
                Some((seen.pending, seen.failed_launches))
            }
            _ => None,
        }
    }

    /// Reads `state.json` and remembers what it said under its stamp (taken first, so a write
    /// racing with the read changes the stamp and the next check reads again).
    fn read_state(&self, app: &AppId) -> Result<crate::install::AppVersions, RuntimeError> {
        let stamp = self.home().state_stamp(app);
        let checked = std::time::Instant::now();
        let v = self.install_store().versions(app)?;
        let mut cache = self.state_cache.lock().unwrap();
        match stamp {
            Some(stamp) => {
                let seen = StateSeen {
                    stamp,
                    checked,
                    pending: v.pending.is_some(),
                    failed_launches: v.failed_launches,
                };
                cache.insert(app.clone(), seen);
            }
            None => {
                cache.remove(app);
            }
        }
        Ok(v)
    }

    /// Stages a verified package as the app's pending version: installed beside the active one,
    /// it becomes active at the app's next launch.
    pub fn stage(&self, pkg: &VerifiedPackage) -> Result<crate::InstallOutcome, RuntimeError> {
        let id = pkg.manifest().id.clone();
        let result = self
            .code_update_policy()
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
    pub fn rollback(
        &self,
        app: &AppId,
    ) -> Result<(semver::Version, semver::Version), RuntimeError> {
        self.rollback_because(app, "requested")
    }

    pub(crate) fn rollback_because(
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

    /// Called by `launch` first: activates a pending version (a changed active version also
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

    /// Called with the result of a launch + `on-launch`: counts guest failures and rolls a
    /// version that failed [`CRASH_LOOP_LIMIT`] times in a row back to its backup.
    pub fn record_launch<T>(&self, app: &AppId, result: &Result<T, RuntimeError>) {
        let store = self.install_store();
        let outcome = match result {
            Ok(_) if matches!(self.cached_state(app), Some((_, 0))) => Ok(None),
            Ok(_) => store
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
