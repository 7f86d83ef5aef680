//! Builds the Extism peer's Rust plugin (`plugin/`, an extism-pdk crate with its own workspace
//! and lock) for wasm32-unknown-unknown and tells the bench where the `.wasm` is, through
//! `EXTISM_PLUGIN_WASM`. The nested cargo runs through `miniapp-nested-cargo`, as the guests'
//! build does (`tests/programs/build.rs`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

const TARGET: &str = "wasm32-unknown-unknown";
const CRATE: &str = "miniapp_extism_plugin";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let plugin = manifest_dir.join("plugin");
    let kernels = manifest_dir.join("../kernels");
    for path in [
        plugin.join("Cargo.toml"),
        plugin.join("Cargo.lock"),
        plugin.join("src"),
        kernels.join("Cargo.toml"),
        kernels.join("src"),
    ] {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    miniapp_nested_cargo::ensure_target(TARGET, "the Extism plugin");

    // A target dir of its own: the outer build holds the lock on its own.
    let target_dir = out_dir.join("plugin-target");
    let mut cmd =
        miniapp_nested_cargo::build_command(&plugin.join("Cargo.toml"), TARGET, &target_dir);
    cmd.arg("--locked");
    miniapp_nested_cargo::run(&mut cmd, &target_dir, "the Extism plugin");

    let wasm = target_dir
        .join(TARGET)
        .join("release")
        .join(format!("{CRATE}.wasm"));
    check_core_module(&wasm);
    println!("cargo:rustc-env=EXTISM_PLUGIN_WASM={}", wasm.display());
}

/// An Extism plugin is a core module: `\0asm` version 1.
fn check_core_module(wasm: &Path) {
    let bytes = fs::read(wasm)
        .unwrap_or_else(|e| panic!("cannot read the Extism plugin {}: {e}", wasm.display()));
    if bytes.get(..8) != Some(&[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00][..]) {
        panic!(
            "{} is not a core WebAssembly module (header {:02x?})",
            wasm.display(),
            &bytes[..bytes.len().min(8)]
        );
    }
}
