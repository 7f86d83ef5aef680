use std::path::PathBuf;

use miniapp_package::{PartnerRecord, keys};

use crate::output::{CliError, read, read_string, write};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory with manifest.json (no signature field) and the files it names.
    pub dir: PathBuf,
    /// The partner's private key (PEM).
    #[arg(long, value_name = "P.key")]
    pub key: PathBuf,
    /// The partner record issued by the marketplace.
    #[arg(long, value_name = "P.partner.json")]
    pub partner: PathBuf,
    /// The package to write.
    #[arg(long, value_name = "APP.zip")]
    pub out: PathBuf,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let key = keys::private_key_from_pem(&read_string(&a.key)?)?;
    let partner = PartnerRecord::from_json(&read(&a.partner)?)?;
    let zip = miniapp_package::pack_dir(&a.dir, &partner, &key)?;
    write(&a.out, &zip)?;
    let digest = miniapp_package::Archive::open(&zip)
        .map(|ar| {
            hex::encode(miniapp_package::package_digest(
                &read_manifest(&ar),
                ar.entries(),
            ))
        })
        .unwrap_or_default();
    println!(
        "wrote {} ({} bytes), digest {digest}",
        a.out.display(),
        zip.len()
    );
    Ok(())
}

fn read_manifest(ar: &miniapp_package::Archive) -> miniapp_package::Manifest {
    miniapp_package::Manifest::from_json(ar.get(miniapp_package::MANIFEST_PATH).unwrap_or_default())
        .expect("pack just wrote a valid manifest")
}
