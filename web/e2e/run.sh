#!/usr/bin/env bash
# Browser tests of `miniapp dev` (web/e2e/shop.test.js) in Debian's headless Chromium.
# Builds the debug `miniapp` (its default feature `dev` is the simulator) unless MINIAPP_BIN names
# one, installs playwright-core, runs the tests,
# and fails unless every test ran and passed: a missing browser is a failure, not a skip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  echo "web/e2e/run.sh: no Chromium at $chromium (apt-get install chromium)" >&2
  exit 1
fi
# Not "$chromium --version": the launcher disturbs later cargo runs (see .ci/run).
dpkg-query -W -f='chromium ${Version}\n' chromium 2>/dev/null || true

# test.sh passes MINIAPP_BIN, the binary its workspace tests just built: `cargo build -p miniapp`
# resolves features for that package alone (no tokio/test-util, say), so after the workspace
# tests it rebuilt wasmtime and the rest, 5 minutes and 0.7 GB on a 2-core CI machine.
if [ -n "${MINIAPP_BIN:-}" ]; then
  if [ ! -x "$MINIAPP_BIN" ]; then
    echo "web/e2e/run.sh: MINIAPP_BIN=$MINIAPP_BIN is not an executable" >&2
    exit 1
  fi
  echo "== using $MINIAPP_BIN"
else
  echo "== cargo build -p miniapp (default features: has \`miniapp dev\`)"
  (cd "$root" && cargo build -p miniapp --locked)
fi
echo "== npm ci (the web workspace links @miniapp/bridge; e2e gets playwright-core)"
(cd "$root/web" && npm ci --no-audit --no-fund)
(cd "$here" && npm ci --no-audit --no-fund)

echo "== browser tests"
log="$(mktemp)"
set +e
(cd "$here" && node --test-reporter=tap shop.test.js) 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
tests=$(grep -E '^# tests ' "$log" | awk '{print $3}' | tail -1)
pass=$(grep -E '^# pass ' "$log" | awk '{print $3}' | tail -1)
fail=$(grep -E '^# fail ' "$log" | awk '{print $3}' | tail -1)
rm -f "$log"
echo "== browser tests: ${tests:-0} tests, ${pass:-0} passed, ${fail:-?} failed"
if [ "$rc" -ne 0 ] || [ -z "$tests" ] || [ "$tests" = "0" ] || [ "$pass" != "$tests" ]; then
  echo "== browser tests FAILED (or did not run)" >&2
  exit 1
fi
