#!/usr/bin/env bash
# Side-by-side on this machine, one thread each: signrate's engine and its floors
# (Google Benchmark), and the same simulation in vectorized NumPy (needs python3-numpy).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$root/build/bench/signrate_bench" ] || bash "$root/scripts/build.sh" >/dev/null
"$root/build/bench/signrate_bench" --benchmark_min_time=1
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/compare_numpy.py" --d 10000 --replicates 64 --T 16
else
  echo "numpy not installed (apt-get install python3-numpy): NumPy comparison skipped"
fi
