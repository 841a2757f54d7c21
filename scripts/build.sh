#!/usr/bin/env bash
# Configures and builds signrate (library, CLI, tests, benchmarks) in ./build, Release.
# Extra arguments go to CMake, e.g. -DSIGNRATE_CUDA=OFF or -DSIGNRATE_NATIVE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$jobs"
