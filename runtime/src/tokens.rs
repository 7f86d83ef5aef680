//! `auth.get-token`: short-lived JWTs signed by the host's own Ed25519 key (`<home>/host-key.pem`).
//! A token is bound to one mini-program (`aud`) and one user (`sub`) and carries only the scopes
//! the host allows that mini-program. The host's master credential is never an input here.
//!
//! Every token names its key in the `kid` header ([`key_id`]); partner backends pick the key from
//! the host's JWK Set ([`JwkSet`]). After a rotation the retired key stays in the set, and keeps
//! verifying, until its grace period ends ([`HostKeys`]).
//!
//! Tokens are compact JWS (RFC 7515) with `alg: EdDSA` (RFC 8037), built here from ed25519-dalek
//! rather than a JWT crate carrying every algorithm; any standard JWT library verifies them
//! (a test checks one does).

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use miniapp_package::AppId;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// How long a minted token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Issuer claim of every token.
pub const ISSUER: &str = "miniapp-host";
/// How long a login code (`auth.loginCode`) is valid.
pub const LOGIN_CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// Issuer claim of login codes: not [`ISSUER`], so a backend checking tokens with
/// [`verify_token`] refuses a login code, and [`LoginCodes::redeem`] refuses a token.
pub const LOGIN_CODE_ISSUER: &str = "miniapp-host/login-code";

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

/// Why a token or key was refused. Codes: `TOKEN_INVALID`, `KEY_INVALID`, `TOKEN_KEY_UNKNOWN`,
/// `TOKEN_KEY_RETIRED`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Invalid(String),
    #[error("host token key is not usable: {0}")]
    Key(String),
    /// The token's `kid` names no key of the set (or the token has no `kid`).
    #[error("token rejected: its key `{0}` is not one of the host's keys")]
    KeyUnknown(String),
    /// The token's key was rotated out and its grace period has ended.
    #[error(
        "token rejected: its key `{kid}` was retired and its grace period ended at {grace_until}"
    )]
    KeyRetired { kid: String, grace_until: u64 },
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Invalid(_) => "TOKEN_INVALID",
            TokenError::Key(_) => "KEY_INVALID",
            TokenError::KeyUnknown(_) => "TOKEN_KEY_UNKNOWN",
            TokenError::KeyRetired { .. } => "TOKEN_KEY_RETIRED",
        }
    }
}

/// The key id of an Ed25519 public key: base64url (no padding) of the first 16 bytes of the
/// SHA-256 of the raw 32-byte key. Anyone holding the key computes the same id.
pub fn key_id(public: &[u8; 32]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(public);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// One public key of a JWK Set (RFC 7517, RFC 8037 `OKP`/`Ed25519`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    /// The raw public key, base64url without padding.
    pub x: String,
    pub kid: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
}

impl Jwk {
    pub fn ed25519(public: &[u8; 32]) -> Jwk {
        Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public),
            kid: key_id(public),
            use_: "sig".into(),
            alg: "EdDSA".into(),
        }
    }
}

/// What `miniapp token jwks` prints and partner backends fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// A key the host signed with before a rotation: still verifies until `grace_until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetiredKey {
    pub kid: String,
    /// The raw public key, base64url without padding.
    pub x: String,
    pub retired_at: u64,
    pub grace_until: u64,
}

/// The host's public token keys: the one it signs with now and the retired ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKeys {
    pub current: Jwk,
    pub retired: Vec<RetiredKey>,
}

impl HostKeys {
    /// The keys that verify at `now`, newest first.
    pub fn jwks(&self, now: u64) -> JwkSet {
        let mut keys = vec![self.current.clone()];
        for r in self.retired.iter().rev() {
            if r.grace_until > now && keys.iter().all(|k| k.kid != r.kid) {
                keys.push(Jwk {
                    x: r.x.clone(),
                    kid: r.kid.clone(),
                    ..self.current.clone()
                });
            }
        }
        JwkSet { keys }
    }

