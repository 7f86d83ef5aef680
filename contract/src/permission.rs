//! Permissions a manifest may declare, and sets of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A capability a mini-program may ask for. Closed: anything else in a manifest is an error.
/// `network` guards outbound HTTP (`wasi:http`, `fetch`), which is not a bridge interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Storage,
    Auth,
    Payment,
    Location,
    Ui,
    Device,
    Clipboard,
    Share,
    Haptics,
    Navigation,
    Biometrics,
    Notifications,
    Camera,
    Network,
}

impl Permission {
    /// Every permission, in a stable order (the order of [`PermissionSet`]'s bits).
    pub const ALL: [Permission; 14] = [
        Permission::Storage,
        Permission::Auth,
        Permission::Payment,
        Permission::Location,
        Permission::Ui,
        Permission::Device,
        Permission::Clipboard,
        Permission::Share,
        Permission::Haptics,
        Permission::Navigation,
        Permission::Biometrics,
        Permission::Notifications,
        Permission::Camera,
        Permission::Network,
    ];

    /// Every permission that grants a bridge interface: all but `network` (last in [`Self::ALL`]).
    pub const WITH_INTERFACE: &'static [Permission] =
        match (&Permission::ALL as &[Permission]).split_last() {
            Some((_network, rest)) => rest,
            None => &[],
        };

    /// The name used in manifests, on the command line and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::Storage => "storage",
            Permission::Auth => "auth",
            Permission::Payment => "payment",
            Permission::Location => "location",
            Permission::Ui => "ui",
            Permission::Device => "device",
            Permission::Clipboard => "clipboard",
            Permission::Share => "share",
            Permission::Haptics => "haptics",
            Permission::Navigation => "navigation",
            Permission::Biometrics => "biometrics",
            Permission::Notifications => "notifications",
            Permission::Camera => "camera",
            Permission::Network => "network",
        }
    }

    /// The permission with this manifest name.
    pub fn from_name(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Permissions whose use the user must consent to before the first launch that needs them.
    pub const fn is_sensitive(self) -> bool {
        matches!(
            self,
            Permission::Payment
                | Permission::Location
                | Permission::Clipboard
                | Permission::Biometrics
                | Permission::Notifications
                | Permission::Camera
        )
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a [`Permission`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPermission(pub String);

impl fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown permission `{}` (known: {})",
            self.0,
            Permission::ALL.map(Permission::as_str).join(", ")
        )
    }
}

impl std::error::Error for UnknownPermission {}

impl FromStr for Permission {
    type Err = UnknownPermission;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::from_name(s).ok_or_else(|| UnknownPermission(s.to_owned()))
    }
}

/// A set of [`Permission`]s as a small bit set: cheap to copy, hash and compare, so a grant set
/// can key a cache.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PermissionSet(u16);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    pub const fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn remove(&mut self, p: Permission) {
        self.0 &= !p.bit();
    }

    pub const fn intersection(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & other.0)
    }

    pub const fn difference(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & !other.0)
    }

    pub const fn is_subset(self, other: PermissionSet) -> bool {
        self.0 & !other.0 == 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    pub fn all() -> PermissionSet {
        Permission::ALL.into_iter().collect()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = PermissionSet::EMPTY;
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl<'a> FromIterator<&'a Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = &'a Permission>>(iter: I) -> Self {
        iter.into_iter().copied().collect()
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for PermissionSet {
    /// `storage,payment` (empty for the empty set).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Permission::as_str).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_round_trip() {
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
        let e = "microphone".parse::<Permission>().unwrap_err();
        assert!(
            e.to_string().contains("unknown permission `microphone`"),
            "{e}"
        );
    }

    #[test]
    fn with_interface_is_all_but_network() {
        let expected: Vec<Permission> = Permission::ALL
            .into_iter()
            .filter(|p| *p != Permission::Network)
            .collect();
        assert_eq!(Permission::WITH_INTERFACE, expected.as_slice());
        for p in Permission::WITH_INTERFACE {
            assert!(crate::Interface::for_permission(*p).is_some(), "{p}");
        }
    }

    #[test]
    fn sets_hold_what_was_inserted() {
        let mut s: PermissionSet = [Permission::Storage, Permission::Network].iter().collect();
        assert!(s.contains(Permission::Network) && !s.contains(Permission::Auth));
        assert_eq!(s.len(), 2);
        s.remove(Permission::Network);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![Permission::Storage]);
        assert!(s.is_subset(PermissionSet::all()));
        assert_eq!(PermissionSet::all().len(), Permission::ALL.len());
        assert_eq!(s.to_string(), "storage");
    }

    #[test]
    fn set_algebra() {
        let a: PermissionSet = [Permission::Storage, Permission::Payment].iter().collect();
        let b: PermissionSet = [Permission::Payment, Permission::Location].iter().collect();
        assert_eq!(
            a.intersection(b).iter().collect::<Vec<_>>(),
            vec![Permission::Payment]
        );
        assert_eq!(
            a.difference(b).iter().collect::<Vec<_>>(),
            vec![Permission::Storage]
        );
        assert!(a.intersection(b).is_subset(a));
        assert!(!a.is_subset(b));
        assert_eq!(a.to_string(), "storage,payment");
    }
}
