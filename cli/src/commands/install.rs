use std::path::PathBuf;

use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::output::{CliError, print_json, read};
use crate::{CodeUpdatesArg, EngineArg, HomeArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package zip.
    pub package: PathBuf,
    #[command(flatten)]
    pub home: HomeArg,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArg,
    #[command(flatten)]
    pub code_updates: CodeUpdatesArg,
}

pub fn run(a: Args) -> Result<(), CliError> {
    // Warnings (an engine that had to fall back to a smaller configuration) go to stderr.
    crate::inspect::init(None);
    let bytes = read(&a.package)?;
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig {
            engine: a.engine.options(),
            code_updates: a.code_updates.policy,
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )?;
    let spinner = crate::output::spinner("verifying and precompiling");
    let start = std::time::Instant::now();
    let result = rt.install_package(&bytes);
    spinner.finish_and_clear();
    let outcome = result?;
    let total_ms = start.elapsed().as_secs_f64() * 1e3;
    if a.json {
        print_json(
            &serde_json::json!({"installed": outcome.app, "changed": outcome.changed, "compileMs": outcome.compile_ms, "totalMs": total_ms}),
        );
    } else if outcome.changed {
        let app = &outcome.app;
        println!(
            "installed {} {} by {} [{}]",
            app.id,
            app.version,
            app.partner,
            app.permissions.join(", ")
        );
        println!(
            "verify + extract + precompile: {total_ms:.1} ms (compile {:.1} ms)",
            outcome.compile_ms
        );
    } else {
        println!(
            "{} {} is already installed",
            outcome.app.id, outcome.app.version
        );
    }
    Ok(())
}
