use std::path::PathBuf;

use miniapp_package::Archive;
use serde_json::json;

use crate::output::{CliError, print_json, read};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package zip.
    pub package: PathBuf,
    #[command(flatten)]
    pub trust: super::VerifyTrust,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let (anchors, host_version) = a.trust.load()?;
    let bytes = read(&a.package)?;
    let start = std::time::Instant::now();
    let pkg = miniapp_package::verify(&Archive::open(&bytes)?, &anchors, &host_version)?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let m = pkg.manifest();
    let permissions: Vec<&str> = m.permissions.iter().map(|p| p.as_str()).collect();
    if a.json {
        print_json(&json!({
            "id": m.id, "version": m.version.to_string(), "partner": pkg.partner().partner,
            "permissions": permissions, "digest": pkg.digest_hex(), "verifyMs": ms,
        }));
    } else {
        println!(
            "ok: {} {} by {} — permissions [{}]",
            m.id,
            m.version,
            pkg.partner().partner,
            permissions.join(", ")
        );
        println!("digest {} (verified in {ms:.2} ms)", pkg.digest_hex());
    }
    Ok(())
}
