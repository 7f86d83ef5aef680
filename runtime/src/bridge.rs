//! The one door every bridge call goes through, whichever transport (component or JSON):
//! grant check, tracing span (the Bridge Inspector listens to it), usage counters, audit on denial.

use std::sync::atomic::Ordering;
use std::time::Instant;

use serde::Serialize;

use crate::state::AppContext;

pub use crate::usage::UsageSnapshot;
pub use miniapp_contract::{BridgeError, Method};

/// Target of the bridge-call spans; the Bridge Inspector subscribes to it.
pub const SPAN_TARGET: &str = "miniapp::bridge";

/// Largest JSON text of a call's params, result or error a span carries. A larger value is
/// replaced by `{"$truncated": {"bytes": <its size>, "preview": <its first KiB>}}`.
pub const RECORD_LIMIT_BYTES: usize = 64 * 1024;
/// Bytes of a truncated value's text kept as its preview.
const PREVIEW_BYTES: usize = 1024;

/// What replaces the signature of a token in records: the claims and expiry stay readable, the
/// bearer credential does not leave the call.
pub const REDACTED: &str = "redacted";

/// Runs one bridge call. `linked_granted` is how the linker wired this interface for this
/// instance (false = the denial stub); the grant set is checked too, so the JSON path, which has
/// no linker, gets the same answer. On denial `call` is never run: the host service is not touched.
///
/// `params` gives the call's arguments in the JSON bridge's shape (`{"key": .., "value": ..}`),
/// whichever transport made the call, so that an inspector record or a recording looks the same.
/// It and the serialization of the result run only when a subscriber listens to the span: with
/// nobody listening a call costs no allocation and no clock read more than the call itself.
pub(crate) async fn bridge_call<T, P, Fut>(
    ctx: &AppContext,
    method: Method,
    linked_granted: bool,
    params: impl FnOnce() -> P,
    call: impl FnOnce() -> Fut,
) -> Result<T, BridgeError>
where
    T: Serialize,
    P: Serialize,
    Fut: Future<Output = Result<T, BridgeError>>,
{
    let span = CallSpan::open(ctx, method.name(), params);
    let result = match admit(ctx, method, linked_granted) {
        Ok(()) => {
            // A service that waits (for the user, the network) does not spend the guest's CPU.
            let waiting = Instant::now();
            let result = call().await;
            ctx.host_wait_us
                .fetch_add(waiting.elapsed().as_micros() as u64, Ordering::Relaxed);
            result
        }
        Err(e) => Err(e),
    };
    span.close(ctx, method, &result);
    result
}

/// [`bridge_call`] for a host service that never waits for the user or the network (storage,
/// log): linked as a plain host function, so the guest's call costs no future, no box and no
/// poll. Its time is still the host's, not the guest's CPU budget.
pub(crate) fn bridge_call_sync<T, P>(
    ctx: &AppContext,
    method: Method,
    linked_granted: bool,
    params: impl FnOnce() -> P,
    call: impl FnOnce() -> Result<T, BridgeError>,
) -> Result<T, BridgeError>
where
    T: Serialize,
    P: Serialize,
{
    let span = CallSpan::open(ctx, method.name(), params);
    let result = admit(ctx, method, linked_granted).and_then(|()| {
        // Host work is not the guest's CPU either: a durable storage write waits for the disk
        // (fsync), which took seconds on a busy machine and stopped a guest for it.
        let working = Instant::now();
        let result = call();
        ctx.host_wait_us
            .fetch_add(working.elapsed().as_micros() as u64, Ordering::Relaxed);
        result
    });
    span.close(ctx, method, &result);
    result
}

/// The grant check both transports share: counts the call, and audits a denial.
fn admit(ctx: &AppContext, method: Method, linked_granted: bool) -> Result<(), BridgeError> {
    ctx.usage.bridge_calls.fetch_add(1, Ordering::Relaxed);
    ctx.instance.bridge_calls.fetch_add(1, Ordering::Relaxed);
    let granted = linked_granted && method.permission().is_none_or(|p| ctx.grants.contains(p));
    if granted {
        return Ok(());
    }
    if let Some(n) = ctx.usage.count_denial() {
        ctx.host.audit.permission_denied(&ctx.app, method, n);
    }
    Err(BridgeError::PermissionDenied)
}

