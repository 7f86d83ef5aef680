#!/usr/bin/env bash
# Runs every benchmark — miniapp against raw wasmtime and native (benches/), the peers Extism,
# QuickJS and native Rust (benches/peers, its own workspace), resident memory (the `memory`
# bin) — and writes BENCHMARKING.md at the repo root from this run's criterion estimates.
# From clean it took 18.9 min on a quiet 2-core machine: main build 6.0, peers build 8.3, measuring
# 4.6. Both workspaces build into one target dir with the same release profile, so a crate with the
# same version and features is built once (about a third of the peers' crates); wasmtime 48 and the
# miniapp crates are built again, because Extism's dependencies change feature unification.
# BENCHMARKING.md records this run's times. Nothing else needed
# but Rust (rust-toolchain.toml), its wasm32-unknown-unknown target (added below: the Extism
# peer's Rust plugin is built for it) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TARGET_DIR="$root/target"
now() { date +%s; }
start=$(now)

# Stale results from an earlier run must not reach the report.
rm -rf "$root/target/criterion" "$root/benches/peers/target/criterion"
mkdir -p "$root/target/criterion"

echo "== building the main benches"
t=$(now)
# Cargo caches a failed `rustc -` probe (seen while other builds share the machine): retry once.
cargo bench --locked -p miniapp-benches --no-run </dev/null \
    || { rm -f "$root/target/.rustc_info.json"; cargo bench --locked -p miniapp-benches --no-run </dev/null; }
cargo build --locked --release -p miniapp-benches --bin memory </dev/null
main_build=$(( $(now) - t ))

echo "== building the peers workspace (Extism brings its own wasmtime; its plugin is built for wasm32-unknown-unknown)"
rustup target add wasm32-unknown-unknown </dev/null
t=$(now)
(cd benches/peers && cargo bench --locked --no-run </dev/null)
peers_build=$(( $(now) - t ))

echo "== miniapp against raw wasmtime and native"
cargo bench --locked -p miniapp-benches --bench runtime </dev/null

echo "== peers"
(cd benches/peers && cargo bench --locked </dev/null)

echo "== resident memory"
for who in raw_wasmtime miniapp; do
    "$root/target/release/memory" "$who" </dev/null > "$root/target/criterion/memory-$who.json"
done

total=$(( $(now) - start ))
python3 benches/report.py "$root" "$root/BENCHMARKING.md" "$total" "$peers_build" "$main_build"
echo "== wrote BENCHMARKING.md in $total s"
