# Sourced, not run, by the scripts that talk to a real `unbroadcast serve`
# (bench/load.sh, bench/soak.sh, bench/cpu_per_request.sh, examples/serve.sh):
#
#   start_server OUT_DIR [serve flags...]
#
# Builds the release binary (unless SERVER_BIN names one to run instead),
# starts `unbroadcast serve --no-config FLAGS` with its standard output in
# OUT_DIR/stdout and its log in OUT_DIR/server.log, stops it when the calling
# script exits, and sets SERVER (the pid) and URL (http://ADDR) once it prints
# `listening on`. Exits with the log when it does not start.
start_server() {
  local out=$1
  shift
  local bin=${SERVER_BIN:-}
  if [ -z "$bin" ]; then
    cargo build --release --locked --quiet
    bin=./target/release/unbroadcast
  fi
  "$bin" serve --no-config "$@" >"$out/stdout" 2>"$out/server.log" &
  SERVER=$!
  trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 200); do
    grep -q '^listening on ' "$out/stdout" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.05
  done
  URL=$(sed -n 's/^listening on //p' "$out/stdout" | head -n1)
  [ -n "$URL" ] || { echo "the server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }
}
