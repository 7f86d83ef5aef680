//! One file per command.

pub mod bundle;
pub mod demo;
pub mod dev;
pub mod init;
pub mod install;
pub mod keygen;
pub mod list;
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

/// A current-thread tokio runtime for one command.
pub fn tokio() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::io("starting the async runtime", e))
}
