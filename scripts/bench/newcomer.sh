#!/usr/bin/env bash
# `npm run bench:newcomer`: a newcomer's first minutes, timed. Clones this repository's HEAD into a
# temporary folder and, with the system's Node (not the Node 22 of node_modules/.bin), runs the
# README's commands: `npm install`, then `npm start` until it prints WELLSPRING_READY (pages
# served), then Ctrl-C. Checks that the install left `git status` clean. Writes
# scripts/bench/results/newcomer.json. Needs ports 8080 and 8545 free (or PORT / CHAIN_PORT).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# The system's Node: PATH without the node_modules/.bin that `npm run` puts first.
PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)"
export PATH
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

git clone -q "$root" "$work/repo"
cd "$work/repo"
system_node="$(node --version)"

t0=$(now)
npm install --no-audit --no-fund > "$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
t1=$(now)
dirty="$(git status --porcelain)"

# npm start in its own process group, so that Ctrl-C (SIGINT) reaches everything it started.
setsid npm start > "$work/start.log" 2>&1 &
starter=$!
ready=""
compile_s=""
while kill -0 "$starter" 2> /dev/null; do
  if grep -q '^WELLSPRING_READY ' "$work/start.log"; then
    ready=$(now)
    break
  fi
  sleep 0.5
done
t2=${ready:-$(now)}
compile_s="$(sed -n 's/^Contracts ready (\([0-9.]*\) s).*/\1/p' "$work/start.log" | head -1)"
url="$(sed -n 's/^WELLSPRING_READY .*"url":"\([^"]*\)".*/\1/p' "$work/start.log" | head -1)"
pages_ok=false
if [[ -n "$ready" && -n "$url" ]] && curl -sf "$url/" | grep -qi '<html'; then pages_ok=true; fi
kill -INT -- "-$starter" 2> /dev/null || true
wait "$starter" 2> /dev/null || true
if [[ -z "$ready" ]]; then
  tail -40 "$work/start.log"
  echo "npm start did not become ready" >&2
  exit 1
fi

install_s=$(secs "$t0" "$t1")
start_s=$(secs "$t1" "$t2")
total_s=$(secs "$t0" "$t2")
mkdir -p "$root/scripts/bench/results"
cat > "$root/scripts/bench/results/newcomer.json" << EOF
{
  "fresh_clone_to_pages_s": $total_s,
  "npm_install_s": $install_s,
  "npm_start_to_ready_s": $start_s,
  "contracts_compile_s": ${compile_s:-null},
  "git_status_clean_after_install": $([[ -z "$dirty" ]] && echo true || echo false),
  "pages_served": $pages_ok,
  "targets": { "fresh_clone_to_pages_s": 300 },
  "within_targets": { "fresh_clone_to_pages_s": $(awk -v t="$total_s" 'BEGIN { print (t <= 300) ? "true" : "false" }') },
  "details": {
    "what": "git clone of HEAD into a temporary folder; npm install; npm start until WELLSPRING_READY and the pages answer",
    "system_node": "$system_node",
    "machine": "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)",
    "load_average_at_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  }
}
EOF
cat "$root/scripts/bench/results/newcomer.json"
[[ -z "$dirty" ]] || { echo "npm install left the clone dirty:" >&2; echo "$dirty" >&2; exit 1; }
