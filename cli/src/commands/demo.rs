//! `miniapp demo`: the whole flow on a local demo directory, no server needed.
//!
//! `<demo>/keys/` (kept between runs: RSA key generation is slow), `<demo>/src/` (the loans
//! source dir), `<demo>/dist/` (packages), `<demo>/home/` (a fresh host home each run).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use consent_prompt::ConsentPrinter;
use miniapp_package::{Archive, PartnerRecord, Permission, UnsignedPartnerRecord, keys};
use miniapp_runtime::inspector::{BridgeCallRecord, BridgeInspector};
use miniapp_runtime::json_bridge;
use miniapp_runtime::tokens::{LoginCodes, verify_token};
use miniapp_runtime::{Home, HostServices, LaunchOptions, Runtime, RuntimeConfig};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::output::{CliError, read, read_string, write};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Demo directory (keys, sources, packages, a fresh host home).
    /// Defaults to `<user data dir>/miniapp/demo`.
    #[arg(long, env = "MINIAPP_DEMO_DIR", value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// How many warm launches to time.
    #[arg(long, default_value_t = 200)]
    pub warm_launches: usize,
    #[command(flatten)]
    pub engine: crate::EngineArg,
}

/// The loans example, built from source by `cli/build.rs`.
mod loans {
    include!(concat!(env!("OUT_DIR"), "/loans.rs"));
}

const APP: &str = "com.acme.loans";
const HOST_VERSION: &str = "1.4.0";
const PARAMS: &str = r#"{"applicant":"Ada","amountMinor":500000,"termMonths":24}"#;

fn step(n: u32, title: &str, text: impl std::fmt::Display) {
    println!("{n:>2}. {title:<14} {text}");
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// The root and partner keys, generated once and kept in `<demo>/keys`.
fn demo_keys(dir: &Path) -> Result<(keys::RsaPrivateKey, keys::RsaPrivateKey, bool), CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("creating the keys dir", e))?;
    let mut generated = false;
    let mut load = |name: &str| -> Result<keys::RsaPrivateKey, CliError> {
        let path = dir.join(format!("{name}.key"));
        if path.exists() {
            return Ok(keys::private_key_from_pem(&read_string(&path)?)?);
        }
        generated = true;
        let (private, public) = keys::generate_keypair(keys::DEFAULT_KEY_BITS)?;
        write(&path, keys::private_key_to_pem(&private)?.as_bytes())?;
        write(
            &dir.join(format!("{name}.pub")),
            keys::public_key_to_pem(&public)?.as_bytes(),
        )?;
        Ok(private)
    };
    let root = load("root")?;
    let partner = load("acme")?;
    Ok((root, partner, generated))
}

/// Re-zips `entries` (deflate), for making a tampered copy of a package.
fn rezip(entries: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), opts).expect("in-memory zip");
        zip.write_all(bytes).expect("in-memory zip");
    }
    zip.finish().expect("in-memory zip");
    out.into_inner()
}

