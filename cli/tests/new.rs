//! `miniapp new`: each template, followed by its README alone. The test generates a project,
//! runs every `sh` block of the generated README.md in order (with this build's `miniapp` first
//! on PATH) except the one that starts the simulator, and checks what the app answered; then it
//! runs a second launch (storage kept) and serves the app with `miniapp dev app`, as the README's
//! simulator block does. The web template's page runs in Chromium in web/e2e.
//!
//! A Python or JavaScript component importing an interface its manifest does not declare is
//! refused at install, naming it: `tests/tests/python.rs` and `javascript.rs`.
//!
//! The toolchains are the ones `bash test.sh` installs: the wasm32-wasip2 target (Rust),
//! componentize-py (Python), Node.js with npm (JavaScript: `npm install` in the project fetches
//! ComponentizeJS, from npm's cache after `test.sh`'s install).
#![cfg(any(debug_assertions, feature = "dev"))]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::Simulator;

fn miniapp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_miniapp"));
    cmd.stdin(Stdio::null());
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `miniapp new NAME --lang LANG ARGS...` in `parent`; returns the project's directory.
fn new(parent: &Path, name: &str, lang: &str, args: &[&str]) -> PathBuf {
    let out = miniapp()
        .current_dir(parent)
        .args(["new", name, "--lang", lang])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "miniapp new: {}", text(&out));
    parent.join(name)
}

/// The README's `sh` blocks, in order.
fn sh_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed code block in:\n{readme}");
    blocks
}

