//! Short-lived identity tokens for the mini-program's own backend. Permission: `auth`.

use crate::{Error, backend};

pub use miniapp_contract::wire::{LoginCode, Token, UserProfile};

/// Mints a token for the signed-in user with the requested `scopes`.
///
/// The host narrows the request to the scopes it allows this mini-program; check
/// [`Token::scopes`]. Errors: `InvalidArgument` (no scopes, or none of them allowed),
/// `Unavailable` (no signed-in user), `PermissionDenied`.
pub fn token<S: AsRef<str>>(scopes: &[S]) -> Result<Token, Error> {
    let scopes: Vec<String> = scopes.iter().map(|s| s.as_ref().to_owned()).collect();
    backend::auth_get_token(&scopes)
}

/// A one-time login code bound to this mini-program and the signed-in user: send it to your
/// backend, which redeems it once, within 5 minutes, with the host's backend for the user's
/// identity. Errors: `Unavailable` (no signed-in user), `PermissionDenied`.
pub fn login_code() -> Result<LoginCode, Error> {
    backend::auth_login_code()
}

/// The user's profile, once they agree to share it (the host asks). Errors: `Cancelled` (the
/// user declined), `Unavailable` (no signed-in user, or no profile), `PermissionDenied`.
pub fn profile() -> Result<UserProfile, Error> {
    backend::auth_profile()
}
