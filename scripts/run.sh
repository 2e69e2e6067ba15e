#!/usr/bin/env bash
# Builds everything and runs a local Loket instance with a demo team: `loket serve` (the
# reporter's side) and, beside it, `loket-team serve` (the team's app, as each member runs it
# on their own machine), both stopped together with Ctrl-C.
# On first start it creates, in the data directory ($LOKET_DATA_DIR, default ./data), an
# organisation (with its signing key, organisation.key) and a demo member whose key is made
# with `loket-team keygen` and added with `loket member add`; it prints the key file's path
# and passphrase so you can try both sides. The portal is built pinned to this instance's
# organisation key (init, then build, then serve: crypto/SPEC.md §12). The server runs with
# --demo: the one mode that lets organisation.key sit in the data directory, re-signing the
# directory with it before it expires (a real instance keeps the key with its custodian:
# docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

export LOKET_DATA_DIR="${LOKET_DATA_DIR:-data}"
listen="${LOKET_LISTEN:-127.0.0.1:8080}"
team_listen="${LOKET_TEAM_LISTEN:-127.0.0.1:8790}"
loket=target/release/loket
team=target/release/loket-team

./scripts/setup.sh
echo "==> building loket and loket-team (release)" >&2
cargo build --release -p loket-server -p loket-team

mkdir -p "$LOKET_DATA_DIR"
"$loket" init --organisation "Demo University" --exists-ok

LOKET_ORG_KEY=$("$loket" org-key 2>/dev/null) ./scripts/build-portal.sh
echo "==> embedding the apps into loket and loket-team" >&2
cargo build --release -p loket-server -p loket-team

key="$LOKET_DATA_DIR/demo-member.key"
pass="$LOKET_DATA_DIR/demo-passphrase.txt"
if [ ! -f "$key" ]; then
  out=$("$team" keygen --out "$key" --generate-passphrase)
  printf '%s\n' "$out" | sed -n 's/^passphrase: *//p' > "$pass"
  chmod 600 "$pass"
  public=$(printf '%s\n' "$out" | sed -n 's/^public key: *//p')
  "$loket" member add --name "Demo member" --role ccp --role confidential-adviser --role ombudsperson --key "$public"
  # The demo member's key doubles as the statistics key, so the form shows the anonymous
  # statistics part (docs/intake.md); a real team keeps a key of its own for it.
  "$loket" statistics --key "$public" --unit "Faculty of Science" --unit "Faculty of Humanities" \
    --unit "University Services"
fi

cat <<INFO

  Loket demo instance
  -------------------
  Reporter side:  http://$listen/  (write a report, keep the code, follow up with it)
  Team side:      http://$team_listen/  (loket-team serve; paste the key file below and unlock)
  Demo key file:  $(realpath "$key")
  Passphrase:     $(cat "$pass")
  Organisation:   $("$loket" org-key 2>&1 | tr '\n' ' ')

  (A demo only: a real member keeps the key file and passphrase on a trusted machine, and the
  organisation key, $LOKET_DATA_DIR/organisation.key, belongs with its custodian, never on the
  server: \`loket serve\` refuses to start beside it except with --demo. docs/operations.md.)

INFO
# The team's app, as a member runs it on their own machine, passing its requests to the
# server (plain http only because the server is on this machine).
"$team" serve --server "http://$listen" --listen "$team_listen" &
team_pid=$!
trap 'kill "$team_pid" 2>/dev/null || true' EXIT INT TERM
"$loket" serve --demo --listen "$listen"
