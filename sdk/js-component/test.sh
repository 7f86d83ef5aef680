#!/usr/bin/env bash
# The component SDK's tests: `node --test` in sdk/js-component. Its mock wraps the web mock
# (web/bridge-mock), which needs the web workspace installed (it links @miniapp/bridge).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
web="$here/../../web"
if [ ! -e "$web/node_modules/@miniapp/bridge/package.json" ]; then
  echo "sdk/js-component/test.sh: installing the web workspace (npm ci --prefix web)"
  npm ci --prefix "$web" --no-audit --no-fund
fi
cd "$here"
node --test
echo "== tsc --noEmit (index.d.ts, mock.d.ts, test-types/usage.ts)"
"$web/node_modules/.bin/tsc" --noEmit --strict --module nodenext --target es2022 index.d.ts mock.d.ts test-types/usage.ts
echo "== npm pack --dry-run"
npm pack --dry-run --json >"$here/.pack.json"
for f in index.js index.d.ts mock.js mock.d.ts README.md LICENSE; do
  grep -q "\"path\": \"$f\"" "$here/.pack.json" || { echo "npm pack of @miniapp/component-sdk lacks $f" >&2; rm -f "$here/.pack.json"; exit 1; }
done
rm -f "$here/.pack.json"
