use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::HomeArg;
use crate::output::CliError;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: HomeArg,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let id = super::app_id(&a.id)?;
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig::new(miniapp_runtime::HostServices::development()),
    )?;
    let (from, to) = rt.rollback(&id)?;
    println!("{id} rolled back from {from} to {to}; updates skip {from} from now on");
    Ok(())
}
