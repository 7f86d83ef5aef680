//! The device's location. Permission: `location` (the user is asked once; after a "no", every
//! call returns `PermissionDenied`).

use serde::{Deserialize, Serialize};

use crate::{Error, backend};

/// A position fix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of uncertainty in meters.
    pub accuracy_m: f64,
}

/// The current position. Errors: `PermissionDenied`, `Unavailable` (no fix).
pub fn current_position() -> Result<Position, Error> {
    backend::geolocation_current_position()
}
