//! [`PackageError`]: every way a package, a key or a partner record can be refused, each with a
//! stable machine code and a one-sentence hint.

use crate::archive::UnsafeArchiveRule;
use crate::manifest::{ManifestError, Permission};

/// Why a package, a key or a partner record was refused.
///
/// The [`code`](PackageError::code) of a variant never changes; the CLI prints it and scripts
/// match on it. The message (`Display`) says what is wrong; [`hint`](PackageError::hint) says
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// `manifest.json` is missing, too large, not JSON, or does not follow the schema.
    /// Code: `MANIFEST_INVALID`.
    #[error("manifest.json is invalid: {reason}")]
    ManifestInvalid {
        /// What is wrong with it.
        reason: String,
    },

    /// The bytes are not a zip archive this host can read: corrupt, truncated, encrypted, or
    /// compressed with a method other than stored or deflate. Code: `ARCHIVE_INVALID`.
    #[error("the package is not a readable zip archive: {reason}")]
    ArchiveInvalid {
        /// What the zip reader found.
        reason: String,
    },

    /// The archive is a readable zip, but one of its entries breaks a safety rule (path
    /// traversal, link, duplicate, size or compression-ratio limit). Code: `UNSAFE_ARCHIVE`.
    #[error("unsafe archive entry `{entry}`: {rule}")]
    UnsafeArchive {
        /// The entry's name as stored in the archive (control characters escaped).
        entry: String,
        /// The rule it breaks.
        rule: UnsafeArchiveRule,
    },

    /// The package signature in `manifest.json` is missing, malformed, or does not match the
    /// package contents under the partner's key. Code: `SIGNATURE_INVALID`.
    #[error("package signature is invalid: {reason}")]
    SignatureInvalid {
        /// What failed.
        reason: String,
    },

    /// `partner.json` is missing or malformed, not signed by this host's marketplace root key,
    /// changed after it was issued, expired, or not yet valid. Code: `PARTNER_UNTRUSTED`.
    #[error("partner record is not trusted: {reason}")]
    PartnerUntrusted {
        /// Which of the above it is.
        reason: String,
    },

    /// The app id is outside the namespace the partner record grants. Code: `NAMESPACE_VIOLATION`.
    #[error(
        "app id `{id}` is outside namespace `{namespace}` granted to partner `{partner}`; \
         use an id equal to `{namespace}` or starting with `{namespace}.`"
    )]
    NamespaceViolation {
        /// The manifest's id.
        id: String,
        /// The partner record's namespace.
        namespace: String,
        /// The partner's name.
        partner: String,
    },

    /// The manifest asks for permissions the partner record does not allow.
    /// Code: `PERMISSION_NOT_ALLOWED`.
    #[error(
        "manifest asks for {} not allowed to partner `{partner}`; remove {} from manifest.json \
         or get a partner record that allows {}",
        plural_permissions(denied),
        them(denied),
        them(denied)
    )]
    PermissionNotAllowed {
        /// The refused permissions, in [`Permission`] order; never empty.
        denied: Vec<Permission>,
        /// The partner's name.
        partner: String,
    },

    /// A domain in `allowedDomains` is refused: outside the domains the partner record lists,
    /// a wildcard over a public suffix, a loopback or local-network name, or an IP address.
    /// Code: `DOMAIN_NOT_ALLOWED`.
    #[error("domain `{domain}` is not allowed: {reason}")]
    DomainNotAllowed {
        /// The pattern as normalised (punycode).
        domain: String,
        /// Which rule refused it.
        reason: String,
    },

    /// The package needs a newer host than this one. Code: `HOST_VERSION_INCOMPATIBLE`.
    #[error(
        "this package requires host version {required} or newer, but this host is version \
         {current}; update the host app to install it"
    )]
    HostVersionIncompatible {
        /// The manifest's `minHostVersion`.
        required: semver::Version,
        /// The version of the host doing the verification.
        current: semver::Version,
    },

    /// The manifest's `entryPoint` names a file that is not in the package.
    /// Code: `ENTRY_POINT_MISSING`.
    #[error("entry point `{entry_point}` named in manifest.json is not in the package")]
    EntryPointMissing {
        /// The manifest's `entryPoint`.
        entry_point: String,
    },

    /// A key is not readable PEM, not RSA, too small, or does not match the partner record.
    /// Code: `KEY_INVALID`.
    #[error("key is invalid: {reason}")]
    KeyInvalid {
        /// What is wrong with it.
        reason: String,
    },

    /// The entry point is not a parseable WebAssembly component. Code: `COMPONENT_INVALID`.
    #[error("the entry point is not a valid WebAssembly component: {reason}")]
    ComponentInvalid {
        /// What the parser found.
        reason: String,
    },

    /// The component imports an interface guarded by a permission the manifest does not
    /// declare. Code: `IMPORT_NOT_PERMITTED`.
    #[error(
        "the component imports `{interface}`, which needs the `{permission}` permission, but the \
         manifest does not declare it"
    )]
    ImportNotPermitted {
        /// The imported interface, with its version.
        interface: String,
        /// The permission that guards it.
        permission: Permission,
    },

    /// The component imports something no host provides. Code: `IMPORT_UNKNOWN`.
    #[error("the component imports `{interface}`, which this host does not provide")]
    ImportUnknown {
        /// The imported name.
        interface: String,
    },

    /// A file of a package source directory could not be read. Code: `IO`.
    #[error("cannot read `{path}`: {reason}")]
    Io {
        /// The path that failed.
        path: String,
        /// The operating system's error.
        reason: String,
        /// Its kind, so a caller can tell a missing file from a permission problem.
        kind: std::io::ErrorKind,
    },
}

