//! Facts about the device and the host app, and the vibrator. Permission: `device`.

use crate::{Error, backend};

pub use miniapp_contract::wire::{DeviceInfo, Screen};

/// Describes the device. Errors: `PermissionDenied`.
pub fn info() -> Result<DeviceInfo, Error> {
    backend::device_info()
}

/// Vibrates for `millis` milliseconds (at most 1000).
///
/// Errors: `InvalidArgument`, `Unavailable` (no vibrator), `PermissionDenied`.
pub fn vibrate(millis: u32) -> Result<(), Error> {
    backend::device_vibrate(millis)
}
