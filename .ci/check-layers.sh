#!/usr/bin/env bash
# check-layers.sh: the one rule of the layout (README, "Architecture"): includes point down.
# Each project file is on a floor; it may include files of its own folder and of lower floors,
# never a higher floor nor another folder of its own floor. Exit 1 on a violation, naming the
# file, the line and both floors. tests/ and bench/ may include anything. Run by the build (the
# check_layers target) and by ctest (test "layers: includes point down").
set -euo pipefail
cd "$(dirname "$0")/.."

# The floors, bottom to top: "<floor> <path prefix>"; the longest matching prefix wins.
floors='
0 util/
0 schemas/
1 drivers/
2 gateway/alert/
3 gateway/detect/
3 simulator/
4 gateway/store/
5 gateway/config
6 gateway/mqtt/
7 gateway/ingest/
7 gateway/uplink/
8 gateway/gateway.
8 gateway/observer.
8 gateway/query.
8 gateway/service_notify.
9 gateway/status/
10 gateway/cli/
'

includes=$(grep -rn --include='*.h' --include='*.cpp' '^[[:space:]]*#include "' \
  util drivers gateway simulator)

awk -v floors="$floors" '
  BEGIN {
    n = split(floors, lines, "\n")
    for (i = 1; i <= n; ++i)
      if (split(lines[i], f, " ") == 2) { rank[f[2]] = f[1] }
  }
  function floor_of(path,   p, best) {
    best = ""
    for (p in rank)
      if (index(path, p) == 1 && length(p) > length(best)) best = p
    return best
  }
  function folder_of(prefix) { return prefix ~ /\/$/ ? prefix : substr(prefix, 1, match(prefix, /[^\/]*$/) - 1) }
  {
    file = $0; sub(/:.*/, "", file)
    rest = substr($0, length(file) + 2); line = rest; sub(/:.*/, "", line)
    target = $0; sub(/^[^"]*"/, "", target); sub(/".*/, "", target)
    fp = floor_of(file); tp = floor_of(target)
    if (fp == "") { printf "%s: on no floor: add its folder to the floors in %s\n", file, "check-layers.sh"; bad = 1; next }
    if (tp == "") next
    if (rank[tp] + 0 > rank[fp] + 0 || (rank[tp] == rank[fp] && folder_of(tp) != folder_of(fp))) {
      printf "%s:%s: includes %s (floor %s, %s) from floor %s (%s): arrows point down\n", file, line, target, rank[tp], tp, rank[fp], fp
      bad = 1
    }
  }
  END { exit bad }
' <<<"$includes" || { echo "check-layers: an include points up a floor (README, Architecture)" >&2; exit 1; }
# status/ observes the gateway (observer.h) and reads it through its queries (query.h), never
# through the Gateway itself.
if grep -rn '#include "gateway/gateway.h"' gateway/status; then
  echo "check-layers: status/ reads the gateway through gateway/query.h, not gateway.h" >&2
  exit 1
fi
echo "check-layers: every include points down"