    /// Checks a token against the key its `kid` names: the current key, or a retired key whose
    /// grace period has not ended at `now`.
    pub fn verify(&self, token: &str, app: &str, now: u64) -> Result<TokenClaims, TokenError> {
        let kid = token_kid(token)?;
        if let Some(r) = self.retired.iter().find(|r| r.kid == kid)
            && kid != self.current.kid
            && r.grace_until <= now
        {
            return Err(TokenError::KeyRetired {
                kid,
                grace_until: r.grace_until,
            });
        }
        verify_token_jwks(token, &self.jwks(now), app)
    }
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The JOSE header of a token (RFC 7515 §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenHeader {
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
}

/// A token split into its parts: header, the signed input (`header.claims`), claims, signature.
struct Compact<'t> {
    header: TokenHeader,
    signing_input: &'t str,
    claims: Vec<u8>,
    signature: Signature,
}

fn invalid(what: impl std::fmt::Display) -> TokenError {
    TokenError::Invalid(what.to_string())
}

/// Decodes a compact JWS whose header says `EdDSA`; nothing is trusted yet.
fn split(token: &str) -> Result<Compact<'_>, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("not a compact JWS (three base64url parts)"));
    };
    let header: TokenHeader = B64
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| invalid("malformed header"))?;
    if header.alg != "EdDSA" {
        return Err(invalid(format!(
            "algorithm `{}`, expected EdDSA",
            header.alg
        )));
    }
    let claims = B64.decode(c).map_err(|_| invalid("malformed claims"))?;
    let signature = B64
        .decode(s)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or_else(|| invalid("malformed signature"))?;
    Ok(Compact {
        header,
        signing_input: &token[..h.len() + 1 + c.len()],
        claims,
        signature,
    })
}

/// The header of a token, unverified (to pick its key).
pub fn decode_header(token: &str) -> Result<TokenHeader, TokenError> {
    split(token).map(|c| c.header)
}

/// Signs `claims` as a compact JWS with `kid` in the header.
fn encode(key: &SigningKey, kid: Option<String>, claims: &TokenClaims) -> String {
    let header = TokenHeader {
        alg: "EdDSA".into(),
        typ: Some("JWT".into()),
        kid,
    };
    let mut token = B64.encode(serde_json::to_vec(&header).expect("serializes"));
    token.push('.');
    token.push_str(&B64.encode(serde_json::to_vec(claims).expect("serializes")));
    let signature = key.sign(token.as_bytes());
    token.push('.');
    token.push_str(&B64.encode(signature.to_bytes()));
    token
}

fn token_kid(token: &str) -> Result<String, TokenError> {
    decode_header(token)?
        .kid
        .ok_or_else(|| TokenError::KeyUnknown("(no kid header)".into()))
}

/// Checks a token as a partner backend holding the host's JWK Set would: the key named by the
/// token's `kid`, then as [`verify_token`].
pub fn verify_token_jwks(token: &str, jwks: &JwkSet, app: &str) -> Result<TokenClaims, TokenError> {
    let kid = token_kid(token)?;
    let jwk = jwks
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or(TokenError::KeyUnknown(kid))?;
    if jwk.kty != "OKP" || jwk.crv != "Ed25519" {
        return Err(TokenError::Key(format!(
            "key `{}` is {}/{}, expected OKP/Ed25519",
            jwk.kid, jwk.kty, jwk.crv
        )));
    }
    let key = B64
        .decode(&jwk.x)
        .ok()
        .and_then(|x| <[u8; 32]>::try_from(x).ok())
        .and_then(|x| VerifyingKey::from_bytes(&x).ok())
        .ok_or_else(|| {
            TokenError::Key(format!("key `{}` is not an Ed25519 public key", jwk.kid))
        })?;
    verify_with(token, &key, app)
}

/// Signs tokens with the host's key.
pub struct TokenIssuer {
    signing: SigningKey,
    public_pem: String,
    public: [u8; 32],
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer").finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now_unix() -> u64 {
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
        Ok(TokenIssuer {
            public: key.verifying_key().to_bytes(),
            signing: key,
            public_pem,
        })
    }

    /// The `kid` every token of this issuer carries.
    pub fn key_id(&self) -> String {
        key_id(&self.public)
    }

    /// This issuer's public key as a JWK.
    pub fn jwk(&self) -> Jwk {
        Jwk::ed25519(&self.public)
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
        self.sign(ISSUER, TOKEN_LIFETIME, app, user, scopes)
    }

    /// Mints a login code: bound to `app` and `user`, valid [`LOGIN_CODE_LIFETIME`], redeemable
    /// once by the host's backend ([`LoginCodes::redeem`]); it grants nothing by itself.
    pub fn mint_login_code(&self, app: &AppId, user: &str) -> Result<MintedToken, TokenError> {
        self.sign(LOGIN_CODE_ISSUER, LOGIN_CODE_LIFETIME, app, user, &[])
    }

    fn sign(
        &self,
        issuer: &str,
        lifetime: Duration,
        app: &AppId,
        user: &str,
        scopes: &[String],
    ) -> Result<MintedToken, TokenError> {
        let iat = now_unix();
        let exp = iat + lifetime.as_secs();
        let mut jti = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut jti);
        let claims = TokenClaims {
            iss: issuer.into(),
            sub: user.into(),
            aud: app.as_str().into(),
            scope: scopes.join(" "),
            iat,
            exp,
            jti: hex::encode(jti),
        };
        let value = encode(&self.signing, Some(self.key_id()), &claims);
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
    let key = VerifyingKey::from_public_key_pem(host_public_pem)
        .map_err(|e| TokenError::Key(format!("expected an Ed25519 SPKI PEM public key: {e}")))?;
    verify_with(token, &key, app)
}

