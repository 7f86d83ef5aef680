//! The simulator's way in (cargo feature `dev`, enabled by `miniapp-devtools` only): a
//! [`DevPackage`] is a mini-program read from its source dir, never a package, and nothing about
//! it is signature-checked. [`Runtime::dev_context`] and [`Runtime::dev_load`] take one.
//!
//! [`Runtime::dev_context`]: crate::Runtime::dev_context
//! [`Runtime::dev_load`]: crate::Runtime::dev_load

use std::path::{Path, PathBuf};

use miniapp_package::{MANIFEST_PATH, Manifest, PackageError};

use crate::RuntimeError;

/// A mini-program from its source dir: its `manifest.json` and, for a component app, the
/// component's bytes. Only a source dir makes one ([`DevPackage::from_source_dir`],
/// [`DevPackage::from_crate_build`]); a host that verifies packages has no use for it.
#[derive(Debug, Clone)]
pub struct DevPackage {
    dir: PathBuf,
    manifest: Manifest,
    component: Option<Vec<u8>>,
}

impl DevPackage {
    /// Reads `dir/manifest.json` and, when its entry point is a component (`*.wasm`), the
    /// component at that path (built by another toolchain: componentize-py, jco, …).
    pub fn from_source_dir(dir: &Path) -> Result<DevPackage, RuntimeError> {
        let manifest = read_manifest(dir)?;
        let component = if manifest.is_component() {
            Some(read(&dir.join(&manifest.entry_point))?)
        } else {
            None
        };
        Ok(DevPackage {
            dir: dir.to_owned(),
            manifest,
            component,
        })
    }

    /// Reads `dir/manifest.json` and the component a build of the crate in `dir` made at
    /// `component` (the source dir's entry point does not exist yet for a crate).
    pub fn from_crate_build(dir: &Path, component: &Path) -> Result<DevPackage, RuntimeError> {
        let manifest = read_manifest(dir)?;
        if !manifest.is_component() {
            return Err(RuntimeError::CompileFailed(format!(
                "`{}` is a web mini-program (entryPoint {})",
                manifest.id, manifest.entry_point
            )));
        }
        Ok(DevPackage {
            dir: dir.to_owned(),
            component: Some(read(component)?),
            manifest,
        })
    }

    /// Only the manifest of the source dir: what a web app's bridge context needs (no component
    /// is read, even when the manifest names one).
    pub fn manifest_of(dir: &Path) -> Result<DevPackage, RuntimeError> {
        Ok(DevPackage {
            dir: dir.to_owned(),
            manifest: read_manifest(dir)?,
            component: None,
        })
    }

    /// The source dir it was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The component's bytes; `None` for a web app (or one read with [`DevPackage::manifest_of`]).
    pub fn component(&self) -> Option<&[u8]> {
        self.component.as_deref()
    }
}

fn read_manifest(dir: &Path) -> Result<Manifest, RuntimeError> {
    let bytes = read(&dir.join(MANIFEST_PATH))?;
    Manifest::from_json(&bytes).map_err(|e| RuntimeError::Package(PackageError::from(e)))
}

fn read(path: &Path) -> Result<Vec<u8>, RuntimeError> {
    std::fs::read(path)
        .map_err(|e| RuntimeError::io(format_args!("reading {}", path.display()), &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPONENT_MANIFEST: &str = r#"{"id":"com.acme.x","version":"0.1.0","minHostVersion":"1.0.0","entryPoint":"app.wasm","permissions":["storage"]}"#;

    #[test]
    fn a_source_dir_gives_its_manifest_and_component() {
        let dir = tempfile::tempdir().unwrap();
        let e = DevPackage::from_source_dir(dir.path()).unwrap_err();
        assert_eq!(e.code(), "IO");
        std::fs::write(dir.path().join("manifest.json"), COMPONENT_MANIFEST).unwrap();
        assert_eq!(
            DevPackage::from_source_dir(dir.path()).unwrap_err().code(),
            "IO",
            "the entry point is missing"
        );
        std::fs::write(dir.path().join("app.wasm"), b"bytes").unwrap();
        let p = DevPackage::from_source_dir(dir.path()).unwrap();
        assert_eq!(p.manifest().id.as_str(), "com.acme.x");
        assert_eq!(p.component(), Some(&b"bytes"[..]));
        assert_eq!(
            DevPackage::manifest_of(dir.path()).unwrap().component(),
            None
        );

        std::fs::write(dir.path().join("manifest.json"), "{").unwrap();
        let e = DevPackage::manifest_of(dir.path()).unwrap_err();
        assert_eq!(e.code(), "MANIFEST_INVALID");
    }
}
