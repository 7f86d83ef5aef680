//! The simulator behind `miniapp dev`. Serves web mini-programs from their source dirs (no
//! signature check), each on its own origin `http://<app-id>.localhost:PORT/`, answers the bridge
//! over a WebSocket (`/__bridge`) through the runtime's one JSON dispatcher, reloads pages when
//! files change, and shows every bridge call on the Bridge Inspector (`/__inspector`). Component
//! mini-programs are rebuilt from their crate on change and launched (see `component.rs`).
//! Lifecycle events are pushed to an app's pages and running component instance with
//! `POST /__event` (see `events.rs`).
//!
//! Development only: it loads code through the runtime's `dev` feature, which checks no
//! signature. The CLI has it with its cargo feature `dev`.
#![forbid(unsafe_code)]

mod component;
mod error;
mod events;
mod pages;
mod watch;

pub use error::{Cause, DevError};

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use miniapp_package::{MANIFEST_PATH, Manifest, Permission, keys};
use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use miniapp_runtime::{
    AppContext, DevPackage, Home, Method, NetworkPolicy, Runtime, RuntimeConfig, json_bridge,
    web_content_security_policy,
};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::watch::DirWatch;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

/// What `miniapp dev` was asked to serve (the CLI's arguments).
#[derive(Debug, Clone)]
pub struct Options {
    /// Source dirs of mini-programs, each with its manifest.json.
    pub dirs: Vec<PathBuf>,
    /// Port on 127.0.0.1 (and ::1); 0 picks a free one.
    pub port: u16,
    /// Where the simulator keeps app storage, consent and its audit log; `None`:
    /// `<user data dir>/miniapp/dev`.
    pub data: Option<PathBuf>,
    /// Do not watch the dirs for changes.
    pub no_reload: bool,
    /// What component apps' `on-launch` gets after each build.
    pub params: String,
    /// Cargo's target dir for component crates; `None`: `<data>/build`.
    pub target_dir: Option<PathBuf>,
}

/// What the simulator does, for the command's `--help`.
pub const AFTER_HELP: &str = "\
Web mini-programs (entryPoint *.html): pages are served as files, the SDK at /__sdk/, the bridge
over a WebSocket, and open pages reload when a file in DIR changes.

Component mini-programs (entryPoint *.wasm) with a Cargo crate in DIR (Cargo.toml beside
manifest.json, `crate-type = [\"cdylib\"]`, miniapp-sdk):
  - at start and on every change of src/, wit/, Cargo.toml, build.rs or manifest.json, runs
`cargo build --release --target wasm32-wasip2` (rustup target add wasm32-wasip2) and prints
the compiler's output;
  - loads the new component with no signature check, grants = the manifest's permissions, and
calls its on-launch with --params;
  - http://<app-id>.localhost:PORT/ shows the build (ok / building / failed with the compiler
error), the last on-launch result and its bridge calls, and a form to launch again; it
reloads when a build finishes. A failed build (error[DEV_BUILD_FAILED]) keeps the last good
component running. JSON: GET /__status, POST /__launch (body = params).
A DIR with a prebuilt component at the entryPoint and no Cargo.toml (componentize-py, jco) is
served as it is and reloaded when the file changes.

Lifecycle events, as a host sends them: `miniapp dev event hide` (see `miniapp dev event --help`),
or `curl -d '{\"event\":\"hide\"}' 'http://localhost:PORT/__event?app=ID'` (no app: every app).
Every open page of the app gets {\"event\":\"hide\",\"data\":{}} on its bridge socket (its
bridge.on('hide', ...) listeners); a component app's running instance (the one its last launch
left) gets it through on-event. A payload that does not fit a standard event is
error[EVENT_INVALID]; other names are sent untouched, as the host's own events.

Every bridge call, build and launch is listed at http://localhost:PORT/__inspector; its
recording (/__inspector/recording.json?app=ID) holds the bridge calls of web and component apps
alike, token signatures redacted, for the web mock's and the Rust guest mock's replay.

