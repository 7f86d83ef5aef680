//! The one helper for writes that must survive a crash: temp file in the same directory →
//! fsync → rename → fsync the directory. Readers see the old bytes or the new ones, never half.

use std::io::{self, Write};

use cap_std::fs::Dir;
use rand::Rng;

/// Prefix of temp files; anything carrying it is debris of a crash and may be removed.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

/// Atomically replaces `name` in `dir` with `bytes`.
pub(crate) fn write_atomic(dir: &Dir, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = format!("{TEMP_PREFIX}{:016x}", rand::thread_rng().r#gen::<u64>());
    let result = (|| {
        let mut file = dir.create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        dir.rename(&tmp, dir, name)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = dir.remove_file(&tmp);
    }
    result
}

/// [`write_atomic`] for a path, creating its parent directories: for tools outside a home
/// (the marketplace tree written by `miniapp publish`).
pub fn write_file_atomic(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    std::fs::create_dir_all(parent)?;
    let dir = Dir::open_ambient_dir(parent, cap_std::ambient_authority())?;
    write_atomic(&dir, name, bytes)
}

/// Makes a rename or removal in `dir` durable.
pub(crate) fn sync_dir(dir: &Dir) -> io::Result<()> {
    dir.open(".")?.sync_all()
}

/// Removes leftover temp files of an interrupted write.
pub(crate) fn remove_temp_files(dir: &Dir) -> io::Result<usize> {
    let mut removed = 0;
    for entry in dir.entries()? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            if entry.file_type()?.is_dir() {
                dir.remove_dir_all(entry.file_name())?;
            } else {
                dir.remove_file(entry.file_name())?;
            }
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cap_std::ambient_authority;

    #[test]
    fn replaces_atomically_and_cleans_debris() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Dir::open_ambient_dir(tmp.path(), ambient_authority()).unwrap();
        write_atomic(&dir, "a", b"one").unwrap();
        write_atomic(&dir, "a", b"two").unwrap();
        assert_eq!(dir.read("a").unwrap(), b"two");
        dir.write(format!("{TEMP_PREFIX}crashed"), b"half").unwrap();
        assert_eq!(remove_temp_files(&dir).unwrap(), 1);
        let names: Vec<_> = dir
            .entries()
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a")]);
    }
}
