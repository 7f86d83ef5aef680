//! Outbound HTTP through the standard `wasi:http/outgoing-handler`: the `net` guest against a
//! local server on 127.0.0.1, reached through a test-only resolver that maps made-up names to
//! loopback — no internet, no real DNS. Every refusal must happen before the server sees a byte.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use miniapp_package::{DomainPattern, Permission};
use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use miniapp_runtime::{
    HostServices, NetworkPolicy, NetworkService, PermissionSet, Runtime, RuntimeConfig,
};
use miniapp_scenarios::{World, guests, manifest, package, run_app};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

/// Maps a few names to loopback; anything else does not resolve.
struct TestResolver(HashMap<&'static str, IpAddr>);

#[async_trait::async_trait]
impl NetworkService for TestResolver {
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        match self.0.get(host) {
            Some(ip) => Ok(vec![SocketAddr::new(*ip, port)]),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{host}: no such test host"),
            )),
        }
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1: `/hello` answers 200, `/redirect?to=URL` answers 302
/// to URL. Counts the requests it received.
struct TestServer {
    port: u16,
    hits: Arc<AtomicUsize>,
    hosts: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let hosts = Arc::new(Mutex::new(Vec::new()));
        let (h, seen) = (hits.clone(), hosts.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&head).into_owned();
                let path = head.split(' ').nth(1).unwrap_or("/").to_string();
                if let Some(host) = head
                    .lines()
                    .find_map(|l| l.strip_prefix("host: ").or(l.strip_prefix("Host: ")))
                {
                    seen.lock().unwrap().push(host.to_string());
                }
                let response = if let Some(to) = path.strip_prefix("/redirect?to=") {
                    format!(
                        "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    )
                } else if path == "/hello" {
                    let body = "hello from the test server";
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        .into()
                };
                let _ = conn.write_all(response.as_bytes());
            }
        });
        TestServer { port, hits, hosts }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn runtime(world: &World, allow_loopback: bool, withheld: &[Permission]) -> Runtime {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let resolver = TestResolver(HashMap::from([
        ("api.acme.test", loopback),
        ("img.cdn.acme.test", loopback),
        ("evil.test", loopback),
    ]));
    Runtime::new(
        world.home(),
        RuntimeConfig {
            network: NetworkPolicy {
                allow_loopback,
                ..NetworkPolicy::default()
            },
            withheld: withheld.iter().copied().collect::<PermissionSet>(),
            ..RuntimeConfig::new(HostServices {
                network: Arc::new(resolver),
                ..HostServices::development()
            })
        },
    )
    .unwrap()
}

fn install_net(rt: &Runtime) {
    let mut m = manifest("com.acme.net", "1.0.0", &[Permission::Network]);
    m.allowed_domains = ["api.acme.test", "*.cdn.acme.test"]
        .iter()
        .map(|d| DomainPattern::parse(d).unwrap())
        .collect();
    rt.install_package(&package(&m, guests::NET)).unwrap();
}

/// Runs the `net` guest and returns its answers plus the inspector records of the run.
fn fetch(rt: &Runtime, urls: &[String], follow: bool) -> (Vec<Value>, Vec<BridgeCallRecord>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let subscriber =
        tracing_subscriber::registry().with(BridgeInspector::new(move |r: &BridgeCallRecord| {
            sink.lock().unwrap().push(r.clone())
        }));
    let params = json!({"urls": urls, "follow": follow}).to_string();
    let out = tracing::subscriber::with_default(subscriber, || {
        run_app(rt, "com.acme.net", &params, None).unwrap()
    });
    let records = seen.lock().unwrap().clone();
    (serde_json::from_str(&out).unwrap(), records)
}

fn denials(world: &World) -> Vec<Value> {
    world
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "http_denied")
        .collect()
}

#[test]
fn an_allowed_domain_is_fetched_and_inspected() {
    let server = TestServer::start();
    let world = World::new();
    let rt = runtime(&world, true, &[]);
    install_net(&rt);
    let urls = [
        server.url("api.acme.test", "/hello"),
        server.url("img.cdn.acme.test", "/hello"),
    ];
    let (answers, records) = fetch(&rt, &urls, false);
    for a in &answers {
        assert_eq!(a["status"], 200, "{answers:?}");
        assert_eq!(a["body"], "hello from the test server");
    }
    assert_eq!(server.hits(), 2);
    let port = server.port;
    assert_eq!(
        *server.hosts.lock().unwrap(),
        [
            format!("api.acme.test:{port}"),
            format!("img.cdn.acme.test:{port}")
        ],
        "the Host header names what the guest asked for"
    );
    let http: Vec<_> = records
        .iter()
        .filter(|r| r.method == "http.request")
        .collect();
    assert_eq!(http.len(), 2, "{records:?}");
    assert!(
        http.iter()
            .all(|r| r.outcome == "ok" && r.app == "com.acme.net")
    );
    // The inspector sees what was asked (the URL without its query) and the status.
    for (r, url) in http.iter().zip(&urls) {
        assert_eq!(
            r.params,
            Some(json!({"method": "GET", "url": url})),
            "{r:?}"
        );
        assert_eq!(r.result, Some(json!({"status": 200})), "{r:?}");
    }
    assert!(denials(&world).is_empty());
}

