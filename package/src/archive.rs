//! A bounded, safe read of a package zip into memory.
//!
//! Nothing here trusts the archive: names are checked before anything is decompressed, sizes
//! declared in headers are only used to refuse early, and every entry is decompressed through a
//! [`Read::take`] cap so that a lying header cannot make us inflate more than the limits allow.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::{Cursor, Read};

use zip::CompressionMethod;
use zip::ZipArchive;

use crate::error::PackageError;

/// Limits applied by [`Archive::open_with`]. [`Default`] gives the limits of [`Archive::open`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries (files and directories) in the archive. Default 1,000.
    pub max_entries: usize,
    /// Most bytes of all entries once decompressed. Default 64 MiB.
    pub max_total_bytes: u64,
    /// Most bytes of one entry once decompressed. Default 32 MiB.
    pub max_entry_bytes: u64,
    /// Largest decompressed:compressed ratio, for each entry and for the whole archive (whose
    /// compressed size is the length of the zip). Default 100.
    pub max_ratio: u64,
    /// Entries (and archives) that decompress to at most this many bytes are exempt from the
    /// ratio rule: small text files compress well and cannot be bombs. Default 64 KiB.
    pub ratio_grace_bytes: u64,
    /// Longest entry name, in bytes. Default 512.
    pub max_path_bytes: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_entries: 1_000,
            max_total_bytes: 64 * 1024 * 1024,
            max_entry_bytes: 32 * 1024 * 1024,
            max_ratio: 100,
            ratio_grace_bytes: 64 * 1024,
            max_path_bytes: 512,
        }
    }
}

/// The safety rule an archive entry breaks. Carried by [`PackageError::UnsafeArchive`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsafeArchiveRule {
    /// A `..` path component.
    ParentComponent,
    /// A name starting with `/`.
    AbsolutePath,
    /// A `\` in a name (a path separator on Windows).
    Backslash,
    /// A `:` in a name: a drive (`C:`) on Windows, or an alternate data stream.
    DrivePath,
    /// A NUL, another control character, or a bidirectional-text override in a name.
    ControlCharacter,
    /// An empty name, an empty component (`a//b`) or a `.` component (`a/./b`): such names have
    /// several spellings for one path.
    EmptyOrDotComponent,
    /// A name that is not UTF-8.
    NotUtf8,
    /// A name longer than the limit, in bytes.
    PathTooLong { limit: usize },
    /// A symbolic link entry.
    Symlink,
    /// A device, FIFO or socket entry, or a type that contradicts the name.
    SpecialFile,
    /// A name that appears twice, compared exactly or ignoring case (iOS and macOS file
    /// systems ignore case). `other` is the first spelling seen.
    DuplicateName { other: String },
    /// A file whose name is also used as a directory by another entry (`a` and `a/b`).
    FileIsAlsoDirectory { other: String },
    /// A name reserved for the package's own metadata (`manifest.json`, `partner.json`) used
    /// for a file of the package's contents.
    ReservedName,
    /// More entries than the limit; the entry named is the first one past it.
    TooManyEntries { limit: usize },
    /// An entry larger than the limit once decompressed.
    EntryTooLarge { limit: u64 },
    /// All entries together larger than the limit once decompressed; the entry named is the one
    /// that crossed it.
    TotalTooLarge { limit: u64 },
    /// An entry that decompresses to more than `limit` times its compressed size.
    CompressionRatio { limit: u64 },
    /// The archive decompresses to more than `limit` times its own length; the entry named is
    /// the one that crossed it.
    ArchiveCompressionRatio { limit: u64 },
}

