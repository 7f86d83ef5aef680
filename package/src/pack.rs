//! Building a signed package zip: from a manifest and files in memory ([`pack`]) or from a
//! source directory ([`pack_dir`]).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::archive::{Archive, ArchiveLimits, EntryNames, UnsafeArchiveRule, check_entry_name};
use crate::digest;
use crate::envelope::Envelope;
use crate::error::PackageError;
use crate::keys::{self, RsaPrivateKey};
use crate::manifest::{MAX_MANIFEST_BYTES, Manifest};
use crate::partner::PartnerRecord;
use crate::verify::{check_entry_point_imports, check_partner_policy};

/// Path of the manifest inside a package.
pub const MANIFEST_PATH: &str = "manifest.json";
/// Path of the partner record inside a package.
pub const PARTNER_PATH: &str = "partner.json";
/// Path of the package signature (a DSSE envelope over the entry list) inside a package.
pub const SIGNATURE_PATH: &str = "signature.dsse.json";

/// Builds and signs a package: `manifest.json` (pretty JSON, no `signature`), `partner.json`,
/// `signature.dsse.json` (the partner's DSSE signature over the [entry list](crate::digest) of
/// every other entry, exact bytes), then `files` in path order, all deflated.
///
/// The zip is deterministic: fixed timestamps (1980-01-01) and permissions (0644), fixed order
/// and compression level; only the signature differs between two runs, because RSA-PSS salts
/// are random. Any `signature` already in `manifest` is dropped.
///
/// Refuses, before signing, what [`crate::verify()`] would refuse: names that break the archive
/// rules or use the reserved `manifest.json`/`partner.json` (`UNSAFE_ARCHIVE`), a missing entry
/// point (`ENTRY_POINT_MISSING`), an id outside the partner's namespace or a permission it does
/// not allow, and a `partner_key` that is not the key of `partner` (`KEY_INVALID`). The result
/// is then opened with [`Archive::open`], so the limits on sizes and ratios hold too.
pub fn pack(
    manifest: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    partner: &PartnerRecord,
    partner_key: &RsaPrivateKey,
) -> Result<Vec<u8>, PackageError> {
    check_file_names(files)?;
    if !files.contains_key(&manifest.entry_point) {
        return Err(PackageError::EntryPointMissing {
            entry_point: manifest.entry_point.clone(),
        });
    }
    let record_key = keys::public_key_from_pem(&partner.public_key)?;
    if record_key != partner_key.to_public_key() {
        return Err(PackageError::KeyInvalid {
            reason: format!(
                "the signing key is not the key in the partner record of `{}` (fingerprint {})",
                partner.partner,
                keys::public_key_fingerprint(&record_key)
            ),
        });
    }
    check_partner_policy(manifest, partner)?;
    check_entry_point_imports(manifest, files)?;

    let partner_json = partner.to_json_pretty().into_bytes();
    let unsigned = Manifest {
        signature: None,
        ..manifest.clone()
    };
    let mut manifest_json =
        serde_json::to_vec_pretty(&unsigned).expect("a Manifest always serializes to JSON");
    manifest_json.push(b'\n');
    let list = digest::entry_list(
        files
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .chain([
                (MANIFEST_PATH, manifest_json.as_slice()),
                (PARTNER_PATH, partner_json.as_slice()),
            ]),
    );
    let envelope = Envelope::sign(digest::PACKAGE_PAYLOAD_TYPE, list, &[partner_key])?.to_json();

    let bytes = write_zip(
        &[
            (MANIFEST_PATH, &manifest_json),
            (PARTNER_PATH, &partner_json),
            (SIGNATURE_PATH, &envelope),
        ],
        files,
    )?;
    Archive::open(&bytes)?;
    Ok(bytes)
}

/// Packs the source directory `dir` (see [`read_source_dir`]).
pub fn pack_dir(
    dir: &Path,
    partner: &PartnerRecord,
    partner_key: &RsaPrivateKey,
) -> Result<Vec<u8>, PackageError> {
    let (manifest, files) = read_source_dir(dir)?;
    pack(&manifest, &files, partner, partner_key)
}