#[test]
fn a_forbidden_domain_is_denied_before_any_connection() {
    let server = TestServer::start();
    let world = World::new();
    let rt = runtime(&world, true, &[]);
    install_net(&rt);
    // evil.test resolves to the same loopback server: only the policy stands in the way.
    let urls = [
        server.url("evil.test", "/hello"),
        server.url("cdn.acme.test", "/hello"),
        server.url("127.0.0.1", "/hello"),
    ];
    let (answers, records) = fetch(&rt, &urls, false);
    for a in &answers {
        assert_eq!(a["error"], "HttpRequestDenied", "{answers:?}");
    }
    assert_eq!(server.hits(), 0, "nothing reached the server");
    let audit = denials(&world);
    assert_eq!(audit.len(), 3);
    assert_eq!(audit[0]["app"], "com.acme.net");
    assert_eq!(audit[0]["details"]["reason"], "host not in allowedDomains");
    assert_eq!(
        audit[0]["details"]["url"],
        format!("http://evil.test:{}/hello", server.port)
    );
    assert!(
        records
            .iter()
            .filter(|r| r.method == "http.request")
            .all(|r| r.outcome == "HTTP_REQUEST_DENIED"
                && r.error
                    .as_ref()
                    .is_some_and(|e| e["code"] == "HTTP_REQUEST_DENIED")
                && r.result.is_none()),
        "{records:?}"
    );
    // The host keeps serving: the same app, allowed this time.
    let (answers, _) = fetch(&rt, &[server.url("api.acme.test", "/hello")], false);
    assert_eq!(answers[0]["status"], 200);
    let usage = rt.usage(&miniapp_package::AppId::parse("com.acme.net").unwrap());
    assert_eq!(usage.denials, 3);
}

#[test]
fn a_redirect_to_a_forbidden_domain_is_checked_again() {
    let server = TestServer::start();
    let world = World::new();
    let rt = runtime(&world, true, &[]);
    install_net(&rt);
    let evil = server.url("evil.test", "/hello");
    let good = server.url("api.acme.test", "/hello");
    let urls = [
        server.url("api.acme.test", &format!("/redirect?to={good}")),
        server.url("api.acme.test", &format!("/redirect?to={evil}")),
    ];
    let (answers, _) = fetch(&rt, &urls, true);
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert_eq!(answers[0]["status"], 302);
    assert_eq!(answers[1]["status"], 200, "an allowed target is followed");
    assert_eq!(answers[2]["status"], 302);
    assert_eq!(answers[3]["url"], evil.as_str());
    assert_eq!(answers[3]["error"], "HttpRequestDenied");
    assert_eq!(
        server.hits(),
        3,
        "the forbidden hop never reached the server"
    );
}

#[test]
fn production_policy_refuses_loopback_and_plain_http() {
    let server = TestServer::start();
    let world = World::new();
    let rt = runtime(&world, false, &[]);
    install_net(&rt);
    let https = format!("https://api.acme.test:{}/hello", server.port);
    let (answers, _) = fetch(&rt, &[server.url("api.acme.test", "/hello"), https], false);
    assert!(
        answers.iter().all(|a| a["error"] == "HttpRequestDenied"),
        "{answers:?}"
    );
    assert_eq!(server.hits(), 0);
    let reasons: Vec<Value> = denials(&world)
        .iter()
        .map(|l| l["details"]["reason"].clone())
        .collect();
    assert_eq!(
        reasons,
        [
            "only https is allowed (http only to loopback in development)",
            "host resolves to a private, loopback or reserved address"
        ]
    );
}

#[test]
fn a_withheld_network_permission_denies_every_request() {
    let server = TestServer::start();
    let world = World::new();
    let rt = runtime(&world, true, &[Permission::Network]);
    install_net(&rt);
    let (answers, _) = fetch(&rt, &[server.url("api.acme.test", "/hello")], false);
    assert_eq!(answers[0]["error"], "HttpRequestDenied");
    assert_eq!(server.hits(), 0);
    assert_eq!(
        denials(&world)[0]["details"]["reason"],
        "network permission not granted"
    );
}

#[test]
fn an_app_without_network_cannot_even_import_wasi_http() {
    let world = World::new();
    let rt = runtime(&world, true, &[]);
    // pack refuses it too; a package signed without pack's checks is refused by the host.
    let e = rt
        .install_package(&miniapp_scenarios::package_unchecked(
            &manifest("com.acme.net", "1.0.0", &[]),
            guests::NET,
        ))
        .unwrap_err();
    assert_eq!(e.code(), "IMPORT_NOT_PERMITTED", "{e}");
}
