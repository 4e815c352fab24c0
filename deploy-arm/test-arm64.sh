#!/bin/sh
# The field install, end to end, on arm64 under qemu-user emulation (needs root; ~15 min the first time, ~1 GB):
#   1. an arm64 Debian bookworm root file system (debootstrap, cached as a tarball; every run starts from a
#      fresh copy of it), 2. `apt install ./tidegate_*_all.deb`, which brings OpenJDK 17 (arm64 .debs cached),
#   3. `tidegate provision` as root, as a technician would, 4. the gateway as the service user against the
#   power-meter simulator (Modbus TCP) and mosquitto on the host's loopback, 5. sealed telemetry arrives and
#   opens (`tidegate receive` on the host), 6. with the broker down the queue fills, 7. an upgrade to a
#   rebuilt package keeps configuration, keys and queue, and the queue then drains, 8. `apt purge` removes the
#   state. Prints the timing of every step.
#   deploy-arm/test-arm64.sh            (TIDEGATE_ARM64_CACHE=/var/tmp/tidegate-arm64 by default)
#   deploy-arm/test-arm64.sh --fresh    (forget the cached root file system and .debs first)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${TIDEGATE_ARM64_CACHE:-/var/tmp/tidegate-arm64}
[ "${1:-}" = "--fresh" ] && rm -rf "$cache"
[ "$(id -u)" = 0 ] || { echo "test-arm64.sh: run as root (debootstrap, chroot, mounts)" >&2; exit 2; }
mkdir -p "$cache/apt-archives/partial"
root="$cache/root"
work=$(mktemp -d /tmp/tidegate-arm64.XXXXXX)
chmod 755 "$work"
broker_port=18883
sim_port=15020
t_start=$(date +%s)
timings="$work/timings"
: > "$timings"
step_t0=$t_start
step() { # step NAME: closes the previous step's timing
  now=$(date +%s)
  printf '%-52s %5d s\n' "$1" $((now - step_t0)) >> "$timings"
  echo "=== $1 done ($((now - step_t0)) s)"
  step_t0=$now
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for m in var/cache/apt/archives dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
  done
  echo "logs of this run: $work"
}
trap cleanup EXIT
fail() { echo "test-arm64.sh: FAILED: $*" >&2; exit 1; }

