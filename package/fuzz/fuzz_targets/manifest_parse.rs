//! Arbitrary bytes as `manifest.json` and as `partner.json`: parsing never panics, and what
//! parses survives a serialize/parse round trip unchanged (the digest relies on it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniapp_package::{Manifest, PartnerRecord};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Manifest::from_json(data) {
        let again = serde_json::to_vec(&m).unwrap();
        assert_eq!(Manifest::from_json(&again).unwrap(), m);
    }
    if let Ok(r) = PartnerRecord::from_json(data) {
        assert_eq!(PartnerRecord::from_json(r.to_json_pretty().as_bytes()).unwrap(), r);
    }
});
