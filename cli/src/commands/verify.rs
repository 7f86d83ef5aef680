use std::path::PathBuf;

use miniapp_package::{Archive, TrustAnchors, keys};
use serde_json::json;

use crate::output::{CliError, print_json, read, read_string};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package zip.
    pub package: PathBuf,
    /// The marketplace root public key (PEM).
    #[arg(long, value_name = "ROOT.pub")]
    pub root: PathBuf,
    /// The host version to check minHostVersion against (default: this CLI's version).
    #[arg(long, value_name = "X.Y.Z")]
    pub host_version: Option<semver::Version>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let root = keys::public_key_from_pem(&read_string(&a.root)?)?;
    let host_version = a.host_version.unwrap_or_else(|| {
        semver::Version::parse(env!("CARGO_PKG_VERSION")).expect("crate version is semver")
    });
    let bytes = read(&a.package)?;
    let start = std::time::Instant::now();
    let pkg = miniapp_package::verify(
        &Archive::open(&bytes)?,
        &TrustAnchors::new(root),
        &host_version,
    )?;
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