# ---- host tools ---------------------------------------------------------------------------------------------
apt-get install -y -qq --no-install-recommends debootstrap qemu-user-static binfmt-support mosquitto python3 >/dev/null
mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable qemu-aarch64
dist="$repo/launcher/target/tidegate"
deb1=$(ls -t "$repo"/packaging/debian/target/tidegate_*_all.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb1" ] || [ ! -x "$dist/bin/tidegate" ]; then
  (cd "$repo" && mvn -B -q -o -pl packaging/debian -am package -DskipTests)
  deb1=$(ls -t "$repo"/packaging/debian/target/tidegate_*_all.deb | head -n 1)
fi
cp "$deb1" "$work/"
deb1="$work/$(basename "$deb1")"
# The host's tools (keygen, simulate, receive) run from a copy: the upgrade step rebuilds the distribution.
mkdir -p "$work/host" && cp -r "$dist/bin" "$dist/lib" "$work/host/" && dist="$work/host"
step "host tools, package $(basename "$deb1")"

# ---- the root file system: cached tarball of a fresh debootstrap ------------------------------------------
base="$cache/bookworm-arm64-minbase.tar"
if [ ! -f "$base" ]; then
  rm -rf "$cache/debootstrap"
  debootstrap --arch=arm64 --foreign --variant=minbase bookworm "$cache/debootstrap" >/dev/null
  chroot "$cache/debootstrap" /debootstrap/debootstrap --second-stage >/dev/null
  tar -C "$cache/debootstrap" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$cache/debootstrap"
  step "debootstrap arm64 bookworm (not cached yet)"
fi
rm -rf "$root" && mkdir -p "$root" && tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"; mount -t sysfs sys "$root/sys"; mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" 2>/dev/null || true
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
[ "$(in_root uname -m)" = aarch64 ] || fail "the chroot does not run arm64 code"
step "fresh arm64 root file system from the cache"

# ---- install ---------------------------------------------------------------------------------------------
cp "$deb1" "$root/root/"
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends '"/root/$(basename "$deb1")"' >/root/apt-install.log 2>&1' \
  || { tail -20 "$root/root/apt-install.log"; fail "apt install"; }
in_root java -version 2>&1 | sed -n 1p
in_root id tidegate | tee "$work/id.txt"
grep -q dialout "$work/id.txt" && grep -q gpio "$work/id.txt" || fail "tidegate is not in dialout and gpio"
in_root readlink /usr/bin/tidegate
in_root tidegate version | tee "$work/version1.txt"   # through the /usr/bin link
step "apt install the package + OpenJDK 17 (arm64)"

# ---- provision as root, as the README says ----------------------------------------------------------------
"$dist/bin/tidegate" keygen --out "$work/cloud" >/dev/null
cp "$work/cloud.pub.pem" "$root/root/cloud.pub.pem"
in_root tidegate provision --home /etc/tidegate --id gw-arm64 --broker "tcp://127.0.0.1:$broker_port" \
  --cloud-key /root/cloud.pub.pem | tee "$work/provision.txt"
grep -q "SM3 fingerprint" "$work/provision.txt" || fail "provision printed no fingerprint"
owner=$(in_root stat -L -c %U /etc/tidegate/keys/gateway.key.pem)
[ "$owner" = tidegate ] || fail "the private key belongs to $owner, not tidegate"
cat > "$root/etc/tidegate/devices/pm-001.json" <<EOF
{ "id": "pm-001", "profile": "power-meter-3p", "pollIntervalMs": 1000, "timeoutMs": 2000, "retries": 1,
  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": $sim_port, "unit": 2 } }
EOF
cp "$root/usr/share/tidegate/examples/riverside/profiles/power-meter-3p.json" "$root/etc/tidegate/profiles/"
in_root chown -R tidegate: /etc/tidegate/devices /etc/tidegate/profiles
in_root tidegate validate --home /etc/tidegate | tee "$work/validate.txt"
grep -q "file access checked for user tidegate" "$work/validate.txt" || fail "validate did not check for the service user"
step "provision (root) + one Modbus TCP device + validate"

# ---- real GPIO: the gpiod plugin's arm64 natives load; no chip here, so a clean refusal ------------------------
set +e
in_root runuser -u tidegate -- tidegate gpio > "$work/gpio.txt" 2>&1
gpio_rc=$?
set -e
cat "$work/gpio.txt"
grep -q "gpiod native libraries: loaded" "$work/gpio.txt" || fail "the gpiod native libraries did not load on arm64"
[ "$gpio_rc" = 1 ] && grep -q "no GPIO chip under /dev" "$work/gpio.txt" || fail "tidegate gpio did not refuse cleanly without a chip"
step "tidegate gpio: arm64 natives load, no chip: clean refusal"

# ---- peers on the host's loopback ------------------------------------------------------------------------------
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" > "$work/mosquitto.conf"
start_broker() { mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & broker=$!; pids="$pids $broker"; sleep 1; }
start_broker
"$dist/bin/tidegate" simulate --tcp-port "$sim_port" > "$work/simulator.log" 2>&1 & pids="$pids $!"
mkdir -p "$work/trust"
cp "$root/var/lib/tidegate/keys/gateway.pub.pem" "$work/trust/gw-arm64.pub.pem"
receive() { # receive LOG: the cloud side, with a persistent session so nothing is missed between runs
  "$dist/bin/tidegate" receive --broker "tcp://127.0.0.1:$broker_port" --key "$work/cloud.key.pem" \
    --trust "$work/trust" --session cloud-arm64-test > "$1" 2>"$1.err" & receiver=$!; pids="$pids $receiver"
}
receive "$work/received1.jsonl"
gateway() { # gateway LOG: as the service user, as the unit runs it (JAVA_OPTS of the unit)
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/tidegate LANG=C.UTF-8 \
    JAVA_OPTS="-Xmx96m" \
    runuser -u tidegate -- tidegate run --home /etc/tidegate > "$1" 2>&1 & gw=$!; pids="$pids $gw"
}
wait_for() { # wait_for SECONDS FILE PATTERN
  n=0
  while [ "$n" -lt "$1" ]; do
    grep -q "$3" "$2" 2>/dev/null && return 0
    sleep 1; n=$((n + 1))
  done
  return 1
}
stop_gateway() { kill -TERM "$gw"; n=0; while kill -0 "$gw" 2>/dev/null && [ $n -lt 90 ]; do sleep 1; n=$((n+1)); done; }
step "broker, simulator, receiver on the host"

# ---- run: sealed telemetry arrives and opens -------------------------------------------------------------
gateway "$work/gateway1.log"
wait_for 300 "$work/gateway1.log" "running; started in" || { tail -30 "$work/gateway1.log"; fail "the gateway did not start"; }
grep -o "running; started in [0-9]* ms" "$work/gateway1.log" | tee "$work/startup.txt"
step "gateway start under emulation (as tidegate)"
wait_for 300 "$work/received1.jsonl" '"accepted":true,"sender":"gw-arm64","seq":"[0-9]*","type":"telemetry"' \
  || { tail -30 "$work/gateway1.log"; cat "$work/received1.jsonl.err"; fail "no sealed telemetry arrived"; }
grep -m1 '"type":"telemetry"' "$work/received1.jsonl" | cut -c1-300
grep -q '"accepted":false' "$work/received1.jsonl" && fail "the cloud refused a message"
rss=$(ps -o rss= -p "$(pgrep -f 'org.tidegate.launcher.Main run' | head -n 1)" | tr -d ' ')
echo "gateway RSS under emulation: $((rss / 1024)) MB" | tee -a "$work/startup.txt"
step "first sealed telemetry opened by the cloud"
stop_gateway

# ---- broker down: the queue fills ------------------------------------------------------------------------------
kill "$broker"; sleep 1
gateway "$work/gateway2.log"
wait_for 300 "$work/gateway2.log" "running; started in" || fail "the gateway did not start (broker down)"
sleep 30
stop_gateway
queued() {
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from message").fetchone()[0])' \
    "$root/var/lib/tidegate/data/queue.db"
}
q1=$(queued)
echo "queued while the broker was down: $q1 message(s)"
[ "$q1" -gt 0 ] || fail "nothing was queued while the broker was down"
step "30 s with the broker down: queue fills"

# ---- upgrade to a rebuilt package ----------------------------------------------------------------------------
(cd "$repo" && mvn -B -q -o -pl packaging/debian -am package -DskipTests) || fail "rebuilding the package"
deb2=$(ls -t "$repo"/packaging/debian/target/tidegate_*_all.deb | head -n 1)
[ "$deb2" != "$deb1" ] && [ "$(basename "$deb2")" != "$(basename "$deb1")" ] || fail "the rebuilt package has the same version"
cp "$deb2" "$root/root/"
sums() { in_root sh -c 'sha256sum /etc/tidegate/gateway.json /var/lib/tidegate/keys/gateway.key.pem /etc/tidegate/devices/pm-001.json'; }
sums > "$work/before.sha"
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /root/'"$(basename "$deb2")"' >/root/apt-upgrade.log 2>&1' \
  || { tail -20 "$root/root/apt-upgrade.log"; fail "apt upgrade"; }
in_root dpkg-query -W tidegate
sums > "$work/after.sha"
cmp "$work/before.sha" "$work/after.sha" || fail "the upgrade changed configuration or keys"
q2=$(queued)
[ "$q2" = "$q1" ] || fail "the upgrade changed the queue: $q1 -> $q2"
[ "$(in_root stat -c %U /var/lib/tidegate/data/queue.db)" = tidegate ] || fail "queue.db changed owner"
echo "after the upgrade: configuration and keys unchanged, $q2 message(s) still queued"
step "apt upgrade to the rebuilt package"

# ---- the queue drains after the upgrade ------------------------------------------------------------------------
start_broker
kill "$receiver" 2>/dev/null || true
receive "$work/received2.jsonl"
sleep 2
gateway "$work/gateway3.log"
wait_for 300 "$work/gateway3.log" "running; started in" || fail "the upgraded gateway did not start"
accepted() { c=$(grep -c '"accepted":true,"sender":"gw-arm64"' "$work/received2.jsonl" 2>/dev/null); echo "${c:-0}"; }
n=0
while [ "$(accepted)" -lt "$q1" ] && [ $n -lt 300 ]; do
  sleep 2; n=$((n + 2))
done
got=$(accepted)
echo "received after the upgrade: $got message(s) (queued: $q1)"
[ "$got" -ge "$q1" ] || fail "the queued messages did not all arrive"
stop_gateway
q3=$(queued)
echo "left in the queue after the drain: $q3 (before: $q1)"
[ "$q3" -lt "$q1" ] || fail "the queue did not drain"
step "upgraded gateway drains the queue"

# ---- purge ---------------------------------------------------------------------------------------------------
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq tidegate >/root/apt-purge.log 2>&1' || fail "apt purge"
[ ! -e "$root/var/lib/tidegate" ] && [ ! -e "$root/etc/tidegate" ] || fail "purge left state behind"
[ ! -e "$root/usr/bin/tidegate" ] || fail "purge left /usr/bin/tidegate"
step "apt purge removes /etc/tidegate and /var/lib/tidegate"

echo
echo "arm64 field install test passed ($(in_root uname -m), $(sed -n 1p "$work/version1.txt"))"
cat "$work/startup.txt"
printf '%-52s %5d s\n' "total" $(( $(date +%s) - t_start )) >> "$timings"
cat "$timings"
