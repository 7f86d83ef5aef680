//! Small secrets (tokens, keys) in the host's keystore, per mini-program; never shown in the
//! host's bridge records. Permission: `storage`.

use crate::{Error, backend};

/// Keeps `value` (at most 4096 bytes) under `key` (1 to 128 bytes, no control characters).
///
/// Errors: `InvalidArgument` (bad key, value too large), `QuotaExceeded` (64 keys already),
/// `Unavailable` (the host has no keystore), `PermissionDenied`.
pub fn set(key: &str, value: &str) -> Result<(), Error> {
    backend::secure_storage_set(key, value)
}

/// The value under `key`, `None` if there is none.
pub fn get(key: &str) -> Result<Option<String>, Error> {
    backend::secure_storage_get(key)
}

/// Removes `key`; `true` if it was there.
pub fn remove(key: &str) -> Result<bool, Error> {
    backend::secure_storage_remove(key)
}
