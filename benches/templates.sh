#!/usr/bin/env bash
# Figures of the projects `miniapp new` makes (issue 18): for the Rust, Python and JavaScript
# templates, the component's size, the toolchain's build time, the install (verify, import check,
# precompile, store), a whole-process `miniapp run` (hyperfine) and, in one process, the first
# launch (artifact read from disk) and warm launches (each launch + on-launch). Every project is
# built by its own README's commands, as a partner would. Writes target/criterion/templates.json,
# which benches/report.py turns into BENCHMARKING.md's "Templates" section; `benches/run.sh`
# calls it, or run it alone (release build of the CLI and the bench binaries, ~10 min).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# A partner's shell: the project builds into its own target/ (benches/run.sh exports
# CARGO_TARGET_DIR for this repository's crates, which would move the project's app.wasm).
unset CARGO_TARGET_DIR
export CARGO_INCREMENTAL=0
cargo build --release --locked -p miniapp -p miniapp-benches --bin miniapp --bin process </dev/null
bin="$root/target/release"
out="$root/target/templates-bench"
rm -rf "$out" && mkdir -p "$out" "$root/target/criterion"
command -v hyperfine >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine </dev/null; }

# A README's `sh` blocks (all but the simulator's), one file each: build.sh and host.sh.
blocks() {
  awk -v dir="$2" '
    /^```sh$/ { n++; body = ""; inside = 1; next }
    /^```$/ && inside { inside = 0; if (body !~ /miniapp dev/) { k++; f = dir "/block" k ".sh"; printf "%s", body > f; close(f) } next }
    inside { body = body $0 "\n" }
  ' "$1"
}

now_ms() { date +%s%3N; }
results="$out/results.jsonl"
: > "$results"
for lang in rust python js; do
  echo "== template $lang"
  id="com.example.hello-$lang"
  (cd "$out" && "$bin/miniapp" new "hello-$lang" --lang "$lang" --id "$id" >/dev/null)
  project="$out/hello-$lang"
  blocks "$project/README.md" "$project"
  # block1: the build; block2: keys, pack, init, install, run.
  start=$(now_ms)
  (cd "$project" && PATH="$bin:$PATH" bash -euo pipefail block1.sh </dev/null >/dev/null 2>&1)
  build_ms=$(( $(now_ms) - start ))
  # The README's host commands; `install` prints "verify + extract + precompile: T ms (compile C ms)".
  (cd "$project" && PATH="$bin:$PATH" bash -euo pipefail block2.sh </dev/null >host.out 2>&1)
  install_json=$(sed -nE 's/.*precompile: ([0-9.]+) ms \(compile ([0-9.]+) ms\).*/{"totalMs": \1, "compileMs": \2}/p' "$project/host.out")
  [ -n "$install_json" ] || { cat "$project/host.out"; echo "no install figures" >&2; exit 1; }
  hyperfine -N --warmup 3 --runs 30 --export-json "$project/hyperfine.json" \
    -n run "$bin/miniapp run $id --home $project/home --params '{\"name\":\"bench\"}'" </dev/null >/dev/null
  launches=$("$bin/process" launches "$project/home" "$id" '{"name":"bench"}' 50 </dev/null)
  bytes=$(stat -c %s "$project/app/app.wasm")
  python3 - "$lang" "$bytes" "$build_ms" "$install_json" "$project/hyperfine.json" "$launches" >> "$results" <<'PY'
import json, sys
lang, size, build_ms, install, hyper, launches = sys.argv[1:]
run = json.load(open(hyper))["results"][0]
print(json.dumps({"lang": lang, "componentBytes": int(size), "buildMs": int(build_ms),
                  "install": json.loads(install), "processMedianS": run["median"],
                  "launches": json.loads(launches)}))
PY
  tail -1 "$results"
done
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
json.dump(rows, open(sys.argv[2], "w"), indent=1)
' "$results" "$root/target/criterion/templates.json"
echo "== wrote target/criterion/templates.json"
