#!/usr/bin/env bash
# demo.sh: the README's main job. Starts a local Mosquitto on a free loopback port, the gateway
# (event clock, so three simulated days take seconds), a listener playing the operations centre
# that prints the alerts arriving upstream, decoded, as they come, and a simulated fleet of
# households in which water use stops in some homes. Ends with the score against ground truth.
# Options: HOUSEHOLDS (default 40), DAYS (default 3), SEED (default 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh >/dev/null

households=${HOUSEHOLDS:-40}
days=${DAYS:-3}
seed=${SEED:-7}
work=$(mktemp -d /tmp/edgegw-demo-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
port=$((20000 + RANDOM % 20000))
until port_free "$port"; do port=$((20000 + RANDOM % 20000)); done
url="tcp://127.0.0.1:$port"

mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
{
  [ "$(id -u)" -eq 0 ] && echo "user root"
  echo "listener $port 127.0.0.1"
  echo "allow_anonymous true"
  echo "max_queued_messages 0"
} > "$work/mosquitto.conf"
"$mosquitto_bin" -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do port_free "$port" || break; sleep 0.1; done
echo "== mosquitto on $url"

sim=(./build/bin/fleetsim run --households "$households" --days "$days" --seed "$seed"
     --facades 4 --inventory "$work/site.toml" --truth "$work/truth.jsonl")
"${sim[@]}" --quiet  # generate only: the site inventory the gateway needs, and the truth

cat > "$work/edgegw.toml" <<TOML
gateway_id = "gw-demo"
clock = "event"
data_dir = "$work/data"
inventory = "site.toml"
[ingest]
url = "$url"
[uplink]
url = "$url"
TOML
./build/bin/edgegw run --config "$work/edgegw.toml" > "$work/edgegw.log" 2>&1 &
pids+=($!)
echo "== edgegw running (log: $work/edgegw.log)"

echo "== upstream: alerts as they arrive (decoded AlertBatch FlatBuffers)"
./build/bin/fleetsim listen --upstream "$url" --out "$work/alerts.bin" &
pids+=($!)
sleep 1

echo "== fleetsim: $households households, $days days, accelerated event time"
"${sim[@]}" --broker "$url" --quiet
sleep 5  # let the last alerts arrive

echo "== score against the injected ground truth"
./build/bin/fleetsim score --truth "$work/truth.jsonl" --alerts "$work/alerts.bin"
