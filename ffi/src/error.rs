//! The one error type every host sees: the runtime's stable code and its message.

use miniapp_runtime::RuntimeError;
use miniapp_runtime::package::PackageError;

/// A failed call into the runtime. `code` is the runtime's stable machine code
/// (`SIGNATURE_INVALID`, `GUEST_TRAP`, `APP_NOT_FOUND`, ...); `reason` is its message, what
/// happened. (Kotlin names it `MiniappException`, as UniFFI does for every error type; a field
/// named `message` would clash with `Throwable.message` there.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MiniappError {
    #[error("error[{code}]: {reason}")]
    Failed { code: String, reason: String },
}

impl MiniappError {
    pub fn code(&self) -> &str {
        match self {
            MiniappError::Failed { code, .. } => code,
        }
    }
}

impl From<RuntimeError> for MiniappError {
    fn from(e: RuntimeError) -> Self {
        MiniappError::Failed {
            code: e.code().into(),
            reason: e.to_string(),
        }
    }
}

impl From<PackageError> for MiniappError {
    fn from(e: PackageError) -> Self {
        RuntimeError::from(e).into()
    }
}
