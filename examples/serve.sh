#!/usr/bin/env bash
# The main job on an example: build and start `unbroadcast serve`, send it the
# request a scheduling tool would send before publishing (examples/request.json),
# print the report in words (the whole JSON answer goes to a file), and keep
# serving so the editor page can be opened.
#
#   examples/serve.sh                 # http://127.0.0.1:8080/
#   examples/serve.sh --once          # print the report, then stop the server
#   BIND=127.0.0.1:9000 examples/serve.sh
#   RESPONSE=/tmp/r.json examples/serve.sh    # where the JSON answer goes
#   SERVER_BIN=path/to/unbroadcast examples/serve.sh   # no build
#
# Needs cargo and curl; python3, where there is one, prints the warnings (without
# it: score, verdict and rule ids). Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

once=false
case "${1:-}" in
  --once) once=true ;;
  "") ;;
  *) echo "usage: examples/serve.sh [--once]" >&2; exit 2 ;;
esac
BIND=${BIND:-127.0.0.1:8080}
RESPONSE=${RESPONSE:-target/example-response.json}

if [ -z "${SERVER_BIN:-}" ]; then
  # cargo's own progress, so a first build (a few minutes) is not a silent wait.
  echo "Building unbroadcast (release; the first build takes a few minutes)…"
  cargo build --release --locked
  SERVER_BIN=./target/release/unbroadcast
fi

. bench/start_server.sh
out=$(mktemp -d)
start_server "$out" --bind "$BIND"
# Ctrl-C or a TERM ends the script through its EXIT trap, which stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

# Listening is not ready: wait for /readyz (rules loaded) before asking.
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null && break
  sleep 0.1
done

echo "\$ curl -H 'Content-Type: application/json' --data-binary @examples/request.json $URL/v1/lint"
mkdir -p "$(dirname "$RESPONSE")"
status=$(curl -sS -o "$RESPONSE" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @examples/request.json "$URL/v1/lint")
if [ "$status" != 200 ]; then
  echo "The service answered $status:" >&2
  cat "$RESPONSE" >&2
  echo >&2
  exit 1
fi

if command -v python3 >/dev/null 2>&1; then
  python3 - "$RESPONSE" <<'PY'
import json, sys

r = json.load(open(sys.argv[1], encoding="utf-8"))
cats = [f"{k} {c['counted']}" for k, c in r.get("categories", {}).items() if c.get("points")]
print(f"\nscore {r['score']}/100 → {r['verdict']}" + "".join(f" · {c}" for c in cats))
ws = r.get("warnings", [])
print(f"{len(ws)} warning{'' if len(ws) == 1 else 's'}:" if ws else "No warnings.")
for w in ws:
    span = w.get("span")
    where = f"{span['line']}:{span['column']}" if span else "whole post"
    print(f"\n  {where}: {w['rule']} [{w['severity']} +{w['points']}] {w['message']}")
    if w.get("excerpt"):
        print(f"    excerpt: “{w['excerpt']}”")
    if w.get("suggestion"):
        print(f"    = help: {w['suggestion']}")
    for rep in w.get("replacements", []):
        if rep:
            print(f"    = try: {rep}")
    if w.get("suggested_time"):
        print(f"    = earliest good time: {w['suggested_time']}")
PY
else
  # No python3: the headline and the rule ids, read off the compact answer.
  report=$(<"$RESPONSE")
  score=$(grep -o '"score":[0-9]*' <<<"$report" | head -n1 | cut -d: -f2)
  verdict=$(grep -o '"verdict":"[a-z]*"' <<<"$report" | head -n1 | cut -d'"' -f4)
  echo
  echo "score $score/100 → $verdict"
  grep -o '"rule":"[^"]*"' <<<"$report" | cut -d'"' -f4 | sed 's/^/  /' || true
fi
echo
echo "The whole JSON answer (spans in bytes and UTF-16, stats, docs links) is in $RESPONSE."

if $once; then
  exit 0
fi
echo
echo "The service is running: the editor is at $URL/ and the API at $URL/v1/lint"
echo "(contract: $URL/openapi.yaml). Ctrl-C stops it."
tail -n +1 --pid="$SERVER" -f "$out/server.log" &
wait "$SERVER"
