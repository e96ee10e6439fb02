#!/usr/bin/env bash
# check-package.sh DEB...: installs each edgegw .deb on a fresh Debian 12 root as a box owner
# would (`dpkg -i`, then `apt-get -f install` for its dependencies) and checks what the package
# promises: files, the edgegw user, permissions, conffiles, the local broker's users and ACL,
# `edgegw config check` on the installed config, and `edgegw run` with the installed config
# against the installed Mosquitto (Debian's mosquitto.conf + conf.d/edgegw.conf): a reading
# published by a bridge with its generated password reaches the gateway. Then purge.
# The root is fresh-machine-check's cached minimal Debian 12 (debootstrap), in its own network
# namespace. No systemd runs there. A foreign-architecture .deb (arm64) gets the same checks
# when binfmt_misc runs its binaries (qemu-user-static's handler: its edgegw, Mosquitto and
# mosquitto_passwd run under qemu in the root); in any case its dependencies are resolved
# against Debian 12's arm64 archive (apt-get -s) and its contents and control files are
# compared with the native package's (the first argument must then be the native one).
# Needs root.
set -euo pipefail
base=/var/cache/fresh-machine-check/bookworm-minbase.tar.gz
[ -s "$base" ] || { echo "check-package: no $base (run ../shared/tools/fresh-machine-check once)"; exit 1; }
native=$(dpkg --print-architecture)
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }

root=""
cleanup() {
  [ -n "$root" ] || return 0
  for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

new_root() {
  cleanup
  root=$(mktemp -d /tmp/package-root.XXXX)
  tar -C "$root" -xzf "$base"
  # After tar, which gives the root's / the mode of debootstrap's mktemp directory (0700): a
  # box's / is 0755, and the edgegw user (and apt's _apt) must reach /usr/bin through it.
  chmod 0755 "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
}
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
expect_mode() {  # path owner:group mode
  local got
  got=$(in_root stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || fail "$1 is $got, expected $2 $3"
}

# Installs and runs DEB (native, or foreign when the kernel runs its binaries: binfmt_misc).
check_install() {
  local deb=$1 arch
  arch=$(dpkg-deb -f "$deb" Architecture)
  new_root
  cp "$deb" "$root/tmp/edgegw.deb"
  [ "$arch" = "$native" ] || in_root dpkg --add-architecture "$arch"
  in_root apt-get update -qq
  in_root dpkg -i /tmp/edgegw.deb >/dev/null 2>&1 || true  # its dependencies are missing
  in_root apt-get -f install -y -qq --no-install-recommends >/dev/null
  in_root dpkg-query -W -f='${Status}\n' edgegw | grep -qx 'install ok installed' ||
    fail "edgegw is not installed"
  for p in edgegw mosquitto; do  # what runs below is the package's architecture
    [ "$(in_root dpkg-query -W -f='${Architecture}' "$p")" = "$arch" ] || fail "$p is not $arch"
  done

  for f in /usr/bin/edgegw /usr/bin/fleetsim /usr/lib/systemd/system/edgegw.service \
           /etc/edgegw/edgegw.toml /etc/mosquitto/conf.d/edgegw.conf /etc/mosquitto/edgegw.acl \
           /usr/share/doc/edgegw/README.md /usr/share/doc/edgegw/alert.fbs; do
    in_root test -f "$f" || fail "missing $f"
  done
  in_root getent passwd edgegw | grep -q ':/var/lib/edgegw:/usr/sbin/nologin$' ||
    fail "user edgegw: $(in_root getent passwd edgegw)"
  [ "$(in_root id -u edgegw)" -lt 1000 ] || fail "edgegw is not a system user"
  expect_mode /var/lib/edgegw edgegw:edgegw 750
  expect_mode /etc/edgegw/edgegw.toml root:edgegw 640
  expect_mode /etc/edgegw/ingest.password edgegw:edgegw 600
  expect_mode /etc/mosquitto/edgegw.passwd root:mosquitto 640
  expect_mode /etc/mosquitto/edgegw.acl root:mosquitto 640
  expect_mode /etc/mosquitto/edgegw-bridges root:root 700
  for u in edgegw wmbusmeters cjt188 zigbee2mqtt facade native; do
    in_root grep -q "^$u:" /etc/mosquitto/edgegw.passwd || fail "no broker user $u"
  done
  for b in wmbusmeters cjt188 zigbee2mqtt facade native; do
    expect_mode "/etc/mosquitto/edgegw-bridges/$b" root:root 600
  done
  conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' edgegw | awk 'NF {print $1}' | sort | tr '\n' ' ')
  [ "$conffiles" = "/etc/edgegw/edgegw.toml /etc/mosquitto/conf.d/edgegw.conf /etc/mosquitto/edgegw.acl " ] ||
    fail "conffiles: $conffiles"

  # The installer's step 1 (README): a gateway_id of its own.
  in_root sed -i 's/^gateway_id = "edgegw"/gateway_id = "gw-check-package"/' /etc/edgegw/edgegw.toml
  in_root runuser -u edgegw -- edgegw config check /etc/edgegw/edgegw.toml >/dev/null ||
    fail "edgegw config check /etc/edgegw/edgegw.toml"

  # The service as systemd would start it, against the installed broker, in a network namespace
  # of its own (port 1883 as configured). mosquitto-clients plays a bridge.
  in_root apt-get install -y -qq --no-install-recommends mosquitto-clients >/dev/null
  cat > "$root/tmp/run-check.sh" <<'SH'
set -eu
# What systemd does before it starts Mosquitto (the log and pid directories): the unit's own lines.
sed -n 's/^ExecStartPre=//p' /usr/lib/systemd/system/mosquitto.service | sh -e
mosquitto -c /etc/mosquitto/mosquitto.conf -d
gw=""
# Nothing started here outlives the check, passed or failed.
stop() { [ -z "$gw" ] || kill -KILL "$gw" 2>/dev/null || true; kill "$(cat /run/mosquitto/mosquitto.pid)" 2>/dev/null || true; }
trap stop EXIT
for i in $(seq 50); do mosquitto_sub -h 127.0.0.1 -u edgegw -P "$(cat /etc/edgegw/ingest.password)" \
  -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break; sleep 0.2; done
# As systemd starts it (User=edgegw, the unit's Environment= lines): setpriv and env exec the
# gateway itself, so `wait` gets its own exit status (runuser would stay its parent and re-raise
# the SIGTERM on itself).
setpriv --reuid=edgegw --regid=edgegw --init-groups -- \
  env $(sed -n 's/^Environment=//p' /usr/lib/systemd/system/edgegw.service) \
  edgegw run --config /etc/edgegw/edgegw.toml > /tmp/edgegw.log 2>&1 &
gw=$!
connected() { edgegw status --json 2>/dev/null | tr -d ' \n' | grep -q '"ingest":{[^}]*"connected":true'; }
for i in $(seq 100); do connected && break; sleep 0.2; done
connected || { echo "gateway did not connect:"; cat /tmp/edgegw.log /var/log/mosquitto/mosquitto.log; exit 1; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mosquitto_pub -h 127.0.0.1 -q 1 -u wmbusmeters -P "$(cat /etc/mosquitto/edgegw-bridges/wmbusmeters)" \
  -t wmbusmeters/33225544 -m "{\"_\":\"telegram\",\"media\":\"water\",\"meter\":\"iperl\",\"name\":\"Home\",\"id\":\"33225544\",\"total_m3\":123.529,\"max_flow_m3h\":0,\"timestamp\":\"$now\"}"
read_one() { edgegw status --json | tr -d ' \n' | grep -q '"readings":1,'; }
for i in $(seq 50); do read_one && break; sleep 0.2; done
read_one || { echo "the bridge's reading did not reach the gateway:"; edgegw status; cat /tmp/edgegw.log; exit 1; }
if mosquitto_pub -h 127.0.0.1 -q 1 -t wmbusmeters/1 -m x 2>/dev/null; then echo "anonymous publish accepted"; exit 1; fi
kill -TERM "$gw"
rc=0; wait "$gw" || rc=$?
gw=""
[ "$rc" = 0 ] || { echo "edgegw run exited $rc on SIGTERM:"; cat /tmp/edgegw.log; exit 1; }
SH
  unshare -n bash -c "ip link set lo up && chroot '$root' /usr/bin/env -i HOME=/root \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh /tmp/run-check.sh" ||
    fail "edgegw run with the installed config"

  in_root dpkg --purge edgegw >/dev/null
  in_root getent passwd edgegw >/dev/null && fail "purge left user edgegw"
  in_root test -e /etc/mosquitto/edgegw.passwd && fail "purge left the broker's passwords"
  echo "check-package: $(basename "$deb"): installs, files, user, permissions, conffiles, config check, runs against the installed broker, purges: OK"
}

# binfmt_misc's handler for ARCH, with the F flag (the interpreter opened when registered, so it
# also works inside the root): qemu-user-static registers it where systemd runs.
binfmt_runs() {
  local entry=/proc/sys/fs/binfmt_misc/qemu-$1
  [ "$1" = arm64 ] && entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
  [ "$1" = armhf ] && entry=/proc/sys/fs/binfmt_misc/qemu-arm
  [ -f "$entry" ] && grep -qx enabled "$entry" && grep -q '^flags: .*F' "$entry"
}

check_foreign() {
  local deb=$1 reference=$2 arch
  arch=$(dpkg-deb -f "$deb" Architecture)
  new_root
  cp "$deb" "$root/tmp/edgegw.deb"
  in_root dpkg --add-architecture "$arch"
  in_root apt-get update -qq
  in_root apt-get install -s -y --no-install-recommends /tmp/edgegw.deb > "$root/tmp/plan" ||
    fail "$(basename "$deb"): dependencies cannot be resolved on Debian 12 $arch"
  grep -q "^Inst edgegw:$arch " "$root/tmp/plan" || fail "$(basename "$deb"): apt would not install it"
  for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | awk '{print $1}'); do
    grep -qE "^Inst $p(:$arch)? " "$root/tmp/plan" || in_root dpkg -s "$p" >/dev/null 2>&1 ||
      fail "$(basename "$deb"): $p would not be installed"
  done
  diff <(dpkg-deb -c "$deb" | awk '{print $1, $6}' | sort) \
       <(dpkg-deb -c "$reference" | awk '{print $1, $6}' | sort) ||
    fail "$(basename "$deb") and $(basename "$reference") differ in files or modes"
  for f in postinst prerm postrm conffiles; do
    cmp -s <(dpkg-deb -I "$deb" "$f") <(dpkg-deb -I "$reference" "$f") ||
      fail "$(basename "$deb"): $f differs from $(basename "$reference")'s"
  done
  file_type=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/edgegw | file -)
  echo "$file_type" | grep -q 'ARM aarch64' || [ "$arch" != arm64 ] || fail "edgegw: $file_type"
  echo "check-package: $(basename "$deb"): $arch dependencies resolve on Debian 12 ($(grep -c '^Inst' "$root/tmp/plan") packages), same files, modes and maintainer scripts as $(basename "$reference"): OK"
}

[ $# -ge 1 ] || { echo "usage: check-package.sh NATIVE.deb [FOREIGN.deb...]"; exit 2; }
first=$(realpath "$1")
[ "$(dpkg-deb -f "$first" Architecture)" = "$native" ] || fail "$1 is not a $native package"
check_install "$first"
shift
for deb in "$@"; do
  deb=$(realpath "$deb")
  arch=$(dpkg-deb -f "$deb" Architecture)
  if binfmt_runs "$arch"; then
    check_install "$deb"  # its edgegw, mosquitto and maintainer scripts run under qemu
  else
    echo "check-package: no binfmt_misc handler for $arch: its binaries cannot run in the root"
  fi
  check_foreign "$deb" "$first"
done
