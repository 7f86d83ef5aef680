use miniapp_runtime::{Runtime, RuntimeConfig};

use crate::HomeArg;
use crate::output::{CliError, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: HomeArg,
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
    let (from, to) = rt.rollback(&id)?;
    if a.json {
        print_json(&serde_json::json!({
            "id": id.as_str(),
            "from": from.to_string(),
            "to": to.to_string(),
        }));
        return Ok(());
    }
    println!("{id} rolled back from {from} to {to}; updates skip {from} from now on");
    Ok(())
}
