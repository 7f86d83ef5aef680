//! `auth`: short-lived tokens bound to the mini-program (see [`crate::tokens`]).
//! The host's own credentials live in its [`IdentityService`] and never reach a guest.

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::auth as wit;
use super::capability::{Bridge, NoParams, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, REDACTED, bridge_call};
use crate::state::AppContext;
use crate::tokens::MintedToken;
use miniapp_package::AppId;

/// Replaces the signature of an `auth.getToken` token or an `auth.loginCode` code in a record
/// with [`REDACTED`].
fn redact_token(method: Method, result: &mut Value) {
    let field = match method {
        Method::AuthGetToken => "value",
        // A login code is a credential too, until redeemed.
        Method::AuthLoginCode => "code",
        _ => return,
    };
    if let Some(token) = result.get_mut(field)
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

pub use miniapp_contract::wire::{LoginCode, UserProfile};

/// Who is signed in to the host app.
pub trait IdentityService: Send + Sync {
    /// The signed-in user's stable id, or `None` when nobody is signed in.
    fn current_user(&self) -> Option<String>;

    /// The user's profile for `app`, once the user agrees to share it (the host's own sheet;
    /// `Cancelled` when they decline). By default the host shares no profile: `Unavailable`.
    fn profile(&self, app: &AppId) -> Result<UserProfile, BridgeError> {
        let _ = app;
        Err(BridgeError::Unavailable(
            "this host shares no user profile".into(),
        ))
    }
}

/// A fixed user. It also holds a stand-in for the host's master credential (the session the host
/// app uses with its own backend) so tests can prove it never reaches a guest.
#[derive(Debug, Clone)]
pub struct DevIdentity {
    user: String,
    master_credential: String,
    /// The user declines every profile sheet.
    declines_profile: bool,
}

impl DevIdentity {
    pub fn new(user: &str) -> Self {
        DevIdentity {
            user: user.into(),
            master_credential: format!("host-master-secret-{user}"),
            declines_profile: false,
        }
    }

    /// The user declines to share their profile (`auth.profile` is `Cancelled`).
    pub fn declining_profile(mut self) -> Self {
        self.declines_profile = true;
        self
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

    fn profile(&self, _app: &AppId) -> Result<UserProfile, BridgeError> {
        if self.declines_profile {
            return Err(BridgeError::Cancelled);
        }
        Ok(UserProfile {
            nickname: self.user.clone(),
            avatar_url: None,
        })
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
    let user = signed_in(ctx)?;
    ctx.host
        .tokens
        .mint(&ctx.app, &user, &granted)
        .map_err(|e| BridgeError::Internal(e.to_string()))
}

fn signed_in(ctx: &AppContext) -> Result<String, BridgeError> {
    ctx.service::<dyn IdentityService>()
        .current_user()
        .ok_or_else(|| BridgeError::Unavailable("nobody is signed in to the host app".into()))
}

/// Core: a one-time login code bound to this app and the signed-in user.
pub(crate) fn login_code(ctx: &AppContext) -> Result<LoginCode, BridgeError> {
    let user = signed_in(ctx)?;
    let minted = ctx
        .host
        .tokens
        .mint_login_code(&ctx.app, &user)
        .map_err(|e| BridgeError::Internal(e.to_string()))?;
    Ok(LoginCode {
        code: minted.value,
        expires_at: minted.expires_at,
    })
}

/// Core: the user's profile, through the host's own consent sheet.
pub(crate) fn profile(ctx: &AppContext) -> Result<UserProfile, BridgeError> {
    signed_in(ctx)?;
    ctx.service::<dyn IdentityService>().profile(&ctx.app)
}

impl From<LoginCode> for wit::OneTimeCode {
    fn from(c: LoginCode) -> Self {
        wit::OneTimeCode {
            code: c.code,
            expires_at: c.expires_at,
        }
    }
}

impl From<UserProfile> for wit::UserProfile {
    fn from(p: UserProfile) -> Self {
        wit::UserProfile {
            nickname: p.nickname,
            avatar_url: p.avatar_url,
        }
    }
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
    async fn login_code(&mut self) -> WitResult<wit::OneTimeCode> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::AuthLoginCode, G, no_params, || async {
                login_code(ctx)
            })
            .await,
        )
    }
    async fn profile(&mut self) -> WitResult<wit::UserProfile> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::AuthProfile, G, no_params, || async {
                profile(ctx)
            })
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
        match method {
            Method::AuthGetToken => {
                let GetTokenParams { scopes } = params(method, &p)?;
                super::capability::json(get_token(ctx, &scopes)?)
            }
            Method::AuthLoginCode => {
                params::<NoParams>(method, &p)?;
                super::capability::json(login_code(ctx)?)
            }
            Method::AuthProfile => {
                params::<NoParams>(method, &p)?;
                super::capability::json(profile(ctx)?)
            }
            _ => Err(BridgeError::Internal(format!(
                "auth does not serve {method}"
            ))),
        }
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

    #[tokio::test]
    async fn a_login_code_is_bound_one_time_and_not_a_token() {
        use crate::tokens::{LOGIN_CODE_LIFETIME, LoginCodes, now_unix};
        let (ctx, _home) = context("com.acme.loans", &[Permission::Auth]);
        let v = json(&ctx, Method::AuthLoginCode, Value::Null)
            .await
            .unwrap();
        let code = v["code"].as_str().unwrap();
        let expires_at = v["expiresAt"].as_u64().unwrap();
        assert!(expires_at <= now_unix() + LOGIN_CODE_LIFETIME.as_secs());
        let pem = ctx.host.tokens.public_key_pem();
        // Not an access token: a backend verifying tokens refuses it.
        assert!(verify_token(code, pem, "com.acme.loans").is_err());
        let codes = LoginCodes::default();
        // Bound to its app.
        assert!(codes.redeem(code, pem, "com.acme.other").is_err());
        let claims = codes.redeem(code, pem, "com.acme.loans").unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.scope.as_str()),
            ("dev-user", "")
        );
        // One-time.
        assert!(codes.redeem(code, pem, "com.acme.loans").is_err());
        // A token is not a login code either.
        let t = get_token(&ctx, &["profile".into()]).unwrap();
        assert!(codes.redeem(&t.value, pem, "com.acme.loans").is_err());
        // Two codes differ; records never hold one.
        let second = login_code(&ctx).unwrap();
        assert_ne!(second.code, code);
        let mut shown = json!({"code": second.code, "expiresAt": 1});
        redact_token(Method::AuthLoginCode, &mut shown);
        assert!(shown["code"].as_str().unwrap().ends_with(REDACTED));
        assert!(
            codes
                .redeem(shown["code"].as_str().unwrap(), pem, "com.acme.loans")
                .is_err()
        );
    }

    #[tokio::test]
    async fn profile_after_consent_declined_signed_out_or_denied() {
        let (ctx, _home) = context("com.acme.loans", &[Permission::Auth]);
        let v = json(&ctx, Method::AuthProfile, json!({})).await.unwrap();
        assert_eq!(v, json!({"nickname": "dev-user", "avatarUrl": null}));
        let e = json(&ctx, Method::AuthProfile, json!({"scope": "all"}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");

        let mut services = super::super::HostServices::development();
        services.identity = std::sync::Arc::new(DevIdentity::new("u").declining_profile());
        let (declining, _h) = crate::capabilities::testing::context_with(
            "com.acme.loans",
            &[Permission::Auth],
            services,
        );
        let e = json(&declining, Method::AuthProfile, Value::Null)
            .await
            .unwrap_err();
        assert_eq!(e, BridgeError::Cancelled);

        struct Nobody;
        impl IdentityService for Nobody {
            fn current_user(&self) -> Option<String> {
                None
            }
        }
        let mut services = super::super::HostServices::development();
        services.identity = std::sync::Arc::new(Nobody);
        let (nobody, _h2) = crate::capabilities::testing::context_with(
            "com.acme.loans",
            &[Permission::Auth],
            services,
        );
        for m in [Method::AuthProfile, Method::AuthLoginCode] {
            let e = json(&nobody, m, Value::Null).await.unwrap_err();
            assert_eq!(e.code(), "UNAVAILABLE", "{m}");
        }

        let (denied, _h3) = context("com.acme.loans", &[Permission::Ui]);
        for m in [Method::AuthProfile, Method::AuthLoginCode] {
            let e = json(&denied, m, Value::Null).await.unwrap_err();
            assert_eq!(e, BridgeError::PermissionDenied, "{m}");
        }
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
