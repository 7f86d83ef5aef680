//! The JSON bridge for web mini-programs: `{"id", "method", "params"}` in,
//! `{"id", "result"}` or `{"id", "error": {"code", "message"}}` out. It calls the same capability
//! functions, through the same `bridge_call` (grant check, span, audit), as the component path.

use serde_json::{Value, json};

use crate::bridge::Method;
use crate::capabilities::dispatch_json;
use crate::state::AppContext;
use miniapp_contract::LifecycleEvent;

/// Answers one request. Never fails: every problem becomes an error response.
pub async fn dispatch(ctx: &AppContext, request: &Value) -> Value {
    let id = request
        .get("id")
        .cloned()
        .filter(|v| v.is_u64() || v.is_string())
        .unwrap_or(Value::Null);
    let error = |code: &str, message: String| json!({"id": id, "error": {"code": code, "message": message}});
    let Some(name) = request.get("method").and_then(Value::as_str) else {
        return error("BAD_REQUEST", "a request needs a string `method`".into());
    };
    if id.is_null() {
        return error(
            "BAD_REQUEST",
            "a request needs an `id` (number or string)".into(),
        );
    }
    let Some(method) = Method::from_name(name) else {
        return error("METHOD_NOT_FOUND", format!("no bridge method `{name}`"));
    };
    let params = request.get("params").cloned().unwrap_or(Value::Null);
    match dispatch_json(ctx, method, params).await {
        Ok(result) => json!({"id": id, "result": result}),
        Err(e) => error(e.code(), e.to_string()),
    }
}

/// The host→page event message of a lifecycle event, `{"event": "show", "data": {}}`, as JSON
/// text: what a native host hands `window.__miniappBridge._receive(...)` (or the simulator sends
/// on the page's WebSocket). It has no `id`; the page dispatches it to its `on(name)` listeners.
pub fn event_message(event: &LifecycleEvent) -> String {
    event.message_json()
}

/// Parses a request from text and answers it as text.
pub async fn dispatch_str(ctx: &AppContext, request: &str) -> String {
    let response = match serde_json::from_str::<Value>(request) {
        Ok(v) => dispatch(ctx, &v).await,
        Err(e) => {
            json!({"id": null, "error": {"code": "BAD_REQUEST", "message": format!("not JSON: {e}")}})
        }
    };
    response.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;

    #[tokio::test]
    async fn requests_and_errors() {
        let (ctx, _h) = context("com.acme.shop", &[Permission::Storage]);
        let r = dispatch(
            &ctx,
            &json!({"id": 1, "method": "storage.set", "params": {"key": "cart", "value": [1, 2]}}),
        )
        .await;
        assert_eq!(r, json!({"id": 1, "result": null}));
        let r = dispatch(
            &ctx,
            &json!({"id": 2, "method": "storage.get", "params": {"key": "cart"}}),
        )
        .await;
        assert_eq!(r, json!({"id": 2, "result": [1, 2]}));
        let r = dispatch(
            &ctx,
            &json!({"id": 3, "method": "payment.pay", "params": {}}),
        )
        .await;
        assert_eq!(r["error"]["code"], "PERMISSION_DENIED");
        let r = dispatch(&ctx, &json!({"id": 4, "method": "storage.explode"})).await;
        assert_eq!(r["error"]["code"], "METHOD_NOT_FOUND");
        let r = dispatch(&ctx, &json!({"method": "storage.keys"})).await;
        assert_eq!(r["error"]["code"], "BAD_REQUEST");
        let r: Value = serde_json::from_str(&dispatch_str(&ctx, "{nope").await).unwrap();
        assert_eq!(r["error"]["code"], "BAD_REQUEST");
        let r = dispatch(
            &ctx,
            &json!({"id": 5, "method": "log.log", "params": {"level": "info", "message": "hi"}}),
        )
        .await;
        assert_eq!(r, json!({"id": 5, "result": null}));
    }

    #[test]
    fn event_messages_carry_the_name_and_payload_and_no_id() {
        let m: Value = serde_json::from_str(&event_message(&LifecycleEvent::MemoryWarning {
            level: miniapp_contract::MemoryLevel::Moderate,
        }))
        .unwrap();
        assert_eq!(
            m,
            json!({"event": "memoryWarning", "data": {"level": "moderate"}})
        );
        assert_eq!(
            event_message(&LifecycleEvent::Show),
            r#"{"event":"show","data":{}}"#
        );
    }
}
