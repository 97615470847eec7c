#!/usr/bin/env bash
# Soak run (issue 7): at least 1,000,000 lint requests against one server, with its
# resident memory read before and after. Not part of CI; figures go to
# docs/hardening.md.
#
#   bench/soak.sh            # needs wrk (apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-1000000}
OUT=${OUT:-$(mktemp -d)}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
. bench/start_server.sh
start_server "$OUT" --bind 127.0.0.1:0 --log-level warn
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
echo "start: RSS $(rss) kB"
# Warm up: every request shape, every worker, the allocator's pools.
wrk -t2 -c64 -d5s -s bench/soak.lua "$URL" >"$OUT/warm.txt"
before=$(rss)
echo "after warm-up ($(awk '/requests in/ {print $1}' "$OUT/warm.txt") requests): RSS $before kB"
total=0; round=0
while [ "$total" -lt "$REQUESTS" ]; do
  round=$((round + 1))
  wrk -t2 -c64 -d20s -s bench/soak.lua "$URL" >"$OUT/round-$round.txt"
  n=$(awk '/requests in/ {print $1}' "$OUT/round-$round.txt")
  total=$((total + n))
  echo "round $round: $n requests (total $total), RSS $(rss) kB, $(grep -c 'Socket errors' "$OUT/round-$round.txt" || true) socket-error lines"
done
after=$(rss)
echo "after $total requests: RSS $after kB (growth $((after - before)) kB since warm-up)"
grep -h "Non-2xx" "$OUT"/round-*.txt | head -3 || true