fn median_us(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub fn run(a: Args) -> Result<(), CliError> {
    let root_dir = match a.home {
        Some(h) => h,
        None => dirs::data_dir()
            .map(|d| d.join("miniapp").join("demo"))
            .ok_or_else(|| CliError::usage("no user data directory here; pass --home DIR"))?,
    };
    let home = root_dir.join("home");
    if home.exists() {
        std::fs::remove_dir_all(&home).map_err(|e| CliError::io("resetting the demo home", e))?;
    }
    println!(
        "miniapp demo — everything lives in {}\n",
        root_dir.display()
    );

    // 1. Keys.
    let start = Instant::now();
    let (root_key, partner_key, generated) = demo_keys(&root_dir.join("keys"))?;
    let root_pub = keys::public_key_to_pem(&rsa_public(&root_key))?;
    step(
        1,
        "Keys",
        format!(
            "marketplace root + partner `acme`, RSA-{} ({} in {:.0} ms)",
            keys::DEFAULT_KEY_BITS,
            if generated { "generated" } else { "loaded" },
            ms(start)
        ),
    );

    // 2. Partner record.
    let now = miniapp_now();
    let allowed = [
        Permission::Storage,
        Permission::Auth,
        Permission::Payment,
        Permission::Location,
        Permission::Ui,
    ];
    let partner = PartnerRecord::issue(
        UnsignedPartnerRecord {
            partner: "acme".into(),
            public_key: keys::public_key_to_pem(&rsa_public(&partner_key))?,
            allowed_permissions: allowed.into_iter().collect(),
            namespace: miniapp_package::AppId::parse("com.acme").expect("valid"),
            issued_at: now,
            expires_at: now + 365 * 86_400,
            allowed_domains: vec![
                miniapp_package::DomainPattern::parse("api.acme.com").expect("valid"),
            ],
        },
        &root_key,
    )?;
    write(
        &root_dir.join("keys/acme.partner.json"),
        partner.to_json_pretty().as_bytes(),
    )?;
    step(
        2,
        "Partner",
        "root signs `acme`: namespace com.acme, may use storage, auth, payment, location, ui and api.acme.com",
    );

    // 3. Pack the loans example from a source dir.
    let src = root_dir.join("src").join(APP);
    std::fs::create_dir_all(&src).map_err(|e| CliError::io("creating the source dir", e))?;
    let manifest = json!({
        "id": APP, "version": "1.0.0", "minHostVersion": "1.0.0", "entryPoint": "app.wasm",
        "permissions": ["storage", "auth", "payment", "location", "ui"],
        "allowedDomains": ["api.acme.com"],
    });
    write(
        &src.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)
            .expect("json")
            .as_bytes(),
    )?;
    write(&src.join("app.wasm"), loans::LOANS)?;
    let start = Instant::now();
    let zip = miniapp_package::pack_dir(&src, &partner, &partner_key)?;
    let dist = root_dir.join("dist");
    std::fs::create_dir_all(&dist).map_err(|e| CliError::io("creating dist", e))?;
    let zip_path = dist.join("com.acme.loans-1.0.0.zip");
    write(&zip_path, &zip)?;
    step(
        3,
        "Pack",
        format!(
            "{APP} 1.0.0 → {} ({} KiB, RSA-PSS/SHA-256, {:.0} ms)",
            zip_path.display(),
            zip.len() / 1024,
            ms(start)
        ),
    );

    // 4. Verify.
    let start = Instant::now();
    let archive = Archive::open(&read(&zip_path)?)?;
    let anchors = miniapp_package::TrustAnchors::new(rsa_public(&root_key));
    let host_version = semver::Version::parse(HOST_VERSION).expect("valid");
    let verified = miniapp_package::verify(&archive, &anchors, &host_version)?;
    step(
        4,
        "Verify",
        format!(
            "ok in {:.2} ms, digest {}",
            ms(start),
            &verified.digest_hex()[..16]
        ),
    );

    // 5. Host home + install.
    Home::init(&home, &root_pub, host_version.clone())?;
    let ui = Arc::new(miniapp_runtime::capabilities::ui::RecordingUi::default());
    let payments = Arc::new(miniapp_runtime::capabilities::payment::DevPaymentProcessor::default());
    let keystore =
        Arc::new(miniapp_runtime::capabilities::secure_storage::MemoryKeystore::default());
    let mut services = HostServices::development();
    services.consent = Arc::new(ConsentPrinter {
        declined: vec![Permission::Location],
    });
    services.ui = ui.clone();
    services.payment = payments.clone();
    services.keystore = keystore.clone();
    let rt = Runtime::new(
        &home,
        RuntimeConfig {
            services,
            engine: a.engine.options(),
            ..RuntimeConfig::new(miniapp_runtime::HostServices::development())
        },
    )?;
    let start = Instant::now();
    let outcome = rt.install_package(&zip)?;
    step(
        5,
        "Install",
        format!(
            "verify + extract + precompile in {:.0} ms (compile {:.0} ms) → {}",
            ms(start),
            outcome.compile_ms,
            home.join("apps").join(APP).display()
        ),
    );

    // 6. A tampered package: the manifest is edited after signing to ask for the clipboard.
    let mut entries = archive.entries().clone();
    let mut m: Value = serde_json::from_slice(&entries["manifest.json"]).expect("valid manifest");
    m["permissions"]
        .as_array_mut()
        .expect("list")
        .push(json!("clipboard"));
    entries.insert(
        "manifest.json".into(),
        serde_json::to_vec(&m).expect("json"),
    );
    let tampered = rt
        .install_package(&rezip(&entries))
        .expect_err("a tampered package must be refused");
    step(
        6,
        "Tampered",
        format!(
            "manifest edited after signing → refused: error[{}]",
            tampered.code()
        ),
    );

    // 7. Launch with the inspector on.
    let calls: Arc<Mutex<Vec<BridgeCallRecord>>> = Arc::default();
    let sink = calls.clone();
    let subscriber = tracing_subscriber::registry()
        .with(BridgeInspector::new(move |r: &BridgeCallRecord| {
            println!(
                "      [bridge] {:<28} {:<18} {:>6} µs",
                r.method, r.outcome, r.duration_us
            );
            sink.lock().expect("not poisoned").push(r.clone());
        }))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stdout)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
                .without_time()
                .with_target(false)
                .with_filter(EnvFilter::new("miniapp::guest=info")),
        );
    let guard = tracing::subscriber::set_default(subscriber);
    step(
        7,
        "Launch",
        format!("{APP} — the user is asked for consent once per sensitive permission"),
    );
    let tokio = super::tokio()?;
    let app = super::app_id(APP)?;
    let start = Instant::now();
    let mut instance = tokio.block_on(rt.launch(&app, LaunchOptions::default()))?;
    let cold_ms = ms(start);
    let launch_timings = instance.timings();
    let start = Instant::now();
    let answer = tokio.block_on(instance.on_launch(PARAMS))?;
    let on_launch_ms = ms(start);
    drop(guard);
    let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::String(answer));
    step(
        8,
        "Result",
        serde_json::to_string_pretty(&answer)
            .expect("json")
            .replace('\n', "\n                   "),
    );

    // 9. The denied call.
    let calls = calls.lock().expect("not poisoned").clone();
    let denied: Vec<&BridgeCallRecord> = calls
        .iter()
        .filter(|c| c.outcome == "PERMISSION_DENIED")
        .collect();
    for d in &denied {
        step(
            9,
            "Denied",
            format!(
                "{} → {} (the host's location service was never called; see audit.log)",
                d.method, d.outcome
            ),
        );
    }

    // 10. The login: the app keeps its session, the login code it exchanges, in the keystore.
    // The demo plays Acme's backend, which redeems the code once, checked with the host's key.
    let session: Value = keystore
        .entries(&app)
        .get("session")
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let code = session["loginCode"].as_str().unwrap_or_default();
    let codes = LoginCodes::default();
    let identity = codes.redeem(code, rt.token_public_key_pem(), APP)?;
    let again = codes
        .redeem(code, rt.token_public_key_pem(), APP)
        .expect_err("a login code is one-time");
    step(
        10,
        "Login",
        format!(
            "session from {}: kept in secure storage (`session`, redacted in records)\n                   \
             Acme's backend (played here) redeems its code with the host's key: user `{}`, app {}; \
             once only (again → error[{}])",
            answer["session"].as_str().unwrap_or("?"),
            identity.sub,
            identity.aud,
            again.code()
        ),
    );

    // 11. A second launch reuses the stored session: no new login code.
    let relaunch: Arc<Mutex<Vec<BridgeCallRecord>>> = Arc::default();
    let sink = relaunch.clone();
    let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(
        BridgeInspector::new(move |r: &BridgeCallRecord| {
            sink.lock().expect("not poisoned").push(r.clone())
        }),
    ));
    let mut second = tokio.block_on(rt.launch(&app, LaunchOptions::default()))?;
    let second_answer = tokio.block_on(second.on_launch(PARAMS))?;
    drop(second);
    drop(guard);
    let second_answer: Value =
        serde_json::from_str(&second_answer).unwrap_or(Value::String(second_answer));
    let relaunch = relaunch.lock().expect("not poisoned").clone();
    let new_codes = relaunch
        .iter()
        .filter(|c| c.method == "auth.loginCode")
        .count();
    step(
        11,
        "Relaunch",
        format!(
            "session from {}: {new_codes} new login code(s) in {} bridge calls; {} payment(s) charged in all",
            second_answer["session"].as_str().unwrap_or("?"),
            relaunch.len(),
            payments.charges().len()
        ),
    );

    // 12. A token, through the JSON bridge (the web path shares the same capability code).
    let ctx = tokio.block_on(rt.app_context(&app))?;
    let response = tokio.block_on(json_bridge::dispatch(
        &ctx,
        &json!({"id": 1, "method": "auth.getToken", "params": {"scopes": ["profile", "payments:write"]}}),
    ));
    let token = response["result"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let claims = verify_token(&token, rt.token_public_key_pem(), APP)?;
    step(
        12,
        "Token",
        format!(
            "asked profile + payments:write, got `{}`; verified with {}/host-key.pub:\n                   {}",
            claims.scope,
            home.display(),
            serde_json::to_string(&claims).expect("json")
        ),
    );

    // 13. What landed in storage.
    let keys_resp = tokio.block_on(json_bridge::dispatch(
        &ctx,
        &json!({"id": 2, "method": "storage.keys"}),
    ));
    let draft = tokio.block_on(json_bridge::dispatch(
        &ctx,
        &json!({"id": 3, "method": "storage.get", "params": {"key": "draft"}}),
    ));
    let (used, quota) = rt.storage_usage(&app)?;
    step(
        13,
        "Storage",
        format!(
            "keys {} in {} ({used} of {quota} bytes)\n                   draft = {}",
            keys_resp["result"],
            home.join("data").join(APP).display(),
            draft["result"]
        ),
    );
    println!(
        "    {:<14} payments charged: {}, toasts shown: {}",
        "",
        payments.charges().len(),
        ui.events().len()
    );

    // 14. Timings.
    let mut warm = Vec::with_capacity(a.warm_launches);
    for _ in 0..a.warm_launches {
        let start = Instant::now();
        let instance = tokio.block_on(rt.launch(&app, LaunchOptions::default()))?;
        warm.push(start.elapsed().as_secs_f64() * 1e6);
        drop(instance);
    }
    let bridge: Vec<f64> = calls
        .iter()
        .filter(|c| c.outcome == "ok")
        .map(|c| c.duration_us as f64)
        .collect();
    step(
        14,
        "Timings",
        format!(
            "compile {:.0} ms | cold launch {:.2} ms (load artifact {:.2} + link {:.2} + instantiate {:.2}) | warm launch {:.0} µs (median of {}) | on-launch {:.1} ms for {} bridge calls, median call {:.0} µs",
            outcome.compile_ms,
            cold_ms,
            launch_timings.load_ms,
            launch_timings.link_ms,
            launch_timings.instantiate_ms,
            median_us(warm),
            a.warm_launches,
            on_launch_ms,
            calls.len(),
            median_us(bridge),
        ),
    );
    let engine = rt.engine_report();
    println!(
        "    engine: {} profile, {} backend, {} allocator, {} MiB reserved per memory{}",
        engine.profile,
        engine.backend,
        engine.allocator,
        engine.memory_reservation_bytes >> 20,
        engine
            .fallback
            .as_deref()
            .map(|f| format!(" (fallback: {f})"))
            .unwrap_or_default()
    );
    println!(
        "\nTry it yourself: miniapp run {APP} --home {} --inspect",
        home.display()
    );
    Ok(())
}

fn rsa_public(k: &keys::RsaPrivateKey) -> keys::RsaPublicKey {
    keys::RsaPublicKey::from(k)
}

fn miniapp_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

mod consent_prompt {
    //! The demo's consent prompt: prints the question and the scripted user's answer.
    use miniapp_package::{AppId, Permission};
    use miniapp_runtime::capabilities::consent::ConsentService;

    pub struct ConsentPrinter {
        pub declined: Vec<Permission>,
    }

    #[async_trait::async_trait]
    impl ConsentService for ConsentPrinter {
        async fn ask(&self, app: &AppId, permission: Permission) -> bool {
            let yes = !self.declined.contains(&permission);
            println!(
                "      [consent] {app} wants `{permission}` → the user says {}",
                if yes { "yes" } else { "no" }
            );
            yes
        }
    }
}
