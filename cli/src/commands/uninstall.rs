use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::HomeArg;
use crate::output::{CliError, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: HomeArg,
    /// Also delete the app's stored data.
    #[arg(long)]
    pub purge_data: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let id = super::app_id(&a.id)?;
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig::new(miniapp_runtime::HostServices::development()),
    )?;
    rt.uninstall(&id, a.purge_data)?;
    if a.json {
        print_json(&serde_json::json!({"id": id.as_str(), "dataPurged": a.purge_data}));
        return Ok(());
    }
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
