//! `miniapp new NAME --lang rust|python|js|web`: a mini-program project that builds, from the
//! templates in `cli/templates/` (embedded by `cli/build.rs` with `wit/` and the guest SDKs).
//! Everything is checked before anything is written, and the project appears whole or not at
//! all (written beside it, then renamed into place).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use miniapp_contract::{Interface, Permission};

use crate::output::CliError;

mod scaffold {
    include!(concat!(env!("OUT_DIR"), "/scaffold.rs"));
}

/// The componentize-py release the Python template's README names (`bash test.sh` installs it).
pub const COMPONENTIZE_PY: &str = "0.25.1";
/// The ComponentizeJS release the JavaScript template's package.json pins, and the
/// preview2-shim it needs at run time (as `tests/programs/js/package.json`; a test checks).
pub const COMPONENTIZE_JS: &str = "0.23.0";
pub const PREVIEW2_SHIM: &str = "0.25.0";

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Rust with miniapp-sdk, built by cargo for wasm32-wasip2.
    Rust,
    /// Python with the Python guest SDK, built by componentize-py.
    Python,
    /// JavaScript with the component SDK, built by ComponentizeJS.
    Js,
    /// A web page with the bridge SDK; no build step.
    Web,
}

impl Lang {
    fn dir(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Python => "python",
            Lang::Js => "js",
            Lang::Web => "web",
        }
    }
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  miniapp new hello --lang rust
  miniapp new shop --lang web --permissions storage,payment,ui --id com.acme.shop
  miniapp new quotes --lang python --permissions storage,auth

The project's README.md has its build command, how to try it in the simulator (`miniapp dev`)
and how to pack, install and run it like a host with development keys (`miniapp keygen`).")]
pub struct Args {
    /// The project directory to create (it must not exist, or be empty). Its last component is
    /// the project's name: lowercase letters, digits and `-`, starting with a letter.
    #[arg(value_name = "NAME")]
    pub dir: PathBuf,
    /// The language of the mini-program.
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// The permissions the manifest declares, comma separated (`miniapp methods` lists what
    /// each allows); `--permissions ''` declares none.
    #[arg(long, value_delimiter = ',', default_value = "storage")]
    pub permissions: Vec<String>,
    /// The app id (reverse-DNS). Defaults to com.example.NAME.
    #[arg(long)]
    pub id: Option<String>,
    /// Rust: a miniapp checkout (or its `guest-sdk/`) whose SDK the project depends on by
    /// path. Defaults to the checkout this CLI was built from. (miniapp-sdk is not on
    /// crates.io yet.)
    #[arg(long, value_name = "DIR", env = "MINIAPP_SDK_DIR")]
    pub sdk: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<(), CliError> {
    let plan = plan(&a)?;
    write_project(&a.dir, &plan.files)?;
    println!(
        "created {} ({} mini-program {}, permissions: {})",
        a.dir.display(),
        a.lang.dir(),
        plan.id,
        if plan.permissions.is_empty() {
            "none".to_string()
        } else {
            plan.permissions.join(", ")
        }
    );
    // Files at the top and in app/ one by one; copied directories (wit/, the SDK) as a count.
    let mut copied: std::collections::BTreeMap<&str, usize> = Default::default();
    for (path, _) in &plan.files {
        match path.split_once('/') {
            Some((dir, _)) if dir != "app" && dir != "src" => *copied.entry(dir).or_default() += 1,
            _ => println!("  {path}"),
        }
    }
    for (dir, n) in copied {
        println!("  {dir}/ ({n} files)");
    }
    println!(
        "next: cd {} and follow README.md ({})",
        a.dir.display(),
        match a.lang {
            Lang::Web => "`miniapp dev app` serves it as it is",
            _ => "build it, then `miniapp dev app`",
        }
    );
    Ok(())
}

/// What `new` will write: `(relative path, bytes)` in order, and what it was made from.
pub struct Plan {
    pub id: String,
    pub permissions: Vec<String>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Checks every argument and renders every file, writing nothing.
pub fn plan(a: &Args) -> Result<Plan, CliError> {
    let name = project_name(&a.dir)?;
    check_target(&a.dir)?;
    let id = match &a.id {
        Some(id) => id.clone(),
        None => format!("com.example.{name}"),
    };
    let app_id = super::app_id(&id)?;
    let mut permissions = BTreeSet::new();
    for p in a
        .permissions
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        let permission = p.parse::<Permission>().map_err(|_| {
            CliError::new(
                "PERMISSION_UNKNOWN",
                format!("`{p}` is not a permission"),
                Some(&format!(
                    "known permissions: {}",
                    Permission::ALL.map(Permission::as_str).join(", ")
                )),
            )
        })?;
        permissions.insert(permission);
    }
    let names: Vec<String> = permissions.iter().map(|p| p.as_str().to_string()).collect();
    let namespace = app_id
        .as_str()
        .rsplit_once('.')
        .map(|(ns, _)| ns.to_string())
        .expect("an app id has two labels");

