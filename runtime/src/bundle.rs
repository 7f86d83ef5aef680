//! Bundles: verified packages precompiled for one target, in a read-only directory that a host
//! ships inside its binary (an iOS app may not download executable code, so component apps
//! arrive this way; see docs/ios.md).
//!
//! ```text
//! <bundle>/index.json                      target, engine, one entry per app with sha256 of each file
//! <bundle>/index.sha256                    sha256 of index.json: the host pins it in its binary
//! <bundle>/packages/<id>-<version>.zip     the signed packages, as published
//! <bundle>/artifacts/<id>-<version>.cwasm  components precompiled for the bundle's target
//! ```
//!
//! [`write_bundle`] (needs the compiler) makes one; [`Runtime::install_bundle`] opens one with no
//! compiler present: the index must have the digest the host pinned, every file its digest in
//! the index, every package a valid signature under this home's root, and the bundle this
//! runtime's target and engine. Every check passes before anything is installed.

use std::path::Path;

use miniapp_package::VerifiedPackage;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::Runtime;
use crate::engine::{Backend, target_name};
pub use crate::error::BundleError;
use crate::error::RuntimeError;
use crate::install::InstallOutcome;

/// The index file's name.
pub const INDEX_FILE: &str = "index.json";
/// The file holding the index's sha256 (hex), for build scripts to embed in the host binary.
pub const INDEX_DIGEST_FILE: &str = "index.sha256";
/// The index layout this runtime reads.
pub const FORMAT: u32 = 1;
/// Largest index read (bytes): it comes from a file, but a bounded one.
const MAX_INDEX_BYTES: u64 = 1 << 20;

/// `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleIndex {
    pub format: u32,
    /// The Rust target triple the artifacts run on (`aarch64-apple-ios`).
    pub target: String,
    /// `cranelift` (native code) or `pulley` (bytecode for wasmtime's interpreter).
    pub engine: String,
    /// The target wasmtime compiled for (`pulley64`, or the triple itself).
    pub engine_target: String,
    /// The miniapp-runtime version that wrote the bundle (informative; wasmtime checks its own
    /// version in each artifact).
    pub runtime_version: String,
    pub apps: Vec<BundleEntry>,
}

/// One app of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleEntry {
    pub id: String,
    pub version: semver::Version,
    /// Path of the package, relative to the bundle.
    pub package: String,
    pub package_sha256: String,
    /// Path of the precompiled component (none for web mini-programs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_sha256: Option<String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The target wasmtime compiles to for `triple` under `backend`: Pulley's by pointer width and
/// byte order, or the triple itself.
pub fn engine_target(triple: &str, backend: Backend) -> String {
    match backend {
        Backend::Cranelift => triple.to_string(),
        Backend::Pulley => {
            let arch = triple.split('-').next().unwrap_or_default();
            let wide = [
                "aarch64",
                "x86_64",
                "riscv64",
                "s390x",
                "powerpc64",
                "loongarch64",
            ]
            .iter()
            .any(|a| arch.starts_with(a));
            let big = arch == "s390x" || arch == "powerpc64" || arch.ends_with("be");
            match (wide, big) {
                (true, false) => "pulley64",
                (true, true) => "pulley64be",
                (false, false) => "pulley32",
                (false, true) => "pulley32be",
            }
            .to_string()
        }
    }
}

fn read_bounded(dir: &Path, rel: &str) -> Result<Vec<u8>, BundleError> {
    // Entries name files inside the bundle only.
    if rel.is_empty()
        || rel.starts_with('/')
        || rel.split('/').any(|c| c == ".." || c.is_empty())
        || rel.contains('\\')
    {
        return Err(BundleError::Invalid(format!(
            "`{rel}` is not a path inside the bundle"
        )));
    }
    std::fs::read(dir.join(rel)).map_err(|e| BundleError::Invalid(format!("{rel}: {e}")))
}

/// What [`write_bundle`] made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleSummary {
    pub index: BundleIndex,
    /// sha256 of `index.json`: what the host pins.
    pub index_sha256: String,
}

/// What to bundle and for which engine.
#[derive(Debug, Clone)]
pub struct BundleOptions {
    /// The Rust target triple of the host app (`aarch64-apple-ios`).
    pub target: String,
    pub backend: Backend,
    /// The engine options the host's runtime uses (profile, and under `device` the per-app memory
    /// limit as `max_memory_bytes`): wasmtime refuses artifacts of another configuration.
    pub engine: crate::EngineOptions,
}

