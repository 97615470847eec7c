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
. bench/start_server.sh
out=$(mktemp -d)
start_server "$out" --bind "$BIND"
# Ctrl-C or a TERM ends the script through its EXIT trap, which stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

echo "\$ curl -H 'Content-Type: application/json' --data-binary @examples/request.json $URL/v1/lint"
report=$(curl -fsS -H 'Content-Type: application/json' --data-binary @examples/request.json "$URL/v1/lint")
if command -v python3 >/dev/null; then
  python3 -m json.tool --no-ensure-ascii <<<"$report"
else
  echo "$report"
fi
echo
echo "The service is running: the editor is at $URL/ and the API at $URL/v1/lint"
echo "(contract: $URL/openapi.yaml). Ctrl-C stops it."
tail -n +1 --pid="$SERVER" -f "$out/server.log" &
wait "$SERVER"
