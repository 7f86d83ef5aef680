//! The CLI contract of the trust-chain issue, driven through the real binary with real keys.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn miniapp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .args(args)
        .env_remove("MINIAPP_HOME")
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = miniapp(args);
    assert!(
        out.status.success(),
        "miniapp {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str], exit: i32, code: &str) -> Output {
    let out = miniapp(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit), "miniapp {args:?}: {stderr}");
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "miniapp {args:?}: {stderr}"
    );
    assert!(
        stderr.contains("hint:"),
        "every error carries a hint: {stderr}"
    );
    out
}

struct Kit {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Kit {
    fn p(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    /// root + partner keys (2048 bits to keep the test fast) and a partner record.
    fn new(allow: &str) -> Kit {
        let tmp = tempfile::tempdir().unwrap();
        let kit = Kit {
            dir: tmp.path().to_owned(),
            _tmp: tmp,
        };
        ok(&["keygen", "--out", &kit.p("root"), "--bits", "2048"]);
        ok(&["keygen", "--out", &kit.p("acme"), "--bits", "2048"]);
        ok(&[
            "partner",
            "register",
            "--root-key",
            &kit.p("root.key"),
            "--public-key",
            &kit.p("acme.pub"),
            "--partner",
            "acme",
            "--namespace",
            "com.acme",
            "--allow",
            allow,
            "--out",
            &kit.p("acme.partner.json"),
        ]);
        kit
    }

    fn source(&self, name: &str, manifest: Value, wasm: &[u8]) -> String {
        let dir = self.dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::to_vec_pretty(&manifest).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.join("app.wasm"), wasm).unwrap();
        dir.to_string_lossy().into_owned()
    }

    fn pack(&self, src: &str, out: &str) -> String {
        let zip = self.p(out);
        ok(&[
            "pack",
            src,
            "--key",
            &self.p("acme.key"),
            "--partner",
            &self.p("acme.partner.json"),
            "--out",
            &zip,
        ]);
        zip
    }
}

impl Kit {
    /// A package signed by acme's key over `manifest` and `wasm`, skipping every check `pack`
    /// makes: what a careless or hostile partner could upload to a marketplace.
    fn pack_unchecked(&self, manifest: Value, wasm: &[u8], out: &str) -> String {
        use miniapp_package::{Manifest, PartnerRecord, digest, keys};
        use std::io::Write;
        let m = Manifest::from_json(&serde_json::to_vec(&manifest).unwrap()).unwrap();
        let record = std::fs::read(self.dir.join("acme.partner.json")).unwrap();
        PartnerRecord::from_json(&record).unwrap();
        let key = keys::private_key_from_pem(
            &std::fs::read_to_string(self.dir.join("acme.key")).unwrap(),
        )
        .unwrap();
        let mut entries = std::collections::BTreeMap::from([
            ("app.wasm".to_owned(), wasm.to_vec()),
            ("partner.json".to_owned(), record),
        ]);
        let sig = keys::sign_pss_sha256(&key, &digest::signed_payload(&m, &entries)).unwrap();
        let signed = Manifest {
            signature: Some(keys::signature_to_base64(&sig)),
            ..m
        };
        entries.insert(
            "manifest.json".into(),
            serde_json::to_vec_pretty(&signed).unwrap(),
        );
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (p, d) in &entries {
            w.start_file(p.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(d).unwrap();
        }
        let zip = self.p(out);
        std::fs::write(&zip, w.finish().unwrap().into_inner()).unwrap();
        zip
    }
}

fn manifest(id: &str, perms: &[&str]) -> Value {
    json!({"id": id, "version": "1.0.0", "minHostVersion": "1.2.0", "entryPoint": "app.wasm", "permissions": perms, "allowedDomains": []})
}

#[test]
fn keygen_partner_pack_verify_init_install_list_run_token_uninstall() {
    let kit = Kit::new("storage,auth,ui");
    let key_pem = std::fs::read_to_string(kit.dir.join("root.key")).unwrap();
    assert!(
        key_pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "PKCS#8 PEM"
    );
    let pub_pem = std::fs::read_to_string(kit.dir.join("root.pub")).unwrap();
    assert!(
        pub_pem.starts_with("-----BEGIN PUBLIC KEY-----"),
        "SPKI PEM"
    );

    let src = kit.source(
        "probe",
        manifest("com.acme.probe", &["storage", "auth", "ui"]),
        miniapp_guests::PROBE,
    );
    // probe also imports payment, location, device, clipboard, share, haptics, navigation:
    // undeclared imports.
    // pack refuses it, and a package signed without pack's checks gets the same verdict from
    // `verify` as from `install`.
    fails(
        &[
            "pack",
            &src,
            "--key",
            &kit.p("acme.key"),
            "--partner",
            &kit.p("acme.partner.json"),
            "--out",
            &kit.p("probe.zip"),
        ],
        2,
        "IMPORT_NOT_PERMITTED",
    );
    let zip = kit.pack_unchecked(
        manifest("com.acme.probe", &["storage", "auth", "ui"]),
        miniapp_guests::PROBE,
        "probe.zip",
    );
    let out = fails(
        &[
            "verify",
            &zip,
            "--root",
            &kit.p("root.pub"),
            "--host-version",
            "1.4.0",
            "--json",
        ],
        2,
        "IMPORT_NOT_PERMITTED",
    );
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "IMPORT_NOT_PERMITTED");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("miniapp:bridge/payment@"),
        "{err}"
    );

