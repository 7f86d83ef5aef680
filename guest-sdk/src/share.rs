//! The system share sheet. Permission: `share`.

use crate::{Error, backend};

/// Opens the share sheet with `text` and an optional http(s) `url`; returns once shared.
///
/// Errors: `InvalidArgument` (empty text, or url not http(s)), `Cancelled`, `PermissionDenied`.
pub fn share(text: &str, url: Option<&str>) -> Result<(), Error> {
    backend::share_share(text, url)
}
