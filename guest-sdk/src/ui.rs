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

/// Shows 1 to 6 choices (each 1 to 40 bytes) from the bottom of the screen and waits; returns
/// the index of the chosen one. Errors: `InvalidArgument`, `Cancelled` (dismissed),
/// `Unavailable`, `PermissionDenied`.
pub fn action_sheet<S: AsRef<str>>(items: &[S]) -> Result<u32, Error> {
    let items: Vec<String> = items.iter().map(|i| i.as_ref().to_owned()).collect();
    backend::ui_action_sheet(&items)
}

/// Shows a loading indicator with `title` (1 to 100 bytes) until [`hide_loading`].
pub fn show_loading(title: &str) -> Result<(), Error> {
    backend::ui_show_loading(title)
}

/// Hides the loading indicator (nothing happens if none is shown).
pub fn hide_loading() -> Result<(), Error> {
    backend::ui_hide_loading()
}

/// Colours the navigation bar: `front` is `#ffffff` or `#000000`, `background` `#rrggbb`.
pub fn set_navigation_bar_color(front: &str, background: &str) -> Result<(), Error> {
    backend::ui_set_navigation_bar_color(front, background)
}

/// Shows a date picker at `initial` and waits; returns the chosen date. Dates are `YYYY-MM-DD`;
/// `start` and `end` bound the choice. Errors: `InvalidArgument` (not a date, or `initial`
/// outside the bounds), `Cancelled`, `Unavailable`, `PermissionDenied`.
pub fn pick_date(initial: &str, start: Option<&str>, end: Option<&str>) -> Result<String, Error> {
    backend::ui_pick_date(initial, start, end)
}
