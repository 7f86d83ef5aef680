use crate::output::{CliError, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub app: super::AppArgs,
    /// Also delete the app's stored data.
    #[arg(long)]
    pub purge_data: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let (id, rt) = a.app.open()?;
    rt.uninstall(&id, a.purge_data)?;
    if a.app.json {
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
