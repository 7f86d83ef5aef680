//! Precompiled artifacts: their file stamps and their loading. The one file of the runtime that
//! holds `unsafe` (wasmtime's deserialization trusts its input); every other module is under the
//! crate's `deny(unsafe_code)` with no exception.
#![allow(unsafe_code)]

use std::io;
use std::path::Path;

use cap_std::fs::Dir;
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::RuntimeError;

/// A file's identity: device, inode, ctime (to the nanosecond) and size. `None` where the
/// platform does not expose them (then the digest is always checked).
pub(crate) fn file_stamp(file: &std::fs::File) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = file.metadata().ok()?;
        Some(format!(
            "{}:{}:{}.{:09}:{}",
            m.dev(),
            m.ino(),
            m.ctime(),
            m.ctime_nsec(),
            m.size()
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

pub(crate) fn artifact_stamp(dir: &Dir, name: &str) -> Option<String> {
    file_stamp(&dir.open(name).ok()?.into_std())
}

/// Reads a file and then takes its stamp from the same open file: a change made before or
/// during the read shows in the stamp.
pub(crate) fn read_with_stamp(dir: &Dir, name: &str) -> io::Result<(Vec<u8>, Option<String>)> {
    use std::io::Read;
    let mut file = dir.open(name)?.into_std();
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let stamp = file_stamp(&file);
    Ok((bytes, stamp))
}

/// Maps a precompiled component from its file (no copy; pages load as they are used).
pub(crate) fn deserialize_mapped(engine: &Engine, path: &Path) -> Result<Component, RuntimeError> {
    // SAFETY: the file is an artifact this store wrote with `Component::serialize` for an engine
    // of the same compatibility key (it lives under `cache/<key>/`), and its (device, inode,
    // ctime, size) stamp equals the one recorded when it was written, before and after the
    // mapping, so it is the file the runtime wrote. The runtime never writes an artifact in place
    // (`write_atomic` makes a new inode), so the mapped pages only change if someone outside the
    // runtime writes into this home — the actor the digest and stamp checks guard against at load
    // time; a mapping cannot keep that guarantee after loading, and that is the trade accepted
    // for not copying big artifacts (see docs/threat-model.md, T18).
    unsafe { Component::deserialize_file(engine, path) }
        .map_err(|e| RuntimeError::CompileFailed(format!("loading the precompiled artifact: {e}")))
}

/// Deserializes a precompiled component.
pub(crate) fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Component, RuntimeError> {
    // SAFETY: `bytes` is an artifact this store wrote with `Component::serialize` for an engine of
    // the same compatibility key (it lives under `cache/<key>/`), and its sha256 was just checked
    // against the install record, so it is not attacker-modified on disk; or it is a bundle's
    // artifact whose sha256 was checked against the bundle index, whose own digest the host
    // pinned in its (code-signed) binary, and `miniapp bundle` wrote it with wasmtime.
    unsafe { Component::deserialize(engine, bytes) }
        .map_err(|e| RuntimeError::CompileFailed(format!("loading the precompiled artifact: {e}")))
}
