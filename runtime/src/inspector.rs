//! The Bridge Inspector is a `tracing` layer, not a second code path: it listens to the
//! `bridge_call` spans that every call opens (see [`crate::bridge::bridge_call`]) and hands a
//! [`BridgeCallRecord`] to a callback when each one closes.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

use crate::bridge::SPAN_TARGET;

/// One finished bridge call.
///
/// `params`, `result` and `error` are the JSON-bridge shapes of the call (`{"key": .., "value":
/// ..}`, the answer, `{"code", "message"}`), the same whichever transport made the call: a record
/// turns into a recording entry `{method, params, result | error}` that the mocks replay. Values
/// over [`RECORD_LIMIT_BYTES`](crate::bridge::RECORD_LIMIT_BYTES) are a `{"$truncated": ..}`
/// marker; an `auth.getToken` token has its signature redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BridgeCallRecord {
    pub app: String,
    pub method: String,
    /// `ok` or an error code such as `PERMISSION_DENIED`.
    pub outcome: String,
    pub duration_us: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// The answer of a call whose outcome is `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// `{"code", "message"}` of a call that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

/// Characters of a params summary ([`BridgeCallRecord::params_summary`]).
pub const SUMMARY_CHARS: usize = 1024;

impl BridgeCallRecord {
    pub fn duration(&self) -> Duration {
        Duration::from_micros(self.duration_us)
    }

    /// The params as compact JSON cut at [`SUMMARY_CHARS`] characters (`…` when cut), for
    /// display; empty when the record has none.
    pub fn params_summary(&self) -> String {
        self.params.as_ref().map_or_else(String::new, summary)
    }

    /// The call as a recording entry, `{method, params, result | error}`: the format the Rust
    /// guest mock (`MockBridge::replay`) and the JS mock (`replay`) load.
    pub fn recording_entry(&self) -> Value {
        let mut entry = serde_json::Map::new();
        entry.insert("method".into(), Value::String(self.method.clone()));
        entry.insert(
            "params".into(),
            self.params
                .clone()
                .unwrap_or_else(|| Value::Object(Default::default())),
        );
        match &self.error {
            Some(error) => entry.insert("error".into(), error.clone()),
            None => entry.insert("result".into(), self.result.clone().unwrap_or(Value::Null)),
        };
        Value::Object(entry)
    }
}

/// `value` as compact JSON cut at [`SUMMARY_CHARS`] characters, with `…` when cut.
pub fn summary(value: &Value) -> String {
    cut(&value.to_string(), SUMMARY_CHARS)
}

/// `text` cut at `max` characters (never inside one), with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// A JSON field of a span (params, result, error): its text parsed back, or the text itself.
fn json_field(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

impl Visit for BridgeCallRecord {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "method" => self.method = value.to_owned(),
            "outcome" => self.outcome = value.to_owned(),
            "app" => self.app = value.to_owned(),
            "params" => self.params = Some(json_field(value)),
            "result" => self.result = Some(json_field(value)),
            "error" => self.error = Some(json_field(value)),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "duration_us" {
            self.duration_us = value;
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "app" {
            self.app = format!("{value:?}").trim_matches('"').to_owned();
        }
    }
}

/// A layer calling `on_call` for every finished bridge call.
pub struct BridgeInspector<F> {
    on_call: F,
}

impl<F: Fn(&BridgeCallRecord) + Send + Sync + 'static> BridgeInspector<F> {
    pub fn new(on_call: F) -> Self {
        BridgeInspector { on_call }
    }
}

