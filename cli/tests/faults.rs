//! The real `miniapp` binary against real HTTP servers: `miniapp serve`, Debian's nginx, and a
//! throttled test server that can misbehave; plus SIGKILLs at random points of `update` and
//! `run`. Loopback only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use miniapp_package::keys;
use miniapp_scenarios::{ALL_BRIDGE, guests, manifest, package};

const BIN: &str = env!("CARGO_BIN_EXE_miniapp");
const APP: &str = "com.acme.app";
/// v1 (`minimal`) echoes it; v2 (`probe`) answers `[]`.
const SCRIPT: &str = r#"{"calls":[]}"#;

fn miniapp(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = miniapp(args);
    assert!(
        out.status.success(),
        "miniapp {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A marketplace tree with v1 and v2 published by the real `miniapp publish`, and a home with
/// v1 installed.
struct Fixture {
    dir: tempfile::TempDir,
    v2_zip: Vec<u8>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        let k = miniapp_scenarios::keys();
        std::fs::write(
            p.join("root.key"),
            keys::private_key_to_pem(&k.root.0).unwrap().as_bytes(),
        )
        .unwrap();
        std::fs::write(
            p.join("root.pub"),
            keys::public_key_to_pem(&k.root.1).unwrap(),
        )
        .unwrap();
        let v1 = package(&manifest(APP, "1.0.0", &[]), guests::MINIMAL);
        let v2 = package(&manifest(APP, "2.0.0", ALL_BRIDGE), guests::PROBE);
        std::fs::write(p.join("v1.zip"), &v1).unwrap();
        std::fs::write(p.join("v2.zip"), &v2).unwrap();
        let s = |x: &Path| x.to_str().unwrap().to_owned();
        for zip in ["v1.zip", "v2.zip"] {
            ok(&[
                "publish",
                &s(&p.join(zip)),
                "--repo",
                &s(&p.join("repo")),
                "--root-key",
                &s(&p.join("root.key")),
            ]);
        }
        let home = s(&p.join("pristine"));
        ok(&[
            "init",
            "--home",
            &home,
            "--root",
            &s(&p.join("root.pub")),
            "--host-version",
            "1.4.0",
        ]);
        ok(&["install", &s(&p.join("v1.zip")), "--home", &home]);
        Fixture { dir, v2_zip: v2 }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A fresh copy of the home with v1 installed.
    fn home(&self, name: &str) -> PathBuf {
        let to = self.path(name);
        let _ = std::fs::remove_dir_all(&to);
        copy_dir(&self.path("pristine"), &to);
        to
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file name under `dir` that is debris of an interrupted write.
fn debris(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") || name.ends_with(".part") {
            out.push(e.path());
        } else if e.file_type().unwrap().is_dir() {
            out.extend(debris(&e.path()));
        }
    }
    out
}

fn run_app(home: &Path) -> Output {
    Command::new(BIN)
        .args([
            "run",
            APP,
            "--home",
            home.to_str().unwrap(),
            "--params",
            SCRIPT,
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Launches the app (never killed) and says which version answered; panics on anything else.
fn launched_version(home: &Path) -> &'static str {
    let out = run_app(home);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the app must always launch: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answered = match stdout.trim() {
        SCRIPT => "1.0.0",
        "[]" => "2.0.0",
        other => panic!("neither v1 nor v2 answered: {other}"),
    };
    let status = ok(&["status", APP, "--home", home.to_str().unwrap(), "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(
        status["versions"]["active"], answered,
        "state.json and the code that ran disagree"
    );
    answered
}

// ---------------------------------------------------------------------------------------------
// A small HTTP/1.1 file server over the tree: Range support, a throttled zip, and faults.

const MODE_OK: u8 = 0;
const MODE_DROP: u8 = 1;
const MODE_GARBAGE: u8 = 2;
const MODE_ENDLESS: u8 = 3;

struct TestServer {
    port: u16,
    mode: Arc<AtomicU8>,
}

impl TestServer {
    fn start(root: PathBuf, throttle: Duration) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(MODE_OK));
        let m = mode.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let root = root.clone();
                let mode = m.load(Ordering::SeqCst);
                std::thread::spawn(move || {
                    let _ = serve_one(conn, &root, mode, throttle);
                });
            }
        });
        TestServer { port, mode }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

fn serve_one(conn: TcpStream, root: &Path, mode: u8, throttle: Duration) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut range_from = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            range_from = v.trim().trim_end_matches('-').parse().unwrap_or(0);
        }
    }
    let mut out = conn;
    if mode == MODE_GARBAGE {
        out.write_all(b"\x00\x01 this is not HTTP at all \xff\xfe\r\n\r\n")?;
        return Ok(());
    }
    let Ok(bytes) = std::fs::read(root.join(path.trim_start_matches('/'))) else {
        return out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    };
    let zip = path.ends_with(".zip");
    if zip && mode == MODE_ENDLESS {
        out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
        loop {
            out.write_all(&[b'x'; 16 * 1024])?;
        }
    }
    let body = &bytes[range_from.min(bytes.len())..];
    let head = if range_from > 0 {
        format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {range_from}-{}/{}\r\nConnection: close\r\n\r\n",
            body.len(),
            bytes.len() - 1,
            bytes.len()
        )
    } else {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
    };
    out.write_all(head.as_bytes())?;
    let limit = if zip && mode == MODE_DROP {
        body.len() / 2
    } else {
        body.len()
    };
    for chunk in body[..limit].chunks(4096) {
        out.write_all(chunk)?;
        if zip {
            std::thread::sleep(throttle);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let seed = std::env::var("FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("fault injection seed {seed} (FAULT_SEED={seed} repeats it)");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Kills `child` with SIGKILL after `delay` (if it still runs); returns the last phase it
/// reported on stderr, or `exited` if it finished first.
fn kill_after(mut child: Child, delay: Duration) -> String {
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    if !finished {
        child.kill().unwrap(); // SIGKILL
    }
    child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    if finished {
        return "exited".into();
    }
    err.lines()
        .rev()
        .find_map(|l| l.rsplit(": ").next().filter(|_| l.starts_with("update ")))
        .unwrap_or("startup")
        .to_owned()
}

fn fault_injection(iterations: usize) {
    let fx = Fixture::new();
    let server = TestServer::start(fx.path("repo"), Duration::from_millis(1));
    let url = server.url();
    let mut rng = Rng::seeded();

    // How long an unkilled update and an activating run take here.
    // When each phase of an unkilled update starts here: kills aim at a phase chosen at random,
    // at a random moment inside it.
    let home = fx.home("timing");
    let h = home.to_str().unwrap().to_owned();
    let mut child = spawn(&["update", APP, "--home", &h, "--from", &url]);
    let t = Instant::now();
    let mut windows: Vec<(String, Duration)> = vec![("startup".into(), Duration::ZERO)];
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(phase) = line.strip_prefix(&format!("update {APP}: ")) {
            windows.push((phase.to_owned(), t.elapsed()));
        }
    }
    assert!(child.wait().unwrap().success());
    let update_time = t.elapsed();
    let t = Instant::now();
    assert!(run_app(&home).status.success());
    let run_time = t.elapsed();
    eprintln!("unkilled: update {update_time:?} (phases {windows:?}), activating run {run_time:?}");

    let mut phases = std::collections::BTreeMap::<String, usize>::new();
    let mut kills = 0;
    let mut versions = [0usize; 2];
    let mut home = fx.home("h");
    let mut last = String::new();
    for _ in 0..iterations {
        // Start from v1 again, except after a killed download, whose part file must resume.
        if last != "downloading" {
            home = fx.home("h");
        }
        let h = home.to_str().unwrap().to_owned();
        let w = rng.below(windows.len() as u64) as usize;
        let from = windows[w].1;
        let to = windows.get(w + 1).map_or(update_time, |x| x.1);
        let delay = from + Duration::from_micros(rng.below((to - from).as_micros() as u64 + 1));
        let phase = kill_after(spawn(&["update", APP, "--home", &h, "--from", &url]), delay);
        if phase != "exited" {
            kills += 1;
        }
        *phases.entry(format!("update:{phase}")).or_default() += 1;
        last = phase;
        let state = home.join(format!("apps/{APP}/state.json"));
        let pending = |s: &Path| {
            std::fs::read_to_string(s)
                .unwrap()
                .contains("\"pending\": \"2.0.0\"")
        };
        if !pending(&state) && rng.below(2) == 0 {
            ok(&["update", APP, "--home", &h, "--from", &url]);
        }
        if pending(&state) {
            // Kill a launch that activates the pending version.
            let delay = Duration::from_micros(rng.below(run_time.as_micros() as u64 + 1));
            let phase = kill_after(
                spawn(&["run", APP, "--home", &h, "--params", SCRIPT]),
                delay,
            );
            if phase != "exited" {
                kills += 1;
                *phases.entry("run:activate".into()).or_default() += 1;
            }
        }
        match launched_version(&home) {
            "1.0.0" => versions[0] += 1,
            _ => versions[1] += 1,
        }
    }
    eprintln!(
        "{iterations} iterations, {kills} SIGKILLs; kill points {phases:?}; launched v1 {} times, v2 {} times",
        versions[0], versions[1]
    );
    assert!(kills >= iterations * 5 / 6, "too few kills landed: {kills}");
    // Verifying lasts ~2 ms here: only the stress run is sure to land in it.
    let must_hit: &[&str] = if iterations >= 200 {
        &[
            "update:downloading",
            "update:verifying",
            "update:staging",
            "run:activate",
        ]
    } else {
        &["update:downloading", "update:staging", "run:activate"]
    };
    for p in must_hit {
        assert!(
            phases.get(*p).copied().unwrap_or(0) > 0,
            "no kill landed in {p}: {phases:?}"
        );
    }

    // The next unkilled update and launch finish the job and clean every leftover.
    ok(&[
        "update",
        APP,
        "--home",
        home.to_str().unwrap(),
        "--from",
        &url,
    ]);
    assert_eq!(launched_version(&home), "2.0.0");
    let left = debris(&home);
    assert!(left.is_empty(), "leftovers after the next run: {left:?}");
}

#[test]
fn sigkill_at_random_points_never_leaves_half_an_app() {
    fault_injection(60);
}

#[test]
#[ignore = "stress: 400 SIGKILLs, a few minutes"]
fn sigkill_stress() {
    fault_injection(400);
}

#[test]
fn bad_http_servers_fail_clearly_and_leave_the_installed_app_untouched() {
    let fx = Fixture::new();
    let server = TestServer::start(fx.path("repo"), Duration::ZERO);
    let home = fx.home("h");
    let h = home.to_str().unwrap();
    let url = server.url();
    for (mode, code, says) in [
        (MODE_DROP, "DOWNLOAD_FAILED", "resume"),
        (MODE_GARBAGE, "DOWNLOAD_FAILED", "GET"),
        (MODE_ENDLESS, "DOWNLOAD_FAILED", "more than the"),
    ] {
        server.set(mode);
        let out = miniapp(&["update", APP, "--home", h, "--from", &url]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("error[{code}]")) && err.contains(says),
            "{err}"
        );
        assert_eq!(launched_version(&home), "1.0.0");
    }
    // Nothing listening at all.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = miniapp(&[
        "update",
        APP,
        "--home",
        h,
        "--from",
        &format!("http://{closed}"),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[DOWNLOAD_FAILED]"));
    server.set(MODE_OK);
    ok(&["update", APP, "--home", h, "--from", &url]);
    assert_eq!(launched_version(&home), "2.0.0");
}

/// A raw GET: (status line, lower-cased headers, body).
fn raw_get(port: u16, path: &str, extra: &str) -> (String, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..split]).to_ascii_lowercase();
    let (status, headers) = head.split_once("\r\n").unwrap();
    (
        status.to_owned(),
        headers.to_owned(),
        all[split + 4..].to_vec(),
    )
}

fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

/// The full flow against a server, including a resumed download (Range) and the ETag.
fn flow_against(fx: &Fixture, port: u16, name: &str) {
    let zip_path = format!("/mini-programs/{APP}/2.0.0.zip");
    let (status, headers, body) = raw_get(port, &zip_path, "");
    assert!(status.contains(" 200"), "{name}: {status}");
    assert_eq!(body, fx.v2_zip, "{name}");
    let etag = header(&headers, "etag").unwrap_or_else(|| panic!("{name}: no etag {headers}"));
    let (status, _, _) = raw_get(port, &zip_path, &format!("If-None-Match: {etag}\r\n"));
    assert!(status.contains(" 304"), "{name}: {status}");
    let (status, headers, body) = raw_get(port, &zip_path, "Range: bytes=100-\r\n");
    assert!(status.contains(" 206"), "{name}: {status}");
    assert_eq!(body, fx.v2_zip[100..], "{name}");
    assert!(header(&headers, "content-range").is_some(), "{name}");
    assert_eq!(
        header(&headers, "content-type"),
        Some("application/zip"),
        "{name}"
    );

    let home = fx.home(name);
    let h = home.to_str().unwrap();
    // Half a download left by an earlier, interrupted run: the update resumes it.
    let half = fx.v2_zip.len() / 2;
    std::fs::create_dir_all(home.join("updates")).unwrap();
    std::fs::write(
        home.join(format!("updates/{APP}-2.0.0.part")),
        &fx.v2_zip[..half],
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let out = ok(&["update", "--home", h, "--from", &url]);
    assert!(
        out.contains(&format!("resumed at byte {half}")),
        "{name}: {out}"
    );
    assert_eq!(launched_version(&home), "2.0.0");
    ok(&["rollback", APP, "--home", h]);
    assert_eq!(launched_version(&home), "1.0.0");
}

#[test]
fn miniapp_serve_serves_the_published_tree() {
    let fx = Fixture::new();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            fx.path("repo").to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().rsplit(':').next().unwrap().parse().unwrap();
    let (_, headers, _) = raw_get(port, &format!("/mini-programs/{APP}/version"), "");
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    flow_against(&fx, port, "serve");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Runs `f` with Debian's nginx serving `root` on a loopback port (its files under `work`).
/// Fails, saying how to install it, when nginx is not installed: a missing tool is no pass.
fn with_nginx(root: &Path, work: &Path, f: impl FnOnce(u16) + std::panic::UnwindSafe) {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(nginx) = nginx else {
        panic!(
            "nginx is not installed here (no /usr/sbin/nginx or /usr/bin/nginx); \
             install it with `apt-get install nginx` (.ci/run does)"
        );
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = work.to_owned();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    let d = d.to_str().unwrap();
    let conf = format!(
        "daemon off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;\n\
         user root root;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy;\n\
           fastcgi_temp_path {d}/tmp/fcgi; uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;\n\
           types {{ application/zip zip; application/json json; }}\n\
           default_type application/octet-stream;\n\
           server {{ listen 127.0.0.1:{port}; root {};\n\
             location ~ /version$ {{ default_type application/json; }} }}\n}}\n",
        root.display()
    );
    std::fs::write(format!("{d}/nginx.conf"), conf).unwrap();
    let mut child = Command::new(nginx)
        .args([
            "-c",
            &format!("{d}/nginx.conf"),
            "-p",
            d,
            "-e",
            &format!("{d}/error.log"),
        ])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(format!("{d}/error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Stop the master with TERM so it takes its worker down too, even if the flow panics.
    let stop = |id: u32| {
        let _ = Command::new("kill")
            .args(["-TERM", &id.to_string()])
            .status();
    };
    let result = std::panic::catch_unwind(|| f(port));
    stop(child.id());
    child.wait().unwrap();
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}

#[test]
fn nginx_serves_the_same_tree_unchanged() {
    let fx = Fixture::new();
    with_nginx(&fx.path("repo"), &fx.path("nginx"), |port| {
        flow_against(&fx, port, "nginx")
    });
}

/// The exit code and stderr of a command that must fail with `code`.
fn fails_with(args: &[&str], code: &str) -> String {
    let out = miniapp(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "miniapp {args:?}: {stderr}");
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "{args:?}: {stderr}"
    );
    stderr
}

/// Staged rollout and kill switch, end to end: `miniapp publish --rollout/--pull` into the tree
/// a server at `url` serves, `miniapp update`, and the app that launches afterwards.
fn rollout_flow(fx: &Fixture, url: &str) {
    let repo = fx.path("repo");
    let s = |x: &Path| x.to_str().unwrap().to_owned();
    let publish = |zip: &str, extra: &[&str]| -> Output {
        let mut args = vec![
            "publish".to_owned(),
            s(&fx.path(zip)),
            "--repo".into(),
            s(&repo),
            "--root-key".into(),
            s(&fx.path("root.key")),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        miniapp(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let doc_path = repo.join(format!("mini-programs/{APP}/version"));

    // Bad percentages: ROLLOUT_INVALID, and the published document is untouched.
    let before = std::fs::read(&doc_path).unwrap();
    for bad in ["101", "-1", "ten", "50.5"] {
        let out = publish("v2.zip", &["--rollout", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{bad}: {stderr}");
        assert!(stderr.contains("error[ROLLOUT_INVALID]"), "{bad}: {stderr}");
    }
    assert_eq!(std::fs::read(&doc_path).unwrap(), before);

    let home = fx.home("rollout");
    let h = s(&home);
    let update = |h: &str| ok(&["update", APP, "--home", h, "--from", url]);
    let install_id = std::fs::read_to_string(home.join("install-id")).unwrap();
    assert_eq!(install_id.trim().len(), 32, "{install_id}");
    let bucket = miniapp_package::rollout_bucket(
        install_id.trim(),
        &miniapp_package::AppId::parse(APP).unwrap(),
        &semver::Version::new(2, 0, 0),
    );

    // A rollout that stops exactly at this host's bucket leaves it out; one more percent takes it in.
    let out = publish("v2.zip", &["--rollout", &bucket.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = update(&h);
    assert!(said.contains("this host is not one yet"), "{said}");
    assert_eq!(launched_version(&home), "1.0.0");
    let out = publish("v2.zip", &["--rollout", &(bucket + 1).to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    update(&h);
    assert_eq!(launched_version(&home), "2.0.0");

    // Kill switch: the host on 2.0.0 moves back to its backup at its next check, and stays.
    let out = publish("v2.zip", &["--pull", "2.0.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&doc_path).unwrap()).unwrap();
    assert_eq!(doc["pulledVersions"], serde_json::json!(["2.0.0"]));
    assert!(doc.get("rolloutPercent").is_none(), "{doc}");
    let said = update(&h);
    assert!(said.contains("moved back to 1.0.0"), "{said}");
    assert_eq!(launched_version(&home), "1.0.0");
    let said = update(&h);
    assert!(
        said.contains("was pulled by the marketplace; not installing it"),
        "{said}"
    );
    assert_eq!(launched_version(&home), "1.0.0");
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(audit.contains("\"reason\":\"pulled\""), "{audit}");

    // A host on the pulled version with nothing to go back to: VERSION_PULLED.
    let lone = fx.path("lone");
    let l = s(&lone);
    ok(&[
        "init",
        "--home",
        &l,
        "--root",
        &s(&fx.path("root.pub")),
        "--host-version",
        "1.4.0",
    ]);
    ok(&["install", &s(&fx.path("v2.zip")), "--home", &l]);
    fails_with(
        &["update", APP, "--home", &l, "--from", url],
        "VERSION_PULLED",
    );

    // A document whose percentage is out of range is refused when read, before anything else.
    let state = std::fs::read(home.join(format!("apps/{APP}/state.json"))).unwrap();
    let text = String::from_utf8(std::fs::read(&doc_path).unwrap()).unwrap();
    std::fs::write(
        &doc_path,
        text.replacen('{', "{\"rolloutPercent\": 150,", 1),
    )
    .unwrap();
    fails_with(
        &["update", APP, "--home", &h, "--from", url],
        "ROLLOUT_INVALID",
    );
    assert_eq!(
        std::fs::read(home.join(format!("apps/{APP}/state.json"))).unwrap(),
        state
    );
}

#[test]
fn staged_rollouts_and_the_kill_switch_through_miniapp_serve() {
    let fx = Fixture::new();
    let repo = fx.path("repo");
    let s = |x: &Path| x.to_str().unwrap().to_owned();
    let mut child = Command::new(BIN)
        .args(["serve", &s(&repo), "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = format!(
        "http://127.0.0.1:{}",
        line.trim().rsplit(':').next().unwrap()
    );

    rollout_flow(&fx, &url);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn staged_rollouts_and_the_kill_switch_through_nginx() {
    let fx = Fixture::new();
    with_nginx(&fx.path("repo"), &fx.path("nginx"), |port| {
        rollout_flow(&fx, &format!("http://127.0.0.1:{port}"))
    });
}
