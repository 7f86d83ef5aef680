//! `share`: the system share sheet.

use std::sync::Mutex;

use async_trait::async_trait;
use miniapp_package::AppId;
use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::share as wit;
use super::capability::{Bridge, WitResult, json_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Share, wit, redact: None);

/// The share sheet; returns when the user has shared, or `Err(Cancelled)`.
#[async_trait]
pub trait ShareService: Send + Sync {
    async fn share(&self, app: &AppId, text: &str, url: Option<&str>) -> Result<(), BridgeError>;
}

/// Records what was shared.
#[derive(Debug, Default)]
pub struct RecordingShare(Mutex<Vec<(AppId, String, Option<String>)>>);

impl RecordingShare {
    pub fn shared(&self) -> Vec<(AppId, String, Option<String>)> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait]
impl ShareService for RecordingShare {
    async fn share(&self, app: &AppId, text: &str, url: Option<&str>) -> Result<(), BridgeError> {
        self.0
            .lock()
            .unwrap()
            .push((app.clone(), text.into(), url.map(str::to_owned)));
        Ok(())
    }
}

pub(crate) async fn share(
    ctx: &AppContext,
    text: &str,
    url: Option<&str>,
) -> Result<(), BridgeError> {
    if text.is_empty() || text.len() > 4096 {
        return Err(BridgeError::invalid("text must be 1 to 4096 bytes"));
    }
    if let Some(u) = url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(BridgeError::invalid("url must be http(s)"));
    }
    ctx.service::<dyn ShareService>()
        .share(&ctx.app, text, url)
        .await
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn share(&mut self, text: String, url: Option<String>) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::ShareShare,
                G,
                // As the JSON bridge takes them: no `url` key when there is none.
                || match &url {
                    Some(url) => json!({"text": &text, "url": url}),
                    None => json!({"text": &text}),
                },
                || async { share(ctx, &text, url.as_deref()).await },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareParams {
    text: String,
    #[serde(default)]
    url: Option<String>,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let ShareParams { text, url } = params(method, &p)?;
        share(ctx, &text, url.as_deref())
            .await
            .map(|()| Value::Null)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;
    use serde_json::json;

    #[tokio::test]
    async fn rejects_non_http_urls() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Share]);
        json(
            &ctx,
            Method::ShareShare,
            json!({"text": "look", "url": "https://acme.com"}),
        )
        .await
        .unwrap();
        let e = json(
            &ctx,
            Method::ShareShare,
            json!({"text": "look", "url": "javascript:alert(1)"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }
}
