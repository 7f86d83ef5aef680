//! The host's native UI: toasts, dialogs, navigation. Permission: `ui`.

use crate::{Error, backend};

/// Shows a short message (1 to 500 bytes) that disappears by itself.
pub fn toast(message: &str) -> Result<(), Error> {
    backend::ui_toast(message)
}

/// Shows a dialog with 1 to 4 buttons and waits; returns the index of the chosen button.
///
/// Errors: `InvalidArgument`, `Cancelled` (dismissed), `PermissionDenied`.
pub fn modal<S: AsRef<str>>(title: &str, message: &str, buttons: &[S]) -> Result<u32, Error> {
    let buttons: Vec<String> = buttons.iter().map(|b| b.as_ref().to_owned()).collect();
    backend::ui_modal(title, message, &buttons)
}

/// Navigates the mini-program's view to `route`, which must start with `/`.
pub fn navigate(route: &str) -> Result<(), Error> {
    backend::ui_navigate(route)
}

/// Sets the title of the host's navigation bar (at most 100 bytes).
pub fn set_title(title: &str) -> Result<(), Error> {
    backend::ui_set_title(title)
}