impl fmt::Display for UnsafeArchiveRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use UnsafeArchiveRule::*;
        match self {
            ParentComponent => f.write_str("`..` path components are not allowed"),
            AbsolutePath => f.write_str("absolute paths are not allowed"),
            Backslash => f.write_str("backslashes are not allowed in names"),
            DrivePath => f.write_str("`:` (a drive letter or stream name) is not allowed in names"),
            ControlCharacter => f.write_str("control characters are not allowed in names"),
            EmptyOrDotComponent => {
                f.write_str("empty names, empty components and `.` components are not allowed")
            }
            NotUtf8 => f.write_str("names must be UTF-8"),
            PathTooLong { limit } => write!(f, "names are limited to {limit} bytes"),
            Symlink => f.write_str("symbolic links are not allowed"),
            SpecialFile => f.write_str("only regular files and directories are allowed"),
            DuplicateName { other } => write!(
                f,
                "it duplicates `{other}` (names are compared ignoring case)"
            ),
            FileIsAlsoDirectory { other } => {
                write!(f, "it is a file but `{other}` uses it as a directory")
            }
            ReservedName => f.write_str("this name is reserved for package metadata"),
            TooManyEntries { limit } => write!(f, "archives are limited to {limit} entries"),
            EntryTooLarge { limit } => {
                write!(f, "entries are limited to {limit} bytes decompressed")
            }
            TotalTooLarge { limit } => {
                write!(
                    f,
                    "archives are limited to {limit} bytes decompressed in all"
                )
            }
            CompressionRatio { limit } => write!(
                f,
                "it decompresses to more than {limit} times its compressed size (a zip bomb?)"
            ),
            ArchiveCompressionRatio { limit } => write!(
                f,
                "the archive decompresses to more than {limit} times its own size (a zip bomb?)"
            ),
        }
    }
}

/// The decompressed entries of a package zip that passed every rule of [`ArchiveLimits`] and
/// of [`check_entry_name`]. Directory entries are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    entries: BTreeMap<String, Vec<u8>>,
    archive_bytes_len: usize,
}

impl Archive {
    /// Reads a zip with the default [`ArchiveLimits`].
    pub fn open(bytes: &[u8]) -> Result<Archive, PackageError> {
        Archive::open_with(bytes, &ArchiveLimits::default())
    }

