//! Property tests: whatever is done to the bytes of a valid signed package, opening and
//! verifying it never panics, and never accepts a package whose manifest or entries differ
//! from a package the partner signed.
//!
//! Cases per property: `PROPTEST_CASES` (CI sets 10000), else 256.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;
use miniapp_package::{Archive, MANIFEST_PATH, pack};
use proptest::prelude::*;
use proptest::sample::Index;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A second version of the same app by the same partner, for splicing.
fn package_v2() -> &'static [u8] {
    static CELL: OnceLock<Vec<u8>> = OnceLock::new();
    CELL.get_or_init(|| {
        pack(
            &manifest_with_version("1.3.0"),
            &files_with_seed(2),
            acme_record(),
            &acme().0,
        )
        .unwrap()
    })
}

fn original() -> &'static BTreeMap<String, Vec<u8>> {
    static CELL: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    CELL.get_or_init(entries)
}

fn original_v2() -> &'static BTreeMap<String, Vec<u8>> {
    static CELL: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    CELL.get_or_init(|| Archive::open(package_v2()).unwrap().entries().clone())
}

/// The property: refused, or exactly one of the two signed packages.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(v) = open_and_verify(bytes) {
        prop_assert!(
            same_as(&v, original()) || same_as(&v, original_v2()),
            "accepted a package that differs from every signed one: {:?}",
            v.files().keys().collect::<Vec<_>>()
        );
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, Index, u8),
    Insert(Index, Index, u8),
    Delete(Index, Index),
    Truncate(Index, Index),
    Append(Index, Vec<u8>),
    Remove(Index),
    Add(String, Vec<u8>),
    Rename(Index, String),
    TakeFromV2(Index),
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}(/[a-z]{1,8}){0,2}(\\.[a-z]{1,4})?",
        "[ -~]{1,24}",
        Just("app.wasm".to_owned()),
        Just("APP.wasm".to_owned()),
        Just("manifest.json".to_owned()),
        Just("partner.json".to_owned()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let bytes = prop::collection::vec(any::<u8>(), 0..16);
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), 0u8..8).prop_map(|(e, p, b)| Mutation::FlipBit(e, p, b)),
        1 => (any::<Index>(), any::<Index>(), any::<u8>()).prop_map(|(e, p, b)| Mutation::Insert(e, p, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(e, p)| Mutation::Delete(e, p)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(e, p)| Mutation::Truncate(e, p)),
        1 => (any::<Index>(), bytes.clone()).prop_map(|(e, b)| Mutation::Append(e, b)),
        1 => any::<Index>().prop_map(Mutation::Remove),
        1 => (name(), bytes).prop_map(|(n, b)| Mutation::Add(n, b)),
        1 => (any::<Index>(), name()).prop_map(|(e, n)| Mutation::Rename(e, n)),
        1 => any::<Index>().prop_map(Mutation::TakeFromV2),
    ]
}

fn apply(entries: &mut BTreeMap<String, Vec<u8>>, m: &Mutation) {
    let pick = |entries: &BTreeMap<String, Vec<u8>>, i: &Index| -> Option<String> {
        (!entries.is_empty()).then(|| entries.keys().nth(i.index(entries.len())).unwrap().clone())
    };
    let Some(path) = (match m {
        Mutation::Add(name, data) => {
            entries.insert(name.clone(), data.clone());
            None
        }
        Mutation::FlipBit(e, ..)
        | Mutation::Insert(e, ..)
        | Mutation::Delete(e, _)
        | Mutation::Truncate(e, _)
        | Mutation::Append(e, _)
        | Mutation::Remove(e)
        | Mutation::Rename(e, _)
        | Mutation::TakeFromV2(e) => pick(entries, e),
    }) else {
        return;
    };
    let data = entries.get_mut(&path).unwrap();
    match m {
        Mutation::FlipBit(_, p, bit) if !data.is_empty() => {
            let i = p.index(data.len());
            data[i] ^= 1 << bit;
        }
        Mutation::Insert(_, p, b) => {
            let i = p.index(data.len() + 1);
            data.insert(i, *b);
        }
        Mutation::Delete(_, p) if !data.is_empty() => {
            let i = p.index(data.len());
            data.remove(i);
        }
        Mutation::Truncate(_, p) => {
            let i = p.index(data.len() + 1);
            data.truncate(i);
        }
        Mutation::Append(_, b) => data.extend_from_slice(b),
        Mutation::Remove(_) => {
            entries.remove(&path);
        }
        Mutation::Rename(_, name) => {
            let d = entries.remove(&path).unwrap();
            entries.insert(name.clone(), d);
        }
        Mutation::TakeFromV2(_) => match original_v2().get(&path) {
            Some(d) => *data = d.clone(),
            None => {
                entries.remove(&path);
            }
        },
        _ => {}
    }
}