Example:
  miniapp dev my-loans --port 8080 --params '{\"applicant\":\"Ada\"}'
  #   com.acme.loans   http://com.acme.loans.localhost:8080/";

/// The host version the simulator claims (`device.info`); nothing is version-checked in dev.
const DEV_HOST_VERSION: semver::Version = semver::Version::new(1, 4, 0);
/// Calls kept for the inspector's backlog and the recording.
const KEEP_CALLS: usize = 100_000;
const BACKLOG: usize = 500;

/// The SDK served at `/__sdk/<file>`, so pages import `@miniapp/bridge` with no bundler.
const SDK: &[(&str, &str)] = &[
    ("index.js", include_str!("../web-bridge/index.js")),
    ("bridge.js", include_str!("../web-bridge/bridge.js")),
    ("errors.js", include_str!("../web-bridge/errors.js")),
    ("events.js", include_str!("../web-bridge/events.js")),
    ("helpers.js", include_str!("../web-bridge/helpers.js")),
    ("protocol.js", include_str!("../web-bridge/protocol.js")),
    ("transports.js", include_str!("../web-bridge/transports.js")),
];

/// Put first in every served HTML page: selects the SDK's WebSocket transport and reloads
/// the page when the server says files changed (or comes back after a restart).
const INJECTED: &str = r#"<script>window.__MINIAPP_SIMULATOR__ = true;
(function () {
  var wasOpen = false;
  function watch() {
var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__livereload');
ws.onopen = function () { if (wasOpen) location.reload(); wasOpen = true; };
ws.onmessage = function () { location.reload(); };
ws.onclose = function () { setTimeout(watch, 1000); };
  }
  watch();
})();</script>
"#;

const INSPECTOR_HTML: &str = include_str!("../templates/inspector.html");

tokio::task_local! {
    /// The span record of the bridge call the current task is answering.
    static SPAN_RECORD: RefCell<Option<BridgeCallRecord>>;
}

/// One row of the inspector.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct CallEntry {
    seq: u64,
    app: String,
    method: String,
    params: String,
    duration_us: u64,
    outcome: String,
    /// When the call started, in ms since the simulator started (the inspector's waterfall).
    start_ms: f64,
    /// The call as the recording holds it (`{method, params, result | error}`), for the
    /// inspector's detail view; none for builds and launches.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<Value>,
}

impl CallEntry {
    /// The row of a finished bridge call, whichever transport made it.
    fn of(r: &BridgeCallRecord) -> CallEntry {
        CallEntry {
            seq: 0,
            app: r.app.clone(),
            method: r.method.clone(),
            params: r.params_summary(),
            duration_us: r.duration_us,
            outcome: r.outcome.clone(),
            ..CallEntry::default()
        }
    }
}

/// A call's entry in the recording: bridge methods only, which the mocks can replay
/// (`http.request` goes through `wasi:http`, which no mock answers).
fn recording_entry(r: &BridgeCallRecord) -> Option<Value> {
    Method::from_name(&r.method).map(|_| r.recording_entry())
}

#[derive(Default)]
struct HubState {
    seq: u64,
    calls: VecDeque<(CallEntry, Option<Value>)>,
}

/// Fed by the `BridgeInspector` layer (through the transport, which adds params and result);
/// read by the inspector page and `recording.json`.
struct InspectorHub {
    live: broadcast::Sender<String>,
    state: Mutex<HubState>,
    /// The clock of `CallEntry::start_ms`.
    started: std::time::Instant,
}

impl InspectorHub {
    fn new() -> Self {
        InspectorHub {
            live: broadcast::channel(4096).0,
            state: Mutex::default(),
            started: std::time::Instant::now(),
        }
    }

    fn publish(&self, mut entry: CallEntry, recorded: Option<Value>) {
        let now_us = self.started.elapsed().as_micros() as u64;
        entry.start_ms = now_us.saturating_sub(entry.duration_us) as f64 / 1e3;
        entry.detail = recorded.clone();
        let mut s = self.state.lock().unwrap();
        s.seq += 1;
        entry.seq = s.seq;
        let _ = self
            .live
            .send(serde_json::to_string(&entry).expect("serializable"));
        if s.calls.len() == KEEP_CALLS {
            s.calls.pop_front();
        }
        s.calls.push_back((entry, recorded));
    }

