use serde_json::json;

use crate::output::{CliError, print_json};

pub type Args = super::AppArgs;

pub fn run(a: Args) -> Result<(), CliError> {
    let (id, rt) = a.open()?;
    let store = rt.install_store();
    let versions = store.versions(&id)?;
    let active = versions
        .active
        .clone()
        .ok_or_else(|| miniapp_runtime::RuntimeError::AppNotFound(id.to_string()))?;
    let record = store.record(&id, &active)?;
    let consent = rt.consent_state(&id);
    let storage = rt.storage_usage(&id)?;
    let usage = rt.usage_totals(&id)?;
    if a.json {
        print_json(&json!({
            "id": id, "versions": versions, "partner": record.partner,
            "permissions": record.manifest.permissions, "consent": consent,
            "storage": {"usedBytes": storage.0, "quotaBytes": storage.1},
            "usage": usage,
        }));
        return Ok(());
    }
    let v = |o: &Option<semver::Version>| o.as_ref().map_or("-".to_string(), |v| v.to_string());
    println!("{id}  by {}", record.partner);
    println!(
        "  active {}  pending {}  backup {}",
        v(&versions.active),
        v(&versions.pending),
        v(&versions.backup)
    );
    let perms: Vec<&str> = record
        .manifest
        .permissions
        .iter()
        .map(|p| p.as_str())
        .collect();
    println!("  permissions [{}]", perms.join(", "));
    for c in consent
        .iter()
        .filter(|c| record.manifest.permissions.contains(&c.permission))
    {
        let answer = match c.granted {
            Some(true) => "granted",
            Some(false) => "declined",
            None => "not asked yet",
        };
        println!("  consent {:<10} {answer}", c.permission.as_str());
    }
    println!("  storage {} of {} bytes", storage.0, storage.1);
    println!(
        "  usage   {} launches, {} bridge calls, {} denied, {} traps, guest CPU {:.1} ms, peak memory {:.1} MiB, {} log lines ({} dropped)",
        usage.launches,
        usage.bridge_calls,
        usage.denials,
        usage.traps,
        usage.guest_time_us as f64 / 1e3,
        usage.peak_memory_bytes as f64 / (1 << 20) as f64,
        usage.log_lines,
        usage.log_dropped
    );
    Ok(())
}
