#!/usr/bin/env bash
# Workbench start-up: wall time from starting the product's start script until the X server shows the workbench
# window (viewable, titled "Trainbench", at least 600 pixels wide: what a user sees appear), on a fresh workspace each time (no restored layout or editors).
# Every product is started once before timing (OSGi resolves and caches its bundles on a first start), then the
# products take turns, round after round, so that a busy machine slows them alike.
#
# Usage: tools/bench/workbench_startup.sh ROUNDS PRODUCT_DIR...
#   PRODUCT_DIR: a materialized product (releng/org.trainbench.product/target/products/org.trainbench.rcp.product/
#   linux/gtk/x86_64/trainbench), copied aside for a before/after comparison.
# Prints one line per start (product, round, milliseconds) and per product the median, mean, sd and min.
set -euo pipefail
rounds=${1:?rounds}
shift
(( $# > 0 )) || { echo "usage: $0 ROUNDS PRODUCT_DIR..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
display=:$(( 90 + RANDOM % 100 ))
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1

# Whether the workbench window is on screen: a viewable top-level window titled Trainbench at least 600 pixels wide
# (the workbench makes smaller hidden shells with that name earlier: limbo and its splash-less start shell).
window_shown() {
  local id
  for id in $(DISPLAY=$display xwininfo -root -tree 2>/dev/null \
      | awk '/"Trainbench[^"]*": \("Trainbench" "Trainbench"\)/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+x[0-9]+\+/) { split($i, g, "x"); if (g[1] + 0 >= 600) print $1 } }'); do
    if DISPLAY=$display xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable'; then
      return 0
    fi
  done
  return 1
}

# One start: prints the milliseconds until the window is mapped, then ends the workbench.
start_once() {
  local product=$1 data
  data=$(mktemp -d -p "$work")
  local t0 t1
  t0=$(date +%s%N)
  DISPLAY=$display "$product/trainbench-workbench" -data "$data" >"$data.log" 2>&1 &
  local pid=$!
  while :; do
    if window_shown; then
      t1=$(date +%s%N)
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the workbench in $product ended before its window appeared; its log: $data.log" >&2
      cat "$data.log" >&2
      exit 1
    fi
    sleep 0.02
  done
  # The start script execs java, so $pid is the JVM.
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

for product in "$@"; do
  start_once "$product" >/dev/null
done
declare -A times
for (( r = 1; r <= rounds; r++ )); do
  for product in "$@"; do
    ms=$(start_once "$product")
    times[$product]+="$ms "
    echo "$product round $r: $ms ms"
  done
done
for product in "$@"; do
  echo "${times[$product]}" | tr ' ' '\n' | grep . | sort -n | awk -v p="$product" '
    { v[NR] = $1; s += $1; q += $1 * $1 }
    END { m = s / NR; sd = sqrt(q / NR - m * m); med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          printf "%s: median %d ms, mean %d ms, sd %d, min %d, n %d\n", p, med, m, sd, v[1], NR }'
done