impl PackageError {
    /// Stable machine code, e.g. `SIGNATURE_INVALID`.
    pub fn code(&self) -> &'static str {
        match self {
            PackageError::ManifestInvalid { .. } => "MANIFEST_INVALID",
            PackageError::ArchiveInvalid { .. } => "ARCHIVE_INVALID",
            PackageError::UnsafeArchive { .. } => "UNSAFE_ARCHIVE",
            PackageError::SignatureInvalid { .. } => "SIGNATURE_INVALID",
            PackageError::PartnerUntrusted { .. } => "PARTNER_UNTRUSTED",
            PackageError::NamespaceViolation { .. } => "NAMESPACE_VIOLATION",
            PackageError::PermissionNotAllowed { .. } => "PERMISSION_NOT_ALLOWED",
            PackageError::DomainNotAllowed { .. } => "DOMAIN_NOT_ALLOWED",
            PackageError::HostVersionIncompatible { .. } => "HOST_VERSION_INCOMPATIBLE",
            PackageError::EntryPointMissing { .. } => "ENTRY_POINT_MISSING",
            PackageError::KeyInvalid { .. } => "KEY_INVALID",
            PackageError::ComponentInvalid { .. } => "COMPONENT_INVALID",
            PackageError::ImportNotPermitted { .. } => "IMPORT_NOT_PERMITTED",
            PackageError::ImportUnknown { .. } => "IMPORT_UNKNOWN",
            PackageError::Io { .. } => "IO",
        }
    }

    /// Whether this error means "do not trust this package": everything but a bad key file
    /// and an I/O failure while reading a source directory.
    pub fn is_verification_failure(&self) -> bool {
        !matches!(
            self,
            PackageError::KeyInvalid { .. } | PackageError::Io { .. }
        )
    }

    /// The `io::ErrorKind` of an [`PackageError::Io`].
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            PackageError::Io { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// One sentence on what to do.
    pub fn hint(&self) -> &'static str {
        match self {
            PackageError::ManifestInvalid { .. } => {
                "Fix manifest.json so it matches the schema (id, version, minHostVersion, \
                 entryPoint, permissions, allowedDomains; no other fields) and pack again."
            }
            PackageError::ArchiveInvalid { .. } => {
                "Rebuild the package with `miniapp pack`; the file is damaged or is not a zip \
                 archive of stored or deflated entries."
            }
            PackageError::UnsafeArchive { .. } => {
                "Do not install this file; rebuild the package with `miniapp pack` from a \
                 directory of plain files with simple relative names."
            }
            PackageError::SignatureInvalid { .. } => {
                "The package was changed after signing or signed with another key: get an \
                 untouched copy from the partner, or have the partner pack it again with the key \
                 in its partner record."
            }
            PackageError::PartnerUntrusted { .. } => {
                "Ask the marketplace for a current partner record issued for this host's root key \
                 and pack the app again with it."
            }
            PackageError::NamespaceViolation { .. } => {
                "Change the app id to one inside the partner's namespace, or ask the marketplace \
                 for a partner record that covers it."
            }
            PackageError::PermissionNotAllowed { .. } => {
                "Remove the permission from manifest.json, or ask the marketplace to allow it in \
                 the partner record."
            }
            PackageError::DomainNotAllowed { .. } => {
                "Use only domains of your own that the marketplace lists in your partner record \
                 (ask it to add one), never a public suffix wildcard, localhost or an address."
            }
            PackageError::HostVersionIncompatible { .. } => {
                "Update the host app, or install a version of the mini-program built for this \
                 host."
            }
            PackageError::EntryPointMissing { .. } => {
                "Add the file named by entryPoint to the package directory, or fix entryPoint in \
                 manifest.json."
            }
            PackageError::KeyInvalid { .. } => {
                "Use an RSA key of at least 2048 bits in PEM: a private key as PKCS#8 (BEGIN \
                 PRIVATE KEY), a public key as SPKI (BEGIN PUBLIC KEY)."
            }
            PackageError::ComponentInvalid { .. } => {
                "Build the entry point as a WebAssembly component (cargo build --target \
                 wasm32-wasip2) and pack again."
            }
            PackageError::ImportNotPermitted { .. } => {
                "Declare the permission in manifest.json (and have the partner record allow it), \
                 or stop using that interface."
            }
            PackageError::ImportUnknown { .. } => {
                "Build the component against the miniapp:bridge WIT and WASI 0.2 only."
            }
            PackageError::Io { .. } => {
                "Check that the path exists and is readable, then try again."
            }
        }
    }
}

