//! Facts about the device and the host app, and the vibrator. Permission: `device`.

use serde::{Deserialize, Serialize};

use crate::{Error, backend};

/// The screen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel.
    pub scale: f32,
}

/// What [`info`] describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// `android`, `ios`, `linux`, ...
    pub platform: String,
    /// The host app's version (semver).
    pub host_version: String,
    /// BCP 47 tag, for example `en-US`.
    pub locale: String,
    pub screen: Screen,
}

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