    /// Reads a zip, refusing it with `UNSAFE_ARCHIVE` if any entry breaks a rule and with
    /// `ARCHIVE_INVALID` if it cannot be read.
    pub fn open_with(bytes: &[u8], limits: &ArchiveLimits) -> Result<Archive, PackageError> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid(e.to_string()))?;

        if zip.has_duplicate_names() {
            let entry = find_duplicate_name(bytes, zip.central_directory_start())
                .unwrap_or_else(|| "(unknown)".to_owned());
            return Err(unsafe_entry(
                entry.as_bytes(),
                UnsafeArchiveRule::DuplicateName {
                    other: entry.clone(),
                },
            ));
        }
        if zip.len() > limits.max_entries {
            let name = zip
                .by_index_data(limits.max_entries)
                .map(|e| e.name_raw().to_vec())
                .unwrap_or_default();
            return Err(unsafe_entry(
                &name,
                UnsafeArchiveRule::TooManyEntries {
                    limit: limits.max_entries,
                },
            ));
        }

        // Pass 1: names, types and declared sizes, before decompressing anything.
        let mut names = EntryNames::default();
        let mut files: Vec<(usize, String)> = Vec::new();
        let mut declared_total: u64 = 0;
        for index in 0..zip.len() {
            let entry = zip
                .by_index_data(index)
                .map_err(|e| invalid(e.to_string()))?;
            let raw = entry.name_raw();
            let name = std::str::from_utf8(raw)
                .map_err(|_| unsafe_entry(raw, UnsafeArchiveRule::NotUtf8))?;
            let (path, is_dir) = match name.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (name, false),
            };
            check_entry_name(path, limits).map_err(|rule| unsafe_entry(raw, rule))?;
            check_entry_type(entry.unix_mode(), is_dir).map_err(|rule| unsafe_entry(raw, rule))?;
            if entry.encrypted() {
                return Err(invalid(format!("entry `{}` is encrypted", escape(raw))));
            }
            if is_dir {
                continue;
            }
            let method = entry.compression();
            if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
                return Err(invalid(format!(
                    "entry `{}` uses compression {method}; only stored and deflate are supported",
                    escape(raw)
                )));
            }
            if entry.compressed_size() > bytes.len() as u64 {
                return Err(invalid(format!(
                    "entry `{}` claims {} compressed bytes, more than the whole archive",
                    escape(raw),
                    entry.compressed_size()
                )));
            }
            if entry.size() > limits.max_entry_bytes {
                return Err(unsafe_entry(
                    raw,
                    UnsafeArchiveRule::EntryTooLarge {
                        limit: limits.max_entry_bytes,
                    },
                ));
            }
            declared_total = declared_total.saturating_add(entry.size());
            if declared_total > limits.max_total_bytes {
                return Err(unsafe_entry(
                    raw,
                    UnsafeArchiveRule::TotalTooLarge {
                        limit: limits.max_total_bytes,
                    },
                ));
            }
            names.insert(path).map_err(|rule| unsafe_entry(raw, rule))?;
            files.push((index, path.to_owned()));
        }
        names.check_file_directory_conflicts()?;

        // Pass 2: decompress, each entry capped by whichever limit is tightest. Declared sizes
        // were checked above, and the zip reader refuses to inflate past a declared size, so the
        // size caps are a second line; the ratio caps are the first.
        let archive_ratio_budget = limits
            .ratio_grace_bytes
            .max(limits.max_ratio.saturating_mul(bytes.len() as u64));
        let mut total: u64 = 0;
        let mut entries = BTreeMap::new();
        for (index, path) in files {
            let file = zip.by_index(index).map_err(|e| invalid(e.to_string()))?;
            let declared = file.size();
            let entry_ratio_budget = limits
                .ratio_grace_bytes
                .max(limits.max_ratio.saturating_mul(file.compressed_size()));
            let (cap, rule) = [
                (
                    limits.max_entry_bytes,
                    UnsafeArchiveRule::EntryTooLarge {
                        limit: limits.max_entry_bytes,
                    },
                ),
                (
                    limits.max_total_bytes.saturating_sub(total),
                    UnsafeArchiveRule::TotalTooLarge {
                        limit: limits.max_total_bytes,
                    },
                ),
                (
                    entry_ratio_budget,
                    UnsafeArchiveRule::CompressionRatio {
                        limit: limits.max_ratio,
                    },
                ),
                (
                    archive_ratio_budget.saturating_sub(total),
                    UnsafeArchiveRule::ArchiveCompressionRatio {
                        limit: limits.max_ratio,
                    },
                ),
            ]
            .into_iter()
            .min_by_key(|(cap, _)| *cap)
            .expect("four candidates");

            // Pre-allocate from the declared size, but never more than the cap or 1 MiB.
            let mut data = Vec::with_capacity(declared.min(cap).min(1 << 20) as usize);
            file.take(cap.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|e| invalid(format!("entry `{path}`: {e}")))?;
            if data.len() as u64 > cap {
                return Err(unsafe_entry(path.as_bytes(), rule));
            }
            if data.len() as u64 != declared {
                return Err(invalid(format!(
                    "entry `{path}` holds {} bytes but its header declares {declared}",
                    data.len()
                )));
            }
            total += data.len() as u64;
            entries.insert(path, data);
        }

        Ok(Archive {
            entries,
            archive_bytes_len: bytes.len(),
        })
    }

    /// The decompressed bytes of the file at `path` (no leading `/`).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.entries.get(path).map(Vec::as_slice)
    }

    /// Every file path, sorted by bytes.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Number of files (directory entries are not counted).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the archive holds no file.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every file, by path.
    pub fn entries(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.entries
    }

    /// Length in bytes of the zip this was read from.
    pub fn archive_bytes_len(&self) -> usize {
        self.archive_bytes_len
    }
}

/// Checks one entry name (of a file, or of a directory without its trailing `/`) against the
/// name rules. [`Archive::open`] and [`crate::pack()`] both use it, so `pack` never writes a name
/// that `open` refuses.
pub fn check_entry_name(path: &str, limits: &ArchiveLimits) -> Result<(), UnsafeArchiveRule> {
    if path.len() > limits.max_path_bytes {
        return Err(UnsafeArchiveRule::PathTooLong {
            limit: limits.max_path_bytes,
        });
    }
    if path.chars().any(is_forbidden_char) {
        return Err(UnsafeArchiveRule::ControlCharacter);
    }
    if path.contains('\\') {
        return Err(UnsafeArchiveRule::Backslash);
    }
    if path.starts_with('/') {
        return Err(UnsafeArchiveRule::AbsolutePath);
    }
    if path.contains(':') {
        return Err(UnsafeArchiveRule::DrivePath);
    }
    for component in path.split('/') {
        match component {
            ".." => return Err(UnsafeArchiveRule::ParentComponent),
            "" | "." => return Err(UnsafeArchiveRule::EmptyOrDotComponent),
            _ => {}
        }
    }
    Ok(())
}

