//! Key-value storage private to this mini-program. Permission: `storage`.
//!
//! Keys are UTF-8 strings of 1 to 1024 bytes, values at most 1 MiB; the host enforces a quota
//! (10 MiB unless configured otherwise). Writes are atomic.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, backend};

/// Bytes this mini-program uses and may use.
pub use miniapp_contract::wire::StorageUsage as Usage;

/// Stores `value` under `key`, replacing any previous value.
///
/// Errors: `InvalidArgument` (empty or too-long key, value over 1 MiB), `QuotaExceeded`,
/// `PermissionDenied`, `Internal`.
pub fn set(key: &str, value: &[u8]) -> Result<(), Error> {
    backend::storage_set(key, value)
}

/// The value stored under `key`, or `None`.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, Error> {
    backend::storage_get(key)
}

/// Removes `key`; returns whether it existed.
pub fn remove(key: &str) -> Result<bool, Error> {
    backend::storage_remove(key)
}

/// Every key currently stored, sorted by UTF-8 bytes.
pub fn keys() -> Result<Vec<String>, Error> {
    backend::storage_keys()
}

/// Removes every key of this mini-program.
pub fn clear() -> Result<(), Error> {
    backend::storage_clear()
}

/// How much of the quota is used.
pub fn usage() -> Result<Usage, Error> {
    backend::storage_usage()
}

/// Stores `value` as JSON under `key`.
///
/// Errors: [`Error::Json`] if `value` cannot be serialized, otherwise those of [`set`].
pub fn set_json<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<(), Error> {
    let bytes = serde_json::to_vec(value)?;
    set(key, &bytes)
}

/// Reads the JSON value stored under `key`; `Ok(None)` when the key is absent.
///
/// Errors: [`Error::Json`] if the stored bytes are not JSON of type `T`, otherwise those of
/// [`get`].
pub fn get_json<T: DeserializeOwned>(key: &str) -> Result<Option<T>, Error> {
    match get(key)? {
        Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        None => Ok(None),
    }
}
