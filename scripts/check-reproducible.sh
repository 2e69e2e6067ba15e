#!/usr/bin/env bash
# Checks that the portal's build is reproducible: the same source and organisation key give
# byte-identical files in portal/dist, whatever folder the source and the target folder are in
# (docs/verify.md).
#
#   scripts/check-reproducible.sh           builds a copy of the working tree's tracked files in
#                                           another folder, with another target folder
#                                           (target/repro, kept, so a second run is quick), and
#                                           compares with ./portal/dist, which must have been
#                                           built from the same tree (scripts/test.sh does so)
#   scripts/check-reproducible.sh --fresh   builds two copies from nothing, in two new folders,
#                                           and compares them with each other (slow: two full
#                                           release builds of the WebAssembly apps)
#
# LOKET_ORG_KEY: the organisation key the apps are pinned to (default: the test key in
# tests/fixtures/organisation.pub).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

export LOKET_ORG_KEY="${LOKET_ORG_KEY:-$(cat tests/fixtures/organisation.pub)}"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

# hashes <dist>: every file's SHA-256, sorted by path, as `sha256sum` prints it.
hashes() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

# build_copy <folder>: copies the tracked files (keeping their times, so that a kept target
# folder is reused) to <folder>/src and builds the portal there with <folder>/target.
build_copy() {
  local dir=$1
  mkdir -p "$dir/src"
  git ls-files -z | xargs -0 cp --parents -p -t "$dir/src"
  # The same pinned wasm-opt (tools/node/package.json), not a second download.
  if [ -d tools/node/node_modules ] && [ ! -e "$dir/src/tools/node/node_modules" ]; then
    ln -s "$PWD/tools/node/node_modules" "$dir/src/tools/node/node_modules"
  fi
  log "building the portal in $dir/src (target folder $dir/target)"
  (cd "$dir/src" && CARGO_TARGET_DIR="$dir/target" ./scripts/build-portal.sh)
}

if [ "${1:-}" = "--fresh" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  build_copy "$tmp/first"
  build_copy "$tmp/second-build"
  a=$tmp/first/src/portal/dist b=$tmp/second-build/src/portal/dist
else
  if [ ! -d portal/dist ]; then
    echo "check-reproducible: build portal/dist first (LOKET_ORG_KEY=… scripts/build-portal.sh)" >&2
    exit 2
  fi
  build_copy "$target_dir/repro"
  a=portal/dist b=$target_dir/repro/src/portal/dist
fi

if diff <(hashes "$a") <(hashes "$b"); then
  log "reproducible: $(hashes "$a" | wc -l) files identical in both builds"
  hashes "$a" >&2
else
  echo "check-reproducible: the two builds differ (above: < $a, > $b)" >&2
  exit 1
fi
