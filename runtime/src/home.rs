//! The home directory: its trust configuration, token keys, install id and per-app state files.
//!
//! ```text
//! <home>/trust.json                      root public key, host version
//! <home>/host-key.pem                    the host's Ed25519 token key (the newest: it signs)
//! <home>/host-keys.json                  token keys retired by rotation, with their grace ends
//! <home>/install-id                      this host's random id (staged rollout buckets)
//! <home>/apps/<id>/state.json            active and backup versions: the single switch
//! <home>/apps/<id>/<version>/install.json  the install record (digests)
//! <home>/apps/<id>/<version>/files/...   extracted package files
//! <home>/cache/<engine-key>/<id>-<version>.cwasm
//! <home>/data/<id>/                      the app's storage
//! <home>/audit.log, <home>/consent.json
//! ```
//! The install store ([`crate::install`]) writes under `apps/` and `cache/`.

use std::io;
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use miniapp_package::{AppId, RootMetadata, SignedRoot, keys};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::RuntimeError;
use crate::fsutil;
use crate::tokens::{HostKeys, RetiredKey, TokenIssuer, now_unix};

const TRUST_FILE: &str = "trust.json";
const HOST_KEY_FILE: &str = "host-key.pem";
const HOST_PUB_FILE: &str = "host-key.pub";
const RETIRED_KEYS_FILE: &str = "host-keys.json";
const INSTALL_ID_FILE: &str = "install-id";

/// `<home>/host-keys.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RetiredKeysFile {
    retired: Vec<RetiredKey>,
}

/// What [`Home::rotate_host_key`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRotation {
    /// The key that signs from now on.
    pub current: String,
    /// The key that signed until now.
    pub retired: String,
    /// Unix time until which tokens of the retired key still verify.
    pub grace_until: u64,
}

/// `<home>/trust.json`: what this host trusts and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustConfig {
    /// The marketplace root public key (SPKI PEM).
    pub root_public_key: String,
    pub host_version: semver::Version,
    /// Highest revocation-list sequence seen (updates refuse older lists).
    #[serde(default)]
    pub revocation_sequence: u64,
    /// The root this home moved to with [`Home::rotate_root`]; absent: the implicit root of
    /// `root_public_key` (version 1, threshold 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<RootMetadata>,
}

impl TrustConfig {
    /// The root this home trusts.
    pub fn root(&self) -> RootMetadata {
        self.root
            .clone()
            .unwrap_or_else(|| RootMetadata::implicit(&self.root_public_key))
    }
}

/// What [`Home::rotate_root`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RootRotation {
    pub from_version: u64,
    pub to_version: u64,
    pub keys: usize,
    pub threshold: u32,
}

/// An initialised home directory.
#[derive(Debug)]
pub struct Home {
    path: PathBuf,
    pub(crate) dir: Dir,
    trust: TrustConfig,
    /// Bumped by every `state.json` write of this process; with the file's stamp it tells a
    /// runtime whether what it last read is still current (see [`Home::state_stamp`]).
    state_writes: std::sync::atomic::AtomicU64,
}

/// Identity of an app's `state.json` as last seen: this process's write count and the file's
/// metadata (every write renames a new file into place, so inode, length or mtime change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StateStamp {
    pub(crate) writes: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

