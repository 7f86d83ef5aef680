//! Per-app key-value storage in its own cap-std directory (`<home>/data/<app-id>/`).
//!
//! A key (any UTF-8 string of 1..=1024 bytes) maps to the file `k-<sha256(key) hex>`, so no key
//! can escape the directory or collide with another. The file holds a header, the key and the
//! value, so `keys()` can list them. Every write is crash-safe (see [`crate::fsutil`]).

use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use cap_std::fs::Dir;
use sha2::{Digest, Sha256};

use miniapp_contract::BridgeError;

/// Why a storage operation failed. A bridge call turns it into a [`BridgeError`] (a damaged
/// entry and an I/O failure become `internal`, whose message starts with the code); the host sees
/// the variant itself.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A key or value outside the limits. Code: `INVALID_ARGUMENT`.
    #[error("{0}")]
    Invalid(String),
    /// The write would exceed the app's quota. Code: `QUOTA_EXCEEDED`.
    #[error("storage quota exceeded")]
    QuotaExceeded,
    /// A stored entry is damaged (not written by this runtime, or cut). Code: `STORAGE_CORRUPTED`.
    #[error("a stored entry is damaged ({0}); clear the key or the app's storage")]
    Corrupted(&'static str),
    /// The file system failed; the `io::Error` keeps its kind (a full disk, say). Code: `IO`.
    #[error("storage I/O failed: {0}")]
    Io(#[from] io::Error),
}

impl StorageError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            StorageError::Invalid(_) => "INVALID_ARGUMENT",
            StorageError::QuotaExceeded => "QUOTA_EXCEEDED",
            StorageError::Corrupted(_) => "STORAGE_CORRUPTED",
            StorageError::Io(_) => "IO",
        }
    }
}

impl From<StorageError> for BridgeError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Invalid(m) => BridgeError::InvalidArgument(m),
            StorageError::QuotaExceeded => BridgeError::QuotaExceeded,
            other => BridgeError::Internal(format!("{}: {other}", other.code())),
        }
    }
}
use crate::fsutil;

pub use miniapp_contract::limits::{
    DEFAULT_QUOTA_BYTES, STORAGE_KEY_BYTES as MAX_KEY_BYTES, STORAGE_VALUE_BYTES as MAX_VALUE_BYTES,
};

/// A record is this magic, the key's length (u32 LE), the key and the value: its size is
/// `miniapp_contract::limits::storage_entry_bytes` (the quota rule the mocks share).
const MAGIC: &[u8; 6] = b"MAKV1\n";
const FILE_PREFIX: &str = "k-";

/// One app's storage. Writes are serialised per app; reads take the same lock briefly.
#[derive(Debug)]
pub struct AppStorage {
    dir: Dir,
    /// The app's current quota: set from its limits at every launch.
    quota: AtomicU64,
    /// Bytes on disk of all entries (headers included): what the quota counts.
    used: Mutex<u64>,
}

