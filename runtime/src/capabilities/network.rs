//! `network`: outbound HTTP through the standard `wasi:http/outgoing-handler`
//! (`wasmtime-wasi-http`), not a bridge interface of our own, so partner code written against
//! `wasi:http` (Rust, componentize-py, jco) works unchanged.
//!
//! Linked only for apps that declare `network`. Every request goes through
//! [`NetworkHooks::send_request`], which decides before any byte leaves the host:
//!
//! 1. the permission is granted (declared ∩ host policy; otherwise every request is denied, the
//!    same way a denial stub answers a bridge interface);
//! 2. the URL's host matches the manifest's `allowedDomains` (exact names, `*.` wildcards);
//! 3. the name resolves (through the host's [`NetworkService`]) only to public addresses —
//!    loopback only when [`NetworkPolicy::allow_loopback`] is set (development), private and
//!    link-local ranges never — and the runtime connects to exactly the addresses it checked, so
//!    a second DNS answer cannot redirect the connection (no rebinding);
//! 4. the scheme is `https`; plain `http` only to loopback in development.
//!
//! A refused request fails with the standard `HTTP-request-denied` error code, writes an audit
//! line (`http_denied`, throttled like permission denials) and closes an inspector span with
//! outcome `HTTP_REQUEST_DENIED`. `wasi:http` does not follow redirects itself: a guest that
//! follows one makes a new request, which is checked again.
//!
//! TLS is the embedding host's: [`NetworkService::tls`] wraps a checked connection (a mobile host
//! uses its platform stack). The runtime links no TLS library, so it keeps building for
//! Android and iOS without C code; [`SystemNetwork`] has no TLS and answers `https` with
//! `TLS-protocol-error` and a log line saying so.

// Without `wasi-http` the policy is kept (the web CSP uses it) but nothing sends requests.
#![cfg_attr(not(feature = "wasi-http"), allow(dead_code))]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
#[cfg(feature = "wasi-http")]
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;
#[cfg(feature = "wasi-http")]
use http_body_util::BodyExt;
use miniapp_package::DomainPattern;
#[cfg(feature = "wasi-http")]
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
#[cfg(feature = "wasi-http")]
use wasmtime_wasi_http::io::TokioIo;
#[cfg(feature = "wasi-http")]
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

#[cfg(feature = "wasi-http")]
use crate::bridge::CallSpan;
use crate::state::AppContext;

/// The method name outbound requests carry in inspector records and usage figures.
pub const METHOD: &str = "http.request";

/// A connected byte stream (plain TCP or TLS) the runtime speaks HTTP/1.1 over.
pub trait HttpStream: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static> HttpStream for T {}

/// What the embedding host provides for outbound HTTP: name resolution and TLS. The policy
/// (domains, addresses, schemes) is the runtime's and is checked before either is used.
#[async_trait]
pub trait NetworkService: Send + Sync {
    /// Resolves `host` to addresses. Every address is checked before one is connected to.
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>>;

    /// Wraps a connected stream in TLS, verifying the certificate for `server_name`.
    /// The default has no TLS: `https` fails with `TLS-protocol-error`.
    async fn tls(&self, server_name: &str, tcp: TcpStream) -> std::io::Result<Box<dyn HttpStream>> {
        let _ = (server_name, tcp);
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "this host has no TLS connector; provide one in NetworkService::tls",
        ))
    }
}

/// The system resolver and no TLS: what the CLI and tests use. Hosts that need `https` (all
/// production hosts) implement [`NetworkService::tls`] with their platform's TLS stack.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemNetwork;

#[async_trait]
impl NetworkService for SystemNetwork {
    async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        Ok(tokio::net::lookup_host((host, port)).await?.collect())
    }
}

/// The host's rules for outbound HTTP, beyond each app's `allowedDomains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Allow loopback addresses, and plain `http` to them. Development only (the simulator,
    /// tests against a local server); production hosts leave it off.
    pub allow_loopback: bool,
    /// Upper bounds on the guest's own `request-options` timeouts.
    pub connect_timeout: Duration,
    pub first_byte_timeout: Duration,
    pub between_bytes_timeout: Duration,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        NetworkPolicy {
            allow_loopback: false,
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(30),
            between_bytes_timeout: Duration::from_secs(30),
        }
    }
}

