//! Component mini-programs in the simulator: the crate beside `manifest.json` is built with
//! `cargo build --release --target wasm32-wasip2` at start and after every change of its sources
//! (debounced; changes during a build start one more build), loaded with no signature check
//! ([`Runtime::dev_load`]) and launched; a failed build keeps the last good component. A dir
//! with a prebuilt component and no crate (componentize-py, jco) is reloaded when the file
//! changes. The app's page (`/`) shows the build, the last `on-launch` and its bridge calls.
//!
//! [`Runtime::dev_load`]: miniapp_runtime::Runtime::dev_load

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use miniapp_runtime::{AppInstance, LaunchOptions};

use super::*;
use crate::watch::DirWatch;

use miniapp_nested_cargo::{COMPONENT_TARGET as TARGET, PROBE_FAILED};

/// Compiler output kept for the page (its tail).
const KEEP_OUTPUT: usize = 64 * 1024;

/// Where a component app's `.wasm` comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Source {
    /// A Cargo crate (`Cargo.toml` beside `manifest.json`), rebuilt on change.
    Crate { target_dir: PathBuf },
    /// The entry point itself, built by another toolchain; reloaded when it changes.
    Prebuilt,
}

impl Source {
    /// A crate when there is a `Cargo.toml`, else the prebuilt entry point, else an error that
    /// says what `dev` can do with a component app.
    pub(super) fn of(
        dir: &Path,
        manifest: &Manifest,
        target_dir: PathBuf,
    ) -> Result<Source, DevError> {
        if dir.join("Cargo.toml").is_file() {
            return Ok(Source::Crate { target_dir });
        }
        if dir.join(&manifest.entry_point).is_file() {
            return Ok(Source::Prebuilt);
        }
        Err(DevError::new(
            "DEV_NO_CRATE",
            format!(
                "{} is a component mini-program (entryPoint {}) but {} has no Cargo.toml and no {}; \
                 `miniapp dev` rebuilds Rust crates only",
                manifest.id,
                manifest.entry_point,
                dir.display(),
                manifest.entry_point
            ),
            Some(
                "put manifest.json beside the crate's Cargo.toml, or put a prebuilt component at \
                 the entryPoint path (it is reloaded when it changes), or pack the build and \
                 `miniapp install` + `miniapp run` it",
            ),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum BuildState {
    Building,
    Ok,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorReport {
    pub(crate) code: String,
    message: String,
    hint: Option<String>,
}

impl From<DevError> for ErrorReport {
    fn from(e: DevError) -> Self {
        ErrorReport {
            code: e.code,
            message: e.message,
            hint: e.hint,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildReport {
    /// Counts builds (or reloads of a prebuilt component) from 1.
    number: u64,
    state: BuildState,
    error: Option<ErrorReport>,
    /// What the compiler printed (its tail).
    output: String,
    duration_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LaunchReport {
    number: u64,
    /// The build whose component ran.
    build: u64,
    params: String,
    ok: bool,
    result: Option<String>,
    error: Option<ErrorReport>,
    duration_ms: u64,
    /// The bridge calls made during this launch, as the inspector shows them.
    calls: Vec<CallEntry>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ComponentStatus {
    build: Option<BuildReport>,
    /// The build whose component launches run now (the last good one).
    loaded_build: Option<u64>,
    launch: Option<LaunchReport>,
    /// What the next launch (after a rebuild, or the page's button) passes to `on-launch`.
    params: String,
}

/// The component side of a [`DevApp`].
pub(super) struct ComponentApp {
    source: Source,
    status: Mutex<ComponentStatus>,
    launches: AtomicU64,
    /// The instance the last launch left running, as a host keeps a launched app: lifecycle
    /// events (`POST /__event`) go to it. The next launch replaces it; a failed launch or
    /// event ends it.
    running: tokio::sync::Mutex<Option<AppInstance>>,
}

impl ComponentApp {
    pub(super) fn new(source: Source, params: String) -> Self {
        ComponentApp {
            source,
            status: Mutex::new(ComponentStatus {
                build: None,
                loaded_build: None,
                launch: None,
                params,
            }),
            launches: AtomicU64::new(0),
            running: tokio::sync::Mutex::new(None),
        }
    }

    /// What to tell the terminal at start.
    pub(super) fn describe(&self, dir: &Path, manifest: &Manifest) -> String {
        match &self.source {
            Source::Crate { target_dir } => format!(
                "component, rebuilt on change from {} (cargo --target-dir {})",
                dir.display(),
                target_dir.display()
            ),
            Source::Prebuilt => format!(
                "prebuilt component {}, reloaded on change",
                dir.join(&manifest.entry_point).display()
            ),
        }
    }

    /// Whether a change of `rel` (relative to the source dir) calls for a new build.
    fn is_source(&self, rel: &Path, manifest: &Manifest) -> bool {
        if rel == Path::new(miniapp_package::MANIFEST_PATH) {
            return true;
        }
        match self.source {
            Source::Crate { .. } => {
                ["Cargo.toml", "build.rs"]
                    .iter()
                    .any(|f| rel == Path::new(f))
                    || ["src", "wit"].iter().any(|d| rel.starts_with(d))
            }
            Source::Prebuilt => rel == Path::new(&manifest.entry_point),
        }
    }

    pub(super) fn state_word(&self) -> &'static str {
        match self.status.lock().unwrap().build.as_ref().map(|b| b.state) {
            None | Some(BuildState::Building) => "building",
            Some(BuildState::Ok) => "ok",
            Some(BuildState::Failed) => "failed",
        }
    }
}

/// Builds, loads and launches the app at start; with `changes`, again after every change of
/// its sources (changes during a build start one more build).
pub(super) async fn drive(sim: Shared, app: Arc<DevApp>, changes: Option<DirWatch>) {
    let component = app.component.as_ref().expect("a component app");
    rebuild(&sim, &app).await;
    let Some(mut changes) = changes else {
        return;
    };
    let sources = |rel: &Path| {
        let manifest = app.manifest.lock().unwrap();
        component.is_source(rel, &manifest)
    };
    while changes.settled_change(sources).await {
        rebuild(&sim, &app).await;
    }
}

/// One build (or reload) → load → launch; a failure keeps the last good component.
async fn rebuild(sim: &Shared, app: &Arc<DevApp>) {
    let component = app.component.as_ref().expect("a component app");
    let id = app.id.clone();
    let number = {
        let mut s = component.status.lock().unwrap();
        let number = s.build.as_ref().map_or(1, |b| b.number + 1);
        s.build = Some(BuildReport {
            number,
            state: BuildState::Building,
            error: None,
            output: String::new(),
            duration_ms: None,
        });
        number
    };
    let _ = app.reload.send(());
    println!("[dev] {id}: build #{number} started");
    let start = Instant::now();

    let (result, output) = match build_and_load(sim, app).await {
        Ok(output) => (Ok(()), output),
        Err((e, output)) => (Err(e), output),
    };
    let duration = start.elapsed();
    let outcome = match &result {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.code.clone(),
    };
    sim.hub.publish(
        CallEntry {
            seq: 0,
            app: id.clone(),
            method: "dev.build".into(),
            params: format!("#{number}"),
            duration_us: duration.as_micros() as u64,
            outcome,
            ..CallEntry::default()
        },
        None,
    );
    {
        let mut s = component.status.lock().unwrap();
        let loaded = s.loaded_build;
        let build = s.build.as_mut().expect("set above");
        build.output = output;
        build.duration_ms = Some(duration.as_millis() as u64);
        match result {
            Ok(()) => {
                build.state = BuildState::Ok;
                s.loaded_build = Some(number);
                println!(
                    "[dev] {id}: build #{number} ok in {:.1} s, loaded",
                    duration.as_secs_f64()
                );
            }
            Err(e) => {
                eprintln!("[dev] {id}: error[{}]: {}", e.code, e.message);
                if let Some(h) = &e.hint {
                    eprintln!("  hint: {h}");
                }
                match loaded {
                    Some(n) => eprintln!("[dev] {id}: still serving the component of build #{n}"),
                    None => eprintln!("[dev] {id}: no component has built yet"),
                }
                build.state = BuildState::Failed;
                build.error = Some(e.into());
            }
        }
    }
    if component.status.lock().unwrap().loaded_build == Some(number) {
        let params = component.status.lock().unwrap().params.clone();
        let report = launch(sim, app, params).await;
        match (&report.result, &report.error) {
            (Some(r), _) => println!("[dev] {id}: on-launch → {}", cut(r, 300)),
            (_, Some(e)) => println!(
                "[dev] {id}: on-launch failed: error[{}]: {}",
                e.code, e.message
            ),
            _ => {}
        }
    }
    let _ = app.reload.send(());
}

/// Builds (or reads) the component, checks it is one, and loads it; returns the compiler output.
async fn build_and_load(sim: &Shared, app: &Arc<DevApp>) -> Result<String, (DevError, String)> {
    let component = app.component.as_ref().expect("a component app");
    let manifest = read_package(&app.dir)
        .map_err(|e| (e, String::new()))?
        .manifest()
        .clone();
    if !manifest.id.as_str().eq_ignore_ascii_case(&app.id) || !manifest.is_component() {
        return Err((
            DevError::new(
                "DEV_MANIFEST_CHANGED",
                format!(
                    "manifest.json now says id {} with entryPoint {}; this simulator serves {} as a component",
                    manifest.id, manifest.entry_point, app.id
                ),
                Some("restart `miniapp dev` to serve it"),
            ),
            String::new(),
        ));
    }
    let (dir, source) = (app.dir.clone(), component.source.clone());
    let (package, output) = tokio::task::spawn_blocking(move || match source {
        Source::Crate { target_dir } => {
            let (wasm, output) = cargo_build(&dir, &target_dir)?;
            match DevPackage::from_crate_build(&dir, &wasm) {
                Ok(package) => Ok((package, output)),
                Err(e) => Err((e.into(), output)),
            }
        }
        Source::Prebuilt => DevPackage::from_source_dir(&dir)
            .map(|package| (package, String::new()))
            .map_err(|e| (e.into(), String::new())),
    })
    .await
    .map_err(|e| {
        (
            DevError::new("DEV_BUILD_FAILED", e.to_string(), None),
            String::new(),
        )
    })??;
    let manifest = package.manifest().clone();
    if !package
        .component()
        .is_some_and(miniapp_nested_cargo::is_component)
    {
        return Err((
            DevError::new(
                "DEV_NOT_A_COMPONENT",
                format!("{} is not a WebAssembly component", manifest.entry_point),
                Some(
                    "build for wasm32-wasip2 (a core module needs `wasm-tools component new`); \
                     componentize-py and jco make components",
                ),
            ),
            output,
        ));
    }
    // Compiling takes a while: off the async threads, and the package (the component's bytes)
    // comes back rather than being copied.
    let runtime_sim = sim.clone();
    let (loaded, package) = tokio::task::spawn_blocking(move || {
        let loaded = runtime_sim.runtime.dev_load(&package);
        (loaded, package)
    })
    .await
    .map_err(|e| {
        (
            DevError::new("DEV_BUILD_FAILED", e.to_string(), None),
            output.clone(),
        )
    })?;
    loaded.map_err(|e| (DevError::from(e), output.clone()))?;
    // Permissions may have changed: the bridge context follows the manifest.
    if manifest.permissions != app.manifest.lock().unwrap().permissions {
        match sim.runtime.dev_context(&package).await {
            Ok(ctx) => *app.ctx.lock().unwrap() = ctx,
            Err(e) => return Err((e.into(), output)),
        }
    }
    *app.manifest.lock().unwrap() = manifest;
    Ok(output)
}

/// [`cargo_build_once`] once the wasm target is installed (rustup adds it when missing, as the
/// workspace's own guest builds do), retried once without cargo's probe cache when the rustc
/// probe failed (seen when something fed the probe stray input; see `miniapp-nested-cargo`).
fn cargo_build(dir: &Path, target_dir: &Path) -> Result<(PathBuf, String), (DevError, String)> {
    let what = format!("the component of {}", dir.display());
    miniapp_nested_cargo::add_missing_target(TARGET, &what, |line| eprintln!("[dev] {line}"))
        .map_err(|e| {
            (
                DevError::new(
                    "DEV_BUILD_FAILED",
                    e,
                    Some("install Rust with rustup (https://rustup.rs)"),
                ),
                String::new(),
            )
        })?;
    match cargo_build_once(dir, target_dir) {
        Err((_, output)) if output.contains(PROBE_FAILED) => {
            eprintln!("[dev] cargo's rustc probe failed; retrying once without its cache");
            miniapp_nested_cargo::forget_rustc_probe(target_dir);
            cargo_build_once(dir, target_dir)
        }
        result => result,
    }
}

/// `cargo build --release --target wasm32-wasip2` of the crate in `dir`: echoes the compiler's
/// output to the terminal as it comes, and returns where the component is and that output.
fn cargo_build_once(
    dir: &Path,
    target_dir: &Path,
) -> Result<(PathBuf, String), (DevError, String)> {
    let manifest_path = dir.join("Cargo.toml");
    // The nested-cargo command: a clean environment (`miniapp dev` may itself run under cargo,
    // whose jobserver and flags are not for this build), no stdin, the given target dir.
    let mut cmd = miniapp_nested_cargo::build_command(&manifest_path, TARGET, target_dir);
    cmd.args([
        "--message-format",
        "json-render-diagnostics",
        "--color",
        "never",
    ])
    .current_dir(dir)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        (
            DevError::new(
                "DEV_BUILD_FAILED",
                format!("cannot run cargo: {e}"),
                Some("install Rust with rustup (https://rustup.rs), then `rustup target add wasm32-wasip2`"),
            ),
            String::new(),
        )
    })?;
    let stderr = child.stderr.take().expect("piped");
    let echo = std::thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            kept.push_str(&line);
            kept.push('\n');
            if kept.len() > 2 * KEEP_OUTPUT {
                kept = tail(&kept, KEEP_OUTPUT).to_owned();
            }
        }
        tail(&kept, KEEP_OUTPUT).to_owned()
    });
    let mut wasm = None;
    for line in BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(Result::ok)
    {
        if let Some(path) = component_artifact(&line, &manifest_path) {
            wasm = Some(path);
        }
    }
    let status = child.wait();
    let output = echo.join().unwrap_or_default();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            return Err((
                DevError::new(
                    "DEV_BUILD_FAILED",
                    format!("`cargo build` of {} failed ({s})", manifest_path.display()),
                    Some(
                        "fix the compiler error shown above (and on the app's page); \
                         the simulator keeps serving the last good component",
                    ),
                ),
                output,
            ));
        }
        Err(e) => return Err((DevError::io("waiting for cargo", e), output)),
    }
    let Some(wasm) = wasm else {
        return Err((
            DevError::new(
                "DEV_BUILD_FAILED",
                format!("`cargo build` of {} made no .wasm", manifest_path.display()),
                Some("a mini-program crate needs `[lib] crate-type = [\"cdylib\"]`"),
            ),
            output,
        ));
    };
    Ok((wasm, output))
}

/// The `.wasm` of a cdylib of the crate at `manifest_path`, from one line of cargo's JSON.
fn component_artifact(line: &str, manifest_path: &Path) -> Option<PathBuf> {
    let msg: Value = serde_json::from_str(line).ok()?;
    if msg["reason"] != "compiler-artifact"
        || msg["manifest_path"].as_str().map(Path::new) != Some(manifest_path)
        || !msg["target"]["kind"]
            .as_array()?
            .iter()
            .any(|k| k == "cdylib")
    {
        return None;
    }
    msg["filenames"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find(|f| f.ends_with(".wasm"))
        .map(PathBuf::from)
}

/// The last `max` bytes of `text` (or fewer), cut on a character boundary.
fn tail(text: &str, max: usize) -> &str {
    &text[text.ceil_char_boundary(text.len().saturating_sub(max))..]
}

/// Runs the loaded component's `on-launch` and keeps the report for the page.
pub(super) async fn launch(sim: &Simulator, app: &DevApp, params: String) -> LaunchReport {
    let component = app.component.as_ref().expect("a component app");
    let number = component.launches.fetch_add(1, Ordering::Relaxed) + 1;
    let loaded = component.status.lock().unwrap().loaded_build;
    let id = app.manifest.lock().unwrap().id.clone();
    let first_seq = sim.hub.next_seq();
    let start = Instant::now();
    let mut running = None;
    let result = match loaded {
        Some(_) => match sim.runtime.launch(&id, LaunchOptions::default()).await {
            Ok(mut instance) => {
                let answer = instance.on_launch(&params).await;
                if answer.is_ok() {
                    running = Some(instance);
                }
                answer
            }
            Err(e) => Err(e),
        }
        .map_err(|e| ErrorReport::from(DevError::from(e))),
        None => Err(ErrorReport::from(DevError::new(
            "DEV_NOT_BUILT",
            format!("{id} has no component yet: no build has succeeded"),
            Some("fix the build error on this page; the app launches once a build succeeds"),
        ))),
    };
    let duration = start.elapsed();
    *component.running.lock().await = running;
    let calls = sim.hub.since(first_seq, &app.id);
    sim.hub.publish(
        CallEntry {
            seq: 0,
            app: app.id.clone(),
            method: "lifecycle.on-launch".into(),
            params: cut(&params, 120),
            duration_us: duration.as_micros() as u64,
            outcome: result
                .as_ref()
                .err()
                .map_or_else(|| "ok".to_owned(), |e| e.code.clone()),
            ..CallEntry::default()
        },
        None,
    );
    let (result, error) = match result {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e)),
    };
    let report = LaunchReport {
        number,
        build: loaded.unwrap_or(0),
        params: params.clone(),
        ok: error.is_none(),
        result,
        error,
        duration_ms: duration.as_millis() as u64,
        calls,
    };
    let mut s = component.status.lock().unwrap();
    s.params = params;
    s.launch = Some(report.clone());
    report
}

/// Delivers a pushed event to the instance the last launch left running: how many got it (0 or
/// 1), and why none did, in words, or how its `on-event` failed (the instance is then dropped,
/// as a host drops a trapped app).
pub(super) async fn deliver(
    app: &DevApp,
    event: &crate::events::PushedEvent,
) -> (usize, Result<Option<String>, ErrorReport>) {
    let component = app.component.as_ref().expect("a component app");
    let mut running = component.running.lock().await;
    let Some(instance) = running.as_mut() else {
        let why = match component.status.lock().unwrap().launch.as_ref() {
            None => "it has not launched yet (no build has succeeded)",
            Some(l) if !l.ok => "its last launch failed",
            Some(_) => "its last on-event failed",
        };
        return (
            0,
            Ok(Some(format!(
                "no running instance of {}: {why}; the next build or POST /__launch starts one",
                app.id
            ))),
        );
    };
    let delivered = match &event.standard {
        Some(e) => instance.deliver(e).await,
        None => {
            instance
                .on_event(&event.message.event, &event.payload_json())
                .await
        }
    };
    match delivered {
        Ok(()) => (1, Ok(None)),
        Err(e) => {
            *running = None;
            let e = DevError::from(e);
            eprintln!(
                "[dev] {}: on-event({}) failed: error[{}]: {}; instance dropped",
                app.id, event.message.event, e.code, e.message
            );
            (1, Err(e.into()))
        }
    }
}

/// A JSON answer indented for reading; any other text as it is.
fn pretty(answer: &str) -> String {
    serde_json::from_str::<Value>(answer)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| answer.to_owned())
}

