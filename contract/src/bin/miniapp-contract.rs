//! `miniapp-contract write-web DIR` writes the generated JS protocol files into DIR;
//! `miniapp-contract check-web DIR` exits 1 naming each one that differs.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, dir) = match args.as_slice() {
        [c, d] if c == "write-web" || c == "check-web" => (c.as_str(), Path::new(d)),
        _ => {
            eprintln!(
                "usage: miniapp-contract write-web|check-web DIR\n\n\
                 Generates the JS SDK's protocol.js and protocol.d.ts (web/bridge) from the\n\
                 contract crate, or checks that the ones in DIR are current."
            );
            return ExitCode::from(64);
        }
    };
    let mut stale = 0;
    for (name, contents) in miniapp_contract::web::files() {
        let path = dir.join(name);
        if command == "write-web" {
            if let Err(e) = std::fs::write(&path, contents) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            eprintln!(
                "{} is stale; run `{}`",
                path.display(),
                miniapp_contract::web::REGENERATE
            );
            stale += 1;
        }
    }
    if stale > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
