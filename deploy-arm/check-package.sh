#!/bin/sh
# Checks the built Debian package (packaging/debian/target/tidegate_*_all.deb) as .ci/run does:
#   lintian: no error and no warning (what is overridden is in packaging/debian/src/deb/data/lintian-overrides,
#            each with its reason);
#   systemd-analyze verify: silent on both units, checked against the package's own files (--root on the
#            unpacked package, its man page on MANPATH);
#   systemd-analyze security --offline=yes: tidegate.service exposure at most 4.0.
# Needs lintian and systemd (apt-get install lintian systemd). Prints the exposure.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
deb=${1:-$(ls -t "$repo"/packaging/debian/target/tidegate_*_all.deb 2>/dev/null | head -n 1)}
[ -f "$deb" ] || { echo "check-package.sh: no package; build it with mvn -B -pl packaging/debian -am package -DskipTests" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# lintian prints E: and W: lines for errors and warnings; I: (information) lines are allowed.
lintian --tag-display-limit 0 "$deb" > "$tmp/lintian.txt" 2>&1 || true
cat "$tmp/lintian.txt"
if grep -qE '^(E|W): ' "$tmp/lintian.txt"; then
  echo "check-package.sh: lintian reports errors or warnings" >&2
  exit 1
fi
echo "lintian: no error, no warning"

dpkg-deb -x "$deb" "$tmp/root"
# verify --root resolves ExecStart= (/usr/bin/tidegate, a relative link in the package) in the unpacked package;
# the units it depends on (sysinit.target, network-online.target ...) come from this machine's systemd.
cp -rn /lib/systemd/system/. "$tmp/root/lib/systemd/system/"
MANPATH="$tmp/root/usr/share/man" systemd-analyze verify --root="$tmp/root" \
  "$tmp/root/lib/systemd/system/tidegate.service" "$tmp/root/lib/systemd/system/tidegate-firstboot.service" \
  > "$tmp/verify.txt" 2>&1 || { cat "$tmp/verify.txt"; echo "check-package.sh: systemd-analyze verify failed" >&2; exit 1; }
if [ -s "$tmp/verify.txt" ]; then
  cat "$tmp/verify.txt"
  echo "check-package.sh: systemd-analyze verify is not silent" >&2
  exit 1
fi
echo "systemd-analyze verify: silent"

systemd-analyze security --offline=yes --root="$tmp/root" "$tmp/root/lib/systemd/system/tidegate.service" \
  > "$tmp/security.txt" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for tidegate.service: \([0-9.]*\).*/\1/p' "$tmp/security.txt")
[ -n "$exposure" ] || { cat "$tmp/security.txt"; echo "check-package.sh: no exposure level" >&2; exit 1; }
echo "systemd-analyze security --offline=yes: exposure $exposure (limit 4.0)"
awk -v e="$exposure" 'BEGIN { exit !(e <= 4.0) }' || { grep '✗' "$tmp/security.txt" || true; exit 1; }
echo "package checks passed"
