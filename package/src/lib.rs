//! `miniapp-package`: turns package bytes from strangers into a [`VerifiedPackage`], or a
//! stable error code. Knows nothing of wasmtime or of a host's home directory.
//!
//! ```text
//! bytes ──Archive::open──► Archive ──verify(&archive, &TrustAnchors, host_version)──► VerifiedPackage
//! ```
//!
//! Partners build packages with [`pack()`] / [`pack_dir`], signing with the key named in a
//! [`PartnerRecord`] that the marketplace root key issued.
#![forbid(unsafe_code)]

pub mod archive;
pub mod digest;
pub mod envelope;
pub mod error;
pub mod imports;
pub mod keys;
pub mod manifest;
pub mod metadata;
pub mod pack;
pub mod partner;
pub mod root;
pub mod verify;

pub use archive::{Archive, ArchiveLimits, UnsafeArchiveRule};
pub use digest::package_digest;
pub use error::PackageError;
pub use keys::{RsaPrivateKey, RsaPublicKey};
pub use manifest::{AppId, DomainPattern, Manifest, ManifestError, Permission};
pub use metadata::{MetadataError, RevocationList, VersionDocument, rollout_bucket};
pub use pack::{MANIFEST_PATH, PARTNER_PATH, SIGNATURE_PATH, pack, pack_dir, read_source_dir};
pub use partner::{PartnerRecord, UnsignedPartnerRecord};
pub use root::{RootError, RootMetadata, SignedRoot};
pub use verify::{TrustAnchors, VerifiedPackage, verify};
