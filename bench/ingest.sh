#!/usr/bin/env bash
# bench/ingest.sh: edgegw against the floor, side by side, in one run. Owns the whole run: its
# own Mosquitto with the shipped configuration (deploy/mosquitto/edgegw.conf and edgegw.acl,
# only the port and file paths replaced, as tests/integration/test_local_broker.cpp does), a
# config and inventory for the N meters, and phases, the first three each first for
# bench_bare_subscriber (the gateway's MQTT session, counting and discarding) and then for the
# real `edgegw run`:
#   live:    N meters x R rounds published as fast as possible (QoS 0 by default, delivered at
#            QoS 1 as the shipped broker does), consumer connected;
#   storm:   every message raises or clears an S2 meter alarm (one alert per message);
#   backlog: consumer stopped, R rounds published at QoS 1 into its persistent session, then
#            started: time to drain;
#   restart: (edgegw only, not in the default phases) time from `edgegw run` to serving with an
#            empty database, then with N meters' checkpoint (after a clean stop, after kill -9);
#   latency: (edgegw only, not in the default phases) alerts' publish-to-upstream latency, p50
#            and p99, under a paced background (--latency-rate, default 10,000/s), one message
#            in 1,000 raising an alert; uplink linger_ms at its default (20) and at 0.
# Measures CPU seconds per message (utime+stime between the first and the last message), messages
# per second, peak RSS (VmHWM), and prints a markdown table with edgegw/bare ratios.
#
#   bench/ingest.sh [--meters N] [--rounds R] [--quick] [--qos 0|1] [--checkpoint-s S]
#                   [--storm-meters N] [--storm-rounds R] [--live-rate MSG_PER_S]
#                   [--phases live,storm,backlog,restart,latency] [--keep]
#                   [--latency-rate MSG_PER_S] [--latency-s S] [--meters-per-household K]
#
# --meters-per-household K lists K meters per household (default 1: N households; 2 gives the
# issue's sizing of about 50,000 households at 100,000 sensors). --quick is --meters 10000
# --rounds 10. --live-rate paces the live publisher (default: as fast
# as the broker takes them, which outruns edgegw: bench/README.md). Needs build/bin/edgegw
# (EDGEGW=...) and build-bench/bin/bench_{publish,bare_subscriber,alert_latency} (BENCH_BIN=...).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
EDGEGW=${EDGEGW:-$REPO/build/bin/edgegw}
BENCH_BIN=${BENCH_BIN:-$REPO/build-bench/bin}
BARE=${BARE:-bench_bare_subscriber}  # or bench_bare_subscriber_c: the floor on Paho C directly
METERS=100000
METERS_PER_HOUSEHOLD=1
ROUNDS=10
QOS=0
CHECKPOINT_S=1
STORM_METERS=
STORM_ROUNDS=2
SPACING_S=10
LIVE_RATE=0
LATENCY_RATE=10000
LATENCY_S=30
LATENCY_ALERT_EVERY=1000
PHASES=live,storm,backlog
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --meters) METERS=$2; shift 2 ;;
    --meters-per-household) METERS_PER_HOUSEHOLD=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --quick) METERS=10000; ROUNDS=10; shift ;;
    --qos) QOS=$2; shift 2 ;;
    --checkpoint-s) CHECKPOINT_S=$2; shift 2 ;;
    --storm-meters) STORM_METERS=$2; shift 2 ;;
    --storm-rounds) STORM_ROUNDS=$2; shift 2 ;;
    --live-rate) LIVE_RATE=$2; shift 2 ;;
    --latency-rate) LATENCY_RATE=$2; shift 2 ;;
    --latency-s) LATENCY_S=$2; shift 2 ;;
    --phases) PHASES=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "ingest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
STORM_METERS=${STORM_METERS:-$METERS}
for f in "$EDGEGW" "$BENCH_BIN/bench_publish" "$BENCH_BIN/$BARE" \
  "$BENCH_BIN/bench_alert_latency"; do
  [ -x "$f" ] || { echo "ingest.sh: missing $f (bench/README.md)" >&2; exit 2; }
done
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] || { echo "ingest.sh: mosquitto not installed" >&2; exit 2; }
command -v curl >/dev/null || { echo "ingest.sh: curl not installed" >&2; exit 2; }

