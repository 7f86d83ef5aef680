//! Test guest `hostile`: misbehaves on request so the host's limits can be tested.
//!
//! `on_launch(mode)`:
//! - `loop`: spins forever (epoch interruption / fuel must stop it);
//! - `memory`: keeps allocating 1 MiB chunks (the memory limit must stop it);
//! - `recurse`: unbounded recursion (the stack limit must stop it);
//! - `trap`: panics, which aborts the instance with a trap;
//! - `err`: returns `Err("refused")`;
//! - `storage-flood`: writes 100 KiB values under new keys until a write fails; answers
//!   `{"err":"<CODE>","written":<n>}` (`"err": null` if 1000 writes all succeed);
//! - `log-spam`: writes 100 000 log lines; answers the count;
//! - `read-host-file`: tries to read `/etc/passwd`; answers the error text, or fails the launch
//!   with `SANDBOX_ESCAPE` if the read worked;
//! - `denied-calls`: asks for the position 1 000 000 times; answers how many were
//!   `PERMISSION_DENIED`.
#![forbid(unsafe_code)]

use std::hint::black_box;

use miniapp_sdk::{Error, MiniProgram, geolocation, log, storage};
use serde_json::json;

const FLOOD_VALUE_BYTES: usize = 100 * 1024;
/// 100 MB of writes: ten times the default quota, so a host without a quota still ends.
const FLOOD_MAX_WRITES: usize = 1000;
const LOG_LINES: u32 = 100_000;
const DENIED_CALLS: u32 = 1_000_000;

fn spin() -> ! {
    let mut n: u64 = 0;
    loop {
        n = black_box(n.wrapping_add(1));
    }
}

fn hoard() -> ! {
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    loop {
        // Filled, not just reserved, so every page is really touched.
        chunks.push(vec![0xa5; 1024 * 1024]);
        black_box(&chunks);
    }
}

/// A frame that stays live across the call, so this cannot become a loop.
#[allow(unconditional_recursion)] // the point: only the host's stack limit ends it
fn recurse(depth: u64) -> u64 {
    let frame = black_box([depth; 32]);
    let below = recurse(black_box(depth + 1));
    black_box(frame[(depth % 32) as usize]).wrapping_add(below)
}

fn storage_flood() -> String {
    let value = vec![b'x'; FLOOD_VALUE_BYTES];
    for written in 0..FLOOD_MAX_WRITES {
        if let Err(e) = storage::set(&format!("flood-{written}"), &value) {
            return json!({ "err": e.code(), "written": written }).to_string();
        }
    }
    json!({ "err": null, "written": FLOOD_MAX_WRITES }).to_string()
}

fn log_spam() -> String {
    for i in 0..LOG_LINES {
        log::info(&format!("spam line {i}"));
    }
    LOG_LINES.to_string()
}

fn read_host_file() -> Result<String, String> {
    match std::fs::read("/etc/passwd") {
        Ok(bytes) => Err(format!(
            "SANDBOX_ESCAPE: read {} bytes of /etc/passwd",
            bytes.len()
        )),
        Err(e) => Ok(e.to_string()),
    }
}

fn denied_calls() -> String {
    let denied = (0..DENIED_CALLS)
        .filter(|_| geolocation::current_position() == Err(Error::PermissionDenied))
        .count();
    denied.to_string()
}

struct Hostile;

impl MiniProgram for Hostile {
    fn on_launch(params: String) -> Result<String, String> {
        match params.trim().trim_matches('"') {
            "loop" => spin(),
            "memory" => hoard(),
            "recurse" => Ok(recurse(0).to_string()),
            "trap" => panic!("hostile guest: trap requested"),
            "err" => Err("refused".to_string()),
            "storage-flood" => Ok(storage_flood()),
            "log-spam" => Ok(log_spam()),
            "read-host-file" => read_host_file(),
            "denied-calls" => Ok(denied_calls()),
            other => Err(format!("unknown mode {other:?}")),
        }
    }
}

miniapp_sdk::export_mini_program!(Hostile);