    // Every interface the declared permissions grant (`storage` grants `secureStorage` and
    // `files` too) and the ones no permission guards (`settings`, `updates`, `performance`);
    // `log` comes with the world `base`.
    let interfaces: Vec<Interface> = Interface::ALL
        .into_iter()
        .filter(|i| *i != Interface::Log)
        .filter(|i| i.permission().is_none_or(|p| permissions.contains(&p)))
        .collect();
    let vars = Vars {
        name: name.clone(),
        crate_name: name.replace('-', "_"),
        id: id.clone(),
        namespace,
        version: env!("CARGO_PKG_VERSION").to_string(),
        permissions: serde_json::to_string(&names).expect("strings serialise"),
        // A partner record allows at least one permission.
        allow: if names.is_empty() {
            "storage".to_string()
        } else {
            names.join(",")
        },
        sdk_dependency: String::new(),
        sdk_dependency_mock: String::new(),
        world_imports: interfaces
            .iter()
            .map(|i| format!("    import {};", i.wit_ident()))
            .collect::<Vec<_>>()
            .join("\n"),
        js_imports: std::iter::once(Interface::Log)
            .chain(interfaces.iter().copied())
            .map(|i| {
                format!(
                    "import * as {} from '{}/{}@0.1.0';",
                    i.name(),
                    miniapp_contract::WIT_PACKAGE,
                    i.wit_ident()
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        js_bridge: std::iter::once(Interface::Log)
            .chain(interfaces.iter().copied())
            .map(|i| i.name())
            .collect::<Vec<_>>()
            .join(", "),
        storage: permissions.contains(&Permission::Storage),
    };
    let vars = if a.lang == Lang::Rust {
        let sdk = rust_sdk(a.sdk.as_deref())?;
        let path = toml_string(&sdk);
        Vars {
            sdk_dependency: format!("miniapp-sdk = {{ path = {path} }}"),
            sdk_dependency_mock: format!(
                "miniapp-sdk = {{ path = {path}, features = [\"mock\"] }}"
            ),
            ..vars
        }
    } else {
        vars
    };

    let mut files = Vec::new();
    let prefix = format!("{}/", a.lang.dir());
    for (group, path, bytes) in scaffold::FILES {
        let out = match (*group, a.lang) {
            ("templates", _) => match path.strip_prefix(&prefix) {
                Some("gitignore") => ".gitignore".to_string(),
                Some("wit-app.wit") => "wit/app.wit".to_string(),
                Some(rest) => rest.to_string(),
                None => continue,
            },
            ("wit", Lang::Python | Lang::Js) => format!("wit/{path}"),
            ("python-sdk", Lang::Python) => format!("miniapp/{path}"),
            ("js-sdk", Lang::Js) => format!("sdk/{path}"),
            _ => continue,
        };
        let bytes = if *group == "templates" {
            let text = std::str::from_utf8(bytes).expect("templates are UTF-8");
            vars.render(text).into_bytes()
        } else {
            bytes.to_vec()
        };
        files.push((out, bytes));
    }
    files.sort();
    Ok(Plan {
        id,
        permissions: names,
        files,
    })
}

/// The values templates name as `{{name}}`, and the one section flag, `storage`.
struct Vars {
    name: String,
    crate_name: String,
    id: String,
    namespace: String,
    version: String,
    permissions: String,
    allow: String,
    sdk_dependency: String,
    sdk_dependency_mock: String,
    world_imports: String,
    js_imports: String,
    js_bridge: String,
    storage: bool,
}

impl Vars {
    /// Keeps the lines of `{{#storage}}` sections only when the app declares storage (those of
    /// `{{^storage}}` sections only when it does not), then fills in the values.
    fn render(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut keep = vec![true];
        for line in text.split_inclusive('\n') {
            match line.trim() {
                "{{#storage}}" => keep.push(self.storage),
                "{{^storage}}" => keep.push(!self.storage),
                "{{/storage}}" => {
                    keep.pop();
                }
                _ if keep.iter().all(|k| *k) => out.push_str(line),
                _ => {}
            }
        }
        for (key, value) in [
            ("name", &self.name),
            ("crate", &self.crate_name),
            ("id", &self.id),
            ("namespace", &self.namespace),
            ("version", &self.version),
            ("permissions", &self.permissions),
            ("allow", &self.allow),
            ("sdk_dependency_mock", &self.sdk_dependency_mock),
            ("sdk_dependency", &self.sdk_dependency),
            ("world_imports", &self.world_imports),
            ("js_imports", &self.js_imports),
            ("js_bridge", &self.js_bridge),
            ("componentize_py", &COMPONENTIZE_PY.to_string()),
            ("componentize_js", &COMPONENTIZE_JS.to_string()),
            ("preview2_shim", &PREVIEW2_SHIM.to_string()),
        ] {
            out = out.replace(&format!("{{{{{key}}}}}"), value);
        }
        out
    }
}

/// The project's name: the directory's last component, usable as a crate, npm package and
/// WIT name.
fn project_name(dir: &Path) -> Result<String, CliError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ok = (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--");
    if ok {
        Ok(name)
    } else {
        Err(CliError::new(
            "NEW_NAME_INVALID",
            format!(
                "`{}` is not a project name: 1 to 63 lowercase letters, digits and single `-`, \
                 starting with a letter",
                dir.display()
            ),
            Some("for example `miniapp new hello-loans --lang rust`"),
        ))
    }
}

/// The target must not exist, or be an empty directory.
fn check_target(dir: &Path) -> Result<(), CliError> {
    let occupied = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    };
    if occupied {
        return Err(CliError::new(
            "NEW_DIR_NOT_EMPTY",
            format!("{} exists and is not an empty directory", dir.display()),
            Some("choose another NAME, or remove it first; `new` never overwrites files"),
        ));
    }
    Ok(())
}

/// The guest SDK's directory for a Rust project: `--sdk` (a checkout or its `guest-sdk/`), or
/// the checkout this binary was built from.
fn rust_sdk(given: Option<&Path>) -> Result<PathBuf, CliError> {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-sdk");
    let candidates: Vec<PathBuf> = match given {
        Some(dir) => vec![dir.join("guest-sdk"), dir.to_path_buf()],
        None => vec![built_from],
    };
    for dir in candidates {
        let cargo = dir.join("Cargo.toml");
        let is_sdk = std::fs::read_to_string(&cargo)
            .map(|t| t.contains("name = \"miniapp-sdk\""))
            .unwrap_or(false);
        if is_sdk {
            return dir
                .canonicalize()
                .map_err(|e| CliError::io(&format!("resolving {}", dir.display()), e));
        }
    }
    Err(CliError::new(
        "SDK_NOT_FOUND",
        match given {
            Some(dir) => format!(
                "{} has no miniapp-sdk (guest-sdk/Cargo.toml)",
                dir.display()
            ),
            None => "the miniapp checkout this CLI was built from is gone, and miniapp-sdk is \
                     not on crates.io yet"
                .to_string(),
        },
        Some("pass --sdk DIR, a miniapp checkout (or set MINIAPP_SDK_DIR)"),
    ))
}

/// A TOML basic string.
fn toml_string(path: &Path) -> String {
    serde_json::to_string(&path.to_string_lossy()).expect("strings serialise")
}

/// Writes every file into a hidden sibling directory, then renames it to `dir`: an
/// interrupted `new` leaves no half project under the name.
fn write_project(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), CliError> {
    let name = dir.file_name().expect("checked by project_name");
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = parent.join(format!(
        ".{}.new-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        for (path, bytes) in files {
            let target = staging.join(path);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p)
                    .map_err(|e| CliError::io(&format!("creating {}", p.display()), e))?;
            }
            std::fs::write(&target, bytes)
                .map_err(|e| CliError::io(&format!("writing {}", target.display()), e))?;
        }
        // An empty directory may stand in the way; `check_target` allowed only that.
        if dir.is_dir() {
            std::fs::remove_dir(dir)
                .map_err(|e| CliError::io(&format!("replacing {}", dir.display()), e))?;
        }
        std::fs::rename(&staging, dir)
            .map_err(|e| CliError::io(&format!("moving the project to {}", dir.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &Path, lang: Lang, permissions: &[&str]) -> Args {
        Args {
            dir: dir.to_path_buf(),
            lang,
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            id: None,
            sdk: None,
        }
    }

    fn file<'a>(plan: &'a Plan, path: &str) -> &'a str {
        let (_, bytes) = plan
            .files
            .iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("no {path} in {:?}", paths(plan)));
        std::str::from_utf8(bytes).unwrap()
    }