/// Login codes redeemed so far, kept until they expire: what makes a code one-time. The host's
/// backend holds one and redeems the codes partner backends send it.
#[derive(Debug, Default)]
pub struct LoginCodes {
    redeemed: std::sync::Mutex<HashMap<String, u64>>,
}

impl LoginCodes {
    /// The claims of `code` (its `sub` is the user, its `aud` the app) if it is a login code
    /// signed by `host_public_pem`, for `app`, not expired and not redeemed before.
    pub fn redeem(
        &self,
        code: &str,
        host_public_pem: &str,
        app: &str,
    ) -> Result<TokenClaims, TokenError> {
        let key = VerifyingKey::from_public_key_pem(host_public_pem).map_err(|e| {
            TokenError::Key(format!("expected an Ed25519 SPKI PEM public key: {e}"))
        })?;
        let claims = verify_issued(code, &key, app, LOGIN_CODE_ISSUER)?;
        let now = now_unix();
        let mut redeemed = self.redeemed.lock().unwrap();
        redeemed.retain(|_, exp| *exp >= now);
        if redeemed.insert(claims.jti.clone(), claims.exp).is_some() {
            return Err(invalid("login code already redeemed"));
        }
        Ok(claims)
    }
}

/// Signature (strict: no malleable or small-order forms), then issuer, audience, expiry.
fn verify_with(token: &str, key: &VerifyingKey, app: &str) -> Result<TokenClaims, TokenError> {
    verify_issued(token, key, app, ISSUER)
}

fn verify_issued(
    token: &str,
    key: &VerifyingKey,
    app: &str,
    issuer: &str,
) -> Result<TokenClaims, TokenError> {
    let parts = split(token)?;
    key.verify_strict(parts.signing_input.as_bytes(), &parts.signature)
        .map_err(|_| invalid("InvalidSignature"))?;
    let claims: TokenClaims =
        serde_json::from_slice(&parts.claims).map_err(|e| invalid(format!("claims: {e}")))?;
    if claims.iss != issuer {
        return Err(invalid(format!("issuer `{}`", claims.iss)));
    }
    if claims.aud != app {
        return Err(invalid(format!(
            "audience `{}`, expected `{app}`",
            claims.aud
        )));
    }
    // No leeway, as jsonwebtoken's `exp < now` with leeway 0.
    if claims.exp < now_unix() {
        return Err(invalid(format!("ExpiredSignature (exp {})", claims.exp)));
    }
    Ok(claims)
}

/// Which token scopes each mini-program may receive. Default: `profile` only.
#[derive(Debug, Clone)]
pub struct TokenPolicy {
    pub default_scopes: Vec<String>,
    pub per_app: HashMap<AppId, Vec<String>>,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        TokenPolicy {
            default_scopes: vec!["profile".into()],
            per_app: HashMap::new(),
        }
    }
}

impl TokenPolicy {
    pub fn allowed(&self, app: &AppId) -> &[String] {
        self.per_app.get(app).unwrap_or(&self.default_scopes)
    }
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
    fn tokens_name_their_key_and_verify_with_the_jwk_set() {
        let issuer = issuer();
        let app = AppId::parse("com.acme.loans").unwrap();
        let t = issuer.mint(&app, "u", &["profile".into()]).unwrap();
        let header = decode_header(&t.value).unwrap();
        assert_eq!(header.kid.as_deref(), Some(issuer.key_id().as_str()));
        assert_eq!(issuer.key_id().len(), 22, "16 bytes of base64url");
        let jwks = JwkSet {
            keys: vec![issuer.jwk()],
        };
        let claims = verify_token_jwks(&t.value, &jwks, "com.acme.loans").unwrap();
        assert_eq!(claims.sub, "u");
        let other = JwkSet {
            keys: vec![self::issuer().jwk()],
        };
        let err = verify_token_jwks(&t.value, &other, "com.acme.loans").unwrap_err();
        assert_eq!(err.code(), "TOKEN_KEY_UNKNOWN");
        // A set whose entry claims the token's kid but holds another key.
        let forged = JwkSet {
            keys: vec![Jwk {
                kid: issuer.key_id(),
                ..self::issuer().jwk()
            }],
        };
        let err = verify_token_jwks(&t.value, &forged, "com.acme.loans").unwrap_err();
        assert_eq!(err.code(), "TOKEN_INVALID");
    }

