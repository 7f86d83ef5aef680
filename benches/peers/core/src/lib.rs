//! `miniapp-kernels`' workloads with plain `i32` exports and no imports, so any engine can run
//! them without a host: the interpreter-tier bench compares engines on exactly these bytes.

/// SHA-256 of `len` deterministic bytes; returns the digest's first four bytes (big-endian).
#[unsafe(no_mangle)]
pub extern "C" fn sha256(len: u32) -> u32 {
    let digest = miniapp_kernels::sha256_workload(len as usize);
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Sorts `n` deterministic numbers; returns the workload's checksum.
#[unsafe(no_mangle)]
pub extern "C" fn sort(n: u32) -> u32 {
    miniapp_kernels::sort_workload(n as usize)
}