impl<S, F> Layer<S> for BridgeInspector<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    F: Fn(&BridgeCallRecord) + Send + Sync + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().target() != SPAN_TARGET {
            return;
        }
        let mut record = BridgeCallRecord::default();
        attrs.record(&mut record);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(record);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(record) = span.extensions_mut().get_mut::<BridgeCallRecord>()
        {
            values.record(record);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(record) = span.extensions().get::<BridgeCallRecord>()
        {
            (self.on_call)(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::{Method, RECORD_LIMIT_BYTES, bridge_call};
    use crate::capabilities::bindings::miniapp::bridge::{auth, payment, storage};
    use crate::capabilities::capability::Bridge;
    use crate::capabilities::testing::context;
    use miniapp_package::Permission;
    use serde_json::json;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    /// Records every finished call while the guard lives (this thread only).
    fn listen() -> (
        Arc<Mutex<Vec<BridgeCallRecord>>>,
        tracing::subscriber::DefaultGuard,
    ) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let subscriber = tracing_subscriber::registry().with(BridgeInspector::new(
            move |r: &BridgeCallRecord| sink.lock().unwrap().push(r.clone()),
        ));
        (seen, tracing::subscriber::set_default(subscriber))
    }

    fn without_duration(mut r: BridgeCallRecord) -> BridgeCallRecord {
        r.duration_us = 0;
        r
    }

    #[tokio::test]
    async fn every_call_including_denials_is_one_record() {
        let (seen, _guard) = listen();
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        let set = serde_json::json!({"key": "k", "value": 1});
        crate::capabilities::dispatch_json(&ctx, Method::StorageSet, set)
            .await
            .unwrap();
        crate::capabilities::dispatch_json(
            &ctx,
            Method::PaymentQuery,
            serde_json::json!({"orderId": "x"}),
        )
        .await
        .unwrap_err();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(
            (
                seen[0].app.as_str(),
                seen[0].method.as_str(),
                seen[0].outcome.as_str()
            ),
            ("com.acme.a", "storage.set", "ok")
        );
        assert_eq!(seen[0].params, Some(json!({"key": "k", "value": 1})));
        assert_eq!(seen[0].result, Some(Value::Null));
        assert_eq!(seen[1].outcome, "PERMISSION_DENIED");
        assert_eq!(seen[1].params, Some(json!({"orderId": "x"})));
        assert_eq!(seen[1].result, None);
        let error = seen[1].error.as_ref().unwrap();
        assert_eq!(error["code"], "PERMISSION_DENIED");
        assert!(error["message"].as_str().unwrap().contains("permission"));
        assert_eq!(
            seen[1].recording_entry(),
            json!({"method": "payment.query", "params": {"orderId": "x"}, "error": error})
        );
    }

    #[tokio::test]
    async fn a_component_call_and_a_json_call_make_the_same_record() {
        let (seen, _guard) = listen();
        let (ctx, _h) = context("com.acme.a", &[Permission::Payment, Permission::Storage]);
        let mut component = Bridge::<true> { ctx: &ctx };
        let request = payment::PaymentRequest {
            order_id: "o-1".into(),
            amount_minor: 250,
            currency: "EUR".into(),
            description: "tea".into(),
        };
        let receipt = payment::Host::pay(&mut component, request)
            .await
            .unwrap()
            .unwrap();
        // The same order again, on the JSON path: the processor answers the same receipt.
        let answer = crate::capabilities::dispatch_json(
            &ctx,
            Method::PaymentPay,
            json!({"orderId": "o-1", "amountMinor": 250, "currency": "EUR", "description": "tea"}),
        )
        .await
        .unwrap();
        // A storage value the guest wrote as UTF-8 bytes is the string a page would send.
        storage::Host::set(&mut component, "greeting".into(), b"hi".to_vec())
            .unwrap()
            .unwrap();
        crate::capabilities::dispatch_json(
            &ctx,
            Method::StorageSet,
            json!({"key": "greeting", "value": "hi"}),
        )
        .await
        .unwrap();
        // Bytes that are not UTF-8 are an array of numbers, in params and result alike.
        storage::Host::set(&mut component, "raw".into(), vec![0xff, 1])
            .unwrap()
            .unwrap();
        storage::Host::get(&mut component, "raw".into())
            .unwrap()
            .unwrap();

        let seen: Vec<_> = seen
            .lock()
            .unwrap()
            .iter()
            .cloned()
            .map(without_duration)
            .collect();
        assert_eq!(seen.len(), 6, "{seen:#?}");
        assert_eq!(seen[0], seen[1], "payment.pay: component vs JSON");
        assert_eq!(
            seen[0].params,
            Some(
                json!({"orderId": "o-1", "amountMinor": 250, "currency": "EUR", "description": "tea"})
            )
        );
        assert_eq!(seen[0].result.as_ref(), Some(&answer));
        assert_eq!(answer["transactionId"], receipt.transaction_id);
        assert_eq!(seen[2], seen[3], "storage.set: component vs JSON");
        assert_eq!(
            seen[2].params,
            Some(json!({"key": "greeting", "value": "hi"}))
        );
        assert_eq!(
            seen[4].params,
            Some(json!({"key": "raw", "value": [255, 1]}))
        );
        assert_eq!(seen[5].params, Some(json!({"key": "raw"})));
        assert_eq!(seen[5].result, Some(json!([255, 1])));
        assert_eq!(
            seen[5].recording_entry(),
            json!({"method": "storage.get", "params": {"key": "raw"}, "result": [255, 1]})
        );
    }

    #[tokio::test]
    async fn token_signatures_never_reach_a_record() {
        let (seen, _guard) = listen();
        let (ctx, _h) = context("com.acme.a", &[Permission::Auth]);
        let mut component = Bridge::<true> { ctx: &ctx };
        let token = auth::Host::get_token(&mut component, vec!["profile".into()])
            .await
            .unwrap()
            .unwrap();
        let answer = crate::capabilities::dispatch_json(
            &ctx,
            Method::AuthGetToken,
            json!({"scopes": ["profile"]}),
        )
        .await
        .unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        for (record, value) in [
            (&seen[0], &token.value),
            (&seen[1], &answer["value"].as_str().unwrap().to_owned()),
        ] {
            let (signed, signature) = value.rsplit_once('.').unwrap();
            assert!(signature.len() > 20, "a real signature: {value}");
            let result = record.result.as_ref().unwrap();
            assert_eq!(result["value"], format!("{signed}.redacted"));
            assert!(!serde_json::to_string(record).unwrap().contains(signature));
            assert_eq!(result["scopes"], json!(["profile"]));
            assert!(result["expiresAt"].as_u64().unwrap() > 0);
            assert_eq!(record.params, Some(json!({"scopes": ["profile"]})));
        }
    }

    #[tokio::test]
    async fn values_over_the_limit_are_a_truncation_marker() {
        let (seen, _guard) = listen();
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        let mut component = Bridge::<true> { ctx: &ctx };
        let big = "é".repeat(RECORD_LIMIT_BYTES);
        storage::Host::set(&mut component, "big".into(), big.clone().into_bytes())
            .unwrap()
            .unwrap();
        let seen = seen.lock().unwrap();
        let marker = &seen[0].params.as_ref().unwrap()["$truncated"];
        let bytes = marker["bytes"].as_u64().unwrap() as usize;
        assert_eq!(bytes, json!({"key": "big", "value": big}).to_string().len());
        let preview = marker["preview"].as_str().unwrap();
        assert!(
            preview.starts_with(r#"{"key":"big","value":"éé"#),
            "{preview}"
        );
        assert!(preview.len() <= 1024);
        assert_eq!(seen[0].result, Some(Value::Null));
        assert!(seen[0].params_summary().chars().count() <= SUMMARY_CHARS + 1);
    }

    /// A result type that notes whether it was serialized.
    struct Watched(Arc<AtomicBool>);
    impl Serialize for Watched {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.store(true, Ordering::SeqCst);
            s.serialize_str("watched")
        }
    }

    async fn watched_call(ctx: &crate::state::AppContext) -> (bool, bool) {
        let params_made = AtomicBool::new(false);
        let serialized = Arc::new(AtomicBool::new(false));
        let result = Watched(serialized.clone());
        bridge_call(
            ctx,
            Method::StorageKeys,
            true,
            || {
                params_made.store(true, Ordering::SeqCst);
                json!({})
            },
            || async { Ok(result) },
        )
        .await
        .unwrap();
        (
            params_made.load(Ordering::SeqCst),
            serialized.load(Ordering::SeqCst),
        )
    }

    #[tokio::test]
    async fn nobody_listening_means_no_params_and_no_result_serialization() {
        let (ctx, _h) = context("com.acme.a", &[Permission::Storage]);
        // A subscriber that does not listen to bridge spans (`miniapp run` without --inspect logs
        // warnings only). Not "no subscriber at all": tests on other threads listen, which makes
        // tracing treat the call site as always enabled for threads without a subscriber.
        let quiet =
            tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::WARN);
        let quiet = tracing::subscriber::set_default(quiet);
        assert_eq!(watched_call(&ctx).await, (false, false), "span disabled");
        drop(quiet);
        let (seen, _guard) = listen();
        assert_eq!(watched_call(&ctx).await, (true, true), "span enabled");
        assert_eq!(seen.lock().unwrap()[0].result, Some(json!("watched")));
    }
}
