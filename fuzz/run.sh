#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) each, seeded from the repo's
# packs, example posts and requests. Needs cargo-fuzz (`cargo install cargo-fuzz`).
# The machine has only a stable toolchain; RUSTC_BOOTSTRAP lets cargo-fuzz use the
# sanitizer flags it needs. Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
targets=${2:-"packs frontmatter lint request"}
mkdir -p corpus/packs corpus/frontmatter corpus/lint corpus/request
for f in ../rules/*/*.toml; do cp "$f" "corpus/packs/$(basename "$(dirname "$f")")-$(basename "$f")"; done
cp ../examples/posts/* corpus/frontmatter/
for f in ../examples/posts/*; do tail -n +2 "$f" > "corpus/lint/$(basename "$f").txt"; done
if [ -f ../examples/requests.jsonl ]; then
  i=0; while IFS= read -r line; do i=$((i+1)); printf '%s' "$line" > "corpus/request/example-$i.json"; done < ../examples/requests.jsonl
fi
printf '%s' '{"post":{"text":"Shop now! Tag a friend #sale","channel":"x","language":"auto"},"audience":{"interests":["espresso"],"locale":"de-DE","timezone":"Europe/Berlin"},"history":[{"text":"hi","channel":"x","at":"2026-01-01T09:00:00+01:00"}]}' > corpus/request/seed.json
for t in $targets; do
  echo "== $t: ${secs}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tail -n 25
done