proptest! {
    #![proptest_config(config())]

    /// Random bit flips anywhere in the zip: headers, compressed data, central directory.
    #[test]
    fn flipped_bits_in_the_zip(flips in prop::collection::vec((any::<Index>(), 0u8..8), 1..12)) {
        let mut bytes = package().to_vec();
        for (i, bit) in &flips {
            let i = i.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        check(&bytes)?;
    }

    /// A prefix, a suffix, or a window cut out of the zip.
    #[test]
    fn truncated_zip(a in any::<Index>(), b in any::<Index>(), kind in 0u8..3) {
        let bytes = package();
        let (i, j) = (a.index(bytes.len()), b.index(bytes.len()));
        let cut = match kind {
            0 => bytes[..i].to_vec(),
            1 => bytes[i..].to_vec(),
            _ => [&bytes[..i.min(j)], &bytes[i.max(j)..]].concat(),
        };
        check(&cut)?;
    }

    /// Two signed versions of the same app spliced at the byte level: a head of one and a tail
    /// of the other, or a window of one pasted over the other.
    #[test]
    fn spliced_zips(a in any::<Index>(), b in any::<Index>(), len in any::<Index>(), overwrite in any::<bool>(), v2_first in any::<bool>()) {
        let (x, y) = if v2_first { (package_v2(), package()) } else { (package(), package_v2()) };
        let (i, j) = (a.index(x.len()), b.index(y.len()));
        let bytes = if overwrite {
            let n = len.index(y.len() - j + 1).min(x.len() - i);
            let mut out = x.to_vec();
            out[i..i + n].copy_from_slice(&y[j..j + n]);
            out
        } else {
            [&x[..i], &y[j..]].concat()
        };
        check(&bytes)?;
    }

    /// Entries changed, added, removed, renamed or taken from the other version, then zipped
    /// again (so the zip layer is valid and only the signature and checks stand in the way).
    #[test]
    fn mutated_entries_rezipped(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut e = original().clone();
        for m in &mutations {
            apply(&mut e, m);
        }
        let bytes = rezip(&e);
        check(&bytes)?;
        // A mutation that left every entry as it was must still be accepted.
        if &e == original() {
            prop_assert!(open_and_verify(&bytes).is_ok());
        }
    }

    /// manifest.json replaced by a random JSON edit of itself.
    #[test]
    fn mutated_manifest_fields(field in prop::sample::select(vec!["id", "version", "minHostVersion", "entryPoint", "permissions", "allowedDomains", "signature", "extra"]), value in prop_oneof![
        Just(serde_json::json!(null)),
        Just(serde_json::json!("com.acme.loans")),
        Just(serde_json::json!("1.2.0")),
        Just(serde_json::json!("1.2.1")),
        Just(serde_json::json!(["storage", "payment"])),
        Just(serde_json::json!(["payment", "storage"])),
        Just(serde_json::json!(["storage", "payment", "ui"])),
        Just(serde_json::json!(["*.cdn.acme.com", "api.acme.com"])),
        Just(serde_json::json!("app.wasm")),
        "[ -~]{0,12}".prop_map(serde_json::Value::from),
    ]) {
        let mut e = original().clone();
        let mut json: serde_json::Value = serde_json::from_slice(&e[MANIFEST_PATH]).unwrap();
        json[field] = value;
        e.insert(MANIFEST_PATH.into(), serde_json::to_vec(&json).unwrap());
        check(&rezip(&e))?;
    }
}

/// The fixtures the properties start from are themselves accepted, so the properties are not
/// vacuously true.
#[test]
fn both_signed_versions_are_accepted() {
    assert!(same_as(&open_and_verify(package()).unwrap(), original()));
    assert!(same_as(
        &open_and_verify(package_v2()).unwrap(),
        original_v2()
    ));
    assert_ne!(original(), original_v2());
}
