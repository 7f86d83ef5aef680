//! Sets of permissions as a small bit set: cheap to copy, hash and compare, so a grant set can
//! key the `InstancePre` cache.

use std::fmt;

use miniapp_package::Permission;

/// A set of [`Permission`]s.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PermissionSet(u16);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    fn bit(p: Permission) -> u16 {
        1 << (Permission::ALL
            .iter()
            .position(|q| *q == p)
            .expect("every permission is in ALL"))
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & Self::bit(p) != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= Self::bit(p);
    }

    pub fn remove(&mut self, p: Permission) {
        self.0 &= !Self::bit(p);
    }

    pub fn intersection(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & other.0)
    }

    pub fn difference(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & !other.0)
    }

    pub fn is_subset(self, other: PermissionSet) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Permission::as_str).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(PermissionSet::all().iter().count(), Permission::ALL.len());
        assert_eq!(a.to_string(), "storage,payment");
    }
}
