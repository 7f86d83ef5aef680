//! `miniapp dev` driven over real HTTP, shared by the tests that start the simulator
//! (`dev.rs`, `new.rs`). Each test binary uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Simulator {
    child: Child,
    pub port: u16,
    _data: tempfile::TempDir,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Simulator {
    pub fn start(dirs: &[&Path]) -> Simulator {
        Simulator::start_with(dirs, &["--no-reload"])
    }

    pub fn start_with(dirs: &[&Path], args: &[&str]) -> Simulator {
        Simulator::start_in(Path::new("."), dirs, args)
    }

    /// Started in `cwd` (`dirs` may be relative to it).
    pub fn start_in(cwd: &Path, dirs: &[&Path], args: &[&str]) -> Simulator {
        let data = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_miniapp"));
        cmd.current_dir(cwd);
        // Flags of an instrumented outer build (coverage) must not reach the nested guest build.
        for var in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "RUSTC_WRAPPER"] {
            cmd.env_remove(var);
        }
        let mut child = cmd
            .arg("dev")
            .args(dirs)
            .args(["--port", "0", "--data"])
            .arg(data.path())
            .args(args)
            .stdin(Stdio::null())
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
    pub fn http(
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

    /// A WebSocket handshake on `/__bridge` from a page of `origin`; returns the status.
    pub fn upgrade(&self, host: &str, origin: &str) -> u16 {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let req = format!(
            "GET /__bridge HTTP/1.1\r\nHost: {host}:{}\r\nOrigin: {origin}\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            self.port
        );
        s.write_all(req.as_bytes()).unwrap();
        // Only the status line: an accepted socket stays open.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n") && s.read(&mut byte).unwrap() == 1 {
            head.push(byte[0]);
        }
        let line = String::from_utf8(head).unwrap();
        line.split(' ').nth(1).unwrap().parse().unwrap()
    }

    pub fn bridge(&self, app: &str, id: u64, method: &str, params: Value) -> Value {
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

    /// `GET /__status` of a component app.
    pub fn status(&self, app: &str) -> Value {
        let (status, _, body) = self.http("GET", &format!("{app}.localhost"), "/__status", &[], "");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Polls the app's status until `done` holds (builds on a shared 2-core machine can be slow:
    /// the deadline only stops a test that would otherwise hang).
    pub fn wait_for(&self, app: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30 * 60);
        loop {
            let status = self.status(app);
            if done(&status) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting for {what}; last status: {status:#}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Polls until a build numbered above `after` has finished and, if it succeeded, its
    /// component's on-launch has run.
    pub fn wait_for_build(&self, app: &str, after: u64) -> Value {
        self.wait_for(app, &format!("a build after #{after}"), |s| {
            let n = s["build"]["number"].as_u64().unwrap_or(0);
            n > after
                && match s["build"]["state"].as_str() {
                    Some("failed") => true,
                    Some("ok") => s["launch"]["build"].as_u64() == Some(n),
                    _ => false,
                }
        })
    }

    /// `POST /__launch`: runs the loaded component's on-launch now.
    pub fn launch(&self, app: &str, params: &str) -> Value {
        let (status, _, body) = self.http(
            "POST",
            &format!("{app}.localhost"),
            "/__launch",
            &[],
            params,
        );
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// `POST /__event[?app=ID]` on the simulator's origin: status and the JSON answer.
    pub fn push_event(&self, app: Option<&str>, body: &str) -> (u16, Value) {
        let path = match app {
            Some(app) => format!("/__event?app={app}"),
            None => "/__event".to_owned(),
        };
        let (status, head, answer) = self.http("POST", "localhost", &path, &[], body);
        assert!(head.contains("content-type: application/json"), "{head}");
        (status, serde_json::from_str(&answer).unwrap())
    }

    pub fn page(&self, host: &str) -> String {
        let (status, _, page) = self.http("GET", host, "/", &[], "");
        assert_eq!(status, 200, "{page}");
        page
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

/// A page's end of `/__bridge`, as a browser opens it: a WebSocket client of text frames.
pub struct BridgeSocket {
    stream: TcpStream,
}

impl BridgeSocket {
    /// Opens the bridge socket of `app` from a page of its own origin.
    pub fn open(sim: &Simulator, app: &str) -> BridgeSocket {
        let mut stream = TcpStream::connect(("127.0.0.1", sim.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let host = format!("{app}.localhost:{}", sim.port);
        let req = format!(
            "GET /__bridge HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
             Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(
                stream.read(&mut byte).unwrap(),
                1,
                "the handshake ended early"
            );
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        BridgeSocket { stream }
    }

    /// The next text frame (the server sends whole, unmasked frames).
    pub fn recv(&mut self) -> String {
        let mut head = [0u8; 2];
        self.stream.read_exact(&mut head).unwrap();
        assert_eq!(head[0], 0x81, "expected one whole text frame, got {head:?}");
        let len = match head[1] & 0x7f {
            126 => {
                let mut n = [0u8; 2];
                self.stream.read_exact(&mut n).unwrap();
                u16::from_be_bytes(n) as usize
            }
            127 => {
                let mut n = [0u8; 8];
                self.stream.read_exact(&mut n).unwrap();
                u64::from_be_bytes(n) as usize
            }
            n => n as usize,
        };
        let mut payload = vec![0u8; len];
        self.stream.read_exact(&mut payload).unwrap();
        String::from_utf8(payload).unwrap()
    }

    /// Sends one text frame, masked as a client must.
    pub fn send(&mut self, text: &str) {
        let mask = [0x1f, 0x2e, 0x3d, 0x4c];
        let bytes = text.as_bytes();
        let mut frame = vec![0x81];
        match bytes.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(u16::try_from(n).unwrap()).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(bytes.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).unwrap();
    }

    /// Sends a bridge request and returns the next frame, which must be its response: what
    /// arrived before it (an event) would be returned instead and fail the caller's check.
    pub fn call(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(&json!({"id": id, "method": method, "params": params}).to_string());
        serde_json::from_str(&self.recv()).unwrap()
    }
}
