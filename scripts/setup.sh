#!/usr/bin/env bash
# Installs what building and testing Loket needs, idempotently: the wasm32 target, the
# wasm-bindgen CLI at exactly Cargo.lock's version, and (with --browser) Debian's chromium and
# chromedriver and the npm tools of tools/node (axe-core, for the accessibility check). Safe to
# run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -z "$want" ]; then
  echo "setup: cannot read wasm-bindgen's version from Cargo.lock" >&2
  exit 1
fi
if [ "$have" != "$want" ]; then
  # Not --locked: the CLI's own lockfile pins a yanked crate (docs/toolchain.md).
  log "installing wasm-bindgen-cli $want (about 8 minutes, once)"
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ "${1:-}" = "--browser" ]; then
  # What the tests drive besides cargo: Chromium, and the real proxy and tools of the
  # deployment checks (nginx, curl, openssl, systemd-analyze, dpkg-deb).
  missing=()
  for pair in chromium:chromium chromedriver:chromium-driver nginx:nginx-light caddy:caddy curl:curl \
    openssl:openssl systemd-analyze:systemd dpkg-deb:dpkg npm:npm; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian's ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # axe-core (and wasm-opt) at the versions of tools/node/package-lock.json.
  if [ ! -f tools/node/node_modules/axe-core/axe.min.js ]; then
    log "installing the npm tools of tools/node (axe-core, binaryen)"
    (cd tools/node && npm ci --no-audit --no-fund --silent >/dev/null)
  fi
fi
