//! Acme's session: opened once by code exchange, then kept in the host's secure storage, so a
//! later launch reuses it and asks for no new login code.
//!
//! A login code (`auth::login_code`) is one-time, valid 5 minutes and bound to this mini-program
//! and the signed-in user; it grants nothing by itself. Acme's backend redeems it with the host's
//! backend, which checks it with the host's key (signature, audience `com.acme.loans`, expiry,
//! not redeemed before: `miniapp_runtime::tokens::LoginCodes::redeem`) and answers the user's
//! identity; the backend then opens its session. Only the backend can make that check: nothing
//! here checks or trusts the code.
//!
//! This example declares no `network` permission, so it does not send the code itself: the
//! session it keeps is the exchange request (the code and its expiry) that its first call to
//! Acme's backend carries. `miniapp demo` plays that backend and redeems the code it finds. An
//! app with `network` POSTs the code over `wasi:http` and keeps the backend's answer instead.

use miniapp_sdk::{Error, auth, log, secure_storage};
use serde::{Deserialize, Serialize};

/// The secure-storage key of the session.
pub const SESSION_KEY: &str = "session";

/// What the app keeps between launches (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Session {
    /// The one-time login code Acme's backend redeems for the user's identity.
    pub login_code: String,
    /// Until when the backend can redeem it, seconds since the Unix epoch.
    pub code_expires_at: u64,
}

/// Where a launch's session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// A session kept by an earlier launch.
    SecureStorage,
    /// A new login code, exchanged at this launch.
    LoginCode,
}

/// The session in secure storage, or a new one by code exchange, kept for the next launches.
///
/// A host without a keystore (`Unavailable`) gets a new login code at every launch. Errors: those
/// of `auth::login_code` and `secure_storage::set`.
pub fn open() -> Result<(Session, Origin), Error> {
    let keystore = match secure_storage::get(SESSION_KEY) {
        Ok(Some(text)) => match serde_json::from_str(&text) {
            Ok(session) => return Ok((session, Origin::SecureStorage)),
            // An older or damaged value: logging in again replaces it.
            Err(e) => {
                log::warn(&format!(
                    "stored session unreadable ({e}); logging in again"
                ));
                true
            }
        },
        Ok(None) => true,
        Err(Error::Unavailable(why)) => {
            log::warn(&format!(
                "no keystore ({why}); the session lasts one launch"
            ));
            false
        }
        Err(e) => return Err(e),
    };
    let session = exchange(auth::login_code()?);
    if keystore {
        secure_storage::set(SESSION_KEY, &serde_json::to_string(&session)?)?;
    }
    Ok((session, Origin::LoginCode))
}

/// The code exchange as far as this app takes it: the request Acme's backend redeems.
fn exchange(code: auth::LoginCode) -> Session {
    Session {
        login_code: code.code,
        code_expires_at: code.expires_at,
    }
}