/// Verifies each package zip (root key, host version) and precompiles it for `opts.target`, then
/// writes a bundle to `out` (created; if it exists it must be empty).
#[cfg(feature = "cranelift")]
pub fn write_bundle(
    zips: &[Vec<u8>],
    anchors: &miniapp_package::TrustAnchors,
    host_version: &semver::Version,
    opts: &BundleOptions,
    out: &Path,
) -> Result<BundleSummary, RuntimeError> {
    let (target, backend, engine) = (opts.target.as_str(), opts.backend, &opts.engine);
    let mut packages = Vec::new();
    for zip in zips {
        let archive = miniapp_package::Archive::open(zip)?;
        packages.push((
            zip,
            miniapp_package::verify(&archive, anchors, host_version)?,
        ));
    }
    let engine_target = engine_target(target, backend);
    let mut config = crate::engine::wasmtime_config(engine)?;
    config.target(&engine_target).map_err(|e| {
        RuntimeError::EngineUnavailable(format!("no compiler for target `{engine_target}`: {e}"))
    })?;
    let wasmtime = wasmtime::Engine::new(&config)
        .map_err(|e| RuntimeError::EngineUnavailable(format!("{e:#}")))?;
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(RuntimeError::Io {
            message: format!("{} exists and is not empty", out.display()),
            kind: std::io::ErrorKind::DirectoryNotEmpty,
        });
    }
    std::fs::create_dir_all(out.join("packages"))?;
    std::fs::create_dir_all(out.join("artifacts"))?;
    let mut apps = Vec::new();
    for (zip, pkg) in &packages {
        let manifest = pkg.manifest();
        let stem = format!("{}-{}", manifest.id, manifest.version);
        if apps
            .iter()
            .any(|a: &BundleEntry| a.id == manifest.id.as_str())
        {
            return Err(RuntimeError::Io {
                message: format!(
                    "`{}` is given twice; a bundle holds one version of each app",
                    manifest.id
                ),
                kind: std::io::ErrorKind::InvalidInput,
            });
        }
        let package = format!("packages/{stem}.zip");
        crate::fsutil::write_file_atomic(&out.join(&package), zip)?;
        let (artifact, artifact_sha256) = if manifest.is_component() {
            miniapp_package::imports::check_component_imports(
                pkg.entry_point_bytes(),
                &manifest.permissions,
            )?;
            let bytes = wasmtime
                .precompile_component(pkg.entry_point_bytes())
                .map_err(|e| RuntimeError::CompileFailed(format!("{e:#}")))?;
            let name = format!("artifacts/{stem}.cwasm");
            crate::fsutil::write_file_atomic(&out.join(&name), &bytes)?;
            (Some(name), Some(sha256_hex(&bytes)))
        } else {
            (None, None)
        };
        apps.push(BundleEntry {
            id: manifest.id.to_string(),
            version: manifest.version.clone(),
            package,
            package_sha256: sha256_hex(zip),
            artifact,
            artifact_sha256,
        });
    }
    let index = BundleIndex {
        format: FORMAT,
        target: target.to_string(),
        engine: backend.as_str().to_string(),
        engine_target,
        runtime_version: env!("CARGO_PKG_VERSION").to_string(),
        apps,
    };
    let bytes = serde_json::to_vec_pretty(&index).expect("serializes");
    let index_sha256 = sha256_hex(&bytes);
    crate::fsutil::write_file_atomic(&out.join(INDEX_FILE), &bytes)?;
    crate::fsutil::write_file_atomic(
        &out.join(INDEX_DIGEST_FILE),
        format!("{index_sha256}\n").as_bytes(),
    )?;
    Ok(BundleSummary {
        index,
        index_sha256,
    })
}

/// A bundle app that passed every check, ready to install.
struct Checked {
    pkg: VerifiedPackage,
    artifact: Option<(wasmtime::component::Component, Vec<u8>)>,
}

impl Runtime {
    /// Installs every app of the bundle at `dir`, whose `index.json` must have the sha256
    /// `pinned_index_sha256` (compiled into the host). Checks everything first (index digest,
    /// target, engine, each file's digest, each package's signature, each artifact's engine);
    /// installs nothing if any check fails. Needs no compiler. Bundled apps are part of the host's
    /// binary, so the code-update policy does not apply to them. Call it at each start: an app
    /// already installed from the bundle is unchanged (its artifact is added if this engine lacks
    /// one, after a host update); an app whose active version is newer is skipped (not returned).
    pub fn install_bundle(
        &self,
        dir: &Path,
        pinned_index_sha256: &str,
    ) -> Result<Vec<InstallOutcome>, RuntimeError> {
        let result = self.check_bundle(dir, pinned_index_sha256);
        let checked = match result {
            Ok(c) => c,
            Err(e) => {
                self.audit_refusal(None, &e);
                return Err(e);
            }
        };
        let store = self.install_store();
        let mut outcomes = Vec::new();
        for app in checked {
            let id = app.pkg.manifest().id.clone();
            // A newer version came over the air (a web app under `web-only`): keep it.
            let active = store.versions(&id)?.active;
            if active
                .as_ref()
                .is_some_and(|a| a > &app.pkg.manifest().version)
            {
                self.audit(
                    "bundle_skipped",
                    Some(&id),
                    serde_json::json!({"bundled": app.pkg.manifest().version.to_string(), "active": active.map(|a| a.to_string())}),
                );
                continue;
            }
            let outcome = match &app.artifact {
                Some((component, bytes)) => {
                    store.install_precompiled(&app.pkg, component.clone(), bytes)
                }
                None => store.install(&app.pkg),
            };
            match &outcome {
                Ok(o) => self.audit(
                    "install",
                    Some(&id),
                    serde_json::json!({"version": o.app.version.to_string(), "digest": o.app.package_digest, "changed": o.changed, "from": "bundle"}),
                ),
                Err(e) => self.audit_refusal(Some(&id), e),
            }
            self.forget(&id);
            outcomes.push(outcome?);
        }
        Ok(outcomes)
    }

