#!/usr/bin/env bash
# Server CPU per request: the server process's CPU time (user + system, from
# /proc/PID/stat) over a wrk run, divided by the requests it served. Steadier than
# requests/s on a machine shared with other work, and it leaves wrk's own cost out.
#
#   bench/cpu_per_request.sh                  # healthz, a precomputed rule doc, lint
#   bench/cpu_per_request.sh --log-level warn # extra flags go to `unbroadcast serve`
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
. bench/start_server.sh
OUT=$(mktemp -d)
start_server "$OUT" --bind 127.0.0.1:0 "$@"
PID=$SERVER
HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
wrk -t2 -c64 -d3s -s bench/lint.lua "$URL/v1/lint" >/dev/null
printf '%-10s %12s %16s\n' request 'requests/s' 'server µs/req'
for name in healthz rule lint; do
  case $name in
    healthz) args=("$URL/healthz") ;;
    rule) args=("$URL/v1/rules/broadcast.hard-sell") ;;
    lint) args=(-s bench/lint.lua "$URL/v1/lint") ;;
  esac
  t0=$(ticks)
  out=$(wrk -t2 -c64 -d8s "${args[@]}")
  t1=$(ticks)
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  printf '%-10s %12s %16s\n' "$name" "$rps" "$(awk -v t="$((t1 - t0))" -v hz="$HZ" -v n="$reqs" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
done
