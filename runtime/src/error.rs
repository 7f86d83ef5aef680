//! Runtime errors: one variant per thing a host can act on, each with a stable code and a hint.

use miniapp_package::{MetadataError, PackageError, RootError};

/// Errors of the runtime. Codes are stable; messages say what happened.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// No app with this id is installed.
    #[error("no mini-program `{0}` is installed")]
    AppNotFound(String),
    /// The home directory is missing or was never initialised.
    #[error("{0}")]
    HomeInvalid(String),
    /// The package failed verification.
    #[error(transparent)]
    Package(#[from] PackageError),
    /// Installed files changed on disk since install.
    #[error("installed files of `{app}` changed since install ({what}); reinstall the package")]
    InstallCorrupted { app: String, what: String },
    /// An installed version is older than the active one.
    #[error("{0}")]
    DowngradeRefused(String),
    /// Compiling the component failed.
    #[error("compiling the component failed: {0}")]
    CompileFailed(String),
    /// The guest ran out of its CPU budget for one call.
    #[error("the mini-program used more than its CPU budget of {budget_ms} ms and was stopped")]
    CpuLimit { budget_ms: u64 },
    /// The guest tried to grow its memory past its limit.
    #[error("the mini-program tried to use more than {limit_mb} MiB of memory and was stopped")]
    MemoryLimit { limit_mb: u64 },
    /// The guest trapped (panic, unreachable, stack overflow, ...).
    #[error("the mini-program crashed: {0}")]
    GuestTrap(String),
    /// `on-launch` returned an error.
    #[error("the mini-program refused to launch: {0}")]
    GuestError(String),
    /// Instantiation failed for a reason other than the above.
    #[error("instantiating the mini-program failed: {0}")]
    InstantiateFailed(String),
    /// A file or directory operation failed; `kind` tells a full disk (`StorageFull`) from a
    /// permission problem (`PermissionDenied`) and the rest.
    #[error("I/O error: {message}")]
    Io {
        message: String,
        kind: std::io::ErrorKind,
    },
    /// A marketplace document (version document, revocation list) is invalid or expired.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// A marketplace document is older than one this home has already seen (a replay).
    #[error("{0}")]
    MetadataRollback(String),
    /// The update needs a newer host app: what a host shows as its "please update" screen.
    #[error("this update of `{app}` requires host version {required}; this host is {current}")]
    HostUpdateRequired {
        app: String,
        required: semver::Version,
        current: semver::Version,
    },
    /// The app's partner is on the marketplace's revocation list.
    #[error("the partner `{partner}` of `{app}` has been revoked by the marketplace")]
    PartnerRevoked { app: String, partner: String },
    /// The download failed: connection, HTTP status, or more bytes than advertised.
    #[error("download failed: {0}")]
    DownloadFailed(String),
    /// The downloaded bytes do not match the signed version document.
    #[error("{0}")]
    DigestMismatch(String),
    /// `rollback` with no backup version.
    #[error("`{0}` has no backup version to roll back to")]
    NoBackup(String),
    /// No engine configuration fits this process (its address space, or the platform).
    #[error("no WebAssembly engine could be created: {0}")]
    EngineUnavailable(String),
    /// The per-app memory limit is larger than the engine profile can reserve.
    #[error(
        "a memory limit of {requested_mb} MiB is more than the `{profile}` engine reserves per instance ({max_mb} MiB)"
    )]
    MemoryLimitTooLarge {
        requested_mb: u64,
        max_mb: u64,
        profile: &'static str,
    },
    /// Every slot of the engine's instance pool is held by a live instance.
    #[error("too many live mini-program instances: {0}")]
    InstanceLimit(String),
    /// The active version was pulled by the marketplace and there is no backup to move back to.
    #[error(
        "the marketplace pulled `{app}` {version} and this host has no earlier version to return to"
    )]
    VersionPulled {
        app: String,
        version: semver::Version,
    },
    /// A new root was refused; the home's trust is unchanged.
    #[error(transparent)]
    Root(#[from] RootError),
    /// The home has no host token key (it was deleted, or the home was copied without it).
    #[error("the home has no host token key: {0}")]
    KeysMissing(String),
    /// This runtime was built without a compiler (no `cranelift` feature) and the component has
    /// no precompiled artifact for its engine.
    #[error("this runtime has no compiler and `{0}` has no precompiled artifact for its engine")]
    CompilerUnavailable(String),
    /// A bundle was refused (see [`BundleError`] for its codes); nothing was installed.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// The code-update policy (`web-only`) keeps component apps from being installed or updated.
    #[error("{0}")]
    UpdateNotAllowed(String),
}

