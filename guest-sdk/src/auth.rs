//! Short-lived identity tokens for the mini-program's own backend. Permission: `auth`.

use crate::{Error, backend};

pub use miniapp_contract::wire::Token;

/// Mints a token for the signed-in user with the requested `scopes`.
///
/// The host narrows the request to the scopes it allows this mini-program; check
/// [`Token::scopes`]. Errors: `InvalidArgument` (no scopes, or none of them allowed),
/// `Unavailable` (no signed-in user), `PermissionDenied`.
pub fn token<S: AsRef<str>>(scopes: &[S]) -> Result<Token, Error> {
    let scopes: Vec<String> = scopes.iter().map(|s| s.as_ref().to_owned()).collect();
    backend::auth_get_token(&scopes)
}
