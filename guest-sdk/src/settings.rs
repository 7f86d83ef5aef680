//! This mini-program's own permissions: where each declared one stands, asking the user again
//! for one, and the host's settings page. No permission needed (like `log`).

use crate::{Error, Permission, backend};

pub use miniapp_contract::wire::{PermissionState, PermissionStatus};

/// Every permission the manifest declares: granted, denied (by the user or the host's policy)
/// or not asked yet, and whether this launch may use it (`active`).
pub fn permissions() -> Result<Vec<PermissionStatus>, Error> {
    backend::settings_permissions()
}

/// Asks the user again for a declared sensitive permission (at most once per permission and
/// launch) and returns where it stands now. A "yes" is active from the next launch: grants are
/// fixed at launch. Granted, non-sensitive or host-withheld permissions are reported without
/// asking.
///
/// Errors: `InvalidArgument` (a permission the manifest does not declare).
pub fn request(permission: Permission) -> Result<PermissionStatus, Error> {
    backend::settings_request(permission.as_str())
}

/// Opens the host's settings page for this mini-program. Errors: `Unavailable` (no such page).
pub fn open_host_settings() -> Result<(), Error> {
    backend::settings_open_host_settings()
}
