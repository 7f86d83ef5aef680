//! `miniapp methods`: the bridge methods from the contract's table, with their interface and the
//! permission each needs, and the lifecycle events the host delivers.

use miniapp_contract::{Interface, LifecycleEvent, Method};
use serde_json::{Value, json};

use crate::output::{CliError, print_json};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print JSON: one object per method (name, interface, permission, sensitive, params and
    /// result as TypeScript types).
    #[arg(long)]
    pub json: bool,
}

fn entry(m: Method) -> Value {
    json!({
        "method": m.name(),
        "interface": m.interface().name(),
        "wit": m.interface().wit_name(),
        "permission": m.permission().map(|p| p.as_str()),
        "sensitive": m.permission().is_some_and(|p| p.is_sensitive()),
        "params": m.params_ts(),
        "result": m.result_ts(),
    })
}

pub fn run(a: Args) -> Result<(), CliError> {
    if a.json {
        print_json(&Method::ALL.iter().map(|m| entry(*m)).collect::<Vec<_>>());
        return Ok(());
    }
    println!("{:<36} {:<16} PERMISSION", "METHOD", "INTERFACE");
    for m in Method::ALL {
        let permission = match m.permission() {
            Some(p) if p.is_sensitive() => format!("{p} (consent)"),
            Some(p) => p.to_string(),
            None => "- (always allowed)".to_owned(),
        };
        println!("{:<36} {:<16} {permission}", m.name(), m.interface().name());
    }
    println!(
        "\n{} methods in {} interfaces",
        Method::ALL.len(),
        Interface::ALL.len()
    );
    println!(
        "events the host delivers (the app's `lifecycle.on-event`; the page's `bridge.on`): {}",
        LifecycleEvent::NAMES.join(", ")
    );
    Ok(())
}
