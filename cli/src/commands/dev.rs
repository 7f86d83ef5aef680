//! `miniapp dev DIR...`: the simulator, from the crate `miniapp-devtools`. It exists with the
//! cargo feature `dev` (on by default); a build with `--no-default-features` answers
//! `error[DEV_UNAVAILABLE]`. `miniapp dev event NAME` is a client of a running simulator
//! (`POST /__event`), in every build.

use std::path::PathBuf;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use crate::output::CliError;

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[cfg_attr(feature = "dev", command(after_help = miniapp_devtools::AFTER_HELP))]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Source dirs of mini-programs, each with its manifest.json: a web app (the files it
    /// serves) or a component app (its Cargo crate, or a prebuilt .wasm). Each is served at
    /// http://<app-id>.localhost:PORT/. (A dir named `event`: write `./event`.)
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

/// What `miniapp dev` does besides serving.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Send a lifecycle event to a running simulator's apps, as a host does: their open pages
    /// (`bridge.on(NAME, ...)`) and a component app's running instance (`on-event`).
    #[command(after_help = EVENT_HELP)]
    Event(EventArgs),
}

const EVENT_HELP: &str = "\
Standard events: show, hide, suspend, resume (no data), memoryWarning (--data
'{\"level\":\"moderate\"}' or '{\"level\":\"critical\"}'), updateReady (--data
'{\"version\":\"1.3.0\"}'). Any other name is sent untouched, as the host's own event.

Prints what got it: the app's open pages (each page's bridge socket) and, for a component app,
the instance its last launch left running. A payload that does not fit a standard event is
error[EVENT_INVALID]; an app the simulator does not serve is error[DEV_APP_NOT_SERVED].

The same over HTTP (no app: every app):
  curl -d '{\"event\":\"memoryWarning\",\"data\":{\"level\":\"critical\"}}' \\
       'http://localhost:8080/__event?app=com.acme.shop'

Examples:
  miniapp dev event hide
  miniapp dev event memoryWarning --data '{\"level\":\"critical\"}' --app com.acme.shop --port 9000";

#[derive(clap::Args, Debug)]
pub struct EventArgs {
    /// The event: show, hide, suspend, resume, memoryWarning, updateReady, or a name of yours.
    pub name: String,
    /// The event's data, a JSON object (default {}).
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// Only this app (default: every app the simulator serves).
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// The port the simulator serves on (`miniapp dev --port`).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Print the simulator's answer as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<(), CliError> {
    match a.action {
        Some(Action::Event(e)) => event(e),
        None => serve(a),
    }
}

/// Whether the command asked for JSON (its errors too).
pub fn wants_json(a: &Args) -> bool {
    matches!(&a.action, Some(Action::Event(e)) if e.json)
}

/// `miniapp dev event`: `POST http://localhost:PORT/__event[?app=ID]`; the simulator checks the
/// event (one parser, the contract's) and answers what got it.
fn event(a: EventArgs) -> Result<(), CliError> {
    let data: Value = match &a.data {
        None => json!({}),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            CliError::new(
                "EVENT_INVALID",
                format!("--data is not JSON: {e}"),
                Some("pass a JSON object, e.g. --data '{\"level\":\"critical\"}'"),
            )
        })?,
    };
    let body = json!({"event": a.name, "data": data}).to_string();
    let path = match &a.app {
        Some(app) => format!("/__event?app={}", query_value(app)),
        None => "/__event".to_owned(),
    };
    let (status, answer) = super::tokio()?.block_on(post(a.port, &path, body))?;
    let answer: Value = serde_json::from_str(&answer).map_err(|_| {
        CliError::new(
            "DEV_UNREACHABLE",
            format!(
                "port {} answered HTTP {status} with no event report: {}",
                a.port,
                cut(&answer)
            ),
            Some("is `miniapp dev` serving on this --port?"),
        )
    })?;
    if status != 200 {
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_owned();
        let mut e = CliError::new(&text("code"), text("message"), None);
        e.hint = answer["hint"].as_str().map(str::to_owned);
        return Err(e);
    }
    if a.json {
        crate::output::print_json(&answer);
        return Ok(());
    }
    let summary = format!(
        "{} {}",
        answer["event"].as_str().unwrap_or_default(),
        answer["data"]
    );
    for app in answer["apps"].as_array().into_iter().flatten() {
        let id = app["app"].as_str().unwrap_or_default();
        let mut got = format!("{} page(s)", app["pages"]);
        if let Some(n) = app["instances"].as_u64() {
            got.push_str(&format!(", {n} instance(s)"));
        }
        println!("{id}: {summary} → {got}");
        if let Some(e) = app["error"].as_object() {
            let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default();
            println!(
                "  on-event failed: error[{}]: {}",
                field("code"),
                field("message")
            );
        }
        if let Some(note) = app["note"].as_str() {
            println!("  {note}");
        }
    }
    if let Some(note) = answer["note"].as_str() {
        println!("note: {note}");
    }
    Ok(())
}

/// An app id as a query value: ids are ASCII letters, digits, `.`, `_` and `-`; anything else
/// is percent-encoded so the simulator can say it serves no such app.
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn cut(s: &str) -> String {
    s.chars().take(200).collect()
}

/// One POST to the simulator on 127.0.0.1 (its own origin, `localhost:PORT`): status and body.
async fn post(port: u16, path: &str, body: String) -> Result<(u16, String), CliError> {
    let unreachable = |what: &str, e: &dyn std::fmt::Display| {
        CliError::new(
            "DEV_UNREACHABLE",
            format!("{what} the simulator on 127.0.0.1:{port}: {e}"),
            Some("start it with `miniapp dev DIR`, or pass the --port it printed"),
        )
    };
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| unreachable("cannot reach", &e))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| unreachable("no HTTP from", &e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let request = hyper::Request::post(path)
        .header(hyper::header::HOST, format!("localhost:{port}"))
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| CliError::usage(format!("building the request: {e}")))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| unreachable("no answer from", &e))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| unreachable("reading the answer of", &e))?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

#[cfg(feature = "dev")]
fn serve(a: Args) -> Result<(), CliError> {
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
fn serve(_: Args) -> Result<(), CliError> {
    Err(CliError::new(
        "DEV_UNAVAILABLE",
        "`miniapp dev` (the simulator) is not part of this build (built without the feature `dev`)",
        Some("build with the default features: `cargo run -- dev DIR`"),
    ))
}
