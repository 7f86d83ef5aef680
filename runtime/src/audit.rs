//! `<home>/audit.log`: one JSON object per line for installs, refusals and permission denials.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use miniapp_package::AppId;
use serde_json::{Value, json};

use crate::tokens::now_unix;
use miniapp_contract::Method;

/// Appends audit lines. A failed write is logged, never fatal: auditing must not take the host down.
#[derive(Debug)]
pub struct AuditLog {
    file: Option<Mutex<File>>,
}

impl AuditLog {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog {
            file: Some(Mutex::new(file)),
        })
    }

    /// An audit log that writes nowhere (for hosts that audit elsewhere).
    pub fn disabled() -> Self {
        AuditLog { file: None }
    }

    pub fn record(&self, event: &str, app: Option<&AppId>, details: Value) {
        tracing::info!(target: "miniapp::audit", event, app = app.map(AppId::as_str), %details);
        let Some(file) = &self.file else { return };
        let line = json!({"ts": now_unix(), "event": event, "app": app.map(AppId::as_str), "details": details});
        let mut bytes = serde_json::to_vec(&line).expect("json values serialize");
        bytes.push(b'\n');
        if let Err(e) = file.lock().unwrap().write_all(&bytes) {
            tracing::warn!("audit log write failed: {e}");
        }
    }

    /// `count`: this app's denials so far in this process (lines are thinned under a flood).
    pub(crate) fn permission_denied(&self, app: &AppId, method: Method, count: u64) {
        self.record(
            "permission_denied",
            Some(app),
            json!({"method": method.name(), "permission": method.permission().map(|p| p.as_str()), "count": count}),
        );
    }
}
