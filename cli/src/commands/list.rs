use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::HomeArg;
use crate::output::{CliError, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub home: HomeArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig::new(miniapp_runtime::HostServices::development()),
    )?;
    let apps = rt.list()?;
    if a.json {
        print_json(&apps);
        return Ok(());
    }
    if apps.is_empty() {
        println!("no mini-programs installed (install one with `miniapp install APP.zip`)");
    }
    for app in apps {
        println!(
            "{:<28} {:<10} {:<12} [{}]",
            app.id,
            app.version,
            app.partner,
            app.permissions.join(", ")
        );
    }
    Ok(())
}
