use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

use crate::output::CliError;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The marketplace tree (what `miniapp publish` wrote).
    pub dir: PathBuf,
    /// Where to listen; port 0 picks a free one (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

pub fn run(a: Args) -> Result<(), CliError> {
    if !a.dir.is_dir() {
        return Err(CliError::usage(format!(
            "{} is not a directory",
            a.dir.display()
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::io("starting the async runtime", e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .map_err(|e| CliError::io(&format!("listening on {}", a.addr), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| CliError::io("reading the bound address", e))?;
        let root = Arc::new(a.dir.clone());
        let app = axum::Router::new()
            .fallback_service(ServeDir::new(&a.dir))
            .layer(middleware::from_fn_with_state(root, etag_and_types));
        println!("serving {} on http://{local}", a.dir.display());
        axum::serve(listener, app)
            .await
            .map_err(|e| CliError::io("serving", e))
    })
}

/// The file a request path names inside `root`, or `None` for anything that climbs out.
fn file_of(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let rel = Path::new(uri_path.trim_start_matches('/'));
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(rel))
}

/// ServeDir does Range, Last-Modified and content types by extension; this adds what it lacks
/// here: an ETag like nginx's (`"<mtime hex>-<size hex>"`, with `If-None-Match` → 304) and
/// `application/json` for the extension-less `version` documents.
async fn etag_and_types(State(root): State<Arc<PathBuf>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let etag = file_of(&root, &path)
        .and_then(|p| std::fs::metadata(p).ok())
        .filter(|m| m.is_file())
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("\"{mtime:x}-{:x}\"", m.len())
        });
    if let Some(tag) = &etag
        && req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    let mut resp = next.run(req).await;
    if resp.status().is_success() {
        if let Some(v) = etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
            resp.headers_mut().insert(header::ETAG, v);
        }
        if path.ends_with("/version") {
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
    }
    resp
}
