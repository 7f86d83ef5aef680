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

# web/ is an npm workspace: bridge-mock depends on a version range of @miniapp/bridge, which npm
# links from bridge/; typescript is the only package fetched (for the type check below).
echo "== npm ci (web workspace: links @miniapp/bridge, installs typescript)"
if ! (cd "$here" && npm ci --no-audit --no-fund); then
  echo "test.sh: npm ci failed in web/" >&2
  exit 1
fi

# The declarations (index.d.ts by hand, protocol.d.ts generated from the contract crate) must
# type-check, and a typical page's calls must get the contract's types (types-check/usage.ts).
echo "== tsc --noEmit (types-check)"
if ! (cd "$here" && npm run -s typecheck); then
  echo "test.sh: the TypeScript declarations do not type-check" >&2
  status=1
fi

# Both packages must pack as they would be published; the mock must name a version range of
# @miniapp/bridge, not a path.
for pkg in bridge bridge-mock; do
  echo "== npm pack --dry-run ($pkg)"
  if ! (cd "$here/$pkg" && npm pack --dry-run --json >"$here/.pack-$pkg.json"); then
    echo "test.sh: npm pack failed for $pkg" >&2
    status=1
  elif ! grep -q '"path": "LICENSE"' "$here/.pack-$pkg.json"; then
    echo "test.sh: npm pack of $pkg has no LICENSE" >&2
    status=1
  fi
  rm -f "$here/.pack-$pkg.json"
done
if grep -q '"file:' "$here/bridge-mock/package.json"; then
  echo "test.sh: bridge-mock depends on a path; it must name a version range" >&2
  status=1
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
