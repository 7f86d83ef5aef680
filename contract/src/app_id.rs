//! Mini-program ids.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A mini-program id: reverse-DNS, e.g. `com.acme.loans`. At least two labels; each label is
/// 1..=63 of `[a-z0-9-]`, starting with a letter; at most 128 bytes in all. This makes an id
/// safe to use as a single path component.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AppId(String);

/// Why a string is not an [`AppId`]; the message names the id and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidAppId(pub String);

impl fmt::Display for InvalidAppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidAppId {}

impl AppId {
    /// Longest id, in bytes.
    pub const MAX_BYTES: usize = 128;

    pub fn parse(s: &str) -> Result<Self, InvalidAppId> {
        let bad = |why: &str| InvalidAppId(format!("id `{s}` is not a valid app id: {why}"));
        if s.is_empty() || s.len() > Self::MAX_BYTES {
            return Err(bad("must be 1 to 128 bytes"));
        }
        let labels: Vec<&str> = s.split('.').collect();
        if labels.len() < 2 {
            return Err(bad(
                "must be reverse-DNS with at least two labels, like com.acme.app",
            ));
        }
        for label in labels {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label.as_bytes()[0].is_ascii_lowercase()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(bad(
                    "each label must start with a-z and hold only a-z, 0-9 and '-'",
                ));
            }
        }
        Ok(AppId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this id lies in `namespace` (`com.acme` owns `com.acme` and `com.acme.*`).
    pub fn is_in_namespace(&self, namespace: &str) -> bool {
        self.0 == namespace
            || (self.0.len() > namespace.len()
                && self.0.starts_with(namespace)
                && self.0.as_bytes()[namespace.len()] == b'.')
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AppId {
    type Err = InvalidAppId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AppId::parse(s)
    }
}

impl<'de> Deserialize<'de> for AppId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AppId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rule() {
        for ok in ["com.acme", "com.acme.loans-2", "a.b"] {
            assert!(AppId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "acme",
            "com..acme",
            "Com.acme",
            "com.1acme",
            "com.acme/x",
            "com.a_b",
        ] {
            assert!(AppId::parse(bad).is_err(), "{bad}");
        }
        assert!(AppId::parse(&format!("com.{}", "a".repeat(125))).is_err());
        let id = AppId::parse("com.acme.loans").unwrap();
        assert!(id.is_in_namespace("com.acme") && id.is_in_namespace("com.acme.loans"));
        assert!(!id.is_in_namespace("com.ac") && !id.is_in_namespace("com.acme.loans.x"));
        assert!(serde_json::from_str::<AppId>("\"Bad\"").is_err());
    }
}