    let home = kit.p("home");
    ok(&[
        "init",
        "--home",
        &home,
        "--root",
        &kit.p("root.pub"),
        "--host-version",
        "1.4.0",
    ]);
    let out = fails(
        &["install", &zip, "--home", &home, "--json"],
        2,
        "IMPORT_NOT_PERMITTED",
    );
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "IMPORT_NOT_PERMITTED");

    let src = kit.source(
        "minimal",
        manifest("com.acme.minimal", &["storage"]),
        miniapp_guests::MINIMAL,
    );
    let zip = kit.pack(&src, "minimal.zip");
    let installed: Value =
        serde_json::from_str(&ok(&["install", &zip, "--home", &home, "--json"])).unwrap();
    assert_eq!(installed["installed"]["id"], "com.acme.minimal");
    // MINIAPP_HOME stands in for --home.
    let listed = Command::new(env!("CARGO_BIN_EXE_miniapp"))
        .args(["list", "--json"])
        .env("MINIAPP_HOME", &home)
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["id"], "com.acme.minimal");
    assert_eq!(
        ok(&[
            "run",
            "com.acme.minimal",
            "--home",
            &home,
            "--params",
            "hello"
        ])
        .trim(),
        "hello"
    );
    let status = ok(&["status", "com.acme.minimal", "--home", &home]);
    assert!(status.contains("active 1.0.0"), "{status}");
    assert!(
        status.contains("usage   1 launches, 1 bridge calls"),
        "usage outlives the run process: {status}"
    );
    // The inspector on the terminal: one line per bridge call, with its params.
    let inspected = miniapp(&["run", "com.acme.minimal", "--home", &home, "--inspect"]);
    let stderr = String::from_utf8_lossy(&inspected.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("[bridge] com.acme.minimal"))
        .unwrap_or_else(|| panic!("no inspector line: {stderr}"));
    assert!(line.contains("log.log") && line.contains(" ok "), "{line}");
    assert!(line.contains(r#""message":"minimal: launched""#), "{line}");
    // The same installed package under the no-JIT interpreter: same answer, own artifact.
    let pulley = ["run", "com.acme.minimal", "--home", &home, "--params", "p"];
    assert_eq!(
        ok(&[&pulley[..], &["--engine", "pulley"]].concat()).trim(),
        "p"
    );
    assert_eq!(
        std::fs::read_dir(Path::new(&home).join("cache"))
            .unwrap()
            .count(),
        2
    );
    let bad = miniapp(&[&pulley[..], &["--engine", "jit"]].concat());
    assert_eq!(
        bad.status.code(),
        Some(64),
        "a usage error, not a verification failure"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected `cranelift` or `pulley`"));

    ok(&["uninstall", "com.acme.minimal", "--home", &home]);
    fails(
        &["run", "com.acme.minimal", "--home", &home],
        1,
        "APP_NOT_FOUND",
    );
    assert_eq!(ok(&["list", "--home", &home, "--json"]).trim(), "[]");
    let audit = std::fs::read_to_string(Path::new(&home).join("audit.log")).unwrap();
    assert!(
        audit.contains("\"event\":\"install\"") && audit.contains("IMPORT_NOT_PERMITTED"),
        "{audit}"
    );
}

#[test]
fn tokens_from_a_guest_verify_with_the_cli() {
    // The probe imports every bridge interface: it declares every permission that grants one.
    let all: Vec<&str> = miniapp_contract::Permission::WITH_INTERFACE
        .iter()
        .map(|p| p.as_str())
        .collect();
    let kit = Kit::new(&all.join(","));
    let src = kit.source(
        "probe",
        manifest("com.acme.probe", &all),
        miniapp_guests::PROBE,
    );
    let zip = kit.pack(&src, "probe.zip");
    let home = kit.p("home");
    ok(&[
        "init",
        "--home",
        &home,
        "--root",
        &kit.p("root.pub"),
        "--host-version",
        "1.4.0",
    ]);
    ok(&["install", &zip, "--home", &home]);
    let script = json!({"calls": [{"method": "auth.getToken", "params": {"scopes": ["profile"]}}]})
        .to_string();
    let out: Value = serde_json::from_str(&ok(&[
        "run",
        "com.acme.probe",
        "--home",
        &home,
        "--params",
        &script,
    ]))
    .unwrap();
    let token = out[0]["ok"]["value"].as_str().unwrap().to_owned();
    let host_pub = format!("{home}/host-key.pub");
    let claims: Value = serde_json::from_str(&ok(&[
        "token",
        "verify",
        &token,
        "--key",
        &host_pub,
        "--app",
        "com.acme.probe",
    ]))
    .unwrap();
    assert_eq!(claims["aud"], "com.acme.probe");
    assert_eq!(claims["scope"], "profile");
    fails(
        &[
            "token",
            "verify",
            &token,
            "--key",
            &host_pub,
            "--app",
            "com.acme.other",
        ],
        1,
        "TOKEN_INVALID",
    );

    // kid, JWK Set, rotation with a grace period.
    let run_token = || -> String {
        let out: Value = serde_json::from_str(&ok(&[
            "run",
            "com.acme.probe",
            "--home",
            &home,
            "--params",
            &script,
        ]))
        .unwrap();
        out[0]["ok"]["value"].as_str().unwrap().to_owned()
    };
    let jwks = |name: &str| -> (Value, String) {
        let text = ok(&["token", "jwks", "--home", &home]);
        let path = kit.p(name);
        std::fs::write(&path, &text).unwrap();
        (serde_json::from_str(&text).unwrap(), path)
    };
    let verify = |token: &str, how: &str, with: &str| {
        miniapp(&[
            "token",
            "verify",
            token,
            how,
            with,
            "--app",
            "com.acme.probe",
        ])
    };
    let (set1, jwks1) = jwks("jwks1.json");
    let keys = set1["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{set1}");
    let k1 = keys[0]["kid"].as_str().unwrap().to_owned();
    assert_eq!(
        keys[0],
        json!({"kty": "OKP", "crv": "Ed25519", "x": keys[0]["x"], "kid": k1, "use": "sig", "alg": "EdDSA"})
    );
    assert_eq!(kid_of(&token), k1);
    assert!(verify(&token, "--jwks", &jwks1).status.success());
    assert!(verify(&token, "--home", &home).status.success());

    // No grace: the old key's tokens are refused at once, by name.
    let r: Value = serde_json::from_str(&ok(&[
        "token", "rotate", "--home", &home, "--grace", "0s", "--json",
    ]))
    .unwrap();
    assert_eq!(r["retired"], k1.as_str());
    let k2 = r["current"].as_str().unwrap().to_owned();
    assert_ne!(k1, k2);
    let (set2, jwks2) = jwks("jwks2.json");
    assert_eq!(set2["keys"].as_array().unwrap().len(), 1, "{set2}");
    assert_eq!(set2["keys"][0]["kid"], k2.as_str());
    fails(
        &[
            "token",
            "verify",
            &token,
            "--home",
            &home,
            "--app",
            "com.acme.probe",
        ],
        1,
        "TOKEN_KEY_RETIRED",
    );
    fails(
        &[
            "token",
            "verify",
            &token,
            "--jwks",
            &jwks2,
            "--app",
            "com.acme.probe",
        ],
        1,
        "TOKEN_KEY_UNKNOWN",
    );
    // The runtime signs with the newest key.
    let token2 = run_token();
    assert_eq!(kid_of(&token2), k2);

    // With grace: both keys verify, the signing key listed first.
    ok(&["token", "rotate", "--home", &home, "--grace", "24h"]);
    let (set3, jwks3) = jwks("jwks3.json");
    let kids: Vec<&str> = set3["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2, "{set3}");
    assert_eq!(kids[1], k2);
    let token3 = run_token();
    assert_eq!(kid_of(&token3), kids[0]);
    for t in [&token2, &token3] {
        assert!(verify(t, "--home", &home).status.success());
        assert!(verify(t, "--jwks", &jwks3).status.success());
    }
    // host-key.pub holds only the newest key.
    fails(
        &[
            "token",
            "verify",
            &token2,
            "--key",
            &host_pub,
            "--app",
            "com.acme.probe",
        ],
        1,
        "TOKEN_INVALID",
    );

    // A home without keys: a code, exit 1, and nothing changed.
    std::fs::remove_file(Path::new(&home).join("host-key.pem")).unwrap();
    fails(&["token", "jwks", "--home", &home], 1, "KEYS_MISSING");
    fails(&["token", "rotate", "--home", &home], 1, "KEYS_MISSING");
    assert!(!Path::new(&home).join("host-key.pem").exists());
}

/// The `kid` header of a compact JWT.
fn kid_of(token: &str) -> String {
    use base64::Engine as _;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[test]
fn domains_are_bound_by_the_partner_record() {
    let kit = Kit::new("storage");
    let register = |domains: &str, out: &str| {
        miniapp(&[
            "partner",
            "register",
            "--root-key",
            &kit.p("root.key"),
            "--public-key",
            &kit.p("acme.pub"),
            "--partner",
            "acme",
            "--namespace",
            "com.acme",
            "--allow",
            "storage",
            "--domain",
            domains,
            "--out",
            &kit.p(out),
        ])
    };
    for bad in ["*.co.uk", "*.com", "localhost", "127.0.0.1"] {
        let out = register(bad, "bad.partner.json");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error[DOMAIN_NOT_ALLOWED]"),
            "{bad}: {stderr}"
        );
        assert!(!kit.dir.join("bad.partner.json").exists());
    }
    let out = register(
        "api.acme.com,*.cdn.acme.com,bücher.example",
        "acme.partner.json",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record = std::fs::read_to_string(kit.dir.join("acme.partner.json")).unwrap();
    assert!(
        record.contains("xn--bcher-kva.example"),
        "IDN as punycode: {record}"
    );

    let with_domains = |domains: Value| {
        let mut m = manifest("com.acme.minimal", &["storage"]);
        m["allowedDomains"] = domains;
        m
    };
    let src = kit.source(
        "ok",
        with_domains(json!([
            "api.acme.com",
            "img.cdn.acme.com",
            "BÜCHER.example"
        ])),
        miniapp_guests::MINIMAL,
    );
    let zip = kit.pack(&src, "ok.zip");
    ok(&[
        "verify",
        &zip,
        "--root",
        &kit.p("root.pub"),
        "--host-version",
        "1.4.0",
    ]);
    for (name, domains) in [
        ("outside", json!(["evil.example"])),
        ("suffix", json!(["*.co.uk"])),
        ("loopback", json!(["localhost"])),
        ("private", json!(["10.1.2.3"])),
    ] {
        let src = kit.source(name, with_domains(domains.clone()), miniapp_guests::MINIMAL);
        fails(
            &[
                "pack",
                &src,
                "--key",
                &kit.p("acme.key"),
                "--partner",
                &kit.p("acme.partner.json"),
                "--out",
                &kit.p("refused.zip"),
            ],
            2,
            "DOMAIN_NOT_ALLOWED",
        );
        let zip = kit.pack_unchecked(with_domains(domains), miniapp_guests::MINIMAL, "u.zip");
        fails(
            &[
                "verify",
                &zip,
                "--root",
                &kit.p("root.pub"),
                "--host-version",
                "1.4.0",
            ],
            2,
            "DOMAIN_NOT_ALLOWED",
        );
    }
}

#[test]
fn verification_failures_exit_2_with_their_codes() {
    let kit = Kit::new("storage");
    let src = kit.source(
        "minimal",
        manifest("com.acme.minimal", &["storage"]),
        miniapp_guests::MINIMAL,
    );
    let zip = kit.pack(&src, "minimal.zip");

    // Too-new minHostVersion: the host must be updated.
    let out = fails(
        &[
            "verify",
            &zip,
            "--root",
            &kit.p("root.pub"),
            "--host-version",
            "1.1.9",
        ],
        2,
        "HOST_VERSION_INCOMPATIBLE",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1.2.0") && stderr.contains("1.1.9"),
        "{stderr}"
    );

    // A foreign root does not vouch for the partner.
    ok(&["keygen", "--out", &kit.p("evil"), "--bits", "2048"]);
    fails(
        &[
            "verify",
            &zip,
            "--root",
            &kit.p("evil.pub"),
            "--host-version",
            "1.4.0",
        ],
        2,
        "PARTNER_UNTRUSTED",
    );

    // One flipped bit in the package.
    let mut bytes = std::fs::read(&zip).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x01;
    std::fs::write(kit.p("flipped.zip"), bytes).unwrap();
    let out = miniapp(&[
        "verify",
        &kit.p("flipped.zip"),
        "--root",
        &kit.p("root.pub"),
        "--host-version",
        "1.4.0",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = err["error"]["code"].as_str().unwrap();
    assert!(
        [
            "ARCHIVE_INVALID",
            "SIGNATURE_INVALID",
            "MANIFEST_INVALID",
            "PARTNER_UNTRUSTED"
        ]
        .contains(&code),
        "{code}"
    );

    // A permission the partner may not use is refused at pack time already.
    let src = kit.source(
        "greedy",
        manifest("com.acme.greedy", &["storage", "payment"]),
        miniapp_guests::MINIMAL,
    );
    let out = miniapp(&[
        "pack",
        &src,
        "--key",
        &kit.p("acme.key"),
        "--partner",
        &kit.p("acme.partner.json"),
        "--out",
        &kit.p("g.zip"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[PERMISSION_NOT_ALLOWED]"));

    // Outside the namespace.
    let src = kit.source(
        "outsider",
        manifest("com.other.app", &["storage"]),
        miniapp_guests::MINIMAL,
    );
    let out = miniapp(&[
        "pack",
        &src,
        "--key",
        &kit.p("acme.key"),
        "--partner",
        &kit.p("acme.partner.json"),
        "--out",
        &kit.p("o.zip"),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[NAMESPACE_VIOLATION]"));

    // An uninitialised home says how to make one.
    fails(
        &["install", &zip, "--home", &kit.p("nohome")],
        1,
        "HOME_INVALID",
    );
}

#[test]
fn the_demo_runs_and_refuses_the_tampered_package() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&[
        "demo",
        "--home",
        &tmp.path().to_string_lossy(),
        "--warm-launches",
        "5",
    ]);
    for expected in [
        "error[SIGNATURE_INVALID]",
        "PERMISSION_DENIED",
        "\"draftSaved\": true",
        // The first launch logs in by code exchange and the backend redeems the code once;
        // the second reuses the session in secure storage.
        "\"session\": \"loginCode\"",
        "session from loginCode: kept in secure storage",
        "user `dev-user`, app com.acme.loans; once only (again → error[TOKEN_INVALID])",
        "[bridge] auth.loginCode",
        "session from secureStorage: 0 new login code(s)",
        "verified with",
        "warm launch",
    ] {
        assert!(
            out.contains(expected),
            "demo output lacks `{expected}`:\n{out}"
        );
    }
}

#[test]
fn root_rotation_needs_both_thresholds_moves_forward_only_and_drops_the_old_key() {
    let kit = Kit::new("storage");
    let zip = kit.pack(
        &kit.source(
            "app",
            manifest("com.acme.app", &["storage"]),
            miniapp_guests::MINIMAL,
        ),
        "app.zip",
    );
    for k in ["r2a", "r2b"] {
        ok(&["keygen", "--out", &kit.p(k), "--bits", "2048"]);
    }
    let home = kit.p("home");
    ok(&[
        "init",
        "--home",
        &home,
        "--root",
        &kit.p("root.pub"),
        "--host-version",
        "1.4.0",
    ]);
    let trust_path = Path::new(&home).join("trust.json");
    let trust = || std::fs::read(&trust_path).unwrap();
    let pristine = trust();
    let create = |name: &str, version: &str, threshold: &str| -> String {
        let path = kit.p(name);
        ok(&[
            "root",
            "create",
            "--version",
            version,
            "--key",
            &kit.p("r2a.pub"),
            "--key",
            &kit.p("r2b.pub"),
            "--threshold",
            threshold,
            "--out",
            &path,
        ]);
        path
    };
    let sign = |path: &str, key: &str| {
        ok(&["root", "sign", path, "--key", &kit.p(key)]);
    };
    let rotate = |path: &str| miniapp(&["root", "rotate", "--home", &home, path]);
    let refused = |path: &str, code: &str| {
        fails(&["root", "rotate", "--home", &home, path], 1, code);
        assert_eq!(
            trust(),
            pristine,
            "a refused root leaves trust.json as it was"
        );
    };

    // Signed by the new keys only: the trusted root's threshold is not met.
    let new_only = create("new-only.json", "2", "2");
    sign(&new_only, "r2a.key");
    sign(&new_only, "r2b.key");
    refused(&new_only, "ROOT_THRESHOLD_NOT_MET");
    // Signed by the old root and one of two required new keys.
    let half = create("half.json", "2", "2");
    sign(&half, "root.key");
    sign(&half, "r2a.key");
    refused(&half, "ROOT_THRESHOLD_NOT_MET");
    // Signed by the wrong keys (a partner's) in place of the old root's.
    let wrong = create("wrong.json", "2", "1");
    sign(&wrong, "acme.key");
    sign(&wrong, "r2a.key");
    refused(&wrong, "ROOT_THRESHOLD_NOT_MET");
    // Not forward: version 1 is what the home trusts.
    let same = create("same.json", "1", "1");
    sign(&same, "root.key");
    sign(&same, "r2a.key");
    refused(&same, "ROOT_ROLLBACK");
    // Unknown fields, in the signed metadata or the envelope.
    let extra = kit.p("extra.json");
    let text = std::fs::read_to_string(&half).unwrap();
    std::fs::write(&extra, text.replacen('{', "{\"admin\":true,", 1)).unwrap();
    refused(&extra, "ROOT_INVALID");
    let mut env: Value = serde_json::from_str(&text).unwrap();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut meta: Value =
        serde_json::from_slice(&b64.decode(env["payload"].as_str().unwrap()).unwrap()).unwrap();
    meta["expires"] = json!(0);
    env["payload"] = json!(b64.encode(meta.to_string()));
    std::fs::write(&extra, env.to_string()).unwrap();
    refused(&extra, "ROOT_INVALID");
    // Before the rotation the old root's partner record installs.
    ok(&["install", &zip, "--home", &home]);

    // Both thresholds met: the home moves to version 2.
    let good = create("root-v2.json", "2", "2");
    for k in ["root.key", "r2a.key", "r2b.key"] {
        sign(&good, k);
    }
    let out = rotate(&good);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: Value = serde_json::from_slice(&trust()).unwrap();
    assert_eq!(t["root"]["version"], 2);
    assert_eq!(t["root"]["threshold"], 2);
    // Replaying it, or the older root, is a rollback now.
    fails(
        &["root", "rotate", "--home", &home, &good],
        1,
        "ROOT_ROLLBACK",
    );

    // What only the old root signed is refused; the new root's keys vouch for partners.
    fails(&["install", &zip, "--home", &home], 2, "PARTNER_UNTRUSTED");
    ok(&[
        "partner",
        "register",
        "--root-key",
        &kit.p("r2b.key"),
        "--public-key",
        &kit.p("acme.pub"),
        "--partner",
        "acme",
        "--namespace",
        "com.acme",
        "--allow",
        "storage",
        "--out",
        &kit.p("acme.partner.json"),
    ]);
    let zip2 = kit.pack(
        &kit.source(
            "app2",
            manifest("com.acme.other", &["storage"]),
            miniapp_guests::MINIMAL,
        ),
        "app2.zip",
    );
    ok(&["install", &zip2, "--home", &home]);

    // Version 3 must now be signed by 2 of the version-2 keys: the old root key no longer counts.
    let v3 = create("root-v3.json", "3", "1");
    sign(&v3, "root.key");
    sign(&v3, "r2a.key");
    let before = trust();
    fails(
        &["root", "rotate", "--home", &home, &v3],
        1,
        "ROOT_THRESHOLD_NOT_MET",
    );
    assert_eq!(trust(), before);
    sign(&v3, "r2b.key");
    ok(&["root", "rotate", "--home", &home, &v3]);
}

/// Every command that prints a result can print it as JSON; library errors get the CLI's own
/// hint (flags and commands), which the library's hints never name.
#[test]
fn results_as_json_and_errors_with_cli_hints() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let keys: Value = serde_json::from_str(&ok(&[
        "keygen",
        "--out",
        &p("root"),
        "--bits",
        "2048",
        "--json",
    ]))
    .unwrap();
    assert_eq!(keys["publicKey"], p("root.pub"));
    assert_eq!(keys["fingerprint"].as_str().unwrap().len(), 64, "{keys}");
    let home: Value = serde_json::from_str(&ok(&[
        "init",
        "--home",
        &p("home"),
        "--root",
        &p("root.pub"),
        "--host-version",
        "1.4.0",
        "--json",
    ]))
    .unwrap();
    assert_eq!(home["hostVersion"], "1.4.0");
    assert_eq!(home["tokenKey"], p("home/host-key.pub"));
    let out = fails(
        &["uninstall", "com.acme.none", "--home", &p("home"), "--json"],
        1,
        "APP_NOT_FOUND",
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`miniapp list`"),
        "the CLI's hint names its command"
    );
    fails(
        &[
            "rollback",
            "com.acme.none",
            "--home",
            &p("nowhere"),
            "--json",
        ],
        1,
        "HOME_INVALID",
    );
}