impl From<ManifestError> for PackageError {
    fn from(e: ManifestError) -> Self {
        match e {
            ManifestError::Invalid(reason) => PackageError::ManifestInvalid { reason },
        }
    }
}

fn plural_permissions(denied: &[Permission]) -> String {
    let names: Vec<String> = denied.iter().map(|p| format!("`{p}`")).collect();
    match denied.len() {
        1 => format!("permission {}", names[0]),
        _ => format!("permissions {}", names.join(", ")),
    }
}

fn them(denied: &[Permission]) -> &'static str {
    if denied.len() == 1 { "it" } else { "them" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_errors_convert_to_manifest_invalid() {
        let e: PackageError = ManifestError::Invalid("no id".into()).into();
        assert_eq!(e.code(), "MANIFEST_INVALID");
        assert!(e.to_string().contains("no id"), "{e}");
    }

    #[test]
    fn host_version_message_names_both_versions_and_the_fix() {
        let e = PackageError::HostVersionIncompatible {
            required: semver::Version::new(2, 1, 0),
            current: semver::Version::new(1, 9, 3),
        };
        let msg = e.to_string();
        assert!(msg.contains("2.1.0") && msg.contains("1.9.3"), "{msg}");
        assert!(msg.contains("update the host app"), "{msg}");
        assert_eq!(e.code(), "HOST_VERSION_INCOMPATIBLE");
    }

    #[test]
    fn permission_message_names_every_denied_permission() {
        let one = PackageError::PermissionNotAllowed {
            denied: vec![Permission::Payment],
            partner: "Acme".into(),
        };
        assert_eq!(
            one.to_string(),
            "manifest asks for permission `payment` not allowed to partner `Acme`; remove it \
             from manifest.json or get a partner record that allows it"
        );
        let two = PackageError::PermissionNotAllowed {
            denied: vec![Permission::Payment, Permission::Location],
            partner: "Acme".into(),
        };
        assert!(
            two.to_string()
                .contains("permissions `payment`, `location`"),
            "{two}"
        );
    }

    #[test]
    fn codes_are_distinct_and_hints_are_one_sentence() {
        let all = [
            PackageError::ManifestInvalid {
                reason: String::new(),
            },
            PackageError::ArchiveInvalid {
                reason: String::new(),
            },
            PackageError::UnsafeArchive {
                entry: String::new(),
                rule: UnsafeArchiveRule::Symlink,
            },
            PackageError::SignatureInvalid {
                reason: String::new(),
            },
            PackageError::PartnerUntrusted {
                reason: String::new(),
            },
            PackageError::NamespaceViolation {
                id: String::new(),
                namespace: String::new(),
                partner: String::new(),
            },
            PackageError::PermissionNotAllowed {
                denied: vec![Permission::Ui],
                partner: String::new(),
            },
            PackageError::DomainNotAllowed {
                domain: String::new(),
                reason: String::new(),
            },
            PackageError::HostVersionIncompatible {
                required: semver::Version::new(1, 0, 0),
                current: semver::Version::new(0, 1, 0),
            },
            PackageError::EntryPointMissing {
                entry_point: String::new(),
            },
            PackageError::KeyInvalid {
                reason: String::new(),
            },
            PackageError::ComponentInvalid {
                reason: String::new(),
            },
            PackageError::ImportNotPermitted {
                interface: String::new(),
                permission: Permission::Payment,
            },
            PackageError::ImportUnknown {
                interface: String::new(),
            },
            PackageError::Io {
                path: String::new(),
                reason: String::new(),
                kind: std::io::ErrorKind::NotFound,
            },
        ];
        let codes: std::collections::BTreeSet<&str> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            let hint = e.hint();
            assert!(hint.ends_with('.'), "{hint}");
            assert_eq!(hint.matches(". ").count(), 0, "one sentence: {hint}");
        }
    }
}
