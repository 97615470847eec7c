#!/usr/bin/env bash
# The main job on an example: build and start `unbroadcast serve`, send it the
# request a scheduling tool would send before publishing (examples/request.json),
# print the report, and keep serving so the editor page can be opened.
#
#   examples/serve.sh                 # http://127.0.0.1:8080/
#   BIND=127.0.0.1:9000 examples/serve.sh
#
# Needs cargo and curl. Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

BIND=${BIND:-127.0.0.1:8080}
cargo build --release --locked --quiet

log=$(mktemp)
./target/release/unbroadcast serve --no-config --bind "$BIND" >"$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
for _ in $(seq 200); do
  grep -q '^listening on ' "$log" && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$log" | head -n1)
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }

echo "\$ curl -H 'Content-Type: application/json' --data-binary @examples/request.json $url/v1/lint"
report=$(curl -fsS -H 'Content-Type: application/json' --data-binary @examples/request.json "$url/v1/lint")
if command -v python3 >/dev/null; then
  python3 -m json.tool --no-ensure-ascii <<<"$report"
else
  echo "$report"
fi
echo
echo "The service is running: the editor is at $url/ and the API at $url/v1/lint"
echo "(contract: $url/openapi.yaml). Ctrl-C stops it."
tail -n +1 --pid="$server" -f "$log" &
wait "$server"
