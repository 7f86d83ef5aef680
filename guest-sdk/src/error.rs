//! The one error type every bridge wrapper returns.

use miniapp_contract::BridgeError;

/// Why a bridge call failed.
///
/// The first seven variants mirror the WIT `bridge-error` one to one; [`Error::Json`] is the
/// SDK's own, for values that could not be turned into or out of JSON by
/// [`storage::set_json`](crate::storage::set_json) and [`storage::get_json`](crate::storage::get_json).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The mini-program was not granted the permission this call needs at this launch (not
    /// declared, consent declined, or withdrawn by the host). The host service was not contacted.
    #[error("permission denied: this mini-program was not granted the permission")]
    PermissionDenied,
    /// An argument was rejected; the string says which one and why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The thing asked for does not exist (for example an unknown order id).
    #[error("not found")]
    NotFound,
    /// The storage quota would be exceeded by this write: remove keys or write less.
    #[error("storage quota exceeded")]
    QuotaExceeded,
    /// The host service cannot answer now (offline, no sensor, ...); retrying later may succeed.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The user cancelled the interaction (closed a payment sheet or a dialog).
    #[error("cancelled by the user")]
    Cancelled,
    /// The host failed; the string is for logs, not for users.
    #[error("internal error: {0}")]
    Internal(String),
    /// A value could not be serialized to, or deserialized from, JSON.
    #[error("json: {0}")]
    Json(String),
}

impl Error {
    /// Stable machine code: the host's codes (`PERMISSION_DENIED`, `INVALID_ARGUMENT`, ...) plus
    /// `JSON` for [`Error::Json`].
    pub fn code(&self) -> &'static str {
        match self.to_bridge() {
            Some(e) => e.code(),
            None => "JSON",
        }
    }

    /// The bridge error this is, `None` for the SDK's own [`Error::Json`].
    fn to_bridge(&self) -> Option<BridgeError> {
        Some(match self {
            Error::PermissionDenied => BridgeError::PermissionDenied,
            Error::InvalidArgument(m) => BridgeError::InvalidArgument(m.clone()),
            Error::NotFound => BridgeError::NotFound,
            Error::QuotaExceeded => BridgeError::QuotaExceeded,
            Error::Unavailable(m) => BridgeError::Unavailable(m.clone()),
            Error::Cancelled => BridgeError::Cancelled,
            Error::Internal(m) => BridgeError::Internal(m.clone()),
            Error::Json(_) => return None,
        })
    }

    /// The inverse of [`Error::code`] for error bodies `{"code": ..., "message": ...}` (as the
    /// JSON bridge and mock recordings write them); `None` for an unknown code.
    pub fn from_code(code: &str, message: &str) -> Option<Error> {
        if code == "JSON" {
            return Some(Error::Json(message.to_owned()));
        }
        BridgeError::from_code(code, message).map(Error::from)
    }

    /// The `{"code": ..., "message": ...}` form of this error. The message is the variant's
    /// detail where it has one, so that [`Error::from`] gives back an equal error.
    pub fn to_body(&self) -> ErrorBody {
        match (self.to_bridge(), self) {
            (Some(e), _) => e.to_body(),
            (None, Error::Json(m)) => ErrorBody {
                code: "JSON".to_owned(),
                message: m.clone(),
            },
            (None, _) => unreachable!("only Json has no bridge error"),
        }
    }
}

impl From<BridgeError> for Error {
    fn from(e: BridgeError) -> Self {
        match e {
            BridgeError::PermissionDenied => Error::PermissionDenied,
            BridgeError::InvalidArgument(m) => Error::InvalidArgument(m),
            BridgeError::NotFound => Error::NotFound,
            BridgeError::QuotaExceeded => Error::QuotaExceeded,
            BridgeError::Unavailable(m) => Error::Unavailable(m),
            BridgeError::Cancelled => Error::Cancelled,
            BridgeError::Internal(m) => Error::Internal(m),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e.to_string())
    }
}

pub use miniapp_contract::ErrorBody;

impl From<ErrorBody> for Error {
    /// Unknown codes become [`Error::Internal`] carrying the code, so nothing is silently lost.
    fn from(body: ErrorBody) -> Self {
        Error::from_code(&body.code, &body.message)
            .unwrap_or_else(|| Error::Internal(format!("{}: {}", body.code, body.message)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_round_trip() {
        let all = [
            (Error::PermissionDenied, "PERMISSION_DENIED"),
            (Error::InvalidArgument("key".into()), "INVALID_ARGUMENT"),
            (Error::NotFound, "NOT_FOUND"),
            (Error::QuotaExceeded, "QUOTA_EXCEEDED"),
            (Error::Unavailable("offline".into()), "UNAVAILABLE"),
            (Error::Cancelled, "CANCELLED"),
            (Error::Internal("disk".into()), "INTERNAL"),
            (Error::Json("eof".into()), "JSON"),
        ];
        for (error, code) in all {
            assert_eq!(error.code(), code);
            let message = match &error {
                Error::InvalidArgument(m)
                | Error::Unavailable(m)
                | Error::Internal(m)
                | Error::Json(m) => m.clone(),
                _ => String::new(),
            };
            assert_eq!(Error::from_code(code, &message), Some(error));
        }
        assert_eq!(Error::from_code("TIMEOUT", ""), None);
    }

    #[test]
    fn display_carries_the_detail_and_unknown_bodies_are_kept() {
        assert_eq!(
            Error::InvalidArgument("key is empty".into()).to_string(),
            "invalid argument: key is empty"
        );
        let body = ErrorBody {
            code: "TIMEOUT".into(),
            message: "no answer".into(),
        };
        assert_eq!(
            Error::from(body),
            Error::Internal("TIMEOUT: no answer".into())
        );
        let body = Error::Unavailable("no fix".into()).to_body();
        assert_eq!(body.code, "UNAVAILABLE");
        assert_eq!(body.message, "no fix");
        assert_eq!(Error::from(body), Error::Unavailable("no fix".into()));
        assert_eq!(Error::Cancelled.to_body().message, "cancelled by the user");
    }
}
