//! Whole-process launches, for `hyperfine` in `benches/run.sh`: `miniapp run` of an installed app
//! against a minimal raw wasmtime host doing the same work (map the precompiled artifact,
//! instantiate, call `on-launch`), each a fresh process.
//!
//! Usage:
//!   process setup DIR [ID=COMPONENT.wasm ...]   a home at DIR/home with the bench app installed
//!                                               (and each extra component, all permissions), and
//!                                               DIR/raw-bench.cwasm for the raw host
//!   process raw ARTIFACT PARAMS                 the raw host: prints on-launch's answer
//!   process launches HOME ID PARAMS N            in one process: the first launch (artifact
//!                                               loaded from disk) and N more (warm), each
//!                                               launch + on-launch; prints JSON in ms
#![deny(unsafe_code)]

use std::path::{Path, PathBuf};

use miniapp_benches::{MiniProgramPre, raw_engine, raw_pre_of, raw_storage, raw_store};
use miniapp_package::Permission;
use miniapp_runtime::{HostServices, Runtime, RuntimeConfig};
use miniapp_scenarios::{guests, manifest, package};

fn setup(dir: &Path, extra: &[String]) {
    let home = dir.join("home");
    if home.exists() {
        std::fs::remove_dir_all(&home).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
    let root_pem =
        miniapp_package::keys::public_key_to_pem(&miniapp_scenarios::keys().root.1).unwrap();
    miniapp_runtime::Home::init(&home, &root_pem, "1.4.0".parse().unwrap()).unwrap();
    let rt = Runtime::new(&home, RuntimeConfig::new(HostServices::development())).unwrap();
    rt.install_package(&package(
        &manifest("com.acme.bench", "1.0.0", &[Permission::Storage]),
        guests::BENCH,
    ))
    .unwrap();
    let mut installs = serde_json::Map::new();
    for spec in extra {
        let (id, path) = spec.split_once('=').expect("ID=COMPONENT.wasm");
        let bytes = std::fs::read(path).unwrap();
        let start = std::time::Instant::now();
        let outcome = rt
            .install_package(&package(
                &manifest(id, "1.0.0", miniapp_scenarios::ALL_BRIDGE),
                &bytes,
            ))
            .unwrap();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        eprintln!("installed {id} ({} bytes) in {ms:.0} ms", bytes.len());
        installs.insert(
            id.to_string(),
            serde_json::json!({"ms": ms, "compileMs": outcome.compile_ms, "componentBytes": bytes.len()}),
        );
    }
    std::fs::write(
        dir.join("setup.json"),
        serde_json::Value::Object(installs).to_string(),
    )
    .unwrap();
    let engine = raw_engine();
    let artifact = engine.precompile_component(guests::BENCH).unwrap();
    std::fs::write(dir.join("raw-bench.cwasm"), artifact).unwrap();
    println!("{}", home.display());
}

fn raw(artifact: &Path, params: &str) {
    let engine = raw_engine();
    // SAFETY: `setup` wrote this artifact with `precompile_component` on an engine configured
    // exactly like this one; nothing else writes it.
    #[allow(unsafe_code)]
    let component =
        unsafe { wasmtime::component::Component::deserialize_file(&engine, artifact) }.unwrap();
    let pre: MiniProgramPre<_> = raw_pre_of(&engine, &component);
    let scratch = std::env::temp_dir().join(format!("miniapp-raw-{}", std::process::id()));
    let storage = raw_storage(&scratch);
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut store = raw_store(&engine, &storage);
    let answer = tokio.block_on(async {
        let instance = pre.instantiate_async(&mut store).await.unwrap();
        instance
            .miniapp_bridge_lifecycle()
            .call_on_launch(&mut store, params)
            .await
            .unwrap()
    });
    let _ = std::fs::remove_dir_all(&scratch);
    println!("{answer:?}");
}

fn launches(home: &Path, id: &str, params: &str, n: usize) {
    let rt = Runtime::new(home, RuntimeConfig::new(HostServices::development())).unwrap();
    let id = miniapp_package::AppId::parse(id).unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut ms = Vec::with_capacity(n + 1);
    for _ in 0..=n {
        let start = std::time::Instant::now();
        tokio.block_on(async {
            let mut instance = rt
                .launch(&id, miniapp_runtime::LaunchOptions::default())
                .await
                .unwrap();
            instance.on_launch(params).await.unwrap();
        });
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let mut warm = ms[1..].to_vec();
    warm.sort_by(f64::total_cmp);
    let median = warm.get(warm.len() / 2).copied();
    println!(
        "{}",
        serde_json::json!({"firstMs": ms[0], "warmMedianMs": median, "warmRuns": n})
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("setup") if args.len() >= 2 => setup(&PathBuf::from(&args[1]), &args[2..]),
        Some("raw") if args.len() == 3 => raw(Path::new(&args[1]), &args[2]),
        Some("launches") if args.len() == 5 => launches(
            Path::new(&args[1]),
            &args[2],
            &args[3],
            args[4].parse().expect("N is a count"),
        ),
        _ => {
            eprintln!(
                "usage: process setup DIR [ID=COMPONENT.wasm ...] | process raw ARTIFACT PARAMS \
                 | process launches HOME ID PARAMS N"
            );
            std::process::exit(2);
        }
    }
}
