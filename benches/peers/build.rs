//! Builds the Extism peer's Rust plugin (`plugin/`, an extism-pdk crate with its own workspace
//! and lock) for wasm32-unknown-unknown and tells the bench where the `.wasm` is, through
//! `EXTISM_PLUGIN_WASM` (the same pattern as `tests/programs/build.rs` for the guests).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TARGET: &str = "wasm32-unknown-unknown";
const CRATE: &str = "miniapp_extism_plugin";

/// Inherited variables that would leak the outer build's settings into the plugin build
/// (host rustflags, coverage instrumentation, the outer target dir or profile, a jobserver
/// whose descriptors the child does not get, wrappers).
const REMOVED_ENV: &[&str] = &[
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "__CARGO_FIX_PLZ",
];
const REMOVED_ENV_PREFIXES: &[&str] = &["CARGO_PROFILE_", "CARGO_LLVM_COV", "CARGO_TARGET_WASM32_"];

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

    check_target_installed();

    // A target dir of its own: the outer build holds the lock on its own.
    let target_dir = out_dir.join("plugin-target");
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("build")
        .arg("--release")
        .arg("--locked")
        .arg("--target")
        .arg(TARGET)
        .arg("--manifest-path")
        .arg(plugin.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    if let Ok(jobs) = env::var("NUM_JOBS") {
        cmd.arg("--jobs").arg(jobs);
    }
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        if REMOVED_ENV.contains(&key.as_ref())
            || REMOVED_ENV_PREFIXES.iter().any(|p| key.starts_with(p))
        {
            cmd.env_remove(key.as_ref());
        }
    }
    // The nested cargo probes rustc with `rustc -`, which reads stdin: give it none.
    cmd.stdin(Stdio::null());
    // As in tests/programs/build.rs: a rustc probe of the nested cargo can fail while other build
    // scripts run theirs, and cargo caches the failure; one retry without that cache.
    let mut built = false;
    for attempt in 1..=2 {
        eprintln!("running (attempt {attempt}): {cmd:?}");
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo to build the Extism plugin: {e}"));
        if status.success() {
            built = true;
            break;
        }
        let _ = fs::remove_file(target_dir.join(".rustc_info.json"));
    }
    if !built {
        panic!("building the Extism plugin failed twice; the cargo output above says why");
    }

    let wasm = target_dir
        .join(TARGET)
        .join("release")
        .join(format!("{CRATE}.wasm"));
    check_core_module(&wasm);
    println!("cargo:rustc-env=EXTISM_PLUGIN_WASM={}", wasm.display());
}

fn check_target_installed() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let libdir = Command::new(rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if !libdir.is_some_and(|d| d.is_dir()) {
        panic!(
            "the {TARGET} target is not installed, so the Extism plugin cannot be built.\n\
             Fix: rustup target add {TARGET}"
        );
    }
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
