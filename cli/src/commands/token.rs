use std::path::PathBuf;
use std::time::Duration;

use miniapp_runtime::Home;
use miniapp_runtime::tokens::{JwkSet, verify_token, verify_token_jwks};

use crate::HomeArg;
use crate::output::{CliError, print_json, read, read_string};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Verify a token as a partner backend would: signature, audience, issuer, expiry.
    /// Prints the claims as JSON; exits 1 with TOKEN_INVALID (or TOKEN_KEY_UNKNOWN,
    /// TOKEN_KEY_RETIRED) otherwise.
    Verify(VerifyArgs),
    /// Print the host's token public keys as a JWK Set (what partner backends fetch): the
    /// signing key and every retired key still in its grace period. KEYS_MISSING without keys.
    Jwks(JwksArgs),
    /// Replace the host's token key with a fresh one; tokens of the old key keep verifying
    /// until the grace period ends.
    Rotate(RotateArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The compact JWT.
    pub token: String,
    /// The host's token public key (`<home>/host-key.pub`).
    #[arg(long, value_name = "host.pub", required_unless_present_any = ["jwks", "home"])]
    pub key: Option<PathBuf>,
    /// The host's JWK Set (`miniapp token jwks`): the key is picked by the token's `kid`.
    #[arg(long, value_name = "jwks.json", conflicts_with_all = ["key", "home"])]
    pub jwks: Option<PathBuf>,
    /// The host's home: its current key, or a retired key whose grace has not ended.
    #[arg(long, value_name = "DIR", conflicts_with = "key")]
    pub home: Option<PathBuf>,
    /// The mini-program id the token must be bound to.
    #[arg(long, value_name = "ID")]
    pub app: String,
}

#[derive(clap::Args, Debug)]
pub struct JwksArgs {
    #[command(flatten)]
    pub home: HomeArg,
}

#[derive(clap::Args, Debug)]
pub struct RotateArgs {
    #[command(flatten)]
    pub home: HomeArg,
    /// How long tokens of the old key keep verifying, like 90s, 15m, 24h or 7d.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = super::duration)]
    pub grace: Duration,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(c: Command) -> Result<(), CliError> {
    match c {
        Command::Verify(a) => {
            let token = a.token.trim();
            let claims = if let Some(jwks) = &a.jwks {
                let set: JwkSet = serde_json::from_slice(&read(jwks)?).map_err(|e| {
                    CliError::new(
                        "KEY_INVALID",
                        format!("{} is not a JWK Set: {e}", jwks.display()),
                        Some("pass the output of `miniapp token jwks`"),
                    )
                })?;
                verify_token_jwks(token, &set, &a.app)?
            } else if let Some(home) = &a.home {
                let keys = Home::open(home)?.host_keys()?;
                keys.verify(token, &a.app, miniapp_runtime::tokens::now_unix())?
            } else {
                let key = a
                    .key
                    .as_ref()
                    .expect("clap requires --key without --jwks/--home");
                verify_token(token, &read_string(key)?, &a.app)?
            };
            print_json(&claims);
        }
        Command::Jwks(a) => {
            let keys = Home::open(&a.home.path()?)?.host_keys()?;
            print_json(&keys.jwks(miniapp_runtime::tokens::now_unix()));
        }
        Command::Rotate(a) => {
            let r = Home::open(&a.home.path()?)?.rotate_host_key(a.grace)?;
            if a.json {
                print_json(&r);
            } else {
                println!(
                    "the host now signs tokens with key {}; key {} verifies until unix time {}",
                    r.current, r.retired, r.grace_until
                );
            }
        }
    }
    Ok(())
}