/// A bridge call's span, with its clock started only when somebody listens. Every call an
/// app makes is one: the bridge's methods (through [`bridge_call`]) and its outbound HTTP
/// requests (`capabilities::network`, whose errors are `wasi:http` codes).
pub(crate) struct CallSpan {
    span: tracing::Span,
    start: Option<Instant>,
}

impl CallSpan {
    /// Opens the span of a call of `method` (a wire name) by the app of `ctx`.
    pub(crate) fn open<P: Serialize>(
        ctx: &AppContext,
        method: &'static str,
        params: impl FnOnce() -> P,
    ) -> Self {
        let span = tracing::info_span!(
            target: SPAN_TARGET,
            "bridge_call",
            app = %ctx.app,
            method,
            params = tracing::field::Empty,
            outcome = tracing::field::Empty,
            duration_us = tracing::field::Empty,
            result = tracing::field::Empty,
            error = tracing::field::Empty,
        );
        // Timing, params and result are for the inspector: skip them when nobody listens.
        let start = (!span.is_disabled()).then(|| {
            span.record("params", record_json(&params()).as_str());
            Instant::now()
        });
        CallSpan { span, start }
    }

    /// Closes the span of a call that succeeded; `result` gives the record of its result.
    pub(crate) fn ok(self, result: impl FnOnce() -> String) {
        let Some(start) = self.start else { return };
        self.span.record("outcome", "ok");
        self.span.record("result", result().as_str());
        self.span
            .record("duration_us", start.elapsed().as_micros() as u64);
    }

    /// Closes the span of a call that failed with a stable `code`.
    pub(crate) fn err(self, code: &str, message: &str) {
        let Some(start) = self.start else { return };
        self.span.record("outcome", code);
        let body = serde_json::json!({"code": code, "message": message});
        self.span.record("error", record_json(&body).as_str());
        self.span
            .record("duration_us", start.elapsed().as_micros() as u64);
    }

    fn close<T: Serialize>(
        self,
        ctx: &AppContext,
        method: Method,
        result: &Result<T, BridgeError>,
    ) {
        match result {
            Ok(value) => self.ok(|| recorded_result(ctx.host.redact, method, value)),
            Err(e) => self.err(e.code(), &e.to_string()),
        }
    }
}

/// The result as a record holds it, without the secrets its capability declares
/// (`auth.getToken`: the token's signature, `header.claims.redacted`, so a recording shows the
/// claims and expiry but holds no usable credential).
fn recorded_result<T: Serialize>(
    redact: fn(Method, &mut serde_json::Value),
    method: Method,
    value: &T,
) -> String {
    match serde_json::to_value(value) {
        Ok(mut v) => {
            redact(method, &mut v);
            record_json(&v)
        }
        Err(e) => record_json(&serde_json::json!({"$unserializable": e.to_string()})),
    }
}

/// Compact JSON text of `value` for a record: whole up to [`RECORD_LIMIT_BYTES`], otherwise a
/// `{"$truncated": {"bytes", "preview"}}` marker. Memory stays bounded whatever the value's size.
pub(crate) fn record_json<V: Serialize + ?Sized>(value: &V) -> String {
    struct Bounded {
        kept: Vec<u8>,
        total: usize,
    }
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = RECORD_LIMIT_BYTES.saturating_sub(self.kept.len());
            self.kept.extend_from_slice(&buf[..buf.len().min(room)]);
            self.total += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Bounded {
        kept: Vec::new(),
        total: 0,
    };
    if let Err(e) = serde_json::to_writer(&mut w, value) {
        return serde_json::json!({"$unserializable": e.to_string()}).to_string();
    }
    if w.total <= RECORD_LIMIT_BYTES {
        return String::from_utf8(w.kept).expect("serde_json writes UTF-8");
    }
    let head = &w.kept[..PREVIEW_BYTES.min(w.kept.len())];
    let preview = match std::str::from_utf8(head) {
        Ok(text) => text,
        // Cut inside a character: keep the whole characters before it.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    serde_json::json!({"$truncated": {"bytes": w.total, "preview": preview}}).to_string()
}

/// Bytes in a record (a storage value): a string when they are UTF-8, otherwise an array of
/// numbers. This is the recording format of the Rust guest mock (`miniapp_sdk::mock`), so a
/// component session replays there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordBytes<'a>(pub(crate) &'a [u8]);

impl Serialize for RecordBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => self.0.serialize(s),
        }
    }
}