/// NUL and other control characters, and the bidirectional overrides that can make a name
/// display as another one.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Only regular files and directories: the file type bits of the unix mode, when present, must
/// agree with the name (directories end in `/`).
fn check_entry_type(unix_mode: Option<u32>, is_dir: bool) -> Result<(), UnsafeArchiveRule> {
    const S_IFMT: u32 = 0o170000;
    const S_IFLNK: u32 = 0o120000;
    const S_IFREG: u32 = 0o100000;
    const S_IFDIR: u32 = 0o040000;
    let kind = unix_mode.unwrap_or(0) & S_IFMT;
    match kind {
        S_IFLNK => Err(UnsafeArchiveRule::Symlink),
        0 => Ok(()),
        S_IFREG if !is_dir => Ok(()),
        S_IFDIR if is_dir => Ok(()),
        _ => Err(UnsafeArchiveRule::SpecialFile),
    }
}

/// File names seen so far, folded to lower case, for the duplicate and file/directory rules.
#[derive(Default)]
pub(crate) struct EntryNames {
    files: HashMap<String, String>,
}

impl EntryNames {
    /// Records a file path; refuses one equal, ignoring case, to a file seen before.
    pub(crate) fn insert(&mut self, path: &str) -> Result<(), UnsafeArchiveRule> {
        let folded = path.to_lowercase();
        if let Some(other) = self.files.get(&folded) {
            return Err(UnsafeArchiveRule::DuplicateName {
                other: other.clone(),
            });
        }
        self.files.insert(folded, path.to_owned());
        Ok(())
    }