    /// The seq the next published call gets.
    fn next_seq(&self) -> u64 {
        self.state.lock().unwrap().seq + 1
    }

    /// The calls of `app` published from seq `from` on.
    fn since(&self, from: u64, app: &str) -> Vec<CallEntry> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .rev()
            .take_while(|(e, _)| e.seq >= from)
            .filter(|(e, _)| e.app.eq_ignore_ascii_case(app))
            .map(|(e, _)| e.clone())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }

    fn backlog(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        let skip = s.calls.len().saturating_sub(BACKLOG);
        s.calls
            .iter()
            .skip(skip)
            .map(|(e, _)| serde_json::to_string(e).expect("serializable"))
            .collect()
    }

    /// `[{method, params, result | error}]`, the format both mocks' `replay` accept.
    fn recording(&self, app: Option<&str>) -> Value {
        let s = self.state.lock().unwrap();
        Value::Array(
            s.calls
                .iter()
                .filter(|(e, _)| app.is_none_or(|a| a == e.app))
                .filter_map(|(_, r)| r.clone())
                .collect(),
        )
    }
}

/// A mini-program served from its source dir.
struct DevApp {
    /// The manifest's id, lower-cased: the host name of its origin.
    id: String,
    dir: PathBuf,
    manifest: Mutex<Manifest>,
    ctx: Mutex<AppContext>,
    reload: broadcast::Sender<()>,
    /// Event messages (`POST /__event`) for every page on the app's bridge socket.
    events: broadcast::Sender<String>,
    /// Set for a component app: its build and launches.
    component: Option<component::ComponentApp>,
}

struct Simulator {
    runtime: Runtime,
    apps: BTreeMap<String, Arc<DevApp>>,
    hub: Arc<InspectorHub>,
}

type Shared = Arc<Simulator>;

/// The source dir's manifest (no component is read): what a web app's bridge context needs.
fn read_package(dir: &Path) -> Result<DevPackage, DevError> {
    DevPackage::manifest_of(dir).map_err(|e| {
        let mut e = DevError::from(e);
        if e.code == "MANIFEST_INVALID" {
            e.message = format!("{}: {}", dir.join(MANIFEST_PATH).display(), e.message);
        }
        e
    })
}

/// Opens the simulator's home, creating it (with a throwaway root key) the first time.
fn dev_home(data: &Path) -> Result<(), DevError> {
    if data.join("trust.json").exists() {
        return Ok(());
    }
    // Nothing is verified in dev, but a home needs a root key.
    let (_, public) = keys::generate_keypair(2048)?;
    Home::init(data, &keys::public_key_to_pem(&public)?, DEV_HOST_VERSION)?;
    Ok(())
}

