use std::path::PathBuf;

use miniapp_package::{
    AppId, DomainPattern, PartnerRecord, Permission, UnsignedPartnerRecord, keys,
};

use crate::output::{CliError, read_string, write};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Issue a partner record signed by the marketplace root key.
    Register(RegisterArgs),
}

#[derive(clap::Args, Debug)]
pub struct RegisterArgs {
    /// The marketplace root private key (PEM).
    #[arg(long, value_name = "ROOT.key")]
    pub root_key: PathBuf,
    /// The partner's public key (PEM).
    #[arg(long, value_name = "P.pub")]
    pub public_key: PathBuf,
    /// The partner's name.
    #[arg(long)]
    pub partner: String,
    /// The app-id namespace the partner owns, e.g. com.acme.
    #[arg(long)]
    pub namespace: String,
    /// Permissions the partner may ever request, comma separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub allow: Vec<String>,
    /// Domains the partner's manifests may list in allowedDomains: exact names or `*.` patterns
    /// of the partner's own domains, comma separated or repeated. Public suffix wildcards
    /// (`*.com`), localhost and addresses are refused.
    #[arg(long = "domain", value_name = "DOMAIN", value_delimiter = ',')]
    pub domains: Vec<String>,
    /// Where to write the record.
    #[arg(long, value_name = "P.partner.json")]
    pub out: PathBuf,
    /// Validity, like 365d, 12h, 30m or "1h 30m".
    #[arg(long, default_value = "365d", value_parser = super::duration)]
    pub expires: std::time::Duration,
}

pub fn run(c: Command) -> Result<(), CliError> {
    let Command::Register(a) = c;
    let root = keys::private_key_from_pem(&read_string(&a.root_key)?)?;
    let public = read_string(&a.public_key)?;
    keys::public_key_from_pem(&public)?;
    let allowed = a
        .allow
        .iter()
        .map(|p| p.trim().parse::<Permission>())
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let namespace =
        AppId::parse(&a.namespace).map_err(|e| CliError::usage(format!("--namespace: {e}")))?;
    let allowed_domains = a
        .domains
        .iter()
        .map(|d| DomainPattern::parse(d.trim()))
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::usage(format!("--domain: {e}")))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let record = PartnerRecord::issue(
        UnsignedPartnerRecord {
            partner: a.partner.clone(),
            public_key: public,
            allowed_permissions: allowed,
            namespace,
            issued_at: now,
            expires_at: now + a.expires.as_secs(),
            allowed_domains,
        },
        &root,
    )?;
    write(&a.out, record.to_json_pretty().as_bytes())?;
    println!(
        "wrote partner record for `{}` ({}) to {}",
        a.partner,
        a.namespace,
        a.out.display()
    );
    Ok(())
}
