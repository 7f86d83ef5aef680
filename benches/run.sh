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
cargo build --locked --release -p miniapp-benches --bin memory --bin process </dev/null
cargo build --locked --release -p miniapp </dev/null
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

echo "== resident memory and reserved address space, server and device profiles"
for who in raw_wasmtime miniapp; do
    "$root/target/release/memory" "$who" server </dev/null > "$root/target/criterion/memory-$who.json"
    "$root/target/release/memory" "$who" device </dev/null > "$root/target/criterion/memory-$who-device.json"
done

echo "== whole-process launches (hyperfine): miniapp run vs a raw wasmtime host; the Python guest"
if ! command -v hyperfine >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine </dev/null
fi
proc="$root/target/process-bench"
rm -rf "$proc" && mkdir -p "$proc"
extra=()
# The Python guest (componentize-py, as tests/tests/python.rs builds it), when the tool is here.
if command -v componentize-py >/dev/null 2>&1; then
    mkdir -p "$proc/py-src" && cp tests/programs/python/app.py "$proc/py-src/"
    componentize-py -d wit -w mini-program componentize app -p "$proc/py-src" -o "$proc/python.wasm" </dev/null
    extra+=("com.acme.pyapp=$proc/python.wasm")
fi
# Install (precompile) under /usr/bin/time: its peak RSS is the Python compile's.
/usr/bin/time -f '%M' -o "$proc/setup-peak-kib.txt" \
    "$root/target/release/process" setup "$proc" "${extra[@]}" </dev/null
bin="$root/target/release/miniapp"
hyperfine -N --warmup 10 --runs 100 --export-json "$root/target/criterion/process-bench.json" \
    -n miniapp "$bin run com.acme.bench --home $proc/home --params noop" \
    -n raw_wasmtime "$root/target/release/process raw $proc/raw-bench.cwasm noop" </dev/null
if [ ${#extra[@]} -gt 0 ]; then
    hyperfine -N --warmup 5 --runs 50 --export-json "$root/target/criterion/process-python.json" \
        -n miniapp "$bin run com.acme.pyapp --home $proc/home --params '{\"name\":\"bench\"}'" </dev/null
    /usr/bin/time -f '%M' -o "$proc/python-run-peak-kib.txt" \
        "$bin" run com.acme.pyapp --home "$proc/home" --params '{"name":"bench"}' </dev/null
fi
cp "$proc"/setup.json "$proc"/*-kib.txt "$root/target/criterion/" 2>/dev/null || true

echo "== the templates of \`miniapp new\` (benches/templates.sh)"
if command -v componentize-py >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    bash benches/templates.sh
else
    echo "componentize-py or npm missing: templates not measured (bash test.sh installs them)"
    rm -f "$root/target/criterion/templates.json"
fi

total=$(( $(now) - start ))
python3 benches/report.py "$root" "$root/BENCHMARKING.md" "$total" "$peers_build" "$main_build"
echo "== wrote BENCHMARKING.md in $total s"
