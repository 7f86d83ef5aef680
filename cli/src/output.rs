//! Errors as the CLI shows them: `error[CODE]: message` and a hint on stderr, or
//! `{"error":{"code","message"}}` on stdout with `--json`. Exit 2 for a package that fails
//! verification, 1 for anything else.

use std::process::ExitCode;

use miniapp_package::PackageError;
use miniapp_runtime::RuntimeError;
use miniapp_runtime::tokens::TokenError;

#[derive(Debug)]
pub struct CliError {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
    pub exit: u8,
}

impl CliError {
    pub fn new(code: &str, message: impl Into<String>, hint: Option<&str>) -> Self {
        CliError {
            code: code.into(),
            message: message.into(),
            hint: hint.map(str::to_owned),
            exit: 1,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new("USAGE", message, Some("see `miniapp --help`"))
    }

    pub fn io(what: &str, e: std::io::Error) -> Self {
        CliError::new(
            "IO",
            format!("{what}: {e}"),
            Some("check the path and its permissions"),
        )
    }

    pub fn report(self, json: bool) -> ExitCode {
        if json {
            println!(
                "{}",
                serde_json::json!({"error": {"code": self.code, "message": self.message}})
            );
        }
        eprintln!("error[{}]: {}", self.code, self.message);
        if let Some(h) = &self.hint {
            eprintln!("  hint: {h}");
        }
        ExitCode::from(self.exit)
    }
}

/// Codes that mean "this package must not be trusted": exit code 2.
const VERIFICATION_CODES: &[&str] = &[
    "MANIFEST_INVALID",
    "ARCHIVE_INVALID",
    "UNSAFE_ARCHIVE",
    "SIGNATURE_INVALID",
    "PARTNER_UNTRUSTED",
    "NAMESPACE_VIOLATION",
    "PERMISSION_NOT_ALLOWED",
    "IMPORT_NOT_PERMITTED",
    "IMPORT_UNKNOWN",
    "COMPONENT_INVALID",
    "DOMAIN_NOT_ALLOWED",
    "HOST_VERSION_INCOMPATIBLE",
    "ENTRY_POINT_MISSING",
    "METADATA_INVALID",
    "METADATA_EXPIRED",
    "METADATA_ROLLBACK",
    "DIGEST_MISMATCH",
    "PARTNER_REVOKED",
    "HOST_UPDATE_REQUIRED",
];

impl From<PackageError> for CliError {
    fn from(e: PackageError) -> Self {
        let mut c = CliError::new(e.code(), e.to_string(), Some(e.hint()));
        if VERIFICATION_CODES.contains(&e.code()) {
            c.exit = 2;
        }
        c
    }
}

impl From<RuntimeError> for CliError {
    fn from(e: RuntimeError) -> Self {
        let mut c = CliError::new(e.code(), e.to_string(), Some(e.hint()));
        if VERIFICATION_CODES.contains(&e.code()) {
            c.exit = 2;
        }
        c
    }
}

impl From<TokenError> for CliError {
    fn from(e: TokenError) -> Self {
        CliError::new(
            e.code(),
            e.to_string(),
            Some("check the token, the host public key and the app id"),
        )
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(v).expect("serializable"));
}

pub fn read(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::io(&format!("reading {}", path.display()), e))
}

pub fn read_string(path: &std::path::Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::io(&format!("reading {}", path.display()), e))
}

pub fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError::io(&format!("writing {}", path.display()), e))
}

/// A spinner on stderr for long work; invisible when stderr is not a terminal.
pub fn spinner(message: &str) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner();
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    pb.set_message(message.to_owned());
    pb.enable_steady_tick(std::time::Duration::from_millis(100));
    pb
}
