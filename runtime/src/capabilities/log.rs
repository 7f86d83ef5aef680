//! `log`: always granted. Guest log lines (and WASI stdout/stderr) go to `tracing` under the
//! target `miniapp::guest`, with the app id.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wasmtime::component::Linker;

use super::bindings::miniapp::bridge::log as wit;
use super::{Bridge, Linked, bridge, json_params, params};
use crate::bridge::{BridgeError, Method, bridge_call, bridge_call_sync};
use crate::state::{AppContext, AppState};

pub(crate) fn link(linker: &mut Linker<AppState>, _granted: bool) -> wasmtime::Result<()> {
    wit::add_to_linker::<AppState, Linked<true>>(linker, bridge::<true>)
}

/// Longest message kept; the rest is cut.
pub const MAX_LOG_BYTES: usize = 4096;

/// Guest log lines kept per app and second; the rest are counted as dropped.
pub const LOG_LINES_PER_SECOND: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Writes one guest log line.
pub(crate) fn emit(app: &str, level: Level, message: &str) {
    let mut end = message.len().min(MAX_LOG_BYTES);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let message = &message[..end];
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
