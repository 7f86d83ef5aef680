//! A JavaScript mini-program, unchanged partner code: `tests/programs/js/app.js` built with
//! ComponentizeJS (StarlingMonkey) against `wit/`, packed, installed and run through the real
//! runtime. See `polyglot/mod.rs` for the scenario and the build cache.

mod polyglot;

use std::process::Command;

/// The @bytecodealliance/componentize-js release `tests/programs/js/package.json` pins.
const COMPONENTIZE_JS: &str = "0.23.0";

#[test]
fn javascript_guest_uses_storage_and_log_and_gets_permission_denied_as_an_exception() {
    let js = polyglot::repo().join("tests/programs/js");
    let tool = js.join("node_modules/.bin/componentize-js");
    let install = "npm ci --prefix tests/programs/js";
    let version = polyglot::tool_version(&tool, COMPONENTIZE_JS, install);
    let lock = std::fs::read(js.join("package-lock.json")).unwrap();
    let app_js = js.join("app.js");

    // `--disable http fetch-event`: without them the component imports wasi:http, which the
    // runtime links only for apps that declare the `network` permission.
    let args = [
        "--world-name",
        "mini-program",
        "--disable",
        "http",
        "fetch-event",
    ];
    let built = polyglot::build_cached(
        "javascript",
        &[
            ("tool", version.into_bytes()),
            ("package-lock.json", lock),
            ("command", args.join(" ").into_bytes()),
            ("app.js", std::fs::read(&app_js).unwrap()),
        ],
        |out| {
            let mut cmd = Command::new(&tool);
            cmd.arg(&app_js)
                .arg("--wit")
                .arg(polyglot::wit_dir())
                .args(args)
                .arg("-o")
                .arg(out);
            cmd
        },
    );
    polyglot::scenario("com.acme.jsapp", "javascript", "javascript", &built);
}
