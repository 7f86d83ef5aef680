//! This mini-program's own updates: the version running, the one staged for the next launch,
//! and asking the host to look for one now. No permission needed (like `log`). A staged version
//! runs from the next launch, never under a running instance.

use crate::{Error, backend};

pub use miniapp_contract::wire::UpdateStatus;

/// The running version and the one staged for the next launch (`pending`), if any.
///
/// Errors: `Internal` (the host cannot read its records).
pub fn status() -> Result<UpdateStatus, Error> {
    backend::updates_status()
}

/// Asks the host to look for a newer version now; when the marketplace has one this host may
/// run, it is downloaded, verified and staged before this returns (`pending` names it).
///
/// Errors: `Unavailable` (offline, the marketplace failed, or the host has none).
pub fn check() -> Result<UpdateStatus, Error> {
    backend::updates_check()
}
