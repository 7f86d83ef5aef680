//! `secureStorage` (permission `storage`): small secrets in the host's keystore, per app. Values
//! never reach the bridge's records: `set`'s value and `get`'s result are `redacted` there.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_contract::limits::{
    SECURE_ENTRIES_MAX, SECURE_KEY_BYTES, SECURE_VALUE_BYTES, secure_key_problem,
};
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::secure_storage as wit;
use super::capability::{Bridge, WitResult, params, to_wit};
use crate::bridge::{BridgeError, Method, REDACTED, bridge_call};
use crate::state::AppContext;

fn redact_secret(method: Method, result: &mut Value) {
    if method == Method::SecureStorageGet && result.is_string() {
        *result = Value::String(REDACTED.into());
    }
}

super::capability::declare_capability!(SecureStorage, wit, redact: Some(redact_secret));

/// The platform keystore (Android Keystore, iOS Keychain), one namespace per app. Keys and values
/// arrive checked against the limits; `Unavailable` when the device has none.
#[async_trait]
pub trait KeystoreService: Send + Sync {
    async fn set(&self, app: &AppId, key: &str, value: &str) -> Result<(), BridgeError>;
    async fn get(&self, app: &AppId, key: &str) -> Result<Option<String>, BridgeError>;
    async fn remove(&self, app: &AppId, key: &str) -> Result<bool, BridgeError>;
    /// How many keys `app` holds (for the per-app entry limit).
    async fn count(&self, app: &AppId) -> Result<usize, BridgeError>;
}

/// A keystore in memory (development and tests): forgotten when the process ends.
#[derive(Debug, Default)]
pub struct MemoryKeystore(Mutex<BTreeMap<AppId, BTreeMap<String, String>>>);

impl MemoryKeystore {
    /// What `app` holds now.
    pub fn entries(&self, app: &AppId) -> BTreeMap<String, String> {
        self.0.lock().unwrap().get(app).cloned().unwrap_or_default()
    }
}

#[async_trait]
impl KeystoreService for MemoryKeystore {
    async fn set(&self, app: &AppId, key: &str, value: &str) -> Result<(), BridgeError> {
        let mut all = self.0.lock().unwrap();
        all.entry(app.clone())
            .or_default()
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    async fn get(&self, app: &AppId, key: &str) -> Result<Option<String>, BridgeError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(app)
            .and_then(|m| m.get(key).cloned()))
    }
    async fn remove(&self, app: &AppId, key: &str) -> Result<bool, BridgeError> {
        let mut all = self.0.lock().unwrap();
        Ok(all.get_mut(app).is_some_and(|m| m.remove(key).is_some()))
    }
    async fn count(&self, app: &AppId) -> Result<usize, BridgeError> {
        Ok(self.0.lock().unwrap().get(app).map_or(0, BTreeMap::len))
    }
}

fn check_key(key: &str) -> Result<(), BridgeError> {
    match secure_key_problem(key) {
        Some(problem) => Err(BridgeError::invalid(format!(
            "{problem} (at most {SECURE_KEY_BYTES} bytes)"
        ))),
        None => Ok(()),
    }
}

pub(crate) async fn set(ctx: &AppContext, key: &str, value: &str) -> Result<(), BridgeError> {
    check_key(key)?;
    if value.len() > SECURE_VALUE_BYTES {
        return Err(BridgeError::invalid(format!(
            "value must be at most {SECURE_VALUE_BYTES} bytes, got {}",
            value.len()
        )));
    }
    let keystore = ctx.service::<dyn KeystoreService>();
    if keystore.get(&ctx.app, key).await?.is_none()
        && keystore.count(&ctx.app).await? >= SECURE_ENTRIES_MAX
    {
        return Err(BridgeError::QuotaExceeded);
    }
    keystore.set(&ctx.app, key, value).await
}

pub(crate) async fn get(ctx: &AppContext, key: &str) -> Result<Option<String>, BridgeError> {
    check_key(key)?;
    ctx.service::<dyn KeystoreService>()
        .get(&ctx.app, key)
        .await
}

pub(crate) async fn remove(ctx: &AppContext, key: &str) -> Result<bool, BridgeError> {
    check_key(key)?;
    ctx.service::<dyn KeystoreService>()
        .remove(&ctx.app, key)
        .await
}

