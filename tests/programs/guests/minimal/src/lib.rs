//! Test guest `minimal`: imports only the `log` interface; logs one line and echoes its params.
//! Benchmarks use it for cold starts; it needs no permission.
#![forbid(unsafe_code)]

use miniapp_sdk::{MiniProgram, log};

struct Minimal;

impl MiniProgram for Minimal {
    fn on_launch(params: String) -> Result<String, String> {
        log::info("minimal: launched");
        Ok(params)
    }
}

miniapp_sdk::export_mini_program!(Minimal);
