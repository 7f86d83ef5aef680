//! Text files in this mini-program's sandbox, counted against its storage quota. Permission:
//! `storage`. A path is relative and `/`-separated (`notes/today.txt`), 1 to 512 bytes, with no
//! empty, `.` or `..` segment and no `\\` or control character.

use crate::{Error, backend};

pub use miniapp_contract::wire::FileInfo;

/// Writes `data` (at most 1 MiB) to `path`, replacing any earlier content.
///
/// Errors: `InvalidArgument` (bad path, data too large), `QuotaExceeded`, `PermissionDenied`.
pub fn write(path: &str, data: &str) -> Result<(), Error> {
    backend::files_write(path, data)
}

/// The content of `path`. Errors: `NotFound`, `InvalidArgument`, `PermissionDenied`.
pub fn read(path: &str) -> Result<String, Error> {
    backend::files_read(path)
}

/// The files under `dir` (`""`: every file), sorted by path.
pub fn list(dir: &str) -> Result<Vec<FileInfo>, Error> {
    backend::files_list(dir)
}

/// Facts about `path`. Errors: `NotFound`, `InvalidArgument`, `PermissionDenied`.
pub fn stat(path: &str) -> Result<FileInfo, Error> {
    backend::files_stat(path)
}

/// Removes `path`; `true` if it was there.
pub fn remove(path: &str) -> Result<bool, Error> {
    backend::files_remove(path)
}