// ---- HTTP: the app's page, its status, launching again ----

/// `GET /__status` on a component app's origin: build, loaded build, last launch, as JSON.
pub(super) async fn status(State(sim): State<Shared>, headers: HeaderMap) -> Response {
    let Some(app) = component_app(&sim, &headers) else {
        return no_app(&headers);
    };
    let component = app.component.as_ref().expect("a component app");
    let status = component.status.lock().unwrap().clone();
    let body = json!({
        "app": app.id,
        "source": match component.source { Source::Crate { .. } => "crate", Source::Prebuilt => "prebuilt" },
        "build": status.build,
        "loadedBuild": status.loaded_build,
        "launch": status.launch,
        "params": status.params,
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `POST /__launch` (body: the params) on a component app's origin: runs `on-launch` now.
pub(super) async fn launch_post(
    State(sim): State<Shared>,
    headers: HeaderMap,
    params: String,
) -> Response {
    let Some(app) = component_app(&sim, &headers) else {
        return no_app(&headers);
    };
    if !same_origin(&headers) {
        return cross_origin();
    }
    let report = launch(&sim, &app, params).await;
    let _ = app.reload.send(());
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&report).expect("serializable"),
    )
        .into_response()
}

/// The component app whose origin this request is for.
fn component_app(sim: &Simulator, headers: &HeaderMap) -> Option<Arc<DevApp>> {
    sim.app_for(headers).filter(|app| app.component.is_some())
}

/// The app's page at `/`: reloads itself (the injected script) when a build starts or ends.
pub(super) fn page(app: &DevApp, headers: &HeaderMap) -> Response {
    let component = app.component.as_ref().expect("a component app");
    let status = component.status.lock().unwrap().clone();
    let manifest = app.manifest.lock().unwrap().clone();
    let source = match &component.source {
        Source::Crate { .. } => {
            json!({"crate": true, "path": app.dir.display().to_string(), "target": TARGET})
        }
        Source::Prebuilt => json!({
            "crate": false,
            "path": app.dir.join(&manifest.entry_point).display().to_string(),
        }),
    };
    let build = status.build.as_ref().map(|b| {
        let (class, word) = match b.state {
            BuildState::Building => ("building", "building…"),
            BuildState::Ok => ("ok", "ok"),
            BuildState::Failed => ("failed", "failed"),
        };
        let took = b
            .duration_ms
            .map(|ms| format!(" in {:.1} s", ms as f64 / 1e3))
            .unwrap_or_default();
        json!({
            "class": class, "word": word, "number": b.number, "took": took,
            "failed": b.state == BuildState::Failed, "error": b.error, "output": b.output,
        })
    });
    let launch = status.launch.as_ref().map(|l| {
        let calls: Vec<Value> = l
            .calls
            .iter()
            .map(|c| {
                json!({
                    "method": c.method, "params": c.params, "short": cut(&c.params, 120),
                    "duration_us": c.duration_us, "outcome": c.outcome,
                })
            })
            .collect();
        json!({
            "number": l.number, "build": l.build, "duration_ms": l.duration_ms,
            "params": l.params, "result": l.result.as_deref().map(pretty), "error": l.error,
            "calls": calls,
        })
    });
    let html = crate::pages::render(
        "component.html",
        &json!({
            "id": app.id, "port": port_suffix(headers), "source": source, "build": build,
            "loaded_build": status.loaded_build, "launch": launch, "params": status.params,
        }),
    );
    (
        [
            (header::CONTENT_TYPE, text_type("page.html")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        inject(&html),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_crates_component_in_cargos_messages() {
        let manifest = Path::new("/src/app/Cargo.toml");
        let line = json!({
            "reason": "compiler-artifact", "manifest_path": "/src/app/Cargo.toml",
            "target": {"kind": ["cdylib", "rlib"]},
            "filenames": ["/t/wasm32-wasip2/release/libapp.rlib", "/t/wasm32-wasip2/release/app.wasm"],
        })
        .to_string();
        assert_eq!(
            component_artifact(&line, manifest),
            Some(PathBuf::from("/t/wasm32-wasip2/release/app.wasm"))
        );
        // A dependency's artifact, a build script, and other messages are not the app.
        let dep = line.replace("/src/app/", "/registry/dep/");
        assert_eq!(component_artifact(&dep, manifest), None);
        let rlib_only = line.replace("\"cdylib\",", "");
        assert_eq!(component_artifact(&rlib_only, manifest), None);
        assert_eq!(
            component_artifact("{\"reason\":\"build-finished\"}", manifest),
            None
        );
        assert_eq!(component_artifact("not json", manifest), None);
    }

    #[test]
    fn a_crate_rebuilds_on_its_sources_a_prebuilt_app_on_its_component() {
        let manifest = Manifest::from_json(
            br#"{"id":"com.acme.x","version":"0.1.0","minHostVersion":"1.0.0","entryPoint":"dist/app.wasm"}"#,
        )
        .unwrap();
        let krate = ComponentApp::new(
            Source::Crate {
                target_dir: PathBuf::new(),
            },
            String::new(),
        );
        for rel in [
            "manifest.json",
            "Cargo.toml",
            "build.rs",
            "src/lib.rs",
            "wit/a/b.wit",
        ] {
            assert!(krate.is_source(Path::new(rel), &manifest), "{rel}");
        }
        for rel in ["Cargo.lock", "README.md", "dist/app.wasm", "srcs"] {
            assert!(!krate.is_source(Path::new(rel), &manifest), "{rel}");
        }
        let prebuilt = ComponentApp::new(Source::Prebuilt, String::new());
        assert!(prebuilt.is_source(Path::new("dist/app.wasm"), &manifest));
        assert!(prebuilt.is_source(Path::new("manifest.json"), &manifest));
        assert!(!prebuilt.is_source(Path::new("src/lib.rs"), &manifest));
    }

    #[test]
    fn output_tails_are_cut_on_a_character_boundary() {
        assert_eq!(tail("abc", 10), "abc");
        assert_eq!(tail("abcdef", 2), "ef");
        assert_eq!(tail("aé", 1), "");
        assert_eq!(tail("éé", 3), "é");
    }

    #[test]
    fn a_component_dir_needs_a_crate_or_its_component() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Manifest::from_json(
            br#"{"id":"com.acme.x","version":"0.1.0","minHostVersion":"1.0.0","entryPoint":"app.wasm"}"#,
        )
        .unwrap();
        let target = dir.path().join("t");
        let e = Source::of(dir.path(), &manifest, target.clone()).unwrap_err();
        assert_eq!(e.code, "DEV_NO_CRATE");
        std::fs::write(
            dir.path().join("app.wasm"),
            miniapp_nested_cargo::COMPONENT_HEADER,
        )
        .unwrap();
        assert_eq!(
            Source::of(dir.path(), &manifest, target.clone()).unwrap(),
            Source::Prebuilt
        );
        std::fs::write(dir.path().join("Cargo.toml"), "").unwrap();
        assert_eq!(
            Source::of(dir.path(), &manifest, target.clone()).unwrap(),
            Source::Crate { target_dir: target }
        );
    }
}
