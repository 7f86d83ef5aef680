//! One file per command.

pub mod bundle;
pub mod demo;
pub mod dev;
pub mod init;
pub mod install;
pub mod keygen;
pub mod list;
pub mod methods;
pub mod new;
pub mod pack;
pub mod partner;
pub mod publish;
pub mod rollback;
pub mod root;
pub mod run;
pub mod serve;
pub mod status;
pub mod token;
pub mod uninstall;
pub mod update;
pub mod verify;

use miniapp_package::AppId;

use crate::output::CliError;

pub fn app_id(s: &str) -> Result<AppId, CliError> {
    AppId::parse(s).map_err(|e| {
        CliError::new(
            "APP_ID_INVALID",
            e.to_string(),
            Some("app ids look like com.acme.loans"),
        )
    })
}

/// The arguments of a command about one installed app: its id, the home, `--json`.
#[derive(clap::Args, Debug)]
pub struct AppArgs {
    /// The app id.
    pub id: String,
    #[command(flatten)]
    pub home: crate::HomeArg,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

impl AppArgs {
    /// The app's id, and the runtime on the home (development services: these commands run
    /// no app code).
    pub fn open(&self) -> Result<(AppId, miniapp_runtime::Runtime), CliError> {
        let id = app_id(&self.id)?;
        let rt = miniapp_runtime::Runtime::new(
            &self.home.path()?,
            miniapp_runtime::RuntimeConfig::new(miniapp_runtime::HostServices::development()),
        )?;
        Ok((id, rt))
    }
}

/// A duration argument (`--expires`, `--grace`) in humantime's syntax: 90s, 15m, 24h, 7d, "1h 30m".
pub fn duration(s: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration like 90s, 15m, 24h or 7d: {e}"))
}

/// A current-thread tokio runtime for one command.
pub fn tokio() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::io("starting the async runtime", e))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::duration;

    #[test]
    fn durations_parse_with_units_and_refuse_the_rest() {
        assert_eq!(duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(duration("0s"), Ok(Duration::ZERO));
        assert_eq!(duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(duration("1h 30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(duration("1.5h"), Ok(Duration::from_secs(5_400)));
        for bad in ["", "h", "24", "24x", "-1h", "99999999999999999999d"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }
}

/// What an offline verification trusts: `--root` and `--host-version` (`verify`, `bundle`).
#[derive(clap::Args, Debug)]
pub struct VerifyTrust {
    /// The marketplace root public key (PEM) the packages are verified against.
    #[arg(long, value_name = "ROOT.pub")]
    pub root: std::path::PathBuf,
    /// The host version to check minHostVersion against (default: this CLI's version).
    #[arg(long, value_name = "X.Y.Z")]
    pub host_version: Option<semver::Version>,
}

impl VerifyTrust {
    /// The trust anchors (the root key) and the host version, defaults applied.
    pub fn load(
        &self,
    ) -> Result<(miniapp_package::TrustAnchors, semver::Version), crate::output::CliError> {
        let pem = crate::output::read_string(&self.root)?;
        let root = miniapp_package::keys::public_key_from_pem(&pem)?;
        let host_version = self.host_version.clone().unwrap_or_else(|| {
            semver::Version::parse(env!("CARGO_PKG_VERSION")).expect("crate version is semver")
        });
        Ok((miniapp_package::TrustAnchors::new(root), host_version))
    }
}
