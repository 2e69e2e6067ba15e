#!/usr/bin/env bash
# Builds a Debian package of the Loket server from this workspace: the `loket` binary (with the
# reporter's app embedded), the systemd unit, the proxy and onion-service configurations, and
# the operations guide. Usage:
#
#   scripts/build-deb.sh [path/to/loket]     # default: target/release/loket
#
# The binary must already be built with the deployment's portal (README, "Administering an
# instance"). The package goes to target/debian/loket_<version>_<arch>.deb.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/release/loket}
if [ ! -x "$bin" ]; then
  echo "build-deb: no executable at $bin (build it: cargo build --release -p loket-server)" >&2
  exit 1
fi
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

install -D -m 0755 "$bin" "$root/usr/bin/loket"
install -D -m 0644 deploy/systemd/loket.service "$root/lib/systemd/system/loket.service"
install -D -m 0640 deploy/debian/loket.env "$root/etc/loket/loket.env"
install -D -m 0644 deploy/nginx/loket.conf "$root/etc/nginx/sites-available/loket"
install -D -m 0644 deploy/caddy/Caddyfile "$root/usr/share/loket/Caddyfile"
install -D -m 0644 deploy/tor/loket-onion.conf "$root/usr/share/loket/loket-onion.conf"
for doc in docs/operations.md docs/api.md docs/design.md README.md; do
  install -D -m 0644 "$doc" "$root/usr/share/doc/loket/$(basename "$doc")"
done
install -D -m 0755 deploy/debian/postinst "$root/DEBIAN/postinst"
install -D -m 0755 deploy/debian/postrm "$root/DEBIAN/postrm"
printf '%s\n' /etc/loket/loket.env /etc/nginx/sites-available/loket > "$root/DEBIAN/conffiles"
size=$(du -sk "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  deploy/debian/control > "$root/DEBIAN/control"

mkdir -p target/debian
out="target/debian/loket_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
echo "$out"