    fn paths(plan: &Plan) -> Vec<&str> {
        plan.files.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn every_placeholder_is_filled_and_every_section_closed() {
        let tmp = tempfile::tempdir().unwrap();
        for lang in [Lang::Rust, Lang::Python, Lang::Js, Lang::Web] {
            for permissions in [&["storage", "payment"][..], &[][..]] {
                let plan = plan(&args(&tmp.path().join("hello"), lang, permissions)).unwrap();
                for (path, bytes) in &plan.files {
                    let text = String::from_utf8_lossy(bytes);
                    assert!(
                        !text.contains("{{"),
                        "{lang:?} {permissions:?}: {path} has an unfilled placeholder"
                    );
                }
            }
        }
    }

    #[test]
    fn the_manifest_declares_exactly_the_permissions_and_the_world_imports_their_interfaces() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = args(
            &tmp.path().join("quotes"),
            Lang::Python,
            &["payment", "storage"],
        );
        a.id = Some("com.acme.quotes".into());
        let plan = plan(&a).unwrap();
        let manifest: serde_json::Value =
            serde_json::from_str(file(&plan, "app/manifest.json")).unwrap();
        assert_eq!(manifest["id"], "com.acme.quotes");
        assert_eq!(
            manifest["permissions"],
            serde_json::json!(["storage", "payment"])
        );
        let world = file(&plan, "wit/app.wit");
        // What `storage` grants is all imported, and what no permission guards.
        for import in [
            "storage",
            "secure-storage",
            "files",
            "payment",
            "settings",
            "updates",
            "performance",
        ] {
            assert!(
                world.contains(&format!("    import {import};\n")),
                "{import}: {world}"
            );
        }
        assert!(!world.contains("import geolocation;"), "{world}");
        assert!(
            !world.contains("import log;"),
            "log comes with `base`: {world}"
        );
        assert!(paths(&plan).contains(&"wit/storage.wit"));
        assert!(paths(&plan).contains(&"miniapp/storage.py"));
        assert!(file(&plan, "main.py").contains("storage.set_json"));
        assert!(file(&plan, "README.md").contains("--namespace com.acme "));

        let none = plan_of(&tmp, Lang::Js, &[]);
        assert!(!file(&none, "main.js").contains("storage"));
        assert!(
            file(&none, "main.js")
                .contains("createBridge({ log, settings, updates, performance })"),
            "{}",
            file(&none, "main.js")
        );
        // A JS name is the bridge's camelCase name, the module its WIT interface.
        let stored = plan_of(&tmp, Lang::Js, &["storage"]);
        assert!(
            file(&stored, "main.js")
                .contains("import * as secureStorage from 'miniapp:bridge/secure-storage@0.1.0';"),
            "{}",
            file(&stored, "main.js")
        );
        assert!(paths(&none).contains(&"sdk/index.js"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(file(&none, "app/manifest.json")).unwrap()["permissions"],
            serde_json::json!([])
        );
    }

    fn plan_of(tmp: &tempfile::TempDir, lang: Lang, permissions: &[&str]) -> Plan {
        plan(&args(&tmp.path().join("hello"), lang, permissions)).unwrap()
    }

    #[test]
    fn rust_projects_depend_on_the_checkouts_sdk_by_path() {
        let tmp = tempfile::tempdir().unwrap();
        let made = plan_of(&tmp, Lang::Rust, &["storage"]);
        let cargo = file(&made, "Cargo.toml");
        assert!(cargo.contains("name = \"hello\""));
        assert!(cargo.contains("miniapp-sdk = { path = "), "{cargo}");
        assert!(file(&made, "README.md").contains("release/hello.wasm app/app.wasm"));
        assert!(paths(&made).contains(&".gitignore"));

        let mut a = args(&tmp.path().join("x"), Lang::Rust, &[]);
        a.sdk = Some(tmp.path().to_path_buf());
        assert_eq!(plan(&a).err().unwrap().code, "SDK_NOT_FOUND");
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let code = |a: Args| plan(&a).err().map(|e| e.code);

        let mut bad_id = args(&tmp.path().join("ok"), Lang::Web, &[]);
        bad_id.id = Some("Not An Id".into());
        assert_eq!(code(bad_id).as_deref(), Some("APP_ID_INVALID"));
        assert_eq!(
            code(args(
                &tmp.path().join("ok"),
                Lang::Web,
                &["storage", "telepathy"]
            ))
            .as_deref(),
            Some("PERMISSION_UNKNOWN")
        );
        for name in ["Hello", "1app", "my_app", "a--b", "app-"] {
            assert_eq!(
                code(args(&tmp.path().join(name), Lang::Web, &[])).as_deref(),
                Some("NEW_NAME_INVALID"),
                "{name}"
            );
        }
        let full = tmp.path().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("keep.txt"), "mine").unwrap();
        let e = run(args(&full, Lang::Web, &[])).unwrap_err();
        assert_eq!(e.code, "NEW_DIR_NOT_EMPTY");
        assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "nothing else written"
        );

        // An empty directory is fine, and is filled.
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        run(args(&empty, Lang::Web, &["storage"])).unwrap();
        assert!(empty.join("app/index.html").is_file());
        assert!(empty.join(".gitignore").is_file());
    }

    #[test]
    fn the_js_template_pins_the_componentize_js_the_tests_use() {
        let pinned: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/programs/js/package.json")).unwrap();
        let deps = &pinned["devDependencies"];
        assert_eq!(deps["@bytecodealliance/componentize-js"], COMPONENTIZE_JS);
        assert_eq!(deps["@bytecodealliance/preview2-shim"], PREVIEW2_SHIM);
    }
}
