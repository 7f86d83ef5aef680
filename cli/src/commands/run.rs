use std::time::Duration;

use miniapp_runtime::{LaunchOptions, Limits, Runtime, RuntimeConfig};

use crate::inspect::{self, InspectFormat};
use crate::output::CliError;
use crate::{EngineArg, HomeArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: HomeArg,
    /// Launch parameters passed to on-launch (usually JSON).
    #[arg(long, default_value = "{}")]
    pub params: String,
    /// Print every bridge call (app, method, outcome, duration) on stderr.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "human", require_equals = true)]
    pub inspect: Option<InspectFormat>,
    /// CPU time budget of one guest call, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub cpu_ms: u64,
    /// Memory limit of the instance, in MiB.
    #[arg(long, default_value_t = 64)]
    pub memory_mb: usize,
    #[command(flatten)]
    pub engine: EngineArg,
    /// Development: let the app's `wasi:http` requests reach loopback addresses, over plain
    /// http too (a local API server). Host names must still be in the manifest's allowedDomains.
    #[arg(long)]
    pub allow_loopback: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    inspect::init(a.inspect);
    let id = super::app_id(&a.id)?;
    let limits = Limits {
        cpu: Duration::from_millis(a.cpu_ms),
        memory_bytes: a.memory_mb << 20,
        ..Limits::default()
    };
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig {
            limits,
            engine: a.engine.options(),
            network: miniapp_runtime::NetworkPolicy {
                allow_loopback: a.allow_loopback,
                ..Default::default()
            },
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )?;
    if a.inspect.is_some() {
        inspect::engine(rt.engine_report(), a.inspect);
    }
    let result = super::tokio()?.block_on(rt.run(&id, &a.params, LaunchOptions::default()));
    // Usage figures (CPU time, peak memory, calls, denials) outlive this process for `status`.
    if let Err(e) = rt.persist_usage() {
        eprintln!("warning: usage figures not saved: {e}");
    }
    println!("{}", result?);
    Ok(())
}
