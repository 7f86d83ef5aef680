//! The permissions a manifest can declare, as the host names them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A permission: what a mini-program declares in its manifest and the host grants per launch.
/// `log` needs none; `network` guards outbound HTTP, which is not a bridge interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Permission {
    Storage,
    Auth,
    Payment,
    Location,
    Ui,
    Device,
    Clipboard,
    Share,
    Network,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::Storage,
        Permission::Auth,
        Permission::Payment,
        Permission::Location,
        Permission::Ui,
        Permission::Device,
        Permission::Clipboard,
        Permission::Share,
        Permission::Network,
    ];

    /// The manifest name (`"storage"`, `"location"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Permission::Storage => "storage",
            Permission::Auth => "auth",
            Permission::Payment => "payment",
            Permission::Location => "location",
            Permission::Ui => "ui",
            Permission::Device => "device",
            Permission::Clipboard => "clipboard",
            Permission::Share => "share",
            Permission::Network => "network",
        }
    }

    /// The permission with this manifest name.
    pub fn from_name(name: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.name() == name)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_name(p.name()), Some(*p));
            assert_eq!(
                serde_json::to_string(p).unwrap(),
                format!("\"{}\"", p.name())
            );
        }
        assert_eq!(Permission::from_name("camera"), None);
    }
}
