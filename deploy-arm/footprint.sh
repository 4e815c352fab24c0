#!/bin/sh
# Footprint of the gateway on this machine (docs/performance.md, "Footprint on a board"): package size, start-up
# time, and resident memory idle (connected, no devices) and under the demo's field load (the simulators' radar
# level and power meter over Modbus TCP, 1 s polls, sealed to a local mosquitto), with the unit's
# JAVA_OPTS. The emulated arm64 figures come from deploy-arm/test-arm64.sh. Needs the built distribution and .deb.
#   deploy-arm/footprint.sh [SECONDS_UNDER_LOAD]     (default 60)
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
tg="$repo/launcher/target/tidegate/bin/tidegate"
load_s=${1:-60}
work=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$work"' EXIT
deb=$(ls -t "$repo"/packaging/debian/target/tidegate_*_all.deb | head -n 1)
echo "package: $(basename "$deb") $(du -k "$deb" | cut -f1) KiB, installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
port=$((20000 + $$ % 10000)); sim=$((port + 1))
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$work/m.conf"
mosquitto -c "$work/m.conf" >/dev/null 2>&1 & pids="$pids $!"
"$tg" simulate --tcp-port "$sim" >/dev/null 2>&1 & pids="$pids $!"
"$tg" keygen --out "$work/cloud" >/dev/null
rss() { ps -o rss= -p "$(pgrep -f "org.tidegate.launcher.Main run --home $1" | head -n 1)" | tr -d ' '; }
measure() { # measure NAME HOME SECONDS
  JOURNAL_STREAM=8:1 JAVA_OPTS="-Xmx96m -XX:TieredStopAtLevel=1 -Xss512k" "$tg" run --home "$2" > "$work/$1.log" 2>&1 &
  gw=$!; pids="$pids $gw"
  n=0; until grep -q "running; started in" "$work/$1.log" || [ $n -ge 120 ]; do sleep 1; n=$((n+1)); done
  started=$(grep -o "started in [0-9]* ms" "$work/$1.log")
  sleep "$3"
  echo "$1: $started; RSS after $3 s: $(( $(rss "$2") / 1024 )) MB"
  kill -TERM $gw; wait $gw 2>/dev/null || true
}
"$tg" provision --home "$work/idle" --id gw-idle --broker "tcp://127.0.0.1:$port" --cloud-key "$work/cloud.pub.pem" >/dev/null
measure idle "$work/idle" 30
"$tg" provision --home "$work/load" --id gw-load --broker "tcp://127.0.0.1:$port" --cloud-key "$work/cloud.pub.pem" >/dev/null
cp "$repo"/config/examples/riverside/profiles/radar-level.json "$repo"/config/examples/riverside/profiles/power-meter-3p.json "$work/load/profiles/"
for d in "wl-001 radar-level 1" "pm-001 power-meter-3p 2"; do
  set -- $d
  printf '{ "id": "%s", "profile": "%s", "pollIntervalMs": 1000, "timeoutMs": 500, "retries": 0,\n  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": %s, "unit": %s } }\n' \
    "$1" "$2" "$sim" "$3" > "$work/load/devices/$1.json"
done
"$tg" validate --home "$work/load" --quiet
measure "demo load (radar level + power meter, Modbus TCP, 1 s polls)" "$work/load" "$load_s"
