//! Test guest `net`: fetches URLs with the standard `wasi:http/outgoing-handler`, the way partner
//! code written against `wasi:http` does. Imports `wasi:http` (so it needs `network`) and `log`.
//!
//! Launch params: `{"urls": ["http://api.acme.test:8080/hello", ...], "follow": true}`.
//! With `follow`, a 3xx answer's `location` is fetched next (a new request the host checks again).
//! The answer is a JSON array, one entry per request made:
//! `{"url": ..., "status": 200, "body": "..."}` or `{"url": ..., "error": "HttpRequestDenied"}`.
#![forbid(unsafe_code)]

use miniapp_sdk::MiniProgram;
use serde_json::{Value, json};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{ErrorCode, Fields, IncomingBody, OutgoingRequest, Scheme};
use wasip2::io::streams::StreamError;

struct Net;

/// Status, `location` header and body of one response.
struct Fetched {
    status: u16,
    location: Option<String>,
    body: String,
}

fn fetch(url: &str) -> Result<Fetched, String> {
    let (scheme, rest) = url.split_once("://").ok_or("url needs a scheme")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let request = OutgoingRequest::new(Fields::new());
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    };
    request
        .set_scheme(Some(&scheme))
        .map_err(|()| "bad scheme")?;
    request
        .set_authority(Some(authority))
        .map_err(|()| "bad authority")?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| "bad path")?;
    let pending = outgoing_handler::handle(request, None).map_err(code)?;
    pending.subscribe().block();
    let response = pending
        .get()
        .ok_or("response not ready after block")?
        .map_err(|()| "response taken twice")?
        .map_err(code)?;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .first()
        .map(|v| String::from_utf8_lossy(v).into_owned());
    let body = response.consume().map_err(|()| "body taken twice")?;
    let mut bytes = Vec::new();
    {
        let stream = body.stream().map_err(|()| "stream taken twice")?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend(chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => return Err(e.to_debug_string()),
            }
        }
    }
    IncomingBody::finish(body);
    Ok(Fetched {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// The error code's variant name (`HttpRequestDenied`), what the tests compare.
fn code(e: ErrorCode) -> String {
    let debug = format!("{e:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .trim_start_matches("ErrorCode::")
        .to_string()
}

impl MiniProgram for Net {
    fn on_launch(params: String) -> Result<String, String> {
        let params: Value = serde_json::from_str(&params).map_err(|e| e.to_string())?;
        let follow = params["follow"].as_bool().unwrap_or(false);
        let mut queue: Vec<String> = params["urls"]
            .as_array()
            .ok_or("params need `urls`")?
            .iter()
            .filter_map(|u| u.as_str().map(str::to_string))
            .rev()
            .collect();
        let mut out = Vec::new();
        let mut hops = 0;
        while let Some(url) = queue.pop() {
            match fetch(&url) {
                Ok(f) => {
                    if follow
                        && (300..400).contains(&f.status)
                        && hops < 5
                        && let Some(next) = &f.location
                    {
                        hops += 1;
                        queue.push(next.clone());
                    }
                    out.push(json!({"url": url, "status": f.status, "body": f.body}));
                }
                Err(e) => out.push(json!({"url": url, "error": e})),
            }
        }
        Ok(Value::Array(out).to_string())
    }
}

miniapp_sdk::export_mini_program!(Net);
