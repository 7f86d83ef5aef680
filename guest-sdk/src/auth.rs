//! Short-lived identity tokens for the mini-program's own backend. Permission: `auth`.

use serde::{Deserialize, Serialize};

use crate::{Error, backend};

/// A host-signed JWT and what it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// The compact JWT (`header.claims.signature`); send it to your backend as a bearer token.
    pub value: String,
    /// Expiry, seconds since the Unix epoch (15 minutes after minting).
    pub expires_at: u64,
    /// Scopes actually granted: the requested ones that the host allows this mini-program.
    pub scopes: Vec<String>,
}

/// Mints a token for the signed-in user with the requested `scopes`.
///
/// The host narrows the request to the scopes it allows this mini-program; check
/// [`Token::scopes`]. Errors: `InvalidArgument` (no scopes, or none of them allowed),
/// `Unavailable` (no signed-in user), `PermissionDenied`.
pub fn token<S: AsRef<str>>(scopes: &[S]) -> Result<Token, Error> {
    let scopes: Vec<String> = scopes.iter().map(|s| s.as_ref().to_owned()).collect();
    backend::auth_get_token(&scopes)
}
