//! Per-app key-value storage in its own cap-std directory (`<home>/data/<app-id>/`).
//!
//! A key (any UTF-8 string of 1..=1024 bytes) maps to the file `k-<sha256(key) hex>`, so no key
//! can escape the directory or collide with another. The file holds a header, the key and the
//! value, so `keys()` can list them. Every write is crash-safe (see [`crate::fsutil`]).

use std::io;
use std::sync::Mutex;

use cap_std::fs::Dir;
use sha2::{Digest, Sha256};

use crate::bridge::BridgeError;
use crate::fsutil;

pub const MAX_KEY_BYTES: usize = 1024;
pub const MAX_VALUE_BYTES: usize = 1024 * 1024;
pub const DEFAULT_QUOTA_BYTES: u64 = 10 * 1024 * 1024;

const MAGIC: &[u8; 6] = b"MAKV1\n";
const FILE_PREFIX: &str = "k-";

/// One app's storage. Writes are serialised per app; reads take the same lock briefly.
#[derive(Debug)]
pub struct AppStorage {
    dir: Dir,
    quota: u64,
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
            quota,
            used: Mutex::new(used),
        })
    }

    fn file_name(key: &str) -> Result<String, BridgeError> {
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(BridgeError::invalid(format!(
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
    fn decode(bytes: &[u8]) -> Result<(&str, &[u8]), BridgeError> {
        let corrupted = || {
            BridgeError::Internal(
                "STORAGE_CORRUPTED: a stored entry is damaged; clear the key or the app's storage"
                    .into(),
            )
        };
        let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(corrupted)?;
        let len_bytes: [u8; 4] = rest.get(..4).ok_or_else(corrupted)?.try_into().unwrap();
        let key_len = u32::from_le_bytes(len_bytes) as usize;
        let key = rest.get(4..4 + key_len).ok_or_else(corrupted)?;
        let key = std::str::from_utf8(key).map_err(|_| corrupted())?;
        Ok((key, &rest[4 + key_len..]))
    }

    fn internal(e: io::Error) -> BridgeError {
        BridgeError::Internal(format!("storage I/O failed: {e}"))
    }

    fn existing_len(&self, name: &str) -> Result<u64, BridgeError> {
        match self.dir.metadata(name) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(Self::internal(e)),
        }
    }

    pub fn set(&self, key: &str, value: &[u8]) -> Result<(), BridgeError> {
        let name = Self::file_name(key)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(BridgeError::invalid(format!(
                "value is {} bytes; the limit is {MAX_VALUE_BYTES}",
                value.len()
            )));
        }
        let bytes = Self::encode(key, value);
        let mut used = self.used.lock().unwrap();
        let old = self.existing_len(&name)?;
        let new_used = *used - old + bytes.len() as u64;
        if new_used > self.quota {
            return Err(BridgeError::QuotaExceeded);
        }
        fsutil::write_atomic(&self.dir, &name, &bytes).map_err(Self::internal)?;
        *used = new_used;
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BridgeError> {
        let name = Self::file_name(key)?;
        let bytes = match self.dir.read(&name) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::internal(e)),
        };
        let (stored_key, value) = Self::decode(&bytes)?;
        if stored_key != key {
            return Err(BridgeError::Internal(
                "STORAGE_CORRUPTED: entry holds another key".into(),
            ));
        }
        Ok(Some(value.to_vec()))
    }

    pub fn remove(&self, key: &str) -> Result<bool, BridgeError> {
        let name = Self::file_name(key)?;
        let mut used = self.used.lock().unwrap();
        let old = self.existing_len(&name)?;
        match self.dir.remove_file(&name) {
            Ok(()) => {
                fsutil::sync_dir(&self.dir).map_err(Self::internal)?;
                *used -= old;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Self::internal(e)),
        }
    }

    pub fn keys(&self) -> Result<Vec<String>, BridgeError> {
        let mut keys = Vec::new();
        for entry in self.dir.entries().map_err(Self::internal)? {
            let entry = entry.map_err(Self::internal)?;
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with(FILE_PREFIX) {
                continue;
            }
            let bytes = self.dir.read(&name).map_err(Self::internal)?;
            keys.push(Self::decode(&bytes)?.0.to_owned());
        }
        keys.sort();
        Ok(keys)
    }

    pub fn clear(&self) -> Result<(), BridgeError> {
        let mut used = self.used.lock().unwrap();
        for entry in self.dir.entries().map_err(Self::internal)? {
            let entry = entry.map_err(Self::internal)?;
            if entry.file_name().to_string_lossy().starts_with(FILE_PREFIX) {
                self.dir
                    .remove_file(entry.file_name())
                    .map_err(Self::internal)?;
            }
        }
        fsutil::sync_dir(&self.dir).map_err(Self::internal)?;
        *used = 0;
        Ok(())
    }

    /// (used bytes, quota bytes).
    pub fn usage(&self) -> (u64, u64) {
        (*self.used.lock().unwrap(), self.quota)
    }
}

#[cfg(test)]
mod tests {
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
        assert!(matches!(
            s.set("", b"x"),
            Err(BridgeError::InvalidArgument(_))
        ));
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        assert!(matches!(
            s.set(&long, b"x"),
            Err(BridgeError::InvalidArgument(_))
        ));
        assert!(s.set(&"k".repeat(MAX_KEY_BYTES), b"x").is_ok());
        let big = vec![0u8; MAX_VALUE_BYTES + 1];
        assert!(matches!(
            s.set("big", &big),
            Err(BridgeError::InvalidArgument(_))
        ));
        assert_eq!(s.set("fill", &[1u8; 4000]), Err(BridgeError::QuotaExceeded));
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
        assert!(err.to_string().contains("STORAGE_CORRUPTED"), "{err}");
    }
}
