#!/bin/sh
# Packs the distribution for the boards: deploy-arm/target/tidegate-VERSION.tar.gz containing
# bin/, lib/ (pure Java plus sqlite-jdbc's and jSerialComm's native libraries for arm64 and armhf),
# the example configuration, the systemd unit and install.sh.
# tools/ (the demo and the benchmarks, with Moquette and its x86-only netty native, and j2mod) stays out unless
# --with-tools is given: a board runs the gateway; `tidegate demo` and `tidegate bench` then say tools/ is absent.
set -eu
with_tools=
case "${1:-}" in
  --with-tools) with_tools=1 ;;
  "") ;;
  *) echo "usage: deploy-arm/package.sh [--with-tools]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
dist="$root/launcher/target/tidegate"
if [ ! -x "$dist/bin/tidegate" ]; then
  (cd "$root" && mvn -B -q -Dmaven.test.skip=true install)
fi
version=$(ls "$dist/lib" | sed -n 's/^tidegate-launcher-\(.*\)\.jar$/\1/p')
out="$root/deploy-arm/target"
stage="$out/stage/tidegate"
rm -rf "$out/stage" && mkdir -p "$stage"
cp -r "$dist/bin" "$dist/lib" "$stage/"
if [ -n "$with_tools" ]; then
  cp -r "$dist/tools" "$stage/"
fi
mkdir -p "$stage/config" && cp -r "$root/config/examples" "$stage/config/"
cp "$root/deploy-arm/tidegate.service" "$root/deploy-arm/install.sh" "$root/README.md" "$stage/"
cp -r "$root/docs" "$stage/docs"
chmod +x "$stage/install.sh" "$stage/bin/tidegate"
tar -C "$out/stage" -czf "$out/tidegate-$version.tar.gz" tidegate
echo "$out/tidegate-$version.tar.gz ($(du -h "$out/tidegate-$version.tar.gz" | cut -f1))"
