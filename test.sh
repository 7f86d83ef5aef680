#!/usr/bin/env bash
# Every test, in one command: `bash test.sh` (from anywhere). CI runs exactly this (.ci/run).
#
# First it installs what the tests need when it is missing, saying what it installs: the
# wasm32-wasip2 target (rustup), componentize-py 0.25.1 and Python's `cryptography` and pytest
# (pip), ComponentizeJS (`npm ci --prefix tests/programs/js`); web/test.sh and web/e2e/run.sh
# install their own Node packages. System packages it does not install (they need root): it stops
# and names them instead (Node.js >= 20 with npm, python3-pip, nginx, chromium, maven and a JDK;
# clang for .ci/mobile-check). Then it runs: the cargo tests of the workspace, cargo package of
# the published crates, the web packages'
# tests, the guest SDKs' tests (sdk/python, sdk/js-component), the browser tests, the phone
# limits, the host bindings' tests, and the mobile checks.
#
# A step fails the command; nothing passes by being skipped. TEST_STEP_HOOK, when set, is run
# before each step (CI uses it to repair /dev/null and report free disk).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# cargo's `rustc -` target probe reads stdin: make sure it reads nothing, whatever launched us.
exec </dev/null
# A one-shot build gains nothing from incremental data (it was 4 GB of target/ here).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() {
  # The step's name is the hook's first argument (`bash -c CMD NAME` would make it $0 instead).
  if [ -n "${TEST_STEP_HOOK:-}" ]; then bash -c "$TEST_STEP_HOOK \"\$1\"" step-hook "$1"; fi
  echo "== $1"
}
missing() {
  echo "test.sh: $1 is not installed; install it with: $2" >&2
  exit 1
}
installing() { echo "test.sh: installing $1 ($2)"; }
pip_install() {
  python3 -m pip --version >/dev/null 2>&1 || missing "pip" "apt-get install python3-pip"
  installing "$1" "pip install $1"
  # Debian's own python3 refuses installs outside a venv (PEP 668) unless told otherwise.
  python3 -m pip install -q "$1" || python3 -m pip install -q --break-system-packages "$1"
}

step "what the tests need"
rustup show active-toolchain
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
  installing "the wasm32-wasip2 target" "rustup target add wasm32-wasip2"
  rustup target add wasm32-wasip2
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || missing "Node.js (>= 20) with npm" "apt-get install nodejs npm"
node --version
command -v python3 >/dev/null 2>&1 || missing "python3" "apt-get install python3 python3-pip"
if [ "$(componentize-py --version 2>/dev/null || true)" != "componentize-py 0.25.1" ]; then
  pip_install componentize-py==0.25.1
fi
componentize-py --version
python3 -c 'import cryptography' >/dev/null 2>&1 || pip_install cryptography
python3 -c 'import cryptography; print("python cryptography", cryptography.__version__)'
python3 -m pytest --version >/dev/null 2>&1 || pip_install pytest
js_pinned="$(node -p "require('./tests/programs/js/package.json').devDependencies['@bytecodealliance/componentize-js']")"
js_have="$(node -p "require('./tests/programs/js/node_modules/@bytecodealliance/componentize-js/package.json').version" 2>/dev/null || true)"
if [ "$js_have" != "$js_pinned" ]; then
  installing "ComponentizeJS $js_pinned" "npm ci --prefix tests/programs/js"
  npm ci --prefix tests/programs/js --no-audit --no-fund
fi
[ -x /usr/sbin/nginx ] || [ -x /usr/bin/nginx ] || missing "nginx (cli/tests/faults.rs)" "apt-get install nginx"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing "Chromium (web/e2e)" "apt-get install chromium"
{ command -v mvn >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; } \
  || missing "Maven and a JDK (ffi/test.sh's Kotlin suite)" "apt-get install maven default-jdk-headless"

# The guest components first, on their own: their nested cargo build must not run beside the
# feature-probing build scripts of a full build (see miniapp-nested-cargo).
step "guest components"
cargo build -p miniapp-guests --locked

step "cargo tests (the workspace)"
cargo test --workspace --locked

step "packages (cargo package of the published crates; see .ci/package-check)"
bash .ci/package-check

step "web packages (node --test, tsc --noEmit, npm pack)"
bash web/test.sh

step "guest SDKs (pytest sdk/python, node --test sdk/js-component)"
python3 -m pytest -q sdk/python
bash sdk/js-component/test.sh

step "browser tests (miniapp dev in headless Chromium; fails if they did not run)"
# With the `miniapp` the workspace tests built (with `dev`, its default feature).
target_dir="$(cargo metadata --format-version 1 --no-deps --locked \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
MINIAPP_BIN="$target_dir/debug/miniapp" bash web/e2e/run.sh

step "phone limits (the device profile, Python and JavaScript guests under ulimit -v 2097152)"
bash .ci/phone-limits

step "host bindings (ffi/test.sh: Python and Kotlin suites; Swift sources current)"
bash ffi/test.sh
bash bindings/swift/generate.sh --check

step "mobile targets (cargo check of runtime and package for aarch64 Android and iOS)"
bash .ci/mobile-check

step "done"
echo "== every test passed"
