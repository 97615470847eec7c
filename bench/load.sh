#!/usr/bin/env bash
# Load benchmark for `unbroadcast serve` (issue 3): requests/s and p50/p99 latency
# of POST /v1/lint with a typical scheduler request (examples/request.json: a LinkedIn
# post with audience and two history items), next to GET /healthz, on the same
# server in the same run. Not part of CI; figures go to docs/performance.md.
#
#   bench/load.sh                     # 64 connections, 15 s per endpoint
#   CONNECTIONS=128 DURATION=30s bench/load.sh
#
# Needs wrk (Debian: apt-get install wrk). The server logs at info to a file, as
# in production; its log is kept in $OUT for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
OUT=${OUT:-$(mktemp -d)}

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
. bench/start_server.sh
start_server "$OUT" --bind 127.0.0.1:0

# Check the request is a real lint before measuring it.
curl -fsS -H 'Content-Type: application/json' --data-binary @examples/request.json "$URL/v1/lint" >"$OUT/report.json"
grep -q '"verdict"' "$OUT/report.json"

run() { # name, wrk args...
  local name=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$OUT/$name.txt"
  if grep -q 'Non-2xx' "$OUT/$name.txt"; then echo "$name: non-2xx answers" >&2; cat "$OUT/$name.txt" >&2; exit 1; fi
}

# Warm up both paths (allocator, caches, CPU frequency), then measure.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/lint.lua "$URL/v1/lint" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$URL/healthz" >/dev/null
run healthz "$URL/healthz"
run lint -s bench/lint.lua "$URL/v1/lint"

field() { # file, label → value
  case $2 in
    rps) awk '/^Requests\/sec/ {print $2}' "$1" ;;
    *) awk -v p="$2" '$1 == p {print $2}' "$1" ;;
  esac
}
printf '\n%s, %s connections, %s threads of wrk, %s per endpoint, %s\n' \
  "$(nproc) cores" "$CONNECTIONS" "$THREADS" "$DURATION" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
printf '%-16s %12s %10s %10s\n' endpoint 'requests/s' p50 p99
for name in healthz lint; do
  printf '%-16s %12s %10s %10s\n' "$name" "$(field "$OUT/$name.txt" rps)" "$(field "$OUT/$name.txt" 50%)" "$(field "$OUT/$name.txt" 99%)"
done
awk -v h="$(field "$OUT/healthz.txt" rps)" -v l="$(field "$OUT/lint.txt" rps)" \
  'BEGIN { printf "lint / healthz throughput: %.0f%%\n", 100 * l / h }'
echo "raw wrk output and the server log: $OUT"
