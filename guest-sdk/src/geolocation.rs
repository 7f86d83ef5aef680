//! The device's location. Permission: `location` (the user is asked once; after a "no", every
//! call returns `PermissionDenied`).

use crate::{Error, backend};

pub use miniapp_contract::wire::Position;

/// The current position. Errors: `PermissionDenied`, `Unavailable` (no fix).
pub fn current_position() -> Result<Position, Error> {
    backend::geolocation_current_position()
}
