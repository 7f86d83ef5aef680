//! `auth.get-token`: short-lived JWTs signed by the host's own Ed25519 key (`<home>/host-key.pem`).
//! A token is bound to one mini-program (`aud`) and one user (`sub`) and carries only the scopes
//! the host allows that mini-program. The host's master credential is never an input here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use miniapp_package::AppId;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// How long a minted token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Issuer claim of every token.
pub const ISSUER: &str = "miniapp-host";

/// Claims of a mini-program token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    pub iss: String,
    /// The host user.
    pub sub: String,
    /// The mini-program id.
    pub aud: String,
    /// Space-separated scopes (RFC 8693 style).
    pub scope: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
}

impl TokenClaims {
    pub fn scopes(&self) -> Vec<String> {
        self.scope.split_whitespace().map(str::to_owned).collect()
    }
}

/// A minted token, as the guest receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedToken {
    pub value: String,
    pub expires_at: u64,
    pub scopes: Vec<String>,
}

/// Why a token or key was refused. Codes: `TOKEN_INVALID`, `KEY_INVALID`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Invalid(String),
    #[error("host token key is not usable: {0}")]
    Key(String),
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Invalid(_) => "TOKEN_INVALID",
            TokenError::Key(_) => "KEY_INVALID",
        }
    }
}

/// Signs tokens with the host's key.
pub struct TokenIssuer {
    encoding: EncodingKey,
    public_pem: String,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer").finish_non_exhaustive()
    }
}

pub(crate) fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl TokenIssuer {
    /// A fresh Ed25519 key, as PKCS#8 PEM.
    pub fn generate_key_pem() -> String {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        SigningKey::from_bytes(&seed)
            .to_pkcs8_pem(LineEnding::LF)
            .expect("encoding a fresh ed25519 key cannot fail")
            .to_string()
    }

    pub fn from_pem(private_pem: &str) -> Result<Self, TokenError> {
        let key = SigningKey::from_pkcs8_pem(private_pem)
            .map_err(|e| TokenError::Key(format!("expected an Ed25519 PKCS#8 PEM key: {e}")))?;
        let public_pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| TokenError::Key(e.to_string()))?;
        let encoding = EncodingKey::from_ed_pem(private_pem.as_bytes())
            .map_err(|e| TokenError::Key(e.to_string()))?;
        Ok(TokenIssuer {
            encoding,
            public_pem,
        })
    }

    /// The public key (SPKI PEM) that partner backends use to verify tokens.
    pub fn public_key_pem(&self) -> &str {
        &self.public_pem
    }

    /// Mints a token; `scopes` must already be narrowed to what the app may have.
    pub fn mint(
        &self,
        app: &AppId,
        user: &str,
        scopes: &[String],
    ) -> Result<MintedToken, TokenError> {
        let iat = now_unix();
        let exp = iat + TOKEN_LIFETIME.as_secs();
        let mut jti = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut jti);
        let claims = TokenClaims {
            iss: ISSUER.into(),
            sub: user.into(),
            aud: app.as_str().into(),
            scope: scopes.join(" "),
            iat,
            exp,
            jti: hex::encode(jti),
        };
        let value = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.encoding)
            .map_err(|e| TokenError::Key(e.to_string()))?;
        Ok(MintedToken {
            value,
            expires_at: exp,
            scopes: scopes.to_vec(),
        })
    }
}

/// Checks a token as a partner backend would: signature by `host_public_pem`, audience `app`,
/// issuer, and expiry (no leeway).
pub fn verify_token(
    token: &str,
    host_public_pem: &str,
    app: &str,
) -> Result<TokenClaims, TokenError> {
    let key = DecodingKey::from_ed_pem(host_public_pem.as_bytes())
        .map_err(|e| TokenError::Key(format!("expected an Ed25519 SPKI PEM public key: {e}")))?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[app]);
    validation.set_issuer(&[ISSUER]);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    jsonwebtoken::decode::<TokenClaims>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| TokenError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> TokenIssuer {
        TokenIssuer::from_pem(&TokenIssuer::generate_key_pem()).unwrap()
    }

    #[test]
    fn minted_tokens_verify_with_claims() {
        let issuer = issuer();
        let app = AppId::parse("com.acme.loans").unwrap();
        let t = issuer.mint(&app, "user-42", &["profile".into()]).unwrap();
        let claims = verify_token(&t.value, issuer.public_key_pem(), "com.acme.loans").unwrap();
        assert_eq!(claims.sub, "user-42");
        assert_eq!(claims.scopes(), vec!["profile"]);
        assert_eq!(claims.exp - claims.iat, 15 * 60);
        assert_eq!(claims.exp, t.expires_at);
    }

    #[test]
    fn wrong_audience_key_or_tampering_is_refused() {
        let issuer = issuer();
        let app = AppId::parse("com.acme.loans").unwrap();
        let t = issuer.mint(&app, "u", &["profile".into()]).unwrap();
        let err = verify_token(&t.value, issuer.public_key_pem(), "com.other.app").unwrap_err();
        assert_eq!(err.code(), "TOKEN_INVALID");
        let other = self::issuer();
        assert!(verify_token(&t.value, other.public_key_pem(), "com.acme.loans").is_err());
        // Same signature over claims that name another user.
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut parts: Vec<String> = t.value.split('.').map(str::to_owned).collect();
        let claims = String::from_utf8(b64.decode(&parts[1]).unwrap()).unwrap();
        assert!(claims.contains("\"sub\":\"u\""), "{claims}");
        parts[1] = b64.encode(claims.replace("\"sub\":\"u\"", "\"sub\":\"admin\""));
        let err =
            verify_token(&parts.join("."), issuer.public_key_pem(), "com.acme.loans").unwrap_err();
        assert_eq!(err.code(), "TOKEN_INVALID");
    }

    #[test]
    fn expired_tokens_are_refused() {
        let issuer = issuer();
        let now = now_unix();
        let claims = TokenClaims {
            iss: ISSUER.into(),
            sub: "u".into(),
            aud: "com.acme.loans".into(),
            scope: "profile".into(),
            iat: now - 3600,
            exp: now - 1,
            jti: "x".into(),
        };
        let value = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &issuer.encoding)
            .unwrap();
        let err = verify_token(&value, issuer.public_key_pem(), "com.acme.loans").unwrap_err();
        assert!(err.to_string().contains("xpired"), "{err}");
    }
}