fn is_install_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Home {
    /// Creates (or re-initialises) a home: checks the root key, writes `trust.json`, creates the
    /// host token key if there is none.
    pub fn init(
        path: &Path,
        root_public_pem: &str,
        host_version: semver::Version,
    ) -> Result<Home, RuntimeError> {
        keys::public_key_from_pem(root_public_pem)?;
        std::fs::create_dir_all(path)?;
        let dir = Dir::open_ambient_dir(path, ambient_authority())?;
        for sub in ["apps", "cache", "data"] {
            dir.create_dir_all(sub)?;
        }
        let trust = TrustConfig {
            root_public_key: root_public_pem.to_owned(),
            host_version,
            revocation_sequence: 0,
            root: None,
        };
        fsutil::write_atomic(
            &dir,
            TRUST_FILE,
            &serde_json::to_vec_pretty(&trust).expect("serializes"),
        )?;
        if !dir.exists(HOST_KEY_FILE) {
            let pem = TokenIssuer::generate_key_pem();
            let issuer = TokenIssuer::from_pem(&pem).map_err(|e| RuntimeError::Io {
                message: format!("the token key does not load: {e}"),
                kind: std::io::ErrorKind::InvalidData,
            })?;
            fsutil::write_atomic(&dir, HOST_KEY_FILE, pem.as_bytes())?;
            fsutil::write_atomic(&dir, HOST_PUB_FILE, issuer.public_key_pem().as_bytes())?;
        }
        let home = Home::open(path)?;
        home.install_id()?;
        Ok(home)
    }

    /// Opens a home made by [`Home::init`].
    pub fn open(path: &Path) -> Result<Home, RuntimeError> {
        let not_init = || {
            RuntimeError::HomeInvalid(format!(
                "`{}` is not an initialised miniapp home",
                path.display()
            ))
        };
        let dir = Dir::open_ambient_dir(path, ambient_authority()).map_err(|_| not_init())?;
        let bytes = dir.read(TRUST_FILE).map_err(|_| not_init())?;
        let trust: TrustConfig = serde_json::from_slice(&bytes).map_err(|e| {
            RuntimeError::HomeInvalid(format!("{}/trust.json is damaged: {e}", path.display()))
        })?;
        for sub in ["apps", "cache", "data"] {
            dir.create_dir_all(sub)?;
        }
        Ok(Home {
            path: path.to_owned(),
            dir,
            trust,
            state_writes: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many `state.json` writes this process has made (any app).
    /// Counts a `state.json` write of this process (the install store calls it after each).
    pub(crate) fn note_state_write(&self) {
        self.state_writes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub(crate) fn state_writes(&self) -> u64 {
        self.state_writes.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The stamp of `apps/<app>/state.json` (one `stat`); `None` if it does not exist.
    pub(crate) fn state_stamp(&self, app: &AppId) -> Option<StateStamp> {
        let writes = self.state_writes.load(std::sync::atomic::Ordering::Acquire);
        let meta =
            std::fs::metadata(self.path.join("apps").join(app.as_str()).join("state.json")).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(StateStamp {
            writes,
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn trust(&self) -> &TrustConfig {
        &self.trust
    }
    pub(crate) fn dir(&self) -> &Dir {
        &self.dir
    }

    /// This host's install id: 32 random hex characters made on first use and kept for the
    /// home's life. Staged rollouts put a host in or out by it
    /// ([`miniapp_package::rollout_bucket`]); it identifies the home, not the user.
    pub fn install_id(&self) -> Result<String, RuntimeError> {
        match self.dir.read_to_string(INSTALL_ID_FILE) {
            Ok(id) if is_install_id(id.trim()) => return Ok(id.trim().to_owned()),
            Ok(_) => {
                return Err(RuntimeError::HomeInvalid(format!(
                    "{}/{INSTALL_ID_FILE} is damaged",
                    self.path.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        let id = hex::encode(bytes);
        fsutil::write_atomic(&self.dir, INSTALL_ID_FILE, id.as_bytes())?;
        Ok(id)
    }

    /// The anchors that package verification needs, at the current time: every key of the
    /// root this home trusts.
    pub fn trust_anchors(&self) -> Result<miniapp_package::TrustAnchors, RuntimeError> {
        if self.trust.root.is_none() {
            let root = keys::public_key_from_pem(&self.trust.root_public_key)?;
            return Ok(miniapp_package::TrustAnchors::new(root));
        }
        let keys = self.trust.root().public_keys().map_err(|e| {
            RuntimeError::HomeInvalid(format!("{}/trust.json: {e}", self.path.display()))
        })?;
        miniapp_package::TrustAnchors::from_root_keys(keys).ok_or_else(|| {
            RuntimeError::HomeInvalid(format!(
                "{}/trust.json lists no root key",
                self.path.display()
            ))
        })
    }

    /// Moves this home to the root in `root_json` if a threshold of the trusted root's keys and
    /// a threshold of its own keys signed it and its version is higher (`ROOT_INVALID`,
    /// `ROOT_ROLLBACK`, `ROOT_THRESHOLD_NOT_MET` otherwise, with `trust.json` untouched). From
    /// then on only the new root's keys vouch for partner records and marketplace documents.
    pub fn rotate_root(&mut self, root_json: &[u8]) -> Result<RootRotation, RuntimeError> {
        let new = SignedRoot::from_json(root_json)?;
        let trusted = self.trust.root();
        new.check_succeeds(&trusted)?;
        let m = new.metadata().clone();
        let next = TrustConfig {
            root_public_key: m.keys[0].clone(),
            root: Some(m.clone()),
            ..self.trust.clone()
        };
        fsutil::write_atomic(
            &self.dir,
            TRUST_FILE,
            &serde_json::to_vec_pretty(&next).expect("serializes"),
        )?;
        self.trust = next;
        Ok(RootRotation {
            from_version: trusted.version,
            to_version: m.version,
            keys: m.keys.len(),
            threshold: m.threshold,
        })
    }

    pub(crate) fn token_issuer(&self) -> Result<TokenIssuer, RuntimeError> {
        let pem = match self.dir.read_to_string(HOST_KEY_FILE) {
            Ok(pem) => pem,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(RuntimeError::KeysMissing(format!(
                    "{}/{HOST_KEY_FILE} does not exist",
                    self.path.display()
                )));
            }
            Err(e) => return Err(e.into()),
        };
        TokenIssuer::from_pem(&pem).map_err(|e| RuntimeError::HomeInvalid(e.to_string()))
    }

    fn retired_keys(&self) -> Result<RetiredKeysFile, RuntimeError> {
        match self.dir.read(RETIRED_KEYS_FILE) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                RuntimeError::HomeInvalid(format!(
                    "{}/{RETIRED_KEYS_FILE} is damaged: {e}",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(RetiredKeysFile::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// The host's public token keys: the signing key and the retired ones (`KEYS_MISSING` if the
    /// home has no token key).
    pub fn host_keys(&self) -> Result<HostKeys, RuntimeError> {
        Ok(HostKeys {
            current: self.token_issuer()?.jwk(),
            retired: self.retired_keys()?.retired,
        })
    }

    /// Replaces the token key with a fresh one; the old key keeps verifying for `grace`.
    /// Retired keys whose grace has ended are dropped. The retired list is written before the
    /// new key, so a crash in between leaves the old key signing and listed twice, never lost.
    pub fn rotate_host_key(&self, grace: std::time::Duration) -> Result<KeyRotation, RuntimeError> {
        let old = self.token_issuer()?;
        let now = now_unix();
        let mut file = self.retired_keys()?;
        file.retired
            .retain(|r| r.grace_until > now && r.kid != old.key_id());
        let grace_until = now.saturating_add(grace.as_secs());
        file.retired.push(RetiredKey {
            kid: old.key_id(),
            x: old.jwk().x,
            retired_at: now,
            grace_until,
        });
        fsutil::write_atomic(
            &self.dir,
            RETIRED_KEYS_FILE,
            &serde_json::to_vec_pretty(&file).expect("serializes"),
        )?;
        let pem = TokenIssuer::generate_key_pem();
        let new = TokenIssuer::from_pem(&pem).map_err(|e| RuntimeError::Io {
            message: format!("the token key does not load: {e}"),
            kind: std::io::ErrorKind::InvalidData,
        })?;
        fsutil::write_atomic(&self.dir, HOST_KEY_FILE, pem.as_bytes())?;
        fsutil::write_atomic(&self.dir, HOST_PUB_FILE, new.public_key_pem().as_bytes())?;
        Ok(KeyRotation {
            current: new.key_id(),
            retired: old.key_id(),
            grace_until,
        })
    }

    /// The host's token public key (what partner backends verify tokens with).
    pub fn token_public_key_pem(&self) -> Result<String, RuntimeError> {
        Ok(self.dir.read_to_string(HOST_PUB_FILE)?)
    }

    /// The app's storage directory, created on first use.
    pub(crate) fn data_dir(&self, app: &AppId) -> Result<Dir, RuntimeError> {
        let data = self.dir.open_dir("data")?;
        data.create_dir_all(app.as_str())?;
        Ok(data.open_dir(app.as_str())?)
    }
}