impl RuntimeError {
    pub fn code(&self) -> &'static str {
        match self {
            RuntimeError::AppNotFound(_) => "APP_NOT_FOUND",
            RuntimeError::HomeInvalid(_) => "HOME_INVALID",
            RuntimeError::Package(e) => e.code(),
            RuntimeError::InstallCorrupted { .. } => "INSTALL_CORRUPTED",
            RuntimeError::DowngradeRefused(_) => "DOWNGRADE_REFUSED",
            RuntimeError::CompileFailed(_) => "COMPILE_FAILED",
            RuntimeError::CpuLimit { .. } => "CPU_LIMIT",
            RuntimeError::MemoryLimit { .. } => "MEMORY_LIMIT",
            RuntimeError::GuestTrap(_) => "GUEST_TRAP",
            RuntimeError::GuestError(_) => "GUEST_ERROR",
            RuntimeError::InstantiateFailed(_) => "INSTANTIATE_FAILED",
            RuntimeError::Io { .. } => "IO",
            RuntimeError::Metadata(e) => e.code(),
            RuntimeError::MetadataRollback(_) => "METADATA_ROLLBACK",
            RuntimeError::HostUpdateRequired { .. } => "HOST_UPDATE_REQUIRED",
            RuntimeError::PartnerRevoked { .. } => "PARTNER_REVOKED",
            RuntimeError::DownloadFailed(_) => "DOWNLOAD_FAILED",
            RuntimeError::DigestMismatch(_) => "DIGEST_MISMATCH",
            RuntimeError::NoBackup(_) => "NO_BACKUP",
            RuntimeError::EngineUnavailable(_) => "ENGINE_UNAVAILABLE",
            RuntimeError::MemoryLimitTooLarge { .. } => "MEMORY_LIMIT_TOO_LARGE",
            RuntimeError::InstanceLimit(_) => "INSTANCE_LIMIT",
            RuntimeError::KeysMissing(_) => "KEYS_MISSING",
            RuntimeError::Root(e) => e.code(),
            RuntimeError::VersionPulled { .. } => "VERSION_PULLED",
            RuntimeError::CompilerUnavailable(_) => "COMPILER_UNAVAILABLE",
            RuntimeError::Bundle(e) => e.code(),
            RuntimeError::UpdateNotAllowed(_) => "UPDATE_NOT_ALLOWED",
        }
    }

    /// One sentence on what to do.
    pub fn hint(&self) -> &'static str {
        match self {
            RuntimeError::AppNotFound(_) => {
                "install the mini-program first, or check its id against the installed ones"
            }
            RuntimeError::HomeInvalid(_) => {
                "initialise the home first (marketplace root, host version, token key)"
            }
            RuntimeError::Package(e) => e.hint(),
            RuntimeError::InstallCorrupted { .. } => {
                "uninstall and install the package again; if it recurs, check the disk"
            }
            RuntimeError::DowngradeRefused(_) => {
                "install a newer version, or roll back to the previous one"
            }
            RuntimeError::CompileFailed(_) => {
                "check that the entry point is a valid WebAssembly component"
            }
            RuntimeError::CpuLimit { .. } => {
                "make the work smaller per call, or raise the app's CPU limit"
            }
            RuntimeError::MemoryLimit { .. } => "use less memory, or raise the app's memory limit",
            RuntimeError::GuestTrap(_) => {
                "this is a bug in the mini-program; its partner should look at the backtrace"
            }
            RuntimeError::GuestError(_) => "the mini-program's own message says why",
            RuntimeError::InstantiateFailed(_) => {
                "reinstall the mini-program; report the message if it persists"
            }
            RuntimeError::Io { kind, .. } => match kind {
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                    "the disk is full: free space and try again; nothing was half-written"
                }
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    "the host may not write to its home directory: check its permissions"
                }
                _ => "check the home directory's permissions and free disk space",
            },
            RuntimeError::Metadata(e) => e.hint(),
            RuntimeError::MetadataRollback(_) => {
                "someone is replaying an old marketplace document: keep the installed version and try another network"
            }
            RuntimeError::HostUpdateRequired { .. } => {
                "update the host app from its store; the mini-program keeps its current version until then"
            }
            RuntimeError::PartnerRevoked { .. } => {
                "the marketplace withdrew this partner; uninstall its mini-programs"
            }
            RuntimeError::DownloadFailed(_) => {
                "check the network and run the update again; a partial download resumes"
            }
            RuntimeError::DigestMismatch(_) => {
                "the server sent other bytes than the marketplace signed: do not trust it; the installed version is kept"
            }
            RuntimeError::NoBackup(_) => "there is no previous version kept for this app",
            RuntimeError::EngineUnavailable(_) => {
                "raise the process's address-space limit, lower the per-app memory limit, or use the device profile"
            }
            RuntimeError::MemoryLimitTooLarge { .. } => {
                "lower the per-app memory limit, or use the server profile on a host with a large address space"
            }
            RuntimeError::InstanceLimit(_) => {
                "drop an instance that is no longer shown before launching another, or build the engine with more instances"
            }
            RuntimeError::Root(e) => e.hint(),
            RuntimeError::VersionPulled { .. } => {
                "stop launching this version: uninstall the app, or wait for the marketplace to publish a fixed one"
            }
            RuntimeError::KeysMissing(_) => {
                "initialise this home again to create a token key (tokens of the lost key no longer verify)"
            }
            RuntimeError::CompilerUnavailable(_) => {
                "ship the app in a bundle precompiled for this target (`miniapp bundle`), or build the runtime with its `cranelift` feature"
            }
            RuntimeError::Bundle(e) => e.hint(),
            RuntimeError::UpdateNotAllowed(_) => {
                "component apps ship inside the host's binary under this policy (`miniapp bundle`); only web mini-programs update over the air"
            }
        }
    }
}

