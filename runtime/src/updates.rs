//! Updates from a marketplace tree (see [`miniapp_package::metadata`]): the signed version
//! document, a resumable, size-capped download, full verification, staging as `pending`, and
//! the revocation list. What a launch does with a staged version (activation, crash-loop
//! rollback) and with the list is the app lifecycle's ([`crate::lifecycle`]).
//!
//! ```text
//! <home>/updates/<id>.json               highest version document seen (version, sequence)
//! <home>/updates/<id>-<version>.part     a download in progress (resumed with Range)
//! <home>/revoked.json                    the last verified revocation list
//! ```
//! HTTP is not here: a host plugs its own stack in through [`Fetcher`] (the CLI has one on
//! hyper), so this crate still builds for phones.

use std::io::{self, Read, Seek, Write};
use std::sync::Arc;
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
use crate::lifecycle::{REVOKED_FILE, read_revocations};
use crate::runtime::Runtime;
use crate::tokens::now_unix;

pub use crate::lifecycle::{CRASH_LOOP_LIMIT, CodeUpdatePolicy};

/// Largest package an update downloads.
pub const MAX_PACKAGE_BYTES: u64 = 256 << 20;

const UPDATES_DIR: &str = "updates";

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

/// The runtime's answer to `updates.check` (a mini-program asking for its own update): this
/// updater refreshes the revocation list and runs [`Updater::update`] for the app, so a newer
/// version is downloaded, verified and staged for its next launch. It needs the runtime it
/// stages into, which is built from the services that hold it: give it the runtime with
/// [`UpdaterService::attach`] once built (until then, and after the runtime is dropped, a check
/// is `UNAVAILABLE`).
pub struct UpdaterService {
    updater: Updater,
    runtime: std::sync::OnceLock<std::sync::Weak<Runtime>>,
}

impl UpdaterService {
    pub fn new(updater: Updater) -> Arc<UpdaterService> {
        Arc::new(UpdaterService {
            updater,
            runtime: Default::default(),
        })
    }

    /// The runtime to stage into (the first one given stays).
    pub fn attach(&self, runtime: &Arc<Runtime>) {
        let _ = self.runtime.set(Arc::downgrade(runtime));
    }
}

#[async_trait]
impl crate::capabilities::updates::UpdateService for UpdaterService {
    async fn check(&self, app: &AppId) -> Result<(), miniapp_contract::BridgeError> {
        use miniapp_contract::BridgeError;
        let Some(rt) = self.runtime.get().and_then(|w| w.upgrade()) else {
            return Err(BridgeError::Unavailable(
                "the update service is not attached to a runtime".into(),
            ));
        };
        let result = async {
            self.updater.refresh_revocations(&rt).await?;
            self.updater.update(&rt, app, &mut |_| {}).await
        }
        .await;
        match result {
            Ok(_) => Ok(()),
            // The mini-program sees a stable code; the message keeps the runtime's code for logs.
            Err(e) => Err(BridgeError::Unavailable(format!("{}: {e}", e.code()))),
        }
    }
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
            rt.apps().gate().set(&list);
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
                let (from, to) = rt.apps().rollback(app, "pulled")?;
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
                rt.apps().gate().check(app, &record.partner)?;
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
        rt.apps().gate().check(app, &pkg.partner().partner)?;

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
