#!/usr/bin/env bash
# Sets everything up and runs the main job with its defaults: SMM with the Theorem 1 schedule on
# the d-scaled quadratic with Gaussian noise (d = 256, T = 4096, 16 replicates, seed 1).
# Writes run.json and run.csv in the current directory. Extra arguments go to `signrate run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" >/dev/null
"$root/build/signrate" run --out run.json --csv run.csv "$@"
