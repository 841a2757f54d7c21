#!/usr/bin/env bash
# Side-by-side on this machine, one thread each: signrate's engine and its floors
# (Google Benchmark), the same simulation in vectorized NumPy (needs python3-numpy), and every
# oracle's cost beside the Gaussian's with NumPy and PyTorch (python3-torch) under Gaussian and
# Student-t noise (bench/compare_oracles.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$root/build/bench/signrate_bench" ] || bash "$root/scripts/build.sh" >/dev/null
"$root/build/bench/signrate_bench" --benchmark_min_time=1
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/compare_numpy.py" --d 10000 --replicates 64 --T 16
else
  echo "numpy not installed (apt-get install python3-numpy): NumPy comparison skipped"
fi
if /usr/bin/python3 -c "import numpy, torch" 2>/dev/null; then
  OMP_NUM_THREADS=1 /usr/bin/python3 "$root/bench/compare_oracles.py" --signrate "$root/build/signrate"
else
  echo "numpy or torch not installed (apt-get install python3-numpy python3-torch): oracle comparison skipped"
fi