    const KID_RFC8037: &str = "If4x36FUomFia_hUBG_SJw";

    #[test]
    fn key_id_is_the_truncated_sha256_of_the_raw_key() {
        // RFC 8037 A.2's public key; its kid computed independently with
        // `xxd -r -p | openssl dgst -sha256 -binary | head -c 16 | basenc --base64url` (padding dropped).
        let x: [u8; 32] =
            hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                .unwrap()
                .try_into()
                .unwrap();
        assert_eq!(key_id(&x), KID_RFC8037);
        assert_eq!(
            Jwk::ed25519(&x).x,
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
    }

    #[test]
    fn a_retired_key_verifies_until_its_grace_ends() {
        let old = issuer();
        let new = issuer();
        let app = AppId::parse("com.acme.loans").unwrap();
        let t_old = old.mint(&app, "u", &[]).unwrap();
        let t_new = new.mint(&app, "u", &[]).unwrap();
        let now = now_unix();
        let keys = HostKeys {
            current: new.jwk(),
            retired: vec![RetiredKey {
                kid: old.key_id(),
                x: old.jwk().x,
                retired_at: now,
                grace_until: now + 60,
            }],
        };
        assert_eq!(keys.jwks(now).keys.len(), 2);
        assert_eq!(keys.jwks(now).keys[0], new.jwk(), "the signing key first");
        keys.verify(&t_old.value, "com.acme.loans", now).unwrap();
        keys.verify(&t_new.value, "com.acme.loans", now).unwrap();
        // Grace over: the old key leaves the set and its tokens are refused by name.
        assert_eq!(keys.jwks(now + 60).keys, vec![new.jwk()]);
        let err = keys
            .verify(&t_old.value, "com.acme.loans", now + 60)
            .unwrap_err();
        assert_eq!(err.code(), "TOKEN_KEY_RETIRED");
        keys.verify(&t_new.value, "com.acme.loans", now + 60)
            .unwrap();
        let stranger = issuer().mint(&app, "u", &[]).unwrap();
        let err = keys
            .verify(&stranger.value, "com.acme.loans", now)
            .unwrap_err();
        assert_eq!(err.code(), "TOKEN_KEY_UNKNOWN");
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
        let value = encode(&issuer.signing, Some(issuer.key_id()), &claims);
        let err = verify_token(&value, issuer.public_key_pem(), "com.acme.loans").unwrap_err();
        assert!(err.to_string().contains("xpired"), "{err}");
    }

    #[test]
    fn a_standard_jwt_library_reads_our_tokens_and_we_read_its() {
        use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
        let pem = TokenIssuer::generate_key_pem();
        let issuer = TokenIssuer::from_pem(&pem).unwrap();
        let app = AppId::parse("com.acme.loans").unwrap();
        let t = issuer.mint(&app, "u", &["profile".into()]).unwrap();
        let header = jsonwebtoken::decode_header(&t.value).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(header.kid.as_deref(), Some(issuer.key_id().as_str()));
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&["com.acme.loans"]);
        validation.set_issuer(&[ISSUER]);
        let key = DecodingKey::from_ed_pem(issuer.public_key_pem().as_bytes()).unwrap();
        let theirs = jsonwebtoken::decode::<TokenClaims>(&t.value, &key, &validation).unwrap();
        assert_eq!(
            theirs.claims,
            verify_token(&t.value, issuer.public_key_pem(), "com.acme.loans").unwrap()
        );
        // From the JWK too.
        let key = DecodingKey::from_ed_components(&issuer.jwk().x).unwrap();
        jsonwebtoken::decode::<TokenClaims>(&t.value, &key, &validation).unwrap();
        // And a token the library signed verifies here.
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(issuer.key_id());
        let value = jsonwebtoken::encode(
            &header,
            &theirs.claims,
            &EncodingKey::from_ed_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap();
        let jwks = JwkSet {
            keys: vec![issuer.jwk()],
        };
        assert_eq!(
            verify_token_jwks(&value, &jwks, "com.acme.loans").unwrap(),
            theirs.claims
        );
        // Another algorithm in the header is refused before any key is tried.
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &theirs.claims,
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        let err = verify_token(&hs, issuer.public_key_pem(), "com.acme.loans").unwrap_err();
        assert!(err.to_string().contains("EdDSA"), "{err}");
    }
}
