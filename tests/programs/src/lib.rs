//! The guest components of the test suite, built from source by `build.rs` at build time.
//!
//! For each guest there is `<NAME>: &[u8]` (the component's bytes) and `<NAME>_PATH: &str`
//! (where it is on disk), `NAME` being the crate name upper-cased with `-` as `_`:
//!
//! - `LOANS`: the example mini-program `com.acme.loans` (examples/loans);
//! - `PROBE`: runs a JSON script of bridge calls and reports each outcome; imports every
//!   bridge interface;
//! - `MINIMAL`: imports only `log`, echoes its params;
//! - `HOSTILE`: loops, hoards memory, recurses, traps, floods storage and logs on request;
//! - `NET`: fetches URLs through the standard `wasi:http/outgoing-handler` (needs `network`).
//!
//! [`ALL`] lists them all as `(crate name, bytes)`. Building this crate needs the
//! `wasm32-wasip2` target (`rustup target add wasm32-wasip2`).

include!(concat!(env!("OUT_DIR"), "/guests.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_guest_is_a_component_and_its_path_holds_the_same_bytes() {
        let names: Vec<&str> = ALL.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            ["loans", "bench", "hostile", "minimal", "net", "probe"]
        );
        for (name, bytes) in ALL {
            assert_eq!(
                bytes[..8],
                [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00],
                "{name} is not a component"
            );
        }
        for (bytes, path) in [
            (LOANS, LOANS_PATH),
            (PROBE, PROBE_PATH),
            (MINIMAL, MINIMAL_PATH),
            (HOSTILE, HOSTILE_PATH),
            (NET, NET_PATH),
        ] {
            assert_eq!(std::fs::read(path).unwrap(), bytes, "{path}");
        }
    }
}