impl RuntimeError {
    /// Whether this error means "do not trust this package or document": a failed signature,
    /// digest, namespace, permission or import check, a revoked partner, a replayed or expired
    /// document, or a version this host cannot run. The CLI exits 2 for these.
    pub fn is_verification_failure(&self) -> bool {
        match self {
            RuntimeError::Package(e) => e.is_verification_failure(),
            RuntimeError::Metadata(e) => e.is_verification_failure(),
            RuntimeError::MetadataRollback(_)
            | RuntimeError::DigestMismatch(_)
            | RuntimeError::PartnerRevoked { .. }
            | RuntimeError::HostUpdateRequired { .. } => true,
            _ => false,
        }
    }

    /// The `io::ErrorKind` of an [`RuntimeError::Io`], so a host can tell a full disk.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            RuntimeError::Io { kind, .. } => Some(*kind),
            RuntimeError::Package(e) => e.io_kind(),
            _ => None,
        }
    }

    /// An [`RuntimeError::Io`] with what was being done.
    pub fn io(context: impl std::fmt::Display, e: &std::io::Error) -> Self {
        RuntimeError::Io {
            message: format!("{context}: {e}"),
            kind: e.kind(),
        }
    }
}

impl From<std::io::Error> for RuntimeError {
    fn from(e: std::io::Error) -> Self {
        RuntimeError::Io {
            message: e.to_string(),
            kind: e.kind(),
        }
    }
}

