use std::path::PathBuf;

use miniapp_runtime::bundle::{BundleOptions, write_bundle};
use miniapp_runtime::{Backend, EngineOptions, EngineProfile, Limits};

use crate::output::{CliError, print_json, read};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package zips.
    #[arg(required = true, value_name = "APP.zip")]
    pub packages: Vec<PathBuf>,
    /// The host app's Rust target triple (default: this machine's).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// `pulley` (bytecode: runs where JIT is forbidden, iOS) or `cranelift` (native code).
    #[arg(long, value_name = "ENGINE", default_value = "pulley")]
    pub engine: Backend,
    /// The engine profile of the host's runtime.
    #[arg(long, value_name = "PROFILE", default_value = "device")]
    pub profile: EngineProfile,
    /// The host's per-app memory limit (sizes `device` reservations; must match the host's).
    #[arg(long, value_name = "MB")]
    pub memory_mb: Option<usize>,
    /// The bundle directory to create (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub trust: super::VerifyTrust,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let (anchors, host_version) = a.trust.load()?;
    let zips = a
        .packages
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut engine = EngineOptions::for_profile(a.profile);
    if a.profile == EngineProfile::Device {
        // What `Runtime::new` does: reserve the per-app memory limit.
        engine.max_memory_bytes = a
            .memory_mb
            .map(|mb| mb << 20)
            .unwrap_or(Limits::default().memory_bytes);
    }
    let opts = BundleOptions {
        target: a.target.unwrap_or_else(miniapp_runtime::host_triple),
        backend: a.engine,
        engine,
    };
    let spinner = crate::output::spinner("verifying and precompiling");
    let result = write_bundle(&zips, &anchors, &host_version, &opts, &a.out);
    spinner.finish_and_clear();
    let summary = result?;
    if a.json {
        print_json(&summary);
    } else {
        for app in &summary.index.apps {
            let kind = if app.artifact.is_some() {
                "component"
            } else {
                "web"
            };
            println!("bundled {} {} ({kind})", app.id, app.version);
        }
        println!(
            "{} for {} ({}) in {}",
            summary.index.apps.len(),
            summary.index.target,
            summary.index.engine,
            a.out.display()
        );
        println!(
            "index sha256 {} (pin it in the host binary)",
            summary.index_sha256
        );
    }
    Ok(())
}
