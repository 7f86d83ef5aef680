//! Benchmark guest. `on-launch(params)` runs one workload and returns its result:
//! - `N` or `usage:N`: N `storage.usage()` calls (a bridge call that does no I/O);
//! - `get:N`: N `storage.get("bench")` calls, which must hit (set the key first);
//! - `set:N`: N `storage.set("bench", 16 bytes)` calls;
//! - `noop`: nothing (a bare host→guest call);
//! - `sha256:N` / `sort:N`: the `miniapp-kernels` workloads, also run natively by the benches.
//!
//! Imports only `storage` (and `types`).
#![forbid(unsafe_code)]

use miniapp_sdk::{MiniProgram, storage};

/// The key `get:N` reads and `set:N` writes.
const KEY: &str = "bench";

struct Bench;

fn count(n: &str, params: &str) -> Result<usize, String> {
    n.trim()
        .parse()
        .map_err(|_| format!("expected a count in `{params}`"))
}

impl MiniProgram for Bench {
    fn on_launch(params: String) -> Result<String, String> {
        // A bare number is the original form: that many `storage.usage` calls.
        let (op, n) = match params.split_once(':') {
            Some(split) => split,
            None if params.trim().parse::<u32>().is_ok() => ("usage", params.as_str()),
            None => (params.as_str(), ""),
        };
        let bridge = |e: miniapp_sdk::Error| e.code().to_string();
        match op {
            "noop" => Ok(String::new()),
            "usage" => {
                let mut used = 0;
                for _ in 0..count(n, &params)? {
                    used = storage::usage().map_err(bridge)?.used_bytes;
                }
                Ok(used.to_string())
            }
            "get" => {
                let mut len = 0;
                for _ in 0..count(n, &params)? {
                    len = storage::get(KEY)
                        .map_err(bridge)?
                        .ok_or_else(|| format!("`{KEY}` is not set"))?
                        .len();
                }
                Ok(len.to_string())
            }
            "set" => {
                for i in 0..count(n, &params)? {
                    storage::set(KEY, &[i as u8; 16]).map_err(bridge)?;
                }
                Ok(String::new())
            }
            "sha256" => Ok(miniapp_kernels::hex(&miniapp_kernels::sha256_workload(
                count(n, &params)?,
            ))),
            "sort" => Ok(miniapp_kernels::sort_workload(count(n, &params)?).to_string()),
            _ => Err(format!("unknown workload `{params}`")),
        }
    }
}

miniapp_sdk::export_mini_program!(Bench);
