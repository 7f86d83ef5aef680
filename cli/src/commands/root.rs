use std::path::PathBuf;

use miniapp_package::{RootError, RootMetadata, SignedRoot, keys};
use miniapp_runtime::Home;

use crate::HomeArg;
use crate::output::{CliError, print_json, read, read_string, write};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Write an unsigned root file: its version, its keys and how many must sign the next root.
    Create(CreateArgs),
    /// Add a signature to a root file (by a key of the current root or of the new one).
    Sign(SignArgs),
    /// Move a home to a new root: it must be signed by a threshold of the keys the home trusts
    /// and a threshold of its own keys, with a higher version. The home is unchanged otherwise.
    Rotate(RotateArgs),
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// The root's version: above the version homes trust now (a home made with `init --root`
    /// trusts version 1).
    #[arg(long)]
    pub version: u64,
    /// A public key (SPKI PEM) of the root; repeat for each.
    #[arg(long = "key", value_name = "KEY.pub", required = true)]
    pub keys: Vec<PathBuf>,
    /// How many of these keys must sign the next root.
    #[arg(long, default_value_t = 1)]
    pub threshold: u32,
    #[arg(long, value_name = "ROOT.json")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct SignArgs {
    /// The root file; the signature is added in place.
    pub root: PathBuf,
    /// The private key (PEM) to sign with.
    #[arg(long, value_name = "KEY.key")]
    pub key: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RotateArgs {
    #[command(flatten)]
    pub home: HomeArg,
    /// The new root file.
    pub root: PathBuf,
    #[arg(long)]
    pub json: bool,
}

fn root_error(path: &std::path::Path, e: RootError) -> CliError {
    CliError::new(e.code(), format!("{}: {e}", path.display()), Some(e.hint()))
}

pub fn run(c: Command) -> Result<(), CliError> {
    match c {
        Command::Create(a) => {
            let keys = a
                .keys
                .iter()
                .map(|p| read_string(p))
                .collect::<Result<Vec<_>, _>>()?;
            let root = SignedRoot::create(RootMetadata {
                version: a.version,
                threshold: a.threshold,
                keys,
            })
            .map_err(|e| root_error(&a.out, e))?;
            write(&a.out, &root.to_json())?;
            println!(
                "wrote {}: root version {}, {} keys, threshold {}; sign it with `miniapp root sign`",
                a.out.display(),
                a.version,
                a.keys.len(),
                a.threshold
            );
        }
        Command::Sign(a) => {
            let mut root =
                SignedRoot::from_json(&read(&a.root)?).map_err(|e| root_error(&a.root, e))?;
            let key = keys::private_key_from_pem(&read_string(&a.key)?)?;
            root.sign(&key)?;
            write(&a.root, &root.to_json())?;
            println!(
                "signed {} with key {}",
                a.root.display(),
                keys::public_key_fingerprint(&key.to_public_key())
            );
        }
        Command::Rotate(a) => {
            let mut home = Home::open(&a.home.path()?)?;
            let r = home.rotate_root(&read(&a.root)?)?;
            if a.json {
                print_json(&r);
            } else {
                println!(
                    "the home now trusts root version {} ({} keys, threshold {}), was version {}",
                    r.to_version, r.keys, r.threshold, r.from_version
                );
            }
        }
    }
    Ok(())
}
