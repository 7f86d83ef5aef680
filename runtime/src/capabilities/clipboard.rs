//! `clipboard` (sensitive: consent is asked once per app): text only.

use std::sync::Mutex;

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::clipboard as wit;
use super::capability::{Bridge, WitResult, json_params, no_params, params, to_wit};
use crate::bridge::{BridgeError, Method, bridge_call};
use crate::state::AppContext;

super::capability::declare_capability!(Clipboard, wit, redact: None);

pub const MAX_CLIPBOARD_BYTES: usize = 64 * 1024;

pub trait ClipboardService: Send + Sync {
    fn read_text(&self) -> Option<String>;
    fn write_text(&self, text: &str);
}

/// A clipboard in memory.
#[derive(Debug, Default)]
pub struct MemoryClipboard(Mutex<Option<String>>);

impl ClipboardService for MemoryClipboard {
    fn read_text(&self) -> Option<String> {
        self.0.lock().unwrap().clone()
    }
    fn write_text(&self, text: &str) {
        *self.0.lock().unwrap() = Some(text.to_owned());
    }
}

pub(crate) fn write_text(ctx: &AppContext, text: &str) -> Result<(), BridgeError> {
    if text.len() > MAX_CLIPBOARD_BYTES {
        return Err(BridgeError::invalid(format!(
            "text must be at most {MAX_CLIPBOARD_BYTES} bytes"
        )));
    }
    ctx.service::<dyn ClipboardService>().write_text(text);
    Ok(())
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    async fn read_text(&mut self) -> WitResult<Option<String>> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(ctx, Method::ClipboardReadText, G, no_params, || async {
                Ok(ctx.service::<dyn ClipboardService>().read_text())
            })
            .await,
        )
    }
    async fn write_text(&mut self, text: String) -> WitResult<()> {
        let ctx = self.ctx;
        to_wit(
            bridge_call(
                ctx,
                Method::ClipboardWriteText,
                G,
                || json!({"text": &text}),
                || async { write_text(ctx, &text) },
            )
            .await,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteParams {
    text: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        match method {
            Method::ClipboardReadText => {
                super::capability::json(ctx.service::<dyn ClipboardService>().read_text())
            }
            Method::ClipboardWriteText => {
                let WriteParams { text } = params(method, &p)?;
                write_text(ctx, &text).map(|()| Value::Null)
            }
            _ => Err(BridgeError::Internal(format!(
                "clipboard does not serve {method}"
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
    use serde_json::json;

    #[tokio::test]
    async fn write_then_read_with_a_size_limit() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Clipboard]);
        assert_eq!(
            json(&ctx, Method::ClipboardReadText, Value::Null)
                .await
                .unwrap(),
            Value::Null
        );
        json(&ctx, Method::ClipboardWriteText, json!({"text": "IBAN"}))
            .await
            .unwrap();
        assert_eq!(
            json(&ctx, Method::ClipboardReadText, Value::Null)
                .await
                .unwrap(),
            json!("IBAN")
        );
        let big = "x".repeat(MAX_CLIPBOARD_BYTES + 1);
        let e = json(&ctx, Method::ClipboardWriteText, json!({"text": big}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }
}
