//! Local notifications and the partner's push messages. Permission: `notifications` (the user
//! is asked for consent once). Ids and topics are 1 to 64 bytes of `a-z`, `0-9`, `.`, `_`, `-`.

use crate::{Error, backend};

/// Asks the device's notification permission if not asked yet; whether notifications can show.
pub fn request_permission() -> Result<bool, Error> {
    backend::notifications_request_permission()
}

/// Schedules local notification `id` (replacing one with the same id) at `at` (Unix seconds, in
/// the future). Errors: `InvalidArgument` (bad id, title 1..=64 bytes, body <= 256 bytes, `at`
/// not in the future), `Unavailable`, `PermissionDenied`.
pub fn schedule(id: &str, title: &str, body: &str, at: u64) -> Result<(), Error> {
    backend::notifications_schedule(id, title, body, at)
}

/// Subscribes to the partner's push messages on `topic` (they arrive as the `notification`
/// event). Errors: `InvalidArgument` (bad topic), `Unavailable`, `PermissionDenied`.
pub fn subscribe(topic: &str) -> Result<(), Error> {
    backend::notifications_subscribe(topic)
}
