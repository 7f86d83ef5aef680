//! Phone limits: the real binary under an address-space limit (`ulimit -v`), as an iPhone app
//! without extended virtual addressing gets. The demo, install and run (Cranelift and Pulley) work
//! in 2 GiB under the default `device` profile; `server` falls back and says so; a limit nothing
//! fits is `ENGINE_UNAVAILABLE`, never `COMPILE_FAILED`.

use std::path::Path;
use std::process::{Command, Output};

/// 2 GiB, in KiB as `ulimit -v` takes it.
const PHONE_KIB: u64 = 2 * 1024 * 1024;

/// Runs the binary with its address space limited to `kib` KiB.
fn limited(kib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_miniapp"))
        .args(args)
        .env_remove("MINIAPP_HOME")
        .env_remove("MINIAPP_PROFILE")
        .env_remove("MINIAPP_ENGINE")
        .output()
        .expect("sh runs")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(kib: u64, args: &[&str]) -> Output {
    let out = limited(kib, args);
    assert!(out.status.success(), "miniapp {args:?}: {}", text(&out));
    out
}

/// The demo's home: keys, the loans package installed under the device profile.
fn demo(dir: &Path) -> String {
    let d = dir.to_str().unwrap();
    let out = ok(PHONE_KIB, &["demo", "--home", d, "--warm-launches", "5"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("engine: device profile, cranelift backend, pooling allocator"),
        "{stdout}"
    );
    dir.join("home").to_string_lossy().into_owned()
}

const LOANS: &str = "com.acme.loans";
const PARAMS: &str = r#"{"applicant":"Ada"}"#;

#[test]
fn demo_install_and_run_fit_in_two_gib_on_both_backends() {
    let tmp = tempfile::tempdir().unwrap();
    let home = demo(tmp.path());
    let zip = std::fs::read_dir(tmp.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the demo leaves its package in dist/");
    // Installing again (the same version) and running it, natively and on Pulley.
    ok(
        PHONE_KIB,
        &["install", zip.to_str().unwrap(), "--home", &home],
    );
    for engine in ["cranelift", "pulley"] {
        let out = ok(
            PHONE_KIB,
            &[
                "run",
                LOANS,
                "--home",
                &home,
                "--params",
                PARAMS,
                "--engine",
                engine,
                "--inspect",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("[engine] device {engine} pooling (10 instances)")),
            "{stderr}"
        );
        assert!(!stderr.contains("fallback"), "{stderr}");
        assert!(!out.stdout.is_empty(), "{}", text(&out));
    }
}

#[test]
fn server_profile_falls_back_under_two_gib_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let home = demo(tmp.path());
    let out = ok(
        PHONE_KIB,
        &[
            "run",
            LOANS,
            "--home",
            &home,
            "--params",
            PARAMS,
            "--profile",
            "server",
            "--inspect",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the server engine did not fit this process"),
        "the fallback is said: {stderr}"
    );
    assert!(
        stderr.contains("[engine] server cranelift on-demand"),
        "{stderr}"
    );
    // The same run without a limit takes the server pool, no fallback.
    let out = ok(
        u64::MAX >> 11,
        &[
            "run",
            LOANS,
            "--home",
            &home,
            "--params",
            PARAMS,
            "--profile",
            "server",
            "--inspect",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[engine] server cranelift pooling (1000 instances)"),
        "{stderr}"
    );
}

#[test]
fn an_address_space_nothing_fits_is_engine_unavailable_with_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let home = demo(tmp.path());
    // 500 MiB per memory cannot be reserved in a 400 MiB address space, pooled or not.
    let out = limited(
        400 * 1024,
        &[
            "run",
            LOANS,
            "--home",
            &home,
            "--params",
            PARAMS,
            "--memory-mb",
            "500",
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("error[ENGINE_UNAVAILABLE]"), "{all}");
    assert!(all.contains("the process may map 400 MiB"), "{all}");
    assert!(!all.contains("COMPILE_FAILED"), "{all}");
}

#[test]
fn bad_profile_and_oversized_memory_limit_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let home = demo(tmp.path());
    let out = limited(
        PHONE_KIB,
        &["run", LOANS, "--home", &home, "--profile", "phone"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(64), "a usage error: {all}");
    assert!(all.contains("expected `device` or `server`"), "{all}");

    let out = limited(
        PHONE_KIB,
        &["run", LOANS, "--home", &home, "--memory-mb", "4096"],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("error[MEMORY_LIMIT_TOO_LARGE]"), "{all}");
    assert!(all.contains("hint:"), "{all}");
}
