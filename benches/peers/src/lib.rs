//! The peer comparison lives in `benches/peers.rs`; the mini-program it runs in each peer is
//! `plugin/` for Extism (a Rust extism-pdk plugin, built by `build.rs`), `programs/bench.js` for
//! QuickJS and the workspace's `bench` guest for miniapp; `programs/plugin.wat` is a
//! hand-written Extism plugin kept as a floor.
#![forbid(unsafe_code)]
