use std::path::PathBuf;

use miniapp_runtime::tokens::verify_token;

use crate::output::{CliError, print_json, read_string};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Verify a token as a partner backend would: signature, audience, issuer, expiry.
    /// Prints the claims as JSON; exits 1 with TOKEN_INVALID otherwise.
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The compact JWT.
    pub token: String,
    /// The host's token public key (`<home>/host-key.pub`).
    #[arg(long, value_name = "host.pub")]
    pub key: PathBuf,
    /// The mini-program id the token must be bound to.
    #[arg(long, value_name = "ID")]
    pub app: String,
}

pub fn run(c: Command) -> Result<(), CliError> {
    let Command::Verify(a) = c;
    let claims = verify_token(a.token.trim(), &read_string(&a.key)?, &a.app)?;
    print_json(&claims);
    Ok(())
}
