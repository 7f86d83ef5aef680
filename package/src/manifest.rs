//! `manifest.json`: the schema, parsed strictly (unknown fields are rejected).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// Largest `manifest.json` we read, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;

/// Why a manifest was rejected. Code: `MANIFEST_INVALID`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    #[error("manifest.json is not valid: {0}")]
    Invalid(String),
}

impl ManifestError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        "MANIFEST_INVALID"
    }
}

pub use miniapp_contract::{AppId, InvalidAppId, Permission, UnknownPermission};

impl From<UnknownPermission> for ManifestError {
    fn from(e: UnknownPermission) -> Self {
        ManifestError::Invalid(e.to_string())
    }
}

impl From<InvalidAppId> for ManifestError {
    fn from(e: InvalidAppId) -> Self {
        ManifestError::Invalid(e.to_string())
    }
}

/// An entry of `allowedDomains` (in a manifest or a partner record): an exact host name or `*.`
/// followed by one (matching any subdomain, not the apex). Internationalised names are stored
/// in their ASCII (punycode, `xn--`) form, so matching compares like with like.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DomainPattern(String);

/// Host names that never leave the device or the local network, whatever resolves them.
const LOCAL_NAMES: [&str; 5] = ["localhost", "local", "internal", "home.arpa", "lan"];

