use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::HomeArg;
use crate::output::CliError;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: HomeArg,
    /// Also delete the app's stored data.
    #[arg(long)]
    pub purge_data: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let id = super::app_id(&a.id)?;
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig::new(miniapp_runtime::HostServices::development()),
    )?;
    rt.uninstall(&id, a.purge_data)?;
    println!(
        "uninstalled {id}{}",
        if a.purge_data {
            " and its data"
        } else {
            " (data kept)"
        }
    );
    Ok(())
}
