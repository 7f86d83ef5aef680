//! The device's biometric prompt (fingerprint, face). Permission: `biometrics` (the user is
//! asked for consent once). The mini-program learns only whether the user was recognised.

use crate::{Error, backend};

/// Shows the prompt with `reason` (1 to 200 bytes of visible text) and returns once the user is
/// recognised. Errors: `InvalidArgument` (bad reason), `Cancelled` (cancelled or not
/// recognised), `Unavailable` (no sensor or nothing enrolled), `PermissionDenied`.
pub fn authenticate(reason: &str) -> Result<(), Error> {
    backend::biometrics_authenticate(reason)
}