/// Why a request was refused (the audit line's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denial {
    NotGranted,
    NoHost,
    DomainNotAllowed,
    SchemeNotAllowed,
    AddressNotAllowed,
}

impl Denial {
    fn reason(self) -> &'static str {
        match self {
            Denial::NotGranted => "network permission not granted",
            Denial::NoHost => "request has no host",
            Denial::DomainNotAllowed => "host not in allowedDomains",
            Denial::SchemeNotAllowed => {
                "only https is allowed (http only to loopback in development)"
            }
            Denial::AddressNotAllowed => "host resolves to a private, loopback or reserved address",
        }
    }
}

/// Whether `addr` may be connected to: public unicast, or loopback when the policy allows it.
pub(crate) fn address_allowed(addr: IpAddr, policy: &NetworkPolicy) -> bool {
    let ip = match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    if ip.is_loopback() {
        return policy.allow_loopback;
    }
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link local
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// The checks that need no I/O: grant, host name, scheme.
pub(crate) fn check_request(
    granted: bool,
    allowed: &[DomainPattern],
    scheme: Option<&str>,
    host: Option<&str>,
    policy: &NetworkPolicy,
) -> Result<(), Denial> {
    if !granted {
        return Err(Denial::NotGranted);
    }
    let host = host.ok_or(Denial::NoHost)?;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !allowed.iter().any(|p| p.matches(&host)) {
        return Err(Denial::DomainNotAllowed);
    }
    match scheme {
        Some("https") => Ok(()),
        Some("http") if policy.allow_loopback => Ok(()), // decided again once resolved
        _ => Err(Denial::SchemeNotAllowed),
    }
}

/// The checks on the resolved addresses; returns those that may be connected to.
pub(crate) fn check_addresses(
    https: bool,
    addrs: &[SocketAddr],
    policy: &NetworkPolicy,
) -> Result<(), Denial> {
    if addrs.is_empty() || !addrs.iter().all(|a| address_allowed(a.ip(), policy)) {
        return Err(Denial::AddressNotAllowed);
    }
    if !https && !addrs.iter().all(|a| a.ip().is_loopback()) {
        return Err(Denial::SchemeNotAllowed);
    }
    Ok(())
}

/// The `Content-Security-Policy` a host serves with every page of a web mini-program: the rule
/// components get, enforced by the WebView. Fetch, XHR, WebSocket, EventSource, images, media
/// and fonts may reach the page's own origin (the package) and, only when `network` is granted,
/// `https://` + each `allowedDomains` entry (CSP's `*.` matches subdomains, not the apex, as
/// [`DomainPattern::matches`] does); loopback over `http` too with
/// [`NetworkPolicy::allow_loopback`] (development). Scripts and styles come from the package
/// only (inline allowed, `eval` not), and frames, plugins, `<base>` and foreign form targets are
/// off. `extra_connect` adds origins the host's own page machinery needs (the simulator's bridge
/// socket).
///
/// The policy stops what a page fetches, not where it navigates: a host's WebView must also
/// refuse top-level navigation and `window.open` outside the app's origin (Android
/// `shouldOverrideUrlLoading`, iOS `WKNavigationDelegate`).
pub fn web_content_security_policy(
    allowed: &[DomainPattern],
    granted: bool,
    policy: &NetworkPolicy,
    extra_connect: &[String],
) -> String {
    let mut net = String::new();
    if granted {
        for p in allowed {
            net.push_str(" https://");
            net.push_str(p.as_str());
        }
        if policy.allow_loopback {
            net.push_str(" http://localhost:* http://127.0.0.1:* http://[::1]:*");
        }
    }
    let mut connect = net.clone();
    for origin in extra_connect {
        connect.push(' ');
        connect.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
         connect-src 'self'{connect}; img-src 'self' data: blob:{net}; \
         media-src 'self' data: blob:{net}; font-src 'self' data:{net}; worker-src 'self'; \
         frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
    )
}

/// Per-app network settings, built once per loaded app.
#[derive(Clone)]
pub(crate) struct AppNetwork {
    pub(crate) allowed: Arc<[DomainPattern]>,
    pub(crate) policy: Arc<NetworkPolicy>,
    pub(crate) service: Arc<dyn NetworkService>,
}

/// The `wasi:http` hooks of one instance: the policy above, then the send.
pub(crate) struct NetworkHooks {
    pub(crate) ctx: AppContext,
    pub(crate) net: AppNetwork,
    pub(crate) granted: bool,
}

/// Hooks for a store whose app did not declare `network`: `wasi:http` is not linked there, so
/// these are never reached; if they were, they refuse.
pub(crate) struct NoNetwork;

/// A response and the future that drives the rest of its connection.
#[cfg(feature = "wasi-http")]
type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), HttpError>> + Send>,
);
#[cfg(feature = "wasi-http")]
type SendFuture = Box<dyn Future<Output = Result<Sent, HttpError>> + Send>;

