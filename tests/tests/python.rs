//! A Python mini-program, unchanged partner code: `tests/programs/python/app.py` built with
//! componentize-py against `wit/`, packed, installed and run through the real runtime.
//! See `polyglot/mod.rs` for the scenario and the build cache.

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
