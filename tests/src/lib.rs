//! Scenario-test fixtures: a marketplace root key, a partner (`acme`, namespace `com.acme`,
//! every permission allowed), a fresh home, and packaging of real components.
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use miniapp_package::{
    AppId, Manifest, PartnerRecord, Permission, RsaPrivateKey, RsaPublicKey, UnsignedPartnerRecord,
    keys,
};
use miniapp_runtime::{Home, HostServices, Runtime, RuntimeConfig};

pub use miniapp_guests as guests;

/// The host version every fixture home claims.
pub const HOST_VERSION: &str = "1.4.0";

/// 2048-bit keys, generated once per test binary (key generation is slow).
pub struct Keys {
    pub root: (RsaPrivateKey, RsaPublicKey),
    pub partner: (RsaPrivateKey, RsaPublicKey),
    pub other_partner: (RsaPrivateKey, RsaPublicKey),
}

pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        root: keys::generate_keypair(2048).unwrap(),
        partner: keys::generate_keypair(2048).unwrap(),
        other_partner: keys::generate_keypair(2048).unwrap(),
    })
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A partner record for `name` in `namespace`, issued by the fixture root.
pub fn partner_record(
    name: &str,
    namespace: &str,
    public: &RsaPublicKey,
    allowed: &[Permission],
) -> PartnerRecord {
    let unsigned = UnsignedPartnerRecord {
        partner: name.into(),
        public_key: keys::public_key_to_pem(public).unwrap(),
        allowed_permissions: allowed.iter().copied().collect(),
        namespace: AppId::parse(namespace).unwrap(),
        issued_at: now() - 60,
        expires_at: now() + 86_400,
        allowed_domains: ["*.acme.test", "*.acme.com"]
            .map(|d| miniapp_package::DomainPattern::parse(d).unwrap())
            .to_vec(),
    };
    PartnerRecord::issue(unsigned, &keys().root.0).unwrap()
}

/// The manifest of a component app.
pub fn manifest(id: &str, version: &str, permissions: &[Permission]) -> Manifest {
    Manifest {
        id: AppId::parse(id).unwrap(),
        version: semver::Version::parse(version).unwrap(),
        min_host_version: semver::Version::new(1, 0, 0),
        entry_point: "app.wasm".into(),
        permissions: permissions.iter().copied().collect::<BTreeSet<_>>(),
        allowed_domains: vec![],
        signature: None,
    }
}

/// A signed package of `component` by partner `acme`.
pub fn package(manifest: &Manifest, component: &[u8]) -> Vec<u8> {
    let k = keys();
    let partner = partner_record("acme", "com.acme", &k.partner.1, &Permission::ALL);
    let files = BTreeMap::from([("app.wasm".to_string(), component.to_vec())]);
    miniapp_package::pack(manifest, &files, &partner, &k.partner.0).unwrap()
}

/// A package signed by `acme` (format version 2) without any of `pack`'s checks: what a careless
/// or hostile partner could send, to show the host refuses it on its own.
pub fn package_unchecked(manifest: &Manifest, component: &[u8]) -> Vec<u8> {
    use miniapp_package::{MANIFEST_PATH, PARTNER_PATH, SIGNATURE_PATH, digest, envelope};
    use std::io::Write;
    let k = keys();
    let partner = partner_record("acme", "com.acme", &k.partner.1, &Permission::ALL);
    let mut entries = BTreeMap::from([
        ("app.wasm".to_string(), component.to_vec()),
        (
            PARTNER_PATH.to_string(),
            partner.to_json_pretty().into_bytes(),
        ),
        (
            MANIFEST_PATH.to_string(),
            serde_json::to_vec(manifest).unwrap(),
        ),
    ]);
    let list = digest::entry_list(entries.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
    let env =
        envelope::Envelope::sign(digest::PACKAGE_PAYLOAD_TYPE, list, &[&k.partner.0]).unwrap();
    entries.insert(SIGNATURE_PATH.to_string(), env.to_json());
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (p, d) in &entries {
        w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(d).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A fresh, initialised home in a temp dir.
pub struct World {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
}

impl World {
    pub fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let root_pem = keys::public_key_to_pem(&keys().root.1).unwrap();
        Home::init(
            &home,
            &root_pem,
            semver::Version::parse(HOST_VERSION).unwrap(),
        )
        .unwrap();
        World { _dir: dir, home }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn runtime(&self, services: HostServices) -> Runtime {
        Runtime::new(
            &self.home,
            RuntimeConfig {
                services,
                ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
            },
        )
        .unwrap()
    }

    /// Reads the audit log as JSON values.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.home.join("audit.log"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

/// Params for the `probe` guest: one bridge call per `(method, params)`.
pub fn probe_script(calls: &[(&str, serde_json::Value)]) -> String {
    let calls: Vec<serde_json::Value> = calls
        .iter()
        .map(|(m, p)| serde_json::json!({"method": m, "params": p}))
        .collect();
    serde_json::json!({ "calls": calls }).to_string()
}

/// The lifecycle events the `probe` guest recorded (its `probe.events` storage key), read
/// through the JSON bridge on the app's context: `[{name, payload, parsed}]`, empty if none.
pub fn probe_events(rt: &Runtime, app: &str) -> Vec<serde_json::Value> {
    block_on(async {
        let ctx = rt.app_context(&AppId::parse(app).unwrap()).await.unwrap();
        let request = serde_json::json!(
            {"id": 1, "method": "storage.get", "params": {"key": "probe.events"}}
        );
        let r = miniapp_runtime::json_bridge::dispatch(&ctx, &request).await;
        serde_json::from_value(r["result"].clone()).unwrap_or_default()
    })
}

/// Every permission that has a bridge interface (all but `network`).
pub const ALL_BRIDGE: &[Permission] = Permission::WITH_INTERFACE;

/// Runs a future on a fresh current-thread tokio runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Launches `app` and calls on-launch(params), with optional limits.
pub fn run_app(
    rt: &Runtime,
    app: &str,
    params: &str,
    limits: Option<miniapp_runtime::Limits>,
) -> Result<String, miniapp_runtime::RuntimeError> {
    block_on(rt.run(
        &AppId::parse(app).unwrap(),
        params,
        miniapp_runtime::LaunchOptions { limits },
    ))
}