#[cfg(feature = "wasi-http")]
impl WasiHttpHooks for NoNetwork {
    fn send_request(
        &mut self,
        _request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        Box::new(async { Err(HttpError::HttpRequestDenied) })
    }
}

#[cfg(feature = "wasi-http")]
impl WasiHttpHooks for NetworkHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        let ctx = self.ctx.clone();
        let net = self.net.clone();
        let granted = self.granted;
        Box::new(async move {
            let uri = request.uri();
            // Logged without the query, which may carry secrets.
            let url = format!(
                "{}://{}{}",
                uri.scheme_str().unwrap_or("?"),
                uri.authority().map(|a| a.as_str()).unwrap_or("?"),
                uri.path()
            );
            // The same span as every bridge call (the inspector shows it beside them); the grant
            // and policy checks are `send`'s, per request.
            let span = CallSpan::open(
                &ctx,
                METHOD,
                || json!({"method": request.method().as_str(), "url": &url}),
            );
            ctx.usage.bridge_calls.fetch_add(1, Ordering::Relaxed);
            let result = send(&ctx, &net, granted, &url, request, options).await;
            match &result {
                Ok((response, _)) => {
                    span.ok(|| json!({"status": response.status().as_u16()}).to_string())
                }
                Err(e) => span.err(&error_code(e), &e.to_string()),
            }
            result
        })
    }
}

/// A stable upper-snake code for an outbound error (`HTTP_REQUEST_DENIED`, ...).
#[cfg(feature = "wasi-http")]
fn error_code(e: &HttpError) -> String {
    let debug = format!("{e:?}");
    let name = debug.split(['(', ' ', '{']).next().unwrap_or("Error");
    let mut code = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            code.push('_');
        }
        code.push(c.to_ascii_uppercase());
    }
    code
}