impl DomainPattern {
    /// Parses a pattern. A name with non-ASCII characters is converted to punycode (IDNA
    /// UTS #46); an ASCII one must already be lower case.
    pub fn parse(s: &str) -> Result<Self, ManifestError> {
        let bad = |why: &str| {
            ManifestError::Invalid(format!("allowedDomains entry `{s}` is invalid: {why}"))
        };
        if s.len() > 1024 {
            return Err(bad("too long"));
        }
        let (wild, host) = match s.strip_prefix("*.") {
            Some(h) => (true, h),
            None => (false, s),
        };
        let ascii;
        let host = if host.is_ascii() {
            host
        } else {
            ascii = idna::domain_to_ascii(host)
                .map_err(|_| bad("not a valid internationalised domain name"))?;
            ascii.as_str()
        };
        if host.is_empty() || host.len() > 253 {
            return Err(bad("empty or too long"));
        }
        for label in host.split('.') {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(bad(
                    "use lower-case host names like api.example.com or *.example.com",
                ));
            }
        }
        Ok(DomainPattern(if wild {
            format!("*.{host}")
        } else {
            host.to_owned()
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host name, without a leading `*.`.
    fn host(&self) -> &str {
        self.0.strip_prefix("*.").unwrap_or(&self.0)
    }

    /// Whether this is a `*.` pattern.
    pub fn is_wildcard(&self) -> bool {
        self.0.starts_with("*.")
    }

    /// Why no manifest or partner record may carry this pattern, if so: a wildcard over a
    /// public suffix (`*.com`, `*.co.uk`, `*.github.io`: every name under it belongs to someone
    /// else), a loopback or local-network name (`localhost`, `*.local`), or an IP address (the
    /// loopback switch for development is a host setting, never a package's).
    pub fn refusal(&self) -> Option<String> {
        let host = self.host();
        let last = host.rsplit('.').next().unwrap_or(host);
        // What a URL parser reads as an IPv4 address: a numeric last label (`127.0.0.1`,
        // `2130706433`, `0x7f.1`).
        let numeric = last.bytes().all(|b| b.is_ascii_digit())
            || (last.starts_with("0x") && last[2..].bytes().all(|b| b.is_ascii_hexdigit()));
        if numeric {
            return Some(format!(
                "`{}` is an IP address; packages name hosts by domain, and loopback or private \
                 addresses are a host's development setting",
                self.0
            ));
        }
        if LOCAL_NAMES
            .iter()
            .any(|l| host == *l || host.ends_with(&format!(".{l}")))
        {
            return Some(format!(
                "`{}` is a loopback or local-network name; loopback access is a host's \
                 development setting",
                self.0
            ));
        }
        if self.is_wildcard() && psl::domain(host.as_bytes()).is_none() {
            return Some(format!(
                "`{}` is a wildcard over the public suffix `{host}`, which covers domains of \
                 every owner; name your own domain, like *.example.com",
                self.0
            ));
        }
        None
    }

    /// Whether this (partner record) pattern allows every host `other` (a manifest's pattern)
    /// allows: `*.acme.com` covers `api.acme.com`, `*.acme.com` and `*.cdn.acme.com`.
    pub fn covers(&self, other: &DomainPattern) -> bool {
        if other.is_wildcard() {
            self.is_wildcard() && (self.0 == other.0 || self.matches(other.host()))
        } else {
            self.matches(&other.0)
        }
    }

    /// Whether `host` (lower-case, no port) is allowed by this pattern.
    pub fn matches(&self, host: &str) -> bool {
        match self.0.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1
                    && host.ends_with(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
            None => self.0 == host,
        }
    }
}

impl<'de> Deserialize<'de> for DomainPattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DomainPattern::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    pub id: AppId,
    pub version: semver::Version,
    pub min_host_version: semver::Version,
    /// Path inside the package of the component (`*.wasm`) or of the HTML page of a web app.
    pub entry_point: String,
    #[serde(default)]
    pub permissions: BTreeSet<Permission>,
    #[serde(default)]
    pub allowed_domains: Vec<DomainPattern>,
    /// Base64 RSA-PSS signature; absent in a package's source directory, present once signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl Manifest {
    /// Parses `manifest.json` bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::Invalid(format!(
                "manifest.json is {} bytes; the limit is {MAX_MANIFEST_BYTES}",
                bytes.len()
            )));
        }
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Invalid(e.to_string()))?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), ManifestError> {
        let ep = &self.entry_point;
        if ep.is_empty()
            || ep.starts_with('/')
            || ep.contains('\\')
            || ep.split('/').any(|c| c.is_empty() || c == "." || c == "..")
        {
            return Err(ManifestError::Invalid(format!(
                "entryPoint `{ep}` must be a relative path inside the package"
            )));
        }
        Ok(())
    }

    /// Whether the entry point is a WebAssembly component (otherwise a web page).
    pub fn is_component(&self) -> bool {
        self.entry_point.ends_with(".wasm")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "id": "com.acme.loans", "version": "1.2.0", "minHostVersion": "1.0.0",
        "entryPoint": "app.wasm", "permissions": ["storage", "payment"],
        "allowedDomains": ["api.acme.com", "*.cdn.acme.com"]
    }"#;

    #[test]
    fn parses_a_good_manifest() {
        let m = Manifest::from_json(GOOD.as_bytes()).unwrap();
        assert_eq!(m.id.as_str(), "com.acme.loans");
        assert!(m.permissions.contains(&Permission::Payment));
        assert!(m.is_component());
        assert_eq!(m.signature, None);
    }

    #[test]
    fn rejects_unknown_fields_and_permissions() {
        let extra = GOOD.replace("\"version\"", "\"evil\": 1, \"version\"");
        assert!(Manifest::from_json(extra.as_bytes()).is_err());
        let perm = GOOD.replace("\"payment\"", "\"root\"");
        let err = Manifest::from_json(perm.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("root"), "{err}");
    }

    #[test]
    fn rejects_escaping_entry_points() {
        for ep in ["../x.wasm", "/x.wasm", "a\\\\x.wasm", "a//x.wasm", ""] {
            let m = GOOD.replace("app.wasm", ep);
            assert!(Manifest::from_json(m.as_bytes()).is_err(), "{ep}");
        }
    }

    #[test]
    fn app_ids() {
        for ok in ["com.acme", "com.acme.loans", "io.x-y.a1"] {
            assert!(AppId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "acme",
            "Com.acme",
            "com..acme",
            "com.acme/x",
            "../x.y",
            "com.1acme",
            "",
        ] {
            assert!(AppId::parse(bad).is_err(), "{bad}");
        }
        let id = AppId::parse("com.acme.loans").unwrap();
        assert!(id.is_in_namespace("com.acme"));
        assert!(!id.is_in_namespace("com.ac"));
        assert!(
            !AppId::parse("com.acmeevil.x")
                .unwrap()
                .is_in_namespace("com.acme")
        );
    }

    #[test]
    fn domain_patterns() {
        let exact = DomainPattern::parse("api.acme.com").unwrap();
        assert!(exact.matches("api.acme.com"));
        assert!(!exact.matches("x.api.acme.com"));
        let wild = DomainPattern::parse("*.acme.com").unwrap();
        assert!(wild.matches("api.acme.com"));
        assert!(!wild.matches("acme.com"));
        assert!(!wild.matches("evilacme.com"));
        assert!(DomainPattern::parse("*.").is_err());
        assert!(DomainPattern::parse("API.acme.com").is_err());
        assert!(DomainPattern::parse("a.com:443").is_err());
    }

    #[test]
    fn internationalised_names_are_matched_as_punycode() {
        let p = DomainPattern::parse("bücher.example").unwrap();
        assert_eq!(p.as_str(), "xn--bcher-kva.example");
        assert!(p.matches("xn--bcher-kva.example"));
        let w = DomainPattern::parse("*.Bücher.example").unwrap();
        assert_eq!(w.as_str(), "*.xn--bcher-kva.example");
        assert!(DomainPattern::parse("bü\u{0}cher.example").is_err());
        let m: Manifest =
            Manifest::from_json(GOOD.replace("api.acme.com", "äpi.acme.com").as_bytes()).unwrap();
        assert_eq!(m.allowed_domains[0].as_str(), "xn--pi-uia.acme.com");
    }

    #[test]
    fn public_suffix_wildcards_local_names_and_addresses_are_refused() {
        for bad in [
            "*.com",
            "*.co.uk",
            "*.github.io",
            "*.example",
            "localhost",
            "api.localhost",
            "*.localhost",
            "printer.local",
            "127.0.0.1",
            "10.0.0.1",
            "192.168.1.1",
            "2130706433",
            "0x7f.1",
            "*.internal",
        ] {
            let p = DomainPattern::parse(bad).unwrap();
            assert!(p.refusal().is_some(), "{bad}");
        }
        for good in [
            "*.acme.com",
            "*.acme.co.uk",
            "api.acme.com",
            "com.example",
            "*.cdn.acme.test",
        ] {
            let p = DomainPattern::parse(good).unwrap();
            assert_eq!(p.refusal(), None, "{good}");
        }
    }

    #[test]
    fn partner_patterns_cover_manifest_patterns() {
        let p = |s| DomainPattern::parse(s).unwrap();
        assert!(p("*.acme.com").covers(&p("api.acme.com")));
        assert!(p("*.acme.com").covers(&p("*.acme.com")));
        assert!(p("*.acme.com").covers(&p("*.cdn.acme.com")));
        assert!(!p("*.acme.com").covers(&p("acme.com")));
        assert!(!p("api.acme.com").covers(&p("*.api.acme.com")));
        assert!(p("api.acme.com").covers(&p("api.acme.com")));
        assert!(!p("api.acme.com").covers(&p("web.acme.com")));
        assert!(!p("*.cdn.acme.com").covers(&p("*.acme.com")));
    }
}
