//! A JavaScript mini-program, unchanged partner code: `tests/programs/js/app.js` built with
//! ComponentizeJS (StarlingMonkey) against `wit/`, packed, installed and run through the real
//! runtime; and `storage-app.js`, written with the component SDK against the storage-only world.
//! See `polyglot/mod.rs` for the scenarios and the build cache.

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

/// `tests/programs/js/storage-app.js`, written with the component SDK (`sdk/js-component`) and
/// built against world `storage-app`: it imports only log and storage, so a manifest declaring
/// only `storage` installs it.
#[test]
fn javascript_storage_only_guest_written_with_the_sdk_installs_with_only_storage_declared() {
    let repo = polyglot::repo();
    let js = repo.join("tests/programs/js");
    let tool = js.join("node_modules/.bin/componentize-js");
    let install = "npm ci --prefix tests/programs/js";
    let version = polyglot::tool_version(&tool, COMPONENTIZE_JS, install);
    let lock = std::fs::read(js.join("package-lock.json")).unwrap();
    let app_js = std::fs::read(js.join("storage-app.js")).unwrap();
    let sdk_js = std::fs::read(repo.join("sdk/js-component/index.js")).unwrap();

    let args = [
        "--world-name",
        "storage-app",
        "--disable",
        "http",
        "fetch-event",
    ];
    let built = polyglot::build_cached(
        "javascript-storage",
        &[
            ("tool", version.into_bytes()),
            ("package-lock.json", lock),
            ("command", args.join(" ").into_bytes()),
            ("storage-app.js", app_js.clone()),
            ("sdk/js-component/index.js", sdk_js.clone()),
        ],
        |out| {
            // The guest imports the SDK by its path in the repository; ComponentizeJS resolves
            // relative imports inside its working directory, so build from a copy of that layout.
            let work = out.parent().unwrap();
            let guest = work.join("tests/programs/js/storage-app.js");
            let sdk = work.join("sdk/js-component/index.js");
            for (path, bytes) in [(&guest, &app_js), (&sdk, &sdk_js)] {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
            let mut cmd = Command::new(&tool);
            cmd.arg("tests/programs/js/storage-app.js")
                .arg("--wit")
                .arg(polyglot::wit_dir())
                .args(args)
                .arg("-o")
                .arg(out);
            cmd
        },
    );
    polyglot::storage_only_scenario("com.acme.jsstore", "javascript", &built);
}
