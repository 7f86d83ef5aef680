//! A Python mini-program, unchanged partner code: `tests/programs/python/app.py` built with
//! componentize-py against `wit/`, packed, installed and run through the real runtime; and
//! `storage_app.py`, written with the Python guest SDK against the storage-only world.
//! See `polyglot/mod.rs` for the scenarios and the build cache.

mod polyglot;

use std::path::Path;
use std::process::Command;

/// The componentize-py release this test pins (and `bash test.sh` installs).
const COMPONENTIZE_PY: &str = "0.25.1";
/// The CPython that componentize-py 0.25.1 embeds, as the guest reports it.
const PYTHON: &str = "python 3.14";

#[test]
fn python_guest_uses_storage_and_log_and_gets_permission_denied_as_an_exception() {
    let install = format!("pip install componentize-py=={COMPONENTIZE_PY}");
    let tool = Path::new("componentize-py");
    let version = polyglot::tool_version(tool, COMPONENTIZE_PY, &install);
    let source_dir = polyglot::repo().join("tests/programs/python");
    let app_py = std::fs::read(source_dir.join("app.py")).unwrap();

    let built = polyglot::build_cached(
        "python",
        &[
            ("tool", version.into_bytes()),
            ("command", b"componentize -w mini-program app".to_vec()),
            ("app.py", app_py.clone()),
        ],
        |out| {
            // Build from a copy: componentize-py leaves __pycache__ next to the sources.
            let src = out.parent().unwrap().join("src");
            std::fs::create_dir_all(&src).unwrap();
            std::fs::write(src.join("app.py"), &app_py).unwrap();
            let mut cmd = Command::new(tool);
            cmd.arg("-d")
                .arg(polyglot::wit_dir())
                .args(["-w", "mini-program", "componentize", "app", "-p"])
                .arg(&src)
                .arg("-o")
                .arg(out);
            cmd
        },
    );
    polyglot::scenario("com.acme.pyapp", "python", PYTHON, &built);
}

/// `tests/programs/python/storage_app.py`, written with the Python guest SDK (`sdk/python`) and
/// built against world `storage-app`: it imports only log and storage, so a manifest declaring
/// only `storage` installs it.
#[test]
fn python_storage_only_guest_written_with_the_sdk_installs_with_only_storage_declared() {
    let install = format!("pip install componentize-py=={COMPONENTIZE_PY}");
    let tool = Path::new("componentize-py");
    let version = polyglot::tool_version(tool, COMPONENTIZE_PY, &install);
    let source = polyglot::repo().join("tests/programs/python/storage_app.py");
    let app_py = std::fs::read(&source).unwrap();
    let sdk = polyglot::repo().join("sdk/python/src");

    let mut key = vec![
        ("tool", version.into_bytes()),
        (
            "command",
            b"componentize -w storage-app storage_app -p sdk/python/src".to_vec(),
        ),
        ("storage_app.py", app_py.clone()),
    ];
    let sdk_files = polyglot::sdk_files("python/src");
    key.extend(sdk_files.iter().map(|(n, b)| (n.as_str(), b.clone())));
    let built = polyglot::build_cached("python-storage", &key, |out| {
        let src = out.parent().unwrap().join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("storage_app.py"), &app_py).unwrap();
        let mut cmd = Command::new(tool);
        cmd.arg("-d")
            .arg(polyglot::wit_dir())
            .args(["-w", "storage-app", "componentize", "storage_app", "-p"])
            .arg(&src)
            .arg("-p")
            .arg(&sdk)
            .arg("-o")
            .arg(out);
        cmd
    });
    polyglot::storage_only_scenario("com.acme.pystore", "python", &built);
}
