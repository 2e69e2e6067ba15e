#!/usr/bin/env bash
# Runs every check and test of Loket: formatting, clippy (native and wasm32), the rule that
# the server cannot decrypt, unit and property tests, API tests against SQLite and PostgreSQL,
# and the end-to-end round trip in headless Chromium. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> [%4ds] %s\033[0m\n' "$SECONDS" "$*" >&2; }

./scripts/setup.sh --browser

log "PostgreSQL"
export LOKET_TEST_PG="${LOKET_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  # This machine kind starts PostgreSQL before a session; start it again if it stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

log "cargo fmt --check"
cargo fmt --all -- --check

log "the server links no decryption code (no cipher, key agreement or TLS crate)"
if cargo tree -p loket-server -e normal --prefix none | grep -E '^(chacha20poly1305|x25519-dalek|loket-crypto|loket-client|ring|rustls|aws-lc-rs|openssl|native-tls|chacha20|aes-gcm) '; then
  echo "test: loket-server links a cipher or key-agreement crate (listed above): it must not be able to decrypt" >&2
  exit 1
fi

log "no function outside tests longer than 120 lines (scripts/fn-lengths.py)"
python3 scripts/fn-lengths.py --top 5

log "clippy (native)"
cargo clippy --all-targets -- -D warnings
log "clippy (wasm32)"
LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) \
  cargo clippy -p loket-portal -p loket-client -p loket-crypto -p loket-wire -p loket-format \
  --target wasm32-unknown-unknown -- -D warnings

log "loket-crypto on wasm32 in headless Chromium (wasm-bindgen-test: vectors, round trips)"
(cd crypto && CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=300 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p loket-crypto --target wasm32-unknown-unknown --test wasm)

log "building the portal (pinned to the test organisation key, tests/fixtures)"
LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) ./scripts/build-portal.sh

log "the reporter's modules link no team code (the key-file label of crypto/src/keyfile.rs)"
label='LOKET MEMBER KEY'
if ! grep -qaF "$label" portal/dist/team/loket_team_bg.wasm; then
  echo "test: the team's app lacks \"$label\": this check no longer finds team code" >&2
  exit 1
fi
for module in portal/dist/reporter/*_bg.wasm; do
  if grep -qaF "$label" "$module"; then
    echo "test: the reporter's app contains team code (\"$label\" is in $module)" >&2
    exit 1
  fi
done

log "the portal's build is reproducible (scripts/check-reproducible.sh: built again elsewhere)"
# One more build of the apps, in target/repro (kept: quick when re-run), compared byte for byte.
LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) ./scripts/check-reproducible.sh

log "the apps' texts (every text in English and Dutch)"
cargo test -p loket-portal --lib

log "cargo test (unit, property, API on SQLite and PostgreSQL, Chromium end to end)"
# The crash, scale-out, backup and custody tests run the real `loket` and `loket-team`
# binaries (tests/src/process.rs).
cargo build -p loket-server --bin loket -p loket-team --bin loket-team
export LOKET_BIN="$PWD/target/debug/loket"
export LOKET_TEAM_BIN="$PWD/target/debug/loket-team"
mkdir -p target
set +e +o pipefail
cargo test 2>&1 | tee target/test-output.txt
status=${PIPESTATUS[0]}
set -e -o pipefail
passed=$(grep -Eo '[0-9]+ passed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
if [ "$status" -eq 0 ]; then
  log "deployment files: systemd sandbox rating, Debian package (scripts/check-deploy.sh)"
  ./scripts/check-deploy.sh "$LOKET_BIN" || status=$?
fi
echo "tests: $passed passed, $failed failed (in ${SECONDS}s)"
exit "$status"
