//! `auth`: short-lived tokens bound to the mini-program (see [`crate::tokens`]).
//! The host's own credentials live in its [`IdentityService`] and never reach a guest.

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::auth as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, REDACTED, bridge_call};
use crate::state::AppContext;
use crate::tokens::MintedToken;

/// Replaces the signature of an `auth.getToken` token in a record with [`REDACTED`].
fn redact_token(method: Method, result: &mut Value) {
    if method != Method::AuthGetToken {
        return;
    }
    if let Some(token) = result.get_mut("value")
        && let Some(text) = token.as_str()
    {
        let redacted = match text.rsplit_once('.') {
            Some((signed, _signature)) if signed.contains('.') => format!("{signed}.{REDACTED}"),
            _ => REDACTED.to_owned(),
        };
        *token = Value::String(redacted);
    }
}

super::capability::declare_capability!(Auth, wit, redact: Some(redact_token));

/// Who is signed in to the host app.
pub trait IdentityService: Send + Sync {
    /// The signed-in user's stable id, or `None` when nobody is signed in.
    fn current_user(&self) -> Option<String>;
}

/// A fixed user. It also holds a stand-in for the host's master credential (the session the host
/// app uses with its own backend) so tests can prove it never reaches a guest.
#[derive(Debug, Clone)]
pub struct DevIdentity {
    user: String,
    master_credential: String,
}

impl DevIdentity {
    pub fn new(user: &str) -> Self {
        DevIdentity {
            user: user.into(),
            master_credential: format!("host-master-secret-{user}"),
        }
    }

    /// The host's own credential: for the host's backend only.
    pub fn master_credential(&self) -> &str {
        &self.master_credential
    }
}

impl IdentityService for DevIdentity {
    fn current_user(&self) -> Option<String> {
        Some(self.user.clone())
    }
}

pub use crate::tokens::TokenPolicy;

fn valid_scope(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b":._-".contains(&b))
}

/// Core: narrows the requested scopes to what the app may have and mints a token.
pub(crate) fn get_token(ctx: &AppContext, scopes: &[String]) -> Result<MintedToken, BridgeError> {
    if scopes.is_empty() || scopes.len() > 32 {
        return Err(BridgeError::invalid("ask for 1 to 32 scopes"));
    }
    if let Some(bad) = scopes.iter().find(|s| !valid_scope(s)) {
        return Err(BridgeError::invalid(format!("scope `{bad}` is malformed")));
    }
    let allowed = ctx.host.token_policy.allowed(&ctx.app);
    let mut granted: Vec<String> = Vec::new();
    for s in scopes {
        if allowed.contains(s) && !granted.contains(s) {
            granted.push(s.clone());
        }
    }
    if granted.is_empty() {
        return Err(BridgeError::invalid(format!(
            "none of the requested scopes is allowed to this mini-program (allowed: {})",
            allowed.join(", ")
        )));
    }
    let user = ctx
        .service::<dyn IdentityService>()
        .current_user()
        .ok_or_else(|| BridgeError::Unavailable("nobody is signed in to the host app".into()))?;
    ctx.host
        .tokens
        .mint(&ctx.app, &user, &granted)
        .map_err(|e| BridgeError::Internal(e.to_string()))
}

impl From<MintedToken> for wit::Token {
    fn from(t: MintedToken) -> Self {
        wit::Token {
            value: t.value,
            expires_at: t.expires_at,
            scopes: t.scopes,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn get_token(&mut self, scopes: Vec<String>) -> WitResult<wit::Token> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::AuthGetToken,
                G,
                || json!({"scopes": &scopes}),
                || async { get_token(ctx, &scopes) },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GetTokenParams {
    scopes: Vec<String>,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let GetTokenParams { scopes } = params(method, &p)?;
        super::capability::json(get_token(ctx, &scopes)?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use crate::tokens::verify_token;
    use miniapp_package::Permission;

    #[test]
    fn scopes_are_narrowed_and_token_is_bound_to_the_app() {
        let (ctx, _home) = context("com.acme.loans", &[Permission::Auth]);
        let t = get_token(&ctx, &["profile".into(), "payments:write".into()]).unwrap();
        assert_eq!(t.scopes, vec!["profile"]);
        let claims =
            verify_token(&t.value, ctx.host.tokens.public_key_pem(), "com.acme.loans").unwrap();
        assert_eq!(claims.sub, "dev-user");
        assert_eq!(claims.aud, "com.acme.loans");
        let err = get_token(&ctx, &["payments:write".into()]).unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT");
        assert_eq!(get_token(&ctx, &[]).unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(
            get_token(&ctx, &["Bad Scope".into()]).unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
    }

    #[test]
    fn the_master_credential_is_not_in_the_token() {
        let (ctx, _home) = context("com.acme.loans", &[Permission::Auth]);
        let identity = DevIdentity::new("dev-user");
        let t = get_token(&ctx, &["profile".into()]).unwrap();
        let claims =
            verify_token(&t.value, ctx.host.tokens.public_key_pem(), "com.acme.loans").unwrap();
        let everything = format!("{} {}", t.value, serde_json::to_string(&claims).unwrap());
        assert!(!everything.contains(identity.master_credential()));
    }
}