/// Serves `options.dirs` until the process is stopped.
pub fn run(a: Options) -> Result<(), DevError> {
    let data = match a.data {
        Some(d) => d,
        None => dirs::data_dir()
            .map(|d| d.join("miniapp").join("dev"))
            .ok_or_else(|| DevError::usage("no user data directory here; pass --data DIR"))?,
    };
    let mut sources = Vec::new();
    for dir in &a.dirs {
        let dir = dir
            .canonicalize()
            .map_err(|e| DevError::io(&format!("opening {}", dir.display()), e))?;
        let package = read_package(&dir)?;
        let manifest = package.manifest().clone();
        let source = if manifest.is_component() {
            let target_dir = a.target_dir.clone().unwrap_or_else(|| data.join("build"));
            Some(component::Source::of(&dir, &manifest, target_dir)?)
        } else {
            None
        };
        if sources
            .iter()
            .any(|s: &AppSource| s.manifest.id == manifest.id)
        {
            return Err(DevError::usage(format!(
                "{} is given twice; each app needs its own origin",
                manifest.id
            )));
        }
        sources.push(AppSource {
            dir,
            manifest,
            package,
            component: source,
        });
    }
    dev_home(&data)?;
    let hub = Arc::new(InspectorHub::new());
    init_tracing(hub.clone());
    // Development: a component's wasi:http may reach a local API server (loopback, plain
    // http); names must still be in allowedDomains.
    let runtime = Runtime::new(
        &data,
        RuntimeConfig {
            network: NetworkPolicy {
                allow_loopback: true,
                ..Default::default()
            },
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DevError::io("starting the async runtime", e))?;
    tokio.block_on(serve(runtime, sources, hub, a.port, !a.no_reload, a.params))
}

/// One DIR of the command line.
struct AppSource {
    dir: PathBuf,
    manifest: Manifest,
    package: DevPackage,
    component: Option<component::Source>,
}

fn init_tracing(hub: Arc<InspectorHub>) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,miniapp::audit=off"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter);
    let inspector = BridgeInspector::new(move |r: &BridgeCallRecord| {
        // Inside a JSON-bridge call: hand the record to it (it also answers requests that
        // never reach a bridge call). Elsewhere (a component's calls) publish it as it is.
        let handed = SPAN_RECORD
            .try_with(|slot| *slot.borrow_mut() = Some(r.clone()))
            .is_ok();
        if !handed {
            hub.publish(CallEntry::of(r), recording_entry(r));
        }
    });
    let subscriber = tracing_subscriber::registry().with(fmt).with(inspector);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

async fn serve(
    runtime: Runtime,
    sources: Vec<AppSource>,
    hub: Arc<InspectorHub>,
    port: u16,
    reload: bool,
    params: String,
) -> Result<(), DevError> {
    let mut apps = BTreeMap::new();
    for AppSource {
        dir,
        manifest,
        package,
        component,
    } in sources
    {
        let ctx = runtime.dev_context(&package).await?;
        let id = manifest.id.as_str().to_ascii_lowercase();
        apps.insert(
            id.clone(),
            Arc::new(DevApp {
                id,
                dir,
                manifest: Mutex::new(manifest),
                ctx: Mutex::new(ctx),
                reload: broadcast::channel(16).0,
                events: broadcast::channel(64).0,
                component: component
                    .map(|source| component::ComponentApp::new(source, params.clone())),
            }),
        );
    }
    let sim = Arc::new(Simulator { runtime, apps, hub });
    let bind_err = |e: std::io::Error| {
        DevError::new(
            "BIND_FAILED",
            format!("cannot listen on port {port}: {e}"),
            Some("pick another --port (0 picks a free one)"),
        )
    };
    let v4 = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(bind_err)?;
    let port = v4.local_addr().map_err(bind_err)?.port();
    // Browsers may resolve *.localhost to ::1 first; serve it too when the host has IPv6.
    let v6 = tokio::net::TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port)))
        .await
        .ok();

    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "miniapp dev: development only, nothing is signature-checked"
    );
    for (id, app) in &sim.apps {
        let what = match &app.component {
            Some(c) => c.describe(&app.dir, &app.manifest.lock().unwrap()),
            None => app.dir.display().to_string(),
        };
        let _ = writeln!(out, "  {id:<24} http://{id}.localhost:{port}/   ({what})");
    }
    let _ = writeln!(
        out,
        "  {:<24} http://localhost:{port}/__inspector",
        "inspector"
    );
    let _ = writeln!(
        out,
        "  {:<24} {}",
        "live reload",
        if reload { "on" } else { "off" }
    );
    let _ = out.flush();
    drop(out);

    for app in sim.apps.values() {
        let changes = if reload {
            Some(DirWatch::new(&app.dir)?)
        } else {
            None
        };
        match (&app.component, changes) {
            (Some(_), changes) => {
                tokio::spawn(component::drive(sim.clone(), app.clone(), changes));
            }
            (None, Some(changes)) => {
                tokio::spawn(watch(sim.clone(), app.clone(), changes));
            }
            (None, None) => {}
        }
    }
    let router = router(sim);
    if let Some(v6) = v6 {
        let r = router.clone();
        tokio::spawn(async move { axum::serve(v6, r).await });
    }
    axum::serve(v4, router)
        .await
        .map_err(|e| DevError::io("serving", e))
}

