//! Facts about the device and the host app, the vibrator, the network type, the battery and
//! keeping the screen on. Permission: `device`.

use crate::{Error, backend};

pub use miniapp_contract::wire::{BatteryInfo, DeviceInfo, NetworkType, Screen, SystemInfo, Theme};

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

/// How the device reaches the network now. Errors: `PermissionDenied`.
pub fn network_type() -> Result<NetworkType, Error> {
    backend::device_network_type()
}

/// The battery's charge. Errors: `PermissionDenied`, `Unavailable` (no battery).
pub fn battery() -> Result<BatteryInfo, Error> {
    backend::device_battery()
}

/// Keeps the screen on while this mini-program is in front (`true`), or lets it sleep (`false`).
/// Errors: `PermissionDenied`, `Unavailable`.
pub fn set_keep_screen_on(keep_on: bool) -> Result<(), Error> {
    backend::device_set_keep_screen_on(keep_on)
}

/// Maker, model, OS version, theme and text size. Errors: `PermissionDenied`, `Unavailable`.
pub fn system_info() -> Result<SystemInfo, Error> {
    backend::device_system_info()
}
