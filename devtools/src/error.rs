//! The simulator's errors: a stable code, a message, and a hint that says what to do. The CLI
//! shows them as `error[CODE]: message` like its own.

use miniapp_package::PackageError;
use miniapp_runtime::RuntimeError;

#[derive(Debug, Clone, thiserror::Error)]
#[error("error[{code}]: {message}")]
pub struct DevError {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
    /// The library error it came from, if any: the CLI classifies it (exit code 2 for a
    /// package that must not be trusted) as it does its own.
    pub cause: Option<Box<Cause>>,
}

/// A library error behind a [`DevError`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Cause {
    Package(PackageError),
    Runtime(RuntimeError),
}

impl DevError {
    pub fn new(code: &str, message: impl Into<String>, hint: Option<&str>) -> Self {
        DevError {
            code: code.into(),
            message: message.into(),
            hint: hint.map(str::to_owned),
            cause: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        DevError::new("USAGE", message, Some("see `miniapp dev --help`"))
    }

    pub fn io(what: &str, e: std::io::Error) -> Self {
        DevError::new(
            "IO",
            format!("{what}: {e}"),
            Some("check the path and its permissions"),
        )
    }
}

impl From<PackageError> for DevError {
    fn from(e: PackageError) -> Self {
        DevError {
            cause: Some(Box::new(Cause::Package(e.clone()))),
            ..DevError::new(e.code(), e.to_string(), Some(e.hint()))
        }
    }
}

impl From<RuntimeError> for DevError {
    fn from(e: RuntimeError) -> Self {
        DevError {
            cause: Some(Box::new(Cause::Runtime(e.clone()))),
            ..DevError::new(e.code(), e.to_string(), Some(e.hint()))
        }
    }
}