#[cfg(feature = "wasi-http")]
async fn send(
    ctx: &AppContext,
    net: &AppNetwork,
    granted: bool,
    url: &str,
    mut request: http::Request<WasiBody>,
    options: Option<RequestOptions>,
) -> Result<Sent, HttpError> {
    let deny = |why: Denial| {
        if let Some(n) = ctx.usage.count_denial() {
            ctx.host.audit.record(
                "http_denied",
                Some(&ctx.app),
                json!({"url": url, "reason": why.reason(), "count": n}),
            );
        }
        HttpError::HttpRequestDenied
    };
    let uri = request.uri().clone();
    let policy = &net.policy;
    check_request(granted, &net.allowed, uri.scheme_str(), uri.host(), policy).map_err(deny)?;
    let https = uri.scheme_str() == Some("https");
    let host = uri.host().unwrap_or_default().trim_end_matches('.');
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });

    let clamp = |asked: Option<Duration>, cap: Duration| asked.map_or(cap, |t| t.min(cap));
    let options = options.unwrap_or_default();
    let connect_timeout = clamp(options.connect_timeout, policy.connect_timeout);
    let first_byte_timeout = clamp(options.first_byte_timeout, policy.first_byte_timeout);

    let addrs = match tokio::time::timeout(connect_timeout, net.service.resolve(&host, port)).await
    {
        Ok(Ok(addrs)) => addrs,
        Ok(Err(e)) => {
            tracing::debug!(target: "miniapp::network", %host, "resolve failed: {e}");
            return Err(HttpError::DnsError {
                rcode: Some(e.to_string()),
                info_code: None,
            });
        }
        Err(_) => return Err(HttpError::DnsTimeout),
    };
    check_addresses(https, &addrs, policy).map_err(deny)?;

    // Connect to exactly the checked addresses.
    let tcp = match tokio::time::timeout(connect_timeout, TcpStream::connect(&addrs[..])).await {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => return Err(HttpError::Connect(e)),
        Err(_) => return Err(HttpError::ConnectionTimeout),
    };
    let stream: Box<dyn HttpStream> = if https {
        net.service.tls(&host, tcp).await.map_err(|e| {
            tracing::warn!(target: "miniapp::network", %host, "TLS failed: {e}");
            HttpError::Tls(e)
        })?
    } else {
        Box::new(tcp)
    };
    let (mut sender, conn) = tokio::time::timeout(
        connect_timeout,
        hyper::client::conn::http1::handshake(TokioIo::new(stream)),
    )
    .await
    .map_err(|_| HttpError::ConnectionTimeout)??;
    // The request line carries only the path; scheme and authority are in the Host header.
    *request.uri_mut() = http::Uri::builder()
        .path_and_query(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"))
        .build()
        .map_err(|_| HttpError::HttpRequestUriInvalid)?;
    let conn = tokio::spawn(conn);
    let response = tokio::time::timeout(first_byte_timeout, sender.send_request(request))
        .await
        .map_err(|_| HttpError::ConnectionReadTimeout)??;
    let response = response.map(|body| body.map_err(HttpError::from).boxed_unsync());
    let io = async move {
        match conn.await {
            Ok(r) => r.map_err(HttpError::from),
            Err(_) => Err(HttpError::ConnectionTerminated),
        }
    };
    Ok((response, Box::new(io)))
}

#[cfg(all(test, feature = "wasi-http"))]
mod tests {
    use super::*;

    fn dev() -> NetworkPolicy {
        NetworkPolicy {
            allow_loopback: true,
            ..NetworkPolicy::default()
        }
    }

    fn patterns(p: &[&str]) -> Vec<DomainPattern> {
        p.iter().map(|s| DomainPattern::parse(s).unwrap()).collect()
    }

