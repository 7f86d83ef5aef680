#!/usr/bin/env bash
# Regenerates the Swift sources of the package from the library's metadata:
#   bash bindings/swift/generate.sh [--check]
# --check fails when the committed sources differ from what the current Rust code generates (CI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cargo build --locked -q -p miniapp-ffi --lib --bin uniffi-bindgen
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$target_dir/debug/uniffi-bindgen" generate --library "$target_dir/debug/libminiapp_ffi.so" \
  --language swift --no-format --out-dir "$tmp"
pkg=bindings/swift
mkdir -p "$tmp/Sources/Miniapp" "$tmp/Sources/MiniappFFI/include"
mv "$tmp/Miniapp.swift" "$tmp/Sources/Miniapp/Miniapp.swift"
mv "$tmp/MiniappFFI.h" "$tmp/Sources/MiniappFFI/include/MiniappFFI.h"
# The xcframework's headers need the module map under the name `module.modulemap`.
mv "$tmp/MiniappFFI.modulemap" "$tmp/Sources/MiniappFFI/include/module.modulemap"
if [ "${1:-}" = "--check" ]; then
  if ! diff -ru "$pkg/Sources/Miniapp" "$tmp/Sources/Miniapp" \
     || ! diff -ru "$pkg/Sources/MiniappFFI" "$tmp/Sources/MiniappFFI"; then
    echo "error: the Swift bindings in $pkg are stale: run bash $pkg/generate.sh and commit" >&2
    exit 1
  fi
  echo "Swift bindings are current"
else
  rm -rf "$pkg/Sources/Miniapp" "$pkg/Sources/MiniappFFI"
  cp -r "$tmp/Sources/Miniapp" "$tmp/Sources/MiniappFFI" "$pkg/Sources/"
  echo "wrote $pkg/Sources/Miniapp and $pkg/Sources/MiniappFFI"
fi
