//! `log`: always granted. Guest log lines (and WASI stdout/stderr) go to `tracing` under the
//! target `miniapp::guest`, with the app id.

use serde::Deserialize;
use serde_json::{Value, json};

use super::capability::bindings::miniapp::bridge::log as wit;
use super::capability::{Bridge, json_params, params};
use crate::bridge::{BridgeError, Method, bridge_call, bridge_call_sync};
use crate::state::AppContext;

super::capability::declare_capability!(Log, wit, redact: None);

/// Longest message kept (the rest is cut), and guest log lines kept per app and second (the
/// rest are counted as dropped).
pub use miniapp_contract::limits::{LOG_LINES_PER_SECOND, LOG_MESSAGE_BYTES as MAX_LOG_BYTES};

pub use miniapp_contract::wire::Level;

/// Writes one guest log line.
pub(crate) fn emit(app: &str, level: Level, message: &str) {
    let message = miniapp_contract::limits::truncate_utf8(message, MAX_LOG_BYTES);
    match level {
        Level::Trace => tracing::trace!(target: "miniapp::guest", app, "{message}"),
        Level::Debug => tracing::debug!(target: "miniapp::guest", app, "{message}"),
        Level::Info => tracing::info!(target: "miniapp::guest", app, "{message}"),
        Level::Warn => tracing::warn!(target: "miniapp::guest", app, "{message}"),
        Level::Error => tracing::error!(target: "miniapp::guest", app, "{message}"),
    }
}

impl From<wit::Level> for Level {
    fn from(l: wit::Level) -> Self {
        match l {
            wit::Level::Trace => Level::Trace,
            wit::Level::Debug => Level::Debug,
            wit::Level::Info => Level::Info,
            wit::Level::Warn => Level::Warn,
            wit::Level::Error => Level::Error,
        }
    }
}

impl<const G: bool> wit::Host for Bridge<'_, G> {
    fn log(&mut self, level: wit::Level, message: String) -> wasmtime::Result<()> {
        let ctx = self.ctx;
        let level = Level::from(level);
        let _ = bridge_call_sync(
            ctx,
            Method::LogLog,
            true,
            || json!({"level": level, "message": &message}),
            || {
                if ctx.usage.admit_log_line(LOG_LINES_PER_SECOND) {
                    emit(ctx.app.as_str(), level, &message);
                }
                Ok(())
            },
        );
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogParams {
    level: Level,
    message: String,
}

pub(crate) async fn json(ctx: &AppContext, method: Method, p: Value) -> Result<Value, BridgeError> {
    bridge_call(ctx, method, true, json_params(&p), || async {
        let LogParams { level, message } = params(method, &p)?;
        if ctx.usage.admit_log_line(LOG_LINES_PER_SECOND) {
            emit(ctx.app.as_str(), level, &message);
        }
        Ok(Value::Null)
    })
    .await
}
