//! Running cargo from a build script, to build wasm (modelled on wasmtime's
//! `crates/test-programs/artifacts/build.rs`). Used by `tests/programs/build.rs` (the guest
//! components) and `benches/peers/build.rs` (the Extism peer's plugin).
//!
//! The nested cargo gets a target dir of its own (the outer build holds the lock on its own, so
//! sharing it waits forever), none of the outer build's settings, no stdin, and one retry.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Inherited variables that would leak the outer build's settings into the nested one (host
/// rustflags, coverage instrumentation, the outer target dir or profile, a jobserver whose
/// descriptors the child does not get, wrappers).
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

/// `cargo build --release --target TARGET --manifest-path MANIFEST --target-dir TARGET_DIR`, with
/// the build script's job count and a clean environment. Add `-p`, `--locked` or `env` to it, then
/// [`run`] it.
pub fn build_command(manifest: &Path, target: &str, target_dir: &Path) -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("build")
        .arg("--release")
        .arg("--target")
        .arg(target)
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir);
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
    cmd
}

/// Runs `cmd` (from [`build_command`]); panics, naming `what`, if it fails twice.
///
/// Seen on fresh clones: while other build scripts of the outer build (rustix, cap-std, anyhow)
/// run their own rustc feature probes, the nested cargo's target probe was fed their error
/// output, failed, and cargo cached the failure in `.rustc_info.json`. One retry with that cache
/// removed has always succeeded; a real build error fails twice and is reported.
pub fn run(cmd: &mut Command, target_dir: &Path, what: &str) {
    for attempt in 1..=2 {
        eprintln!("running (attempt {attempt}): {cmd:?}");
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo to build {what}: {e}"));
        if status.success() {
            return;
        }
        let _ = fs::remove_file(target_dir.join(".rustc_info.json"));
    }
    panic!("building {what} failed twice; the cargo output above says why");
}

/// Makes sure `target`'s standard library is installed: when it is not and rustup is here, runs
/// `rustup target add TARGET` for the toolchain in use (as cargo-component does), saying so; panics
/// with the command to run when that is not possible. `rust-toolchain.toml`'s `targets` are not
/// enough on their own: with `RUSTUP_AUTO_INSTALL=0` (CI images, these machines) rustup skips them.
pub fn ensure_target(target: &str, what: &str) {
    if target_installed(target) {
        return;
    }
    println!(
        "cargo:warning=the {target} target is missing; installing it with `rustup target add {target}` to build {what}"
    );
    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", target]).stdin(Stdio::null());
    if let Some(toolchain) = env::var_os("RUSTUP_TOOLCHAIN") {
        rustup.arg("--toolchain").arg(toolchain);
    }
    let added = rustup.status().map(|s| s.success()).unwrap_or(false);
    if !added || !target_installed(target) {
        panic!(
            "the {target} target is not installed and `rustup target add {target}` did not install it, \
             so {what} cannot be built.\nFix: rustup target add {target}"
        );
    }
}

/// Whether rustc finds `target`'s standard library.
fn target_installed(target: &str) -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .args(["--print", "target-libdir", "--target", target])
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|d| d.is_dir())
}