    fn check_bundle(&self, dir: &Path, pinned: &str) -> Result<Vec<Checked>, RuntimeError> {
        let file = std::fs::File::open(dir.join(INDEX_FILE))
            .map_err(|e| BundleError::Invalid(format!("{INDEX_FILE}: {e}")))?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_INDEX_BYTES + 1),
            &mut bytes,
        )
        .map_err(|e| BundleError::Invalid(format!("{INDEX_FILE}: {e}")))?;
        if bytes.len() as u64 > MAX_INDEX_BYTES {
            return Err(BundleError::Invalid(format!("{INDEX_FILE} is larger than 1 MiB")).into());
        }
        let actual = sha256_hex(&bytes);
        if !actual.eq_ignore_ascii_case(pinned.trim()) {
            return Err(BundleError::IndexChanged {
                expected: pinned.trim().to_string(),
                actual,
            }
            .into());
        }
        let index: BundleIndex = serde_json::from_slice(&bytes)
            .map_err(|e| BundleError::Invalid(format!("{INDEX_FILE}: {e}")))?;
        if index.format != FORMAT {
            return Err(BundleError::Invalid(format!(
                "format {} (this runtime reads {FORMAT})",
                index.format
            ))
            .into());
        }
        let backend = self.engine_report().backend;
        if index.engine != backend.as_str() {
            return Err(BundleError::EngineUnavailable {
                bundle: index.engine.clone(),
                runtime: backend.as_str().to_string(),
            }
            .into());
        }
        let here = crate::engine::host_triple();
        if index.target != here || index.engine_target != target_name(backend) {
            return Err(BundleError::TargetMismatch {
                bundle: index.target.clone(),
                runtime: here,
            }
            .into());
        }
        let mut checked = Vec::new();
        for entry in &index.apps {
            let zip = read_bounded(dir, &entry.package)?;
            if sha256_hex(&zip) != entry.package_sha256 {
                return Err(BundleError::IndexMismatch(format!(
                    "{} has another digest than its entry",
                    entry.package
                ))
                .into());
            }
            let pkg = self.verify_package(&zip)?;
            let manifest = pkg.manifest();
            if manifest.id.as_str() != entry.id || manifest.version != entry.version {
                return Err(BundleError::IndexMismatch(format!(
                    "{} holds {} {}, its entry names {} {}",
                    entry.package, manifest.id, manifest.version, entry.id, entry.version
                ))
                .into());
            }
            let artifact =
                match (
                    &entry.artifact,
                    &entry.artifact_sha256,
                    manifest.is_component(),
                ) {
                    (Some(name), Some(digest), true) => {
                        let bytes = read_bounded(dir, name)?;
                        if &sha256_hex(&bytes) != digest {
                            return Err(BundleError::ArtifactTampered(name.clone()).into());
                        }
                        let component = crate::artifacts::deserialize(self.engine(), &bytes)
                            .map_err(|e| BundleError::EngineMismatch {
                                artifact: name.clone(),
                                reason: e.to_string(),
                            })?;
                        Some((component, bytes))
                    }
                    (None, None, false) => None,
                    _ => {
                        return Err(BundleError::IndexMismatch(format!(
                            "the entry of `{}` {} an artifact, and the package is {}",
                            entry.id,
                            if entry.artifact.is_some() {
                                "names"
                            } else {
                                "lacks"
                            },
                            if manifest.is_component() {
                                "a component"
                            } else {
                                "a web mini-program"
                            }
                        ))
                        .into());
                    }
                };
            checked.push(Checked { pkg, artifact });
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulley_targets_follow_pointer_width_and_byte_order() {
        assert_eq!(
            engine_target("aarch64-apple-ios", Backend::Pulley),
            "pulley64"
        );
        assert_eq!(
            engine_target("aarch64-linux-android", Backend::Pulley),
            "pulley64"
        );
        assert_eq!(
            engine_target("armv7-linux-androideabi", Backend::Pulley),
            "pulley32"
        );
        assert_eq!(
            engine_target("aarch64-apple-ios", Backend::Cranelift),
            "aarch64-apple-ios"
        );
        assert_eq!(
            target_name(Backend::Pulley),
            engine_target(&crate::engine::host_triple(), Backend::Pulley)
        );
    }

    #[test]
    fn entries_name_files_inside_the_bundle_only() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/passwd", "a//b", "", "a\\b"] {
            let e = read_bounded(dir.path(), bad).unwrap_err();
            assert_eq!(e.code(), "BUNDLE_INVALID", "{bad}");
        }
    }
}
