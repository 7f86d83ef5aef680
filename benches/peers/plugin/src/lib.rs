//! The bench guest (`tests/programs/guests/bench`) as an Extism plugin: `run(params)` takes the
//! same params as the guest's `on-launch` and returns the same result:
//! - `noop`: nothing;
//! - `N` or `usage:N`: N calls to the host function `storage_usage` (the app's used bytes,
//!   like the guest's `storage.usage()` bridge call), returning the last value;
//! - `sha256:N` / `sort:N`: the `miniapp-kernels` workloads (hex digest / checksum).
//!
//! The host function is declared the PDK way, so each call passes its result through Extism's
//! kernel memory (the host allocates a block, the plugin finds and reads it).

use extism_pdk::{Error, FnResult, host_fn, plugin_fn};

#[host_fn]
extern "ExtismHost" {
    /// The app's storage usage in bytes.
    fn storage_usage() -> u64;
}

fn count(n: &str, params: &str) -> Result<usize, Error> {
    n.trim()
        .parse()
        .map_err(|_| Error::msg(format!("expected a count in `{params}`")))
}

#[plugin_fn]
pub fn run(params: String) -> FnResult<String> {
    // A bare number is `usage:N`, as in the guest.
    let (op, n) = match params.split_once(':') {
        Some(split) => split,
        None if params.trim().parse::<u32>().is_ok() => ("usage", params.as_str()),
        None => (params.as_str(), ""),
    };
    match op {
        "noop" => Ok(String::new()),
        "usage" => {
            let mut used = 0;
            for _ in 0..count(n, &params)? {
                // SAFETY: an import the host defines (benches/peers/benches/peers.rs).
                used = unsafe { storage_usage()? };
            }
            Ok(used.to_string())
        }
        "sha256" => Ok(miniapp_kernels::hex(&miniapp_kernels::sha256_workload(
            count(n, &params)?,
        ))),
        "sort" => Ok(miniapp_kernels::sort_workload(count(n, &params)?).to_string()),
        _ => Err(Error::msg(format!("unknown workload `{params}`")).into()),
    }
}