    /// Refuses a file `a` next to a file `a/b` (compared ignoring case): such a package cannot
    /// be extracted.
    pub(crate) fn check_file_directory_conflicts(&self) -> Result<(), PackageError> {
        let folded: HashSet<&str> = self.files.keys().map(String::as_str).collect();
        // Sorted so that the error names the same entry on every run.
        let mut sorted: Vec<(&String, &String)> = self.files.iter().collect();
        sorted.sort();
        for (folded_path, original) in sorted {
            for (i, _) in folded_path.match_indices('/') {
                let parent = &folded_path[..i];
                if folded.contains(parent) {
                    return Err(unsafe_entry(
                        self.files[parent].as_bytes(),
                        UnsafeArchiveRule::FileIsAlsoDirectory {
                            other: original.clone(),
                        },
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Finds a name listed twice in the central directory, for the error message only (the zip
/// reader keeps one entry per name, so it cannot tell us which). Best effort: `None` when the
/// directory cannot be walked.
fn find_duplicate_name(bytes: &[u8], central_directory_start: u64) -> Option<String> {
    const SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let mut pos = usize::try_from(central_directory_start).ok()?;
    let mut seen = HashSet::new();
    while bytes.get(pos..pos + 4)? == SIGNATURE {
        let u16_at = |at: usize| -> Option<usize> {
            let b = bytes.get(pos + at..pos + at + 2)?;
            Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let (name_len, extra_len, comment_len) = (u16_at(28)?, u16_at(30)?, u16_at(32)?);
        let name = bytes.get(pos + 46..pos + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(escape(name));
        }
        pos += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// An entry name for a message: lossy UTF-8 with control characters escaped.
fn escape(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .chars()
        .map(|c| {
            if is_forbidden_char(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn unsafe_entry(raw_name: &[u8], rule: UnsafeArchiveRule) -> PackageError {
    PackageError::UnsafeArchive {
        entry: escape(raw_name),
        rule,
    }
}

fn invalid(reason: String) -> PackageError {
    PackageError::ArchiveInvalid { reason }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::{DateTime, ZipWriter};

    use super::*;

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            if let Some(dir) = name.strip_suffix('/') {
                w.add_directory(dir, options()).unwrap();
            } else {
                w.start_file(*name, options()).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    fn rule_of(result: Result<Archive, PackageError>) -> UnsafeArchiveRule {
        match result {
            Err(PackageError::UnsafeArchive { rule, .. }) => rule,
            other => panic!("expected UNSAFE_ARCHIVE, got {other:?}"),
        }
    }

    #[test]
    fn reads_files_and_skips_directories() {
        let bytes = zip_of(&[
            ("assets/", b""),
            ("assets/a.txt", b"hello"),
            ("app.wasm", b"\0asm"),
        ]);
        let archive = Archive::open(&bytes).unwrap();
        assert_eq!(
            archive.paths().collect::<Vec<_>>(),
            ["app.wasm", "assets/a.txt"]
        );
        assert_eq!(archive.get("assets/a.txt"), Some(&b"hello"[..]));
        assert_eq!(archive.get("assets"), None);
        assert_eq!(archive.len(), 2);
        assert_eq!(archive.archive_bytes_len(), bytes.len());
    }

    #[test]
    fn each_name_rule_refuses_its_shape() {
        let cases: [(&str, UnsafeArchiveRule); 10] = [
            ("../x", UnsafeArchiveRule::ParentComponent),
            ("a/../../x", UnsafeArchiveRule::ParentComponent),
            ("/abs", UnsafeArchiveRule::AbsolutePath),
            ("a\\b", UnsafeArchiveRule::Backslash),
            ("C:/x", UnsafeArchiveRule::DrivePath),
            ("a.txt:stream", UnsafeArchiveRule::DrivePath),
            ("a\0b", UnsafeArchiveRule::ControlCharacter),
            ("a\u{202e}txt.exe", UnsafeArchiveRule::ControlCharacter),
            ("a/./b", UnsafeArchiveRule::EmptyOrDotComponent),
            ("a//b", UnsafeArchiveRule::EmptyOrDotComponent),
        ];
        for (name, want) in cases {
            let bytes = zip_of(&[("ok.txt", b"x"), (name, b"y")]);
            let err = Archive::open(&bytes).unwrap_err();
            assert_eq!(err.code(), "UNSAFE_ARCHIVE", "{name}");
            assert!(err.to_string().contains(&escape(name.as_bytes())), "{err}");
            assert_eq!(rule_of(Err(err)), want, "{name}");
        }
    }

    #[test]
    fn names_that_are_not_utf8_are_refused() {
        let bytes = zip_of(&[("aX.txt", b"x")]);
        let patched = replace_all(&bytes, b"aX.txt", b"a\xff.txt");
        let err = Archive::open(&patched).unwrap_err();
        assert_eq!(
            err,
            PackageError::UnsafeArchive {
                entry: "a\u{fffd}.txt".into(),
                rule: UnsafeArchiveRule::NotUtf8
            }
        );
    }

    #[test]
    fn directory_entries_are_checked_too() {
        let bytes = zip_of(&[("../evil/", b"")]);
        assert_eq!(
            rule_of(Archive::open(&bytes)),
            UnsafeArchiveRule::ParentComponent
        );
    }

    #[test]
    fn long_names_are_refused() {
        let long = "a".repeat(513);
        let bytes = zip_of(&[(&long, b"x")]);
        assert_eq!(
            rule_of(Archive::open(&bytes)),
            UnsafeArchiveRule::PathTooLong { limit: 512 }
        );
        let ok = "a".repeat(512);
        assert!(Archive::open(&zip_of(&[(&ok, b"x")])).is_ok());
    }

    #[test]
    fn symlinks_and_special_files_are_refused() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.add_symlink("link", "/etc/passwd", options()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(rule_of(Archive::open(&bytes)), UnsafeArchiveRule::Symlink);

        // The writer only sets permission bits, so set the file type in the central directory.
        let plain = zip_of(&[("fifo", b"")]);
        for (mode, want) in [
            (0o010644, Some(UnsafeArchiveRule::SpecialFile)), // FIFO
            (0o020644, Some(UnsafeArchiveRule::SpecialFile)), // character device
            (0o140644, Some(UnsafeArchiveRule::SpecialFile)), // socket
            (0o040755, Some(UnsafeArchiveRule::SpecialFile)), // a directory mode on a file name
            (0o120777, Some(UnsafeArchiveRule::Symlink)),
            (0o100644, None),
        ] {
            let result = Archive::open(&set_unix_mode(&plain, mode));
            match want {
                Some(rule) => assert_eq!(rule_of(result), rule, "{mode:o}"),
                None => assert!(result.is_ok(), "{mode:o}"),
            }
        }
    }

    /// Sets "made by Unix" and the unix mode of every central directory entry.
    fn set_unix_mode(bytes: &[u8], mode: u32) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for i in 0..out.len().saturating_sub(4) {
            if out[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
                out[i + 5] = 3;
                out[i + 38..i + 42].copy_from_slice(&(mode << 16).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn case_insensitive_duplicates_are_refused() {
        let bytes = zip_of(&[("Assets/Logo.png", b"1"), ("assets/logo.png", b"2")]);
        assert_eq!(
            rule_of(Archive::open(&bytes)),
            UnsafeArchiveRule::DuplicateName {
                other: "Assets/Logo.png".into()
            }
        );
    }

    #[test]
    fn exact_duplicates_are_refused_and_named() {
        // The zip writer refuses duplicates, so rename one entry in place in the raw bytes.
        let bytes = zip_of(&[("a.txt", b"first"), ("b.txt", b"second")]);
        let patched = replace_all(&bytes, b"b.txt", b"a.txt");
        let err = Archive::open(&patched).unwrap_err();
        assert_eq!(
            err,
            PackageError::UnsafeArchive {
                entry: "a.txt".into(),
                rule: UnsafeArchiveRule::DuplicateName {
                    other: "a.txt".into()
                },
            }
        );
    }

    #[test]
    fn a_file_used_as_a_directory_is_refused() {
        let bytes = zip_of(&[("a", b"file"), ("A/b", b"nested")]);
        assert_eq!(
            rule_of(Archive::open(&bytes)),
            UnsafeArchiveRule::FileIsAlsoDirectory {
                other: "A/b".into()
            }
        );
    }

    #[test]
    fn entry_count_limit() {
        let names: Vec<String> = (0..4).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let bytes = zip_of(&entries);
        let limits = ArchiveLimits {
            max_entries: 3,
            ..ArchiveLimits::default()
        };
        let err = Archive::open_with(&bytes, &limits).unwrap_err();
        assert_eq!(
            err,
            PackageError::UnsafeArchive {
                entry: "f3".into(),
                rule: UnsafeArchiveRule::TooManyEntries { limit: 3 },
            }
        );
        let limits = ArchiveLimits {
            max_entries: 4,
            ..ArchiveLimits::default()
        };
        assert_eq!(Archive::open_with(&bytes, &limits).unwrap().len(), 4);
    }

    /// Incompressible bytes, so that size limits trip before ratio limits.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn entry_and_total_size_limits() {
        let limits = ArchiveLimits {
            max_entry_bytes: 1000,
            max_total_bytes: 1500,
            ..ArchiveLimits::default()
        };
        let a = noise(1000, 1);
        let b = noise(1001, 2);
        let c = noise(600, 3);
        assert!(Archive::open_with(&zip_of(&[("a", &a)]), &limits).is_ok());
        assert_eq!(
            rule_of(Archive::open_with(&zip_of(&[("b", &b)]), &limits)),
            UnsafeArchiveRule::EntryTooLarge { limit: 1000 }
        );
        assert_eq!(
            rule_of(Archive::open_with(
                &zip_of(&[("a", &a), ("c", &c)]),
                &limits
            )),
            UnsafeArchiveRule::TotalTooLarge { limit: 1500 }
        );
    }

    /// Rewrites the declared uncompressed size of every entry (local and central headers) to
    /// `size`, as a lying archive would.
    fn lie_about_sizes(bytes: &[u8], size: u32) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let mut i = 0;
        while i + 4 <= out.len() {
            match out[i..i + 4] {
                [0x50, 0x4b, 0x03, 0x04] => {
                    out[i + 22..i + 26].copy_from_slice(&size.to_le_bytes())
                }
                [0x50, 0x4b, 0x01, 0x02] => {
                    out[i + 24..i + 28].copy_from_slice(&size.to_le_bytes())
                }
                _ => {}
            }
            i += 1;
        }
        out
    }

    #[test]
    fn headers_that_understate_sizes_are_refused() {
        // The zip reader stops at the declared size and reports the rest as corruption; our own
        // `take` cap is a second line behind it. Either way nothing past the cap is inflated.
        let big = noise(5000, 4);
        let lying = lie_about_sizes(&zip_of(&[("big", &big)]), 10);
        let err = Archive::open(&lying).unwrap_err();
        assert_eq!(err.code(), "ARCHIVE_INVALID", "{err}");
        assert!(err.to_string().contains("`big`"), "{err}");
    }

    #[test]
    fn headers_that_overstate_sizes_are_refused() {
        let lying = lie_about_sizes(&zip_of(&[("small", b"12345")]), 6);
        let err = Archive::open(&lying).unwrap_err();
        assert_eq!(err.code(), "ARCHIVE_INVALID", "{err}");
    }

    #[test]
    fn zip_bombs_are_refused_by_ratio() {
        let zeros = vec![0u8; 1 << 20];
        let bytes = zip_of(&[("zeros", &zeros)]);
        assert!(
            bytes.len() * 100 < zeros.len(),
            "deflate should squeeze zeros"
        );
        assert_eq!(
            rule_of(Archive::open(&bytes)),
            UnsafeArchiveRule::CompressionRatio { limit: 100 }
        );
        // The same bomb whose header claims a tiny size is refused as corrupt.
        let lying = lie_about_sizes(&bytes, 1);
        assert_eq!(Archive::open(&lying).unwrap_err().code(), "ARCHIVE_INVALID");
    }

    #[test]
    fn archive_wide_ratio_counts_every_entry() {
        // Each entry is under the grace size, so only the archive-wide rule can trip.
        let limits = ArchiveLimits {
            ratio_grace_bytes: 10_000,
            max_ratio: 5,
            ..ArchiveLimits::default()
        };
        let zeros = vec![0u8; 10_000];
        let names: Vec<String> = (0..10).map(|i| format!("z{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &zeros[..])).collect();
        let bytes = zip_of(&entries);
        assert!(bytes.len() * 5 < 100_000);
        assert_eq!(
            rule_of(Archive::open_with(&bytes, &limits)),
            UnsafeArchiveRule::ArchiveCompressionRatio { limit: 5 }
        );
    }

    #[test]
    fn small_compressible_files_are_within_the_grace() {
        let text = vec![b' '; 60_000];
        assert!(Archive::open(&zip_of(&[("spaces.txt", &text)])).is_ok());
    }

    #[test]
    fn garbage_is_archive_invalid() {
        for bytes in [&b""[..], b"not a zip", b"PK\x03\x04 truncated"] {
            assert_eq!(Archive::open(bytes).unwrap_err().code(), "ARCHIVE_INVALID");
        }
        let mut bytes = zip_of(&[("a.txt", &noise(300, 5))]);
        let mid = bytes.len() / 3;
        bytes[mid] ^= 0xff;
        assert_eq!(Archive::open(&bytes).unwrap_err().code(), "ARCHIVE_INVALID");
    }

    #[test]
    fn unsupported_compression_is_archive_invalid() {
        let bytes = zip_of(&[("a.txt", b"hello")]);
        // Method 12 (bzip2) in both headers.
        let mut patched = bytes.clone();
        for i in 0..patched.len().saturating_sub(4) {
            match patched[i..i + 4] {
                [0x50, 0x4b, 0x03, 0x04] => patched[i + 8] = 12,
                [0x50, 0x4b, 0x01, 0x02] => patched[i + 10] = 12,
                _ => {}
            }
        }
        let err = Archive::open(&patched).unwrap_err();
        assert_eq!(err.code(), "ARCHIVE_INVALID", "{err}");
    }

    fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        assert_eq!(from.len(), to.len());
        let mut out = haystack.to_vec();
        let mut i = 0;
        while i + from.len() <= out.len() {
            if &out[i..i + from.len()] == from {
                out[i..i + from.len()].copy_from_slice(to);
            }
            i += 1;
        }
        out
    }
}