WORK=$(mktemp -d /tmp/edgegw-bench-XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
now_ms() { date +%s%3N; }
CLK_TCK=$(getconf CLK_TCK)
# utime+stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15).
cpu_ticks() {
  local line rest
  read -r line <"/proc/$1/stat"
  rest=${line##*) }
  # shellcheck disable=SC2086  # the fields, split on spaces
  set -- $rest
  echo $((${12} + ${13}))
}
vm_hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
calc() { awk "BEGIN { printf \"%s\", $* }"; }
forget() {  # drops a pid from the cleanup list once it has been waited for
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
# One key=value from a line of key=value words.
field() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | tail -1; }

# --- the broker, as shipped -------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
B=$WORK/broker
mkdir -p "$B/conf.d"
replace() {  # replace FROM TO in the config: exactly one occurrence must be there
  [ "$(grep -cF -- "$1" "$B/conf.d/edgegw.conf")" = 1 ] ||
    { echo "ingest.sh: deploy/mosquitto/edgegw.conf lacks one '$1'" >&2; exit 1; }
  sed -i "s|$1|$2|" "$B/conf.d/edgegw.conf"
}
cp "$REPO/deploy/mosquitto/edgegw.conf" "$B/conf.d/edgegw.conf"
replace "listener 1883 127.0.0.1" "listener $PORT 127.0.0.1"
replace "/etc/mosquitto/edgegw.passwd" "$B/edgegw.passwd"
replace "/etc/mosquitto/edgegw.acl" "$B/edgegw.acl"
cp "$REPO/deploy/mosquitto/edgegw.acl" "$B/edgegw.acl"
: >"$B/edgegw.passwd"
for user in edgegw wmbusmeters; do
  pw=bench-$user-$RANDOM$RANDOM
  mosquitto_passwd -b "$B/edgegw.passwd" "$user" "$pw"
  (umask 077; echo "$pw" >"$WORK/$user.password")
done
# What Debian's /etc/mosquitto/mosquitto.conf gives on a box (root: the mosquitto user could
# not write the temp dir).
{
  [ "$(id -u)" = 0 ] && echo "user root"
  echo "persistence_location $B/"
  echo "include_dir $B/conf.d"
} >"$B/mosquitto.conf"
"$MOSQUITTO" -c "$B/mosquitto.conf" >"$B/mosquitto.log" 2>&1 &
BROKER=$!
PIDS+=("$BROKER")
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { cat "$B/mosquitto.log" >&2; exit 1; }
URL=tcp://127.0.0.1:$PORT
SUB=(--url "$URL" --user edgegw --password-file "$WORK/edgegw.password")
PUB=(--url "$URL" --user wmbusmeters --password-file "$WORK/wmbusmeters.password"
     --spacing-s "$SPACING_S")

# --- the gateway's config: METERS_PER_HOUSEHOLD meters in each household -----------------------
awk -v n="$METERS" -v k="$METERS_PER_HOUSEHOLD" 'BEGIN { for (i = 0; i < n; i += k) {
  printf "[[household]]\nid = \"hh-%06d\"\nmeters = [", i / k
  for (j = i; j < i + k && j < n; j++) printf "%s\"%08d\"", (j > i ? ", " : ""), 10000000 + j
  printf "]\nliving_alone = true\nutc_offset = \"+08:00\"\n\n" } }' \
  >"$WORK/inventory.toml"