fn router(sim: Shared) -> Router {
    Router::new()
        .route("/__bridge", get(bridge_ws).post(bridge_post))
        .route("/__status", get(component::status))
        .route("/__launch", post(component::launch_post))
        .route("/__event", post(events::push))
        .route("/__livereload", get(livereload_ws))
        .route("/__sdk/{file}", get(sdk_file))
        .route("/__inspector", get(inspector_page))
        .route("/__inspector/events", get(inspector_ws))
        .route("/__inspector/recording.json", get(recording))
        .fallback(static_or_index)
        .with_state(sim)
}

// ---- hosts and origins ----

/// The Host header without its port, lower-cased.
fn host_name(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
        _ => host,
    }
}

fn is_simulator_host(headers: &HeaderMap) -> bool {
    matches!(
        host_name(headers).as_str(),
        "localhost" | "127.0.0.1" | "[::1]"
    )
}

impl Simulator {
    /// The app whose origin this request is for (`<app-id>.localhost`).
    fn app_for(&self, headers: &HeaderMap) -> Option<Arc<DevApp>> {
        let host = host_name(headers);
        self.apps.get(host.strip_suffix(".localhost")?).cloned()
    }

    /// Answers one bridge request through the runtime's dispatcher and reports it to the
    /// inspector (span facts from the `BridgeInspector` layer, params and result from here).
    async fn call(&self, app: &DevApp, text: &str) -> String {
        let ctx = app.ctx.lock().unwrap().clone();
        let start = Instant::now();
        let request: Option<Value> = serde_json::from_str(text).ok();
        let (response, span) = SPAN_RECORD
            .scope(RefCell::new(None), async {
                let response = match &request {
                    Some(v) => json_bridge::dispatch(&ctx, v).await,
                    None => serde_json::from_str(&json_bridge::dispatch_str(&ctx, text).await)
                        .unwrap_or(Value::Null),
                };
                (response, SPAN_RECORD.with(|s| s.borrow_mut().take()))
            })
            .await;
        let method = request
            .as_ref()
            .and_then(|r| r.get("method"))
            .and_then(Value::as_str);
        let params = request
            .as_ref()
            .and_then(|r| r.get("params"))
            .filter(|p| !p.is_null())
            .cloned()
            .unwrap_or_else(|| json!({}));
        let error = response.get("error").cloned();
        let outcome = error
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("ok");
        let (entry, recorded) = match span {
            // The record has what the runtime saw, as it shows any transport's calls
            // (params and result in the JSON bridge's shape, token signatures redacted).
            Some(r) => (CallEntry::of(&r), recording_entry(&r)),
            // Answered before any bridge call (not JSON, no such method, no id).
            None => (
                CallEntry {
                    seq: 0,
                    app: ctx.app().to_string(),
                    method: method.unwrap_or("?").to_owned(),
                    params: summary(&params),
                    duration_us: start.elapsed().as_micros() as u64,
                    outcome: outcome.to_owned(),
                    ..CallEntry::default()
                },
                method.map(|m| match &error {
                    Some(e) => json!({"method": m, "params": params, "error": e}),
                    None => {
                        json!({"method": m, "params": params, "result": response.get("result")})
                    }
                }),
            ),
        };
        self.hub.publish(entry, recorded);
        response.to_string()
    }
}

/// Compact JSON, cut as records' params summaries are.
fn summary(params: &Value) -> String {
    miniapp_runtime::inspector::summary(params)
}

use miniapp_runtime::inspector::cut;

