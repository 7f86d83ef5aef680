//! A host app embedding the runtime. Usage: `embed-host HOME APP.zip [PARAMS]` installs the
//! package into HOME (made with `miniapp init`) and launches it. Without arguments it makes a
//! throwaway home with a dev root key and runs the `minimal` test component.
#![forbid(unsafe_code)]

use anyhow::Context;
use miniapp_runtime::{BlockingRuntime, HostServices, RuntimeConfig};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (_tmp, home, package, params) = match args.as_slice() {
        [home, zip, rest @ ..] => (
            None,
            home.into(),
            std::fs::read(zip)?,
            rest.first().cloned().unwrap_or_default(),
        ),
        _ => self_contained()?,
    };

    // --- The embedding, in about 20 lines. ---
    // Your payment, UI, location, consent... services; development() is in-memory and says yes
    // to every consent. There is no default: a host names the services it runs with.
    let config = RuntimeConfig::new(HostServices::development());
    let host = BlockingRuntime::new(&home, config).context("opening the home")?;
    let installed = host
        .runtime()
        .install_package(&package)
        .map_err(|e| anyhow::anyhow!("error[{}]: {e} (hint: {})", e.code(), e.hint()))?;
    println!("installed {} {}", installed.app.id, installed.app.version);
    match host.run(&installed.app.id, &params) {
        Ok(answer) => println!("{answer}"),
        Err(e) => eprintln!("error[{}]: {e}", e.code()),
    }
    // --- End of the embedding. ---
    Ok(())
}

/// A throwaway home trusting a fresh root key, and a package of the `minimal` component.
fn self_contained() -> anyhow::Result<(
    Option<tempfile::TempDir>,
    std::path::PathBuf,
    Vec<u8>,
    String,
)> {
    use miniapp_package::{
        AppId, Manifest, PartnerRecord, Permission, UnsignedPartnerRecord, keys,
    };
    let tmp = tempfile::tempdir()?;
    let home = tmp.path().join("home");
    let (root, root_pub) = keys::generate_keypair(2048)?;
    let (partner_key, partner_pub) = keys::generate_keypair(2048)?;
    miniapp_runtime::Home::init(
        &home,
        &keys::public_key_to_pem(&root_pub)?,
        semver::Version::new(1, 0, 0),
    )?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let partner = PartnerRecord::issue(
        UnsignedPartnerRecord {
            partner: "example".into(),
            public_key: keys::public_key_to_pem(&partner_pub)?,
            allowed_permissions: [Permission::Storage].into_iter().collect(),
            namespace: AppId::parse("com.example")?,
            issued_at: now,
            expires_at: now + 3600,
            allowed_domains: vec![],
        },
        &root,
    )?;
    let manifest = Manifest::from_json(
        br#"{"id":"com.example.hello","version":"1.0.0","minHostVersion":"1.0.0","entryPoint":"app.wasm"}"#,
    )?;
    let files = [("app.wasm".to_string(), miniapp_guests::MINIMAL.to_vec())].into();
    let zip = miniapp_package::pack(&manifest, &files, &partner, &partner_key)?;
    Ok((Some(tmp), home, zip, "hello from the host".into()))
}
