//! Leaving this mini-program: for another mini-program, a web page, or for good.
//! Permission: `navigation`; the host asks the user before opening anything.

use crate::{Error, backend};

/// Opens the mini-program `app_id` at `path` (`None`: its start page; else starting with `/`)
/// once the user agrees; `extra_data` (at most 4 KiB) reaches its launch.
///
/// Errors: `InvalidArgument` (not an app id, this app's own, a bad path, extra data too
/// large), `NotFound` (no such mini-program), `Cancelled` (the user declined),
/// `PermissionDenied`.
pub fn open_mini_program(
    app_id: &str,
    path: Option<&str>,
    extra_data: Option<&str>,
) -> Result<(), Error> {
    backend::navigation_open_mini_program(app_id, path, extra_data)
}

/// Opens `url` (`http`/`https`, at most 2048 bytes) in the host's browser once the user
/// agrees. Errors: `InvalidArgument`, `Cancelled`, `PermissionDenied`.
pub fn open_url(url: &str) -> Result<(), Error> {
    backend::navigation_open_url(url)
}

/// Closes this mini-program after the current launch or event returns.
pub fn exit() -> Result<(), Error> {
    backend::navigation_exit()
}
