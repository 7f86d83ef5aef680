use std::path::PathBuf;

use miniapp_runtime::Home;

use crate::HomeArg;
use crate::output::{CliError, print_json, read_string};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub home: HomeArg,
    /// The marketplace root public key (PEM) this host trusts.
    #[arg(long, value_name = "ROOT.pub")]
    pub root: PathBuf,
    /// This host app's version; packages whose minHostVersion is higher are refused.
    #[arg(long, value_name = "X.Y.Z")]
    pub host_version: semver::Version,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let path = a.home.path()?;
    let home = Home::init(&path, &read_string(&a.root)?, a.host_version)?;
    let token_key = path.join("host-key.pub");
    if a.json {
        print_json(&serde_json::json!({
            "home": path,
            "hostVersion": home.trust().host_version.to_string(),
            "tokenKey": token_key,
        }));
        return Ok(());
    }
    println!(
        "initialised {} (host version {})",
        path.display(),
        home.trust().host_version
    );
    println!("host token key: {}", token_key.display());
    Ok(())
}
