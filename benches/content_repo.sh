#!/usr/bin/env bash
# Times `unbroadcast lint` over a generated content repo of N post files (default
# 10,000): the CI case of issue 6. Release build; hyperfine if installed
# (`apt-get install hyperfine`), else `time`. Figures go in docs/performance.md.
#
#   benches/content_repo.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build --release --locked --quiet --bin unbroadcast --example content_repo
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
target/release/examples/content_repo "$repo" "$n"
bin=$PWD/target/release/unbroadcast
cd "$repo"
# --fail-on never: the repo is full of findings; exit 1 would stop hyperfine.
args=(lint --quiet --fail-on never --now 2026-05-01T00:00:00Z)
"$bin" "${args[@]}" --statistics | head -5
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs 10 \
    "$bin ${args[*]} --format text" \
    "$bin ${args[*]} --format sarif" \
    "$bin ${args[*]} --format github"
else
  time "$bin" "${args[@]}" >/dev/null
fi
