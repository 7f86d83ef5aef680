#!/usr/bin/env bash
# On a Mac with Xcode: builds MiniappFFI.xcframework (static libraries for iOS devices, the iOS
# simulator and macOS, with the generated C header and module map) next to Package.swift.
#   bash bindings/swift/build-xcframework.sh [--release]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ "$(uname)" = Darwin ] || { echo "error: needs macOS with Xcode (xcodebuild, lipo)" >&2; exit 1; }
profile=debug; flag=
if [ "${1:-}" = "--release" ]; then profile=release; flag=--release; fi
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
  # The static library only: no bindgen CLI in an app.
  cargo build --locked -p miniapp-ffi --lib --no-default-features --target "$t" $flag
done
bash bindings/swift/generate.sh
pkg=bindings/swift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
lib() { echo "target/$1/$profile/libminiapp_ffi.a"; }
mkdir -p "$work/ios-sim" "$work/macos"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/ios-sim/libminiapp_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libminiapp_ffi.a"
headers="$pkg/Sources/MiniappFFI/include"
rm -rf "$pkg/MiniappFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$headers" \
  -library "$work/ios-sim/libminiapp_ffi.a" -headers "$headers" \
  -library "$work/macos/libminiapp_ffi.a" -headers "$headers" \
  -output "$pkg/MiniappFFI.xcframework"
echo "built $pkg/MiniappFFI.xcframework (iOS on Pulley: EngineOptions' backend; see README)"