gateway_config() {  # gateway_config ID -> path of its config
  cat >"$WORK/$1.toml" <<EOF
# bench/ingest.sh: the shipped defaults except ids, brokers and checkpoint_interval_s.
gateway_id = "$1"
clock = "wall"
data_dir = "$WORK/$1"
checkpoint_interval_s = $CHECKPOINT_S
inventory = "inventory.toml"
[ingest]
url = "$URL"
username = "edgegw"
password_file = "$WORK/edgegw.password"
[uplink]
url = "$URL"
username = "edgegw"
password_file = "$WORK/edgegw.password"
EOF
  "$EDGEGW" config check "$WORK/$1.toml" >/dev/null
  echo "$WORK/$1.toml"
}
# Sum of a metric's samples (all label sets) from the gateway's status socket; 0 before it serves.
metric() {
  local text
  text=$(curl -s --max-time 5 --unix-socket "$WORK/$1/edgegw.sock" http://localhost/metrics) ||
    text=""
  awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $2 } END { printf "%d", s }' \
    <<<"$text"
}
# The gateway runs with the environment the shipped unit gives it (its Environment= lines).
mapfile -t UNIT_ENV < <(sed -n 's/^Environment=//p' "$REPO/deploy/edgegw.service")
start_gateway() {  # start_gateway ID: sets GW
  env "${UNIT_ENV[@]}" "$EDGEGW" run --config "$WORK/$1.toml" --data-dir "$WORK/$1" >>"$WORK/$1.log" 2>&1 &
  GW=$!
  PIDS+=("$GW")
}
wait_connected() {  # wait_connected ID
  for _ in $(seq 600); do
    [ "$(metric "$1" edgegw_ingest_connected)" = 1 ] && return 0
    kill -0 "$GW" 2>/dev/null || { cat "$WORK/$1.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "ingest.sh: gateway $1 did not connect" >&2
  exit 1
}
stop_gateway() {
  kill -TERM "$GW"
  wait "$GW" || true
  forget "$GW"
}
clean_session() { "$BENCH_BIN/$BARE" "${SUB[@]}" --client-id "$1" --clean >/dev/null; }

# Polls the gateway until it handled $2 messages or stalled for 10 s after the publisher ended
# (a broker drop; 120 s while none came): sets G_COUNT, G_T_LAST (ms) and G_CPU_LAST (ticks) at
# the poll that saw the last message, and G_HWM_KB. $3: the publisher's pid, or empty when
# nothing is being published (backlog).
watch_gateway() {
  local id=$1 expect=$2 pub=${3:-} m t c
  G_COUNT=0 G_T_LAST=0 G_CPU_LAST=0
  local last_change stall
  last_change=$(now_ms)
  while true; do
    sleep 0.2
    m=$(metric "$id" edgegw_messages_total)
    t=$(now_ms)
    c=$(cpu_ticks "$GW")
    if [ "$m" -gt "$G_COUNT" ]; then
      G_COUNT=$m G_T_LAST=$t G_CPU_LAST=$c last_change=$t
    fi
    [ "$G_COUNT" -ge "$expect" ] && break
    if [ -z "$pub" ] || ! kill -0 "$pub" 2>/dev/null; then
      stall=$((G_COUNT > 0 ? 10000 : 120000))
      [ $((t - last_change)) -gt "$stall" ] && break
    fi
  done
  G_HWM_KB=$(vm_hwm_kb "$GW")
}

# --- phases -----------------------------------------------------------------------------------
declare -A R  # results: R[phase.consumer.figure]
# run_live PHASE MODE METERS ROUNDS RATE: bare subscriber, then edgegw, same publisher run.
run_live() {
  local phase=$1 mode=$2 meters=$3 rounds=$4 rate=$5 total=$(($3 * $4)) out pub b0 b1
  log "$phase: bare subscriber, $meters meters x $rounds rounds ($mode, QoS $QOS)"
  rm -f "$WORK/ready"
  "$BENCH_BIN/$BARE" "${SUB[@]}" --client-id "bench-bare-$phase" \
    --expect "$total" --idle-exit-ms 15000 --ready-file "$WORK/ready" >"$WORK/bare-$phase.out" &
  local bare=$!
  PIDS+=("$bare")
  for _ in $(seq 500); do [ -e "$WORK/ready" ] && break; sleep 0.02; done
  b0=$(cpu_ticks "$BROKER")
  local t0
  t0=$(now_ms)
  "$BENCH_BIN/bench_publish" "${PUB[@]}" --meters "$meters" --rounds "$rounds" --qos "$QOS" \
    --mode "$mode" --rate "$rate" --client-id "bench-pub-$phase-bare" >"$WORK/pub-$phase-bare.out"
  wait "$bare"
  forget "$bare"
  b1=$(cpu_ticks "$BROKER")
  clean_session "bench-bare-$phase"
  out=$WORK/bare-$phase.out
  R[$phase.bare.count]=$(field "$out" count)
  R[$phase.bare.secs]=$(calc "($(field "$out" last_ms) - $t0) / 1000")
  R[$phase.bare.cpu]=$(field "$out" cpu_s)
  R[$phase.bare.hwm]=$(field "$out" vmhwm_kb)
  R[$phase.bare.broker_cpu]=$(calc "($b1 - $b0) / $CLK_TCK")
  R[$phase.bare.pub_rate]=$(field "$WORK/pub-$phase-bare.out" rate)
  R[$phase.published]=$total

  log "$phase: edgegw"
  local id=bench-$phase
  gateway_config "$id" >/dev/null
  start_gateway "$id"
  wait_connected "$id"
  b0=$(cpu_ticks "$BROKER")
  t0=$(now_ms)
  local c0
  c0=$(cpu_ticks "$GW")
  "$BENCH_BIN/bench_publish" "${PUB[@]}" --meters "$meters" --rounds "$rounds" --qos "$QOS" \
    --mode "$mode" --rate "$rate" --client-id "bench-pub-$phase-edgegw" \
    >"$WORK/pub-$phase-edgegw.out" &
  pub=$!
  PIDS+=("$pub")
  watch_gateway "$id" "$total" "$pub"
  wait "$pub"
  forget "$pub"
  b1=$(cpu_ticks "$BROKER")
  R[$phase.edgegw.count]=$G_COUNT
  R[$phase.edgegw.secs]=$(calc "($G_T_LAST - $t0) / 1000")
  # CPU from just before the publisher started (the gateway idle) to the last message seen.
  R[$phase.edgegw.cpu]=$(calc "($G_CPU_LAST - $c0) / $CLK_TCK")
  R[$phase.edgegw.hwm]=$G_HWM_KB
  R[$phase.edgegw.broker_cpu]=$(calc "($b1 - $b0) / $CLK_TCK")
  R[$phase.edgegw.pub_rate]=$(field "$WORK/pub-$phase-edgegw.out" rate)
  R[$phase.edgegw.alerts]=$(metric "$id" edgegw_alerts_total)
  R[$phase.edgegw.readings]=$(metric "$id" edgegw_readings_total)
  R[$phase.edgegw.rejected]=$(metric "$id" edgegw_rejected_total)
  R[$phase.edgegw.checkpoints]=$(calc "($G_T_LAST - $t0) / 1000 / $CHECKPOINT_S")
  # Alerts upstream: wait until the outbox is empty and every alert was acknowledged upstream.
  local sent=0 t_up=0
  for _ in $(seq 3000); do
    sent=$(metric "$id" edgegw_uplink_alerts_sent_total)
    [ "$sent" -ge "${R[$phase.edgegw.alerts]}" ] && [ "$(metric "$id" edgegw_outbox_depth)" = 0 ] &&
      { t_up=$(now_ms); break; }
    sleep 0.2
  done
  R[$phase.edgegw.sent]=$sent
  if [ "$t_up" = 0 ]; then
    R[$phase.edgegw.upstream_secs]=timeout
  else
    R[$phase.edgegw.upstream_secs]=$(calc "($t_up - $t0) / 1000")
  fi
  R[$phase.edgegw.outbox]=$(metric "$id" edgegw_outbox_depth)
  R[$phase.edgegw.evicted]=$(metric "$id" edgegw_outbox_evicted_total)
  stop_gateway
  clean_session "edgegw-$id-ingest"
}

# run_backlog METERS ROUNDS: each consumer's persistent session gets the rounds at QoS 1 while
# it is stopped; then it is started and drains them.
run_backlog() {
  local meters=$1 rounds=$2 total=$(($1 * $2)) out published
  log "backlog: bare subscriber, $meters meters x $rounds rounds at QoS 1 while it is stopped"
  rm -f "$WORK/ready"
  "$BENCH_BIN/$BARE" "${SUB[@]}" --client-id bench-bare-backlog \
    --ready-file "$WORK/ready" >/dev/null &
  local bare=$!
  PIDS+=("$bare")
  for _ in $(seq 500); do [ -e "$WORK/ready" ] && break; sleep 0.02; done
  kill -TERM "$bare"
  wait "$bare" || true
  forget "$bare"
  "$BENCH_BIN/bench_publish" "${PUB[@]}" --meters "$meters" --rounds "$rounds" --qos 1 \
    --client-id bench-pub-backlog-bare >"$WORK/pub-backlog-bare.out"
  "$BENCH_BIN/$BARE" "${SUB[@]}" --client-id bench-bare-backlog \
    --expect "$total" --idle-exit-ms 5000 >"$WORK/bare-backlog.out"
  clean_session bench-bare-backlog
  out=$WORK/bare-backlog.out
  R[backlog.published]=$total
  R[backlog.bare.count]=$(field "$out" count)
  R[backlog.bare.secs]=$(calc "($(field "$out" last_ms) - $(field "$out" start_ms)) / 1000")
  R[backlog.bare.cpu]=$(field "$out" cpu_s)
  R[backlog.bare.hwm]=$(field "$out" vmhwm_kb)
  R[backlog.bare.pub_rate]=$(field "$WORK/pub-backlog-bare.out" rate)

  log "backlog: edgegw"
  local id=bench-backlog
  gateway_config "$id" >/dev/null
  start_gateway "$id"
  wait_connected "$id"
  # What starting costs without a backlog (config, inventory, RocksDB, connect), taken off below.
  local startup
  startup=$(cpu_ticks "$GW")
  stop_gateway
  "$BENCH_BIN/bench_publish" "${PUB[@]}" --meters "$meters" --rounds "$rounds" --qos 1 \
    --client-id bench-pub-backlog-edgegw >"$WORK/pub-backlog-edgegw.out"
  local t0
  t0=$(now_ms)
  start_gateway "$id"
  watch_gateway "$id" "$total" ""
  R[backlog.edgegw.count]=$G_COUNT
  R[backlog.edgegw.secs]=$(calc "($G_T_LAST - $t0) / 1000")
  # CPU from the process start to the last message, less what the first start cost.
  R[backlog.edgegw.cpu]=$(calc "($G_CPU_LAST - $startup) / $CLK_TCK")
  R[backlog.edgegw.startup_cpu]=$(calc "$startup / $CLK_TCK")
  R[backlog.edgegw.hwm]=$G_HWM_KB
  R[backlog.edgegw.pub_rate]=$(field "$WORK/pub-backlog-edgegw.out" rate)
  R[backlog.edgegw.alerts]=$(metric "$id" edgegw_alerts_total)
  stop_gateway
  clean_session "edgegw-$id-ingest"
}

# Starts the gateway and polls its status socket every 10 ms: S_SERVE = ms from the start to
# the first answer (the socket serves once the checkpoint is restored and the database open),
# S_CONN = ms to edgegw_ingest_connected 1 (the ingest session subscribed), S_CPU = CPU s then.
time_to_serving() {
  local id=$1 t0 text
  S_SERVE=timeout S_CONN=timeout
  t0=$(now_ms)
  start_gateway "$id"
  for _ in $(seq 3000); do
    if text=$(curl -s --max-time 1 --unix-socket "$WORK/$id/edgegw.sock" \
      http://localhost/metrics 2>/dev/null); then
      [ "$S_SERVE" = timeout ] && S_SERVE=$(($(now_ms) - t0))
      if awk '$1 == "edgegw_ingest_connected" && $2 == 1 { f = 1 } END { exit !f }' \
        <<<"$text"; then
        S_CONN=$(($(now_ms) - t0))
        break
      fi
    fi
    kill -0 "$GW" 2>/dev/null || { cat "$WORK/$id.log" >&2; exit 1; }
    sleep 0.01
  done
  S_CPU=$(calc "$(cpu_ticks "$GW") / $CLK_TCK")
}
# run_restart METERS: edgegw only: a start on an empty database, then N meters' readings (one
# each) to fill the checkpoint, then a clean restart and a restart after kill -9 (same boot:
# no power-cut path), each timed from `edgegw run` to serving.
run_restart() {
  local meters=$1 id=bench-restart kind
  gateway_config "$id" >/dev/null
  log "restart: edgegw, empty database, then $meters meters of checkpoint"
  time_to_serving "$id"
  R[restart.empty.serve]=$S_SERVE R[restart.empty.conn]=$S_CONN R[restart.empty.cpu]=$S_CPU
  stop_gateway
  rm -rf "${WORK:?}/$id"
  clean_session "edgegw-$id-ingest"
  start_gateway "$id"
  wait_connected "$id"
  "$BENCH_BIN/bench_publish" "${PUB[@]}" --meters "$meters" --rounds 1 \
    --client-id bench-pub-restart >/dev/null &
  local pub=$!
  PIDS+=("$pub")
  watch_gateway "$id" "$meters" "$pub"
  wait "$pub" || true
  forget "$pub"
  R[restart.filled]=$G_COUNT
  stop_gateway
  for kind in clean kill9; do
    time_to_serving "$id"
    R[restart.$kind.serve]=$S_SERVE R[restart.$kind.conn]=$S_CONN R[restart.$kind.cpu]=$S_CPU
    R[restart.$kind.sensors]=$(metric "$id" edgegw_sensors)
    if [ "$kind" = clean ]; then
      kill -KILL "$GW"
      wait "$GW" || true
      forget "$GW"
    else
      stop_gateway
    fi
  done
  R[restart.db_kb]=$(du -sk "$WORK/$id/db" | cut -f1)
  clean_session "edgegw-$id-ingest"
}

# run_latency METERS: edgegw only: alerts' publish-to-upstream latency under a paced background
# of LATENCY_RATE readings/s over the N meters (bench_alert_latency), linger_ms at its default
# and at 0.
run_latency() {
  local meters=$1 linger id
  for linger in default 0; do
    id=bench-latency-$linger
    gateway_config "$id" >/dev/null
    [ "$linger" = default ] || echo "linger_ms = $linger" >>"$WORK/$id.toml"  # [uplink] is last
    log "latency: edgegw, linger_ms $linger, $LATENCY_RATE readings/s for $LATENCY_S s"
    start_gateway "$id"
    wait_connected "$id"
    local c0
    c0=$(cpu_ticks "$GW")
    "$BENCH_BIN/bench_alert_latency" --url "$URL" \
      --pub-password-file "$WORK/wmbusmeters.password" \
      --sub-password-file "$WORK/edgegw.password" --uplink-topic "edgegw/$id/alerts" \
      --meters "$meters" --rate "$LATENCY_RATE" --seconds "$LATENCY_S" \
      --alert-every "$LATENCY_ALERT_EVERY" >"$WORK/latency-$linger.out"
    R[latency.$linger]=$(cat "$WORK/latency-$linger.out")
    R[latency.$linger.cpu]=$(calc "($(cpu_ticks "$GW") - $c0) / $CLK_TCK")
    R[latency.$linger.messages]=$(metric "$id" edgegw_messages_total)
    stop_gateway
    clean_session "edgegw-$id-ingest"
  done
}

log "work dir $WORK, broker $URL, edgegw $EDGEGW"
has_phase() { [[ ",$PHASES," == *",$1,"* ]]; }
if has_phase live; then run_live live normal "$METERS" "$ROUNDS" "$LIVE_RATE"; fi
if has_phase storm; then run_live storm storm "$STORM_METERS" "$STORM_ROUNDS" 0; fi
if has_phase backlog; then run_backlog "$METERS" "$ROUNDS"; fi
if has_phase restart; then run_restart "$METERS"; fi
if has_phase latency; then run_latency "$METERS"; fi

# --- the table --------------------------------------------------------------------------------
per_us() { calc "1e6 * $1 / ($2 + 1e-9)" | awk '{ printf "%.1f", $1 }'; }
rate() { calc "$1 / ($2 + 1e-9)" | awk '{ printf "%.0f", $1 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.1fx", a / b }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }
CPU_MODEL=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
echo
echo "### edgegw ingest vs a bare Paho subscriber"
echo
echo "Machine: $CPU_MODEL, nproc $(nproc), $(uname -r), Mosquitto $("$MOSQUITTO" -h 2>/dev/null | sed -n 's/^mosquitto version //p' | head -1),"
echo "edgegw $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?') ($EDGEGW). Publisher, broker and consumer share the machine."
pace="as fast as possible"
[ "$LIVE_RATE" = 0 ] || pace="paced at $LIVE_RATE/s"
has_phase live && echo "Live: $METERS meters x $ROUNDS rounds at QoS $QOS, $pace;" \
  "$(((METERS + METERS_PER_HOUSEHOLD - 1) / METERS_PER_HOUSEHOLD)) households of $METERS_PER_HOUSEHOLD meters."
has_phase storm && echo "Storm: $STORM_METERS x $STORM_ROUNDS, an S2 meter alarm raised or cleared by every message."
has_phase backlog && echo "Backlog: $METERS x $ROUNDS at QoS 1 into the stopped consumer's persistent session."
echo "checkpoint_interval_s = $CHECKPOINT_S (shipped: 10)."
if has_phase live || has_phase storm || has_phase backlog; then
  echo
  echo "| figure | bare subscriber | edgegw | edgegw/bare |"
  echo "|---|---|---|---|"
fi
for p in live storm backlog; do
  has_phase "$p" || continue
  n=${R[$p.published]}
  printf '| **%s**: messages received / published | %s / %s | %s / %s | |\n' "$p" \
    "${R[$p.bare.count]}" "$n" "${R[$p.edgegw.count]}" "$n"
  row "$p: messages/s" "$(rate "${R[$p.bare.count]}" "${R[$p.bare.secs]}")" \
    "$(rate "${R[$p.edgegw.count]}" "${R[$p.edgegw.secs]}")"
  row "$p: CPU us per message" "$(per_us "${R[$p.bare.cpu]}" "${R[$p.bare.count]}")" \
    "$(per_us "${R[$p.edgegw.cpu]}" "${R[$p.edgegw.count]}")"
  row "$p: peak RSS, MB (VmHWM)" "$(mb "${R[$p.bare.hwm]}")" "$(mb "${R[$p.edgegw.hwm]}")"
  if [ "$p" != backlog ]; then
    row "$p: broker CPU us per message" "$(per_us "${R[$p.bare.broker_cpu]}" "${R[$p.bare.count]}")" \
      "$(per_us "${R[$p.edgegw.broker_cpu]}" "${R[$p.edgegw.count]}")"
  else
    row "backlog: drain time, s (consumer start to last message)" \
      "$(calc "${R[backlog.bare.secs]}" | awk '{ printf "%.1f", $1 }')" \
      "$(calc "${R[backlog.edgegw.secs]}" | awk '{ printf "%.1f", $1 }')"
  fi
  printf '| %s: publisher, messages/s | %s | %s | |\n' "$p" "${R[$p.bare.pub_rate]}" \
    "${R[$p.edgegw.pub_rate]}"
done
echo
if has_phase live; then
  echo "edgegw live: ${R[live.edgegw.readings]} readings, ${R[live.edgegw.rejected]} rejected," \
    "${R[live.edgegw.alerts]} alerts; ${R[live.edgegw.checkpoints]} checkpoint intervals."
fi
if has_phase storm; then
  echo "edgegw storm: ${R[storm.edgegw.alerts]} alerts stored for ${R[storm.edgegw.count]}" \
    "messages, ${R[storm.edgegw.sent]} acknowledged upstream (all of them" \
    "${R[storm.edgegw.upstream_secs]} s after the first publish), outbox" \
    "${R[storm.edgegw.outbox]}, evicted ${R[storm.edgegw.evicted]}."
fi
if has_phase restart; then
  echo
  echo "Restart: edgegw run to serving, $(((METERS + METERS_PER_HOUSEHOLD - 1) / METERS_PER_HOUSEHOLD)) households in the inventory; the checkpoint of" \
    "${R[restart.filled]} meters (database $((${R[restart.db_kb]} / 1024)) MB), polled every 10 ms."
  echo
  echo "| start | to the status socket's first answer, ms | to ingest subscribed, ms | CPU s by then | sensors restored |"
  echo "|---|---|---|---|---|"
  for k in empty clean kill9; do
    case $k in
      empty) what="empty database" ;;
      clean) what="after a clean stop" ;;
      kill9) what="after kill -9" ;;
    esac
    printf '| %s | %s | %s | %s | %s |\n' "$what" "${R[restart.$k.serve]}" "${R[restart.$k.conn]}" \
      "${R[restart.$k.cpu]}" "${R[restart.$k.sensors]:-0}"
  done
fi
if has_phase latency; then
  echo
  echo "Alert latency: $LATENCY_RATE readings/s of $METERS meters for $LATENCY_S s, one in" \
    "$LATENCY_ALERT_EVERY the first reading of a new meter with an alarm (one S2 alert each);" \
    "from its publish to the AlertBatch's arrival on the uplink topic (same broker)."
  echo
  for l in default 0; do
    echo "- linger_ms $l: ${R[latency.$l]} (edgegw handled ${R[latency.$l.messages]} messages," \
      "$(per_us "${R[latency.$l.cpu]}" "${R[latency.$l.messages]}") us CPU each)"
  done
fi
if has_phase backlog; then
  echo "edgegw backlog: start-up without a backlog ${R[backlog.edgegw.startup_cpu]} CPU s," \
    "taken off the per-message figure; ${R[backlog.edgegw.alerts]} alerts."
fi
