#!/usr/bin/env bash
# Checks the deployment files (deploy/): the systemd unit's sandbox rating, and the Debian
# package built from a `loket` binary holds the binary, unit, configurations and docs, with
# the settings and nginx files as conffiles. The nginx configuration itself is tested with
# the real nginx by tests/e2e/proxy.rs. Usage: scripts/check-deploy.sh path/to/loket
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/check-deploy.sh path/to/loket}

# Exposure is rated 0–10 (lower is safer); the unit is 0.9 today, so 1.5 leaves little room.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp deploy/systemd/loket.service "$tmp/"
if ! systemd-analyze security --offline=yes --threshold=15 "$tmp/loket.service" >"$tmp/rating" 2>&1; then
  cat "$tmp/rating" >&2
  echo "check-deploy: deploy/systemd/loket.service is rated above 1.5" >&2
  exit 1
fi
tail -n1 "$tmp/rating"

deb=$(scripts/build-deb.sh "$bin")
dpkg-deb --contents "$deb" | awk '{print $NF}' >"$tmp/contents"
for want in ./usr/bin/loket ./lib/systemd/system/loket.service ./etc/loket/loket.env \
  ./etc/nginx/sites-available/loket ./usr/share/loket/Caddyfile \
  ./usr/share/loket/loket-onion.conf ./usr/share/doc/loket/operations.md; do
  grep -qx -- "$want" "$tmp/contents" || { echo "check-deploy: $deb lacks $want" >&2; exit 1; }
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles"
grep -qx /etc/loket/loket.env "$tmp/conffiles"
grep -qx /etc/nginx/sites-available/loket "$tmp/conffiles"
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/loket" --help >/dev/null
echo "check-deploy: $deb ok ($(stat -c %s "$deb") bytes)"
