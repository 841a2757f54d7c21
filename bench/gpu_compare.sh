#!/usr/bin/env bash
# Side-by-side on a GPU: the SMM benchmark simulation in PyTorch (eager and torch.compile) and
# JAX (lax.scan under jit), float64, at the issue's sizes, and `signrate run --device cuda` at the
# same sizes when given the path to signrate (bench/gpu_compare.py; bench/README.md, "GPU").
#
#   bash bench/gpu_compare.sh                       # PyTorch and JAX only
#   bash bench/gpu_compare.sh build-gpu/signrate    # and signrate, with the ratios
#   bash bench/gpu_compare.sh build/signrate --device cpu --sizes 256,16,64   # a test without a GPU
#
# Other arguments go to bench/gpu_compare.py (--help lists them). Uses the first python3 on PATH
# that imports torch (then Debian's /usr/bin/python3), or python3 to report what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exec python3 "$here/gpu_compare.py" --help
fi
args=()
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  [ -x "$1" ] || {
    echo "gpu_compare: $1 is not an executable (the path to signrate)" >&2
    exit 2
  }
  args+=(--signrate "$1")
  shift
fi
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import torch" >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  command -v python3 >/dev/null 2>&1 || {
    echo "gpu_compare: python3 not found" >&2
    exit 2
  }
  python=python3
  echo "gpu_compare: no python3 here imports torch (Debian: apt-get install python3-torch); only JAX and signrate can run"
fi
exec "$python" "$here/gpu_compare.py" "${args[@]}" "$@"