/// Reads a package source directory: `DIR/manifest.json`, which must not have a `signature`
/// (`MANIFEST_INVALID`), and every regular file under `DIR` except that one, by relative path
/// with `/` separators. Names starting with `.` (`.git`, `.DS_Store`) are skipped, files and
/// directories alike. Symbolic links and special files are refused (`UNSAFE_ARCHIVE`), and so is
/// a tree over the default [`ArchiveLimits`] on count and sizes, before it is read whole.
pub fn read_source_dir(dir: &Path) -> Result<(Manifest, BTreeMap<String, Vec<u8>>), PackageError> {
    let manifest_path = dir.join(MANIFEST_PATH);
    let bytes = read_file(&manifest_path, MAX_MANIFEST_BYTES as u64).map_err(|e| match e {
        ReadError::Io(e) => e,
        ReadError::TooLarge => PackageError::ManifestInvalid {
            reason: format!("it is larger than {MAX_MANIFEST_BYTES} bytes"),
        },
    })?;
    let manifest = Manifest::from_json(&bytes)?;
    if manifest.signature.is_some() {
        return Err(PackageError::ManifestInvalid {
            reason: format!(
                "{} has a `signature` field; remove it: pack writes the signature",
                manifest_path.display()
            ),
        });
    }
    let mut walk = SourceWalk {
        limits: ArchiveLimits::default(),
        files: BTreeMap::new(),
        total: 0,
    };
    walk.dir(dir, "")?;
    Ok((manifest, walk.files))
}

struct SourceWalk {
    limits: ArchiveLimits,
    files: BTreeMap<String, Vec<u8>>,
    total: u64,
}

