//! Haptic feedback: short taps, a long vibration, result and selection patterns.
//! Permission: `haptics` (no consent prompt).

use crate::{Error, backend};

pub use miniapp_contract::wire::{HapticNotification, ImpactStyle};

/// A short tap (about 15 ms) of the given strength. Errors: `PermissionDenied`, `Unavailable`
/// (no haptic engine).
pub fn vibrate_short(style: ImpactStyle) -> Result<(), Error> {
    backend::haptics_vibrate_short(style)
}

/// A long vibration (about 400 ms). Errors: `PermissionDenied`, `Unavailable`.
pub fn vibrate_long() -> Result<(), Error> {
    backend::haptics_vibrate_long()
}

/// The platform's pattern for a success, a warning or an error. Errors: `PermissionDenied`,
/// `Unavailable`.
pub fn notify(kind: HapticNotification) -> Result<(), Error> {
    backend::haptics_notify(kind)
}

/// The light tick of a selection changing (a picker wheel turning). Errors: `PermissionDenied`,
/// `Unavailable`.
pub fn selection_changed() -> Result<(), Error> {
    backend::haptics_selection_changed()
}
