#!/bin/sh
# Runs the packaged gateway in an arm64 Debian chroot under qemu-user emulation (needs root, ~6 min the
# first time, ~470 MB). Not part of CI's default run; see shared notes on ARM emulation.
#   deploy-arm/check-arm64.sh [ROOTFS_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
rootfs=${1:-/var/tmp/tidegate-arm64-rootfs}
apt-get install -y -qq debootstrap qemu-user-static binfmt-support >/dev/null
mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable qemu-aarch64
if [ ! -x "$rootfs/usr/bin/java" ]; then
  debootstrap --arch=arm64 --foreign --variant=minbase bookworm "$rootfs"
  chroot "$rootfs" /debootstrap/debootstrap --second-stage
fi
cleanup() { for m in dev sys proc; do umount "$rootfs/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$rootfs/proc"; mount -t sysfs sys "$rootfs/sys"; mount --bind /dev "$rootfs/dev"
[ -x "$rootfs/usr/bin/java" ] || chroot "$rootfs" sh -c 'apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null'
"$root/deploy-arm/package.sh"
rm -rf "$rootfs/opt/tidegate" && tar -C "$rootfs/opt" -xzf "$root"/deploy-arm/target/tidegate-*.tar.gz
chroot "$rootfs" uname -m
chroot "$rootfs" /opt/tidegate/bin/tidegate version
chroot "$rootfs" /opt/tidegate/bin/tidegate validate --home /opt/tidegate/config/examples/riverside
# A short real run: provision an identity, boot the OSGi runtime, open the SQLite store (native aarch64
# library from sqlite-jdbc), and stop cleanly. The broker address is unreachable on purpose.
chroot "$rootfs" sh -c 'rm -rf /tmp/gw /tmp/cloud.* &&
  /opt/tidegate/bin/tidegate keygen --out /tmp/cloud &&
  /opt/tidegate/bin/tidegate provision --home /tmp/gw --id gw-arm64 --broker tcp://127.0.0.1:1 --cloud-key /tmp/cloud.pub.pem &&
  /opt/tidegate/bin/tidegate run --home /tmp/gw --duration 40s --log-level info'
grep -q "OSGi runtime up" "$rootfs/tmp/gw/logs/tidegate.log"
grep -q "store: opened" "$rootfs/tmp/gw/logs/tidegate.log"
grep -q "OSGi runtime stopped" "$rootfs/tmp/gw/logs/tidegate.log"
grep -E "OSGi runtime up|started in" "$rootfs/tmp/gw/logs/tidegate.log"
echo "arm64 check passed"
