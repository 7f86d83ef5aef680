//! Builds the Extism peer's Rust plugin (`plugin/`, an extism-pdk crate with its own workspace
//! and lock) and the bare core-module kernels (`core/`) for wasm32-unknown-unknown, and tells
//! the benches where each `.wasm` is (`EXTISM_PLUGIN_WASM`, `CORE_KERNELS_WASM`). The nested cargo runs through `miniapp-nested-cargo`, as the guests'
//! build does (`tests/programs/build.rs`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

const TARGET: &str = "wasm32-unknown-unknown";

/// (crate dir, library name, env var naming its `.wasm`, what it is).
const MODULES: [(&str, &str, &str, &str); 2] = [
    (
        "plugin",
        "miniapp_extism_plugin",
        "EXTISM_PLUGIN_WASM",
        "the Extism plugin",
    ),
    (
        "core",
        "miniapp_core_kernels",
        "CORE_KERNELS_WASM",
        "the core-module kernels",
    ),
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let kernels = manifest_dir.join("../kernels");
    for path in [kernels.join("Cargo.toml"), kernels.join("src")] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    miniapp_nested_cargo::ensure_target(TARGET, "the Extism plugin");

    for (dir, lib, var, what) in MODULES {
        let krate = manifest_dir.join(dir);
        for path in [
            krate.join("Cargo.toml"),
            krate.join("Cargo.lock"),
            krate.join("src"),
        ] {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        // A target dir of its own: the outer build holds the lock on its own.
        let target_dir = out_dir.join(format!("{dir}-target"));
        let mut cmd =
            miniapp_nested_cargo::build_command(&krate.join("Cargo.toml"), TARGET, &target_dir);
        cmd.arg("--locked");
        miniapp_nested_cargo::run(&mut cmd, &target_dir, what);
        let wasm = target_dir
            .join(TARGET)
            .join("release")
            .join(format!("{lib}.wasm"));
        check_core_module(&wasm);
        println!("cargo:rustc-env={var}={}", wasm.display());
    }
}

/// A core module: `\0asm` version 1.
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