/// Runs the README's commands but the simulator's, as a partner would paste them, and returns
/// what the last one printed. The environment is a partner's: none of this test's cargo
/// settings (target dir, flags) reach the project's own build.
fn follow_readme(project: &Path) -> String {
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    let blocks = sh_blocks(&readme);
    let dev: Vec<&String> = blocks
        .iter()
        .filter(|b| b.contains("miniapp dev"))
        .collect();
    assert_eq!(dev.len(), 1, "one block starts the simulator:\n{readme}");
    assert_eq!(dev[0].trim(), "miniapp dev app");
    let script: Vec<&str> = blocks
        .iter()
        .filter(|b| !b.contains("miniapp dev"))
        .map(String::as_str)
        .collect();
    assert!(!script.is_empty(), "{readme}");
    let bin = Path::new(env!("CARGO_BIN_EXE_miniapp")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script.concat())
        .current_dir(project)
        .env("PATH", path)
        .stdin(Stdio::null());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_") && key != "CARGO_HOME" || key.starts_with("RUSTC") {
            cmd.env_remove(key.as_ref());
        }
        if key == "RUSTFLAGS" || key == "MINIAPP_HOME" {
            cmd.env_remove(key.as_ref());
        }
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "following {}/README.md failed: {}",
        project.display(),
        text(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON object on the last line that has one.
fn answer(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON answer in:\n{stdout}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// A second launch from the README's home: storage kept from the first.
fn run_again(project: &Path, id: &str) -> Value {
    let out = miniapp()
        .current_dir(project)
        .args(["run", id, "--home", "home", "--params", r#"{"name":"Bo"}"#])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    answer(&String::from_utf8_lossy(&out.stdout))
}

/// `miniapp dev app` (the README's simulator block) loads the built component and launches it.
fn served_by_dev(project: &Path, id: &str) {
    let sim = Simulator::start_in(project, &[Path::new("app")], &["--no-reload"]);
    let status = sim.wait_for_build(id, 0);
    assert_eq!(status["source"], "prebuilt", "{status:#}");
    assert_eq!(status["build"]["state"], "ok", "{status:#}");
    let launched = sim.launch(id, r#"{"name":"Dev"}"#);
    let result: Value = serde_json::from_str(launched["result"].as_str().unwrap())
        .unwrap_or_else(|e| panic!("{e}: {launched:#}"));
    assert_eq!(result["hello"], "Dev", "{launched:#}");
}

/// One component template, end to end: README, second launch, simulator; and the manifest
/// declares exactly what was asked.
fn component_template(lang: &str, language: &str) {
    let tmp = tempfile::tempdir().unwrap();
    // Inside another Cargo workspace's directory, as a partner's monorepo may be: the Rust
    // project still builds on its own.
    std::fs::write(tmp.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let id = format!("com.example.hello-{lang}");
    let project = new(tmp.path(), &format!("hello-{lang}"), lang, &["--id", &id]);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(project.join("app/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["permissions"], serde_json::json!(["storage"]));

    let first = answer(&follow_readme(&project));
    assert_eq!(first["hello"], "Ada", "{first}");
    assert_eq!(first["language"], language, "{first}");
    assert_eq!(first["launches"], 1, "{first}");
    let second = run_again(&project, &id);
    assert_eq!(second["hello"], "Bo");
    assert_eq!(
        second["launches"], 2,
        "storage kept between launches: {second}"
    );
    served_by_dev(&project, &id);
}

#[test]
fn the_rust_template_builds_packs_installs_and_runs_by_its_readme() {
    component_template("rust", "rust");
}

#[test]
fn the_python_template_builds_packs_installs_and_runs_by_its_readme() {
    component_template("python", "python");
}

#[test]
fn the_javascript_template_builds_packs_installs_and_runs_by_its_readme() {
    component_template("js", "javascript");
}

#[test]
fn the_web_template_packs_and_installs_by_its_readme_and_dev_serves_its_page() {
    let tmp = tempfile::tempdir().unwrap();
    let project = new(
        tmp.path(),
        "hello-web",
        "web",
        &["--permissions", "storage,ui", "--id", "com.example.web"],
    );
    let listed = follow_readme(&project);
    assert!(listed.contains("com.example.web"), "{listed}");

    let sim = Simulator::start_in(&project, &[Path::new("app")], &["--no-reload"]);
    let page = sim.page("com.example.web.localhost");
    assert!(
        page.contains("<script type=\"module\" src=\"main.js\">"),
        "{page}"
    );
    let (status, _, script) = sim.http("GET", "com.example.web.localhost", "/main.js", &[], "");
    assert_eq!(status, 200);
    assert!(script.contains("bridge.storage.set('launches'"), "{script}");
    // The page's bridge: what it declares answers, the rest is denied.
    let set = sim.bridge(
        "com.example.web",
        1,
        "storage.set",
        serde_json::json!({"key": "launches", "value": 1}),
    );
    assert!(set.get("error").is_none(), "{set}");
    let denied = sim.bridge(
        "com.example.web",
        2,
        "payment.pay",
        serde_json::json!({"orderId": "o", "amountMinor": 1, "currency": "EUR"}),
    );
    assert_eq!(denied["error"]["code"], "PERMISSION_DENIED", "{denied}");
}

#[test]
fn new_refuses_bad_input_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "ok", "--lang", "rust", "--id", "Bad Id"],
            "APP_ID_INVALID",
        ),
        (
            &[
                "new",
                "ok",
                "--lang",
                "web",
                "--permissions",
                "storage,telepathy",
            ],
            "PERMISSION_UNKNOWN",
        ),
        (&["new", "Not_A_Name", "--lang", "web"], "NEW_NAME_INVALID"),
    ];
    for (args, code) in cases {
        let out = miniapp()
            .current_dir(tmp.path())
            .args(*args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error[{code}]")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("hint:"), "{stderr}");
    }
    let out = miniapp()
        .current_dir(tmp.path())
        .args(["new", "ok", "--lang", "cobol"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rust, python, js, web"));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no files written"
    );

    // Into a non-empty directory: refused, the directory untouched.
    let full = tmp.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "mine").unwrap();
    let out = miniapp()
        .current_dir(tmp.path())
        .args(["new", "full", "--lang", "python"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error[NEW_DIR_NOT_EMPTY]"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
