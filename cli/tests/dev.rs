//! `miniapp dev` through the real (debug) binary over real HTTP: per-app origins, the bridge
//! through the runtime's dispatcher, the inspector's recording, and that recording replayed by
//! the Rust guest mock (`miniapp_sdk::mock::MockBridge::replay`). The browser tests are in
//! web/e2e/.
#![cfg(any(debug_assertions, feature = "dev"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use miniapp_sdk::mock::MockBridge;
use miniapp_sdk::{Error, PaymentRequest, geolocation, payment, storage, ui};
use serde_json::{Value, json};

struct Simulator {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Simulator {
    fn start(dirs: &[&Path]) -> Simulator {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_miniapp"))
            .arg("dev")
            .args(dirs)
            .args(["--port", "0", "--no-reload", "--data"])
            .arg(data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("miniapp dev printed its addresses")
                .unwrap();
            if let Some(rest) = line.split("http://localhost:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Simulator {
            child,
            port,
            _data: data,
        }
    }

    /// One HTTP/1.1 request; returns (status, lower-cased head, body).
    fn http(
        &self,
        method: &str,
        host: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8(raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let head = head.to_ascii_lowercase();
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, head, body)
    }

    fn bridge(&self, app: &str, id: u64, method: &str, params: Value) -> Value {
        let request = json!({"id": id, "method": method, "params": params}).to_string();
        let (status, _, body) = self.http(
            "POST",
            &format!("{app}.localhost"),
            "/__bridge",
            &[],
            &request,
        );
        assert_eq!(status, 200, "{body}");
        let response: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(response["id"], id);
        response
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
}

fn web_app(dir: &Path, id: &str, permissions: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        json!({"id": id, "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "index.html", "permissions": permissions})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html><head><title>{id}</title></head><body>hello {id}</body></html>"
        ),
    )
    .unwrap();
}

#[test]
fn dev_serves_each_app_on_its_origin_with_the_bridge_and_a_replayable_recording() {
    let src = tempfile::tempdir().unwrap();
    let probe = src.path().join("probe");
    let other = src.path().join("other");
    web_app(&probe, "com.acme.probe", &["storage", "payment", "ui"]);
    web_app(&other, "com.acme.other", &["storage"]);
    let sim = Simulator::start(&[&probe, &other]);

    // Pages: the entry point with the simulator script first in <head>; the SDK; no escapes.
    let (status, head, page) = sim.http("GET", "com.acme.probe.localhost", "/", &[], "");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(
        page.starts_with("<!doctype html><html><head><script>window.__MINIAPP_SIMULATOR__ = true;"),
        "{page}"
    );
    assert!(page.contains("hello com.acme.probe"));
    let (_, _, other_page) = sim.http("GET", "com.acme.other.localhost", "/index.html", &[], "");
    assert!(other_page.contains("hello com.acme.other"));
    let (status, head, sdk) = sim.http(
        "GET",
        "com.acme.probe.localhost",
        "/__sdk/index.js",
        &[],
        "",
    );
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript") && sdk.contains("export default function connect"));
    for escape in [
        "/../other/index.html",
        "/a/../../other/index.html",
        "/%2e%2e/other/index.html",
    ] {
        let (status, _, _) = sim.http("GET", "com.acme.probe.localhost", escape, &[], "");
        assert_eq!(status, 404, "{escape}");
    }
    let (status, _, _) = sim.http("GET", "com.acme.nobody.localhost", "/", &[], "");
    assert_eq!(status, 404);

    // The bridge, through the runtime's dispatcher with the manifest's permissions.
    let app = "com.acme.probe";
    let answers = [
        sim.bridge(
            app,
            1,
            "storage.set",
            json!({"key": "greeting", "value": "hi"}),
        ),
        sim.bridge(app, 2, "storage.get", json!({"key": "greeting"})),
        sim.bridge(
            app,
            3,
            "payment.pay",
            json!({"orderId": "o-1", "amountMinor": 250, "currency": "EUR", "description": "tea"}),
        ),
        sim.bridge(app, 4, "ui.toast", json!({"message": "Paid"})),
        sim.bridge(app, 5, "geolocation.currentPosition", json!({})),
        sim.bridge(app, 6, "storage.get", json!({"key": "missing"})),
    ];
    assert_eq!(answers[0]["result"], Value::Null);
    assert_eq!(answers[1]["result"], "hi");
    assert_eq!(answers[2]["result"]["amountMinor"], 250);
    assert_eq!(answers[4]["error"]["code"], "PERMISSION_DENIED");
    // Per-app bridge storage: the other app does not see the greeting.
    let theirs = sim.bridge(
        "com.acme.other",
        1,
        "storage.get",
        json!({"key": "greeting"}),
    );
    assert_eq!(theirs["result"], Value::Null);
    // A page of one app may not use another app's bridge.
    let (status, _, _) = sim.http(
        "POST",
        "com.acme.probe.localhost",
        "/__bridge",
        &[(
            "Origin",
            &format!("http://com.acme.other.localhost:{}", sim.port),
        )],
        &json!({"id": 9, "method": "storage.get", "params": {"key": "greeting"}}).to_string(),
    );
    assert_eq!(status, 403);

    // The inspector lives on the simulator's origin only, never on an app's.
    let (status, _, _) = sim.http("GET", "com.acme.probe.localhost", "/__inspector", &[], "");
    assert_eq!(status, 404);
    let (status, _, page) = sim.http("GET", "localhost", "/__inspector", &[], "");
    assert_eq!(status, 200);
    assert!(page.contains("Bridge Inspector"));

    let (status, _, body) = sim.http(
        "GET",
        "localhost",
        "/__inspector/recording.json?app=com.acme.probe",
        &[],
        "",
    );
    assert_eq!(status, 200);
    let recording: Value = serde_json::from_str(&body).unwrap();
    let calls = recording.as_array().unwrap();
    assert_eq!(calls.len(), 6, "{body}");
    assert_eq!(
        calls[0],
        json!({"method": "storage.set", "params": {"key": "greeting", "value": "hi"}, "result": null})
    );
    assert_eq!(calls[4]["error"]["code"], "PERMISSION_DENIED");
    let (_, _, all) = sim.http("GET", "localhost", "/__inspector/recording.json", &[], "");
    assert_eq!(
        serde_json::from_str::<Value>(&all)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // The Rust guest mock replays it: the same calls get the host's answers.
    let mock = MockBridge::new().replay(&body).unwrap().install();
    storage::set("greeting", b"hi").unwrap();
    assert_eq!(
        storage::get("greeting").unwrap().as_deref(),
        Some(&b"hi"[..])
    );
    let receipt = payment::pay(PaymentRequest::new("o-1", 250, "EUR", "tea")).unwrap();
    assert_eq!(
        receipt,
        serde_json::from_value(answers[2]["result"].clone()).unwrap()
    );
    ui::toast("Paid").unwrap();
    assert_eq!(
        geolocation::current_position(),
        Err(Error::PermissionDenied)
    );
    assert_eq!(storage::get("missing").unwrap(), None);
    assert_eq!(mock.replay_remaining(), 0);
}

#[test]
fn dev_refuses_a_component_app_with_a_clear_code() {
    let src = tempfile::tempdir().unwrap();
    std::fs::write(
        src.path().join("manifest.json"),
        json!({"id": "com.acme.loans", "version": "0.1.0", "minHostVersion": "1.0.0",
               "entryPoint": "app.wasm", "permissions": ["storage"]})
        .to_string(),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .args(["dev", "--port", "0", "--data"])
        .arg(src.path().join("data"))
        .arg(src.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[DEV_UNSUPPORTED]") && stderr.contains("hint:"),
        "{stderr}"
    );
}
