#!/bin/sh
# Installs tidegate from /opt/tidegate on a Debian-family board (run as root after unpacking the tarball).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v java >/dev/null || { echo "install.sh: install a Java 17 runtime first: apt-get install openjdk-17-jre-headless" >&2; exit 1; }
id tidegate >/dev/null 2>&1 || useradd --system --home-dir /var/lib/tidegate --shell /usr/sbin/nologin tidegate
getent group gpio >/dev/null || groupadd --system gpio
usermod -a -G dialout,gpio tidegate
install -d -m 0750 -o tidegate -g tidegate /var/lib/tidegate /var/lib/tidegate/profiles /var/lib/tidegate/devices
install -d -m 0700 -o tidegate -g tidegate /var/lib/tidegate/keys
ln -sf "$here/bin/tidegate" /usr/local/bin/tidegate
install -m 0644 "$here/tidegate.service" /etc/systemd/system/tidegate.service
[ -f /etc/default/tidegate ] || printf '# TIDEGATE_MQTT_PASSWORD=...\n' > /etc/default/tidegate
chmod 0600 /etc/default/tidegate
systemctl daemon-reload 2>/dev/null || true
echo "installed. Next: sudo -u tidegate tidegate provision --home /var/lib/tidegate --id GW --broker URL --cloud-key cloud.pub.pem"
echo "then add profiles/ and devices/, run tidegate validate --home /var/lib/tidegate, and systemctl enable --now tidegate"