impl SourceWalk {
    fn dir(&mut self, dir: &Path, prefix: &str) -> Result<(), PackageError> {
        let mut children: Vec<fs::DirEntry> = fs::read_dir(dir)
            .and_then(|entries| entries.collect())
            .map_err(|e| io(dir, e))?;
        children.sort_by_key(fs::DirEntry::file_name);
        for child in children {
            let name = child.file_name();
            let Some(name) = name.to_str() else {
                let shown = format!("{prefix}{}", name.to_string_lossy());
                return Err(unsafe_source(&shown, UnsafeArchiveRule::NotUtf8));
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if rel.len() > self.limits.max_path_bytes {
                let limit = self.limits.max_path_bytes;
                return Err(unsafe_source(
                    &rel,
                    UnsafeArchiveRule::PathTooLong { limit },
                ));
            }
            // `DirEntry::file_type` does not follow symbolic links.
            let kind = child.file_type().map_err(|e| io(&child.path(), e))?;
            if kind.is_symlink() {
                return Err(unsafe_source(&rel, UnsafeArchiveRule::Symlink));
            } else if kind.is_dir() {
                self.dir(&child.path(), &format!("{rel}/"))?;
            } else if !kind.is_file() {
                return Err(unsafe_source(&rel, UnsafeArchiveRule::SpecialFile));
            } else if rel != MANIFEST_PATH {
                self.file(&child.path(), rel)?;
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path, rel: String) -> Result<(), PackageError> {
        // Three entries are added by `pack`: manifest.json, partner.json, signature.dsse.json.
        if self.files.len() + 3 >= self.limits.max_entries {
            let limit = self.limits.max_entries;
            return Err(unsafe_source(
                &rel,
                UnsafeArchiveRule::TooManyEntries { limit },
            ));
        }
        let limit = self.limits.max_entry_bytes;
        let data = read_file(path, limit).map_err(|e| match e {
            ReadError::Io(e) => e,
            ReadError::TooLarge => unsafe_source(&rel, UnsafeArchiveRule::EntryTooLarge { limit }),
        })?;
        self.total += data.len() as u64;
        if self.total > self.limits.max_total_bytes {
            let limit = self.limits.max_total_bytes;
            return Err(unsafe_source(
                &rel,
                UnsafeArchiveRule::TotalTooLarge { limit },
            ));
        }
        self.files.insert(rel, data);
        Ok(())
    }
}

enum ReadError {
    Io(PackageError),
    TooLarge,
}

/// Reads at most `limit` bytes of a file; a file that grows while read is still bounded.
fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = fs::File::open(path).map_err(|e| ReadError::Io(io(path, e)))?;
    let len = file
        .metadata()
        .map_err(|e| ReadError::Io(io(path, e)))?
        .len();
    if len > limit {
        return Err(ReadError::TooLarge);
    }
    let mut data = Vec::with_capacity(len as usize);
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| ReadError::Io(io(path, e)))?;
    if data.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(data)
}

/// The archive name rules, applied to the files `pack` is given.
fn check_file_names(files: &BTreeMap<String, Vec<u8>>) -> Result<(), PackageError> {
    let limits = ArchiveLimits::default();
    let mut names = EntryNames::default();
    for reserved in [MANIFEST_PATH, PARTNER_PATH, SIGNATURE_PATH] {
        names.insert(reserved).expect("three distinct names");
    }
    let mut total: u64 = 0;
    for (count, (path, data)) in files.iter().enumerate() {
        if path == MANIFEST_PATH || path == PARTNER_PATH || path == SIGNATURE_PATH {
            return Err(unsafe_source(path, UnsafeArchiveRule::ReservedName));
        }
        check_entry_name(path, &limits).map_err(|rule| unsafe_source(path, rule))?;
        names
            .insert(path)
            .map_err(|rule| unsafe_source(path, rule))?;
        // Sizes and count early, so an oversized package is refused before it is signed and
        // compressed; `Archive::open` on the result checks them (and ratios) again.
        let (limit, len) = (limits.max_entry_bytes, data.len() as u64);
        if len > limit {
            return Err(unsafe_source(
                path,
                UnsafeArchiveRule::EntryTooLarge { limit },
            ));
        }
        total += len;
        if total > limits.max_total_bytes {
            let limit = limits.max_total_bytes;
            return Err(unsafe_source(
                path,
                UnsafeArchiveRule::TotalTooLarge { limit },
            ));
        }
        if count + 4 > limits.max_entries {
            let limit = limits.max_entries;
            return Err(unsafe_source(
                path,
                UnsafeArchiveRule::TooManyEntries { limit },
            ));
        }
    }
    names.check_file_directory_conflicts()
}

fn write_zip(
    first: &[(&str, &Vec<u8>)],
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, PackageError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let entries = first
        .iter()
        .map(|(p, d)| (*p, d.as_slice()))
        .chain(files.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, data) in entries {
        zip.start_file(path, options)
            .and_then(|()| zip.write_all(data).map_err(Into::into))
            .map_err(|e| write_failed(path, e))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| write_failed("(central directory)", e))?;
    Ok(cursor.into_inner())
}

fn write_failed(path: &str, e: zip::result::ZipError) -> PackageError {
    PackageError::ArchiveInvalid {
        reason: format!("cannot write entry `{path}`: {e}"),
    }
}

fn unsafe_source(path: &str, rule: UnsafeArchiveRule) -> PackageError {
    PackageError::UnsafeArchive {
        entry: path.to_owned(),
        rule,
    }
}

fn io(path: &Path, e: std::io::Error) -> PackageError {
    PackageError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
        kind: e.kind(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::test_keys::{other, partner};
    use crate::manifest::Permission;
    use crate::partner::tests::record;

    pub(crate) fn manifest() -> Manifest {
        Manifest::from_json(
            br#"{"id":"com.acme.loans","version":"1.2.0","minHostVersion":"1.0.0",
                 "entryPoint":"app.wasm","permissions":["storage","payment"],
                 "allowedDomains":["api.acme.com"]}"#,
        )
        .unwrap()
    }

    /// A component with no imports: the header and one custom section holding `data`.
    pub(crate) fn tiny_component(data: &[u8]) -> Vec<u8> {
        let mut c = b"\0asm\x0d\0\x01\0".to_vec();
        c.push(0);
        c.push(u8::try_from(5 + data.len()).expect("small"));
        c.push(4);
        c.extend(b"note");
        c.extend(data);
        c
    }

    pub(crate) fn files() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("app.wasm".to_owned(), tiny_component(b"component bytes")),
            ("assets/logo.svg".to_owned(), b"<svg/>".to_vec()),
            ("index.html".to_owned(), b"<!doctype html>".to_vec()),
        ])
    }

    fn zip_entries(bytes: &[u8]) -> Vec<(String, DateTime, Option<u32>, CompressionMethod)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let f = zip.by_index(i).unwrap();
                (
                    f.name().unwrap().into_owned(),
                    f.last_modified().unwrap(),
                    f.unix_mode(),
                    f.compression(),
                )
            })
            .collect()
    }

    #[test]
    fn pack_writes_manifest_partner_then_files_with_fixed_metadata() {
        let bytes = pack(&manifest(), &files(), &record(), &partner().0).unwrap();
        let entries = zip_entries(&bytes);
        let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "manifest.json",
                "partner.json",
                "signature.dsse.json",
                "app.wasm",
                "assets/logo.svg",
                "index.html"
            ]
        );
        for (name, time, mode, method) in &entries {
            assert_eq!(*time, DateTime::default(), "{name}");
            assert_eq!(*mode, Some(0o100644), "{name}");
            assert_eq!(*method, CompressionMethod::Deflated, "{name}");
        }
        let archive = Archive::open(&bytes).unwrap();
        let signed = Manifest::from_json(archive.get(MANIFEST_PATH).unwrap()).unwrap();
        assert_eq!(
            signed.signature, None,
            "version 2 signs in signature.dsse.json"
        );
        assert_eq!(signed, manifest());
        let envelope = Envelope::from_json(archive.get(SIGNATURE_PATH).unwrap()).unwrap();
        assert_eq!(envelope.payload_type, digest::PACKAGE_PAYLOAD_TYPE);
        assert_eq!(envelope.signed_by(&[&partner().1]), vec![0]);
        let mut others = archive.entries().clone();
        others.remove(SIGNATURE_PATH);
        assert_eq!(
            envelope.payload,
            digest::entry_list(others.iter().map(|(p, d)| (p.as_str(), d.as_slice())))
        );
        assert_eq!(
            archive.get(PARTNER_PATH).unwrap(),
            record().to_json_pretty().as_bytes()
        );
        for (path, data) in files() {
            assert_eq!(archive.get(&path), Some(data.as_slice()));
        }
    }

    #[test]
    fn zip_layout_is_byte_for_byte_deterministic() {
        let (m, p) = (b"{}".to_vec(), b"{\"p\":1}".to_vec());
        let first = [(MANIFEST_PATH, &m), (PARTNER_PATH, &p)];
        let a = write_zip(&first, &files()).unwrap();
        let b = write_zip(&first, &files()).unwrap();
        assert_eq!(a, b);
        // Two signed packs differ only in the signature envelope.
        let p1 =
            Archive::open(&pack(&manifest(), &files(), &record(), &partner().0).unwrap()).unwrap();
        let p2 =
            Archive::open(&pack(&manifest(), &files(), &record(), &partner().0).unwrap()).unwrap();
        let strip = |a: &Archive| {
            let mut e = a.entries().clone();
            e.remove(SIGNATURE_PATH).unwrap();
            e
        };
        assert_eq!(strip(&p1), strip(&p2));
        assert_ne!(p1.get(SIGNATURE_PATH), p2.get(SIGNATURE_PATH));
    }

    #[test]
    fn pack_refuses_what_verify_would_refuse() {
        let m = manifest();
        let code = |r: Result<Vec<u8>, PackageError>| r.unwrap_err().code();

        let mut no_entry = files();
        no_entry.remove("app.wasm");
        assert_eq!(
            code(pack(&m, &no_entry, &record(), &partner().0)),
            "ENTRY_POINT_MISSING"
        );

        assert_eq!(
            code(pack(&m, &files(), &record(), &other().0)),
            "KEY_INVALID"
        );

        let mut outside = m.clone();
        outside.id = crate::manifest::AppId::parse("com.evil.loans").unwrap();
        assert_eq!(
            code(pack(&outside, &files(), &record(), &partner().0)),
            "NAMESPACE_VIOLATION"
        );

        let mut greedy = m.clone();
        greedy.permissions.insert(Permission::Location);
        assert_eq!(
            code(pack(&greedy, &files(), &record(), &partner().0)),
            "PERMISSION_NOT_ALLOWED"
        );

        for (bad, rule) in [
            ("partner.json", UnsafeArchiveRule::ReservedName),
            (
                "Manifest.JSON",
                UnsafeArchiveRule::DuplicateName {
                    other: "manifest.json".into(),
                },
            ),
            ("../x", UnsafeArchiveRule::ParentComponent),
            (
                "app.wasm/x",
                UnsafeArchiveRule::FileIsAlsoDirectory {
                    other: "app.wasm/x".into(),
                },
            ),
        ] {
            let mut f = files();
            f.insert(bad.into(), b"x".to_vec());
            match pack(&m, &f, &record(), &partner().0) {
                Err(PackageError::UnsafeArchive { rule: got, .. }) => {
                    assert_eq!(got, rule, "{bad}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }

        let mut many = files();
        for i in 0..995 {
            many.insert(format!("n/{i:03}"), Vec::new());
        }
        match pack(&m, &many, &record(), &partner().0) {
            Err(PackageError::UnsafeArchive { entry, rule }) => {
                assert_eq!(
                    entry, "n/994",
                    "1001 entries with manifest.json, partner.json and signature.dsse.json"
                );
                assert_eq!(rule, UnsafeArchiveRule::TooManyEntries { limit: 1000 });
            }
            other => panic!("{other:?}"),
        }
        many.remove("n/994");
        assert!(pack(&m, &many, &record(), &partner().0).is_ok());

        let mut big = files();
        big.insert("big.bin".into(), vec![7; 32 * 1024 * 1024 + 1]);
        match pack(&m, &big, &record(), &partner().0) {
            Err(PackageError::UnsafeArchive { entry, rule }) => {
                assert_eq!(entry, "big.bin");
                assert_eq!(
                    rule,
                    UnsafeArchiveRule::EntryTooLarge {
                        limit: 32 * 1024 * 1024
                    }
                );
            }
            other => panic!("{other:?}"),
        }

        let mut bomb = files();
        bomb.insert("zeros.bin".into(), vec![0; 4 << 20]);
        match pack(&m, &bomb, &record(), &partner().0) {
            Err(PackageError::UnsafeArchive { entry, rule }) => {
                assert_eq!(entry, "zeros.bin");
                assert_eq!(rule, UnsafeArchiveRule::CompressionRatio { limit: 100 });
            }
            other => panic!("{other:?}"),
        }
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "miniapp-package-{name}-{}-{}",
            std::process::id(),
            hex::encode(rand::random::<[u8; 6]>())
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write_source(dir: &Path, manifest_json: &str) {
        fs::write(dir.join("manifest.json"), manifest_json).unwrap();
        fs::write(dir.join("app.wasm"), b"\0asm\x0d\0\x01\0").unwrap();
        fs::create_dir_all(dir.join("assets/img")).unwrap();
        fs::write(dir.join("assets/img/a.png"), b"png").unwrap();
        fs::create_dir_all(dir.join(".git")).unwrap();
        fs::write(dir.join(".git/config"), b"secret").unwrap();
        fs::write(dir.join(".env"), b"TOKEN=1").unwrap();
    }

    const SOURCE_MANIFEST: &str = r#"{"id":"com.acme.loans","version":"1.0.0",
        "minHostVersion":"1.0.0","entryPoint":"app.wasm","permissions":["storage"]}"#;

    #[test]
    fn read_source_dir_takes_regular_files_and_skips_dot_files() {
        let dir = temp_dir("src");
        write_source(&dir, SOURCE_MANIFEST);
        let (m, files) = read_source_dir(&dir).unwrap();
        assert_eq!(m.id.as_str(), "com.acme.loans");
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["app.wasm", "assets/img/a.png"]
        );
        let bytes = pack_dir(&dir, &record(), &partner().0).unwrap();
        let archive = Archive::open(&bytes).unwrap();
        assert_eq!(
            archive.paths().collect::<Vec<_>>(),
            [
                "app.wasm",
                "assets/img/a.png",
                "manifest.json",
                "partner.json",
                "signature.dsse.json"
            ]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_source_dir_refuses_a_signed_manifest_and_a_missing_one() {
        let dir = temp_dir("signed");
        write_source(
            &dir,
            &SOURCE_MANIFEST.replace("\"id\"", "\"signature\":\"AAAA\",\"id\""),
        );
        let err = read_source_dir(&dir).unwrap_err();
        assert_eq!(err.code(), "MANIFEST_INVALID");
        assert!(err.to_string().contains("remove it"), "{err}");
        fs::remove_file(dir.join("manifest.json")).unwrap();
        assert_eq!(read_source_dir(&dir).unwrap_err().code(), "IO");
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(read_source_dir(&dir).unwrap_err().code(), "IO");
    }

    #[cfg(unix)]
    #[test]
    fn read_source_dir_refuses_symlinks() {
        let dir = temp_dir("link");
        write_source(&dir, SOURCE_MANIFEST);
        std::os::unix::fs::symlink("/etc/hostname", dir.join("assets/host")).unwrap();
        assert_eq!(
            read_source_dir(&dir).unwrap_err(),
            PackageError::UnsafeArchive {
                entry: "assets/host".into(),
                rule: UnsafeArchiveRule::Symlink
            }
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pack_dir_refuses_a_missing_entry_point() {
        let dir = temp_dir("noentry");
        write_source(&dir, &SOURCE_MANIFEST.replace("app.wasm", "main.wasm"));
        assert_eq!(
            pack_dir(&dir, &record(), &partner().0).unwrap_err(),
            PackageError::EntryPointMissing {
                entry_point: "main.wasm".into()
            }
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
