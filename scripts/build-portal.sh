#!/usr/bin/env bash
# Builds the portal (leptos, WebAssembly) into portal/dist, which the server embeds:
# cargo (wasm32, release) -> wasm-bindgen (exact Cargo.lock version) -> wasm-opt (npm binaryen
# >= 132, when it can be installed; Debian's binaryen 108 breaks the module) -> static files.
# No inline scripts, so the Content-Security-Policy stays 'self' + 'wasm-unsafe-eval'.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The portal is pinned to one organisation key (crypto/SPEC.md §12): it refuses a team
# directory that key did not sign. `loket org-key` prints an instance's key.
if [ -z "${LOKET_ORG_KEY:-}" ]; then
  echo "build-portal: set LOKET_ORG_KEY to the organisation's public key (lko1:…, see \`loket org-key\`)" >&2
  exit 1
fi
export LOKET_ORG_KEY

./scripts/setup.sh
log "building the portal (wasm32, release) for organisation key $LOKET_ORG_KEY"
cargo build -p loket-portal --target wasm32-unknown-unknown --release

out=portal/dist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" \
  target/wasm32-unknown-unknown/release/loket_portal.wasm

opt=tools/node/node_modules/.bin/wasm-opt
if [ ! -x "$opt" ] && command -v npm >/dev/null 2>&1; then
  log "installing wasm-opt (npm binaryen 132)"
  (cd tools/node && npm install --no-audit --no-fund --silent >/dev/null 2>&1) || true
fi
if [ -x "$opt" ]; then
  log "wasm-opt -Oz"
  "$opt" -Oz --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    "$tmp/loket_portal_bg.wasm" -o "$tmp/loket_portal_bg.opt.wasm"
  mv "$tmp/loket_portal_bg.opt.wasm" "$tmp/loket_portal_bg.wasm"
else
  log "wasm-opt not available: serving the unoptimised module (it works the same)"
fi
cp portal/static/index.html portal/static/boot.js portal/static/style.css "$tmp/"

# Replace dist only when something changed, so the server is not rebuilt for nothing.
mkdir -p "$out"
if ! diff -rq "$tmp" "$out" >/dev/null 2>&1; then
  rm -rf "$out"
  mkdir -p "$out"
  cp "$tmp"/* "$out/"
fi
raw=$(stat -c %s "$out/loket_portal_bg.wasm")
gz=$(gzip -9 -c "$out/loket_portal_bg.wasm" | wc -c)
log "portal built: loket_portal_bg.wasm $raw bytes, $gz gzipped"