/// Pages may only open their own origin's sockets (WebSockets ignore CORS); tools send no
/// Origin and are let through.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    origin.eq_ignore_ascii_case(&format!("http://{host}"))
        || origin.eq_ignore_ascii_case(&format!("https://{host}"))
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn no_app(headers: &HeaderMap) -> Response {
    text(
        StatusCode::NOT_FOUND,
        format!(
            "no mini-program is served at `{}`; apps live at http://<app-id>.localhost:<port>/ (see http://localhost:<port>/)",
            host_name(headers)
        ),
    )
}

fn cross_origin() -> Response {
    text(
        StatusCode::FORBIDDEN,
        "a page may only use its own origin's bridge",
    )
}

// ---- the bridge ----

async fn bridge_ws(
    State(sim): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let Some(app) = sim.app_for(&headers) else {
        return no_app(&headers);
    };
    if !same_origin(&headers) {
        return cross_origin();
    }
    // Subscribed before the handshake's answer: an event pushed once the page is connected
    // reaches it.
    let events = app.events.subscribe();
    ws.on_upgrade(move |socket| bridge_socket(sim, app, socket, events))
}

/// Requests are answered concurrently (a payment may wait for the user); responses go back in
/// the order they finish, as the protocol allows. Event messages pushed with `POST /__event`
/// go out between them.
async fn bridge_socket(
    sim: Shared,
    app: Arc<DevApp>,
    mut socket: WebSocket,
    mut events: broadcast::Receiver<String>,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(message) => if socket.send(Message::Text(message.into())).await.is_err() {
                    break;
                },
                // A page that fell 64 events behind misses some, as a frozen WebView would.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(t))) => {
                    let (sim, app, tx) = (sim.clone(), app.clone(), tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(sim.call(&app, t.as_str()).await);
                    });
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            Some(out) = rx.recv() => {
                if socket.send(Message::Text(out.into())).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// One request per POST, for tools and tests (`curl -d '{"id":1,...}'`).
async fn bridge_post(State(sim): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let Some(app) = sim.app_for(&headers) else {
        return no_app(&headers);
    };
    if !same_origin(&headers) {
        return cross_origin();
    }
    let answer = sim.call(&app, &body).await;
    ([(header::CONTENT_TYPE, "application/json")], answer).into_response()
}

// ---- live reload ----

async fn livereload_ws(
    State(sim): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let Some(app) = sim.app_for(&headers) else {
        return no_app(&headers);
    };
    let mut changes = app.reload.subscribe();
    ws.on_upgrade(move |mut socket| async move {
        loop {
            tokio::select! {
                changed = changes.recv() => match changed {
                    Ok(()) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        if socket.send(Message::Text("reload".into())).await.is_err() {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => if !matches!(incoming, Some(Ok(_))) {
                    break;
                },
            }
        }
    })
}

/// Watches a web app's dir; on a change re-reads the manifest (permissions may have changed)
/// and tells the app's pages to reload. (Component apps watch their own sources.)
async fn watch(sim: Shared, app: Arc<DevApp>, mut changes: DirWatch) {
    let id = &app.id;
    while changes.settled_change(|_| true).await {
        match read_package(&app.dir) {
            Ok(package) if package.manifest().id.as_str().eq_ignore_ascii_case(id) => {
                let m = package.manifest().clone();
                if m.permissions != app.manifest.lock().unwrap().permissions {
                    match sim.runtime.dev_context(&package).await {
                        Ok(ctx) => *app.ctx.lock().unwrap() = ctx,
                        Err(e) => eprintln!("[dev] {id}: error[{}]: {e}", e.code()),
                    }
                }
                *app.manifest.lock().unwrap() = m;
            }
            Ok(package) => eprintln!(
                "[dev] {id}: manifest.json now says id {}; restart `miniapp dev` to serve it",
                package.manifest().id
            ),
            Err(e) => eprintln!("[dev] {id}: error[{}]: {}", e.code, e.message),
        }
        println!("[dev] {id}: files changed, reloading its pages");
        let _ = app.reload.send(());
    }
}

// ---- files ----

async fn sdk_file(UrlPath(file): UrlPath<String>) -> Response {
    match SDK.iter().find(|(name, _)| *name == file) {
        Some((_, source)) => (
            [
                (header::CONTENT_TYPE, text_type(&file)),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            *source,
        )
            .into_response(),
        None => text(StatusCode::NOT_FOUND, format!("no SDK file `{file}`")),
    }
}

/// The content type of a text file the simulator writes itself (SDK files, pages), by name.
fn text_type(path: &str) -> String {
    format!(
        "{}; charset=utf-8",
        mime_guess::from_path(path).first_or_text_plain()
    )
}

/// Puts the simulator script first in the page (right after `<head>` when there is one).
fn inject(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let at = lower
        .find("<head")
        .and_then(|i| lower[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    format!("{}{INJECTED}{}", &html[..at], &html[at..])
}

/// The CSP a host's WebView would apply to this app's pages (see
/// [`web_content_security_policy`]), so a page that fetches outside `allowedDomains` fails
/// here, in development, the way it will in the host. The bridge and live-reload sockets
/// are same-origin; they are also named as `ws://` for browsers whose `'self'` predates
/// CSP 3 and does not cover `ws:`.
fn page_policy(sim: &Simulator, app: &DevApp, headers: &HeaderMap) -> String {
    let granted = app
        .ctx
        .lock()
        .unwrap()
        .grants()
        .contains(Permission::Network);
    let socket = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(|h| vec![format!("ws://{h}")])
        .unwrap_or_default();
    let manifest = app.manifest.lock().unwrap();
    let policy = sim.runtime.network_policy();
    web_content_security_policy(&manifest.allowed_domains, granted, policy, &socket)
}

/// A web app's file from its source dir: `/` is the entry point, `dir/` its `index.html`. Pages
/// get the simulator script; everything else is served by tower-http's `ServeDir` (content type,
/// ranges, conditional requests). Every answer carries the app's CSP and `no-store`.
async fn serve_file(sim: &Simulator, app: &DevApp, mut request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() {
        app.manifest.lock().unwrap().entry_point.clone()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    };
    let missing = || text(StatusCode::NOT_FOUND, format!("no file `{rel}`"));
    let Ok(decoded) = percent_encoding::percent_decode_str(&rel).decode_utf8() else {
        return missing();
    };
    if decoded
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || c.contains('\\'))
    {
        return missing();
    }
    // Symlinks must not lead out of the source dir (ServeDir follows them).
    let Ok(full) = app.dir.join(decoded.as_ref()).canonicalize() else {
        return missing();
    };
    if !full.starts_with(&app.dir) {
        return missing();
    }
    let policy = page_policy(sim, app, request.headers());
    let mut response =
        if mime_guess::from_path(decoded.as_ref()).first_or_octet_stream() == mime::TEXT_HTML {
            match tokio::fs::read(&full).await {
                Ok(bytes) => (
                    [(header::CONTENT_TYPE, text_type("page.html"))],
                    inject(&String::from_utf8_lossy(&bytes)),
                )
                    .into_response(),
                Err(_) => return missing(),
            }
        } else {
            let Ok(uri) = format!("/{rel}").parse::<Uri>() else {
                return missing();
            };
            *request.uri_mut() = uri;
            let Ok(response) = ServeDir::new(&app.dir).oneshot(request).await;
            if response.status() == StatusCode::NOT_FOUND {
                return missing();
            }
            response.map(Body::new)
        };
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        out.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

async fn static_or_index(State(sim): State<Shared>, request: Request) -> Response {
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    if let Some(app) = sim.app_for(&headers) {
        return match (&app.component, uri.path()) {
            (None, _) => serve_file(&sim, &app, request).await,
            (Some(_), "/") => component::page(&app, &headers),
            (Some(_), path) => text(
                StatusCode::NOT_FOUND,
                format!("a component app serves only its page at `/`, not `{path}`"),
            ),
        };
    }
    if is_simulator_host(&headers) && uri.path() == "/" {
        return index_page(&sim, &headers);
    }
    no_app(&headers)
}

fn port_suffix(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    match host.rsplit_once(':') {
        Some((_, port)) if port.bytes().all(|b| b.is_ascii_digit()) => format!(":{port}"),
        _ => String::new(),
    }
}

fn index_page(sim: &Simulator, headers: &HeaderMap) -> Response {
    let apps: Vec<Value> = sim
        .apps
        .iter()
        .map(|(id, app)| {
            let kind = match &app.component {
                Some(c) => format!("component, build {}", c.state_word()),
                None => "web".to_owned(),
            };
            json!({"id": id, "kind": kind})
        })
        .collect();
    let html = pages::render(
        "index.html",
        &json!({"port": port_suffix(headers), "apps": apps}),
    );
    ([(header::CONTENT_TYPE, text_type("page.html"))], html).into_response()
}

// ---- the inspector (only on the simulator's own origin, never an app's) ----

async fn inspector_page(headers: HeaderMap) -> Response {
    if !is_simulator_host(&headers) {
        return no_app(&headers);
    }
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INSPECTOR_HTML,
    )
        .into_response()
}

async fn inspector_ws(
    State(sim): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !is_simulator_host(&headers) || !same_origin(&headers) {
        return cross_origin();
    }
    let mut live = sim.hub.live.subscribe();
    let backlog = sim.hub.backlog();
    ws.on_upgrade(move |mut socket| async move {
        for line in backlog {
            if socket.send(Message::Text(line.into())).await.is_err() {
                return;
            }
        }
        loop {
            tokio::select! {
                entry = live.recv() => match entry {
                    Ok(line) => if socket.send(Message::Text(line.into())).await.is_err() {
                        break;
                    },
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                incoming = socket.recv() => if !matches!(incoming, Some(Ok(_))) {
                    break;
                },
            }
        }
    })
}

/// `GET /__inspector/recording.json[?app=ID]`: the session's calls as a recording.
async fn recording(
    State(sim): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !is_simulator_host(&headers) {
        return no_app(&headers);
    }
    let app = q.get("app").map(|a| a.to_ascii_lowercase());
    let body =
        serde_json::to_string_pretty(&sim.hub.recording(app.as_deref())).expect("serializable");
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"recording.json\"",
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_after_head_or_first() {
        let page = inject("<!doctype html><html><HEAD lang=en><title>x</title>");
        assert!(page.starts_with("<!doctype html><html><HEAD lang=en><script>"));
        assert!(inject("<p>hi").starts_with("<script>window.__MINIAPP_SIMULATOR__"));
    }

    #[test]
    fn hosts_name_apps_and_origins_must_match() {
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            "Com.Acme.Shop.localhost:8080".parse().unwrap(),
        );
        assert_eq!(host_name(&h), "com.acme.shop.localhost");
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            "http://com.acme.shop.localhost:8080".parse().unwrap(),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            "http://com.acme.notes.localhost:8080".parse().unwrap(),
        );
        assert!(!same_origin(&h));
        h.insert(header::HOST, "localhost:9".parse().unwrap());
        assert!(is_simulator_host(&h));
    }

    #[test]
    fn every_module_the_served_sdk_imports_is_served() {
        for (file, source) in SDK {
            for line in source.lines() {
                let Some(rest) = line.split(" from './").nth(1) else {
                    continue;
                };
                let imported = rest.split('\'').next().unwrap();
                assert!(
                    SDK.iter().any(|(name, _)| *name == imported),
                    "{file} imports ./{imported}, which /__sdk/ does not serve"
                );
            }
        }
    }

    #[test]
    fn summaries_are_cut_on_a_character_boundary() {
        use miniapp_runtime::inspector::SUMMARY_CHARS;
        let long = json!({"k": "é".repeat(SUMMARY_CHARS * 2)});
        let s = summary(&long);
        assert_eq!(s.chars().count(), SUMMARY_CHARS + 1);
        assert!(s.ends_with('…'));
        let short = json!({"k": "é"});
        assert_eq!(summary(&short), short.to_string());
    }
}
