//! Times `Archive::open` and `verify` on a ~1 MiB package signed with 3072-bit keys, against a
//! raw baseline measured in the same run (inflating the zip with the `zip` crate and hashing
//! every entry with SHA-256, with no checks).
//!
//! `cargo run --release -p miniapp-package --example verify_timing`

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use miniapp_package::keys::{DEFAULT_KEY_BITS, generate_keypair, public_key_to_pem};
use miniapp_package::{
    AppId, Archive, Manifest, PartnerRecord, Permission, TrustAnchors, UnsignedPartnerRecord,
    digest, pack, verify,
};

fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let (root, root_pub) = generate_keypair(DEFAULT_KEY_BITS).unwrap();
    let (partner_key, partner_pub) = generate_keypair(DEFAULT_KEY_BITS).unwrap();
    let record = PartnerRecord::issue(
        UnsignedPartnerRecord {
            partner: "Acme".into(),
            public_key: public_key_to_pem(&partner_pub).unwrap(),
            allowed_permissions: Permission::ALL.into_iter().collect(),
            namespace: AppId::parse("com.acme").unwrap(),
            issued_at: 0,
            expires_at: u64::MAX,
            allowed_domains: vec![],
        },
        &root,
    )
    .unwrap();
    let manifest = Manifest::from_json(
        br#"{"id":"com.acme.loans","version":"1.0.0","minHostVersion":"1.0.0",
             "entryPoint":"app.wasm","permissions":["storage","payment"]}"#,
    )
    .unwrap();
    // 768 KiB of incompressible "code", 60 text assets of 4 KiB (compressible), 2 images.
    let mut files = BTreeMap::from([
        ("app.wasm".to_owned(), noise(768 * 1024, 1)),
        ("assets/a.png".to_owned(), noise(8 * 1024, 2)),
        ("assets/b.png".to_owned(), noise(8 * 1024, 3)),
    ]);
    for i in 0..60 {
        let text = format!(
            "{{\"key{i}\": \"{}\"}}\n",
            "lorem ipsum dolor sit amet ".repeat(150)
        );
        files.insert(format!("i18n/{i:02}.json"), text.into_bytes());
    }
    let uncompressed: usize = files.values().map(Vec::len).sum();

    let start = Instant::now();
    let bytes = pack(&manifest, &files, &record, &partner_key).unwrap();
    let pack_time = start.elapsed();

    let anchors = TrustAnchors::new(root_pub);
    let host = semver::Version::new(1, 0, 0);
    let runs = 50;
    let open = time(runs, || Archive::open(&bytes).unwrap());
    let archive = Archive::open(&bytes).unwrap();
    let verify_only = time(runs, || verify(&archive, &anchors, &host).unwrap());
    let both = time(runs, || {
        verify(&Archive::open(&bytes).unwrap(), &anchors, &host).unwrap()
    });
    let baseline = time(runs, || {
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut data = Vec::new();
                zip.by_index(i).unwrap().read_to_end(&mut data).unwrap();
                digest::sha256(&data)[0]
            })
            .fold(0u8, |a, b| a ^ b)
    });

    println!(
        "package: {} entries, {} KiB zipped, {} KiB unzipped; pack (incl. signing): {:.1} ms",
        archive.len(),
        bytes.len() / 1024,
        uncompressed / 1024,
        pack_time.as_secs_f64() * 1e3
    );
    println!("median of {runs} runs:");
    println!(
        "  Archive::open          {:>8.2} ms",
        open.as_secs_f64() * 1e3
    );
    println!(
        "  verify                 {:>8.2} ms",
        verify_only.as_secs_f64() * 1e3
    );
    println!(
        "  open + verify          {:>8.2} ms",
        both.as_secs_f64() * 1e3
    );
    println!(
        "  raw inflate + sha256   {:>8.2} ms (baseline)",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "  ratio open+verify / baseline: {:.2}",
        both.as_secs_f64() / baseline.as_secs_f64()
    );
}
