use std::path::PathBuf;

use miniapp_package::keys;

use crate::output::{CliError, print_json, write};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Writes PREFIX.key and PREFIX.pub.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// RSA modulus size.
    #[arg(long, default_value_t = keys::DEFAULT_KEY_BITS)]
    pub bits: usize,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let (private, public) = keys::generate_keypair(a.bits)?;
    let key_path = a.out.with_extension("key");
    let pub_path = a.out.with_extension("pub");
    write(&key_path, keys::private_key_to_pem(&private)?.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600));
    }
    write(&pub_path, keys::public_key_to_pem(&public)?.as_bytes())?;
    let fingerprint = keys::public_key_fingerprint(&public);
    if a.json {
        print_json(&serde_json::json!({
            "privateKey": key_path,
            "publicKey": pub_path,
            "fingerprint": fingerprint,
        }));
        return Ok(());
    }
    println!(
        "wrote {} (secret) and {}",
        key_path.display(),
        pub_path.display()
    );
    println!("fingerprint {fingerprint}");
    Ok(())
}
