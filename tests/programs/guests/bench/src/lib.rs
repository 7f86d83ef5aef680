//! Benchmark guest: `on-launch("N")` calls `storage::usage()` N times (a bridge call that does no
//! I/O) and returns the last used-bytes figure. Imports only `storage` (and `types`).
#![forbid(unsafe_code)]

use miniapp_sdk::{MiniProgram, storage};

struct Bench;

impl MiniProgram for Bench {
    fn on_launch(params: String) -> Result<String, String> {
        let n: u32 = params
            .trim()
            .parse()
            .map_err(|_| format!("params must be a number, got `{params}`"))?;
        let mut used = 0;
        for _ in 0..n {
            used = storage::usage()
                .map_err(|e| e.code().to_string())?
                .used_bytes;
        }
        Ok(used.to_string())
    }
}

miniapp_sdk::export_mini_program!(Bench);
