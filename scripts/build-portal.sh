#!/usr/bin/env bash
# Builds Loket's browser apps (leptos, WebAssembly) into portal/dist: portal/dist/reporter (the
# reporter's app, embedded in the server and served at /) and portal/dist/team (the team's
# app, embedded in loket-team and served by `loket-team serve` on each member's own machine).
# cargo (wasm32, release) -> wasm-bindgen (exact Cargo.lock version) -> wasm-opt (npm binaryen
# >= 132, when it can be installed; Debian's binaryen 108 breaks the module) -> static files.
# No inline scripts, so the Content-Security-Policy stays 'self' + 'wasm-unsafe-eval'.
#
#   --bench   also build the `#bench` page into the reporter's app (tests/examples/wasm_bench.rs)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

features=()
for arg in "$@"; do
  case "$arg" in
    --bench) features=(--features bench) ;;
    *) echo "build-portal: unknown option $arg" >&2; exit 2 ;;
  esac
done

# The apps are pinned to one organisation key (crypto/SPEC.md §12): they refuse a team
# directory that key did not sign. `loket org-key` prints an instance's key.
if [ -z "${LOKET_ORG_KEY:-}" ]; then
  echo "build-portal: set LOKET_ORG_KEY to the organisation's public key (lko1:…, see \`loket org-key\`)" >&2
  exit 1
fi
export LOKET_ORG_KEY

./scripts/setup.sh

# Reproducible: the same commit and organisation key give byte-identical files wherever they
# are built (docs/verify.md, scripts/check-reproducible.sh). Paths end up in the module (panic
# locations), so the workspace, the target folder and cargo's home are mapped to fixed names;
# the last mapping that matches wins, hence the target folder (often inside the workspace)
# last. wasm-bindgen and wasm-opt are pinned (Cargo.lock, tools/node/package.json).
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo_home=${CARGO_HOME:-$HOME/.cargo}
remap="--remap-path-prefix=$PWD=/loket --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$target_dir=/target"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:+$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS }$remap"
export SOURCE_DATE_EPOCH=0

# The wasm-release profile (Cargo.toml): optimised for size, the cryptography for speed.
log "building the apps (wasm32, wasm-release) for organisation key $LOKET_ORG_KEY"
cargo build -p loket-portal --target wasm32-unknown-unknown --profile wasm-release --bins ${features[@]+"${features[@]}"}

opt=tools/node/node_modules/.bin/wasm-opt
if [ ! -x "$opt" ] && command -v npm >/dev/null 2>&1; then
  log "installing wasm-opt (npm binaryen 132)"
  (cd tools/node && npm install --no-audit --no-fund --silent >/dev/null 2>&1) || true
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# optimise <module> <wasm-opt level>: in place, when wasm-opt is there.
optimise() {
  local module=$1 level=$2
  if [ -x "$opt" ]; then
    log "wasm-opt $level $(basename "$module")"
    "$opt" "$level" --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-multivalue "$module" -o "$module.opt"
    mv "$module.opt" "$module"
  else
    log "wasm-opt not available: $(basename "$module") stays unoptimised (it works the same)"
  fi
}

# build_app <bin name> <dist folder> <URL base> [<page file>, index.html by default]
build_app() {
  local app=$1 dir=$tmp/$2 base=$3 page=${4:-index.html}
  mkdir -p "$dir"
  wasm-bindgen --target web --no-typescript --out-dir "$dir" \
    "$target_dir/wasm32-unknown-unknown/wasm-release/$app.wasm"
  optimise "$dir/${app}_bg.wasm" -Oz
  sed -e "s|@APP@|$app|g" -e "s|@BASE@|$base|g" portal/static/index.html >"$dir/$page"
  cp portal/static/boot.js portal/static/style.css portal/static/icon.svg portal/static/favicon.ico "$dir/"
}
build_app loket_reporter reporter /
# The reporter's follow-up view: its own document and module (portal/src/reporter/mod.rs).
build_app loket_follow_up reporter / follow-up.html

# The reporter's Web Worker (Argon2id and the proof of work, portal/src/work.rs) sits next to
# its app. Optimised for speed, not size: it loads after the form, when the reporter begins.
dir=$tmp/reporter
wasm-bindgen --target web --no-typescript --out-dir "$dir" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/loket_work.wasm"
optimise "$dir/loket_work_bg.wasm" -O3
cp portal/static/work.js "$dir/"
# The team's app, at the root of `loket-team serve` (team-cli/src/serve.rs), never on `loket`.
build_app loket_team team /
# The team's statistics worker (portal/src/tally.rs) next to its app, optimised for speed: it
# decrypts every report of the year.
dir=$tmp/team
wasm-bindgen --target web --no-typescript --out-dir "$dir" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/loket_tally.wasm"
optimise "$dir/loket_tally_bg.wasm" -O3
cp portal/static/tally.js "$dir/"

# Replace dist only when something changed, so the server is not rebuilt for nothing.
out=portal/dist
if ! diff -rq "$tmp" "$out" >/dev/null 2>&1; then
  rm -rf "$out"
  mkdir -p "$out"
  cp -r "$tmp"/reporter "$tmp"/team "$out/"
fi
for app in reporter/loket_reporter reporter/loket_follow_up reporter/loket_work team/loket_team team/loket_tally; do
  raw=$(stat -c %s "$out/${app}_bg.wasm")
  gz=$(gzip -9 -c "$out/${app}_bg.wasm" | wc -c)
  log "built: ${app}_bg.wasm $raw bytes, $gz gzipped"
done
