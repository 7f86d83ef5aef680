//! `miniapp dev DIR...`: the simulator, from the crate `miniapp-devtools`. It exists with the
//! cargo feature `dev` (on by default); a build with `--no-default-features` answers
//! `error[DEV_UNAVAILABLE]`.

use std::path::PathBuf;

use crate::output::CliError;

#[derive(clap::Args, Debug)]
#[cfg_attr(feature = "dev", command(after_help = miniapp_devtools::AFTER_HELP))]
pub struct Args {
    /// Source dirs of mini-programs, each with its manifest.json: a web app (the files it
    /// serves) or a component app (its Cargo crate, or a prebuilt .wasm). Each is served at
    /// http://<app-id>.localhost:PORT/.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Port on 127.0.0.1 (and ::1); 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Where the simulator keeps app storage, consent and its audit log.
    /// Defaults to `<user data dir>/miniapp/dev`.
    #[arg(long, env = "MINIAPP_DEV_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Do not watch the dirs for changes.
    #[arg(long)]
    pub no_reload: bool,
    /// What component apps' `on-launch` gets after each build (the page can change it).
    #[arg(long, default_value = "", value_name = "JSON")]
    pub params: String,
    /// Cargo's target dir for component crates. Defaults to `<data>/build`.
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

#[cfg(feature = "dev")]
pub fn run(a: Args) -> Result<(), CliError> {
    miniapp_devtools::run(miniapp_devtools::Options {
        dirs: a.dirs,
        port: a.port,
        data: a.data,
        no_reload: a.no_reload,
        params: a.params,
        target_dir: a.target_dir,
    })
    .map_err(|e| {
        // A library error keeps the CLI's own classification (exit 2 for an untrusted package)
        // and takes the simulator's message, which names the file.
        let mut c = match e.cause.map(|c| *c) {
            Some(miniapp_devtools::Cause::Package(p)) => CliError::from(p),
            Some(miniapp_devtools::Cause::Runtime(r)) => CliError::from(r),
            _ => CliError::new(&e.code, "", None),
        };
        c.message = e.message;
        c.hint = c.hint.or(e.hint);
        c
    })
}

#[cfg(not(feature = "dev"))]
pub fn run(_: Args) -> Result<(), CliError> {
    Err(CliError::new(
        "DEV_UNAVAILABLE",
        "`miniapp dev` (the simulator) is not part of this build (built without the feature `dev`)",
        Some("build with the default features: `cargo run -- dev DIR`"),
    ))
}
