//! A host on the lean runtime: no compiler inside (miniapp-runtime without `cranelift`), so a
//! component reaches it only precompiled, in a bundle.
//!
//! `miniapp-lean-host bundle HOME DIR INDEX_SHA256 APP PARAMS`: installs the bundle, runs APP;
//! `miniapp-lean-host install HOME APP.zip`: installs a package (a component needs a compiler).
//! Prints one JSON object: `{"installed": [...], "result": ...}` or `{"error": {"code", "message"}}`.
#![forbid(unsafe_code)]

use std::path::Path;
use std::process::ExitCode;

use miniapp_runtime::package::AppId;
use miniapp_runtime::{
    Backend, EngineOptions, LaunchOptions, Runtime, RuntimeConfig, RuntimeError,
};
use serde_json::json;

fn runtime(home: &str) -> Result<Runtime, RuntimeError> {
    Runtime::new(
        Path::new(home),
        RuntimeConfig {
            engine: EngineOptions {
                backend: Backend::Pulley,
                ..EngineOptions::device()
            },
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["bundle", home, dir, pin, app, params] => runtime(home).and_then(|rt| {
            let installed = rt.install_bundle(Path::new(dir), pin)?;
            let app = AppId::parse(app).map_err(|e| RuntimeError::AppNotFound(e.to_string()))?;
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(rt.run(&app, params, LaunchOptions::default()))?;
            let ids: Vec<String> = installed.iter().map(|o| o.app.id.to_string()).collect();
            Ok(json!({"installed": ids, "result": result, "pulley": rt.engine().is_pulley()}))
        }),
        ["install", home, zip] => runtime(home).and_then(|rt| {
            let bytes = std::fs::read(zip)?;
            let o = rt.install_package(&bytes)?;
            Ok(json!({"installed": [o.app.id.to_string()]}))
        }),
        _ => {
            eprintln!(
                "usage: miniapp-lean-host bundle HOME DIR INDEX_SHA256 APP PARAMS | install HOME APP.zip"
            );
            return ExitCode::from(64);
        }
    };
    match outcome {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!(
                "{}",
                json!({"error": {"code": e.code(), "message": e.to_string()}})
            );
            ExitCode::FAILURE
        }
    }
}