impl AppStorage {
    /// Opens (and cleans crash debris in) an app's storage directory.
    pub fn open(dir: Dir, quota: u64) -> io::Result<Self> {
        fsutil::remove_temp_files(&dir)?;
        let mut used = 0;
        for entry in dir.entries()? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(FILE_PREFIX) {
                used += entry.metadata()?.len();
            }
        }
        Ok(AppStorage {
            dir,
            quota: AtomicU64::new(quota),
            used: Mutex::new(used),
        })
    }

    fn file_name(key: &str) -> Result<String, StorageError> {
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(StorageError::Invalid(format!(
                "key must be 1 to {MAX_KEY_BYTES} bytes, got {}",
                key.len()
            )));
        }
        Ok(format!("{FILE_PREFIX}{}", hex::encode(Sha256::digest(key))))
    }

    fn encode(key: &str, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 4 + key.len() + value.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(value);
        out
    }

    /// Splits a stored file into (key, value), or says it is corrupted.
    fn decode(bytes: &[u8]) -> Result<(&str, &[u8]), StorageError> {
        let corrupted = || StorageError::Corrupted("not a storage record");
        let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(corrupted)?;
        let len_bytes: [u8; 4] = rest.get(..4).ok_or_else(corrupted)?.try_into().unwrap();
        let key_len = u32::from_le_bytes(len_bytes) as usize;
        let key = rest.get(4..4 + key_len).ok_or_else(corrupted)?;
        let key = std::str::from_utf8(key).map_err(|_| corrupted())?;
        Ok((key, &rest[4 + key_len..]))
    }

    fn existing_len(&self, name: &str) -> Result<u64, StorageError> {
        match self.dir.metadata(name) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    pub fn set(&self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        let name = Self::file_name(key)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(StorageError::Invalid(format!(
                "value is {} bytes; the limit is {MAX_VALUE_BYTES}",
                value.len()
            )));
        }
        let bytes = Self::encode(key, value);
        let mut used = self.used.lock().unwrap();
        let old = self.existing_len(&name)?;
        let new_used = *used - old + bytes.len() as u64;
        if new_used > self.quota.load(Ordering::Relaxed) {
            return Err(StorageError::QuotaExceeded);
        }
        fsutil::write_atomic(&self.dir, &name, &bytes).map_err(StorageError::from)?;
        *used = new_used;
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let name = Self::file_name(key)?;
        let bytes = match self.dir.read(&name) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let (stored_key, value) = Self::decode(&bytes)?;
        if stored_key != key {
            return Err(StorageError::Corrupted("the entry holds another key"));
        }
        Ok(Some(value.to_vec()))
    }

    pub fn remove(&self, key: &str) -> Result<bool, StorageError> {
        let name = Self::file_name(key)?;
        let mut used = self.used.lock().unwrap();
        let old = self.existing_len(&name)?;
        match self.dir.remove_file(&name) {
            Ok(()) => {
                fsutil::sync_dir(&self.dir).map_err(StorageError::from)?;
                *used -= old;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub fn keys(&self) -> Result<Vec<String>, StorageError> {
        let mut keys = Vec::new();
        for entry in self.dir.entries().map_err(StorageError::from)? {
            let entry = entry.map_err(StorageError::from)?;
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with(FILE_PREFIX) {
                continue;
            }
            let bytes = self.dir.read(&name).map_err(StorageError::from)?;
            keys.push(Self::decode(&bytes)?.0.to_owned());
        }
        keys.sort();
        Ok(keys)
    }

    pub fn clear(&self) -> Result<(), StorageError> {
        let mut used = self.used.lock().unwrap();
        for entry in self.dir.entries().map_err(StorageError::from)? {
            let entry = entry.map_err(StorageError::from)?;
            if entry.file_name().to_string_lossy().starts_with(FILE_PREFIX) {
                self.dir
                    .remove_file(entry.file_name())
                    .map_err(StorageError::from)?;
            }
        }
        fsutil::sync_dir(&self.dir).map_err(StorageError::from)?;
        *used = 0;
        Ok(())
    }

    /// Sets the quota (a launch with other limits). Stored data over a lowered quota stays; only
    /// writes that would grow usage past it fail.
    pub fn set_quota(&self, quota: u64) {
        self.quota.store(quota, Ordering::Relaxed);
    }

    /// (used bytes, quota bytes).
    pub fn usage(&self) -> (u64, u64) {
        (
            *self.used.lock().unwrap(),
            self.quota.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_record_costs_what_the_contract_says() {
        let bytes = super::AppStorage::encode("key", b"value");
        assert_eq!(
            bytes.len() as u64,
            miniapp_contract::limits::storage_entry_bytes(3, 5)
        );
    }

    use super::*;
    use cap_std::ambient_authority;

    fn open(path: &std::path::Path, quota: u64) -> AppStorage {
        std::fs::create_dir_all(path).unwrap();
        AppStorage::open(
            Dir::open_ambient_dir(path, ambient_authority()).unwrap(),
            quota,
        )
        .unwrap()
    }

    #[test]
    fn round_trip_keys_remove_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path(), DEFAULT_QUOTA_BYTES);
        s.set("b", b"2").unwrap();
        s.set("a", b"1").unwrap();
        s.set("a", b"one").unwrap();
        assert_eq!(s.get("a").unwrap().unwrap(), b"one");
        assert_eq!(s.get("zzz").unwrap(), None);
        assert_eq!(s.keys().unwrap(), vec!["a", "b"]);
        assert!(s.remove("a").unwrap());
        assert!(!s.remove("a").unwrap());
        s.clear().unwrap();
        assert!(s.keys().unwrap().is_empty());
        assert_eq!(s.usage().0, 0);
    }

    #[test]
    fn hostile_keys_stay_inside_and_do_not_collide() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(&tmp.path().join("app"), DEFAULT_QUOTA_BYTES);
        let keys = [
            "../../etc/passwd",
            "/abs",
            "a/b",
            "a\\b",
            ".",
            "..",
            "é\u{0}x",
            "k-",
        ];
        for (i, k) in keys.iter().enumerate() {
            s.set(k, format!("v{i}").as_bytes()).unwrap();
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(s.get(k).unwrap().unwrap(), format!("v{i}").as_bytes());
        }
        let mut sorted: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        sorted.sort();
        assert_eq!(s.keys().unwrap(), sorted);
        // Nothing was written outside the app's directory.
        let outside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(outside.len(), 1);
    }

    #[test]
    fn limits_and_quota() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path(), 4096);
        assert!(matches!(s.set("", b"x"), Err(StorageError::Invalid(_))));
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        assert!(matches!(s.set(&long, b"x"), Err(StorageError::Invalid(_))));
        assert!(s.set(&"k".repeat(MAX_KEY_BYTES), b"x").is_ok());
        let big = vec![0u8; MAX_VALUE_BYTES + 1];
        assert!(matches!(s.set("big", &big), Err(StorageError::Invalid(_))));
        assert!(matches!(
            s.set("fill", &[1u8; 4000]),
            Err(StorageError::QuotaExceeded)
        ));
        // Overwriting counts only the difference.
        s.set("x", &[1u8; 1000]).unwrap();
        s.set("x", &[2u8; 1500]).unwrap();
        assert_eq!(s.get("x").unwrap().unwrap(), vec![2u8; 1500]);
    }

    #[test]
    fn usage_survives_reopen_and_corruption_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path(), DEFAULT_QUOTA_BYTES);
        s.set("k", b"value").unwrap();
        let used = s.usage().0;
        drop(s);
        let s = open(tmp.path(), DEFAULT_QUOTA_BYTES);
        assert_eq!(s.usage().0, used);
        let name = AppStorage::file_name("k").unwrap();
        std::fs::write(tmp.path().join(&name), b"garbage").unwrap();
        let err = s.get("k").unwrap_err();
        assert!(matches!(err, StorageError::Corrupted(_)), "{err}");
        assert_eq!(err.code(), "STORAGE_CORRUPTED");
        // The guest sees `internal` with the code first.
        let bridge = BridgeError::from(err);
        assert!(
            matches!(&bridge, BridgeError::Internal(m) if m.starts_with("STORAGE_CORRUPTED: ")),
            "{bridge}"
        );
    }
}