/// The params of a call as records show them: the key, never the value.
fn recorded(key: &str, with_value: bool) -> Value {
    if with_value {
        json!({"key": key, "value": REDACTED})
    } else {
        json!({"key": key})
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn set(&mut self, key: String, value: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::SecureStorageSet,
                G,
                || recorded(&key, true),
                || set(ctx, &key, &value),
            )
            .await,
        )
    }
    async fn get(&mut self, key: String) -> WitResult<Option<String>> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::SecureStorageGet,
                G,
                || recorded(&key, false),
                || get(ctx, &key),
            )
            .await,
        )
    }
    async fn remove(&mut self, key: String) -> WitResult<bool> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::SecureStorageRemove,
                G,
                || recorded(&key, false),
                || remove(ctx, &key),
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyValue {
    key: String,
    value: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Key {
    key: String,
}

/// The JSON params as records show them: `value` replaced, whatever else the page sent kept.
fn json_recorded(p: &Value) -> Value {
    let mut shown = p.clone();
    if let Some(v) = shown.get_mut("value") {
        *v = Value::String(REDACTED.into());
    }
    shown
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(
        ctx,
        method,
        true,
        || json_recorded(&p),
        || async {
            match method {
                Method::SecureStorageSet => {
                    let KeyValue { key, value } = params(method, &p)?;
                    set(ctx, &key, &value).await.map(|()| Value::Null)
                }
                Method::SecureStorageGet => {
                    let Key { key } = params(method, &p)?;
                    Ok(get(ctx, &key).await?.map_or(Value::Null, Value::String))
                }
                Method::SecureStorageRemove => {
                    let Key { key } = params(method, &p)?;
                    remove(ctx, &key).await.map(Value::Bool)
                }
                _ => Err(BridgeError::Internal(format!(
                    "secureStorage does not serve {method}"
                ))),
            }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context_with;
    use miniapp_package::Permission;
    use std::sync::Arc;

    fn with(
        keystore: &Arc<MemoryKeystore>,
        app: &str,
        grants: &[Permission],
    ) -> (AppContext, tempfile::TempDir) {
        let mut services = super::super::HostServices::development();
        services.keystore = keystore.clone();
        context_with(app, grants, services)
    }

    #[tokio::test]
    async fn set_get_remove_per_app() {
        let keystore = Arc::new(MemoryKeystore::default());
        let (a, _h) = with(&keystore, "com.acme.a", &[Permission::Storage]);
        let (b, _h2) = with(&keystore, "com.acme.b", &[Permission::Storage]);
        let set = |k: &str, v: &str| json!({"key": k, "value": v});
        json(&a, Method::SecureStorageSet, set("refresh", "s3cret"))
            .await
            .unwrap();
        json(&b, Method::SecureStorageSet, set("refresh", "other"))
            .await
            .unwrap();
        let get = |k: &str| json!({"key": k});
        assert_eq!(
            json(&a, Method::SecureStorageGet, get("refresh"))
                .await
                .unwrap(),
            "s3cret"
        );
        assert_eq!(
            json(&a, Method::SecureStorageGet, get("none"))
                .await
                .unwrap(),
            Value::Null
        );
        assert_eq!(
            json(&a, Method::SecureStorageRemove, get("refresh"))
                .await
                .unwrap(),
            true
        );
        assert_eq!(
            json(&a, Method::SecureStorageRemove, get("refresh"))
                .await
                .unwrap(),
            false
        );
        assert_eq!(keystore.entries(b.app())["refresh"], "other");
    }

    #[tokio::test]
    async fn bad_input_denial_and_the_entry_limit_change_nothing() {
        let keystore = Arc::new(MemoryKeystore::default());
        let (ctx, _h) = with(&keystore, "com.acme.a", &[Permission::Storage]);
        let big = "v".repeat(SECURE_VALUE_BYTES + 1);
        let long_key = "k".repeat(SECURE_KEY_BYTES + 1);
        for (method, p) in [
            (Method::SecureStorageSet, json!({"key": "", "value": "v"})),
            (
                Method::SecureStorageSet,
                json!({"key": "a\u{0}b", "value": "v"}),
            ),
            (
                Method::SecureStorageSet,
                json!({"key": long_key, "value": "v"}),
            ),
            (Method::SecureStorageSet, json!({"key": "k", "value": big})),
            (Method::SecureStorageSet, json!({"key": "k", "value": 5})),
            (Method::SecureStorageGet, json!({"key": ""})),
            (Method::SecureStorageRemove, json!({"key": "\u{0}"})),
            (Method::SecureStorageGet, json!({})),
        ] {
            let e = json(&ctx, method, p.clone()).await.unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT", "{method} {p}");
        }
        assert!(keystore.entries(ctx.app()).is_empty());
        // Exactly at the limit still fits.
        let fits = "v".repeat(SECURE_VALUE_BYTES);
        json(
            &ctx,
            Method::SecureStorageSet,
            json!({"key": "k0", "value": fits}),
        )
        .await
        .unwrap();
        for i in 1..SECURE_ENTRIES_MAX {
            set(&ctx, &format!("k{i}"), "v").await.unwrap();
        }
        let e = set(&ctx, "one-more", "v").await.unwrap_err();
        assert_eq!(e, BridgeError::QuotaExceeded);
        set(&ctx, "k1", "replaced").await.unwrap();
        assert_eq!(keystore.entries(ctx.app()).len(), SECURE_ENTRIES_MAX);

        let (denied, _h3) = with(&keystore, "com.acme.c", &[Permission::Ui]);
        let e = json(
            &denied,
            Method::SecureStorageSet,
            json!({"key": "k", "value": "v"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e, BridgeError::PermissionDenied);
        assert!(keystore.entries(denied.app()).is_empty());
    }

    #[test]
    fn records_never_hold_a_secret() {
        let mut result = json!("s3cret");
        redact_secret(Method::SecureStorageGet, &mut result);
        assert_eq!(result, REDACTED);
        let shown = json_recorded(&json!({"key": "k", "value": "s3cret"}));
        assert_eq!(shown, json!({"key": "k", "value": REDACTED}));
        assert_eq!(recorded("k", true)["value"], REDACTED);
    }
}