    /// The sources of one directive of a policy.
    fn directive<'a>(csp: &'a str, name: &str) -> Vec<&'a str> {
        let d = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {csp}"));
        d.split_whitespace().skip(1).collect()
    }

    #[test]
    fn web_pages_reach_allowed_domains_only_when_network_is_granted() {
        let allowed = patterns(&["api.acme.com", "*.cdn.acme.com"]);
        let prod = NetworkPolicy::default();
        let granted = web_content_security_policy(&allowed, true, &prod, &[]);
        assert_eq!(
            directive(&granted, "connect-src"),
            ["'self'", "https://api.acme.com", "https://*.cdn.acme.com"]
        );
        assert_eq!(
            directive(&granted, "img-src"),
            [
                "'self'",
                "data:",
                "blob:",
                "https://api.acme.com",
                "https://*.cdn.acme.com"
            ]
        );
        // Code comes from the package only: no remote script, no eval.
        assert_eq!(
            directive(&granted, "script-src"),
            ["'self'", "'unsafe-inline'"]
        );
        assert_eq!(directive(&granted, "default-src"), ["'self'"]);
        assert_eq!(directive(&granted, "frame-src"), ["'none'"]);
        assert!(!granted.contains("unsafe-eval") && !granted.contains("http:"));

        // Declared but withheld (or never declared): the page's own origin only.
        let withheld = web_content_security_policy(&allowed, false, &prod, &[]);
        assert_eq!(directive(&withheld, "connect-src"), ["'self'"]);
        assert_eq!(directive(&withheld, "font-src"), ["'self'", "data:"]);

        // Development adds loopback, and the host's own extra origins go to connect-src only.
        let extra = ["ws://com.acme.shop.localhost:8080".to_owned()];
        let dev_csp = web_content_security_policy(&allowed, true, &dev(), &extra);
        let connect = directive(&dev_csp, "connect-src");
        assert!(connect.contains(&"http://127.0.0.1:*") && connect.contains(&extra[0].as_str()));
        assert!(!directive(&dev_csp, "img-src").contains(&extra[0].as_str()));
        let dev_withheld = web_content_security_policy(&allowed, false, &dev(), &extra);
        assert_eq!(
            directive(&dev_withheld, "connect-src"),
            ["'self'", extra[0].as_str()]
        );
    }

    #[test]
    fn names_schemes_and_grants_are_checked_before_any_io() {
        let allowed = patterns(&["api.acme.com", "*.cdn.acme.com"]);
        let prod = NetworkPolicy::default();
        let check = |g, s, h, p: &NetworkPolicy| check_request(g, &allowed, Some(s), Some(h), p);
        assert_eq!(check(true, "https", "api.acme.com", &prod), Ok(()));
        assert_eq!(check(true, "https", "API.acme.com.", &prod), Ok(()));
        assert_eq!(check(true, "https", "img.cdn.acme.com", &prod), Ok(()));
        assert_eq!(
            check(true, "https", "cdn.acme.com", &prod),
            Err(Denial::DomainNotAllowed)
        );
        assert_eq!(
            check(true, "https", "api.acme.com.evil.net", &prod),
            Err(Denial::DomainNotAllowed)
        );
        assert_eq!(
            check(true, "http", "api.acme.com", &prod),
            Err(Denial::SchemeNotAllowed)
        );
        assert_eq!(check(true, "http", "api.acme.com", &dev()), Ok(()));
        assert_eq!(
            check(true, "ftp", "api.acme.com", &dev()),
            Err(Denial::SchemeNotAllowed)
        );
        assert_eq!(
            check(false, "https", "api.acme.com", &prod),
            Err(Denial::NotGranted)
        );
        assert_eq!(
            check_request(true, &allowed, Some("https"), None, &prod),
            Err(Denial::NoHost)
        );
        assert_eq!(
            check(true, "https", "10.0.0.1", &prod),
            Err(Denial::DomainNotAllowed)
        );
    }

    #[test]
    fn only_public_addresses_and_loopback_in_development() {
        let prod = NetworkPolicy::default();
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "255.255.255.255",
        ] {
            let ip: IpAddr = private.parse().unwrap();
            assert!(!address_allowed(ip, &prod), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(address_allowed(public.parse().unwrap(), &prod), "{public}");
        }
        assert!(address_allowed("127.0.0.1".parse().unwrap(), &dev()));
        assert!(!address_allowed("10.0.0.1".parse().unwrap(), &dev()));

        let a = |s: &str| -> SocketAddr { s.parse().unwrap() };
        assert_eq!(check_addresses(false, &[a("127.0.0.1:80")], &dev()), Ok(()));
        assert_eq!(
            check_addresses(false, &[a("1.1.1.1:80")], &dev()),
            Err(Denial::SchemeNotAllowed),
            "plain http only to loopback"
        );
        assert_eq!(
            check_addresses(true, &[a("1.1.1.1:443"), a("10.0.0.1:443")], &prod),
            Err(Denial::AddressNotAllowed),
            "one private answer taints the name"
        );
        assert_eq!(
            check_addresses(true, &[], &prod),
            Err(Denial::AddressNotAllowed)
        );
    }

    #[test]
    fn error_codes_are_upper_snake() {
        assert_eq!(
            error_code(&HttpError::HttpRequestDenied),
            "HTTP_REQUEST_DENIED"
        );
        assert_eq!(error_code(&HttpError::DnsTimeout), "DNS_TIMEOUT");
        assert_eq!(
            error_code(&HttpError::DnsError {
                rcode: None,
                info_code: None
            }),
            "DNS_ERROR"
        );
    }
}
