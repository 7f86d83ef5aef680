//! The peer comparison lives in `benches/peers.rs`; the mini-program it runs in each peer is in
//! `programs/` (`bench.js` for QuickJS, `plugin.wat` for Extism), and the wasm one is the
//! workspace's `bench` guest.
#![forbid(unsafe_code)]