/// Why a bundle was refused. Nothing of a refused bundle is installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The index is missing, unreadable, of another format, or names a file that is missing.
    #[error("the bundle is not readable: {0}")]
    Invalid(String),
    /// `index.json` does not have the digest the host pinned.
    #[error("the bundle index has sha256 {actual}, the host expects {expected}")]
    IndexChanged { expected: String, actual: String },
    /// A package differs from its index entry (digest, id or version).
    #[error("the bundle index does not match its packages: {0}")]
    IndexMismatch(String),
    /// A precompiled artifact differs from the digest in the index.
    #[error("the precompiled artifact {0} does not match the bundle index")]
    ArtifactTampered(String),
    /// The bundle was made for another target.
    #[error("the bundle was made for {bundle}; this runtime runs on {runtime}")]
    TargetMismatch { bundle: String, runtime: String },
    /// The bundle needs an engine this runtime does not run (Pulley vs native code).
    #[error("the bundle needs the {bundle} engine; this runtime runs {runtime}")]
    EngineUnavailable { bundle: String, runtime: String },
    /// wasmtime refused an artifact: another wasmtime version or engine configuration wrote it.
    #[error("the precompiled artifact {artifact} was made by another engine: {reason}")]
    EngineMismatch { artifact: String, reason: String },
}

impl BundleError {
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::Invalid(_) => "BUNDLE_INVALID",
            BundleError::IndexChanged { .. } => "BUNDLE_INDEX_CHANGED",
            BundleError::IndexMismatch(_) => "BUNDLE_INDEX_MISMATCH",
            BundleError::ArtifactTampered(_) => "BUNDLE_ARTIFACT_TAMPERED",
            BundleError::TargetMismatch { .. } => "BUNDLE_TARGET_MISMATCH",
            BundleError::EngineUnavailable { .. } => "BUNDLE_ENGINE_UNAVAILABLE",
            BundleError::EngineMismatch { .. } => "BUNDLE_ENGINE_MISMATCH",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            BundleError::Invalid(_) | BundleError::IndexChanged { .. } => {
                "rebuild the bundle with `miniapp bundle` in the host's build and ship it unchanged"
            }
            BundleError::IndexMismatch(_) | BundleError::ArtifactTampered(_) => {
                "the bundle was altered after it was built: rebuild it and do not trust this copy"
            }
            BundleError::TargetMismatch { .. } => {
                "build the bundle with `--target` set to this host's target triple"
            }
            BundleError::EngineUnavailable { .. } => {
                "build the bundle with the engine this runtime uses (`--engine pulley` where JIT is forbidden)"
            }
            BundleError::EngineMismatch { .. } => {
                "build the bundle with the same miniapp/wasmtime version and engine profile as the host"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_keep_their_kind_and_say_what_to_do() {
        let full = RuntimeError::from(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.code(), "IO");
        assert_eq!(full.io_kind(), Some(std::io::ErrorKind::StorageFull));
        assert!(full.hint().contains("disk is full"), "{}", full.hint());
        let denied = RuntimeError::io(
            "writing the install record",
            &std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(denied.io_kind(), Some(std::io::ErrorKind::PermissionDenied));
        assert!(denied.to_string().contains("writing the install record"));
        assert_eq!(RuntimeError::NoBackup("a".into()).io_kind(), None);
    }

    #[test]
    fn errors_classify_themselves_and_hints_name_no_cli_flag() {
        assert!(RuntimeError::DigestMismatch(String::new()).is_verification_failure());
        assert!(
            RuntimeError::Package(PackageError::SignatureInvalid {
                reason: String::new()
            })
            .is_verification_failure()
        );
        assert!(!RuntimeError::CpuLimit { budget_ms: 1 }.is_verification_failure());
        assert!(!RuntimeError::AppNotFound("a".into()).is_verification_failure());
        for e in [
            RuntimeError::AppNotFound("a".into()),
            RuntimeError::HomeInvalid(String::new()),
            RuntimeError::CpuLimit { budget_ms: 1 },
            RuntimeError::MemoryLimit { limit_mb: 1 },
            RuntimeError::DowngradeRefused(String::new()),
            RuntimeError::KeysMissing(String::new()),
        ] {
            let hint = e.hint();
            assert!(!hint.contains("--") && !hint.contains("`miniapp"), "{hint}");
        }
    }
}
