#!/bin/sh
# Packs the distribution for the boards: deploy-arm/target/tidegate-VERSION.tar.gz containing
# bin/, lib/ (pure Java plus sqlite-jdbc's and jSerialComm's native libraries for arm64 and armhf),
# the example configuration, the systemd unit and install.sh.
set -eu
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
# lib/ also carries the lab broker (Moquette, ~6.6 MB) that `tidegate demo` uses; the gateway itself never
# starts it (it is not in the OSGi runtime), so it costs disk space only.
mkdir -p "$stage/config" && cp -r "$root/config/examples" "$stage/config/"
cp "$root/deploy-arm/tidegate.service" "$root/deploy-arm/install.sh" "$root/README.md" "$stage/"
cp -r "$root/docs" "$stage/docs"
chmod +x "$stage/install.sh" "$stage/bin/tidegate"
tar -C "$out/stage" -czf "$out/tidegate-$version.tar.gz" tidegate
echo "$out/tidegate-$version.tar.gz ($(du -h "$out/tidegate-$version.tar.gz" | cut -f1))"
