//! `miniapp`: keys, partner records, packages, installs, launches, and the demo.
//!
//! Every command is a thin shell over `miniapp-package` and `miniapp-runtime`; this crate knows
//! argument parsing and rendering, no domain rules.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod inspect;
mod output;

use output::CliError;

/// Run signed WebAssembly mini-programs inside a host app — and build, sign and test them.
///
/// A typical partner flow:
///   miniapp keygen --out acme
///   miniapp partner register --root-key root.key --public-key acme.pub --partner acme \
///       --namespace com.acme --allow storage,auth,payment --out acme.partner.json
///   miniapp pack ./my-app --key acme.key --partner acme.partner.json --out my-app.zip
///   miniapp verify my-app.zip --root root.pub
///
/// A host flow:
///   miniapp init --home H --root root.pub --host-version 1.4.0
///   miniapp install my-app.zip --home H
///   miniapp run com.acme.my-app --home H --inspect
///
/// Or see it all at once: `miniapp demo`.
#[derive(Parser, Debug)]
#[command(name = "miniapp", version, about, long_about, verbatim_doc_comment)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The home directory shared by host commands.
#[derive(clap::Args, Debug, Clone)]
pub struct HomeArg {
    /// The host's home directory (trust, installed apps, app data, audit log).
    /// Defaults to `<user data dir>/miniapp/home`.
    #[arg(long, env = "MINIAPP_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
}

impl HomeArg {
    pub fn path(&self) -> Result<PathBuf, CliError> {
        match &self.home {
            Some(h) => Ok(h.clone()),
            None => dirs::data_dir()
                .map(|d| d.join("miniapp").join("home"))
                .ok_or_else(|| CliError::usage("no user data directory here; pass --home DIR")),
        }
    }
}

/// Which engine runs guest code (shared by `install`, `run` and `demo`).
/// `--code-updates all|web-only`: which apps may be installed or updated over the air.
#[derive(clap::Args, Debug, Clone)]
pub struct CodeUpdatesArg {
    /// `web-only` refuses component apps (they ship in the host's binary, `miniapp bundle`).
    #[arg(
        long = "code-updates",
        env = "MINIAPP_CODE_UPDATES",
        value_name = "POLICY",
        default_value = "all"
    )]
    pub policy: miniapp_runtime::CodeUpdatePolicy,
}

#[derive(clap::Args, Debug, Clone)]
pub struct EngineArg {
    /// How guest code runs: `cranelift` (native code, the default) or `pulley` (wasmtime's
    /// portable interpreter, for hosts that forbid JIT such as iOS; slower). Each backend keeps
    /// its own precompiled artifacts, compiled on first use.
    #[arg(
        long = "engine",
        env = "MINIAPP_ENGINE",
        value_name = "BACKEND",
        default_value = "cranelift"
    )]
    pub backend: miniapp_runtime::Backend,
    /// How the engine sizes its address-space reservations: `device` (the default: fits a
    /// phone's few GiB; memory reserved from the app's memory limit, a small instance pool,
    /// bounds-checked code) or `server` (4 GiB reservations per memory and a pool of 1,000
    /// instances: terabytes of address space, no bounds checks). Artifacts of the two are cached
    /// apart; the first run under the other profile compiles again.
    #[arg(
        long = "profile",
        env = "MINIAPP_PROFILE",
        value_name = "PROFILE",
        default_value = "device"
    )]
    pub profile: miniapp_runtime::EngineProfile,
}

