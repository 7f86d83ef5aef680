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
/// The app's files (`files` capability) live in this subdirectory, one record per path with the
/// same layout as a key's (its own magic), named by the path's hash: a path the app gives never
/// becomes a file-system path, so nothing it names can leave the directory or follow a link.
const FILES_DIR: &str = "files";
const FILE_MAGIC: &[u8; 6] = b"MAFS1\n";
const PATH_PREFIX: &str = "f-";

/// One file of the app's sandbox, as the `files` capability reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub path: String,
    pub size: u64,
    /// Last write, seconds since the Unix epoch.
    pub modified_at: u64,
}

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
        if let Some(files) = Self::files_dir_of(&dir, false)? {
            fsutil::remove_temp_files(&files)?;
            for entry in files.entries()? {
                let entry = entry?;
                // Only our records count (a link planted here is not the app's file).
                if entry.file_name().to_string_lossy().starts_with(PATH_PREFIX)
                    && entry.file_type()?.is_file()
                {
                    used += entry.metadata()?.len();
                }
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
                let len = entry.metadata().map_err(StorageError::from)?.len();
                self.dir
                    .remove_file(entry.file_name())
                    .map_err(StorageError::from)?;
                // Keys only: the app's files (same quota) stay, and so does their usage.
                *used -= len.min(*used);
            }
        }
        fsutil::sync_dir(&self.dir).map_err(StorageError::from)?;
        Ok(())
    }

    /// The files subdirectory, created when `create`; `None` if absent and not created.
    fn files_dir_of(dir: &Dir, create: bool) -> io::Result<Option<Dir>> {
        match dir.open_dir(FILES_DIR) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == io::ErrorKind::NotFound && create => {
                dir.create_dir(FILES_DIR)?;
                fsutil::sync_dir(dir)?;
                dir.open_dir(FILES_DIR).map(Some)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn path_name(path: &str) -> Result<String, StorageError> {
        if let Some(problem) = miniapp_contract::limits::file_path_problem(path) {
            return Err(StorageError::Invalid(problem.into()));
        }
        Ok(format!(
            "{PATH_PREFIX}{}",
            hex::encode(Sha256::digest(path))
        ))
    }

    /// A file's record, read without following a link: `None` if there is none.
    fn read_record(files: &Dir, name: &str) -> Result<Option<(Vec<u8>, u64)>, StorageError> {
        let meta = match files.symlink_metadata(name) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if !meta.is_file() {
            return Err(StorageError::Corrupted(
                "not a file written by this runtime",
            ));
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.into_std().duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        Ok(Some((files.read(name)?, modified)))
    }

    fn decode_file(bytes: &[u8]) -> Result<(&str, &[u8]), StorageError> {
        let corrupted = || StorageError::Corrupted("not a file record");
        let rest = bytes
            .strip_prefix(FILE_MAGIC.as_slice())
            .ok_or_else(corrupted)?;
        let len_bytes: [u8; 4] = rest.get(..4).ok_or_else(corrupted)?.try_into().unwrap();
        let path_len = u32::from_le_bytes(len_bytes) as usize;
        let path = rest.get(4..4 + path_len).ok_or_else(corrupted)?;
        let path = std::str::from_utf8(path).map_err(|_| corrupted())?;
        Ok((path, &rest[4 + path_len..]))
    }

    /// Writes a file (text, at most `FILE_BYTES`), replacing any earlier one; counts against
    /// the same quota as the keys (a record costs `storage_entry_bytes(path, content)`).
    pub fn write_file(&self, path: &str, data: &str) -> Result<(), StorageError> {
        let name = Self::path_name(path)?;
        let max = miniapp_contract::limits::FILE_BYTES;
        if data.len() > max {
            return Err(StorageError::Invalid(format!(
                "data is {} bytes; the limit is {max}",
                data.len()
            )));
        }
        let mut bytes = Vec::with_capacity(FILE_MAGIC.len() + 4 + path.len() + data.len());
        bytes.extend_from_slice(FILE_MAGIC);
        bytes.extend_from_slice(&(path.len() as u32).to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
        bytes.extend_from_slice(data.as_bytes());
        let mut used = self.used.lock().unwrap();
        let files = Self::files_dir_of(&self.dir, true)?.expect("created");
        let old = match files.symlink_metadata(&name) {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => 0,
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e.into()),
        };
        let new_used = *used - old.min(*used) + bytes.len() as u64;
        if new_used > self.quota.load(Ordering::Relaxed) {
            return Err(StorageError::QuotaExceeded);
        }
        // The rename replaces whatever is at `name` (a planted link too): nothing outside is written.
        fsutil::write_atomic(&files, &name, &bytes)?;
        *used = new_used;
        Ok(())
    }

    /// A file's content and facts; `None` if there is no such file.
    pub fn read_file(&self, path: &str) -> Result<Option<(String, StoredFile)>, StorageError> {
        let name = Self::path_name(path)?;
        let Some(files) = Self::files_dir_of(&self.dir, false)? else {
            return Ok(None);
        };
        let Some((bytes, modified_at)) = Self::read_record(&files, &name)? else {
            return Ok(None);
        };
        let (stored, data) = Self::decode_file(&bytes)?;
        if stored != path {
            return Err(StorageError::Corrupted("the file holds another path"));
        }
        let data = String::from_utf8(data.to_vec())
            .map_err(|_| StorageError::Corrupted("a file's content is not UTF-8"))?;
        let info = StoredFile {
            path: path.to_owned(),
            size: data.len() as u64,
            modified_at,
        };
        Ok(Some((data, info)))
    }

    /// The files whose path is under `dir` (`""`: every file), sorted by path.
    pub fn list_files(&self, dir: &str) -> Result<Vec<StoredFile>, StorageError> {
        if !dir.is_empty() {
            Self::path_name(dir)?;
        }
        let Some(files) = Self::files_dir_of(&self.dir, false)? else {
            return Ok(Vec::new());
        };
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out = Vec::new();
        for entry in files.entries()? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with(PATH_PREFIX) || !entry.file_type()?.is_file() {
                continue;
            }
            let Some((bytes, modified_at)) = Self::read_record(&files, &name)? else {
                continue;
            };
            let (path, data) = Self::decode_file(&bytes)?;
            if path.starts_with(&prefix) {
                out.push(StoredFile {
                    path: path.to_owned(),
                    size: data.len() as u64,
                    modified_at,
                });
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Removes a file; `true` if it was there.
    pub fn remove_file(&self, path: &str) -> Result<bool, StorageError> {
        let name = Self::path_name(path)?;
        let mut used = self.used.lock().unwrap();
        let Some(files) = Self::files_dir_of(&self.dir, false)? else {
            return Ok(false);
        };
        let old = match files.symlink_metadata(&name) {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => 0,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        files.remove_file(&name)?;
        fsutil::sync_dir(&files)?;
        *used -= old.min(*used);
        Ok(true)
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
    fn files_share_the_quota_survive_reopen_and_never_leave_the_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path(), 200);
        s.write_file("notes/a.txt", "hello").unwrap();
        s.set("k", b"v").unwrap();
        let used = s.usage().0;
        assert_eq!(
            used,
            miniapp_contract::limits::storage_entry_bytes(11, 5)
                + miniapp_contract::limits::storage_entry_bytes(1, 1)
        );
        // storage.clear leaves the files and their usage.
        s.clear().unwrap();
        assert_eq!(
            s.usage().0,
            miniapp_contract::limits::storage_entry_bytes(11, 5)
        );
        assert!(matches!(
            s.write_file("big", &"x".repeat(300)),
            Err(StorageError::QuotaExceeded)
        ));
        drop(s);
        let s = open(tmp.path(), 200);
        assert_eq!(
            s.usage().0,
            miniapp_contract::limits::storage_entry_bytes(11, 5)
        );
        let (data, info) = s.read_file("notes/a.txt").unwrap().unwrap();
        assert_eq!((data.as_str(), info.size), ("hello", 5));
        assert_eq!(s.list_files("notes").unwrap().len(), 1);
        assert!(s.list_files("note").unwrap().is_empty());
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\0b", ""] {
            assert!(
                matches!(s.write_file(bad, "x"), Err(StorageError::Invalid(_))),
                "{bad:?}"
            );
        }
        assert!(s.remove_file("notes/a.txt").unwrap());
        assert!(!s.remove_file("notes/a.txt").unwrap());
        assert_eq!(s.usage().0, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_neither_read_nor_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside.txt");
        std::fs::write(&outside, "outside").unwrap();
        std::fs::create_dir(tmp.path().join("app")).unwrap();
        let s = open(&tmp.path().join("app"), DEFAULT_QUOTA_BYTES);
        s.write_file("seed", "x").unwrap();
        let name = AppStorage::path_name("secret.txt").unwrap();
        std::os::unix::fs::symlink(&outside, tmp.path().join("app/files").join(&name)).unwrap();
        assert!(matches!(
            s.read_file("secret.txt"),
            Err(StorageError::Corrupted(_))
        ));
        assert_eq!(s.list_files("").unwrap().len(), 1, "the link is not listed");
        s.write_file("secret.txt", "mine").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside");
        assert_eq!(s.read_file("secret.txt").unwrap().unwrap().0, "mine");
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
