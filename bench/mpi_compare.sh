#!/usr/bin/env bash
# signrate-mpi's transport on this machine (bench/README.md, "Multi-process transport"):
#   1. the packed-sign exchange (signrate_bench_mpi) beside the same Exchange with float32
#      payloads and beside MPI_Allreduce of d float32, for 1 (no transfer), 2 and 4 ranks,
#      d = 2^10 .. 2^22;
#   2. whole runs: `mpirun -np n signrate-mpi` against `signrate run --nodes n --threads 1`, n = 2, 4.
# Usage: bash bench/mpi_compare.sh [build directory, default build] [log2 d min] [log2 d max]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
kmin=${2:-10}
kmax=${3:-22}
[ -x "$build/bench/signrate_bench_mpi" ] && [ -x "$build/signrate-mpi" ] ||
  { echo "mpi_compare: build signrate-mpi and signrate_bench_mpi in $build first (needs MPI)" >&2; exit 2; }

mpirun=(mpirun)
if mpirun --version 2>/dev/null | grep -q "open-mpi.org" ||
   OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --version 2>/dev/null | grep -q "open-mpi.org"; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  mpirun+=(--oversubscribe)  # more ranks than cores on a small machine
fi

echo "## transport alone, us per step (slowest rank); 1 rank: the packing and vote alone, no transfer"
"${mpirun[@]}" -np 1 "$build/bench/signrate_bench_mpi" "$kmin" "$kmax"
"${mpirun[@]}" -np 2 "$build/bench/signrate_bench_mpi" "$kmin" "$kmax" | tail -n +3
"${mpirun[@]}" -np 4 "$build/bench/signrate_bench_mpi" "$kmin" "$kmax" | tail -n +3

echo
echo "## whole runs, mvsm-v2, 1 replicate, T = 64: ms per step (n ranks, or n nodes in one thread)"
echo "| n | d | signrate-mpi, n ranks | signrate run --nodes n, 1 thread |"
echo "|---|---|---|---|"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
elapsed() { grep -o '"elapsed_s": [0-9.eE+-]*' "$1" | head -n 1 | awk '{print $2}'; }
for n in 2 4; do
  for k in 12 16 20; do
    args=(--method mvsm-v2:R=5,clip=1 --d $((1 << k)) --T 64 --replicates 1 --checkpoints-per-decade 1)
    "${mpirun[@]}" -np "$n" "$build/signrate-mpi" "${args[@]}" --out "$tmp/mpi.json" >/dev/null
    "$build/signrate" run "${args[@]}" --nodes "$n" --threads 1 --out "$tmp/run.json" >/dev/null
    awk -v n="$n" -v k="$k" -v a="$(elapsed "$tmp/mpi.json")" -v b="$(elapsed "$tmp/run.json")" \
      'BEGIN { printf "| %d | 2^%d | %.2f | %.2f |\n", n, k, a * 1000 / 64, b * 1000 / 64 }'
  done
done