impl EngineArg {
    pub fn options(&self) -> miniapp_runtime::EngineOptions {
        miniapp_runtime::EngineOptions {
            backend: self.backend,
            ..miniapp_runtime::EngineOptions::for_profile(self.profile)
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the whole flow on a local demo home: keys, partner, pack, verify, install, launch,
    /// inspector, denied call, token, storage, timings, and a tampered package refused.
    Demo(commands::demo::Args),
    /// Start a mini-program project (Rust, Python, JavaScript or web) that builds, packs and
    /// runs: its README has the commands.
    New(commands::new::Args),
    /// Generate an RSA key pair: PREFIX.key (PKCS#8 PEM, keep secret) and PREFIX.pub (SPKI PEM).
    Keygen(commands::keygen::Args),
    /// Partner records: the marketplace signs who may publish what.
    #[command(subcommand)]
    Partner(commands::partner::Command),
    /// Sign a mini-program directory into a package zip.
    Pack(commands::pack::Args),
    /// Verify a package against a marketplace root key, without installing it.
    Verify(commands::verify::Args),
    /// Create a host home that trusts a marketplace root key.
    Init(commands::init::Args),
    /// Verify, extract and precompile a package into a home.
    Install(commands::install::Args),
    /// Verify packages and precompile them for a target into a read-only bundle directory that a
    /// host ships inside its binary (iOS: `--engine pulley`).
    Bundle(commands::bundle::Args),
    /// List every bridge method (from the contract's table) with its interface and permission,
    /// and the lifecycle events a host delivers.
    Methods(commands::methods::Args),
    /// List installed mini-programs.
    List(commands::list::Args),
    /// Launch an installed mini-program and print what its on-launch returns.
    Run(commands::run::Args),
    /// Show an installed mini-program's versions, consent and storage use.
    Status(commands::status::Args),
    /// Remove an installed mini-program (its data is kept unless --purge-data).
    Uninstall(commands::uninstall::Args),
    /// Verify a package and publish it to a marketplace tree (version document, zip, partner
    /// record, revocation list), signed by the marketplace root key.
    Publish(commands::publish::Args),
    /// Add a partner to the marketplace tree's revocation list.
    Revoke(commands::publish::RevokeArgs),
    /// Marketplace root rotation: create and sign a new root, move a home to it.
    #[command(subcommand)]
    Root(commands::root::Command),
    /// Serve a marketplace tree over HTTP (ETag, Range, content types).
    Serve(commands::serve::Args),
    /// Check a marketplace for newer versions, download, verify and stage them.
    Update(commands::update::Args),
    /// Return an app to its backup version.
    Rollback(commands::rollback::Args),
    /// Check tokens that mini-programs obtained from `auth.get-token`.
    #[command(subcommand)]
    Token(commands::token::Command),
    /// Simulator: serve mini-programs from source (no signature check) at
    /// http://<app-id>.localhost:PORT/ with the bridge, live reload and the Bridge Inspector;
    /// rebuilds component crates on change. Builds with the cargo feature `dev` (the default).
    #[cfg_attr(not(feature = "dev"), command(hide = true))]
    Dev(commands::dev::Args),
}

/// Exit code of a command line that does not parse (BSD's `EX_USAGE`): apart from 2, which
/// means a package failed verification.
const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version "fail" to parse too, successfully.
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let json = cli_wants_json(&cli.command);
    let result = match cli.command {
        Command::Demo(a) => commands::demo::run(a),
        Command::New(a) => commands::new::run(a),
        Command::Keygen(a) => commands::keygen::run(a),
        Command::Partner(c) => commands::partner::run(c),
        Command::Pack(a) => commands::pack::run(a),
        Command::Verify(a) => commands::verify::run(a),
        Command::Init(a) => commands::init::run(a),
        Command::Install(a) => commands::install::run(a),
        Command::Bundle(a) => commands::bundle::run(a),
        Command::Methods(a) => commands::methods::run(a),
        Command::List(a) => commands::list::run(a),
        Command::Run(a) => commands::run::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Uninstall(a) => commands::uninstall::run(a),
        Command::Token(c) => commands::token::run(c),
        Command::Dev(a) => commands::dev::run(a),
        Command::Publish(a) => commands::publish::run(a),
        Command::Revoke(a) => commands::publish::revoke(a),
        Command::Serve(a) => commands::serve::run(a),
        Command::Update(a) => commands::update::run(a),
        Command::Rollback(a) => commands::rollback::run(a),
        Command::Root(c) => commands::root::run(c),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(json),
    }
}

fn cli_wants_json(c: &Command) -> bool {
    match c {
        Command::Verify(a) => a.json,
        Command::Install(a) => a.json,
        Command::List(a) => a.json,
        Command::Status(a) => a.json,
        Command::Update(a) => a.json,
        Command::Dev(a) => commands::dev::wants_json(a),
        _ => false,
    }
}
