//! Why a bridge call failed: the codes both transports and every SDK use.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a bridge call failed; mirrors the WIT `bridge-error` variant one to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BridgeError {
    /// The mini-program was not granted the permission this call needs at this launch (not
    /// declared, consent declined, or withdrawn by the host). The host service was not contacted.
    PermissionDenied,
    /// An argument was rejected; the string says which one and why.
    InvalidArgument(String),
    /// The thing asked for does not exist (for example an unknown order id).
    NotFound,
    /// The storage quota would be exceeded by this write.
    QuotaExceeded,
    /// The host service cannot answer now (offline, no sensor, ...); retrying later may succeed.
    Unavailable(String),
    /// The user cancelled the interaction (closed a payment sheet or a dialog).
    Cancelled,
    /// The host failed; the string is for logs, not for users.
    Internal(String),
}

/// Codes only the JSON transport sends (no WIT variant): an unknown method, a malformed request.
pub const TRANSPORT_ERROR_CODES: [&str; 2] = ["METHOD_NOT_FOUND", "BAD_REQUEST"];

impl BridgeError {
    /// Every code, in the WIT variant's order.
    pub const CODES: [&'static str; 7] = [
        "PERMISSION_DENIED",
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "QUOTA_EXCEEDED",
        "UNAVAILABLE",
        "CANCELLED",
        "INTERNAL",
    ];

    /// Stable machine code, the same on the component and the JSON path.
    pub const fn code(&self) -> &'static str {
        match self {
            BridgeError::PermissionDenied => Self::CODES[0],
            BridgeError::InvalidArgument(_) => Self::CODES[1],
            BridgeError::NotFound => Self::CODES[2],
            BridgeError::QuotaExceeded => Self::CODES[3],
            BridgeError::Unavailable(_) => Self::CODES[4],
            BridgeError::Cancelled => Self::CODES[5],
            BridgeError::Internal(_) => Self::CODES[6],
        }
    }

    /// The inverse of [`BridgeError::code`] for `{"code", "message"}` bodies; `None` for a code
    /// that is not a bridge error's. The message becomes the detail of variants that carry one.
    pub fn from_code(code: &str, message: &str) -> Option<BridgeError> {
        Some(match code {
            "PERMISSION_DENIED" => BridgeError::PermissionDenied,
            "INVALID_ARGUMENT" => BridgeError::InvalidArgument(message.to_owned()),
            "NOT_FOUND" => BridgeError::NotFound,
            "QUOTA_EXCEEDED" => BridgeError::QuotaExceeded,
            "UNAVAILABLE" => BridgeError::Unavailable(message.to_owned()),
            "CANCELLED" => BridgeError::Cancelled,
            "INTERNAL" => BridgeError::Internal(message.to_owned()),
            _ => return None,
        })
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        BridgeError::InvalidArgument(msg.into())
    }

    /// The detail of variants that carry one.
    pub fn detail(&self) -> Option<&str> {
        match self {
            BridgeError::InvalidArgument(m)
            | BridgeError::Unavailable(m)
            | BridgeError::Internal(m) => Some(m),
            _ => None,
        }
    }

    /// The `{"code", "message"}` form: the message is the detail where there is one (so
    /// [`BridgeError::from_code`] gives back an equal error), else the display text.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self
                .detail()
                .map_or_else(|| self.to_string(), str::to_owned),
        }
    }
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BridgeError::PermissionDenied => {
                f.write_str("permission denied: this mini-program was not granted the permission")
            }
            BridgeError::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            BridgeError::NotFound => f.write_str("not found"),
            BridgeError::QuotaExceeded => f.write_str("storage quota exceeded"),
            BridgeError::Unavailable(m) => write!(f, "unavailable: {m}"),
            BridgeError::Cancelled => f.write_str("cancelled by the user"),
            BridgeError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for BridgeError {}

/// An error as JSON: `{"code": "NOT_FOUND", "message": "not found"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_round_trip() {
        let all = [
            BridgeError::PermissionDenied,
            BridgeError::invalid("key"),
            BridgeError::NotFound,
            BridgeError::QuotaExceeded,
            BridgeError::Unavailable("offline".into()),
            BridgeError::Cancelled,
            BridgeError::Internal("disk".into()),
        ];
        for (e, code) in all.iter().zip(BridgeError::CODES) {
            assert_eq!(e.code(), code);
            let body = e.to_body();
            assert_eq!(
                BridgeError::from_code(&body.code, &body.message).as_ref(),
                Some(e)
            );
        }
        assert_eq!(BridgeError::from_code("METHOD_NOT_FOUND", ""), None);
        assert_eq!(
            BridgeError::Cancelled.to_body().message,
            "cancelled by the user"
        );
        assert_eq!(
            BridgeError::invalid("key is empty").to_string(),
            "invalid argument: key is empty"
        );
    }
}
