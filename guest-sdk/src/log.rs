//! Diagnostic logging into the host's log and the Bridge Inspector. Always granted; messages
//! over 4 KiB are truncated by the host.

use crate::backend;

pub use miniapp_contract::wire::Level;

/// Writes one log line at `level`.
pub fn log(level: Level, message: &str) {
    backend::log_log(level, message)
}

pub fn trace(message: &str) {
    log(Level::Trace, message)
}

pub fn debug(message: &str) {
    log(Level::Debug, message)
}

pub fn info(message: &str) {
    log(Level::Info, message)
}

pub fn warn(message: &str) {
    log(Level::Warn, message)
}

pub fn error(message: &str) {
    log(Level::Error, message)
}
