//! Arbitrary bytes through the whole untrusted path: `Archive::open`, then `verify` against a
//! fixed root key. Neither may panic, hang, or allocate past the archive limits.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use miniapp_package::{Archive, RsaPublicKey, TrustAnchors, keys, verify};

/// A fixed 2048-bit root public key (no private key exists in this crate): any input that
/// gets past the archive reaches partner-record and signature checks, which must refuse it.
const ROOT_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsg7NBZ0Ge/F8uPUrF/TW
apnDrNFx2vY1Gg21iLYAFQ45KxNLvm2FyYbe1ONXEOOslz2FaSy/00X9E+egJ70o
kthr+NApigd25kxDiYgECrrkJC0sE2cSfOQx0dwb6q4HhedZpwyieLsylCp+Hsz+
kQQGSp3LUz9zJFlXcnk7CmuawXYh9MQu5OKzFCPneUh+O65UrOabQZPudSLDZ6p9
wUlkSP/r4mBwSF/LBaRJVRMCxJnqlRSzvf1gTTcjuF2OpeFtcpDmTcD51rqwN3Yh
cy5PAbBAunO6KfI5zCE3cC7SCFyO1xQgFlPvCkA8Sh/ke+EEKXa7h1aPybQeuZkL
rQIDAQAB
-----END PUBLIC KEY-----
";

fn anchors() -> &'static TrustAnchors {
    static CELL: OnceLock<TrustAnchors> = OnceLock::new();
    CELL.get_or_init(|| {
        let root: RsaPublicKey = keys::public_key_from_pem(ROOT_PUBLIC_KEY).unwrap();
        TrustAnchors::new(root).at(1_750_000_000)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(archive) = Archive::open(data) {
        let total: usize = archive.entries().values().map(Vec::len).sum();
        assert!(total <= 64 * 1024 * 1024);
        let host = semver::Version::new(1, 0, 0);
        if let Err(e) = verify(&archive, anchors(), &host) {
            // Every refusal carries a code and a hint.
            assert!(!e.code().is_empty() && !e.hint().is_empty());
        }
    }
});
