#!/usr/bin/env bash
# arm64.sh: the arm64 (aarch64) build, on an x86-64 Debian 12 machine, from Debian's own packages:
# crossbuild-essential-arm64, an arm64 sysroot made of Debian's arm64 -dev packages and their
# dependencies (apt-get download + dpkg -x, never installed: librocksdb-dev and libsimdjson-dev
# are not multi-arch co-installable), flatc native, qemu-user-static to run arm64 programs.
# Produces build-arm64/bin/{edgegw,fleetsim,unit_tests} for aarch64 and
# build-arm64/edgegw_<version>_arm64.deb, whose Depends come from dpkg-shlibdeps run against the
# sysroot's packages. Run as root (or with sudo). Idempotent: the sysroot is reused when its
# package list is unchanged. EDGEGW_CMAKE_ARGS is passed to cmake (e.g. a compiler launcher).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$PWD/build-arm64
sysroot=$out/sysroot
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# --- the build machine's tools -----------------------------------------------------------------
host_packages=(build-essential cmake pkg-config crossbuild-essential-arm64 qemu-user-static
               flatbuffers-compiler dpkg-dev file)
[[ "${EDGEGW_CMAKE_ARGS:-}" == *ccache* ]] && host_packages+=(ccache)  # a launcher asked for
missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "arm64: dpkg --add-architecture arm64 (to download arm64 packages; none is installed)"
  $sudo dpkg --add-architecture arm64
  need_update=1
fi
apt-cache show libfmt-dev:arm64 >/dev/null 2>&1 || need_update=1
if ((${#missing[@]})) || [ -n "${need_update:-}" ]; then
  $sudo apt-get update -qq
fi
if ((${#missing[@]})); then
  echo "arm64: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# --- the arm64 sysroot ---------------------------------------------------------------------------
# What the build links against, and what the tests run with under qemu (QEMU_LD_PREFIX).
dev_packages=(libc6-dev libstdc++-12-dev libpaho-mqttpp-dev libpaho-mqtt-dev libssl-dev
              libflatbuffers-dev librocksdb-dev libfmt-dev libsimdjson-dev libtomlplusplus-dev
              libsystemd-dev)
header_only=(doctest-dev libcli11-dev)  # Architecture: all
arm64_args=()
for p in "${dev_packages[@]}"; do arm64_args+=("$p:arm64"); done
mapfile -t packages < <(
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${arm64_args[@]}" |
    grep -E '^[a-z0-9][^ ]*:arm64$' | grep -v '^flatbuffers-compiler' | sort -u)
packages+=("${header_only[@]}")
wanted=$(printf '%s\n' "${packages[@]}" | xargs apt-cache policy |
         awk '/^[^ ]/ {p=$1} /Candidate:/ {print p, $2}' | sort)
if [ ! -f "$sysroot/.packages" ] || [ "$(cat "$sysroot/.packages")" != "$wanted" ]; then
  echo "arm64: making the sysroot from ${#packages[@]} Debian arm64 packages"
  rm -rf "$sysroot" "$out/debs" "$out/pkgs"
  mkdir -p "$out/debs" "$out/pkgs" "$sysroot"
  (cd "$out/debs" && apt-get download -qq "${packages[@]}" 2>&1 | grep -v 'unsandboxed' || true)
  for deb in "$out"/debs/*.deb; do
    name=$(dpkg-deb -f "$deb" Package)
    # Each package also unpacked on its own with its control files: dpkg-shlibdeps reads the
    # shared libraries' symbols/shlibs files there (-S) to compute the .deb's Depends.
    dpkg-deb -R "$deb" "$out/pkgs/$name"
    dpkg -x "$deb" "$sysroot"
  done
  # A few -dev symlinks are absolute (/lib/...): make them point inside the sysroot.
  find "$sysroot" -type l -lname '/*' | while read -r link; do
    ln -sfn "$sysroot$(readlink "$link")" "$link"
  done
  # Some packages' CMake files name their libraries by absolute path (/usr/lib/...): inside it.
  grep -rlE '"/usr[/"]' "$sysroot"/usr/lib/aarch64-linux-gnu/cmake "$sysroot"/usr/share/cmake* \
      2>/dev/null | xargs -r sed -i -E "s#\"/usr([/\"])#\"$sysroot/usr\\1#g"
  echo "$wanted" > "$sysroot/.packages"
fi

# --- configure, build ----------------------------------------------------------------------------
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/deploy/cross/aarch64-toolchain.cmake" -DEDGEGW_SYSROOT="$sysroot" \
  ${EDGEGW_CMAKE_ARGS:-} >/dev/null
cmake --build "$out" -j2 --target edgegw fleetsim unit_tests
file "$out/bin/edgegw" | grep -q 'ARM aarch64' || { echo "arm64: edgegw is not aarch64" >&2; exit 1; }

# --- the package: Depends from dpkg-shlibdeps against the sysroot's packages ------------------
shlib_dirs=()
for d in "$out"/pkgs/*; do
  [ -f "$d/DEBIAN/shlibs" ] || [ -f "$d/DEBIAN/symbols" ] && shlib_dirs+=("-S$d")
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: edgegw\n\nPackage: edgegw\nArchitecture: arm64\n' > "$work/debian/control"
(cd "$work" && DEB_HOST_ARCH=arm64 dpkg-shlibdeps -O "${shlib_dirs[@]}" \
   "$out/bin/edgegw" "$out/bin/fleetsim") > "$work/substvars" \
  2> >(grep -v "should already be installed in their package's directory" >&2)
shlibs=$(sed -n 's/^shlibs:Depends=//p' "$work/substvars")
[ -n "$shlibs" ] || { echo "arm64: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
cmake "$out" -DEDGEGW_DEB_SHLIBS="$shlibs" >/dev/null
rm -f "$out"/edgegw_*_arm64.deb
(cd "$out" && cpack -G DEB >/dev/null)
deb=$(ls "$out"/edgegw_*_arm64.deb)
echo "arm64: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB), Depends: $(dpkg-deb -f "$deb" Depends)"
