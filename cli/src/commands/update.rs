use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use miniapp_package::AppId;
use miniapp_runtime::{
    FetchBody, FetchError, FetchResponse, Fetcher, Runtime, RuntimeConfig, UpdateOutcome,
    UpdateProgress, Updater,
};

use crate::output::{CliError, print_json};
use crate::{CodeUpdatesArg, HomeArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The app to update; every installed app when omitted.
    pub id: Option<String>,
    #[command(flatten)]
    pub home: HomeArg,
    /// The marketplace tree, e.g. http://127.0.0.1:8080 (`miniapp serve`, nginx, a CDN).
    #[arg(long, value_name = "URL", env = "MINIAPP_MARKETPLACE")]
    pub from: String,
    /// Seconds a request or one chunk may take.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Print the outcomes as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub code_updates: CodeUpdatesArg,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let rt = Runtime::new(
        &a.home.path()?,
        RuntimeConfig {
            code_updates: a.code_updates.policy,
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )?;
    let updater = Updater::new(Arc::new(HttpFetcher), &a.from)
        .with_timeout(std::time::Duration::from_secs(a.timeout_secs));
    let ids: Vec<AppId> = match &a.id {
        Some(id) => vec![super::app_id(id)?],
        None => rt.list()?.into_iter().map(|app| app.id).collect(),
    };
    let tokio = super::tokio()?;
    tokio.block_on(updater.refresh_revocations(&rt))?;
    let mut outcomes = Vec::new();
    let mut first_error = None;
    for id in ids {
        let start = std::time::Instant::now();
        let bar = ProgressReport::new(&id);
        let result = tokio.block_on(updater.update(&rt, &id, &mut |p| bar.show(&p)));
        bar.finish();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(outcome) => {
                if !a.json {
                    print_outcome(&id, &outcome, ms);
                }
                outcomes.push(serde_json::json!({"id": id, "result": outcome, "ms": ms}));
            }
            Err(e) => {
                let e = CliError::from(e);
                if a.json {
                    outcomes.push(serde_json::json!({"id": id, "error": {"code": e.code, "message": e.message}}));
                }
                if first_error.is_some() {
                    eprintln!("error[{}]: {id}: {}", e.code, e.message);
                } else {
                    first_error = Some(e);
                }
            }
        }
    }
    if a.json {
        print_json(&outcomes);
    }
    first_error.map_or(Ok(()), Err)
}

fn print_outcome(id: &AppId, outcome: &UpdateOutcome, ms: f64) {
    match outcome {
        UpdateOutcome::UpToDate { version } => println!("{id} {version} is up to date"),
        UpdateOutcome::AlreadyPending { version } => {
            println!("{id} {version} is already staged; it activates at the next launch")
        }
        UpdateOutcome::SkippedRolledBack { version } => {
            println!("{id} {version} was rolled back on this host; not installing it again")
        }
        UpdateOutcome::NotInRollout { version, percent } => {
            println!(
                "{id} {version} is rolling out to {percent}% of hosts; this host is not one yet"
            )
        }
        UpdateOutcome::Pulled { version } => {
            println!("{id} {version} was pulled by the marketplace; not installing it")
        }
        UpdateOutcome::MovedBack { from, to } => {
            println!("{id} {from} was pulled by the marketplace; moved back to {to}")
        }
        UpdateOutcome::Staged {
            from,
            version,
            bytes,
            resumed_from,
            activated,
        } => {
            let resumed = if *resumed_from > 0 {
                format!(", resumed at byte {resumed_from}")
            } else {
                String::new()
            };
            if *activated {
                println!("{id} {version} installed ({bytes} bytes{resumed}) in {ms:.0} ms");
            } else {
                let from = from.as_ref().map_or("-".into(), |v| v.to_string());
                println!(
                    "{id} {version} staged over {from} ({bytes} bytes{resumed}) in {ms:.0} ms; \
                     it activates at the next launch"
                );
            }
        }
    }
}

/// A byte progress bar on a terminal; one line per phase otherwise (logs, tests).
struct ProgressReport {
    bar: Option<indicatif::ProgressBar>,
    id: String,
    phase: std::sync::Mutex<&'static str>,
}

impl ProgressReport {
    fn new(id: &AppId) -> Self {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_message(id.to_string());
            bar
        });
        ProgressReport {
            bar,
            id: id.to_string(),
            phase: std::sync::Mutex::new(""),
        }
    }

    fn show(&self, p: &UpdateProgress) {
        let phase = match p {
            UpdateProgress::Checking => "checking",
            UpdateProgress::Downloading { .. } => "downloading",
            UpdateProgress::Verifying => "verifying",
            UpdateProgress::Staging => "staging",
        };
        match &self.bar {
            Some(bar) => {
                if let UpdateProgress::Downloading { done, total } = p {
                    bar.set_length(*total);
                    bar.set_position(*done);
                } else {
                    bar.set_message(format!("{} {phase}", self.id));
                }
            }
            None if *self.phase.lock().unwrap() != phase => {
                eprintln!("update {}: {phase}", self.id);
            }
            None => {}
        }
        *self.phase.lock().unwrap() = phase;
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Plain HTTP/1.1 over hyper: enough for a loopback or LAN marketplace. A phone host plugs its
/// platform stack (with TLS) into the same `Fetcher` trait.
pub struct HttpFetcher;

#[async_trait]
impl Fetcher for HttpFetcher {
    async fn get(&self, url: &str, range_from: Option<u64>) -> Result<FetchResponse, FetchError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| FetchError(format!("{what}: {e}"));
        let uri: hyper::Uri = url.parse().map_err(|e| fail("not a URL", &e))?;
        if uri.scheme_str() != Some("http") {
            return Err(FetchError(format!(
                "this client speaks plain http:// only, not `{url}`"
            )));
        }
        let host = uri
            .host()
            .ok_or_else(|| FetchError("no host in the URL".into()))?;
        let port = uri.port_u16().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| fail("connecting", &e))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| fail("HTTP handshake", &e))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let authority = uri
            .authority()
            .map(|a| a.as_str())
            .unwrap_or(host)
            .to_owned();
        let mut req = hyper::Request::get(uri.path_and_query().map_or("/", |p| p.as_str()))
            .header(hyper::header::HOST, authority);
        if let Some(from) = range_from {
            req = req.header(hyper::header::RANGE, format!("bytes={from}-"));
        }
        let req = req
            .body(Empty::<Bytes>::new())
            .map_err(|e| fail("building the request", &e))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| fail("reading the response", &e))?;
        let range_start = resp
            .headers()
            .get(hyper::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.trim().parse().ok());
        Ok(FetchResponse {
            status: resp.status().as_u16(),
            range_start,
            body: Box::new(HyperBody(resp.into_body())),
        })
    }
}

struct HyperBody(hyper::body::Incoming);

#[async_trait]
impl FetchBody for HyperBody {
    async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError> {
        loop {
            match self.0.frame().await {
                None => return Ok(None),
                Some(Err(e)) => return Err(FetchError(format!("reading the body: {e}"))),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}
