#!/usr/bin/env bash
# Runs the tests of both JavaScript packages with Node's built-in test runner.
# Usage: bash web/test.sh   (from anywhere). Exits non-zero if any test fails.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
total_tests=0
total_pass=0
total_fail=0

if ! command -v node >/dev/null 2>&1; then
  echo "test.sh: node is not installed (Node >= 18 needed)" >&2
  exit 1
fi

# bridge-mock depends on @miniapp/bridge through "file:../bridge": npm install only links it.
echo "== npm install (bridge-mock)"
if ! (cd "$here/bridge-mock" && npm install --no-audit --no-fund); then
  echo "test.sh: npm install failed in bridge-mock" >&2
  exit 1
fi

for pkg in bridge bridge-mock; do
  echo "== node --test ($pkg)"
  log="$(mktemp)"
  (cd "$here/$pkg" && node --test --test-reporter=tap) >"$log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ]; then
    status=1
    # show what failed, with the runner's diagnostics
    cat "$log"
  fi
  # the runner's summary lines: "# tests N", "# pass N", "# fail N", ...
  grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$log" | sed "s/^/[$pkg] /"
  n_tests=$(grep -E '^# tests ' "$log" | awk '{print $3}' | tail -1)
  n_pass=$(grep -E '^# pass ' "$log" | awk '{print $3}' | tail -1)
  n_fail=$(grep -E '^# fail ' "$log" | awk '{print $3}' | tail -1)
  if [ -z "$n_tests" ]; then
    echo "[$pkg] no test summary (exit code $rc)" >&2
    cat "$log"
    status=1
  fi
  total_tests=$((total_tests + ${n_tests:-0}))
  total_pass=$((total_pass + ${n_pass:-0}))
  total_fail=$((total_fail + ${n_fail:-0}))
  if [ "$rc" -ne 0 ] || [ "${n_fail:-1}" != "0" ]; then status=1; fi
  rm -f "$log"
done

echo "== total: $total_tests tests, $total_pass passed, $total_fail failed"
if [ "$status" -ne 0 ]; then echo "== FAILED"; else echo "== OK"; fi
exit "$status"
