//! Running cargo from a build script (or a tool) to build wasm (modelled on wasmtime's
//! `crates/test-programs/artifacts/build.rs`). Used by `tests/programs/build.rs` (the guest
//! components), `cli/build.rs` (the demo's loans component), `benches/peers/build.rs` (the
//! Extism peer's plugin) and the simulator (`miniapp-devtools`, which rebuilds a crate on change).
//!
//! The nested cargo gets a target dir of its own (the outer build holds the lock on its own, so
//! sharing it waits forever), none of the outer build's settings, no stdin, and one retry.

use std::collections::BTreeSet;
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

/// The target every component (guest, example, mini-program crate) is built for.
pub const COMPONENT_TARGET: &str = "wasm32-wasip2";

/// `\0asm`, then the component-model version and layer (0x0d, 0x0001); a core module has 1, 0.
pub const COMPONENT_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/// Whether `bytes` start like a WebAssembly component (not a core module).
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.starts_with(&COMPONENT_HEADER)
}

/// What cargo says when its `rustc -` target probe failed; it caches that failure in the target
/// dir's `.rustc_info.json` (see [`run`]).
pub const PROBE_FAILED: &str = "failed to run `rustc` to learn about target-specific information";

/// Forgets cargo's cached rustc probe in `target_dir`, so the next build probes again.
pub fn forget_rustc_probe(target_dir: &Path) {
    let _ = fs::remove_file(target_dir.join(".rustc_info.json"));
}

/// For build scripts: builds `packages` of the workspace at `workspace` (its root dir) as
/// components for [`COMPONENT_TARGET`] in `target_dir`, installing the target first when it is
/// missing ([`ensure_target`]), and returns each package's `.wasm`, checked to be a component.
/// Prints `cargo:rerun-if-changed` for every workspace file the components were compiled from.
/// Release profile without DWARF (99% of a guest's bytes); the name section stays for traps.
pub fn build_components(
    workspace: &Path,
    packages: &[&str],
    target_dir: &Path,
    what: &str,
) -> Vec<PathBuf> {
    ensure_target(COMPONENT_TARGET, what);
    let mut cmd = build_command(&workspace.join("Cargo.toml"), COMPONENT_TARGET, target_dir);
    for name in packages {
        cmd.arg("-p").arg(name);
    }
    cmd.env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo");
    run(&mut cmd, target_dir, what);

    let release = target_dir.join(COMPONENT_TARGET).join("release");
    let mut seen = BTreeSet::new();
    packages
        .iter()
        .map(|name| {
            let wasm = release.join(format!("{}.wasm", name.replace('-', "_")));
            check_component(name, &wasm);
            rerun_on_deps_of(&wasm, workspace, &mut seen);
            wasm
        })
        .collect()
}

/// Panics unless `wasm` is a WebAssembly component (the `cdylib` of `name`).
pub fn check_component(name: &str, wasm: &Path) {
    let bytes = fs::read(wasm)
        .unwrap_or_else(|e| panic!("guest `{name}`: cannot read {}: {e}", wasm.display()));
    if !is_component(&bytes) {
        panic!(
            "guest `{name}`: {} is not a WebAssembly component (header {:02x?}, expected {:02x?}); \
             is it a `cdylib` built for {COMPONENT_TARGET}?",
            wasm.display(),
            &bytes[..bytes.len().min(8)],
            COMPONENT_HEADER
        );
    }
}

/// Prints `cargo:rerun-if-changed` for every file under `workspace` that `wasm` was compiled
/// from (cargo's dep-info beside the artifact lists them, WIT files included), once each.
pub fn rerun_on_deps_of(wasm: &Path, workspace: &Path, seen: &mut BTreeSet<String>) {
    let Ok(workspace) = workspace.canonicalize() else {
        return;
    };
    let Ok(deps) = fs::read_to_string(wasm.with_extension("d")) else {
        return;
    };
    for line in deps.lines() {
        let Some((_, files)) = line.split_once(": ") else {
            continue;
        };
        let mut parts = files.split_whitespace();
        while let Some(part) = parts.next() {
            let mut file = part.to_string();
            while file.ends_with('\\') {
                file.pop();
                file.push(' ');
                file.push_str(parts.next().unwrap_or_default());
            }
            if Path::new(&file).starts_with(&workspace) && seen.insert(file.clone()) {
                println!("cargo:rerun-if-changed={file}");
            }
        }
    }
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
        forget_rustc_probe(target_dir);
    }
    panic!("building {what} failed twice; the cargo output above says why");
}

/// Makes sure `target`'s standard library is installed: when it is not and rustup is here, runs
/// `rustup target add TARGET` for the toolchain in use (as cargo-component does), saying so; panics
/// with the command to run when that is not possible. `rust-toolchain.toml`'s `targets` are not
/// enough on their own: with `RUSTUP_AUTO_INSTALL=0` (CI images, these machines) rustup skips them.
pub fn ensure_target(target: &str, what: &str) {
    let announce = |line: &str| println!("cargo:warning={line}");
    if let Err(e) = add_missing_target(target, what, announce) {
        panic!("{e}");
    }
}

/// [`ensure_target`] for tools (no panic): when `target` is missing, tells `announce` what it
/// installs and runs `rustup target add TARGET`; the error says what to run by hand.
pub fn add_missing_target(target: &str, what: &str, announce: impl Fn(&str)) -> Result<(), String> {
    if target_installed(target) {
        return Ok(());
    }
    announce(&format!(
        "the {target} target is missing; installing it with `rustup target add {target}` to build {what}"
    ));
    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", target]).stdin(Stdio::null());
    if let Some(toolchain) = env::var_os("RUSTUP_TOOLCHAIN") {
        rustup.arg("--toolchain").arg(toolchain);
    }
    let added = rustup.status().map(|s| s.success()).unwrap_or(false);
    if !added || !target_installed(target) {
        return Err(format!(
            "the {target} target is not installed and `rustup target add {target}` did not install it, \
             so {what} cannot be built.\nFix: rustup target add {target}"
        ));
    }
    Ok(())
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
