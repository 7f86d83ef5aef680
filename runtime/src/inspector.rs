//! The Bridge Inspector is a `tracing` layer, not a second code path: it listens to the
//! `bridge_call` spans that every call opens (see [`crate::bridge::bridge_call`]) and hands a
//! [`BridgeCallRecord`] to a callback when each one closes.

use std::time::Duration;

use serde::Serialize;
use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

use crate::bridge::SPAN_TARGET;

/// One finished bridge call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BridgeCallRecord {
    pub app: String,
    pub method: String,
    /// `ok` or an error code such as `PERMISSION_DENIED`.
    pub outcome: String,
    #[serde(rename = "durationUs")]
    pub duration_us: u64,
}

impl BridgeCallRecord {
    pub fn duration(&self) -> Duration {
        Duration::from_micros(self.duration_us)
    }
}

impl Visit for BridgeCallRecord {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "method" => self.method = value.to_owned(),
            "outcome" => self.outcome = value.to_owned(),
            "app" => self.app = value.to_owned(),
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
    use crate::bridge::Method;
    use crate::testing::context;
    use miniapp_package::Permission;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    #[tokio::test]
    async fn every_call_including_denials_is_one_record() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let subscriber = tracing_subscriber::registry().with(BridgeInspector::new(
            move |r: &BridgeCallRecord| sink.lock().unwrap().push(r.clone()),
        ));
        let _guard = tracing::subscriber::set_default(subscriber);
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
        assert_eq!(seen[1].outcome, "PERMISSION_DENIED");
    }
}
