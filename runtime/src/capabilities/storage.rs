//! `storage`: the app's private key-value store (see [`crate::storage::AppStorage`]).

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::storage as wit;
use super::capability::{Bridge, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, RecordBytes, bridge_call, bridge_call_sync};
use crate::state::AppContext;

super::capability::declare_capability!(Storage, wit, redact: None);

pub use miniapp_contract::wire::StorageUsage;

fn usage(ctx: &AppContext) -> StorageUsage {
    let (used_bytes, quota_bytes) = ctx.storage.usage();
    StorageUsage {
        used_bytes,
        quota_bytes,
    }
}

/// A stored value as a component receives it; records show it as [`RecordBytes`].
struct Stored(Vec<u8>);

impl serde::Serialize for Stored {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RecordBytes(&self.0).serialize(s)
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    fn set(&mut self, key: String, value: Vec<u8>) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(bridge_call_sync(
            ctx,
            Method::StorageSet,
            G,
            || json!({"key": &key, "value": RecordBytes(&value)}),
            || Ok(ctx.storage.set(&key, &value)?),
        ))
    }

    fn get(&mut self, key: String) -> WitResult<Option<Vec<u8>>> {
        let ctx = self.ctx;
        let got = bridge_call_sync(
            ctx,
            Method::StorageGet,
            G,
            || json!({"key": &key}),
            || Ok(ctx.storage.get(&key)?.map(Stored)),
        );
        to_wit(got.map(|v| v.map(|Stored(bytes)| bytes)))
    }

    fn remove(&mut self, key: String) -> WitResult<bool> {
        let ctx = self.ctx;
        to_wit(bridge_call_sync(
            ctx,
            Method::StorageRemove,
            G,
            || json!({"key": &key}),
            || Ok(ctx.storage.remove(&key)?),
        ))
    }

    fn keys(&mut self) -> WitResult<Vec<String>> {
        let ctx = self.ctx;
        to_wit(bridge_call_sync(
            ctx,
            Method::StorageKeys,
            G,
            no_params,
            || Ok(ctx.storage.keys()?),
        ))
    }

    fn clear(&mut self) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(bridge_call_sync(
            ctx,
            Method::StorageClear,
            G,
            no_params,
            || Ok(ctx.storage.clear()?),
        ))
    }

    fn usage(&mut self) -> WitResult<wit::StorageUsage> {
        let ctx = self.ctx;
        to_wit(bridge_call_sync(
            ctx,
            Method::StorageUsage,
            G,
            no_params,
            || Ok(usage(ctx)),
        ))
    }
}

impl From<StorageUsage> for wit::StorageUsage {
    fn from(u: StorageUsage) -> Self {
        wit::StorageUsage {
            used_bytes: u.used_bytes,
            quota_bytes: u.quota_bytes,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyParams {
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetParams {
    key: String,
    value: Value,
}

/// JSON entry. Values travel as JSON and are stored as their UTF-8 JSON text, so a component
/// using `set_json` and a web page read the same bytes.
pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let s = &ctx.storage;
        match method {
            Method::StorageSet => {
                let SetParams { key, value } = params(method, &p)?;
                s.set(&key, value.to_string().as_bytes())?;
                Ok(Value::Null)
            }
            Method::StorageGet => {
                let KeyParams { key } = params(method, &p)?;
                Ok(s.get(&key)?.map_or(Value::Null, |bytes| {
                    serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&bytes).into_owned())
                    })
                }))
            }
            Method::StorageRemove => {
                let KeyParams { key } = params(method, &p)?;
                Ok(Value::Bool(s.remove(&key)?))
            }
            Method::StorageKeys => Ok(json!(s.keys()?)),
            Method::StorageClear => {
                s.clear()?;
                Ok(Value::Null)
            }
            Method::StorageUsage => super::capability::json(usage(ctx)),
            _ => Err(BridgeError::Internal(format!(
                "storage does not serve {method}"
            ))),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;

    #[tokio::test]
    async fn json_round_trip_and_denial() {
        let (ctx, _home) = context("com.acme.a", &[Permission::Storage]);
        json(
            &ctx,
            Method::StorageSet,
            json!({"key": "k", "value": {"n": 1}}),
        )
        .await
        .unwrap();
        let v = json(&ctx, Method::StorageGet, json!({"key": "k"}))
            .await
            .unwrap();
        assert_eq!(v, json!({"n": 1}));
        assert_eq!(
            json(&ctx, Method::StorageKeys, Value::Null).await.unwrap(),
            json!(["k"])
        );
        let bad = json(&ctx, Method::StorageSet, json!({"key": "k"}))
            .await
            .unwrap_err();
        assert_eq!(bad.code(), "INVALID_ARGUMENT");

        let (denied, _home2) = context("com.acme.b", &[]);
        let err = json(&denied, Method::StorageSet, json!({"key": "k", "value": 1}))
            .await
            .unwrap_err();
        assert_eq!(err, BridgeError::PermissionDenied);
        assert!(
            denied.storage.keys().unwrap().is_empty(),
            "a denied call must not write"
        );
    }
}
