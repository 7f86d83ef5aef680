#!/usr/bin/env bash
# Host-language tests of miniapp-ffi: builds the cdylib (dev profile: dependencies are optimised,
# see Cargo.toml), generates the Python and Kotlin bindings from it, writes the test packages, and
# runs the Python suite (pytest) and the Kotlin suite (Maven, JUnit on the JVM through JNA).
#
#   bash ffi/test.sh              # both
#   bash ffi/test.sh python       # one
# Output goes to target/ffi-test/ (generated sources, fixtures, the benchmark figures).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

which="${1:-all}"
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
out="$target_dir/ffi-test"
lib="$target_dir/debug/libminiapp_ffi.so"
rm -rf "$out/python" "$out/kotlin" "$out/fixtures"
mkdir -p "$out"

echo "== ffi: build the cdylib, the bindgen and the fixtures"
cargo build --locked -p miniapp-ffi --lib --bin uniffi-bindgen
cargo run --locked -q -p miniapp-ffi --example fixtures -- "$out/fixtures"
bindgen() { "$target_dir/debug/uniffi-bindgen" generate --library "$lib" --no-format "$@"; }

if [ "$which" = all ] || [ "$which" = python ]; then
  echo "== ffi: Python bindings + pytest"
  bindgen --language python --out-dir "$out/python"
  cp "$lib" "$out/python/"
  # Under a phone's address space (the device engine profile must fit it; see .ci/phone-limits):
  # MINIAPP_FFI_ULIMIT_KIB=unlimited lifts it. At most two glibc malloc arenas: glibc reserves
  # 64 MiB for the arena of each new allocating thread (no phone allocator does), which put the
  # two-host benchmark past 2 GiB at random (a thread's sigaltstack mmap failed).
  (
    ulimit -v "${MINIAPP_FFI_ULIMIT_KIB:-2097152}"
    MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    MINIAPP_PY_BINDINGS="$out/python" MINIAPP_FIXTURES="$out/fixtures" \
      MINIAPP_BENCH_OUT="$out/bench.json" \
      python3 -m pytest -q -p no:cacheprovider ffi/tests/python
  )
fi

if [ "$which" = all ] || [ "$which" = kotlin ]; then
  echo "== ffi: Kotlin bindings + mvn test"
  bindgen --language kotlin --out-dir "$out/kotlin"
  MINIAPP_FIXTURES="$out/fixtures" mvn -q -B -f bindings/kotlin/pom.xml test \
    -Dminiapp.generated="$out/kotlin" -Djna.library.path="$(dirname "$lib")"
fi
echo "== ffi: ok"
