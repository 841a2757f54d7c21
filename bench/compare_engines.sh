#!/usr/bin/env bash
# The same benchmarks from two builds, alternating in one run, so both see the same machine load:
#   bash bench/compare_engines.sh BEFORE_BUILD AFTER_BUILD [ROUNDS]
# e.g. a worktree of the previous commit built in /tmp/base/build against ./build. Prints ns per
# coordinate-step (single node) and per node-coordinate-step (n nodes), CPU time, one line each.
set -euo pipefail
before=${1:?usage: compare_engines.sh BEFORE_BUILD AFTER_BUILD [ROUNDS]}
after=${2:?usage: compare_engines.sh BEFORE_BUILD AFTER_BUILD [ROUNDS]}
rounds=${3:-3}
single='SmmQuadraticGaussian/(10000/64/256|1000/8/1000)'
distributed='BM_(MvsmV2/1024/8|MvsmV1/1024/8|SignSgdMv/1024/8|SgdDist/1024/8|SingleNodeSmmGaussian/4096/1|MvsmV2Gaussian/4096/8|MvsmV1Gaussian/4096/8|SignSgdMvGaussian/4096/8)$'
run() {  # label binary filter
  "$2" --benchmark_filter="$3" --benchmark_min_time=0.3 2>/dev/null |
    awk -v l="$1" '/^BM_/ { for (i = 1; i <= NF; ++i) if ($i ~ /^ns\//) { split($i, a, "="); sub(/s$/, "", a[2]); printf "%-7s %-40s %s\n", l, $1, a[2] } }'
}
for ((k = 1; k <= rounds; ++k)); do
  for side in before after; do
    dir=${!side}
    run "$side" "$dir/bench/signrate_bench" "$single"
    [ -x "$dir/bench/signrate_bench_distributed" ] && run "$side" "$dir/bench/signrate_bench_distributed" "$distributed"
  done
done
